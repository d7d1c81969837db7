"""What the API schema promises, the server holds to (issue 14): a boolean is a boolean, a
parameter is given once, a blank date or category is an error rather than "not given", and
pages are whole numbers in range. Each case was a fuzzer finding (tests/test_api_fuzz.py)."""

from __future__ import annotations

import pytest
from django.test import Client

from catalog.tests.factories import CategoryFactory, ProductFactory

pytestmark = pytest.mark.django_db


def test_a_json_boolean_must_be_true_or_false(admin_client: Client) -> None:
    category = CategoryFactory()
    for value in (0, 1, "true", "yes", None):
        response = admin_client.post(
            "/api/v1/products/",
            {"name": "엄격한 상품", "category": category.code, "is_demo": value},
            content_type="application/json",
        )
        assert response.status_code == 400, value
        assert "is_demo" in response.json(), value
    ok = admin_client.post(
        "/api/v1/products/",
        {"name": "엄격한 상품", "category": category.code, "is_demo": True},
        content_type="application/json",
    )
    assert ok.status_code == 201


def test_a_form_boolean_must_be_true_or_false_and_not_blank(client: Client) -> None:
    for value in ("", "yes", "1"):
        response = client.post("/api/v1/similarity/search", {"store": value})
        assert response.status_code == 400
        assert "store" in response.json(), value


def test_a_parameter_given_twice_is_refused(client: Client) -> None:
    response = client.get("/api/v1/benchmarks/cpu/?min_score=5&min_score=")
    assert response.status_code == 400
    assert "min_score" in response.json()["detail"]
    assert client.get("/catalog/?q=a&q=b").status_code == 200  # the HTML pages stay lenient


def test_a_blank_date_or_category_is_an_error_not_absent(client: Client) -> None:
    product = ProductFactory()
    assert client.get(f"/api/v1/products/{product.pk}/prices/?since=").status_code == 400
    assert client.get(f"/api/v1/products/{product.pk}/similar?category=").status_code == 400
    assert client.get("/api/v1/trends/market/?end=").status_code == 400


def test_whole_numbers_only_where_the_schema_says_integer(client: Client) -> None:
    assert client.get("/api/v1/benchmarks/cpu/?min_score=0.5").status_code == 400
    assert client.get("/api/v1/products/?min_price=1.5").status_code == 400
    assert client.get("/api/v1/products/?demo=maybe").status_code == 400


def test_a_json_string_must_be_a_string(admin_client: Client) -> None:
    category = CategoryFactory()
    for body in (
        {"name": 5},
        {"name": "x", "specs_raw": {"CPU": 0}},
        {"name": "x", "manufacturer": True},
    ):
        response = admin_client.post(
            "/api/v1/products/",
            {"category": category.code, **body},
            content_type="application/json",
        )
        assert response.status_code == 400, body


def test_an_optional_form_value_sent_blank_is_refused(client: Client) -> None:
    response = client.post("/api/v1/similarity/search", {"category": "", "k": "5"})
    assert response.status_code == 400
    assert "category" in response.json()


def test_an_empty_bulk_price_write_is_a_400_not_nothing_inserted(admin_client: Client) -> None:
    product = ProductFactory()
    response = admin_client.post(
        f"/api/v1/products/{product.pk}/prices/", [], content_type="application/json"
    )
    assert response.status_code == 400
    schema = admin_client.get("/api/schema/", {"format": "json"}).json()
    body = schema["paths"]["/api/v1/products/{id}/prices/"]["post"]["requestBody"]
    assert body["content"]["application/json"]["schema"]["minItems"] == 1


def test_a_price_write_holds_to_its_schema(admin_client: Client) -> None:
    """A variant label must be text, and the price range the server enforces is in the schema
    (both fuzzer findings once the exceptions were keyed by operation ID)."""
    product = ProductFactory()
    url = f"/api/v1/products/{product.pk}/prices/"
    for row in ({"variant": 0}, {"variant": ["정품"]}, {"price": 999}, {"price": 100_000_001}):
        response = admin_client.post(
            url, [{"day": "2024-01-01", "price": 500_000, **row}], content_type="application/json"
        )
        assert response.status_code == 400, row
        assert set(row) <= set(response.json()["0"]), (row, response.json())  # row 0's fields
    assert "1,000원 이상" in str(
        admin_client.post(
            url, [{"day": "2024-01-01", "price": 999}], content_type="application/json"
        ).json()
    )
    schema = admin_client.get("/api/schema/", {"format": "json"}).json()
    item = schema["components"]["schemas"]["PriceInput"]["properties"]["price"]
    assert (item["minimum"], item["maximum"]) == (1_000, 100_000_000)
