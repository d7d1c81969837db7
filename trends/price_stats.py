"""What daily lowest-price paths look like, in a few numbers (pure numpy, no database).

``path_statistics`` measures a set of price histories ({day: price} each) the same way whether
they come from the real Danawa history files or from the demo catalog, so that the demo's price
model (``catalog.demo.prices``) can be checked against the real market
(``trends/tests/test_demo_price_statistics.py``):

* ``unchanged`` — share of consecutive listed days on which the price did not change;
* step shares — share of those days with a small (< 0.5 %), medium (0.5–3 %) or big (≥ 3 %)
  change, and the share of each kind that went up;
* ``step_median`` / ``step_p90`` — quantiles of the size of the changes that happened;
* ``spikes_per_1000`` — jumps up of ≥ 3 % that came back to within 0.5 % of the price before
  within 2–6 days (a cheap shop sold out, then restocked), per 1,000 day pairs;
* ``up`` / ``flat`` / ``down`` — the 10-day changes classified by ``trends.ml.forecast``'s rule;
* ``drift_median`` — the median change over ``drift_days`` (a year by default), where the
  histories are that long.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass

import numpy as np

from trends.ml.forecast import HORIZON, direction_codes

SMALL, BIG = 0.005, 0.03
SPIKE, SPIKE_BACK = 0.03, 0.005


@dataclass
class PathStatistics:
    """The numbers of ``path_statistics`` (shares are fractions)."""

    products: int
    day_pairs: int
    unchanged: float
    small: float
    medium: float
    big: float
    small_up: float
    medium_up: float
    big_up: float
    step_median: float
    step_p90: float
    spikes_per_1000: float
    windows: int
    up: float
    flat: float
    down: float
    drift_median: float | None

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def _log_prices(prices: Mapping[dt.date, int]) -> np.ndarray:
    days = sorted(d for d, p in prices.items() if p and p > 0)
    if not days:
        return np.zeros(0)
    first = days[0]
    out = np.full((days[-1] - first).days + 1, np.nan)
    for day in days:
        out[(day - first).days] = np.log(prices[day])
    return out


def path_statistics(
    histories: Iterable[Mapping[dt.date, int]],
    *,
    min_days: int = 40,
    drift_days: int = 365,
) -> PathStatistics:
    """Measure price histories (see the module doc); shorter than ``min_days`` are skipped.
    Only pairs of listed days count: a missing day is a gap, not a change."""
    steps, tens, drifts = [], [], []
    pairs = unchanged = spikes = products = 0
    for prices in histories:
        lp = _log_prices(prices)
        if np.isfinite(lp).sum() < min_days:
            continue
        products += 1
        step = lp[1:] - lp[:-1]
        listed = np.isfinite(step)
        pairs += int(listed.sum())
        moved = listed & (np.abs(step) > 1e-9)
        unchanged += int((listed & ~moved).sum())
        steps.append(step[moved])
        for i in np.flatnonzero(listed & (step >= SPIKE)):
            after = lp[i + 2 : i + 7]
            if np.any(np.abs(after - lp[i]) < SPIKE_BACK):
                spikes += 1
        ten = lp[HORIZON:] - lp[:-HORIZON]
        tens.append(ten[np.isfinite(ten)])
        if len(lp) > drift_days:
            drift = lp[drift_days:] - lp[:-drift_days]
            drifts.append(drift[np.isfinite(drift)])
    moves = np.concatenate(steps) if steps else np.zeros(0)
    size = np.abs(moves)
    ten = np.concatenate(tens) if tens else np.zeros(0)
    codes = direction_codes(np.expm1(ten))
    drift = np.concatenate(drifts) if drifts else np.zeros(0)

    def share(mask: np.ndarray) -> float:
        return float(mask.sum() / pairs) if pairs else 0.0

    def up_share(mask: np.ndarray) -> float:
        return float((moves[mask] > 0).mean()) if mask.any() else 0.0

    small, big = size < SMALL, size >= BIG
    medium = ~small & ~big
    return PathStatistics(
        products=products,
        day_pairs=pairs,
        unchanged=unchanged / pairs if pairs else 0.0,
        small=share(small),
        medium=share(medium),
        big=share(big),
        small_up=up_share(small),
        medium_up=up_share(medium),
        big_up=up_share(big),
        step_median=float(np.median(size)) if len(size) else 0.0,
        step_p90=float(np.quantile(size, 0.9)) if len(size) else 0.0,
        spikes_per_1000=1000 * spikes / pairs if pairs else 0.0,
        windows=len(ten),
        up=float((codes == 1).mean()) if len(ten) else 0.0,
        flat=float((codes == 0).mean()) if len(ten) else 0.0,
        down=float((codes == -1).mean()) if len(ten) else 0.0,
        drift_median=float(np.expm1(np.median(drift))) if len(drift) else None,
    )
