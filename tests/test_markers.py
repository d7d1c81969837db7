"""The markers pyproject.toml declares are used: ``realdata`` selects exactly the tests that read
../shared/data, ``slow`` the multi-second ones."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _collected(*args: str) -> set[str]:
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", *args],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    return {line.split("[")[0] for line in run.stdout.splitlines() if "::" in line}


# Every test that takes shared_data, directly or through a fixture (real_matcher, gpu_slice).
READING = {
    "catalog/tests/test_benchmark_matching.py::" + name
    for name in (
        "test_real_danawa_cpu_names_match_their_passmark_row_shared_data",
        "test_real_danawa_gpu_names_match_their_passmark_row_shared_data",
        "test_parts_newer_than_the_real_tables_have_no_match_shared_data",
        "test_exact_names_match_with_full_confidence_and_clock_suffixes_too_shared_data",
    )
} | {
    "catalog/tests/test_import_benchmarks.py::"
    "test_the_real_passmark_tables_import_and_reimport_cleanly_shared_data",
    "catalog/tests/test_import_price_history.py::"
    "test_real_danawa_history_files_import_and_reimport_adds_nothing",
    "trends/tests/test_real_data.py::test_real_graphics_card_history_backtests_with_sensible_numbers",
    "trends/tests/test_real_data.py::test_real_history_matches_most_cards_to_passmark_scores",
}
FILES = sorted({name.split("::")[0] for name in READING})


@pytest.mark.slow
def test_realdata_selects_the_tests_that_read_the_shared_data_and_only_those() -> None:
    assert _collected("-m", "realdata", *FILES) == READING
    assert _collected("-m", "not realdata", *FILES).isdisjoint(READING)


@pytest.mark.slow
def test_slow_marks_the_tests_that_start_servers_or_the_run_script() -> None:
    slow = _collected("-m", "slow", "tests/test_run_script.py", "tests/test_celery_worker.py")
    assert (
        "tests/test_celery_worker.py::test_the_ml_worker_of_the_run_command_answers_health_pings_while_it_trains"
        in slow
    )
    assert any(name.startswith("tests/test_run_script.py::") for name in slow)
    assert (
        "tests/test_celery_worker.py::test_an_import_task_runs_on_a_real_worker_and_reports_into_its_job"
        not in slow
    )
