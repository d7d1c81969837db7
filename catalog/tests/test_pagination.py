"""Page numbers: the same rules for the catalog page and the API. Page 0, negative and
non-numeric pages are the first page; a page past the last is a Korean 404 (in the site's
layout for the page). The API honours ``page_size`` up to a documented maximum."""

from __future__ import annotations

import re

import pytest

from catalog.tests.factories import ProductFactory
from core.pagination import MAX_PAGE_SIZE

pytestmark = pytest.mark.django_db

NAMES = re.compile(r'href="/catalog/products/\d+/">(페이지 상품 \d+)<')


@pytest.fixture
def products() -> None:
    for i in range(65):
        ProductFactory(name=f"페이지 상품 {i:02d}")


@pytest.mark.parametrize("page", ["0", "-5", "abc", "1.5", ""])
def test_a_page_that_is_not_a_positive_number_is_the_first_page(client, products, page) -> None:
    response = client.get("/catalog/", {"page": page})
    assert response.status_code == 200
    assert NAMES.findall(response.content.decode())[0] == "페이지 상품 00"
    api = client.get("/api/v1/products/", {"page": page})
    assert api.status_code == 200
    assert api.json()["results"][0]["name"] == "페이지 상품 00"


def test_a_page_past_the_last_is_a_korean_404_on_the_page_and_in_the_api(
    client, products, settings
) -> None:
    settings.DEBUG = False
    response = client.get("/catalog/", {"page": "99"})
    html = response.content.decode()
    assert response.status_code == 404
    assert "99쪽은 없습니다" in html and '<header class="site-header">' in html
    api = client.get("/api/v1/products/", {"page": "99"})
    assert api.status_code == 404
    assert "99쪽은 없습니다" in api.json()["detail"]


def test_the_api_honours_page_size_and_keeps_it_in_the_next_link(client, products) -> None:
    body = client.get("/api/v1/products/", {"page_size": "10"}).json()
    assert len(body["results"]) == 10 and body["count"] == 65
    assert "page_size=10" in body["next"] and "page=2" in body["next"]
    second = client.get(body["next"]).json()
    assert second["results"][0]["name"] == "페이지 상품 10"


def test_the_api_caps_page_size_at_the_documented_maximum(client, settings) -> None:
    for i in range(MAX_PAGE_SIZE + 3):
        ProductFactory(name=f"많은 상품 {i:03d}")
    body = client.get("/api/v1/products/", {"page_size": str(MAX_PAGE_SIZE * 10)}).json()
    assert len(body["results"]) == MAX_PAGE_SIZE
    schema = client.get("/api/schema/", {"format": "json"}).json()
    params = schema["paths"]["/api/v1/products/"]["get"]["parameters"]
    page_size = next(p for p in params if p["name"] == "page_size")
    assert f"최대 {MAX_PAGE_SIZE}" in page_size["description"]
