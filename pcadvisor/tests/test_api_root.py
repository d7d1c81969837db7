"""The API root at /api/v1/ lists every app's endpoints, not only the catalog's."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.urls import resolve

pytestmark = pytest.mark.django_db


def test_the_api_root_lists_the_catalog_pricing_and_trends_endpoints(client) -> None:
    response = client.get("/api/v1/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    body = response.json()
    base = "http://testserver/api/v1/"
    assert body["catalog"]["product-list"] == f"{base}products/"
    assert body["catalog"]["product-detail"] == f"{base}products/{{id}}/"
    assert body["pricing"]["model"] == f"{base}pricing/model/"
    assert body["pricing"]["configuration-estimate"] == f"{base}pricing/estimate/"
    assert body["pricing"]["product-estimate"] == f"{base}pricing/products/{{id}}/estimate/"
    assert body["trends"]["market"] == f"{base}trends/market/"
    assert body["trends"]["product-trend"] == f"{base}trends/products/{{id}}/"
    assert body["trends"]["backtest-latest"] == f"{base}trends/backtests/latest/"
    for group in body.values():
        if isinstance(group, dict):
            for url in group.values():
                # every listed address is one the site serves (templated ones with an id/pcode)
                path = urlsplit(url.replace("{id}", "1").replace("{pcode}", "20157388")).path
                assert resolve(path), url
    assert body["schema"].endswith("/api/schema/") and body["docs"].endswith("/api/docs/")
