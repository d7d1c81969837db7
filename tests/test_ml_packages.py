"""``<app>/ml/`` packages import no Django and no app code outside themselves (DESIGN,
convention 5): models stay testable and loadable without a database; adapters beside them
feed them from the catalog."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# (the bottom layer, ``core``, imports no app and is not listed; the subprocess test below
# checks that trends.ml loads without Django all the same)
FORBIDDEN = {"django", "rest_framework", "celery", "catalog", "pricing", "trends", "similarity",
             "recommend", "pcadvisor"}  # fmt: skip
# pricing/ml is being reworked in its own branch (its adapters move beside it); these are the
# imports it had when this guard was written. The list may only shrink.
KNOWN = {
    "pricing/ml/backbone.py: django.conf",
    "pricing/ml/features.py: catalog.importers.products",
    "pricing/ml/features.py: catalog.services",
    "pricing/ml/features.py: catalog.specs",
    "pricing/ml/gpu_snapshot.py: catalog.benchmarks",
    "pricing/ml/gpu_snapshot.py: catalog.importers.price_history",
    "pricing/ml/gpu_snapshot.py: catalog.specs",
}


def _ml_imports() -> dict[str, set[str]]:
    """{"<app>/ml/<file>: <module>"} of every forbidden absolute import (at any depth: an import
    inside a function counts too), per app."""
    found: dict[str, set[str]] = {}
    for package in sorted(ROOT.glob("*/ml")):
        app = package.parent.name
        found[app] = set()
        for path in sorted(package.rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    modules = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and not node.level:
                    modules = [node.module or ""]
                else:
                    continue
                for module in modules:
                    top = module.split(".")[0]
                    if top in FORBIDDEN and not module.startswith(f"{app}.ml"):
                        found[app].add(f"{path.relative_to(ROOT)}: {module}")
    return found


def test_the_ml_packages_import_no_django_and_no_catalog() -> None:
    found = _ml_imports()
    assert {"pricing", "trends"} <= set(found)
    assert found["trends"] == set()
    unexpected = set().union(*found.values()) - KNOWN
    assert unexpected == set()


def test_trends_ml_loads_without_django() -> None:
    """Importing the forecaster and the backtest pulls in neither Django nor the catalog."""
    code = (
        "import sys; import trends.ml.forecast, trends.ml.backtest; "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('django', 'catalog')); "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
