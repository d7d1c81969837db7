"""Adapters that feed ``trends.ml.forecast`` (pure numpy, no database) its inputs: price panels and
spec features from the catalog (through catalog QuerySets) or straight from Danawa history
CSV folders, for the live forecaster (``trends.forecaster``) and the backtest.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from pathlib import Path

from catalog.danawa.categories import PART_KINDS
from catalog.models import PC_KINDS, CategoryKind, DailyLowestPrice, Product
from catalog.querysets import part_score
from trends.ml.forecast import PricePanel, StaticFeatures

# History file categories (catalog.importers.price_history.PREFIX_CATEGORIES) -> kind.
HISTORY_KINDS = PART_KINDS


def daily_lowest_series(
    *, since: dt.date | None = None, until: dt.date | None = None, kinds: Iterable[str] = ()
) -> dict[int, dict[dt.date, int]]:
    """{product_id: {day: lowest price}} of active products of ``kinds`` (all when empty), read
    from the catalog's daily lowest prices."""
    prices = DailyLowestPrice.objects.of_active_products().between(since, until)
    kinds = list(kinds)
    if kinds:
        prices = prices.of_kinds(kinds)
    return prices.series()


def static_rows_for_products(product_ids: Iterable[int]) -> dict[int, dict[str, object]]:
    """Spec features of catalog products (benchmark scores, memory, storage, maker, kind), and
    the name (which the features ignore, and the forecaster keeps to name neighbours)."""
    rows = (
        Product.objects.filter(pk__in=list(product_ids))
        .annotate(cpu_score_value=part_score("cpu"), gpu_score_value=part_score("gpu"))
        .values(
            "pk",
            "name",
            "cpu_score_value",
            "gpu_score_value",
            "ram_gb",
            "vram_gb",
            "ssd_gb",
            "hdd_gb",
            "manufacturer_id",
            "category__kind",
            "category__code",
        )
    )
    return {
        r["pk"]: {
            "cpu_score": r["cpu_score_value"],
            "gpu_score": r["gpu_score_value"],
            "ram_gb": r["ram_gb"] or r["vram_gb"],
            "ssd_gb": r["ssd_gb"],
            "hdd_gb": r["hdd_gb"],
            "manufacturer": r["manufacturer_id"],
            # PCs compare across their categories of a kind (브랜드PC and 일체형PC are both
            # desktops); parts only within their own category (RAM is no SSD).
            "category": f"part:{r['category__code']}"
            if r["category__kind"] == CategoryKind.PART
            else r["category__kind"],
            "name": r["name"],
        }
        for r in rows
    }


def static_rows_for_names(
    names: Mapping[str, tuple[str, str]], matcher: object | None
) -> dict[str, dict[str, object]]:
    """Spec features from Korean product names ({key: (name, kind)}): ``parse_specs`` plus the
    PassMark ``matcher`` (None: scores unknown)."""
    from catalog.specs import parse_specs

    out = {}
    for key, (name, kind) in names.items():
        specs = parse_specs(name, kind=kind)
        # the PassMark row's score, else an estimate for a part newer than the tables
        cpu = matcher.score("cpu", specs.cpu_model) if matcher and specs.cpu_model else None
        gpu = matcher.score("gpu", specs.gpu_model) if matcher and specs.gpu_model else None
        out[key] = {
            "cpu_score": cpu.score if cpu else None,
            "gpu_score": gpu.score if gpu else None,
            "ram_gb": specs.ram_gb or specs.vram_gb,
            "ssd_gb": specs.ssd_gb,
            "hdd_gb": specs.hdd_gb,
            "manufacturer": specs.brand,
            "category": kind,
        }
    return out


def build_panel(
    series: Mapping[object, Mapping[dt.date, int]],
    statics: Mapping[object, Mapping[str, object]],
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> tuple[PricePanel, StaticFeatures]:
    panel = PricePanel.from_series(series, start=start, end=end)
    static = StaticFeatures.from_rows([statics.get(key, {}) for key in panel.keys])
    return panel, static


def panel_from_history_dirs(
    directories: list[str | Path],
    *,
    kinds: Iterable[str] = (),
    matcher: object | None = None,
    start: dt.date | None = None,
    pcodes: Iterable[str] | None = None,
) -> tuple[PricePanel, StaticFeatures]:
    """A panel straight from Danawa history CSV folders (no database)."""
    from catalog.importers.price_history import read_daily_lowest

    data = read_daily_lowest(list(directories))
    wanted = set(kinds)
    keep = set(pcodes) if pcodes is not None else None
    selected = {
        code: s
        for code, s in data.items()
        if HISTORY_KINDS.get(s.category_code)
        and (not wanted or HISTORY_KINDS[s.category_code] in wanted)
        and (keep is None or code in keep)
    }
    names = {code: (s.name, str(HISTORY_KINDS[s.category_code])) for code, s in selected.items()}
    series = {code: s.prices for code, s in selected.items()}
    return build_panel(series, static_rows_for_names(names, matcher), start=start)


def panel_from_db(*, kinds: Iterable[str] = ()) -> tuple[PricePanel, StaticFeatures]:
    """A panel of the catalog's whole price history (active products of ``kinds``, by default
    every PC kind: no forecast is made for the other categories, so none is tested)."""
    series = daily_lowest_series(kinds=list(kinds) or PC_KINDS)
    return build_panel(series, static_rows_for_products(series))
