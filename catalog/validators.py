"""Validators of catalog fields, shared by the model (so the admin), the API and the services."""

from __future__ import annotations

from urllib.parse import parse_qs

from django.core.exceptions import ValidationError

from catalog.danawa.addresses import check_url
from catalog.danawa.errors import DisallowedURLError

# Danawa product pages: the desktop page and the mobile one (host, path, the pcode's parameter)
PRODUCT_PAGES = {
    ("prod.danawa.com", "/info/"): "pcode",
    ("m.danawa.com", "/product/product.html"): "code",
}
MESSAGE = (
    "다나와 상품 페이지 주소만 넣을 수 있습니다 (예: https://prod.danawa.com/info/?pcode=20157388)."
)


def danawa_product_pcode(url: str) -> str | None:
    """The pcode of a Danawa product page URL, or ``None`` for anything else (other hosts,
    look-alikes, ports, user info: the crawler's host rules in ``catalog.danawa.addresses``)."""
    try:
        checked = check_url(url)
    except DisallowedURLError:
        return None
    param = PRODUCT_PAGES.get((checked.host, checked.path))
    values = parse_qs(checked.query).get(param or "") or []
    if len(values) != 1 or not values[0].isdigit() or len(values[0]) > 12:
        return None
    return values[0]


def validate_danawa_product_url(value: str) -> None:
    """A product's ``url``: empty, or a Danawa product page."""
    if value and danawa_product_pcode(value) is None:
        raise ValidationError(MESSAGE, code="not_danawa_product")
