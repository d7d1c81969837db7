"""Dependencies point one way: core ← catalog ← pricing, trends, similarity ← recommend ←
analyze ← pcadvisor (the top: settings, URLs, Celery app, front-door views).

Every import statement of every module of an app (its tests included) is read with ``ast``, so an
import inside a function counts as much as one at the top of the file, and so does a literal
``importlib.import_module("...")``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# What each layer may import of this project, besides itself.
ALLOWED: dict[str, set[str]] = {
    "core": set(),
    "catalog": {"core"},
    "pricing": {"core", "catalog"},
    "trends": {"core", "catalog"},
    "similarity": {"core", "catalog"},
    "recommend": {"core", "catalog", "pricing", "trends", "similarity"},
    # the front door ("PC 지금 살까?") composes every app below it
    "analyze": {"core", "catalog", "pricing", "trends", "similarity", "recommend"},
    "pcadvisor": {"core", "catalog", "pricing", "trends", "similarity", "recommend", "analyze"},
}
LAYERS = set(ALLOWED)


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """(line, module) for each absolute import in the file at path."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", getattr(node.func, "id", None)) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.append((node.lineno, node.args[0].value))
    return found


def layer_violations(layer: str, root: Path = ROOT) -> list[str]:
    """``file:line imports module`` for each import of a layer the layer may not use."""
    bad = []
    for path in sorted((root / layer).rglob("*.py")):
        for line, module in imported_modules(path):
            top = module.split(".")[0]
            if top in LAYERS and top != layer and top not in ALLOWED[layer]:
                bad.append(f"{path.relative_to(root)}:{line} imports {module}")
    return bad


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_a_layer_imports_only_the_layers_below_it(layer: str) -> None:
    assert (ROOT / layer).is_dir()
    assert layer_violations(layer) == []


def test_the_check_sees_imports_inside_functions_and_import_module_calls(tmp_path: Path) -> None:
    (tmp_path / "core").mkdir()
    (tmp_path / "core" / "ok.py").write_text("import os\nfrom core import charts\n")
    (tmp_path / "core" / "bad.py").write_text(
        "from catalog.models import Product\n"
        "def f():\n"
        "    import pcadvisor.settings\n"
        "    return importlib.import_module('trends.views')\n"
    )
    assert layer_violations("core", tmp_path) == [
        "core/bad.py:1 imports catalog.models",
        "core/bad.py:3 imports pcadvisor.settings",
        "core/bad.py:4 imports trends.views",
    ]


def test_nothing_is_left_in_the_old_helpers_folder() -> None:
    assert not (ROOT / "pcadvisor" / "lib").exists()
