"""조립하면 얼마?: a desktop's parts bought separately at today's catalog prices (CPU, graphics
card) and stated typical prices (the rest), against its listed price."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from catalog import services
from catalog.danawa import categories as codes
from catalog.models import CpuBenchmark, GpuBenchmark
from catalog.services import PriceRow, record_prices
from catalog.tests.factories import CpuBenchmarkFactory, GpuBenchmarkFactory, ProductFactory
from pricing import parts_sum as ps
from pricing.parts_sum import NotApplicable, parts_sum

pytestmark = pytest.mark.django_db


def price(product, amount: int, variant: str = "", days_ago: int = 0) -> None:
    day = timezone.localdate() - timezone.timedelta(days=days_ago)
    record_prices([PriceRow(product.pk, day, amount, variant)])
    product.refresh_from_db()


def cpu_product(name: str, model: str, **prices: int):
    p = ProductFactory(name=name, category=services.get_category(codes.CPU), cpu_model=model)
    for variant, amount in prices.items():
        price(p, amount, variant)
    return p


def card(name: str, model: str, vram: int, amount: int, days_ago: int = 0):
    p = ProductFactory(
        name=name, category=services.get_category(codes.GPU), gpu_model=model, vram_gb=vram
    )
    price(p, amount, days_ago=days_ago)
    return p


def desktop(**fields):
    cpu_bench = CpuBenchmark.objects.filter(name="Intel Core i5-12400F").first()
    cpu_bench = cpu_bench or CpuBenchmarkFactory(
        name="Intel Core i5-12400F", tdp=65, socket="FCLGA1700"
    )
    gpu_bench = GpuBenchmark.objects.filter(name="GeForce RTX 3060").first()
    gpu_bench = gpu_bench or GpuBenchmarkFactory(name="GeForce RTX 3060", tdp=170)
    values = dict(
        name="한성컴퓨터 TFG IX12400FR3060",
        category=services.get_category(codes.BRAND_PC),
        cpu_model="Intel Core i5-12400F",
        gpu_model="GeForce RTX 3060",
        vram_gb=12,
        ram_gb=16,
        ssd_gb=512,
        os="Windows 11 Home",
        form_factor="미들타워",
        cpu_benchmark=cpu_bench,
        gpu_benchmark=gpu_bench,
        spec_summary="인텔 코어i5-12세대 12400F / RTX 3060 / 16GB / SSD 512GB",
    )
    values.update(fields)
    p = ProductFactory(**values)
    price(p, 1_290_000)
    return p


def line(result, part: str):
    return next(x for x in result.lines if x.part == part)


def test_catalog_prices_win_over_typical_ones_and_the_retail_cpu_is_preferred() -> None:
    retail = cpu_product(
        "인텔 코어i5-12세대 12400F (엘더레이크)", "Intel Core i5-12400F", 정품=171_000, 벌크=139_000
    )
    cpu_product("인텔 코어i5-12세대 12400F (엘더레이크) 멀티팩", "Intel Core i5-12400F",
                **{"멀티팩(정품)": 176_000})  # fmt: skip
    cheap = card("MSI 지포스 RTX 3060 벤투스 2X OC D6 12GB", "GeForce RTX 3060", 12, 389_000)
    card("ASUS DUAL 지포스 RTX 3060 O12G OC D6 12GB", "GeForce RTX 3060", 12, 419_000)
    card("GIGABYTE 지포스 RTX 3060 D6 8GB", "GeForce RTX 3060 8GB", 8, 329_000)  # other VRAM
    card("MSI 지포스 RTX 3060 Ti 벤투스 2X OC D6 8GB", "GeForce RTX 3060 Ti", 8, 300_000)
    result = parts_sum(desktop())

    cpu = line(result, "cpu")
    assert (cpu.source, cpu.won, cpu.product_id) == ("catalog", 171_000, retail.pk)
    assert "정품" in cpu.note and "139,000" in cpu.note  # the cheaper bulk is named, not used
    assert cpu.product_url == retail.get_absolute_url()
    gpu = line(result, "gpu")
    assert (gpu.source, gpu.won, gpu.product_id) == ("catalog", 389_000, cheap.pk)
    assert gpu.spec == "GeForce RTX 3060 12GB"
    assert ps.TYPICAL_CPU["Intel Core i5-12400F"] != 171_000  # the catalog price won


def test_the_other_parts_are_stated_typical_prices_and_the_premium_adds_up() -> None:
    cpu_product("인텔 코어i5-12세대 12400F", "Intel Core i5-12400F", 정품=171_000)
    card("MSI 지포스 RTX 3060 벤투스 2X OC D6 12GB", "GeForce RTX 3060", 12, 389_000)
    result = parts_sum(desktop())
    parts = {x.part: x for x in result.lines}
    assert set(parts) == {"cpu", "gpu", "ram", "ssd", "board", "psu", "cooler", "case", "os",
                          "assembly"}  # fmt: skip
    assert parts["ram"].won == 16 * ps.RAM_PER_GB["DDR4"] and "DDR4로 가정" in parts["ram"].note
    assert parts["ssd"].won == ps.SSD_BY_GB[512]
    assert parts["board"].won == ps.BOARD["LGA1700"]["B760"]
    assert parts["psu"].won == ps.PSU_BY_WATT[500]  # 65 + 170 + 150 W
    assert parts["cooler"].source == "included" and parts["cooler"].won == 0
    assert parts["os"].won == ps.WINDOWS["Home"]
    assert parts["assembly"].won == ps.ASSEMBLY_FEE
    for part in ("ram", "ssd", "board", "psu", "case", "os", "assembly"):
        assert parts[part].source == "typical"
        assert parts[part].source_label == "일반 시세(고정값)"
    expected = sum(x.won for x in result.lines)
    assert result.total == expected and result.complete
    assert result.listed_price == 1_290_000
    assert result.premium_won == 1_290_000 - expected
    assert result.premium_pct == round(100 * (1_290_000 - expected) / expected, 1)


def test_without_a_catalog_price_the_cpu_and_gpu_fall_back_to_labelled_typical_prices() -> None:
    card("MSI 지포스 RTX 3060 D6 12GB", "GeForce RTX 3060", 12, 389_000, days_ago=40)  # stale
    result = parts_sum(desktop())
    cpu, gpu = line(result, "cpu"), line(result, "gpu")
    assert (cpu.source, cpu.won) == ("typical", ps.TYPICAL_CPU["Intel Core i5-12400F"])
    assert (gpu.source, gpu.won) == ("typical", ps.TYPICAL_GPU["GeForce RTX 3060"])
    assert "일반 시세" in cpu.note and cpu.product_id is None


def test_a_card_of_the_same_chipset_with_other_vram_is_used_and_said_so() -> None:
    other = card("GIGABYTE 지포스 RTX 3060 D6 8GB", "GeForce RTX 3060 8GB", 8, 329_000)
    gpu = line(parts_sum(desktop()), "gpu")
    assert (gpu.source, gpu.won, gpu.product_id) == ("catalog", 329_000, other.pk)
    assert "같은 VRAM 카드가 없어" in gpu.note and "8GB" in gpu.note


def test_parts_without_any_price_are_excluded_and_stated(client) -> None:
    bench = CpuBenchmarkFactory(name="Intel Core i7-1360P", tdp=28, socket="FCBGA1744")
    result = parts_sum(aio := desktop(
        cpu_model="Intel Core i7-1360P", cpu_benchmark=bench, gpu_model="Intel Iris Xe G7 96EU",
        gpu_benchmark=None, vram_gb=None, form_factor="일체형",
    ))  # fmt: skip
    missing = {x.part for x in result.missing}
    assert missing == {"cpu", "board"}
    assert all(x.won is None and x.source_label == "가격 없음" for x in result.missing)
    assert not result.complete
    assert result.total == sum(x.won for x in result.lines if x.won is not None)
    assert any("CPU" in n and "합계에서 뺐습니다" in n for n in result.notes)
    assert line(result, "gpu").source == "included"  # integrated graphics cost nothing
    assert line(result, "screen").won == ps.AIO_SCREEN and "case" not in {
        x.part for x in result.lines
    }
    html = client.get(aio.get_absolute_url()).content.decode()
    assert "가격 없음" in html and "최대 <strong" in html and "가격 없는 부품 2개 제외" in html


def test_it_applies_to_desktops_only() -> None:
    laptop = ProductFactory(
        category=services.get_category(codes.LAPTOP), cpu_model="Intel Core i5-1340P"
    )
    cpu = cpu_product("인텔 코어i5-12세대 12400F", "Intel Core i5-12400F", 정품=171_000)
    mac = desktop(cpu_model="Apple M2 8 Core 3500 MHz", gpu_model="Apple M2", cpu_benchmark=None)
    for product in (laptop, cpu, mac):
        with pytest.raises(NotApplicable):
            parts_sum(product)


def test_the_panel_shows_on_a_desktop_page_and_not_on_others(client) -> None:
    cpu = cpu_product(
        "인텔 코어i5-12세대 12400F (엘더레이크)", "Intel Core i5-12400F", 정품=171_000
    )
    pc = desktop()
    html = client.get(pc.get_absolute_url()).content.decode()
    assert "조립하면 얼마?" in html and "171,000원" in html
    assert cpu.get_absolute_url() in html and "일반 시세(고정값)" in html
    result = parts_sum(pc)
    assert f"{result.total:,}원" in html and f"+{result.premium_won:,}원" in html
    assert "조립하면 얼마?" not in client.get(cpu.get_absolute_url()).content.decode()


def test_the_api_returns_the_lines_and_says_why_for_other_products(client) -> None:
    cpu = cpu_product("인텔 코어i5-12세대 12400F", "Intel Core i5-12400F", 정품=171_000)
    pc = desktop()
    url = reverse("pricing-api:product-parts-sum", args=[pc.pk])
    assert url == f"/api/v1/pricing/products/{pc.pk}/parts-sum/"
    data = client.get(url).json()
    result = parts_sum(pc)
    assert data["total"] == result.total and data["premium_won"] == result.premium_won
    cpu_line = data["lines"][0]
    assert cpu_line["source"] == "catalog" and cpu_line["product_id"] == cpu.pk
    assert cpu_line["won"] == 171_000 and cpu_line["source_label"] == "카탈로그 최저가"
    refused = client.get(reverse("pricing-api:product-parts-sum", args=[cpu.pk]))
    assert refused.status_code == 422 and "데스크톱에만" in refused.json()["detail"]
    assert client.get(reverse("pricing-api:product-parts-sum", args=[999_999])).status_code == 404


def test_the_schema_documents_the_operation_and_its_statuses(client) -> None:
    schema = client.get("/api/schema/?format=json").json()
    op = schema["paths"]["/api/v1/pricing/products/{id}/parts-sum/"]["get"]
    assert {"200", "404", "422"} <= set(op["responses"])
    line_schema = schema["components"]["schemas"]["PartLine"]
    assert {"won", "source", "product_url", "note"} <= set(line_schema["properties"])


def test_the_report_command_counts_the_catalog_lines_and_the_premium() -> None:
    from io import StringIO

    from django.core.management import call_command

    cpu_product("인텔 코어i5-12세대 12400F", "Intel Core i5-12400F", 정품=171_000)
    pc = desktop()
    out = StringIO()
    call_command("parts_sum_report", stdout=out)
    last = out.getvalue().strip().splitlines()[-1]
    assert last == (
        f"parts_sum desktops=1 cpu_catalog=1 gpu_catalog=0 complete=1 "
        f"premium_median_pct={parts_sum(pc).premium_pct:.1f}"
    )


@pytest.mark.parametrize(
    ("model", "platform", "tier"),
    [("Intel Core i3-12100", "LGA1700", "H610"), ("Intel Core i5-12400F", "LGA1700", "B760"),
     ("Intel Core i7-14700K", "LGA1700", "Z790"), ("Intel Core Ultra 5 225F", "LGA1851", "B860"),
     ("Intel Core Ultra 7 265KF", "LGA1851", "Z890"), ("AMD Ryzen 5 5600", "AM4", "A520"),
     ("AMD Ryzen 7 5700X", "AM4", "B550"), ("AMD Ryzen 5 7600", "AM5", "A620"),
     ("AMD Ryzen 7 9800X3D", "AM5", "B650"), ("AMD Ryzen 9 7950X", "AM5", "X870")],
)  # fmt: skip
def test_the_motherboard_tier_follows_the_cpu(model: str, platform: str, tier: str) -> None:
    assert ps._board_tier(model, platform) == tier


def test_a_ddr_generation_stated_in_the_spec_wins_but_a_cards_gddr_is_not_ram() -> None:
    ddr5 = parts_sum(desktop(spec_summary="인텔 코어i5-12세대 12400F / RTX 3060 / DDR5 16GB"))
    assert line(ddr5, "ram").spec == "DDR5 16GB" and "가정" not in line(ddr5, "ram").note
    gddr = parts_sum(desktop(spec_summary="인텔 코어i5-12세대 12400F / GTX 1050 GDDR5 2GB / 16GB"))
    assert line(gddr, "ram").spec == "DDR4 16GB" and "DDR4로 가정" in line(gddr, "ram").note
