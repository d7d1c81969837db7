"""One PassMark CSV reader (``catalog.passmark``) for the importer and every CSV matcher (issue 9.3)."""

from __future__ import annotations

import ast
import os
import re
from pathlib import Path

import pytest

from catalog import passmark
from catalog.benchmarks import BenchmarkMatcher
from catalog.passmark import PassmarkFileError, PassmarkRow, read_passmark

ROOT = Path(__file__).resolve().parents[2]
SKIPPED_DIRS = {".git", ".venv", "var", "node_modules", "migrations", "tests"}

CPU_CSV = (
    "\ufeffcpuName,price,cpuMark,cpuValue,threadMark,threadValue,TDP,powerPerf,cores,testDate,"
    "socket,category\n"
    "Intel  Core i5-12400,,19503,,3501,,65,300.05,6,2022,FCLGA1700,Desktop\n"
    'AMD Ryzen 5 5600,,"21,596",,3263,,65,,6,2022,AM4,Desktop\n'
    "Intel Core i5-12400,,20000,,,,,,,,,\n"  # the same name again
    ",,1000,,,,,,,,,\n"  # no name
    "Intel Core i3-12100,,0,,,,,,,,,\n"  # no score
    "Intel Core i7-12700,,30000,,3900,,abc,,12,2022,,\n"  # TDP is not a number
)
GPU_CSV = (
    "gpuName,G3Dmark,G2Dmark,TDP,testDate,category\nGeForce RTX 3060,17000,900,170,2021,Desktop\n"
)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "CPU_benchmark_v4.csv").write_text(CPU_CSV, encoding="utf-8")
    (tmp_path / "GPU_benchmarks_v7.csv").write_text(GPU_CSV, encoding="utf-8")
    return tmp_path


def test_it_yields_typed_rows_and_reports_the_malformed_ones(folder: Path) -> None:
    errors: list[dict] = []
    rows = list(read_passmark(folder / "CPU_benchmark_v4.csv", "cpu", errors))
    assert rows == [
        PassmarkRow("cpu", 2, "Intel Core i5-12400", 19503, {
            "single_thread": 3501, "tdp": 65.0, "cores": 6, "test_date": 2022,
            "socket": "FCLGA1700", "category": "Desktop"}),
        PassmarkRow("cpu", 3, "AMD Ryzen 5 5600", 21596, {
            "single_thread": 3263, "tdp": 65.0, "cores": 6, "test_date": 2022,
            "socket": "AM4", "category": "Desktop"}),
    ]  # fmt: skip
    assert [(e["file"], e["line"]) for e in errors] == [
        ("CPU_benchmark_v4.csv", 4),
        ("CPU_benchmark_v4.csv", 5),
        ("CPU_benchmark_v4.csv", 6),
        ("CPU_benchmark_v4.csv", 7),
    ]
    assert "겹칩니다" in errors[0]["reason"] and "TDP" in errors[3]["reason"]
    assert rows[0].values["name"] == "Intel Core i5-12400" and rows[0].match_row == (
        None,
        "Intel Core i5-12400",
        19503,
    )


def test_a_file_without_its_score_column_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "GPU_benchmarks_v7.csv"
    path.write_text("gpuName,G2Dmark\nGeForce RTX 3060,900\n", encoding="utf-8")
    with pytest.raises(PassmarkFileError, match="G3Dmark"):
        list(read_passmark(path, "gpu"))


def test_a_matcher_from_the_files_sees_the_rows_the_importer_imports(folder: Path) -> None:
    matcher = BenchmarkMatcher.from_passmark_dir(folder)
    assert matcher.sizes == {"cpu": 2, "gpu": 1}
    assert matcher.match("cpu", "Intel Core i5-12400").score == 19503  # the first of two rows
    assert matcher.match("cpu", "AMD Ryzen 5 5600").score == 21596  # "21,596"
    assert matcher.match("cpu", "Intel Core i3-12100") is None  # score 0


@pytest.mark.django_db
def test_the_importer_stores_what_the_reader_yields(folder: Path) -> None:
    from catalog.importers.benchmarks import import_benchmarks_dir
    from catalog.models import CpuBenchmark

    report = import_benchmarks_dir(folder)
    assert report["error_count"] == 4
    stored = {b.name: (b.score, b.single_thread, b.socket) for b in CpuBenchmark.objects.all()}
    assert stored == {
        row.name: (row.score, row.details["single_thread"], row.details["socket"])
        for row in read_passmark(folder / "CPU_benchmark_v4.csv", "cpu")
    }


def test_no_module_but_the_reader_reads_the_passmark_columns() -> None:
    """The PassMark column names are the reader's: another module that spells them reads the
    CSV a second way."""
    columns = re.compile(r"\b(?:cpuMark|G3Dmark|cpuName|gpuName)\b")
    home = Path(passmark.__file__).resolve()
    found = []
    scanned = 0
    for folder, dirs, files in os.walk(ROOT):
        dirs[:] = [d for d in dirs if d not in SKIPPED_DIRS and not d.startswith(".")]
        for path in (Path(folder) / n for n in files if n.endswith(".py")):
            scanned += 1
            if path.resolve() != home and columns.search(path.read_text(encoding="utf-8")):
                found.append(str(path.relative_to(ROOT)))
    assert scanned > 100  # the walk found the project
    assert found == []


def test_the_reader_imports_no_django_so_ml_code_may_use_it() -> None:
    tree = ast.parse(Path(passmark.__file__).read_text(encoding="utf-8"))
    modules = [
        n.module if isinstance(n, ast.ImportFrom) else n.names[0].name
        for n in ast.walk(tree)
        if isinstance(n, ast.Import | ast.ImportFrom)
    ]
    assert not [m for m in modules if m.split(".")[0] in ("django", "catalog", "pcadvisor")]
