"""A product's Danawa link must be a Danawa product page: the admin, the API and the services
(crawler, importers) accept only those, through one validator, and the product page never
shows anything else as "다나와에서 보기"."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from catalog import services
from catalog.models import Product
from catalog.tests.factories import CategoryFactory, ProductFactory
from catalog.tests.test_admin import product_form_data
from catalog.validators import validate_danawa_product_url

pytestmark = pytest.mark.django_db

BAD = [
    "http://127.0.0.1:22/",
    "https://evil-danawa.com/info/?pcode=123",
    "https://prod.danawa.com.evil.com/info/?pcode=123",
    "https://user@prod.danawa.com/info/?pcode=123",
    "https://prod.danawa.com:8443/info/?pcode=123",
    "javascript:alert(1)",
    "https://prod.danawa.com/list/?cate=112756",  # Danawa, but not a product page
    "https://prod.danawa.com/info/?pcode=abc",
]
GOOD = [
    "https://prod.danawa.com/info/?pcode=20157388",
    "http://prod.danawa.com/info/?pcode=20157388&cate=112756",
    "https://m.danawa.com/product/product.html?code=20157388&cateCode=112756",
]


@pytest.mark.parametrize("url", BAD)
def test_the_validator_refuses_anything_but_a_danawa_product_page(url) -> None:
    with pytest.raises(ValidationError) as info:
        validate_danawa_product_url(url)
    assert "다나와" in " ".join(info.value.messages)


@pytest.mark.parametrize("url", GOOD)
def test_the_validator_accepts_danawa_product_pages(url) -> None:
    validate_danawa_product_url(url)


@pytest.mark.parametrize("url", ["http://127.0.0.1:22/", "https://evil-danawa.com/info/?pcode=1"])
def test_the_admin_refuses_a_non_danawa_link(admin_client, url) -> None:
    product = ProductFactory()
    change = reverse("admin:catalog_product_change", args=[product.pk])
    response = admin_client.post(change, product_form_data(product, url=url))
    assert response.status_code == 200  # the form again, with the error
    assert "다나와 상품 페이지" in response.content.decode()
    product.refresh_from_db()
    assert product.url == ""


def test_the_admin_accepts_a_danawa_product_link(admin_client) -> None:
    product = ProductFactory()
    change = reverse("admin:catalog_product_change", args=[product.pk])
    response = admin_client.post(change, product_form_data(product, url=GOOD[0]))
    assert response.status_code == 302
    product.refresh_from_db()
    assert product.url == GOOD[0]


def test_the_api_refuses_a_non_danawa_link(admin_client) -> None:
    CategoryFactory()
    payload = {"name": "나쁜 링크 PC", "category": "112756", "url": "http://127.0.0.1:22/"}
    response = admin_client.post("/api/v1/products/", payload, content_type="application/json")
    assert response.status_code == 400
    assert "다나와 상품 페이지" in " ".join(response.json()["url"])
    assert not Product.objects.filter(name="나쁜 링크 PC").exists()


def test_the_service_refuses_a_non_danawa_link() -> None:
    data = services.ProductData(
        name="서비스 PC", category=CategoryFactory(), url="https://evil-danawa.com/info/?pcode=1"
    )
    with pytest.raises(ValidationError):
        services.upsert_product(data)
    assert not Product.objects.filter(name="서비스 PC").exists()


def test_a_bad_link_stored_earlier_is_never_shown_as_the_danawa_link(client) -> None:
    product = ProductFactory(pcode="20157388")
    Product.objects.filter(pk=product.pk).update(url="http://127.0.0.1:22/")
    html = client.get(product.get_absolute_url()).content.decode()
    assert "127.0.0.1:22" not in html
    assert 'href="https://prod.danawa.com/info/?pcode=20157388"' in html
