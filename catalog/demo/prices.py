"""The demo price model: what a desktop costs from its parts, and how that moves day by day.

A price is the sum of its parts (platform, CPU, GPU, RAM, storage, OS licence) times the brand
premium and a per-product noise, rounded the way shops round. Each day the parts move with
their market (a GPU family getting a few percent cheaper, RAM a little dearer), the whole market
follows a shared slow random walk with a couple of events. The shown lowest price follows that
value the way real Danawa lowest prices move (``daily_series``; measured on the shared real
histories with ``trends.price_stats`` and checked by trends/tests/test_demo_price_statistics.py):
flat on most days, small undercutting steps, fewer medium repricings, and sold-out jumps and
short sales that end where they began. Everything is drawn from seeded generators.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from catalog.demo.generator import DesktopSpec

PLATFORM = {"미니PC": 150_000, "슬림": 190_000, "미니타워": 210_000, "미들타워": 260_000}
AIO_SCREEN = 420_000
RAM_PER_GB = 4_500
OS_PRICE = {"Windows 11 Home": 150_000, "Windows 11 Pro": 210_000}
# Apple sells fixed configurations: chip base (8GB or 16GB, 256GB) + upgrades
APPLE_BASE = {
    "apple-macmini-m2": {"M2": (850_000, 8), "M2 Pro": (1_690_000, 16)},
    "apple-macmini-m4": {"M4": (890_000, 16)},
    "apple-imac-m3": {"M3": (1_990_000, 8)},
}
APPLE_RAM_STEP = 270_000  # per 8GB
APPLE_SSD_STEP = 270_000  # per doubling


@dataclass(frozen=True)
class PriceParts:
    """A product's price split by what drives it, in KRW before premium and noise."""

    fixed: float  # platform, screen, HDD, OS: moves with the market only
    cpu: float
    gpu: float
    ram: float
    ssd: float
    cpu_family: str
    gpu_family: str
    multiplier: float  # brand premium × product noise

    def value(self, market: MarketPath, t: int) -> float:
        return (
            self.multiplier
            * market.overall[t]
            * (
                self.fixed
                + self.cpu * market.factor(f"cpu:{self.cpu_family}", t)
                + self.gpu * market.factor(f"gpu:{self.gpu_family}", t)
                + self.ram * market.factor("ram", t)
                + self.ssd * market.factor("ssd", t)
            )
        )


def desktop_parts(spec: DesktopSpec, rng: random.Random) -> PriceParts:
    """Split a desktop's price into its drivers (with the brand premium and a noise factor)."""
    if spec.cpu.vendor == "apple":
        words = spec.cpu.name.split()
        chip_name = " ".join(words[1:3]) if words[2] == "Pro" else words[1]
        base, base_ram = APPLE_BASE[spec.line.key][chip_name]
        ram = max(0, (spec.ram_gb - base_ram) // 8) * APPLE_RAM_STEP
        ssd = max(0, round(math.log2(spec.ssd_gb / 256))) * APPLE_SSD_STEP
        return PriceParts(base, 0, 0, ram, ssd, "apple", "apple", rng.uniform(0.93, 1.0))
    fixed = AIO_SCREEN if spec.line.form == "일체형" else PLATFORM[spec.line.form]
    fixed += spec.gpu.tdp * 350  # a bigger power supply and cooling for a hungry card
    fixed += OS_PRICE.get(spec.os, 0)
    if spec.hdd_gb:
        fixed += 50_000 + spec.hdd_gb * 15
    ssd = 25_000 + spec.ssd_gb * 70
    multiplier = spec.line.premium * 1.08 * math.exp(rng.gauss(0, 0.05))
    return PriceParts(
        fixed=fixed,
        cpu=spec.cpu.price,
        gpu=spec.gpu.price,
        ram=spec.ram_gb * RAM_PER_GB,
        ssd=ssd,
        cpu_family=spec.cpu.family,
        gpu_family=spec.gpu.family,
        multiplier=multiplier,
    )


def round_price(value: float, style: int) -> int:
    """Round like a shop: to 100원, to x,900원, to x9,900원 or to 1,000원."""
    if style == 0:
        return int(round(value, -2))
    if style == 1:
        return int(round(value, -3)) - 100
    if style == 2:
        return int(round(value, -4)) - 100 if value > 200_000 else int(round(value, -3)) - 100
    return int(round(value, -3))


@dataclass
class MarketPath:
    """Day-indexed multipliers shared by all products: the market and each component family."""

    days: int
    overall: list[float]
    factors: dict[str, list[float]]
    events: list[str]

    def factor(self, key: str, t: int) -> float:
        path = self.factors.get(key)
        return path[t] if path else 1.0


def _ramp(days: int, total: float, start: float = 0.0, end: float = 1.0) -> list[float]:
    """1.0 until ``start`` (share of the window), then linear to 1+total at ``end``."""
    out = []
    for t in range(days):
        x = t / max(1, days - 1)
        share = 0.0 if x <= start else min(1.0, (x - start) / max(1e-9, end - start))
        out.append(1.0 + total * share)
    return out


def build_market(days: int, seed: int) -> MarketPath:
    """The shared market story of the demo window (deterministic for a seed)."""
    rng = random.Random(f"market|{seed}")
    levels, level = [], 0.0
    for _ in range(days):
        level = 0.97 * level + rng.gauss(0, 0.0025)  # slow, mean-reverting random walk
        levels.append(level)
    # tied down at both ends: the market wanders but ends the window where it began (the real
    # one drifts about +1 % a year), so the events and component stories are the only trends
    last = levels[-1] if levels else 0.0
    overall = [math.exp(v - last * t / max(1, days - 1)) for t, v in enumerate(levels)]
    events = []
    # an exchange-rate jump about a third of the way in: +2.5%, fading out over three weeks
    jump = int(days * 0.35)
    for t in range(jump, days):
        overall[t] *= 1 + 0.025 * math.exp(-(t - jump) / 21)
    events.append(f"day {jump}: 환율 상승 (+2.5%)")
    # (no market-wide sale: it would move the parts' value, which the shown prices follow
    # for weeks; shops' own short sales are the excursions of daily_series)
    # The component stories are gentle, as on the real market where a year's drift is close to
    # zero: ±2–6 % over the window, so that most 10-day moves stay inside ±2 %.
    factors = {
        # RTX 40 stock cleared as RTX 50 settles; older families drift down too
        "gpu:rtx40": _ramp(days, -0.04, 0.2, 1.0),
        "gpu:rtx30": _ramp(days, -0.03),
        "gpu:rx7000": _ramp(days, -0.03, 0.4, 1.0),
        "gpu:rx6000": _ramp(days, -0.02),
        "gpu:rtx50": _ramp(days, 0.03, 0.5, 1.0),
        "gpu:gtx16": _ramp(days, -0.02),
        "cpu:intel14": _ramp(days, -0.02),
        "cpu:intel13": _ramp(days, -0.03),
        "cpu:ryzen7": _ramp(days, -0.01, 0.3, 1.0),
        # memory and SSD prices climb through the window (a DRAM/NAND upswing)
        "ram": _ramp(days, 0.10, 0.25, 1.0),
        "ssd": _ramp(days, 0.06, 0.4, 1.0),
        # non-PC categories: puffer jackets dearer into winter, shoes slightly cheaper
        "other:padding": _ramp(days, 0.06, 0.3, 0.8),
        "other:shoes": _ramp(days, -0.03),
        "other:sofa": _ramp(days, 0.0),
    }
    events.append("RTX 40 -4%, RAM +10%, SSD +6% over the window")
    return MarketPath(days=days, overall=overall, factors=factors, events=events)


@dataclass(frozen=True)
class Lifecycle:
    """Which days of the window a product is listed on."""

    first: int
    last: int
    missing: frozenset[int]

    def listed(self, t: int) -> bool:
        return self.first <= t <= self.last and t not in self.missing


def lifecycle(
    days: int, rng: random.Random, *, late: float = 0.015, gone: float = 0.01
) -> Lifecycle:
    """Most products are listed every day; a few appear late or disappear; a few days are missing."""
    first, last = 0, days - 1
    if days >= 6 and rng.random() < late:
        first = rng.randint(int(days * 0.4), int(days * 0.85))
    elif days >= 6 and rng.random() < gone:
        last = rng.randint(int(days * 0.5), int(days * 0.9))
    missing = frozenset(t for t in range(first + 1, last) if rng.random() < 0.015)
    return Lifecycle(first, last, missing)


# Per-product price behaviour, measured on the real Danawa histories (../shared/data, CPUs and
# graphics cards 2020-07..2022-12; trends.price_stats measures both): on about 68 % of days the
# lowest price does not move; 20 % of days bring a small step (< 0.5 %, nine in ten down: shops
# undercutting each other by a few hundred won), 6 % a medium one (0.5–3 %, four in ten up) and
# 5 % a big one (≥ 3 %, just over half up: the cheapest shop sells out and the next one's price
# shows until it restocks). Shops differ a lot: some reprice daily, some hardly ever.
QUIET_SHARE = 0.3  # products whose lowest price hardly ever ticks
TICK_RATE = (0.2, 0.85)  # daily chance of a small step, for the others
TICK_MEAN = 0.0008  # mean size of a small step (exponential, at most 0.5 %)
TICK_UP = 0.08
MOVE_RATE = (0.02, 0.09)  # daily chance of a medium repricing step (0.5–3 %)
MOVE_UP = 0.45  # before the pull towards the parts' value
EXCURSION_RATE = (0.01, 0.045)  # daily chance that the cheapest offer sells out / goes on sale
STOCKOUT_SHARE = 0.7  # of excursions: a jump up (sold out); the rest a short sale
EXCURSION_DAYS = 4.0  # mean length (geometric, 1..12 days)
RESTOCK_SHIFT = 0.012  # mean step up when a sold-out offer is back (balances the undercuts)
CATCH_UP = 0.03  # a shop reprices to the parts' value once it is this far off


def _log_uniform(rng: random.Random, low: float, high: float) -> float:
    return math.exp(rng.uniform(math.log(low), math.log(high)))


def daily_series(
    value_at: callable,
    days: int,
    style: int,
    life: Lifecycle,
    rng: random.Random,
) -> list[tuple[int, int]]:
    """(day index, price) for the listed days: the shown lowest price moves in discrete steps
    (see the constants above) around the value of its parts, ``value_at(t)``, which it follows
    only through the steps' pull and a catch-up repricing when it is ``CATCH_UP`` away; on top,
    excursions — sold out (up 3–15 %) or a short sale (down 3–8 %) — that end where they began,
    give or take a repricing."""
    quiet = rng.random() < QUIET_SHARE
    tick_rate = rng.uniform(0.0, 0.04) if quiet else rng.uniform(*TICK_RATE)
    move_rate = rng.uniform(*MOVE_RATE) * (0.5 if quiet else 1.0)
    excursion_rate = rng.uniform(*EXCURSION_RATE)
    level = math.log(value_at(0)) + rng.gauss(0, 0.01)
    excursion, left = 0.0, 0
    out: list[tuple[int, int]] = []
    for t in range(days):
        gap = math.log(value_at(t)) - level  # > 0: the parts became dearer than the price
        r = rng.random()
        if abs(gap) > CATCH_UP and rng.random() < 0.3:
            level += gap * rng.uniform(0.7, 1.0)
        elif r < tick_rate:
            size = min(0.005, rng.expovariate(1 / TICK_MEAN))
            up = rng.random() < min(0.9, TICK_UP + max(0.0, 6 * gap))
            level += size if up else -size
        elif r < tick_rate + move_rate:
            size = _log_uniform(rng, 0.005, 0.03)
            up = rng.random() < min(0.9, max(0.1, MOVE_UP + 12 * gap))
            level += size if up else -size
        if left:
            left -= 1
            if not left:
                # the restocked (or the next cheapest) offer is a little different, and after a
                # sell-out a little dearer: the undercutting steps wear that down again
                level += rng.gauss(RESTOCK_SHIFT if excursion > 0 else 0.0, 0.015)
                excursion = 0.0
        elif rng.random() < excursion_rate:
            if rng.random() < STOCKOUT_SHARE:
                excursion = _log_uniform(rng, 0.03, 0.15)
            else:
                excursion = -_log_uniform(rng, 0.03, 0.08)
            left = min(12, 1 + int(rng.expovariate(1 / (EXCURSION_DAYS - 1))))
        if life.listed(t):
            out.append((t, round_price(math.exp(level + excursion), style)))
    return out
