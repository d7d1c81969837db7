"""PassMark benchmark rows: the one place that writes ``CpuBenchmark`` / ``GpuBenchmark``.

The importer creates or updates rows by name (``upsert_benchmarks``); the demo seeder only adds
the rows that do not exist yet, never overwriting a real import (``add_missing_benchmarks``).
Either way each row's ``normalized_name`` is what the matcher's normaliser makes of its name
(``catalog.benchmarks.normalize_benchmark_name``), and the matcher's cached tables are dropped
when rows were written.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from catalog.benchmarks import normalize_benchmark_name, reset_matcher
from catalog.models import CpuBenchmark, GpuBenchmark

BENCHMARK_MODELS: dict[str, type[CpuBenchmark] | type[GpuBenchmark]] = {
    "cpu": CpuBenchmark,
    "gpu": GpuBenchmark,
}
BATCH_SIZE = 1000


def _normalised(part: str, rows: Iterable[dict[str, object]]) -> list[dict[str, object]]:
    out = []
    for row in rows:
        values = dict(row)
        values["normalized_name"] = normalize_benchmark_name(part, str(values["name"]))
        out.append(values)
    return out


def upsert_benchmarks(part: str, rows: Iterable[dict[str, object]]) -> dict[str, int]:
    """Create or update ``part``'s ("cpu" / "gpu") rows by ``name``, in bulk: one query reads
    the existing rows, new rows go in with ``bulk_create``, changed ones with ``bulk_update``.
    Every row names the same fields. Returns {"created", "updated", "unchanged"}."""
    model = BENCHMARK_MODELS[part]
    values_list = _normalised(part, rows)
    if not values_list:
        return {"created": 0, "updated": 0, "unchanged": 0}
    fields = [f for f in values_list[0] if f != "name"]
    existing = model.objects.in_bulk(field_name="name")
    to_create, to_update = [], []
    unchanged = 0
    for values in values_list:
        obj = existing.get(values["name"])
        if obj is None:
            to_create.append(model(**values))
            continue
        changed = False
        for fname in fields:
            if getattr(obj, fname) != values[fname]:
                setattr(obj, fname, values[fname])
                changed = True
        if changed:
            to_update.append(obj)
        else:
            unchanged += 1
    with transaction.atomic():
        model.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
        if to_update:
            model.objects.bulk_update(to_update, fields, batch_size=BATCH_SIZE)
    if to_create or to_update:
        reset_matcher()  # the matcher caches the tables
    return {"created": len(to_create), "updated": len(to_update), "unchanged": unchanged}


def add_missing_benchmarks(
    part: str, rows: Iterable[dict[str, object]]
) -> tuple[dict[str, int], int]:
    """Create the rows whose ``name`` does not exist yet and leave existing ones as they are
    (a real PassMark import always wins). Returns (name → id of every row named, created)."""
    model = BENCHMARK_MODELS[part]
    values_list = _normalised(part, rows)
    names = [str(v["name"]) for v in values_list]
    before = model.objects.filter(name__in=names).count()
    model.objects.bulk_create(
        [model(**values) for values in values_list], batch_size=BATCH_SIZE, ignore_conflicts=True
    )
    ids = dict(model.objects.filter(name__in=names).values_list("name", "id"))
    created = len(ids) - before
    if created:
        reset_matcher()  # the matcher caches the tables
    return ids, created
