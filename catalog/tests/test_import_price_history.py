"""import_price_history: the Danawa-Crawler daily CSV format, idempotent, bad input reported."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from catalog.importers.price_history import import_price_history_dir, parse_cell
from catalog.models import PriceSnapshot, Product

HEADER = "Id,Name,2022-03-01 10:09:23,2022-03-02 10:06:11,2022-03-03 10:01:00\n"


def write(dir_: Path, name: str, body: str) -> None:
    (dir_ / name).write_text(HEADER + body, encoding="utf-8-sig")


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("0", None),
        ("", None),
        ("475,830", [("", 475830)]),
        (
            "정품_920,470|벌크_723,900|해외구매_1,284,600",
            [("정품", 920470), ("벌크", 723900), ("해외구매", 1284600)],
        ),
        ("_정품_100,000", [("정품", 100000)]),
        ("정품_690,760 해외구매_716,000 ", [("정품", 690760), ("해외구매", 716000)]),
        (
            "병행수입 박스_101,000|벌크 + 쿨러_99,000",
            [("병행수입 박스", 101000), ("벌크 + 쿨러", 99000)],
        ),
        ("일시품절", [("", None)]),
        ("정품_일시품절 ", [("정품", None)]),
    ],
)
def test_it_reads_every_cell_shape_of_the_danawa_crawler_files(cell: str, expected: object) -> None:
    assert parse_cell(cell) == expected


@pytest.mark.django_db
def test_it_imports_variants_skips_used_and_unlisted_days_and_is_idempotent(tmp_path: Path) -> None:
    write(
        tmp_path,
        "CPU_2022-03.csv",
        '1001,인텔 코어i5-12세대 12400F (엘더레이크),"200,000",0,"정품_210,000|벌크_180,000|중고_90,000"\n'
        '1002,AMD 라이젠5-4세대 5600X (버미어),일시품절,"250,000","250,000"\n',
    )
    write(
        tmp_path,
        "VGA_2022-03.csv",
        '2001,MSI 지포스 RTX 3060 벤투스 2X OC D6 12GB,"500,000","490,000","480,000"\n',
    )
    report = import_price_history_dir(tmp_path)
    assert report.errors == []
    assert report.products_created == 3
    assert report.used_skipped == 1
    assert report.out_of_stock == 1
    assert (
        report.inserted == 1 + 2 + 2 + 3
    )  # 1001: day1 + day3 two variants; 1002: days 2-3; 2001: 3 days
    cpu = Product.objects.get(pcode="1001")
    assert cpu.category.kind == "cpu"
    assert cpu.current_price == 180_000  # the lowest new-product price on the latest day
    assert cpu.current_price_day == dt.date(2022, 3, 3)
    assert cpu.first_seen == dt.date(2022, 3, 1)
    assert not PriceSnapshot.objects.filter(price=90_000).exists()
    assert Product.objects.get(pcode="2001").category.kind == "gpu"

    again = import_price_history_dir(tmp_path)
    assert again.inserted == 0
    assert again.products_created == 0
    assert PriceSnapshot.objects.count() == report.inserted


@pytest.mark.django_db
def test_a_malformed_row_is_reported_with_its_line_and_the_rest_is_imported(tmp_path: Path) -> None:
    write(
        tmp_path,
        "CPU_2022-03.csv",
        '1001,good,"100,000","100,000","100,000"\n'
        'abc,bad id,"100,000","100,000","100,000"\n'
        '1003,too few cells,"100,000"\n'
        '1004,absurd,"-5","999,999,999","120,000"\n',
    )
    report = import_price_history_dir(tmp_path)
    assert any("CPU_2022-03.csv:3" in e and "Id" in e for e in report.errors)
    assert any("CPU_2022-03.csv:4" in e and "열 개수" in e for e in report.errors)
    assert report.rejected_nonpositive == 1
    assert report.rejected_absurd == 1
    assert set(Product.objects.values_list("pcode", flat=True)) == {"1001", "1004"}
    assert PriceSnapshot.objects.filter(product__pcode="1004").count() == 1


@pytest.mark.django_db
def test_the_same_day_twice_is_merged_keeping_the_lowest_price(tmp_path: Path) -> None:
    (tmp_path / "CPU_2022-03.csv").write_text(
        'Id,Name,2022-03-01 10:00:00,2022-03-01 18:00:00\n1001,dup day,"100,000","90,000"\n',
        encoding="utf-8",
    )
    report = import_price_history_dir(tmp_path)
    assert report.merged_duplicates == 1
    assert list(PriceSnapshot.objects.values_list("price", flat=True)) == [90_000]


@pytest.mark.django_db
def test_the_command_refuses_a_folder_without_history_files(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="가격 이력 파일이 없습니다"):
        call_command("import_price_history", str(tmp_path))
    with pytest.raises(CommandError, match="폴더가 없습니다"):
        call_command("import_price_history", str(tmp_path / "missing"))


@pytest.mark.django_db
def test_real_danawa_history_files_import_and_reimport_adds_nothing(
    shared_data: Path, tmp_path: Path, capsys
) -> None:
    """Real data: two monthly CPU files from ../shared/data/danawa/price_history."""
    for name in ("CPU_2022-11.csv", "CPU_2022-12.csv"):
        shutil.copy(shared_data / "danawa" / "price_history" / name, tmp_path / name)
    call_command("import_price_history", str(tmp_path))
    first = capsys.readouterr().out
    rows = PriceSnapshot.objects.count()
    assert rows > 10_000
    assert "rows_per_second=" in first
    call_command("import_price_history", str(tmp_path))
    second = capsys.readouterr().out
    assert "new=0 " in second
    assert PriceSnapshot.objects.count() == rows
    assert not PriceSnapshot.objects.filter(variant__contains="중고").exists()
    # the CPU names were parsed and most matched nothing here (no benchmarks imported): no guess
    assert Product.objects.filter(cpu_benchmark__isnull=False).count() == 0
