"""The PassMark CPU/GPU tables (Kaggle "CPU and GPU benchmarks" exports): the one reader.

``read_passmark(path, part)`` yields the valid rows of ``CPU_benchmark_v4.csv`` or
``GPU_benchmarks_v7.csv`` (UTF-8, with or without a byte-order mark) as typed ``PassmarkRow``;
a malformed row is left out and, when an ``errors`` list is given, reported there with its file,
line number and reason. The importer (``catalog.importers.benchmarks``) writes these rows to
CpuBenchmark/GpuBenchmark; ``BenchmarkMatcher.from_passmark_dir`` matches against them without a
database (``benchmark_matching``, the trends backtest, pricing's real-data evaluation), so a
matcher built from the files and one built from the imported tables see the same rows.

Pure Python (no Django), so ``ml/`` code may use it.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

CPU_FILE = "CPU_benchmark_v4.csv"
GPU_FILE = "GPU_benchmarks_v7.csv"
MAX_NAME_LENGTH = 200


@dataclass(frozen=True)
class PassmarkTable:
    """One PassMark file: its name, name and score columns, and the other columns read, as
    benchmark model field -> (CSV column, converter)."""

    part: str
    filename: str
    name_column: str
    score_column: str
    columns: dict[str, tuple[str, str]] = field(default_factory=dict)


TABLES: dict[str, PassmarkTable] = {
    "cpu": PassmarkTable(
        part="cpu",
        filename=CPU_FILE,
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
    ),
    "gpu": PassmarkTable(
        part="gpu",
        filename=GPU_FILE,
        name_column="gpuName",
        score_column="G3Dmark",
        columns={
            "g2d_score": ("G2Dmark", "int"),
            "tdp": ("TDP", "float"),
            "test_date": ("testDate", "year"),
            "category": ("category", "str100"),
        },
    ),
}


class PassmarkFileError(ValueError):
    """The file cannot be read as its PassMark table (a required column is missing)."""


class PassmarkRowError(ValueError):
    """One row is malformed (the reason is the message)."""


@dataclass(frozen=True)
class PassmarkRow:
    """A valid row: ``name`` (whitespace collapsed), ``score`` (> 0), and ``details``: the
    table's other columns by benchmark model field (``None`` where the cell is empty)."""

    part: str
    line: int
    name: str
    score: int
    details: dict[str, object] = field(default_factory=dict)

    @property
    def values(self) -> dict[str, object]:
        """The benchmark row's fields (``name``, ``score`` and the details)."""
        return {"name": self.name, "score": self.score, **self.details}

    @property
    def match_row(self) -> tuple[None, str, int]:
        """The ``(id, name, score)`` row of ``BenchmarkMatcher.from_rows`` (no database id)."""
        return (None, self.name, self.score)


def passmark_paths(folder: str | Path) -> dict[str, Path]:
    """part -> the path of its PassMark file in ``folder`` (whether or not it exists)."""
    root = Path(folder)
    return {part: root / table.filename for part, table in TABLES.items()}


def convert(raw: str, kind: str, column: str) -> object:
    """A cell as ``kind`` ("int", "float", "year", "strN" = text cut to N characters); empty
    and n/a cells are None. Raises PassmarkRowError for a negative or non-numeric number."""
    value = (raw or "").strip()
    if kind.startswith("str"):
        return value[: int(kind[3:])]
    if value == "" or value.lower() in ("na", "n/a", "nan", "none"):
        return None
    try:
        if kind == "float":
            number = float(value.replace(",", ""))
            if number < 0:
                raise PassmarkRowError(f"{column} 값이 음수입니다: {value!r}")
            return number
        number = int(float(value.replace(",", "")))
    except ValueError as exc:
        raise PassmarkRowError(f"{column} 값이 숫자가 아닙니다: {value!r}") from exc
    if number < 0:
        raise PassmarkRowError(f"{column} 값이 음수입니다: {value!r}")
    if kind == "year" and not 1990 <= number <= 2100:
        raise PassmarkRowError(f"{column} 값이 연도가 아닙니다: {value!r}")
    if kind == "int" and number > 2_147_483_647:
        raise PassmarkRowError(f"{column} is out of range: {value!r}")
    return number


def read_passmark(
    path: str | Path, part: str, errors: list[dict] | None = None
) -> Iterator[PassmarkRow]:
    """The valid rows of ``part``'s ("cpu" or "gpu") PassMark file at ``path``.

    A row is left out (and reported in ``errors`` as ``{"file", "line", "reason"}``) when it has
    more cells than the header, no name, a name over 200 characters, a name seen before, no
    positive score, or a cell that is not the number its column holds. Raises
    PassmarkFileError when the name or score column is missing, OSError when the file cannot be
    opened.
    """
    table = TABLES[part]
    file = Path(path)
    with file.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        header = reader.fieldnames or []
        missing = [c for c in (table.name_column, table.score_column) if c not in header]
        if missing:
            raise PassmarkFileError(f"{file.name}: 필수 열이 없습니다: {', '.join(missing)}")
        seen: dict[str, int] = {}
        for raw in reader:
            line = reader.line_num
            try:
                if None in raw:  # more cells than header columns
                    raise PassmarkRowError("칸이 머리글보다 많습니다")
                name = " ".join((raw.get(table.name_column) or "").split())
                if not name:
                    raise PassmarkRowError(f"{table.name_column} 값이 비어 있습니다")
                if len(name) > MAX_NAME_LENGTH:
                    raise PassmarkRowError(f"{table.name_column} is longer than 200 characters")
                if name in seen:
                    raise PassmarkRowError(f"이름이 겹칩니다: {name!r} (처음 나온 줄 {seen[name]})")
                score = convert(raw.get(table.score_column) or "", "int", table.score_column)
                if not score:
                    raise PassmarkRowError(f"{table.score_column} is missing or zero")
                details = {
                    model_field: convert(raw.get(column) or "", kind, column)
                    for model_field, (column, kind) in table.columns.items()
                }
            except PassmarkRowError as exc:
                if errors is not None:
                    errors.append({"file": file.name, "line": line, "reason": str(exc)})
                continue
            seen[name] = line
            yield PassmarkRow(part=part, line=line, name=name, score=int(score), details=details)


def matcher_rows(folder: str | Path) -> dict[str, list[tuple[None, str, int]]]:
    """part -> the ``(None, name, score)`` rows of both PassMark files in ``folder``."""
    return {
        part: [row.match_row for row in read_passmark(path, part)]
        for part, path in passmark_paths(folder).items()
    }
