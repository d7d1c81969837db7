"""Page numbers. On the catalog page, page 0, negative and non-numeric pages are the first page;
the API, as its schema says, refuses them with a 400 naming the parameter (issue 14: the schema
tells the truth). A page past the last is a Korean 404 on both (in the site's layout for the
page). The API honours ``page_size`` from 1 up to a documented maximum and refuses others."""

from __future__ import annotations

import re

import pytest

from catalog.tests.factories import ProductFactory
from core.pagination import MAX_PAGE, MAX_PAGE_SIZE

pytestmark = pytest.mark.django_db

NAMES = re.compile(r'href="/catalog/products/\d+/">(페이지 상품 \d+)<')


@pytest.fixture
def products() -> None:
    for i in range(65):
        ProductFactory(name=f"페이지 상품 {i:02d}")


@pytest.mark.parametrize("page", ["0", "-5", "abc", "1.5", ""])
def test_a_page_that_is_not_a_positive_number_is_the_first_page_and_an_api_400(
    client, products, page
) -> None:
    response = client.get("/catalog/", {"page": page})
    assert response.status_code == 200
    assert NAMES.findall(response.content.decode())[0] == "페이지 상품 00"
    api = client.get("/api/v1/products/", {"page": page})
    assert api.status_code == 400
    assert api.json() == {"page": [f"page는 1~{MAX_PAGE}의 정수여야 합니다."]}


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


@pytest.mark.parametrize("size", ["0", "-1", str(MAX_PAGE_SIZE + 1), "null", "1e3", ""])
def test_the_api_refuses_a_page_size_outside_the_documented_range(client, size) -> None:
    api = client.get("/api/v1/products/", {"page_size": size})
    assert api.status_code == 400
    assert api.json() == {"page_size": [f"page_size는 1~{MAX_PAGE_SIZE}의 정수여야 합니다."]}


def test_the_schema_states_the_page_limits(client) -> None:
    schema = client.get("/api/schema/", {"format": "json"}).json()
    params = schema["paths"]["/api/v1/products/"]["get"]["parameters"]
    page_size = next(p for p in params if p["name"] == "page_size")
    assert page_size["schema"] == {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE}
    page = next(p for p in params if p["name"] == "page")
    assert page["schema"] == {"type": "integer", "minimum": 1, "maximum": MAX_PAGE}
