"""A file's name says what it holds (DESIGN.md, conventions 1): names that mean something in
Django or in this project are kept for that thing."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ("core", "pcadvisor", "catalog", "pricing", "trends", "similarity", "recommend")


def _modules(name: str) -> list[Path]:
    return sorted(path for app in APPS for path in (ROOT / app).rglob(name))


def _assigned_names(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else []
        if isinstance(node, ast.AnnAssign):
            targets = [node.target]
        names |= {t.id for t in targets if isinstance(t, ast.Name)}
    return names


def test_every_urls_module_is_a_urlconf() -> None:
    modules = _modules("urls.py")
    assert modules  # the check looks where the URLconfs are
    assert [
        str(p.relative_to(ROOT)) for p in modules if "urlpatterns" not in _assigned_names(p)
    ] == []


def test_no_management_command_is_named_after_the_services_modules() -> None:
    """``services.py`` holds an app's writes; the embedded servers' command is ``embedded``."""
    assert _modules("management/commands/services.py") == []
    assert (ROOT / "pcadvisor" / "management" / "commands" / "embedded.py").exists()
