"""Estimated scores for parts the PassMark tables do not know (issue 13): names parsed into
family/generation/tier, estimates from known neighbours, never over a real match, the
leave-one-out command, and "추정" wherever the score is shown."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from catalog.benchmarks import BenchmarkMatcher, reset_matcher
from catalog.models import Product
from catalog.score_estimates import ScoreEstimator, error_summary, parse_part
from catalog.services import ProductData, get_category, upsert_product
from catalog.specs import parse_specs
from catalog.tests.factories import GpuBenchmarkFactory

PASSMARK = Path(settings.BASE_DIR).parent / "shared" / "data" / "passmark"
HISTORY = Path(settings.BASE_DIR).parent / "shared" / "data" / "danawa" / "price_history"

# A small GeForce/Core table: three generations of a few tiers (scores shaped like PassMark's).
GPU_ROWS = [
    ("GeForce GTX 1050 Ti", 6000), ("GeForce GTX 1060", 10000), ("GeForce GTX 1070", 13500),
    ("GeForce GTX 1080", 15500), ("GeForce RTX 2060", 14000), ("GeForce RTX 2070", 16000),
    ("GeForce RTX 2080", 18800), ("GeForce RTX 2060 SUPER", 16300), ("GeForce RTX 3060", 17000),
    ("GeForce RTX 3070", 22000), ("GeForce RTX 3080", 24800), ("GeForce RTX 3060 Ti", 20200),
]  # fmt: skip


def _key(part: str, name: str) -> tuple:
    k = parse_part(part, name)
    return (k.family, k.generation, k.tier, k.level, k.suffix, k.mobile) if k else None


@pytest.mark.parametrize(
    ("part", "name", "expected"),
    [
        ("gpu", "GeForce RTX 4070", ("geforce", "40", 7, 7.0, "", False)),
        ("gpu", "GeForce RTX 4060 Ti", ("geforce", "40", 6, 6.0, "ti", False)),
        ("gpu", "GeForce RTX 2080 SUPER", ("geforce", "20", 8, 8.0, "super", False)),
        ("gpu", "GeForce GTX 1660 Ti", ("geforce", "16", 6, 6.0, "ti", False)),
        ("gpu", "GeForce RTX 3080 Ti Laptop GPU", ("geforce", "30", 8, 8.0, "ti", True)),
        ("gpu", "GeForce GTX 1060 3GB", ("geforce", "10", 6, 6.0, "", False)),
        ("gpu", "Radeon RX 7900 XTX", ("radeon", "7000", 9, 9.0, "xtx", False)),
        ("gpu", "Radeon RX 6650 XT", ("radeon", "6000", 6, 6.5, "xt", False)),
        ("gpu", "Radeon RX 580", ("radeon", "500", 8, 8.0, "", False)),
        ("gpu", "Intel Arc A770", ("arc", "a", 7, 7.7, "", False)),
        ("cpu", "Intel Core i5-13400F", ("core", "13", 5, 4.0, "f", False)),
        ("cpu", "Intel Core i7-8700K @ 3.70GHz", ("core", "8", 7, 7.0, "k", False)),
        ("cpu", "Intel Core i7-1165G7 @ 2.80GHz", ("core", "11", 7, 6.5, "g7", True)),
        ("cpu", "Intel Core Ultra 7 265K", ("core", "ultra2", 7, 6.5, "k", False)),
        ("cpu", "AMD Ryzen 7 7800X3D", ("ryzen", "7", 7, 8.0, "x3d", False)),
        ("cpu", "AMD Ryzen 5 PRO 4650G", ("ryzen", "4", 5, 6.5, "g pro", False)),
        ("cpu", "AMD Ryzen 7 5800H", ("ryzen", "5", 7, 8.0, "h", True)),
    ],
)
def test_names_are_read_into_family_generation_tier_and_suffix(
    part: str, name: str, expected: tuple
) -> None:
    assert _key(part, name) == expected


@pytest.mark.parametrize(
    "name", ["Intel Xeon Gold 6234", "AMD Ryzen Threadripper 3990X", "Quadro RTX 4000", ""]
)
def test_other_families_are_not_read_and_never_estimated(name: str) -> None:
    part = "gpu" if "Quadro" in name else "cpu"
    assert parse_part(part, name) is None


@pytest.mark.parametrize(
    ("korean", "kind", "part", "generation", "tier"),
    [
        ("MSI 지포스 RTX 4070 Ti 게이밍 X 트리오 D6X 12GB", "gpu", "gpu", "40", 7),
        ("SAPPHIRE 라데온 RX 7900 XTX NITRO+ D6 24GB", "gpu", "gpu", "7000", 9),
        ("인텔 코어i5-13세대 13400F (랩터레이크)", "cpu", "cpu", "13", 5),
        ("AMD 라이젠7-5세대 7800X3D (라파엘)", "cpu", "cpu", "7", 7),
    ],
)
def test_korean_danawa_names_reach_the_estimator_through_the_spec_parser(
    korean: str, kind: str, part: str, generation: str, tier: int
) -> None:
    specs = parse_specs(korean, kind=kind)
    key = parse_part(part, specs.cpu_model if part == "cpu" else specs.gpu_model)
    assert (key.generation, key.tier) == (generation, tier)


def test_a_new_generation_is_estimated_above_the_same_tier_of_the_last_one() -> None:
    est = ScoreEstimator("gpu", GPU_ROWS)
    e4070 = est.estimate("GeForce RTX 4070")
    e4060 = est.estimate("GeForce RTX 4060")
    assert e4070.extrapolated and e4070.base_generation == "30"
    assert 22000 < e4070.score < 22000 * 1.6
    assert e4060.score < e4070.score
    assert "GeForce RTX 3070" in [n for n, _ in e4070.neighbours]
    assert "추정" in e4070.how and "30 시리즈의 같은 등급" in e4070.how
    # deterministic
    assert ScoreEstimator("gpu", GPU_ROWS).estimate("GeForce RTX 4070") == e4070


def test_the_estimate_never_replaces_a_real_match() -> None:
    matcher = BenchmarkMatcher.from_rows([], [(i, n, s) for i, (n, s) in enumerate(GPU_ROWS)])
    real = matcher.score("gpu", "GeForce RTX 3070")
    assert (real.score, real.estimated, real.note) == (22000, False, "")
    assert matcher.estimate("gpu", "GeForce RTX 3070") is None
    new = matcher.score("gpu", "GeForce RTX 4070")
    assert new.estimated and new.match is None and new.note
    assert matcher.score("gpu", "Intel Arc A770") is None  # no Arc row to stand next to


def test_leave_one_out_returns_every_known_part() -> None:
    results = ScoreEstimator("gpu", GPU_ROWS).leave_one_out()
    assert len(results) == len(GPU_ROWS)
    summary = error_summary(results)
    assert summary["n"] == len(GPU_ROWS) and 0 <= summary["mdape"] < 0.5


@pytest.mark.skipif(not PASSMARK.is_dir(), reason="needs ../shared/data/passmark")
def test_real_data_passmark_leave_one_out_error_and_command_last_line() -> None:
    """Real data: reads ../shared/data/passmark (and VGA_2022-12.csv from the Danawa history).
    Every parsable part hidden in turn: median error within 15 %."""
    out = io.StringIO()
    names = [str(HISTORY / "VGA_2022-12.csv")] if (HISTORY / "VGA_2022-12.csv").is_file() else []
    call_command("benchmark_score_estimates", passmark=str(PASSMARK), names=names, stdout=out)
    lines = out.getvalue().strip().splitlines()
    m = re.fullmatch(
        r"cpu_mape=(\S+) cpu_mdape=(\S+) cpu_n=(\d+) gpu_mape=(\S+) gpu_mdape=(\S+) gpu_n=(\d+)",
        lines[-1],
    )
    assert m, lines[-1]
    cpu_mape, cpu_mdape, cpu_n, gpu_mape, gpu_mdape, gpu_n = m.groups()
    assert int(cpu_n) > 500 and int(gpu_n) > 100
    assert float(cpu_mdape) <= 0.15 and float(gpu_mdape) <= 0.15
    assert float(cpu_mape) <= 0.25 and float(gpu_mape) <= 0.25
    if names:
        vga = next(line for line in lines if line.startswith("VGA_2022-12.csv"))
        no_row, estimated = map(int, re.search(r"표에 없음 (\d+)개 중 추정 (\d+)개", vga).groups())
        assert no_row > 0 and estimated >= 0.9 * no_row


@pytest.mark.django_db
def test_the_command_reads_the_database_tables_without_passmark() -> None:
    for name, score in GPU_ROWS:
        GpuBenchmarkFactory(name=name, score=score)
    out = io.StringIO()
    call_command("benchmark_score_estimates", stdout=out)
    assert out.getvalue().strip().splitlines()[-1].endswith(f"gpu_n={len(GPU_ROWS)}")


@pytest.fixture
def gpu_table(db: object) -> None:
    reset_matcher()
    for name, score in GPU_ROWS:
        GpuBenchmarkFactory(name=name, score=score)
    yield
    reset_matcher()


@pytest.mark.django_db
def test_a_product_with_a_newer_card_stores_an_estimate_shown_as_estimated(
    gpu_table: None, client: object
) -> None:
    result = upsert_product(
        ProductData(
            name="MSI 지포스 RTX 4070 게이밍 X 트리오 D6X 12GB",
            category=get_category("112753"),
            pcode="9100001",
        )
    )
    product = Product.objects.with_related().get(pk=result.product.pk)
    assert product.gpu_benchmark_id is None and product.gpu_score_estimated
    assert product.gpu_score == product.gpu_score_estimated and product.gpu_score_is_estimated
    assert "추정" in product.gpu_score_note
    page = client.get(product.get_absolute_url()).content.decode()
    gpu_row = page[page.index('<tr class="benchmark-gpu">') :].split("</tr>")[0]
    assert "PassMark 표에 없음" in gpu_row and f"{product.gpu_score_estimated:,}" in gpu_row
    assert 'class="badge estimated"' in gpu_row and "추정</span>" in gpu_row
    assert f"GPU 추정 점수: {product.gpu_score_note}" in page
    body = client.get(f"/api/v1/products/{product.pk}/").json()
    assert body["gpu_score"] == product.gpu_score_estimated
    assert body["gpu_score_estimated"] is True and body["gpu_score_note"]


@pytest.mark.django_db
def test_a_product_with_a_known_card_keeps_the_real_score_and_no_estimate(
    gpu_table: None, client: object
) -> None:
    result = upsert_product(
        ProductData(
            name="MSI 지포스 RTX 3070 벤투스 2X D6 8GB",
            category=get_category("112753"),
            pcode="9100002",
        )
    )
    product = Product.objects.with_related().get(pk=result.product.pk)
    assert product.gpu_benchmark.score == 22000
    assert product.gpu_score_estimated is None and not product.gpu_score_is_estimated
    body = client.get(f"/api/v1/products/{product.pk}/").json()
    assert (body["gpu_score"], body["gpu_score_estimated"]) == (22000, False)


@pytest.mark.django_db
def test_a_benchmark_chosen_by_staff_replaces_the_estimate(gpu_table: None, admin_client) -> None:
    from catalog.models import GpuBenchmark
    from catalog.services import set_benchmark_match

    result = upsert_product(
        ProductData(
            name="MSI 지포스 RTX 4070 게이밍 X 트리오 D6X 12GB",
            category=get_category("112753"),
            pcode="9100003",
        )
    )
    product = result.product
    assert product.gpu_score_estimated
    chosen = GpuBenchmark.objects.get(name="GeForce RTX 3080")
    set_benchmark_match(product, cpu_benchmark_id=None, gpu_benchmark_id=chosen.pk)
    product.refresh_from_db()
    assert (product.gpu_score, product.gpu_score_estimated, product.gpu_score_note) == (
        24800,
        None,
        "",
    )
    page = admin_client.get(f"/admin/catalog/product/{product.pk}/change/")
    assert page.status_code == 200 and "GPU 추정 점수" in page.content.decode()
    listing = admin_client.get("/admin/catalog/product/?gpu_score_estimated__isempty=0")
    assert listing.status_code == 200
