"""Spec feature records and their encoding for the fair-price models.

A :class:`SpecRecord` is what the models know about one product (or one typed-in configuration):
parsed specs, matched PassMark scores, manufacturer, image hash and price. Records come from the
catalog (``records_from_products``, duck-typed on ``catalog.Product``) or from a product CSV
(``pricing.csv_records``, the adapter beside this package that parses it with the catalog's own
rules). Nothing here imports Django or the catalog.

:class:`SpecEncoder` turns records into a float matrix. It is fitted on training rows only and
serialises to plain lists/strings, so it travels inside a ``weights_only`` torch artifact.
Columns are grouped (CPU, GPU, RAM, ...) so that explanations can ablate one group at a time.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field

import numpy as np

# Feature groups as shown in explanations (key -> Korean label).
GROUP_LABELS: dict[str, str] = {
    "cpu": "CPU 성능",
    "gpu": "GPU 성능",
    "ram": "메모리(RAM)",
    "ssd": "SSD 용량",
    "hdd": "HDD 용량",
    "vram": "그래픽 메모리",
    "manufacturer": "제조사",
    "kind": "제품 종류",
    "form_factor": "폼팩터",
    "os": "운영체제",
    "name": "상품명 키워드",
    "anchor": "같은 구성의 시세",
    "image": "제품 이미지",
}
MIN_CATEGORY_COUNT = 2
MIN_TOKEN_COUNT = 3
MAX_TOKENS = 300
OTHER = "__other__"
_TOKEN_SPLIT = re.compile(r"[\s/()\[\],+]+")
_SIZE_TOKEN = re.compile(r"^\d+(?:\.\d+)?(?:GB|TB|MB|G|T)$", re.I)
# Anchor levels: the going price of the same CPU+GPU(+VRAM) configuration, then of the same
# CPU+GPU at any VRAM. Each training price counts at most this far (in log price) from its key's
# median, so one listing left at a placeholder price cannot drag its key's anchor.
ANCHOR_LEVELS = ("fine", "coarse")
ANCHOR_CLIP = 0.5


@dataclass
class SpecRecord:
    """One product or configuration as the models see it."""

    key: str
    name: str
    kind: str = "desktop"
    category: str = ""  # the catalog category's (Danawa) code, "" outside the catalog
    manufacturer: str = ""
    cpu_model: str = ""
    gpu_model: str = ""
    cpu_score: float | None = None
    gpu_score: float | None = None
    ram_gb: int | None = None
    ssd_gb: int | None = None
    hdd_gb: int | None = None
    vram_gb: int | None = None
    os: str = ""
    form_factor: str = ""
    integrated_gpu: bool = False
    image_sha256: str = ""
    image_path: str = ""
    price: int | None = None
    product_id: int | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def group_key(self) -> str:
        """Near-identical configurations share this key and never straddle train and test:
        same kind, manufacturer, CPU, GPU, RAM, total storage and VRAM (for graphics cards:
        chipset + VRAM + brand, so one card sold by two distributors is one group)."""
        storage = (self.ssd_gb or 0) + (self.hdd_gb or 0)
        parts = (
            self.kind,
            self.manufacturer.lower(),
            self.cpu_model.lower(),
            self.gpu_model.lower(),
            str(self.ram_gb or 0),
            str(storage),
            str(self.vram_gb or 0),
        )
        return "|".join(parts)

    @property
    def cpu_gpu_key(self) -> str:
        """The CPU+GPU(+VRAM) group of the median-price baseline."""
        return f"{self.kind}|{self.cpu_model.lower()}|{self.gpu_model.lower()}|{self.vram_gb or 0}"

    @property
    def has_image(self) -> bool:
        return bool(self.image_sha256)

    def anchor_key(self, level: str) -> str:
        """The configuration whose going price anchors this record's estimate."""
        if level == "fine":
            return self.cpu_gpu_key
        return f"{self.kind}|{self.cpu_model.lower()}|{self.gpu_model.lower()}"


def name_tokens(name: str) -> list[str]:
    """Upper-cased words of a product name (sizes like "16GB" are left to the size features)."""
    out = []
    for token in _TOKEN_SPLIT.split(name or ""):
        token = token.strip("-_.").upper()
        if len(token) < 2 or _SIZE_TOKEN.match(token):
            continue
        out.append(token)
    return out


def _log2(value: float | None) -> float:
    return math.log2(1.0 + float(value)) if value else 0.0


def _log1p(value: float | None) -> float:
    return math.log1p(float(value)) if value else 0.0


def blank_columns(x: np.ndarray, columns: Iterable[int]) -> np.ndarray:
    """A copy of ``x`` with ``columns`` set to zero (``x`` itself when there are none)."""
    columns = list(columns)
    if not columns:
        return x
    out = np.array(x, copy=True)
    out[:, columns] = 0.0
    return out


class SpecEncoder:
    """Records -> float32 matrix with named column groups (fitted on training rows only)."""

    NUMERIC = [
        ("cpu", "cpu_score_log"),
        ("cpu", "cpu_missing"),
        ("gpu", "gpu_score_log"),
        ("gpu", "gpu_missing"),
        ("gpu", "integrated_gpu"),
        ("ram", "ram_log2"),
        ("ssd", "ssd_log2"),
        ("hdd", "hdd_log2"),
        ("vram", "vram_log2"),
    ]

    def __init__(self) -> None:
        self.manufacturers: list[str] = []
        self.kinds: list[str] = []
        self.form_factors: list[str] = []
        self.oses: list[str] = []
        self.tokens: list[str] = []
        self.mean: list[float] = []
        self.std: list[float] = []
        self.reference: list[float] = []
        # Anchors (see ``_anchor``): {level: {key: [sum of clipped log prices, count]}} over the
        # training rows, and the same per (key, group) so a training row's own group can be left
        # out. Encoders saved before anchors existed have none and produce no anchor columns.
        self.use_anchors = False
        self.anchor_center = 0.0
        self.anchors: dict[str, dict[str, list[float]]] = {}
        self.anchor_groups: dict[str, dict[str, list[float]]] = {}
        # Keys of the records the anchor tables were built from (None: encoders saved before,
        # every record treated as one of them).
        self.anchor_keys: set[str] | None = None

    # ------------------------------------------------------------------ fitting

    def fit(self, records: list[SpecRecord], anchors: bool = True) -> SpecEncoder:
        def vocab(values: Iterable[str]) -> list[str]:
            counts = Counter(v for v in values if v)
            return sorted(v for v, n in counts.items() if n >= MIN_CATEGORY_COUNT)

        self.manufacturers = vocab(r.manufacturer for r in records)
        self.kinds = vocab(r.kind for r in records)
        self.form_factors = vocab(r.form_factor for r in records)
        self.oses = vocab(r.os for r in records)
        tokens = Counter(t for r in records for t in set(name_tokens(r.name)))
        common = [t for t, n in tokens.most_common() if n >= MIN_TOKEN_COUNT]
        # A token present in (nearly) every row carries no information.
        self.tokens = sorted(t for t in common if tokens[t] < 0.95 * len(records))[:MAX_TOKENS]
        self._fit_anchors(records if anchors else [])
        raw = self._raw(records)
        numeric = len(self.NUMERIC)
        mean = raw[:, :numeric].mean(axis=0)
        std = raw[:, :numeric].std(axis=0)
        self.mean = [float(v) for v in mean]
        self.std = [float(v) if v > 1e-6 else 1.0 for v in std]
        encoded = self._scale(raw)
        # Reference product for explanations: the median of numeric columns and the most common
        # value of each categorical group, in encoded space.
        ref = np.median(encoded, axis=0)
        for group, (start, stop) in self.group_slices().items():
            if group in {"manufacturer", "kind", "form_factor", "os"} and stop > start:
                block = encoded[:, start:stop]
                values, counts = np.unique(block, axis=0, return_counts=True)
                ref[start:stop] = values[int(np.argmax(counts))]
            elif group in {"name", "anchor"}:
                # No keyword / no same-configuration price: the estimate from specs alone.
                ref[start:stop] = 0.0
        self.reference = [float(v) for v in ref]
        return self

    def refit_anchors(self, records: list[SpecRecord]) -> None:
        """Rebuild the anchor tables from ``records`` (the other columns stay as fitted)."""
        if self.use_anchors:
            self._fit_anchors(records)

    def _fit_anchors(self, records: list[SpecRecord]) -> None:
        priced = [r for r in records if r.price and r.price > 0]
        self.use_anchors = bool(priced)
        self.anchors, self.anchor_groups = {}, {}
        self.anchor_keys = {r.key for r in priced if r.key}
        if not priced:
            return
        logs = np.log([float(r.price) for r in priced])
        self.anchor_center = float(np.median(logs))
        for level in ANCHOR_LEVELS:
            by_key: dict[str, list[float]] = {}
            for r, value in zip(priced, logs, strict=True):
                by_key.setdefault(r.anchor_key(level), []).append(float(value))
            medians = {k: float(np.median(v)) for k, v in by_key.items()}
            table: dict[str, list[float]] = {}
            groups: dict[str, list[float]] = {}
            for r, value in zip(priced, logs, strict=True):
                key = r.anchor_key(level)
                m = medians[key]
                clipped = min(max(float(value), m - ANCHOR_CLIP), m + ANCHOR_CLIP)
                for target, k in ((table, key), (groups, f"{key}\x1f{r.group_key}")):
                    cell = target.setdefault(k, [0.0, 0.0])
                    cell[0] += clipped
                    cell[1] += 1.0
            self.anchors[level] = table
            self.anchor_groups[level] = groups

    def _anchor(self, record: SpecRecord, level: str) -> tuple[float, float]:
        """(mean clipped log price - centre, log2(1 + count)) of the training rows sharing this
        record's anchor key; for a record the tables were built from, its own group left out (a
        training row never sees its own price, as a held-out row would not); a record they were
        not built from (a new listing) sees every training row of its key, the other listings of
        its own configuration included. (0, 0) when no other row shares the key."""
        key = record.anchor_key(level)
        total, count = self.anchors.get(level, {}).get(key, (0.0, 0.0))
        own = self.anchor_groups.get(level, {}).get(f"{key}\x1f{record.group_key}")
        fitted = self.anchor_keys is None or not record.key or record.key in self.anchor_keys
        if own and fitted:
            total, count = total - own[0], count - own[1]
        if count < 0.5:
            return 0.0, 0.0
        return total / count - self.anchor_center, math.log2(1.0 + count)

    def anchor_columns(self) -> dict[str, tuple[int, int]] | None:
        """{level: (value column, count column)} in the encoded matrix, or None without anchors."""
        if not self.use_anchors:
            return None
        names = {name: i for i, (_g, name) in enumerate(self.columns)}
        return {lv: (names[f"anc:{lv}"], names[f"anc:{lv}_n"]) for lv in ANCHOR_LEVELS}

    # ------------------------------------------------------------------ layout

    @property
    def columns(self) -> list[tuple[str, str]]:
        cols = list(self.NUMERIC)
        cols += [("manufacturer", f"mfr:{m}") for m in [*self.manufacturers, OTHER]]
        cols += [("kind", f"kind:{k}") for k in [*self.kinds, OTHER]]
        cols += [("form_factor", f"form:{f}") for f in [*self.form_factors, OTHER]]
        cols += [("os", f"os:{o}") for o in [*self.oses, OTHER]]
        cols += [("name", f"tok:{t}") for t in self.tokens]
        if self.use_anchors:
            for level in ANCHOR_LEVELS:
                cols += [("anchor", f"anc:{level}"), ("anchor", f"anc:{level}_n")]
        return cols

    @property
    def width(self) -> int:
        return len(self.columns)

    def group_slices(self) -> dict[str, tuple[int, int]]:
        slices: dict[str, tuple[int, int]] = {}
        for index, (group, _name) in enumerate(self.columns):
            start, _stop = slices.get(group, (index, index))
            slices[group] = (start, index + 1)
        return slices

    def manufacturer_index(self, record: SpecRecord) -> int:
        """Index for V3's learned manufacturer embedding (0 = unknown/rare)."""
        try:
            return self.manufacturers.index(record.manufacturer) + 1
        except ValueError:
            return 0

    @property
    def manufacturer_count(self) -> int:
        return len(self.manufacturers) + 1

    # ------------------------------------------------------------------ transform

    def _onehot(self, value: str, vocab: list[str]) -> list[float]:
        out = [0.0] * (len(vocab) + 1)
        out[vocab.index(value) if value in vocab else len(vocab)] = 1.0
        return out

    def _raw(self, records: list[SpecRecord]) -> np.ndarray:
        token_index = {t: i for i, t in enumerate(self.tokens)}
        rows = []
        for r in records:
            row = [
                _log1p(r.cpu_score),
                0.0 if r.cpu_score else 1.0,
                _log1p(r.gpu_score),
                0.0 if r.gpu_score else 1.0,
                1.0 if r.integrated_gpu else 0.0,
                _log2(r.ram_gb),
                _log2(r.ssd_gb),
                _log2(r.hdd_gb),
                _log2(r.vram_gb),
            ]
            row += self._onehot(r.manufacturer, self.manufacturers)
            row += self._onehot(r.kind, self.kinds)
            row += self._onehot(r.form_factor, self.form_factors)
            row += self._onehot(r.os, self.oses)
            toks = [0.0] * len(self.tokens)
            for t in name_tokens(r.name):
                if t in token_index:
                    toks[token_index[t]] = 1.0
            row += toks
            if self.use_anchors:
                for level in ANCHOR_LEVELS:
                    row += self._anchor(r, level)
            rows.append(row)
        return np.asarray(rows, dtype=np.float32).reshape(len(records), -1)

    def _scale(self, raw: np.ndarray) -> np.ndarray:
        numeric = len(self.NUMERIC)
        out = raw.copy()
        out[:, :numeric] = (raw[:, :numeric] - np.asarray(self.mean, dtype=np.float32)) / (
            np.asarray(self.std, dtype=np.float32)
        )
        return out.astype(np.float32)

    def transform(self, records: list[SpecRecord]) -> np.ndarray:
        return self._scale(self._raw(records))

    # ------------------------------------------------------------------ (de)serialisation

    LIST_STATE = ("manufacturers", "kinds", "form_factors", "oses", "tokens", "mean", "std",
                  "reference")  # fmt: skip

    def state(self) -> dict[str, object]:
        out: dict[str, object] = {key: getattr(self, key) for key in self.LIST_STATE}
        if self.use_anchors:
            out |= {
                "use_anchors": True,
                "anchor_center": self.anchor_center,
                "anchors": self.anchors,
                "anchor_groups": self.anchor_groups,
                "anchor_keys": sorted(self.anchor_keys or ()),
            }
        return out

    @classmethod
    def from_state(cls, state: dict[str, object]) -> SpecEncoder:
        encoder = cls()
        for key in cls.LIST_STATE:
            setattr(encoder, key, list(state[key]))
        if state.get("use_anchors"):
            encoder.use_anchors = True
            encoder.anchor_center = float(state["anchor_center"])
            encoder.anchors = {lv: {k: list(v) for k, v in t.items()}
                               for lv, t in state["anchors"].items()}  # fmt: skip
            encoder.anchor_groups = {lv: {k: list(v) for k, v in t.items()}
                                     for lv, t in state["anchor_groups"].items()}  # fmt: skip
            keys = state.get("anchor_keys")
            encoder.anchor_keys = {str(k) for k in keys} if keys is not None else None
        return encoder


# --------------------------------------------------------------------------- record sources


def data_fingerprint(records: list[SpecRecord]) -> str:
    """A short hash of what a model was trained on (keys, group keys, prices, image hashes)."""
    digest = hashlib.sha256()
    for r in sorted(records, key=lambda r: r.key):
        digest.update(f"{r.key}|{r.group_key}|{r.price}|{r.image_sha256}\n".encode())
    return digest.hexdigest()[:16]


# Fields of a record that are not inputs of an estimate (where the image file lies, notes).
_NOT_INPUTS = {"image_path", "warnings"}


def record_fingerprint(record: SpecRecord) -> str:
    """A short hash of everything one estimate of ``record`` depends on (its specs, image hash
    and listed price): the same fingerprint under the same model is the same estimate, so it
    need not be computed again."""
    values = {k: v for k, v in sorted(asdict(record).items()) if k not in _NOT_INPUTS}
    return hashlib.sha256(json.dumps(values, ensure_ascii=False).encode()).hexdigest()[:32]


def record_from_product(product: object) -> SpecRecord:
    """A record from a ``catalog.Product`` (with category/manufacturer/benchmarks selected)."""
    p = product
    image_path = ""
    if getattr(p, "image", None):
        try:
            image_path = p.image.path
        except (ValueError, NotImplementedError):
            image_path = ""
    return SpecRecord(
        key=str(p.pk),
        name=p.name,
        kind=p.category.kind if p.category_id else "other",
        category=p.category.code if p.category_id else "",
        manufacturer=p.manufacturer.name if p.manufacturer_id else "",
        cpu_model=p.cpu_model,
        gpu_model=p.gpu_model,
        cpu_score=float(p.cpu_benchmark.score) if p.cpu_benchmark_id else None,
        gpu_score=float(p.gpu_benchmark.score) if p.gpu_benchmark_id else None,
        ram_gb=p.ram_gb,
        ssd_gb=p.ssd_gb,
        hdd_gb=p.hdd_gb,
        vram_gb=p.vram_gb,
        os=p.os,
        form_factor=p.form_factor,
        integrated_gpu=p.gpu_integrated,
        image_sha256=p.image_sha256 if image_path else "",
        image_path=image_path,
        price=p.current_price,
        product_id=p.pk,
    )


def records_from_products(queryset: Iterable[object]) -> list[SpecRecord]:
    return [record_from_product(p) for p in queryset]


def weight_band(price: float) -> str:
    """The weight band of a price (KRW): the reference's four price ranges, each with its own
    member weights and interval width. (Not the trends app's market "price bands".)"""
    if price < 500_000:
        return "lt50"
    if price < 1_000_000:
        return "50to100"
    if price < 2_000_000:
        return "100to200"
    return "ge200"


WEIGHT_BANDS = ["lt50", "50to100", "100to200", "ge200"]
WEIGHT_BAND_LABELS = {
    "lt50": "50만원 미만",
    "50to100": "50~100만원",
    "100to200": "100~200만원",
    "ge200": "200만원 이상",
}
