"""Danawa's category ids: the one place they are spelled (issue 9.3).

Everything that names a Danawa category (the crawler's default, the history importer's file
kinds, the demo, the category rows created on first use, the ml adapters) imports it from here;
``catalog/tests/test_one_home_for_category_codes.py`` fails when a code is written anywhere
else. Pure Python (no Django), so settings and ``ml/`` code may import it. Kinds are
``catalog.models.CategoryKind`` values.
"""

from __future__ import annotations

BRAND_PC = "112756"  # 브랜드PC: the desktops the site prices and forecasts
AIO_PC = "112766"  # 일체형PC
LAPTOP = "112758"
CPU = "112747"
GPU = "112753"  # 그래픽카드
RAM = "112752"
MAINBOARD = "112751"
SSD = "112760"
HDD = "112763"
POWER = "112777"
CASE = "112775"
COOLER = "11236855"
MONITOR = "112757"

# Danawa category id -> (name, kind), the defaults of a category row created on first use.
CATEGORIES: dict[str, tuple[str, str]] = {
    BRAND_PC: ("브랜드PC", "desktop"),
    CPU: ("CPU", "cpu"),
    GPU: ("그래픽카드", "gpu"),
    LAPTOP: ("노트북", "laptop"),
    AIO_PC: ("일체형PC", "desktop"),
    RAM: ("RAM", "part"),
    MAINBOARD: ("메인보드", "part"),
    SSD: ("SSD", "part"),
    HDD: ("HDD", "part"),
    POWER: ("파워", "part"),
    CASE: ("케이스", "part"),
    COOLER: ("쿨러", "part"),
    MONITOR: ("모니터", "part"),
}

# Kinds a user may name in an import file (``category`` column), with the category they land in.
KIND_CODES: dict[str, str] = {"desktop": BRAND_PC, "cpu": CPU, "gpu": GPU, "laptop": LAPTOP}

# Danawa-Crawler price-history file kind (``CPU_2021-01.csv``, ``VGA_...``) -> category id.
HISTORY_FILE_CODES: dict[str, str] = {
    "CPU": CPU,
    "VGA": GPU,
    "RAM": RAM,
    "MBOARD": MAINBOARD,
    "SSD": SSD,
    "HDD": HDD,
    "POWER": POWER,
    "CASE": CASE,
    "COOLER": COOLER,
}
# Category id -> history file kind (``HISTORY_FILE_PREFIXES[GPU] == "VGA"``).
HISTORY_FILE_PREFIXES: dict[str, str] = {code: kind for kind, code in HISTORY_FILE_CODES.items()}

# History categories that are one benchmarked part (the forecaster's CSV panels) -> kind.
PART_KINDS: dict[str, str] = {CPU: "cpu", GPU: "gpu"}

# The daily crawl's categories when ``DANAWA_CATEGORIES`` is not set.
DEFAULT_CRAWL_CATEGORIES: tuple[str, ...] = (BRAND_PC,)
