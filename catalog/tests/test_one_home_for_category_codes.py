"""Danawa's category ids are spelled in one module, ``catalog.danawa.categories`` (issue 9.3)."""

from __future__ import annotations

import ast
import os
import re
from pathlib import Path

from django.conf import settings

from catalog.danawa import categories
from catalog.importers.price_history import PREFIX_CATEGORIES
from catalog.models import CategoryKind
from catalog.services import KIND_CATEGORY_CODES, KNOWN_CATEGORIES

ROOT = Path(__file__).resolve().parents[2]
HOME = Path(categories.__file__).resolve()
SKIPPED_DIRS = {".git", ".venv", "var", "node_modules", "migrations", "tests", "fixtures"}
SCANNED = {".py", ".html", ".js", ".txt", ".toml", ".cfg"}


def _source_files() -> list[Path]:
    out = []
    for folder, dirs, files in os.walk(ROOT):
        dirs[:] = [d for d in dirs if d not in SKIPPED_DIRS and not d.startswith(".")]
        for name in files:
            path = Path(folder) / name
            if path.suffix in SCANNED and path.resolve() != HOME:
                out.append(path)
    return out


def test_no_module_but_the_categories_module_spells_a_danawa_category_code() -> None:
    codes = re.compile(r"(?<!\d)(?:" + "|".join(map(re.escape, categories.CATEGORIES)) + r")(?!\d)")
    files = _source_files()
    assert len(files) > 100  # the walk found the project
    found = []
    for path in files:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if codes.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert found == [], "Danawa category codes outside catalog/danawa/categories.py:\n" + "\n".join(
        found
    )


def test_the_categories_module_imports_nothing_so_settings_and_ml_code_may_use_it() -> None:
    tree = ast.parse(HOME.read_text(encoding="utf-8"))
    imports = [n for n in ast.walk(tree) if isinstance(n, ast.Import | ast.ImportFrom)]
    assert [getattr(n, "module", None) for n in imports] == ["__future__"]


def test_every_mapping_of_codes_is_built_from_the_one_list() -> None:
    assert KNOWN_CATEGORIES == {
        code: (name, CategoryKind(kind)) for code, (name, kind) in categories.CATEGORIES.items()
    }
    assert KNOWN_CATEGORIES[categories.BRAND_PC] == ("브랜드PC", CategoryKind.DESKTOP)
    assert KIND_CATEGORY_CODES[CategoryKind.GPU] == categories.GPU
    assert PREFIX_CATEGORIES["VGA"] == categories.GPU
    assert categories.HISTORY_FILE_PREFIXES[categories.CPU] == "CPU"
    assert set(categories.HISTORY_FILE_CODES.values()) <= set(categories.CATEGORIES)
    assert set(categories.KIND_CODES.values()) <= set(categories.CATEGORIES)
    assert set(categories.PART_KINDS) <= set(categories.HISTORY_FILE_CODES.values())


def test_the_daily_crawl_defaults_to_the_brand_pc_category() -> None:
    # the test settings leave DANAWA_CATEGORIES unset
    assert settings.DANAWA_CATEGORIES == list(categories.DEFAULT_CRAWL_CATEGORIES)
    assert categories.DEFAULT_CRAWL_CATEGORIES == (categories.BRAND_PC,)
