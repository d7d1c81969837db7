"""The similarity benchmark commands run in their own throwaway database and end with their
one-line summaries (small sizes here; the README's numbers come from the full runs)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_benchmark_indexing_on_a_few_real_pictures_ends_with_its_summary_line(
    shared_data: Path,
) -> None:
    """Reads 12 distinct real images from ../shared/data/danawa/images."""
    out = io.StringIO()
    name = connection.settings_dict["NAME"]
    call_command(
        "benchmark_indexing", "--images", str(shared_data / "danawa/images"), "--limit", "12",
        "--embedder", "descriptor", "--batch-size", "5", "--db-name", "test_pcadvisor_idx_bench_t",
        stdout=out,
    )  # fmt: skip
    lines = out.getvalue().strip().splitlines()
    assert re.fullmatch(
        r"images_per_s=\d+\.\d distinct=12 files=\d+ rembg_share=\d\.\d{3} peak_rss_mb=\d+",
        lines[-2 if lines[-1].startswith("임시 DB") else -1],
    )
    assert any(re.match(r"distinct_per_s=\S+ files_per_s=\S+", line) for line in lines)
    assert any("저장 12행, 실패 0" in line for line in lines)
    assert connection.settings_dict["NAME"] == name


def test_benchmark_search_on_a_small_index_ends_with_its_summary_line() -> None:
    out = io.StringIO()
    name = connection.settings_dict["NAME"]
    call_command(
        "benchmark_search", "--vectors", "1500", "--queries", "12",
        "--db-name", "test_pcadvisor_search_bench_t", stdout=out,
    )  # fmt: skip
    lines = out.getvalue().strip().splitlines()
    last = lines[-2 if lines[-1].startswith("임시 DB") else -1]
    m = re.fullmatch(
        r"p95_ms=(\S+) recall_at_10=(\S+) filtered_p95_ms=(\S+) filtered_recall_at_10=(\S+)", last
    )
    assert m and float(m[2]) >= 0.9 and float(m[4]) >= 0.9
    assert connection.settings_dict["NAME"] == name
