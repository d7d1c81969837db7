"""Import the PassMark CPU/GPU benchmark tables (Kaggle "CPU and GPU benchmarks" exports).

``import_benchmarks_dir(directory)`` reads ``CPU_benchmark_v4.csv`` and ``GPU_benchmarks_v7.csv``
from ``directory`` with the one PassMark reader (``catalog.passmark``) into
CpuBenchmark/GpuBenchmark, keyed by ``name`` like ``update_or_create`` but in bulk (``services.upsert_benchmarks``); a
second run of the same files creates and updates nothing. A malformed row is reported with its file, line number and reason
and the other rows are imported. Products are then re-matched (``rematch_benchmarks``), which
leaves alone products whose match staff locked by hand.
"""

from __future__ import annotations

import logging
from pathlib import Path

from catalog.benchmarks import reset_matcher
from catalog.models import Job
from catalog.passmark import PassmarkFileError, PassmarkRow, passmark_paths, read_passmark

logger = logging.getLogger(__name__)

BATCH_SIZE = 1000
MAX_ERRORS = 500


class BenchmarkImportError(Exception):
    """The import cannot start (missing folder or file, wrong header)."""


def _read(path: Path, part: str, errors: list[dict]) -> list[PassmarkRow]:
    """Valid rows of one file (``catalog.passmark``); problems go to ``errors``."""
    try:
        return list(read_passmark(path, part, errors))
    except PassmarkFileError as exc:
        raise BenchmarkImportError(str(exc)) from exc


def _import_file(
    path: Path, part: str, errors: list[dict], job: Job | None, done_before: int, total: int
) -> dict[str, int]:
    from catalog.services import update_job_progress, upsert_benchmarks

    rows = _read(path, part, errors)
    written = upsert_benchmarks(part, (row.values for row in rows))
    update_job_progress(job, done_before + len(rows), total)
    stats = {"rows": len(rows), **written}
    logger.info("imported %s: %s", path.name, stats)
    return stats


def _count_lines(path: Path) -> int:
    with path.open("rb") as fh:
        return max(0, sum(1 for _ in fh) - 1)


def import_benchmarks_dir(directory: str | Path, job: Job | None = None) -> dict:
    """Import both PassMark tables from ``directory`` and re-match products.

    Returns ``{"created", "updated", "unchanged", "errors", "rematched", "cpu", "gpu"}`` where
    ``errors`` lists ``{"file", "line", "reason"}`` for each skipped row. Raises
    ``BenchmarkImportError`` when the folder or a file is missing. With a ``job`` the progress is
    reported as rows are read and the job is finished (or failed) at the end.
    """
    from catalog.services import finish_job, rematch_benchmarks, update_job_progress

    try:
        folder = Path(directory)
        if not folder.is_dir():
            raise BenchmarkImportError(f"폴더가 없습니다 (no such directory): {folder}")
        paths = passmark_paths(folder)
        missing = [p.name for p in paths.values() if not p.is_file()]
        if missing:
            raise BenchmarkImportError(
                f"{folder}에 벤치마크 파일이 없습니다 (missing files): {', '.join(missing)}"
            )
        total = sum(_count_lines(p) for p in paths.values())
        update_job_progress(job, 0, total)
        errors: list[dict] = []
        cpu = _import_file(paths["cpu"], "cpu", errors, job, 0, total)
        gpu = _import_file(paths["gpu"], "gpu", errors, job, cpu["rows"], total)
        reset_matcher()
        rematched = rematch_benchmarks()
        report = {
            "created": cpu["created"] + gpu["created"],
            "updated": cpu["updated"] + gpu["updated"],
            "unchanged": cpu["unchanged"] + gpu["unchanged"],
            "errors": errors[:MAX_ERRORS],
            "error_count": len(errors),
            "rematched": rematched,
            "cpu": cpu,
            "gpu": gpu,
        }
    except Exception as exc:
        finish_job(job, errors=[{"reason": str(exc)}], failed=True)
        raise
    finish_job(job, stats={k: v for k, v in report.items() if k != "errors"}, errors=errors)
    return report
