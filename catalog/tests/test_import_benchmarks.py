"""Importing the PassMark CPU/GPU tables: bulk, idempotent, row errors reported, hand fixes kept."""

from __future__ import annotations

import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from catalog.benchmarks import reset_matcher
from catalog.importers.benchmarks import BenchmarkImportError, import_benchmarks_dir
from catalog.models import CategoryKind, CpuBenchmark, GpuBenchmark, Job, JobKind, JobStatus
from catalog.services import set_benchmark_match, start_job
from catalog.tests.factories import CategoryFactory, ProductFactory

FIXTURES = Path(__file__).parent / "fixtures" / "passmark"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_matcher() -> None:
    reset_matcher()
    yield
    reset_matcher()


@pytest.fixture
def passmark_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "passmark"
    shutil.copytree(FIXTURES, folder)
    return folder


def test_it_imports_both_tables_and_fills_the_fields(passmark_dir: Path) -> None:
    report = import_benchmarks_dir(passmark_dir)

    assert (report["created"], report["updated"], report["unchanged"]) == (7, 0, 0)
    cpu = CpuBenchmark.objects.get(name="Intel Core i7-8700K @ 3.70GHz")
    assert cpu.normalized_name == "core i7 8700k"
    assert (cpu.score, cpu.single_thread, cpu.cores, cpu.tdp) == (13800, 2750, 6, 95.0)
    assert (cpu.socket, cpu.category, cpu.test_date) == ("LGA1151", "Desktop", 2017)
    gpu = GpuBenchmark.objects.get(name="Radeon RX 470/570")
    assert (gpu.score, gpu.g2d_score, gpu.tdp, gpu.test_date) == (7000, 650, 150.0, 2016)


def test_malformed_rows_are_reported_with_their_line_number_and_the_rest_imported(
    passmark_dir: Path,
) -> None:
    report = import_benchmarks_dir(passmark_dir)

    errors = {(e["file"], e["line"]): e["reason"] for e in report["errors"]}
    assert set(errors) == {("CPU_benchmark_v4.csv", 5), ("CPU_benchmark_v4.csv", 6)}
    assert "cpuMark" in errors[("CPU_benchmark_v4.csv", 5)]
    assert "cpuName" in errors[("CPU_benchmark_v4.csv", 6)]
    assert CpuBenchmark.objects.filter(name="AMD Ryzen 5 5600X").exists()
    assert not CpuBenchmark.objects.filter(name="Broken CPU").exists()


def test_a_second_run_creates_and_updates_nothing(
    passmark_dir: Path, django_assert_max_num_queries: object
) -> None:
    import_benchmarks_dir(passmark_dir)

    with django_assert_max_num_queries(20):
        report = import_benchmarks_dir(passmark_dir)

    assert (report["created"], report["updated"], report["unchanged"]) == (0, 0, 7)
    assert CpuBenchmark.objects.count() == 4
    assert GpuBenchmark.objects.count() == 3


def test_a_changed_score_updates_only_that_row(passmark_dir: Path) -> None:
    import_benchmarks_dir(passmark_dir)
    path = passmark_dir / "GPU_benchmarks_v7.csv"
    path.write_text(
        path.read_text(encoding="utf-8-sig").replace(
            "GeForce RTX 3060,17000", "GeForce RTX 3060,17500"
        ),
        encoding="utf-8-sig",
    )

    report = import_benchmarks_dir(passmark_dir)

    assert (report["created"], report["updated"], report["unchanged"]) == (0, 1, 6)
    assert GpuBenchmark.objects.get(name="GeForce RTX 3060").score == 17500


def test_missing_files_are_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "CPU_benchmark_v4.csv").write_text("cpuName,cpuMark\n", encoding="utf-8")

    with pytest.raises(BenchmarkImportError, match="GPU_benchmarks_v7.csv"):
        import_benchmarks_dir(tmp_path)
    with pytest.raises(BenchmarkImportError):
        import_benchmarks_dir(tmp_path / "nowhere")


def test_products_are_matched_after_an_import(passmark_dir: Path) -> None:
    cpu_category = CategoryFactory(code="112747", name="CPU", kind=CategoryKind.CPU)
    cpu_product = ProductFactory(
        name="인텔 코어i5-12세대 12400F (엘더레이크)", category=cpu_category
    )
    desktop = ProductFactory(
        name="테스트 게이밍 PC",
        spec_summary="AMD 라이젠5-4세대 5600X / RTX 3060 / 16GB / SSD 512GB",
    )

    report = import_benchmarks_dir(passmark_dir)

    assert report["rematched"] == 2
    cpu_product.refresh_from_db()
    desktop.refresh_from_db()
    assert cpu_product.cpu_benchmark.name == "Intel Core i5-12400F"
    assert cpu_product.cpu_match_confidence == 1.0
    assert desktop.cpu_benchmark.name == "AMD Ryzen 5 5600X"
    assert desktop.gpu_benchmark.name == "GeForce RTX 3060"


def test_a_hand_fixed_match_survives_a_re_import(passmark_dir: Path) -> None:
    desktop = ProductFactory(name="테스트 PC", spec_summary="인텔 코어i5-12세대 12400F / RTX 3060")
    import_benchmarks_dir(passmark_dir)
    desktop.refresh_from_db()
    fx = CpuBenchmark.objects.get(name="AMD FX-8300 Eight-Core")
    set_benchmark_match(desktop, cpu_benchmark_id=fx.pk, gpu_benchmark_id=None)

    import_benchmarks_dir(passmark_dir)

    desktop.refresh_from_db()
    assert desktop.benchmark_match_locked
    assert desktop.cpu_benchmark_id == fx.pk
    assert desktop.gpu_benchmark_id is None


def test_a_job_gets_progress_and_the_report(passmark_dir: Path) -> None:
    job = start_job(JobKind.IMPORT_BENCHMARKS)

    import_benchmarks_dir(passmark_dir, job=job)

    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert job.progress_total == 9  # data lines in both files
    assert job.progress_done == job.progress_total
    assert job.stats["created"] == 7
    assert [e["line"] for e in job.errors] == [5, 6]


def test_a_failed_import_fails_its_job(tmp_path: Path) -> None:
    job = start_job(JobKind.IMPORT_BENCHMARKS)

    with pytest.raises(BenchmarkImportError):
        import_benchmarks_dir(tmp_path, job=job)

    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.errors


def test_the_command_prints_the_report_and_records_a_job(passmark_dir: Path) -> None:
    out = StringIO()

    call_command("import_benchmarks", str(passmark_dir), stdout=out)

    text = out.getvalue()
    assert "created=7 updated=0 unchanged=0 errors=2" in text
    assert "CPU_benchmark_v4.csv:5:" in text
    assert Job.objects.get(kind=JobKind.IMPORT_BENCHMARKS).status == JobStatus.DONE


def test_the_command_turns_missing_files_into_a_command_error(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="missing files"):
        call_command("import_benchmarks", str(tmp_path), stdout=StringIO())


def test_the_real_passmark_tables_import_and_reimport_cleanly_shared_data(
    shared_data: Path,
) -> None:
    """Reads ../shared/data/passmark (the real Kaggle PassMark exports)."""
    folder = shared_data / "passmark"

    first = import_benchmarks_dir(folder)
    second = import_benchmarks_dir(folder)

    assert first["created"] + first["error_count"] == 3825 + 2317
    assert first["error_count"] < 50
    assert (second["created"], second["updated"]) == (0, 0)
    assert CpuBenchmark.objects.get(name="Intel Core i5-12400F").score > 15000
    assert GpuBenchmark.objects.get(name="GeForce RTX 3060").score > 15000


def test_benchmark_rows_are_written_by_one_service_that_normalises_their_names() -> None:
    from catalog.services import add_missing_benchmarks, upsert_benchmarks

    name = "Intel Core i5-12400F"
    ids, created = add_missing_benchmarks("cpu", [{"name": name, "score": 1}])
    row = CpuBenchmark.objects.get()
    assert (ids, created) == ({name: row.pk}, 1)
    assert row.normalized_name == "core i5 12400f"
    assert upsert_benchmarks("cpu", [{"name": name, "score": 2}]) == {
        "created": 0, "updated": 1, "unchanged": 0,
    }  # fmt: skip
    # the demo's path never overwrites what an import wrote
    assert add_missing_benchmarks("cpu", [{"name": name, "score": 3}]) == ({name: row.pk}, 0)
    row.refresh_from_db()
    assert row.score == 2
    assert upsert_benchmarks("gpu", [{"name": "GeForce RTX 3060", "score": 9}])["created"] == 1
    assert GpuBenchmark.objects.get().normalized_name == "geforce rtx 3060"
