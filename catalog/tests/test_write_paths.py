"""One home for each fact: the catalog's signals are sent by the catalog services only."""

from __future__ import annotations

import re
from pathlib import Path

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
