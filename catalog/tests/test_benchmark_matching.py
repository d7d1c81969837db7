"""Benchmark matching: parsed Danawa part names to PassMark rows, never a silent guess."""

from __future__ import annotations

from pathlib import Path

import pytest

from catalog.benchmarks import (
    BenchmarkMatcher,
    get_matcher,
    is_newer_than_tables,
    normalize_cpu_name,
    normalize_gpu_name,
    reset_matcher,
)
from catalog.specs import parse_specs
from catalog.tests.factories import CpuBenchmarkFactory, GpuBenchmarkFactory

# Danawa product name (as in ../shared/data/danawa/price_history) -> the PassMark row it must match,
# each checked by hand against ../shared/data/passmark/*.csv.
CPU_PAIRS = [
    ("인텔 코어i5-12세대 12400F (엘더레이크)", "Intel Core i5-12400F"),
    ("인텔 코어i5-12세대 12400 (엘더레이크)", "Intel Core i5-12400"),
    ("인텔 코어i3-10세대 10100F (코멧레이크S)", "Intel Core i3-10100F @ 3.60GHz"),
    ("인텔 코어i7-8세대 8700K (커피레이크)", "Intel Core i7-8700K @ 3.70GHz"),
    ("인텔 코어i9-9세대 9900KS (커피레이크-R) (정품)", "Intel Core i9-9900KS @ 4.00GHz"),
    ("인텔 코어i7-3세대 3770K (아이비브릿지) (중고)", "Intel Core i7-3770K @ 3.50GHz"),
    ("인텔 코어i3-1세대 530 (클락데일)", "Intel Core i3-530 @ 2.93GHz"),
    ("인텔 코어i5-1세대 650 (클락데일)", "Intel Core i5-650 @ 3.20GHz"),
    ("인텔 코어X-시리즈 i7-4960X (아이비브릿지-E)", "Intel Core i7-4960X @ 3.60GHz"),
    (
        "인텔 코어X-시리즈 i9-10980XE Extreme Edition (캐스케이드레이크)",
        "Intel Core i9-10980XE @ 3.00GHz",
    ),
    ("인텔 코어i5-10세대 10400 ES (코멧레이크S)", "Intel Core i5-10400 @ 2.90GHz"),
    ("인텔 코어2듀오 E8400 (울프데일)", "Intel Core2 Duo E8400 @ 3.00GHz"),
    ("인텔 코어2쿼드 Q6600 (켄츠필드) (중고)", "Intel Core2 Quad Q6600 @ 2.40GHz"),
    ("인텔 펜티엄 G4560 (카비레이크)", "Intel Pentium G4560 @ 3.50GHz"),
    ("인텔 펜티엄 골드 G6405 (코멧레이크S 리프레시)", "Intel Pentium Gold G6405 @ 4.10GHz"),
    ("인텔 셀러론 G5905T (코멧레이크S)", "Intel Celeron G5905T @ 3.30GHz"),
    ("인텔 제온 E 2124G (커피레이크)", "Intel Xeon E-2124G @ 3.40GHz"),
    ("인텔 제온 E3-1230V2 (아이비브릿지)", "Intel Xeon E3-1230 V2 @ 3.30GHz"),
    ("인텔 제온 E3-1220V5 (스카이레이크)", "Intel Xeon E3-1220 v5 @ 3.00GHz"),
    ("인텔 제온 E5-2620 v4 (브로드웰-EP)", "Intel Xeon E5-2620 v4 @ 2.10GHz"),
    ("인텔 제온 X5650 (웨스터미어)", "Intel Xeon X5650 @ 2.67GHz"),
    ("인텔 제온 스케일러블 골드 5120 (스카이레이크)", "Intel Xeon Gold 5120 @ 2.20GHz"),
    ("인텔 제온 스케일러블 실버 4210R (캐스케이드레이크)", "Intel Xeon Silver 4210R @ 2.40GHz"),
    ("인텔 제온 스케일러블 브론즈 3204 (캐스케이드레이크)", "Intel Xeon Bronze 3204 @ 1.90GHz"),
    ("AMD 라이젠5-4세대 5600X (버미어)", "AMD Ryzen 5 5600X"),
    ("AMD 라이젠7-4세대 5800X3D (버미어)", "AMD Ryzen 7 5800X3D"),
    ("AMD 라이젠9-4세대 5950X (버미어)", "AMD Ryzen 9 5950X"),
    ("AMD 라이젠7-2세대 2700X GOLD EDITION (피나클 릿지)", "AMD Ryzen 7 2700X"),
    ("AMD 라이젠5 PRO 4650G (르누아르)", "AMD Ryzen 5 PRO 4650G"),
    ("AMD 라이젠3-2세대 3200GE (피카소)", "AMD Ryzen 3 3200GE"),
    ("AMD 라이젠 스레드리퍼 3990X (캐슬 픽)", "AMD Ryzen Threadripper 3990X"),
    ("AMD 라이젠 스레드리퍼 PRO 5995WX (샤갈 프로)", "AMD Ryzen Threadripper PRO 5995WX"),
    ("AMD 애슬론 200GE (레이븐 릿지)", "AMD Athlon 200GE"),
    ("AMD 애슬론II-X4 620 (프로푸스)", "AMD Athlon II X4 620"),
    ("AMD 페넘II-X6 1055T (투반)", "AMD Phenom II X6 1055T"),
    ("AMD FX 8300 (비쉐라)", "AMD FX-8300 Eight-Core"),
    ("AMD A10 7870K (고다바리)", "AMD A10-7870K"),
    ("AMD A4 3300 (라노)", "AMD A4-3300 APU"),
    ("AMD EPYC 7232P (롬)", "AMD EPYC 7232P"),
]
GPU_PAIRS = [
    ("MSI 지포스 RTX 3060 벤투스 2X OC D6 12GB", "GeForce RTX 3060"),
    ("ASUS DUAL 지포스 RTX 3060 Ti D6 8GB", "GeForce RTX 3060 Ti"),
    ("EVGA 지포스 RTX 3080 XC3 ULTRA GAMING D6X 12GB LHR", "GeForce RTX 3080"),
    ("ZOTAC GAMING 지포스 RTX 3080 AMP Holo Black D6X 10GB", "GeForce RTX 3080"),
    ("이엠텍 XENON 지포스 RTX 3090 TURBO JET OC D6X 24GB", "GeForce RTX 3090"),
    ("MSI 지포스 RTX 3070 Ti 벤투스 3X OC D6X 8GB", "GeForce RTX 3070 Ti"),
    ("PNY 지포스 RTX 2080 Ti D6 11GB BLOWER", "GeForce RTX 2080 Ti"),
    ("PALIT 지포스 RTX 2080 SUPER GRP D6 8GB", "GeForce RTX 2080 SUPER"),
    ("MSI 지포스 RTX 2070 SUPER 벤투스 GP D6 8GB", "GeForce RTX 2070 SUPER"),
    ("AFOX 지포스 GTX 1660 SUPER D6 6GB DUAL 백플레이트", "GeForce GTX 1660 SUPER"),
    ("이엠텍 HV 지포스 GTX 1660 Ti STORM X Dual V2 OC D6 6GB", "GeForce GTX 1660 Ti"),
    ("이도디스플레이 지포스 GTX 1660 RAGE-X D5 6GB Dual", "GeForce GTX 1660"),
    ("EVGA 지포스 GTX 1650 SUPER SC ULTRA GAMING D6 4GB", "GeForce GTX 1650 SUPER"),
    ("액슬 지포스 GTX1050 Ti 클래식 V3 D5 4GB", "GeForce GTX 1050 Ti"),
    ("이엠텍 XENON 지포스 GTX1070 Super JETSTREAM D5 8GB", "GeForce GTX 1070"),
    ("액슬 지포스 GTX750 Ti 클래식 V2 D5 2GB", "GeForce GTX 750 Ti"),
    ("AFOX 지포스 GT1030 D5 2GB LP 에이치엔에스텍", "GeForce GT 1030"),
    ("AFOX 지포스 GT710 D3 1GB LP 에이치엔에스텍", "GeForce GT 710"),
    ("액슬 지포스 G210 SMART HDMI D3 1GB LP", "GeForce 210"),
    ("SAPPHIRE 라데온 RX 6800 D6 16GB", "Radeon RX 6800"),
    ("XFX 라데온 RX 6800 XT MERC 319 OC D6 16GB", "Radeon RX 6800 XT"),
    ("MSI 라데온 RX 6700 XT 메크 D6 12GB", "Radeon RX 6700 XT"),
    ("ASRock Phantom Gaming D 라데온 RX 6900 XT OC D6 16GB", "Radeon RX 6900 XT"),
    ("HIS 라데온 RX 5700 XT IceQ X2 OC D6 8GB", "Radeon RX 5700 XT"),
    ("HIS 라데온 RX 5700 IceQ X2 D6 8GB", "Radeon RX 5700"),
    ("ASUS DUAL 라데온 RX 580 O8G D5 8GB", "Radeon RX 580"),
    ("SAPPHIRE 라데온 RX 570 PULSE Lite OC D5 8GB Dual-X", "Radeon RX 470/570"),
    ("ASUS ROG STRIX 라데온 RX Vega 64 O8G GAMING HBM2 8GB", "Radeon RX Vega 64"),
    ("ASRock Phantom Gaming X 라데온 VII HBM2 16GB 디앤디컴", "Radeon VII"),
    ("AMD 라데온 PRO W5700 D6 8GB", "Radeon Pro W5700"),
    ("AMD 라데온 PRO WX3100 D5 4GB LP 대원씨티에스", "Radeon Pro WX 3100"),
    ("NVIDIA 쿼드로 RTX 4000 D6 8GB", "Quadro RTX 4000"),
    ("NVIDIA 쿼드로 P2200 D5X 5GB", "Quadro P2200"),
    ("NVIDIA 쿼드로 NVS 510 D3 2GB 리더스시스템", "NVS 510"),
    ("NVIDIA RTX A4000 D6 16GB", "RTX A4000"),
    ("NVIDIA T1000 D6 8GB", "T1000 8GB"),
    ("NVIDIA T1000 D6 4GB", "T1000"),
    ("NVIDIA TITAN RTX D6 24GB", "TITAN RTX"),
    ("매트록스 M9128 LP PCle x16 1GB DP 앤아이피", "Matrox M9128 LP PCIe x16"),
    ("AMD FireGL V7300 512MB 블루존", "FireGL V7300"),
]
# Parts launched after the PassMark export: they must come back as "no match".
MISSING = [
    ("인텔 코어i5-13세대 13600K (랩터레이크)", "cpu"),
    ("인텔 코어i5-12세대 12400T (엘더레이크)", "cpu"),
    ("AMD 라이젠5-5세대 7600X (라파엘)", "cpu"),
    ("MSI 지포스 RTX 4090 슈프림 X D6X 24GB 트라이프로져3S", "gpu"),
    ("인텔 Arc A770 Limited Edition D6 16GB", "gpu"),
    ("ASRock 라데온 RX 7900 XTX D6 24GB 대원씨티에스", "gpu"),
    ("ASUS ROG STRIX 라데온 RX 6750 XT O12G OC D6 12GB 대원씨티에스", "gpu"),
]


@pytest.fixture(scope="module")
def real_matcher(shared_data: Path) -> BenchmarkMatcher:
    """A matcher over the real PassMark tables in ../shared/data/passmark."""
    folder = shared_data / "passmark"
    return BenchmarkMatcher.from_passmark_dir(folder)


def _model(name: str, part: str) -> str:
    parsed = parse_specs(name, kind=part)
    return parsed.cpu_model if part == "cpu" else parsed.gpu_model


def test_the_hand_verified_list_has_at_least_fifty_pairs() -> None:
    assert len(CPU_PAIRS) + len(GPU_PAIRS) >= 50


@pytest.mark.parametrize(("danawa_name", "expected"), CPU_PAIRS)
def test_real_danawa_cpu_names_match_their_passmark_row_shared_data(
    real_matcher: BenchmarkMatcher, danawa_name: str, expected: str
) -> None:
    match = real_matcher.match("cpu", _model(danawa_name, "cpu"))
    assert match is not None
    assert match.name == expected
    assert 0.8 <= match.confidence <= 1.0


@pytest.mark.parametrize(("danawa_name", "expected"), GPU_PAIRS)
def test_real_danawa_gpu_names_match_their_passmark_row_shared_data(
    real_matcher: BenchmarkMatcher, danawa_name: str, expected: str
) -> None:
    match = real_matcher.match("gpu", _model(danawa_name, "gpu"))
    assert match is not None
    assert match.name == expected
    assert 0.8 <= match.confidence <= 1.0


@pytest.mark.parametrize(("danawa_name", "part"), MISSING)
def test_parts_newer_than_the_real_tables_have_no_match_shared_data(
    real_matcher: BenchmarkMatcher, danawa_name: str, part: str
) -> None:
    model = _model(danawa_name, part)
    assert model
    assert real_matcher.match(part, model) is None


def test_exact_names_match_with_full_confidence_and_clock_suffixes_too_shared_data(
    real_matcher: BenchmarkMatcher,
) -> None:
    assert real_matcher.match("cpu", "AMD Ryzen 5 5600X").confidence == 1.0
    assert real_matcher.match("cpu", "Intel Core i7-8700K").confidence == 1.0
    assert real_matcher.match("gpu", "Radeon RX 6700 XT").confidence == 1.0
    assert real_matcher.match("cpu", "AMD FX-8300").confidence < 1.0


# --------------------------------------------------------------------------- tiny tables

TINY_CPU = [
    (1, "Intel Core i5-12400F", 19500),
    (2, "Intel Core i7-8700K @ 3.70GHz", 13800),
    (3, "AMD FX-8300 Eight-Core", 5900),
    (4, "Apple M1 Pro 8 Core 3200 MHz", 20000),
    (5, "Apple M1 Pro 10 Core 3200 MHz", 22000),
]
TINY_GPU = [
    (11, "GeForce RTX 3060", 17000),
    (12, "GeForce RTX 3080", 24000),
    (13, "GeForce GTX 1060", 10000),
    (14, "GeForce GTX 1060 3GB", 9000),
    (15, "Radeon RX 470/570", 7000),
    (16, "Quadro M6000 24GB", 9500),
    (17, "Quadro M6000 12GB", 9400),
    (18, "Radeon RX 6700 XT", 19000),
]


@pytest.fixture
def tiny() -> BenchmarkMatcher:
    return BenchmarkMatcher.from_rows(TINY_CPU, TINY_GPU)


def test_12400_never_matches_12400f(tiny: BenchmarkMatcher) -> None:
    assert tiny.match("cpu", "Intel Core i5-12400") is None
    assert tiny.match("cpu", "Intel Core i5-12400F").benchmark_id == 1


def test_a_part_missing_from_the_table_has_no_match(tiny: BenchmarkMatcher) -> None:
    assert tiny.match("gpu", "GeForce RTX 4060") is None
    assert tiny.match("cpu", "Intel Core i5-13400F") is None


def test_ti_super_and_xt_variants_never_fall_back_to_the_plain_model(
    tiny: BenchmarkMatcher,
) -> None:
    assert tiny.match("gpu", "GeForce RTX 3080 Ti") is None
    assert tiny.match("gpu", "GeForce RTX 3060 Ti") is None
    assert tiny.match("gpu", "Radeon RX 6700") is None
    assert tiny.match("gpu", "GeForce GTX 1060 SUPER") is None


def test_clock_suffix_is_ignored_with_full_confidence(tiny: BenchmarkMatcher) -> None:
    match = tiny.match("cpu", "Intel Core i7-8700K")
    assert (match.benchmark_id, match.confidence) == (2, 1.0)


def test_marketing_words_match_with_lower_confidence(tiny: BenchmarkMatcher) -> None:
    match = tiny.match("cpu", "AMD FX-8300")
    assert match.benchmark_id == 3
    assert match.confidence == pytest.approx(0.9)


def test_a_combined_rebadge_row_stands_for_both_models(tiny: BenchmarkMatcher) -> None:
    assert tiny.match("gpu", "Radeon RX 570").benchmark_id == 15
    assert tiny.match("gpu", "Radeon RX 470").benchmark_id == 15
    assert tiny.match("gpu", "Radeon RX 580") is None


def test_memory_variants_are_chosen_consistently(tiny: BenchmarkMatcher) -> None:
    # A memory size that names its own row wins; an unknown size falls back to the base model.
    assert tiny.match("gpu", "GeForce GTX 1060 3GB").benchmark_id == 14
    assert tiny.match("gpu", "GeForce GTX 1060").benchmark_id == 13
    fallback = tiny.match("gpu", "GeForce RTX 3060 8GB")
    assert (fallback.benchmark_id, fallback.confidence) == (11, 0.85)
    # Only sized rows: the largest size, every time.
    assert tiny.match("gpu", "Quadro M6000").benchmark_id == 16


def test_ambiguous_core_count_variants_take_the_highest_score_with_low_confidence(
    tiny: BenchmarkMatcher,
) -> None:
    match = tiny.match("cpu", "Apple M1 Pro")
    assert (match.benchmark_id, match.confidence) == (5, 0.8)


def test_empty_names_and_unknown_parts(tiny: BenchmarkMatcher) -> None:
    assert tiny.match("cpu", "") is None
    with pytest.raises(ValueError):
        tiny.match("ram", "DDR4")


def test_normalised_names_drop_vendor_clock_and_punctuation() -> None:
    assert normalize_cpu_name("Intel Core i7-8700K @ 3.70GHz") == "core i7 8700k"
    assert normalize_cpu_name("Intel Xeon E3-1230V2") == "xeon e3 1230 v2"
    assert normalize_gpu_name("NVIDIA GeForce RTX3060Ti") == "geforce rtx 3060 ti"
    assert normalize_gpu_name("Intel UHD Graphics 730") == "intel uhd 730"


def test_newer_than_table_rule_names_post_2022_parts() -> None:
    assert is_newer_than_tables("gpu", "GeForce RTX 4060")
    assert is_newer_than_tables("cpu", "Intel Core i5-13400F")
    assert not is_newer_than_tables("gpu", "GeForce RTX 3060")
    assert not is_newer_than_tables("cpu", "Intel Core i5-12400F")


@pytest.mark.django_db
def test_get_matcher_is_cached_until_reset() -> None:
    reset_matcher()
    cpu = CpuBenchmarkFactory(name="Intel Core i5-12400F")
    first = get_matcher()
    assert first.match("cpu", "Intel Core i5-12400F").benchmark_id == cpu.pk
    GpuBenchmarkFactory(name="GeForce RTX 3060")
    assert get_matcher() is first
    assert first.match("gpu", "GeForce RTX 3060") is None
    reset_matcher()
    assert get_matcher().match("gpu", "GeForce RTX 3060") is not None
    reset_matcher()
