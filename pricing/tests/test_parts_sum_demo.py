"""조립하면 얼마? on the demo catalog: its desktops are priced from the demo's own component
products, and the product page, the API and the analysis page show the same figures."""

from __future__ import annotations

import pytest
from django.urls import reverse

from catalog.demo.service import seed_demo
from catalog.models import Product
from pricing.parts_sum import parts_sum

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_desktop(db) -> Product:
    seed_demo(products=30, days=5, others_per_category=1, log=lambda _line: None)
    desktops = (
        Product.objects.with_related()
        .of_kind("desktop")
        .filter(gpu_integrated=False, cpu_model__startswith="Intel Core i")
        .exclude(form_factor="일체형")
        .order_by("pk")
    )
    for pc in desktops:
        sources = {line.part: line.source for line in parts_sum(pc).lines}
        if sources["cpu"] == sources["gpu"] == "catalog":
            return pc
    pytest.fail("no demo desktop priced from catalog components")


def test_a_demo_desktop_is_priced_from_the_demos_cpu_and_graphics_card_products(
    demo_desktop: Product,
) -> None:
    result = parts_sum(demo_desktop)
    cpu = next(x for x in result.lines if x.part == "cpu")
    gpu = next(x for x in result.lines if x.part == "gpu")
    cpu_product = Product.objects.get(pk=cpu.product_id)
    card = Product.objects.get(pk=gpu.product_id)
    assert cpu_product.category.kind == "cpu" and cpu_product.cpu_model == demo_desktop.cpu_model
    assert card.category.kind == "gpu" and card.gpu_model == demo_desktop.gpu_model
    assert cpu.won <= cpu_product.current_price * 1.2 and gpu.won == card.current_price
    assert result.complete and result.total > 0 and result.premium_won is not None


def test_the_product_page_the_api_and_the_analysis_page_agree(
    demo_desktop: Product, client
) -> None:
    result = parts_sum(demo_desktop)
    page = client.get(demo_desktop.get_absolute_url()).content.decode()
    api = client.get(reverse("pricing-api:product-parts-sum", args=[demo_desktop.pk])).json()
    analysis = client.get(f"/api/v1/analyze/{demo_desktop.pcode}/").json()["parts_sum"]
    analysis_page = client.get(
        reverse("analyze:analysis", args=[demo_desktop.pcode])
    ).content.decode()
    assert api["total"] == analysis["total"] == result.total
    assert api["premium_won"] == analysis["premium_won"] == result.premium_won
    assert [x["won"] for x in api["lines"]] == [x["won"] for x in analysis["lines"]]
    for html in (page, analysis_page):
        assert "조립하면 얼마?" in html
        assert f"{result.total:,}원" in html and f"{result.premium_won:+,}원" in html
