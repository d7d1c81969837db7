"""Tiny synthetic price histories for the trends tests."""

from __future__ import annotations

import datetime as dt
import math

from trends.ml.forecast import PricePanel, StaticFeatures

START = dt.date(2022, 1, 1)


def cyclic_series(
    products: int = 40, days: int = 120, period: int = 20, amplitude: float = 0.06
) -> dict[str, dict[dt.date, int]]:
    """Prices that rise and fall in a ``period``-day triangle wave, each product at its own
    phase: the 10-day direction is predictable from the recent dynamics."""
    out = {}
    for p in range(products):
        base, phase = 500_000 + 10_000 * p, (p * 7) % period
        prices = {}
        for d in range(days):
            x = ((d + phase) % period) / period  # 0..1
            tri = 2 * x if x < 0.5 else 2 - 2 * x  # 0..1..0
            prices[START + dt.timedelta(days=d)] = round(base * (1 + amplitude * tri))
        out[f"c{p}"] = prices
    return out


def trending_series(
    products: int = 30, days: int = 80, daily: float = -0.005
) -> dict[str, dict[dt.date, int]]:
    """Every product moves ``daily`` (relative) each day."""
    return {
        f"t{p}": {
            START + dt.timedelta(days=d): round((400_000 + 5_000 * p) * math.exp(daily * d))
            for d in range(days)
        }
        for p in range(products)
    }


def statics_for(keys: list[str], kind: str = "gpu") -> list[dict[str, object]]:
    return [
        {"gpu_score": 10_000 + 100 * i, "ram_gb": 8, "manufacturer": "MSI", "category": kind}
        for i, _ in enumerate(keys)
    ]


def panel_and_static(series: dict[str, dict[dt.date, int]]) -> tuple[PricePanel, StaticFeatures]:
    panel = PricePanel.from_series(series)
    return panel, StaticFeatures.from_rows(statics_for(panel.keys))
