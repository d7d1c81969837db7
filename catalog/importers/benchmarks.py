"""Import the PassMark CPU/GPU benchmark tables (Kaggle "CPU and GPU benchmarks" exports).

``import_benchmarks_dir(directory)`` reads ``CPU_benchmark_v4.csv`` and ``GPU_benchmarks_v7.csv``
(UTF-8, with or without a byte-order mark) from ``directory`` into CpuBenchmark/GpuBenchmark,
keyed by ``name`` like ``update_or_create`` but in bulk (``services.upsert_benchmarks``); a
second run of the same files creates and updates nothing. A malformed row is reported with its file, line number and reason
and the other rows are imported. Products are then re-matched (``rematch_benchmarks``), which
leaves alone products whose match staff locked by hand.
"""

from __future__ import annotations

import csv
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from catalog.benchmarks import reset_matcher
from catalog.models import CpuBenchmark, GpuBenchmark, Job

logger = logging.getLogger(__name__)

CPU_FILE = "CPU_benchmark_v4.csv"
GPU_FILE = "GPU_benchmarks_v7.csv"
BATCH_SIZE = 1000
MAX_ERRORS = 500


class BenchmarkImportError(Exception):
    """The import cannot start (missing folder or file, wrong header)."""


@dataclass
class ParsedRow:
    line: int
    values: dict[str, object]


@dataclass
class FileSpec:
    filename: str
    model: type
    name_column: str
    score_column: str
    # model field -> (CSV column, converter)
    columns: dict[str, tuple[str, str]] = field(default_factory=dict)


CPU_SPEC = FileSpec(
    filename=CPU_FILE,
    model=CpuBenchmark,
    name_column="cpuName",
    score_column="cpuMark",
    columns={
        "single_thread": ("threadMark", "int"),
        "tdp": ("TDP", "float"),
        "cores": ("cores", "int"),
        "test_date": ("testDate", "year"),
        "socket": ("socket", "str50"),
        "category": ("category", "str100"),
    },
)
GPU_SPEC = FileSpec(
    filename=GPU_FILE,
    model=GpuBenchmark,
    name_column="gpuName",
    score_column="G3Dmark",
    columns={
        "g2d_score": ("G2Dmark", "int"),
        "tdp": ("TDP", "float"),
        "test_date": ("testDate", "year"),
        "category": ("category", "str100"),
    },
)


class RowError(ValueError):
    pass


def _convert(raw: str, kind: str, column: str) -> object:
    value = (raw or "").strip()
    if kind.startswith("str"):
        return value[: int(kind[3:])]
    if value == "" or value.lower() in ("na", "n/a", "nan", "none"):
        return None
    try:
        if kind == "float":
            number = float(value.replace(",", ""))
            if number < 0:
                raise RowError(f"{column} 값이 음수입니다: {value!r}")
            return number
        number = int(float(value.replace(",", "")))
    except ValueError as exc:
        raise RowError(f"{column} 값이 숫자가 아닙니다: {value!r}") from exc
    if number < 0:
        raise RowError(f"{column} 값이 음수입니다: {value!r}")
    if kind == "year" and not 1990 <= number <= 2100:
        raise RowError(f"{column} 값이 연도가 아닙니다: {value!r}")
    if kind == "int" and number > 2_147_483_647:
        raise RowError(f"{column} is out of range: {value!r}")
    return number


def _read(path: Path, spec: FileSpec, errors: list[dict]) -> Iterator[ParsedRow]:
    """Valid rows of one file; problems go to ``errors`` with their line number."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        header = reader.fieldnames or []
        missing = [c for c in (spec.name_column, spec.score_column) if c not in header]
        if missing:
            raise BenchmarkImportError(f"{path.name}: 필수 열이 없습니다: {', '.join(missing)}")
        seen: dict[str, int] = {}
        for raw in reader:
            line = reader.line_num
            try:
                if None in raw:  # more cells than header columns
                    raise RowError("칸이 머리글보다 많습니다")
                name = " ".join((raw.get(spec.name_column) or "").split())
                if not name:
                    raise RowError(f"{spec.name_column} 값이 비어 있습니다")
                if len(name) > 200:
                    raise RowError(f"{spec.name_column} is longer than 200 characters")
                if name in seen:
                    raise RowError(f"이름이 겹칩니다: {name!r} (처음 나온 줄 {seen[name]})")
                score = _convert(raw.get(spec.score_column) or "", "int", spec.score_column)
                if not score:
                    raise RowError(f"{spec.score_column} is missing or zero")
                values: dict[str, object] = {"name": name, "score": score}
                for model_field, (column, kind) in spec.columns.items():
                    values[model_field] = _convert(raw.get(column) or "", kind, column)
            except RowError as exc:
                errors.append({"file": path.name, "line": line, "reason": str(exc)})
                continue
            seen[name] = line
            yield ParsedRow(line=line, values=values)


def _import_file(
    path: Path, spec: FileSpec, errors: list[dict], job: Job | None, done_before: int, total: int
) -> dict[str, int]:
    from catalog.services import update_job_progress, upsert_benchmarks

    part = "cpu" if spec.model is CpuBenchmark else "gpu"
    rows = list(_read(path, spec, errors))
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
        paths = {"cpu": folder / CPU_FILE, "gpu": folder / GPU_FILE}
        missing = [p.name for p in paths.values() if not p.is_file()]
        if missing:
            raise BenchmarkImportError(
                f"{folder}에 벤치마크 파일이 없습니다 (missing files): {', '.join(missing)}"
            )
        total = sum(_count_lines(p) for p in paths.values())
        update_job_progress(job, 0, total)
        errors: list[dict] = []
        cpu = _import_file(paths["cpu"], CPU_SPEC, errors, job, 0, total)
        gpu = _import_file(paths["gpu"], GPU_SPEC, errors, job, cpu["rows"], total)
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
