"""조립하면 얼마? on real data: the real Danawa CPU and graphics-card price histories
(../shared/data/danawa/price_history, December 2022) imported as they are, and a desktop whose
spec summary names its parts the way Danawa's brand-PC lists do."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest

from catalog.danawa import categories as codes
from catalog.importers.price_history import import_price_history_dir
from catalog.models import Product
from catalog.services import PriceRow, ProductData, get_category, record_prices, upsert_product
from pricing.parts_sum import parts_sum

pytestmark = [pytest.mark.django_db, pytest.mark.slow]
LAST_DAY = dt.date(2022, 12, 31)


def test_real_data_cpu_and_card_products_price_a_desktop_named_in_danawa_words(
    shared_data, tmp_path
) -> None:
    """real data: 인텔 코어i5-12세대 12400F and RTX 3060 12GB in a brand PC's summary match the
    real CPU product (its 정품 variant, not the cheaper 벌크) and the cheapest real RTX 3060 12GB
    card of that day."""
    for name in ("CPU_2022-12.csv", "VGA_2022-12.csv"):
        shutil.copy(shared_data / "danawa" / "price_history" / name, tmp_path / name)
    import_price_history_dir(tmp_path)
    pc = upsert_product(
        ProductData(
            name="한성컴퓨터 TFG IX12400FR3060",
            category=get_category(codes.BRAND_PC),
            spec_summary="인텔 코어i5-12세대 12400F / 지포스 RTX 3060 12GB / 16GB / "
            "SSD 512GB / Windows 11 Home / 미들타워",
        )
    ).product
    record_prices([PriceRow(pc.pk, LAST_DAY, 1_290_000)])
    pc = Product.objects.with_related().get(pk=pc.pk)
    assert (pc.cpu_model, pc.gpu_model, pc.vram_gb) == (
        "Intel Core i5-12400F",
        "GeForce RTX 3060",
        12,
    )
    result = parts_sum(pc)
    cpu = next(x for x in result.lines if x.part == "cpu")
    gpu = next(x for x in result.lines if x.part == "gpu")
    assert cpu.source == "catalog" and "12400F" in cpu.product_name
    assert cpu.note.startswith("정품 기준") and "벌크" in cpu.note
    assert gpu.source == "catalog" and "RTX 3060" in gpu.product_name and "12GB" in gpu.product_name
    cards = Product.objects.filter(
        category__code=codes.GPU, gpu_model="GeForce RTX 3060", vram_gb=12,
        current_price_day__gte=LAST_DAY - dt.timedelta(days=14),
    )  # fmt: skip
    assert cards.count() >= 5
    assert gpu.won == min(c.current_price for c in cards)
    assert 100_000 < cpu.won < 400_000 and 250_000 < gpu.won < 800_000
