"""``<app>/ml/`` packages import no Django and no app code outside themselves (DESIGN,
convention 5): models stay testable and loadable without a database; adapters beside them
feed them from the catalog."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# (the bottom layer, ``core``, imports no app and is not listed; the subprocess test below
# checks that trends.ml loads without Django all the same)
FORBIDDEN = {"django", "rest_framework", "celery", "catalog", "pricing", "trends", "similarity",
             "recommend", "pcadvisor"}  # fmt: skip


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
    assert set().union(*found.values()) == set()


@pytest.mark.parametrize(
    "modules",
    [
        "trends.ml.forecast, trends.ml.backtest",
        "pricing.ml.features, pricing.ml.backbone, pricing.ml.ensemble, pricing.ml.registry",
    ],
)
def test_the_ml_packages_load_without_django(modules: str) -> None:
    """Importing the forecaster and backtest, or the fair-price models, pulls in neither Django
    nor the catalog."""
    code = (
        f"import sys; import {modules}; "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('django', 'catalog')); "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
