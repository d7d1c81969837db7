"""One home for each fact: the catalog's signals are sent by the catalog services only, and no
code outside the catalog runs SQL on the catalog's tables (it reads them through the catalog's
QuerySets)."""

from __future__ import annotations

import re
from pathlib import Path

from django.apps import apps
from django.conf import settings

SENDS = re.compile(r"\b(products_changed|prices_recorded)\s*\.\s*send(_robust)?\s*\(")


def test_no_module_outside_the_catalog_services_sends_the_catalog_signals() -> None:
    root = Path(settings.BASE_DIR)
    services = root / "catalog" / "services"
    offenders = []
    for path in root.rglob("*.py"):
        parts = path.relative_to(root).parts
        if parts[0] in {".venv", "var", "node_modules"} or "tests" in parts:
            continue  # tests may play a sender to test a receiver
        if path.is_relative_to(services):
            continue
        if SENDS.search(path.read_text(encoding="utf-8")):
            offenders.append(str(path.relative_to(root)))
    assert offenders == []
    assert SENDS.search((services / "products.py").read_text(encoding="utf-8"))
    assert SENDS.search((services / "prices.py").read_text(encoding="utf-8"))


RAW_SQL = re.compile(r"(from|join|update|into)\s+catalog_", re.IGNORECASE)


def _code_outside_the_catalog() -> list[Path]:
    """Every app module outside catalog/ (tests and migrations aside)."""
    root = Path(settings.BASE_DIR)
    out = []
    for path in root.rglob("*.py"):
        parts = path.relative_to(root).parts
        if parts[0] in {".venv", "var", "node_modules", "catalog"}:
            continue
        if "tests" in parts or "migrations" in parts or parts[0] == "tests":
            continue
        out.append(path)
    return out


def test_no_code_outside_the_catalog_runs_sql_on_catalog_tables() -> None:
    """Higher apps read catalog facts through catalog QuerySets: neither ``FROM/JOIN/UPDATE/
    INTO catalog_…`` nor any catalog table's name appears outside catalog/ except in comments."""
    root = Path(settings.BASE_DIR)
    tables = sorted(
        {
            m._meta.db_table
            for m in apps.get_app_config("catalog").get_models(include_auto_created=True)
        }
    )
    names = re.compile(r"\b(" + "|".join(map(re.escape, tables)) + r")\b")
    offenders = []
    for path in _code_outside_the_catalog():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            code = line.split("#", 1)[0] if not line.lstrip().startswith("#") else ""
            if RAW_SQL.search(code) or names.search(code):
                offenders.append(f"{path.relative_to(root)}:{number}: {line.strip()}")
    assert offenders == []
    assert "catalog_pricesnapshot" in tables and "catalog_dailylowestprice" in tables
    # the guard sees the modules that used to hold such SQL
    seen = {str(p.relative_to(root)) for p in _code_outside_the_catalog()}
    assert "trends/management/commands/bench_trends.py" in seen
