"""Spec parsing: Korean and English names, spec summaries and spec tables to structured specs."""

from __future__ import annotations

import pytest

from catalog.specs import ParsedSpecs, parse_specs

CPU_NAMES = [
    ("인텔 코어i5-12세대 12400F (엘더레이크)", "Intel Core i5-12400F"),
    ("인텔 코어i5-12세대 12400 (엘더레이크)", "Intel Core i5-12400"),
    ("인텔 코어i9-12세대 12900KS (엘더레이크)", "Intel Core i9-12900KS"),
    ("인텔 코어i3-1세대 530 (클락데일) (중고)", "Intel Core i3-530"),
    ("인텔 코어X-시리즈 i9-10980XE Extreme Edition (캐스케이드레이크)", "Intel Core i9-10980XE"),
    ("인텔 코어i5-10세대 10600K 어벤져스 에디션 (코멧레이크S) (정품)", "Intel Core i5-10600K"),
    ("인텔 코어i5-4세대 4670 + H81 패키지", "Intel Core i5-4670"),
    ("인텔 코어2쿼드 Q9550 (요크필드)", "Intel Core2 Quad Q9550"),
    ("인텔 셀러론 G5905T (코멧레이크S)", "Intel Celeron G5905T"),
    ("인텔 펜티엄 골드 G7400 (엘더레이크)", "Intel Pentium Gold G7400"),
    ("인텔 제온 E 2224G (커피레이크-R)", "Intel Xeon E-2224G"),
    ("인텔 제온 E3-1231V3 (하스웰 리프레시)", "Intel Xeon E3-1231 v3"),
    ("인텔 제온 E5-2687W v4 (브로드웰-EP)", "Intel Xeon E5-2687W v4"),
    ("인텔 제온 스케일러블 플래티넘 8380 (아이스레이크)", "Intel Xeon Platinum 8380"),
    ("AMD 라이젠5-4세대 5600X (버미어)", "AMD Ryzen 5 5600X"),
    ("AMD 라이젠7-4세대 5800X3D (버미어)", "AMD Ryzen 7 5800X3D"),
    ("AMD 라이젠3 PRO 4350G (르누아르)", "AMD Ryzen 3 PRO 4350G"),
    ("AMD 라이젠 스레드리퍼 PRO 3975WX (캐슬 픽-W)", "AMD Ryzen Threadripper PRO 3975WX"),
    ("AMD 애슬론 PRO 300GE (피카소)", "AMD Athlon PRO 300GE"),
    ("AMD 페넘II-X4 955 (데네브) (중고)", "AMD Phenom II X4 955"),
    ("AMD A4 7300 (리치랜드) (해외구매)", "AMD A4-7300"),
    ("AMD EPYC 7763 (밀라노)", "AMD EPYC 7763"),
    ("Intel Core i7-8700K", "Intel Core i7-8700K"),
    ("AMD Ryzen 9 5950X", "AMD Ryzen 9 5950X"),
    ("인텔 코어 울트라7 시리즈2 265KF (애로우레이크)", "Intel Core Ultra 7 265KF"),
    ("인텔 코어 울트라5 시리즈2 225F", "Intel Core Ultra 5 225F"),
]

GPU_NAMES = [
    ("MSI 지포스 RTX 3060 벤투스 2X OC D6 12GB", "GeForce RTX 3060", 12),
    ("ZOTAC GAMING 지포스 RTX 3080 Ti AMP Holo D6X 12GB", "GeForce RTX 3080 Ti", 12),
    ("ZOTAC GAMING 지포스 RTX 3080 AMP Holo Black D6X 10GB", "GeForce RTX 3080", 10),
    ("AFOX 지포스 GTX 1660 SUPER D6 6GB DUAL 백플레이트", "GeForce GTX 1660 SUPER", 6),
    ("이엠텍 HV 지포스 GTX 1660 Ti STORM X Dual V2 OC D6 6GB", "GeForce GTX 1660 Ti", 6),
    ("액슬 지포스 GTX1050 Ti 클래식 V3 D5 4GB", "GeForce GTX 1050 Ti", 4),
    ("이엠텍 XENON 지포스 GTX1070 Super JETSTREAM D5 8GB", "GeForce GTX 1070", 8),
    ("GIGABYTE 지포스 GTX 1060 WINDFORCE OC D5 3GB", "GeForce GTX 1060 3GB", 3),
    ("SAPPHIRE 라데온 RX 6700 XT NITRO+ D6 12GB", "Radeon RX 6700 XT", 12),
    ("ASRock 라데온 RX 7900 XTX D6 24GB 대원씨티에스", "Radeon RX 7900 XTX", 24),
    ("ASUS ROG STRIX 라데온 RX Vega 64 O8G GAMING HBM2 8GB", "Radeon RX Vega 64", 8),
    ("AMD 라데온 PRO WX3100 D5 4GB LP 대원씨티에스", "Radeon Pro WX 3100", 4),
    ("인텔 Arc A770 Limited Edition D6 16GB", "Intel Arc A770", 16),
    ("NVIDIA 쿼드로 RTX 4000 D6 8GB", "Quadro RTX 4000", 8),
    ("NVIDIA 쿼드로 P2200 D5X 5GB", "Quadro P2200", 5),
    ("NVIDIA RTX A4000 D6 16GB", "RTX A4000", 16),
    ("NVIDIA TITAN V HBM2 12GB (해외구매)", "TITAN V", 12),
    ("GAINWARD 지포스 GT710 SD3 1GB 디앤디컴", "GeForce GT 710", 1),
    ("매트록스 M9148 LP PCIe x16 1GB DP/DVI 코트록스", "Matrox M9148", 1),
]

BRANDS = [
    ("MSI 지포스 RTX 3060 벤투스 2X OC D6 12GB", "gpu", "MSI"),
    ("ASUS DUAL 지포스 RTX 3060 Ti D6 8GB", "gpu", "ASUS"),
    ("GIGABYTE 지포스 RTX 3070 EAGLE V2 D6 8GB 제이씨현", "gpu", "GIGABYTE"),
    ("이엠텍 HV 지포스 GTX960 GAMER OC D5 2GB", "gpu", "이엠텍"),
    ("ZOTAC GAMING 지포스 RTX 2070 SUPER AIR D6 8GB", "gpu", "ZOTAC"),
    ("갤럭시 GALAX 지포스 GT1030 D5 2GB", "gpu", "갤럭시"),
    ("지포스 GTX660 D5 2GB (중고)", "gpu", ""),
    ("인텔 코어i5-12세대 12400F (엘더레이크)", "cpu", "Intel"),
    ("삼성전자 삼성 데스크탑5 DM500TFA-A58A", "desktop", "삼성전자"),
    ("LG전자 울트라PC 일체형 24V70Q", "desktop", "LG전자"),
]


@pytest.mark.parametrize(("name", "expected"), CPU_NAMES)
def test_it_reads_the_cpu_model_from_cpu_product_names(name: str, expected: str) -> None:
    specs = parse_specs(name, kind="cpu")
    assert specs.cpu_model == expected
    assert specs.gpu_model == ""


@pytest.mark.parametrize(("name", "expected", "vram"), GPU_NAMES)
def test_it_reads_the_gpu_model_and_vram_from_graphics_card_names(
    name: str, expected: str, vram: int
) -> None:
    specs = parse_specs(name, kind="gpu")
    assert specs.gpu_model == expected
    assert specs.vram_gb == vram
    assert specs.cpu_model == ""
    assert not specs.integrated_gpu


@pytest.mark.parametrize(("name", "kind", "brand"), BRANDS)
def test_it_guesses_the_brand_from_the_name_prefix(name: str, kind: str, brand: str) -> None:
    assert parse_specs(name, kind=kind).brand == brand


def test_it_parses_the_issue_example_summary() -> None:
    specs = parse_specs(
        "테스트 PC",
        "인텔 코어i5-13400F / RTX 4060 / 16GB / SSD 512GB / Windows 11 Home",
        kind="desktop",
    )
    assert specs == ParsedSpecs(
        cpu_model="Intel Core i5-13400F",
        gpu_model="GeForce RTX 4060",
        ram_gb=16,
        ssd_gb=512,
        os="Windows 11 Home",
        brand="테스트",
    )


def test_it_parses_a_danawa_brand_pc_list_summary_with_integrated_graphics() -> None:
    specs = parse_specs(
        "LG전자 게이밍 데스크탑",
        "브랜드PC / 인텔 / 코어i5-13세대 / i5-13400 (2.5GHz) / 10코어 / 16스레드 / 램: 16GB / "
        "DDR4 / SSD: 512GB / 인텔 UHD 730 / 윈도우11홈 / 미들타워",
        kind="desktop",
    )
    assert specs.cpu_model == "Intel Core i5-13400"
    assert specs.gpu_model == "Intel UHD Graphics 730"
    assert specs.integrated_gpu
    assert (specs.ram_gb, specs.ssd_gb, specs.hdd_gb) == (16, 512, None)
    assert (specs.os, specs.form_factor) == ("Windows 11 Home", "미들타워")


def test_it_parses_a_ryzen_summary_with_a_discrete_card_and_no_os() -> None:
    specs = parse_specs(
        "한성컴퓨터 TFG",
        "브랜드PC / AMD / 라이젠5-5세대 / 5600 (3.5GHz) / 6코어 / 12스레드 / 램: 16GB / DDR4 / "
        "SSD: 500GB / 지포스 RTX 3060 12GB / 운영체제 미포함 / 슬림형",
        kind="desktop",
    )
    assert specs.cpu_model == "AMD Ryzen 5 5600"
    assert specs.gpu_model == "GeForce RTX 3060"
    assert specs.vram_gb == 12
    assert not specs.integrated_gpu
    assert (specs.os, specs.form_factor, specs.brand) == ("미포함", "슬림", "한성컴퓨터")


def test_it_reads_a_danawa_spec_table() -> None:
    table = {
        "제조회사": "LG전자",
        "운영체제(OS)": "윈도우11 프로",
        "케이스 형태": "미니PC",
        "CPU 종류": "코어i7-12세대 i7-12700",
        "CPU 속도": "2.1GHz (최대 4.9GHz)",
        "메모리 용량": "32GB",
        "SSD": "1TB (M.2 NVMe)",
        "HDD": "2TB",
        "그래픽 종류": "외장그래픽",
        "그래픽 칩셋": "지포스 RTX 3070",
        "VRAM": "8GB",
    }
    specs = parse_specs("LG전자 데스크탑", table=table, kind="desktop")
    assert specs.cpu_model == "Intel Core i7-12700"
    assert specs.gpu_model == "GeForce RTX 3070"
    assert (specs.ram_gb, specs.ssd_gb, specs.hdd_gb, specs.vram_gb) == (32, 1000, 2000, 8)
    assert (specs.os, specs.form_factor) == ("Windows 11 Pro", "미니PC")


def test_terabytes_are_a_thousand_gigabytes() -> None:
    specs = parse_specs("PC", "램 8GB / SSD 1.5TB / HDD 4TB", kind="desktop")
    assert (specs.ssd_gb, specs.hdd_gb) == (1500, 4000)


@pytest.mark.parametrize(
    ("summary", "expected"),
    [
        ("Windows 10 Pro", "Windows 10 Pro"),
        ("윈도우11 홈", "Windows 11 Home"),
        ("프리도스", "FreeDOS"),
        ("FreeDOS", "FreeDOS"),
        ("macOS Ventura", "macOS"),
        ("우분투 22.04", "Linux"),
        ("OS 미포함", "미포함"),
    ],
)
def test_it_normalises_the_operating_system(summary: str, expected: str) -> None:
    assert parse_specs("PC", f"16GB / {summary}", kind="desktop").os == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("미니PC", "미니PC"),
        ("슬림형", "슬림"),
        ("미들타워", "미들타워"),
        ("빅타워", "빅타워"),
        ("일체형PC", "일체형"),
        ("미니타워", "미니타워"),
    ],
)
def test_it_normalises_the_form_factor(text: str, expected: str) -> None:
    assert parse_specs(f"테스트 {text}", kind="desktop").form_factor == expected


def test_an_all_in_one_liquid_cooler_is_not_an_all_in_one_pc() -> None:
    specs = parse_specs("게이밍 PC", "일체형 수랭쿨러 / 미들타워", kind="desktop")
    assert specs.form_factor == "미들타워"


def test_apple_silicon_is_read_only_with_apple_context() -> None:
    mac = parse_specs("Apple 맥북 프로 14", "애플 M1 Pro / 16GB / SSD 512GB / macOS", kind="laptop")
    assert mac.cpu_model == "Apple M1 Pro"
    assert mac.integrated_gpu
    assert parse_specs("애플 맥 미니", "M2 / 8GB", kind="desktop").cpu_model == "Apple M2"
    # "M2" without Apple context is an SSD slot, not a CPU.
    assert parse_specs("PC", "M2 SSD 512GB", kind="desktop").cpu_model == ""


def test_laptop_gpus_get_passmark_laptop_names() -> None:
    specs = parse_specs("HP 빅터스", "AMD 라이젠7 5800H / RTX 3060 / 16GB", kind="laptop")
    assert specs.cpu_model == "AMD Ryzen 7 5800H"
    assert specs.gpu_model == "GeForce RTX 3060 Laptop GPU"


def test_integrated_radeon_vega_is_flagged() -> None:
    specs = parse_specs("PC", "AMD 라이젠5 3400G / 라데온 Vega 11 / 8GB", kind="desktop")
    assert specs.gpu_model == "Radeon Vega 11"
    assert specs.integrated_gpu


def test_a_cpu_summary_saying_no_integrated_graphics_does_not_flag_it() -> None:
    specs = parse_specs("PC", "AMD 라이젠5 5600X / 내장그래픽: 미탑재 / 16GB", kind="desktop")
    assert not specs.integrated_gpu


def test_a_cpu_product_never_gets_a_gpu_and_a_card_never_gets_a_cpu() -> None:
    cpu = parse_specs("AMD 라이젠5-4세대 5600G (세잔)", "라데온 Vega 7 / 내장그래픽", kind="cpu")
    assert (cpu.cpu_model, cpu.gpu_model, cpu.integrated_gpu) == ("AMD Ryzen 5 5600G", "", False)
    card = parse_specs("AMD 라데온 RX 6600 D6 8GB", kind="gpu")
    assert (card.cpu_model, card.gpu_model) == ("", "Radeon RX 6600")


def test_names_without_parts_give_empty_specs() -> None:
    specs = parse_specs("EVGA NV링크 브릿지 3-Slot", kind="gpu")
    assert (specs.gpu_model, specs.vram_gb, specs.brand) == ("", None, "EVGA")
    assert parse_specs("", kind="") == ParsedSpecs()
