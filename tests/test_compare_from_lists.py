"""Products can be picked for comparison from the catalog list, and the picks land on the
compare page side by side (issue 11: compare "from any list")."""

from __future__ import annotations

import re

import pytest

from catalog.services import get_category
from catalog.tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


def test_the_catalog_list_sends_the_checked_products_to_the_compare_page(client) -> None:
    desktops = get_category("112756")
    a = ProductFactory(name="비교 데스크톱 A", category=desktops, current_price=900_000)
    b = ProductFactory(name="비교 데스크톱 B", category=desktops, current_price=1_100_000)
    page = client.get("/catalog/").content.decode()
    form = re.search(r'<form method="get" action="([^"]+)" class="compare-pick"', page)
    assert form, "no compare form on the catalog list"
    boxes = re.findall(r'<input type="checkbox" name="ids" value="(\d+)">', page)
    assert {str(a.pk), str(b.pk)} <= set(boxes)

    compared = client.get(form.group(1), {"ids": [a.pk, b.pk]})
    assert compared.status_code == 200
    text = compared.content.decode()
    assert "비교 데스크톱 A" in text and "비교 데스크톱 B" in text
