"""Which categories are PC ones: the PC features cover these, the rest is for image search."""

import pytest

from catalog.models import Category, CategoryKind, Product
from catalog.services import get_category
from catalog.tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


def test_danawa_part_categories_are_pc_parts_and_demo_lifestyle_ones_are_not() -> None:
    assert get_category("112752").kind == CategoryKind.PART
    assert get_category("112752").is_pc
    assert get_category("112756").is_pc
    sofa = get_category("demo:sofa", "소파", CategoryKind.OTHER)
    assert not sofa.is_pc
    assert set(Category.objects.pc()) == {get_category("112752"), get_category("112756")}


def test_product_pc_queryset_leaves_out_non_pc_products() -> None:
    desktop = ProductFactory(category=get_category("112756"))
    ram = ProductFactory(category=get_category("112752"))
    ProductFactory(category=get_category("demo:shoes", "신발", CategoryKind.OTHER))
    assert set(Product.objects.pc()) == {desktop, ram}
