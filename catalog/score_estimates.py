"""Estimated benchmark scores for parts the PassMark tables do not know yet.

The shared PassMark tables stop in 2022; new CPUs and graphics cards appear every month
(RTX 40/50, RX 7000/9000, Core i5-13400F, Ryzen 7000/9000...). For such a part the matcher
(``catalog.benchmarks``) rightly finds no row. This module estimates its score from what the
name says and from the parts the table does know:

1. ``parse_part(part, name)`` reads the family, generation, tier and suffix from a canonical
   name (``catalog.specs``' spelling) or a PassMark name:

   * NVIDIA GeForce GT/GTX/RTX: "GeForce RTX 4070 Ti" → 40 시리즈, 70급, Ti;
   * AMD Radeon RX/R9/R7: "Radeon RX 7900 XTX" → RX 7000, 9급, XTX;
   * Intel Arc A/B (parsed, but the 2022 table has no Arc row, so never estimated);
   * Intel Core i3/i5/i7/i9: "Intel Core i5-13400F" → 13세대 i5, SKU 400, F; Core Ultra 2xx is
     read as the generation after 14th;
   * AMD Ryzen 3/5/7/9: "AMD Ryzen 7 7800X3D" → 7000 시리즈 Ryzen 7, SKU 80, X3D.

   Anything else (Xeon, Threadripper, Quadro, integrated graphics...) is not parsed and is never
   estimated.

2. ``ScoreEstimator`` fits, per family, a ridge (regularised least-squares) model of the log
   score on the generation's launch year, the tier and the SKU within it (and their change over
   the years), and penalised offsets for each generation, tier, suffix, generation×tier,
   generation×suffix and model-number group. The offsets are what "known neighbours" give: a
   part whose generation the table knows (a laptop i7-12700H, an RX 6650 XT) lands next to its
   siblings. A generation the table does not know (RTX 40, RX 7000, Core 13th/14th/Ultra 200,
   Ryzen 7000/9000) is the same tier and suffix in the newest known generation of the family,
   times the family's generation-to-generation uplift measured from the table (the median
   ratio of the same tier in consecutive generations) for each generation step: an RTX 4070 is
   the model's RTX 3070 times one step of GeForce uplift. Fitting is a closed-form solve, so
   the result is the same on every run.

3. ``ScoreEstimator.leave_one_out`` measures the error on the parts the table does know: each
   one is hidden in turn (exactly: the ridge residual of a hidden group is
   ``(I - H_gg)^-1 e_g``) and estimated from the rest; ``leave_generation_out`` replays the
   arrival of each of the newest generations from the table as it was before it.

An estimate is never used where a real match exists: the matcher answers first
(``BenchmarkMatcher.score``). Pure Python + numpy (no Django).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

import numpy as np

# --------------------------------------------------------------------------- parsing

# Launch year (fractional) of each family's generation: the axis along which the uplift from
# one generation to the next is measured and extrapolated.
GENERATION_YEARS: dict[str, dict[str, float]] = {
    "geforce": {
        "2": 2008.5, "4": 2010.2, "5": 2010.9, "6": 2012.2, "7": 2013.4, "8": 2014.2,
        "9": 2014.8, "10": 2016.4, "16": 2019.2, "20": 2018.7, "30": 2020.7, "40": 2022.8,
        "50": 2025.1,
    },
    "radeon": {
        "200": 2013.8, "300": 2015.5, "400": 2016.5, "500": 2017.3, "600": 2019.0,
        "5000": 2019.5, "6000": 2020.9, "7000": 2022.9, "9000": 2025.2,
    },
    "arc": {"a": 2022.8, "b": 2024.9},
    "core": {
        "1": 2009.5, "2": 2011.0, "3": 2012.3, "4": 2013.4, "5": 2015.5, "6": 2015.7,
        "7": 2017.0, "8": 2017.8, "9": 2018.8, "10": 2020.3, "11": 2021.2, "12": 2021.9,
        "13": 2022.8, "14": 2023.8, "ultra1": 2023.9, "ultra2": 2024.8,
    },
    "ryzen": {
        "1": 2017.2, "2": 2018.3, "3": 2019.5, "4": 2020.5, "5": 2020.9, "6": 2022.1,
        "7": 2022.7, "8": 2024.0, "9": 2024.6,
    },
}  # fmt: skip

FAMILY_LABELS = {
    "geforce": "지포스",
    "radeon": "라데온",
    "arc": "인텔 Arc",
    "core": "인텔 코어",
    "ryzen": "AMD 라이젠",
}

# Suffixes that name a laptop part (its own, lower, class of score).
_MOBILE_GPU = re.compile(r"\b(?:laptop gpu|laptop|mobile|max q design|max q)\b|\(mobile\)")
_INTEL_MOBILE = re.compile(r"^(?:u|y|m|h|hq|hk|hx|hf|qm|mq|um|xm|lm|g\d|ng\d|p|ue|uc|mx)")
_RYZEN_MOBILE = re.compile(r"^(?:u|h|hs|hx|m)")


@dataclass(frozen=True)
class PartKey:
    """What a part's name says: ``family`` ("geforce", "radeon", "arc", "core", "ryzen"),
    ``generation`` (its key in ``GENERATION_YEARS``), ``tier`` (xx70 → 7; i5 → 5; Ryzen 7 → 7),
    ``level`` (the position inside the range: RTX 4070 → 7.0, RX 6650 → 6.5, i5-13400 → 4.0,
    Ryzen 5600 → 6.0), ``suffix`` ("ti", "xt", "kf", "x3d", "" ...) and ``mobile``."""

    part: str
    family: str
    generation: str
    tier: int
    level: float
    suffix: str
    mobile: bool = False

    @property
    def year(self) -> float:
        return GENERATION_YEARS[self.family][self.generation]

    @property
    def suffix_class(self) -> str:
        if self.mobile:
            return "mobile"
        if self.part == "gpu":
            # XTX and Ti SUPER stand with XT and Ti when the table has none of them yet
            return {"xtx": "xt", "ti super": "ti"}.get(self.suffix, self.suffix or "base")
        s = self.suffix.replace("pro", "").strip()
        if self.family == "core":
            if s in ("k", "kf", "ks"):
                return "k"
            if s.startswith("t"):
                return "t"
            if s in ("x", "xe", "s"):
                return "x" if s != "s" else "s"
            return "base"
        if "x3d" in s:
            return "x3d"
        if s.startswith("x"):
            return "x"
        if s.startswith("g"):
            return "g"
        return "base"

    @property
    def generation_label(self) -> str:
        """The generation in Korean: "40 시리즈", "RX 7000 시리즈", "13세대", "라이젠 7000 시리즈"."""
        return generation_label(self.family, self.generation)

    @property
    def label(self) -> str:
        """Korean description: "지포스 40 시리즈 70급 Ti", "인텔 코어 13세대 i5"."""
        family = FAMILY_LABELS[self.family]
        shown = " ".join(_SUFFIX_SPELLING.get(w, w.upper()) for w in self.suffix.split())
        suffix = f" {shown}" if shown else ""
        mobile = " (노트북용)" if self.mobile else ""
        gen = self.generation_label
        if self.family in ("geforce", "radeon", "arc"):
            tier = f"{self.tier}0급" if self.family == "geforce" else f"{self.tier}급"
            return f"{family} {gen} {tier}{suffix}{mobile}"
        if self.family == "core":
            return f"{family} {gen} i{self.tier}{suffix}{mobile}"
        return f"{family} {gen} {self.tier}{suffix}{mobile}"


_SUFFIX_SPELLING = {"ti": "Ti", "super": "SUPER"}


def generation_label(family: str, generation: str) -> str:
    """A family's generation as the Korean text says it (see ``PartKey.generation_label``)."""
    if family == "geforce":
        return f"{generation} 시리즈"
    if family == "radeon":
        return f"RX {generation} 시리즈"
    if family == "arc":
        return f"{generation.upper()} 시리즈"
    if family == "core":
        if generation.startswith("ultra"):
            return f"울트라 시리즈 {generation[-1]}"
        return f"{generation}세대"
    return f"{generation}000 시리즈"


def _clean(name: str) -> str:
    text = (name or "").lower()
    text = re.sub(r"\((?:r|tm)\)|[®™]", " ", text)
    text = re.sub(r"@.*$", " ", text)
    text = re.sub(r"\b(?:intel|amd|nvidia|cpu|processor|graphics)\b", " ", text)
    text = text.replace("-", " ").replace("_", " ")
    return re.sub(r"\s+", " ", text).strip()


_GEFORCE = re.compile(
    r"^geforce (?:gt|gts|gtx|rtx) ?(?P<num>\d{3,4})(?P<rest>(?: ?(?:ti|super|\d+ ?gb))*)$"
)
_RADEON = re.compile(
    r"^radeon (?P<series>rx|r9|r7) ?(?P<num>\d{3,4})(?P<suf>xtx|xt|x|m|s)?"
    r"(?P<rest>(?: (?:xtx|xt|\d+ ?gb))*)$"
)
_ARC = re.compile(r"^arc (?P<gen>[ab])(?P<num>\d{3})(?P<suf>m)?(?: \d+ ?gb)?$")
_CORE = re.compile(r"^core i(?P<tier>[3579]) ?(?P<num>\d{3,5})(?P<suf>[a-z]{0,3}\d?[a-z]?)$")
_ULTRA = re.compile(r"^core ultra (?P<tier>[3579]) ?(?P<num>[12]\d{2})(?P<suf>[a-z]{0,2})$")
_RYZEN = re.compile(
    r"^ryzen (?P<tier>[3579]) (?P<pro>pro )?(?P<num>\d{4})(?P<suf>[a-z0-9]{0,3})"
    r"(?: with radeon.*)?$"
)


def _parse_gpu(name: str) -> PartKey | None:
    text = _clean(name)
    mobile = bool(_MOBILE_GPU.search(text))
    text = re.sub(r"\s+", " ", _MOBILE_GPU.sub(" ", text)).strip()
    m = _GEFORCE.match(text)
    if m:
        num = m["num"]
        gen, tier_num = (num[:2], int(num[2:])) if len(num) == 4 else (num[0], int(num[1:]))
        words = re.sub(r"\d+ ?gb", " ", m["rest"]).split()
        if gen not in GENERATION_YEARS["geforce"] or tier_num % 10 or tier_num == 0:
            return None
        suffix = " ".join(w for w in ("ti", "super") if w in words)
        return PartKey("gpu", "geforce", gen, tier_num // 10, tier_num / 10, suffix, mobile)
    m = _RADEON.match(text)
    if m:
        num = m["num"]
        if len(num) == 4:
            gen, tier, level = num[0] + "000", int(num[1]), int(num[1:3]) / 10
        else:
            gen, tier, level = num[0] + "00", int(num[1]), int(num[1:]) / 10
        if gen not in GENERATION_YEARS["radeon"] or tier == 0:
            return None
        if m["series"] != "rx" and gen not in ("200", "300"):
            return None
        suffix = (m["suf"] or "") + "".join(m["rest"].split()).replace("gb", "")
        suffix = re.sub(r"\d+", "", suffix)
        if suffix in ("m", "s"):
            mobile, suffix = True, ""
        return PartKey("gpu", "radeon", gen, tier, level, suffix, mobile)
    m = _ARC.match(text)
    if m:
        num = m["num"]
        return PartKey("gpu", "arc", m["gen"], int(num[0]), int(num[:2]) / 10, "", bool(m["suf"]))
    return None


def _parse_cpu(name: str) -> PartKey | None:
    text = _clean(name)
    text = re.sub(r"\b(?:\d+ core|with radeon.*)$", "", text).strip()
    m = _ULTRA.match(text)
    if m:
        num, suffix = m["num"], m["suf"]
        gen = "ultra" + num[0]
        mobile = bool(_INTEL_MOBILE.match(suffix)) or gen == "ultra1"
        return PartKey("cpu", "core", gen, int(m["tier"]), int(num[1:]) / 10, suffix, mobile)
    m = _CORE.match(text)
    if m:
        num, suffix = m["num"], m["suf"]
        if len(num) == 3:
            gen, sku = "1", int(num) / 100
        elif len(num) == 4 and num[0] == "1":  # i7-1165G7: 11th gen, mobile
            gen, sku = num[:2], int(num[2:]) / 10
        elif len(num) == 4:
            gen, sku = num[0], int(num[1:]) / 100
        else:
            gen, sku = num[:2], int(num[2:]) / 100
        if gen not in GENERATION_YEARS["core"]:
            return None
        mobile = bool(_INTEL_MOBILE.match(suffix)) or (len(num) == 4 and num[0] == "1")
        return PartKey("cpu", "core", gen, int(m["tier"]), sku, suffix, mobile)
    m = _RYZEN.match(text)
    if m:
        num, suffix = m["num"], m["suf"]
        gen = num[0]
        if gen not in GENERATION_YEARS["ryzen"]:
            return None
        mobile = bool(_RYZEN_MOBILE.match(suffix))
        suffix = (suffix + (" pro" if m["pro"] else "")).strip()
        return PartKey("cpu", "ryzen", gen, int(m["tier"]), int(num[1:3]) / 10, suffix, mobile)
    return None


def parse_part(part: str, name: str) -> PartKey | None:
    """The family/generation/tier/suffix a CPU or GPU name says, or None when it is not one of
    the families above (see the module doc)."""
    if part == "cpu":
        return _parse_cpu(name)
    if part == "gpu":
        return _parse_gpu(name)
    raise ValueError(f"unknown part {part!r}: expected 'cpu' or 'gpu'")


# --------------------------------------------------------------------------- the model

# Ridge penalties (on standardised columns): the trend terms nearly free, the group offsets
# shrunk towards the trend. Chosen by leave-one-out on the 2022 tables (benchmark_score_estimates).
TREND_PENALTY = 0.01
OFFSET_PENALTY = 1.0
PAIR_PENALTY = 2.0
MIN_FAMILY_ROWS = 8


@dataclass(frozen=True)
class Estimate:
    """An estimated score: ``score``, ``key`` (what the name says), ``how`` (a Korean sentence
    for the tooltip), ``neighbours`` (known parts it stands next to: (name, score)) and
    ``extrapolated`` (the generation has no known part: the score comes from the trend)."""

    score: int
    key: PartKey
    neighbours: tuple[tuple[str, int], ...] = ()
    extrapolated: bool = False
    uplift: float | None = None
    base_generation: str = ""
    steps: float = 0.0

    @property
    def how(self) -> str:
        near = ", ".join(f"{n} {s:,}" for n, s in self.neighbours)
        if self.extrapolated:
            unit = "연" if UPLIFT_PER == "year" else "세대당"
            basis = (
                f"같은 세대의 벤치마크가 없어 "
                f"{generation_label(self.key.family, self.base_generation)}의 같은 등급에 "
                f"표에서 잰 {unit} {100 * (self.uplift or 0):.0f}% 성능 향상을 "
                f"{self.steps:g}{'년' if unit == '연' else '세대'}만큼 곱한 값"
            )
        else:
            basis = "같은 세대·등급의 알려진 부품과 비교한 값"
        text = f"PassMark 표(2022년까지)에 없는 부품이라 이름({self.key.label})으로 추정: {basis}"
        return f"{text}. 가까운 부품: {near}" if near else text


def _features(key: PartKey) -> tuple[list[float], list[str]]:
    """(trend values, group names) of one part."""
    yr = key.year - 2018.0
    trend = [1.0, yr, key.tier, key.level, key.tier * yr / 10, key.level * yr / 10]
    cls = key.suffix_class
    groups = [
        f"gen:{key.generation}",
        f"tier:{key.tier}",
        f"suffix:{key.suffix}|{cls}",
        f"class:{cls}",
        f"gen-tier:{key.generation}|{key.tier}|{key.mobile}",
        f"gen-class:{key.generation}|{cls}",
        f"tier-class:{key.tier}|{cls}",
        f"model:{key.generation}|{key.tier}|{key.level}|{key.mobile}",
    ]
    return trend, groups


_PAIR_GROUPS = ("gen-tier", "gen-class", "tier-class", "model")


class _FamilyModel:
    """The ridge model of one family, with the normal equations kept for exact downdates."""

    def __init__(self, keys: list[PartKey], names: list[str], scores: list[int]) -> None:
        self.keys, self.names = keys, names
        self.y = np.log(np.asarray(scores, dtype=float))
        columns: dict[str, int] = {}
        rows = []
        for key in keys:
            _, groups = _features(key)
            for g in groups:
                columns.setdefault(g, len(columns))
            rows.append(_features(key))
        self.columns = columns
        self.n_trend = len(rows[0][0])
        X = np.zeros((len(keys), self.n_trend + len(columns)))
        for i, (trend, groups) in enumerate(rows):
            X[i, : self.n_trend] = trend
            for g in groups:
                X[i, self.n_trend + columns[g]] = 1.0
        # Standardise the trend columns (not the intercept) so one penalty fits all.
        self.mean = X[:, : self.n_trend].mean(axis=0)
        self.std = X[:, : self.n_trend].std(axis=0)
        self.mean[0], self.std[0] = 0.0, 1.0
        self.std[self.std == 0] = 1.0
        X[:, : self.n_trend] = (X[:, : self.n_trend] - self.mean) / self.std
        self.X = X
        penalty = np.full(X.shape[1], OFFSET_PENALTY)
        penalty[: self.n_trend] = TREND_PENALTY
        penalty[0] = 1e-4
        for g, j in columns.items():
            if g.split(":", 1)[0] in _PAIR_GROUPS:
                penalty[self.n_trend + j] = PAIR_PENALTY
        self.A = X.T @ X + np.diag(penalty)
        self.b = X.T @ self.y
        self.beta = np.linalg.solve(self.A, self.b)

    def vector(self, key: PartKey) -> np.ndarray:
        trend, groups = _features(key)
        x = np.zeros(self.X.shape[1])
        x[: self.n_trend] = (np.asarray(trend) - self.mean) / self.std
        cls = key.suffix_class
        for g in groups:
            j = self.columns.get(g)
            if j is None and g.startswith("suffix:"):
                # a suffix the table has not seen (Ti SUPER, XTX): its class's own (Ti, XT)
                j = self.columns.get(f"suffix:{cls}|{cls}")
            if j is not None:
                x[self.n_trend + j] = 1.0
        return x

    def predict(self, key: PartKey) -> float:
        return float(np.exp(self.vector(key) @ self.beta))

    def loo_predictions(self, groups: list[list[int]]) -> np.ndarray:
        """Each row's prediction from the model fitted without its group (exact for ridge:
        the group's residuals grow by ``(I - H_gg)^-1``)."""
        inv = np.linalg.inv(self.A)
        fitted = self.X @ self.beta
        resid = self.y - fitted
        out = np.empty(len(self.y))
        for g in groups:
            Xg = self.X[g]
            H = Xg @ inv @ Xg.T
            try:
                out[g] = self.y[g] - np.linalg.solve(np.eye(len(g)) - H, resid[g])
            except np.linalg.LinAlgError:  # the rest cannot pin the group down: least squares
                out[g] = self.y[g] - np.linalg.pinv(np.eye(len(g)) - H) @ resid[g]
        return np.exp(out)


# Each family's main line of generations (side lines such as GTX 16, Ryzen 4000/8000 APUs and
# mobile-only series are left out): the generation-to-generation uplift is measured along it.
MAIN_LINE: dict[str, tuple[str, ...]] = {
    "geforce": ("2", "4", "5", "6", "7", "9", "10", "20", "30", "40", "50"),
    "radeon": ("200", "300", "400", "500", "5000", "6000", "7000", "9000"),
    "arc": ("a", "b"),
    "core": ("2", "3", "4", "6", "7", "8", "9", "10", "11", "12", "13", "14", "ultra2"),
    "ryzen": ("1", "2", "3", "5", "7", "9"),
}
UPLIFT_TRANSITIONS = 3  # the newest transitions of the main line that set the uplift
UPLIFT_PER = "step"  # the uplift is measured per "year" or per generation "step"


def _median(values: list[float]) -> float:
    return float(np.median(values)) if values else 0.0


@dataclass
class ScoreEstimator:
    """Estimates scores of unknown parts from ``(name, score)`` rows of one part kind."""

    part: str
    rows: Iterable[tuple[str, int]]
    _models: dict[str, _FamilyModel] = field(default_factory=dict, init=False)
    _known: dict[str, list[tuple[PartKey, str, int]]] = field(default_factory=dict, init=False)
    _uplift: dict[str, float] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        by_family: dict[str, list[tuple[PartKey, str, int]]] = {}
        for name, score in self.rows:
            key = parse_part(self.part, name)
            if key is not None and score and score > 0:
                by_family.setdefault(key.family, []).append((key, name, int(score)))
        self._known = by_family
        for family, items in sorted(by_family.items()):
            if len(items) >= MIN_FAMILY_ROWS:
                keys, names, scores = zip(*items, strict=True)
                self._models[family] = _FamilyModel(list(keys), list(names), list(scores))
                self._uplift[family] = self._measure_uplift(family, items)

    @staticmethod
    def _measure_uplift(family: str, items: list[tuple[PartKey, str, int]]) -> float:
        """Log score gained per generation step along the main line (per year with
        ``UPLIFT_PER = "year"``): for each pair of consecutive known generations, the median log
        ratio of parts with the same tier, level, suffix and form factor; the median of the
        newest ``UPLIFT_TRANSITIONS`` pairs. Per step and 3 pairs gave the smallest error when
        the newest generations were hidden (``leave_generation_out``)."""
        cells: dict[str, dict[tuple, list[float]]] = {}
        for key, _, score in items:
            cell = (key.tier, key.level, key.suffix, key.mobile)
            cells.setdefault(key.generation, {}).setdefault(cell, []).append(math.log(score))
        line = [g for g in MAIN_LINE.get(family, ()) if g in cells]
        years = GENERATION_YEARS[family]
        rates = []
        for old, new in zip(line, line[1:], strict=False):
            shared = set(cells[old]) & set(cells[new])
            if not shared:
                continue
            ratio = _median([_median(cells[new][c]) - _median(cells[old][c]) for c in shared])
            rates.append(ratio / (years[new] - years[old] if UPLIFT_PER == "year" else 1.0))
        return max(0.0, _median(rates[-UPLIFT_TRANSITIONS:]))

    @property
    def families(self) -> dict[str, int]:
        """Family → number of known parts the model was fitted on."""
        return {f: len(m.keys) for f, m in self._models.items()}

    def uplift(self, family: str) -> float | None:
        """The family's measured uplift per generation step (or year, ``UPLIFT_PER``), as a
        fraction: 0.12 = +12 %."""
        rate = self._uplift.get(family)
        return None if rate is None else math.exp(rate) - 1

    def estimate(self, name: str) -> Estimate | None:
        """The estimated score of ``name``, or None when the name is not parsed or its family
        has too few known parts (Intel Arc: none in the 2022 tables)."""
        key = parse_part(self.part, name)
        if key is None:
            return None
        model = self._models.get(key.family)
        if model is None:
            return None
        known_gens = {k.generation for k in model.keys}
        if key.generation in known_gens:
            return self._estimate(key, model.predict(key), extrapolated=False)
        # A generation newer (or older) than any known one: the same tier in the nearest
        # earlier known generation, carried along the family's measured uplift.
        years = GENERATION_YEARS[key.family]
        line = set(MAIN_LINE.get(key.family, ()))
        alike = {k.generation for k in model.keys if k.mobile == key.mobile and k.tier == key.tier}
        earlier = [g for g in known_gens if years[g] <= key.year]
        base_gen = max(earlier or known_gens, key=lambda g: (g in alike, g in line, years[g], g))
        base = model.predict(replace(key, generation=base_gen))
        steps = self._distance(key, base_gen)
        gain = math.exp(self._uplift[key.family] * steps)
        return self._estimate(key, base * gain, extrapolated=True, base_gen=base_gen, steps=steps)

    @staticmethod
    def _distance(key: PartKey, base_gen: str) -> float:
        """Years (or main-line generation steps) from ``base_gen`` to the key's generation."""
        years = GENERATION_YEARS[key.family]
        if UPLIFT_PER == "year":
            return key.year - years[base_gen]
        line = MAIN_LINE.get(key.family, ())
        if key.generation in line and base_gen in line:
            return float(line.index(key.generation) - line.index(base_gen))
        later = [g for g in line if years[base_gen] < years[g] <= key.year]
        return float(max(1, len(later)))

    def _estimate(
        self,
        key: PartKey,
        score: float,
        *,
        extrapolated: bool,
        base_gen: str = "",
        steps: float = 0.0,
    ) -> Estimate:
        known = self._known[key.family]

        def distance(item: tuple[PartKey, str, int]) -> tuple:
            k = item[0]
            return (
                k.mobile != key.mobile,
                abs(k.year - key.year) + abs(k.level - key.level) + (k.tier != key.tier),
                k.suffix != key.suffix,
                item[1],
            )

        near = sorted(known, key=distance)[:3]
        return Estimate(
            score=max(1, round(score)),
            key=key,
            neighbours=tuple((n, s) for _, n, s in near),
            extrapolated=extrapolated,
            uplift=self.uplift(key.family) if extrapolated else None,
            base_generation=base_gen,
            steps=round(steps, 1),
        )

    def leave_one_out(self, *, group_siblings: bool = False) -> list[tuple[str, int, int]]:
        """(name, true score, estimate from all other rows) of every known part. With
        ``group_siblings`` the part's siblings (the same model number with another suffix or
        memory size, e.g. 12400 for 12400F) are hidden with it."""
        out = []
        for model in self._models.values():
            if group_siblings:
                cells: dict[tuple, list[int]] = {}
                for i, k in enumerate(model.keys):
                    cells.setdefault((k.generation, k.tier, k.level, k.mobile), []).append(i)
                groups = list(cells.values())
            else:
                groups = [[i] for i in range(len(model.keys))]
            guesses = model.loo_predictions(groups)
            for i, guess in enumerate(guesses):
                out.append((model.names[i], round(math.exp(model.y[i])), max(1, round(guess))))
        return out

    def leave_generation_out(self, generations: int = 3) -> list[tuple[str, int, int]]:
        """The real case of a new generation, replayed: for each of the family's newest
        ``generations`` main-line generations in the table (RTX 30, 20, 10...), the table as it
        was before that generation came out (every part launched with it or later hidden)
        estimates its parts along the measured uplift. Returns (name, true score, estimate)."""
        out = []
        for family, items in self._known.items():
            if family not in self._models:
                continue
            years = GENERATION_YEARS[family]
            gens = {k.generation for k, _, _ in items}
            line = [g for g in MAIN_LINE.get(family, ()) if g in gens]
            for gen in line[-generations:]:
                if line.index(gen) < 2:
                    continue
                older = [(n, s) for k, n, s in items if years[k.generation] < years[gen]]
                hidden = [(n, s) for k, n, s in items if k.generation == gen]
                est = ScoreEstimator(self.part, older)
                for name, score in hidden:
                    guess = est.estimate(name)
                    if guess is not None:
                        out.append((name, score, guess.score))
        return out


def error_summary(results: list[tuple[str, int, int]]) -> dict[str, float]:
    """MAPE, median APE and n of (name, true, estimate) rows (fractions, not percent)."""
    if not results:
        return {"mape": float("nan"), "mdape": float("nan"), "n": 0, "within_25": float("nan")}
    ape = np.asarray([abs(e - t) / t for _, t, e in results])
    return {
        "mape": float(ape.mean()),
        "mdape": float(np.median(ape)),
        "n": len(results),
        "within_25": float((ape <= 0.25).mean()),
    }
