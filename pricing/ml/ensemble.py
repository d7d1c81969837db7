"""Training and inference of the fair-price ensemble.

``train_ensemble(records, config)`` splits the priced records by group (near-identical
configurations stay together) into train / validation / calibration (/ test), trains the four
reference networks and the gradient-boosting member on train, early-stops on validation, re-fits
the price-band weights on validation (the gradient-boosting member joins only when it lowers the
validation error), fits split-conformal interval widths on calibration and, when a test split is
asked for, measures everything on it. The result is a :class:`FairPriceEnsemble` that saves to
and loads from one versioned ``weights_only`` torch file.
"""

from __future__ import annotations

import logging
import math
import multiprocessing
import os
import random
import time
import zlib
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from pricing.ml.backbone import DEFAULT_BACKBONE
from pricing.ml.domain import training_domain
from pricing.ml.features import (
    ANCHOR_LEVELS,
    BANDS,
    GROUP_LABELS,
    SpecEncoder,
    SpecRecord,
    blank_columns,
    price_band,
)
from pricing.ml.gbm import AnchoredTrees
from pricing.ml.network import MEMBER_BY_KEY, MEMBERS, build_network

logger = logging.getLogger(__name__)

FORMAT_VERSION = 1
BASE_SCALE = 1_000_000.0  # Base's scale when all training prices are equal (no spread)
MIN_PRICE = 1_000.0
MIN_BAND_ROWS = 20  # fewer validation rows in a band than this: keep the default weights
MIN_CONFORMAL_ROWS = 30
DEFAULT_BAND_WEIGHTS: dict[str, dict[str, float]] = {
    "lt50": {"base": 0.35, "v2": 0.30, "v1": 0.20, "v3": 0.15},
    "50to100": {"base": 0.25, "v1": 0.25, "v2": 0.25, "v3": 0.25},
    "100to200": {"v1": 0.35, "v3": 0.25, "v2": 0.20, "base": 0.20},
    "ge200": {"v1": 0.40, "v3": 0.30, "v2": 0.20, "base": 0.10},
}
MEMBER_LABELS = {m.key: m.label for m in MEMBERS} | {"gbm": "그래디언트 부스팅"}

Progress = Callable[[str, int, int], None]


class TrainingError(ValueError):
    """Training cannot start (too few rows, no prices)."""


@dataclass
class TrainConfig:
    """Knobs of one training run (defaults are the reference's)."""

    backbone: str = DEFAULT_BACKBONE
    use_images: bool = True
    members: tuple[str, ...] = ("base", "v1", "v2", "v3")
    max_epochs: int = 100
    patience: int = 10
    batch_size: int = 32
    lr: float = 1e-4
    weight_decay: float = 0.01
    t_max: int = 50
    huber_delta: float = 1.0
    coverage: float = 0.9
    val_fraction: float = 0.15
    cal_fraction: float = 0.15
    test_fraction: float = 0.0
    gbm_estimators: int = 400
    seed: int = 0
    min_rows: int = 30
    # Processes training the networks side by side, one torch thread each (0 = one per CPU
    # core, at most one per member; 1 = in this process). Same results either way.
    workers: int = 0


@dataclass
class Dataset:
    x: np.ndarray
    image: np.ndarray
    has_image: np.ndarray
    mfr: np.ndarray
    y: np.ndarray
    # Columns the networks do not see (the same-configuration anchors, which only the boosting
    # member uses: fed to the networks they over-trusted them, ensemble 0.194 -> 0.208 MAPE on
    # real graphics cards).
    hidden: tuple[int, ...] = ()

    def take(self, index: np.ndarray) -> Dataset:
        return Dataset(
            self.x[index], self.image[index], self.has_image[index], self.mfr[index], self.y[index],
            self.hidden,
        )  # fmt: skip

    @property
    def network_x(self) -> np.ndarray:
        return blank_columns(self.x, self.hidden)

    def __len__(self) -> int:
        return len(self.y)


@dataclass
class Estimate:
    """One ensemble estimate."""

    fair_price: int
    low: int
    high: int
    band: str
    members: dict[str, int]
    weights: dict[str, float]
    used_image: bool
    explanation: list[dict[str, object]] = field(default_factory=list)


# --------------------------------------------------------------------------- splitting, metrics


def group_split(groups: list[str], fractions: list[float], seed: int) -> list[np.ndarray]:
    """Row indices split by group so that no group straddles two parts."""
    unique = sorted(set(groups))
    rng = random.Random(seed)
    rng.shuffle(unique)
    n = len(groups)
    by_group: dict[str, list[int]] = {}
    for i, g in enumerate(groups):
        by_group.setdefault(g, []).append(i)
    targets = [f * n for f in fractions]
    parts: list[list[int]] = [[] for _ in fractions]
    part = len(fractions) - 1
    # Fill the small parts (last ones) first, the rest goes to the first part (train).
    for g in unique:
        while part > 0 and len(parts[part]) >= targets[part]:
            part -= 1
        parts[part].extend(by_group[g])
    return [np.asarray(sorted(p), dtype=np.int64) for p in parts]


def grouped_folds(groups: list[str], folds: int, seed: int) -> list[np.ndarray]:
    """Test indices of ``folds`` grouped folds, balanced by row count."""
    unique = sorted(set(groups))
    rng = random.Random(seed)
    rng.shuffle(unique)
    by_group: dict[str, list[int]] = {}
    for i, g in enumerate(groups):
        by_group.setdefault(g, []).append(i)
    unique.sort(key=lambda g: -len(by_group[g]))  # big groups first, then greedy balance
    parts: list[list[int]] = [[] for _ in range(folds)]
    for g in unique:
        smallest = min(range(folds), key=lambda k: len(parts[k]))
        parts[smallest].extend(by_group[g])
    return [np.asarray(sorted(p), dtype=np.int64) for p in parts]


def mape(y: np.ndarray, pred: np.ndarray) -> float:
    y = np.asarray(y, dtype=np.float64)
    return float(np.mean(np.abs(pred - y) / y)) if len(y) else float("nan")


def r2(y: np.ndarray, pred: np.ndarray) -> float:
    y = np.asarray(y, dtype=np.float64)
    if len(y) < 2:
        return float("nan")
    ss_res = float(np.sum((y - pred) ** 2))
    ss_tot = float(np.sum((y - y.mean()) ** 2))
    return 1.0 - ss_res / ss_tot if ss_tot > 0 else float("nan")


def band_metrics(y: np.ndarray, pred: np.ndarray) -> dict[str, dict[str, float]]:
    """MAPE/R²/n overall ("all") and per price band of the true price."""
    out = {"all": {"mape": mape(y, pred), "r2": r2(y, pred), "n": len(y)}}
    bands = np.asarray([price_band(v) for v in y])
    for band in BANDS:
        sel = bands == band
        if sel.any():
            out[band] = {"mape": mape(y[sel], pred[sel]), "r2": r2(y[sel], pred[sel]),
                         "n": int(sel.sum())}  # fmt: skip
    return out


# --------------------------------------------------------------------------- the ensemble


class FairPriceEnsemble:
    """Four networks (+ optional gradient boosting), band weights and conformal widths."""

    def __init__(
        self,
        encoder: SpecEncoder,
        networks: dict[str, object],
        member_meta: dict[str, dict[str, float]],
        gbm: AnchoredTrees | None,
        gbm_used: bool,
        band_weights: dict[str, dict[str, float]],
        conformal: dict[str, float],
        config: TrainConfig,
        image_dim: int,
        images_used: int,
        backbone_pretrained: bool,
        metrics: dict[str, object] | None = None,
        domain: dict[str, object] | None = None,
    ) -> None:
        self.encoder = encoder
        self.networks = networks
        self.member_meta = member_meta
        self.gbm = gbm
        self.gbm_used = gbm_used
        self.band_weights = band_weights
        self.conformal = conformal
        self.config = config
        self.image_dim = image_dim
        self.images_used = images_used
        self.backbone_pretrained = backbone_pretrained
        self.metrics = metrics or {}
        # What it was trained on (``pricing.ml.domain.training_domain``); {} for artifacts
        # saved before the domain was recorded.
        self.domain = domain or {}

    @property
    def kinds(self) -> list[str]:
        """The category kinds it was trained on (for old artifacts: the kinds its encoder knows,
        i.e. those with at least two training rows)."""
        return list(self.domain.get("kinds") or self.encoder.kinds)

    # ------------------------------------------------------------------ data

    def dataset(self, records: list[SpecRecord], features: dict[str, np.ndarray] | None) -> Dataset:
        return _dataset(records, self.encoder, features or {}, self.image_dim, self.images_used)

    # ------------------------------------------------------------------ prediction

    def member_predictions(self, data: Dataset) -> dict[str, np.ndarray]:
        """{member: predicted price (KRW)} for every row."""
        import torch

        out: dict[str, np.ndarray] = {}
        tensors = _tensors(data)
        with torch.inference_mode():
            for key, net in self.networks.items():
                net.eval()
                raw = net(*tensors).double().cpu().numpy()
                out[key] = _from_target(raw, self.member_meta[key])
        if self.gbm is not None:
            out["gbm"] = np.exp(self.gbm.predict(data.x))
        return out

    def combine(
        self, preds: dict[str, np.ndarray], bands: list[str] | None = None
    ) -> tuple[np.ndarray, list[str]]:
        """Band-weighted ensemble; the band comes from the first estimate (members' median)
        unless given."""
        nn_keys = [k for k in preds if k != "gbm"]
        if bands is None:
            first = np.median(np.stack([preds[k] for k in nn_keys]), axis=0)
            bands = [price_band(v) for v in first]
        out = np.zeros(len(bands))
        for i, band in enumerate(bands):
            weights = self.band_weights[band]
            total = sum(weights.get(k, 0.0) for k in preds)
            out[i] = sum(w * preds[k][i] for k, w in weights.items() if k in preds) / (total or 1.0)
        return np.maximum(out, MIN_PRICE), bands

    def interval(self, fair: np.ndarray, bands: list[str]) -> tuple[np.ndarray, np.ndarray]:
        q = np.asarray([self.conformal.get(b, self.conformal["all"]) for b in bands])
        return fair * np.exp(-q), fair * np.exp(q)

    def estimate(
        self,
        records: list[SpecRecord],
        features: dict[str, np.ndarray] | None = None,
        explain: bool = False,
    ) -> list[Estimate]:
        """Estimates (optionally with explanations) for records."""
        data = self.dataset(records, features)
        preds = self.member_predictions(data)
        fair, bands = self.combine(preds)
        low, high = self.interval(fair, bands)
        out = []
        for i, band in enumerate(bands):
            weights = {k: w for k, w in self.band_weights[band].items() if k in preds and w > 0}
            out.append(
                Estimate(
                    fair_price=_round_won(fair[i]),
                    low=_round_won(low[i]),
                    high=_round_won(high[i]),
                    band=band,
                    members={k: _round_won(v[i]) for k, v in preds.items()},
                    weights={k: round(w, 4) for k, w in weights.items()},
                    used_image=bool(data.has_image[i]),
                )
            )
        if explain:
            for i, est in enumerate(out):
                est.explanation = self.explain(data.take(np.asarray([i])), fair[i], bands[i])
        return out

    def explain(self, row: Dataset, fair: float, band: str) -> list[dict[str, object]]:
        """Ablation against a reference product: for each spec group, how much the estimate
        drops (or rises) when that group is replaced by the training data's typical value (median
        of numbers, most common category; image: the image branch masked, only with a pretrained
        backbone). Contributions are
        not additive when specs interact; each one is measured on its own."""
        reference = np.asarray(self.encoder.reference, dtype=np.float32)
        variants: list[tuple[str, Dataset]] = []
        for group, (start, stop) in self.encoder.group_slices().items():
            if np.allclose(row.x[0, start:stop], reference[start:stop]):
                continue
            changed = row.take(np.asarray([0]))
            changed.x = changed.x.copy()
            changed.x[0, start:stop] = reference[start:stop]
            if group == "manufacturer":
                changed.mfr = np.zeros_like(changed.mfr)
            variants.append((group, changed))
        # A randomly initialised backbone is what the model card calls uninformative: its share
        # of the estimate is not credited to "the product image" (it is in no other line either;
        # the contributions are measured one at a time, not split up).
        if row.has_image[0] and self.backbone_pretrained:
            masked = row.take(np.asarray([0]))
            masked.has_image = np.zeros_like(masked.has_image)
            variants.append(("image", masked))
        if not variants:
            return []
        batch = Dataset(
            np.concatenate([v.x for _, v in variants]),
            np.concatenate([v.image for _, v in variants]),
            np.concatenate([v.has_image for _, v in variants]),
            np.concatenate([v.mfr for _, v in variants]),
            np.zeros(len(variants)),
            row.hidden,
        )
        ablated, _ = self.combine(self.member_predictions(batch), [band] * len(variants))
        out = []
        for (group, _), value in zip(variants, ablated, strict=True):
            effect = int(round(fair - value, -3))
            if effect:
                out.append({"group": group, "label": GROUP_LABELS[group], "won": effect})
        out.sort(key=lambda e: -abs(e["won"]))
        return out

    # ------------------------------------------------------------------ persistence

    def save(self, path: Path) -> None:
        """Write the artifact to ``path`` atomically (``*.part`` then rename)."""
        import torch

        payload = {
            "format_version": FORMAT_VERSION,
            "config": asdict(self.config),
            "encoder": self.encoder.state(),
            "members": {
                key: {"state": net.state_dict(), "meta": self.member_meta[key]}
                for key, net in self.networks.items()
            },
            "gbm": self.gbm.state() if self.gbm is not None else None,
            "gbm_used": self.gbm_used,
            "band_weights": self.band_weights,
            "conformal": self.conformal,
            "image_dim": self.image_dim,
            "images_used": self.images_used,
            "backbone_pretrained": self.backbone_pretrained,
            "domain": self.domain,
        }
        path.parent.mkdir(parents=True, exist_ok=True)
        part = path.with_name(path.name + ".part")
        torch.save(payload, part)
        os.replace(part, path)

    @classmethod
    def load(cls, path: Path) -> FairPriceEnsemble:
        import torch

        payload = torch.load(path, map_location="cpu", weights_only=True)
        version = payload.get("format_version")
        if version != FORMAT_VERSION:
            raise ValueError(f"{path}: 형식 버전 {version} (이 코드는 {FORMAT_VERSION})")
        config = TrainConfig(
            **{**payload["config"], "members": tuple(payload["config"]["members"])}
        )
        encoder = SpecEncoder.from_state(payload["encoder"])
        networks, meta = {}, {}
        for key, member in payload["members"].items():
            net = build_network(
                encoder.width, payload["image_dim"], encoder.manufacturer_count, MEMBER_BY_KEY[key]
            )
            net.load_state_dict(member["state"])
            net.eval()
            networks[key] = net
            meta[key] = dict(member["meta"])
        gbm = AnchoredTrees.from_state(payload["gbm"]) if payload["gbm"] else None
        return cls(
            encoder=encoder,
            networks=networks,
            member_meta=meta,
            gbm=gbm if payload["gbm_used"] else None,
            gbm_used=payload["gbm_used"],
            band_weights=payload["band_weights"],
            conformal=payload["conformal"],
            config=config,
            image_dim=payload["image_dim"],
            images_used=payload["images_used"],
            backbone_pretrained=payload["backbone_pretrained"],
            domain=payload.get("domain") or {},
        )


def fit_gbm(
    encoder: SpecEncoder, x: np.ndarray, y: np.ndarray, seed: int, n_estimators: int
) -> AnchoredTrees:
    """The boosting member on encoded rows ``x`` and prices ``y`` (anchored when the encoder
    has same-configuration anchors)."""
    cols = encoder.anchor_columns()
    return AnchoredTrees.fit(
        x,
        np.log(y),
        anchor_cols=[cols[level] for level in ANCHOR_LEVELS] if cols else None,
        center=encoder.anchor_center,
        seed=seed,
        n_estimators=n_estimators,
    )


def _round_won(value: float) -> int:
    return int(round(float(value), -3)) if value >= 10_000 else int(round(float(value), -2))


# --------------------------------------------------------------------------- internals


def _dataset(
    records: list[SpecRecord],
    encoder: SpecEncoder,
    features: dict[str, np.ndarray],
    image_dim: int,
    images_used: int,
) -> Dataset:
    n = len(records)
    image = np.zeros((n, image_dim), dtype=np.float32)
    has_image = np.zeros(n, dtype=np.float32)
    if images_used:
        for i, r in enumerate(records):
            vec = features.get(r.image_sha256) if r.image_sha256 else None
            if vec is not None and vec.shape[0] == image_dim:
                image[i] = vec
                has_image[i] = 1.0
    mfr = np.asarray([encoder.manufacturer_index(r) for r in records], dtype=np.int64)
    y = np.asarray([r.price or 0 for r in records], dtype=np.float64)
    anchors = encoder.anchor_columns() or {}
    hidden = tuple(sorted(c for pair in anchors.values() for c in pair))
    return Dataset(encoder.transform(records), image, has_image, mfr, y, hidden)


def _tensors(data: Dataset) -> tuple:
    import torch

    return (
        torch.from_numpy(np.ascontiguousarray(data.network_x, dtype=np.float32)),
        torch.from_numpy(np.ascontiguousarray(data.image, dtype=np.float32)),
        torch.from_numpy(np.ascontiguousarray(data.has_image, dtype=np.float32)),
        torch.from_numpy(np.ascontiguousarray(data.mfr, dtype=np.int64)),
    )


def _to_target(y: np.ndarray, meta: dict[str, float]) -> np.ndarray:
    """Standardised target: (log price - mean) / std for the log members, (price - mean) / std
    for Base, so Huber's delta = 1 means one standard deviation whatever the catalog's prices
    (artifacts from before standardisation carry no "log_scale"/"mean" and load unchanged)."""
    if meta["log_target"]:
        return (np.log(y) - meta["offset"]) / meta.get("log_scale", 1.0)
    return (y - meta.get("mean", 0.0)) / meta["scale"]


def _from_target(raw: np.ndarray, meta: dict[str, float]) -> np.ndarray:
    if meta["log_target"]:
        return np.exp(np.clip(raw * meta.get("log_scale", 1.0) + meta["offset"], 0, 25))
    return np.maximum(raw * meta["scale"] + meta.get("mean", 0.0), MIN_PRICE)


def _train_member(
    key: str,
    train: Dataset,
    val: Dataset,
    encoder: SpecEncoder,
    image_dim: int,
    config: TrainConfig,
    progress: Callable[[int], None] | None,
) -> tuple[object, dict[str, float], dict[str, float]]:
    """Train one network with early stopping on validation loss; returns (net, meta, log)."""
    import torch

    member = MEMBER_BY_KEY[key]
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if device.type == "cpu":
        # Small batches of a small network: one thread beats two (no sync overhead).
        torch.set_num_threads(1)
    # A stable per-member seed (``hash(str)`` changes from process to process).
    torch.manual_seed(config.seed + zlib.crc32(key.encode()) % 1000)
    logs = np.log(train.y)
    meta = {
        "log_target": member.log_target,
        "offset": float(np.mean(logs)),
        "log_scale": float(np.std(logs)) if np.std(logs) > 1e-6 else 1.0,
        "mean": float(np.mean(train.y)),
        "scale": float(np.std(train.y)) if np.std(train.y) > 0 else BASE_SCALE,
    }
    net = build_network(encoder.width, image_dim, encoder.manufacturer_count, member).to(device)
    # The fused AdamW kernel (same update rule) takes ~1/3 of the foreach step time on CPU,
    # which is a third of each training step for this small network.
    optim = torch.optim.AdamW(
        net.parameters(), lr=config.lr, weight_decay=config.weight_decay, fused=True
    )
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(optim, T_max=config.t_max)
    loss_fn = torch.nn.HuberLoss(delta=config.huber_delta)
    xs = [t.to(device) for t in _tensors(train)]
    yt = torch.from_numpy(_to_target(train.y, meta).astype(np.float32)).to(device)
    xv = [t.to(device) for t in _tensors(val)]
    yv = torch.from_numpy(_to_target(val.y, meta).astype(np.float32)).to(device)
    gen = torch.Generator().manual_seed(config.seed)
    best, best_state, best_epoch, stale, epoch = math.inf, None, 0, 0, 0
    for epoch in range(1, config.max_epochs + 1):
        net.train()
        order = torch.randperm(len(yt), generator=gen).to(device)
        # Shuffle once per epoch, then take contiguous slices (views, no per-step gather).
        xe = [t[order] for t in xs]
        ye = yt[order]
        for start in range(0, len(order), config.batch_size):
            stop = start + config.batch_size
            if len(ye[start:stop]) < 2:
                continue
            optim.zero_grad(set_to_none=True)
            loss = loss_fn(net(*(t[start:stop] for t in xe)), ye[start:stop])
            loss.backward()
            optim.step()
        sched.step()
        net.eval()
        with torch.inference_mode():
            val_loss = float(loss_fn(net(*xv), yv))
        if val_loss < best - 1e-6:
            best, best_epoch, stale = val_loss, epoch, 0
            best_state = {k: v.detach().clone() for k, v in net.state_dict().items()}
        else:
            stale += 1
        if progress:
            progress(epoch)
        if stale >= config.patience:
            break
    net.load_state_dict(best_state)
    net.to("cpu").eval()
    return net, meta, {"epochs": epoch, "best_epoch": best_epoch, "val_loss": best}


def _member_worker_init(events: object) -> None:
    global _EVENTS
    _EVENTS = events


_EVENTS: object = None


def _member_job(
    key: str,
    train: Dataset,
    val: Dataset,
    width: int,
    mfr_count: int,
    image_dim: int,
    config: TrainConfig,
) -> tuple[str, dict[str, np.ndarray], dict[str, float], dict[str, float]]:
    """Train one member in a worker process; returns plain arrays (no tensors over the pipe)."""
    encoder = _EncoderShape(width, mfr_count)

    def report(epoch: int) -> None:
        if _EVENTS is not None:
            _EVENTS.put((key, epoch))

    net, meta, log = _train_member(key, train, val, encoder, image_dim, config, report)
    state = {k: v.detach().cpu().numpy() for k, v in net.state_dict().items()}
    return key, state, meta, log


@dataclass
class _EncoderShape:
    """What ``build_network`` needs from an encoder (workers get this, not the encoder)."""

    width: int
    manufacturer_count: int


def _train_members(
    train: Dataset,
    val: Dataset,
    encoder: SpecEncoder,
    image_dim: int,
    config: TrainConfig,
    progress: Progress | None,
) -> tuple[dict[str, object], dict[str, dict[str, float]], dict[str, dict[str, float]]]:
    """Train the configured networks, side by side in worker processes when there are spare
    CPU cores (each worker uses one torch thread), else one after another in this process."""
    import torch

    keys = list(config.members)
    workers = config.workers or min(len(keys), os.cpu_count() or 1)
    if torch.cuda.is_available() or multiprocessing.current_process().daemon:
        workers = 1  # one GPU; or a daemonic (Celery prefork) process that may not fork
    workers = max(1, min(workers, len(keys)))
    total = config.max_epochs * len(keys)
    done = dict.fromkeys(keys, 0)

    def tick(key: str, epoch: int) -> None:
        done[key] = epoch
        if progress:
            progress("train", sum(done.values()), total)

    networks, meta, logs = {}, {}, {}
    if workers == 1:
        for key in keys:
            networks[key], meta[key], logs[key] = _train_member(
                key, train, val, encoder, image_dim, config, lambda e, k=key: tick(k, e)
            )
            tick(key, config.max_epochs)
        return networks, meta, logs
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    # "spawn": a fresh interpreter per worker (forking a process whose torch thread pools are
    # already running can deadlock); the workers import only pricing.ml, not Django.
    ctx = multiprocessing.get_context("spawn")
    events = ctx.SimpleQueue()
    args = (train, val, encoder.width, encoder.manufacturer_count, image_dim, config)
    with ProcessPoolExecutor(workers, mp_context=ctx, initializer=_member_worker_init,
                             initargs=(events,)) as pool:  # fmt: skip
        pending = {pool.submit(_member_job, key, *args) for key in keys}
        while pending:
            finished, pending = wait(pending, timeout=0.5, return_when=FIRST_COMPLETED)
            while not events.empty():
                tick(*events.get())
            for future in finished:
                key, state, meta[key], logs[key] = future.result()
                net = build_network(encoder.width, image_dim, encoder.manufacturer_count,
                                    MEMBER_BY_KEY[key])  # fmt: skip
                net.load_state_dict({k: torch.from_numpy(v) for k, v in state.items()})
                networks[key] = net.eval()
                tick(key, config.max_epochs)
    return {k: networks[k] for k in keys}, meta, logs


def _fit_weights(
    preds: dict[str, np.ndarray],
    y: np.ndarray,
    bands: list[str],
    keys: list[str],
) -> dict[str, dict[str, float]]:
    """Per band, non-negative weights (summing to 1) minimising squared relative error on the
    band's validation rows. A band with too few rows takes the weights fitted on all validation
    rows; with too few rows overall, the reference defaults (re-normalised to ``keys``)."""
    from scipy.optimize import nnls

    def fit(sel: np.ndarray) -> dict[str, float] | None:
        if sel.sum() < MIN_BAND_ROWS:
            return None
        a = np.stack([preds[k][sel] / y[sel] for k in keys], axis=1)
        w, _ = nnls(a, np.ones(int(sel.sum())))
        if w.sum() <= 0:
            return None
        return {k: float(v / w.sum()) for k, v in zip(keys, w, strict=True)}

    band_arr = np.asarray(bands)
    pooled = fit(np.ones(len(y), dtype=bool))
    out: dict[str, dict[str, float]] = {}
    for band in BANDS:
        fitted = fit(band_arr == band) or pooled
        if fitted is not None:
            out[band] = fitted
            continue
        default = {k: DEFAULT_BAND_WEIGHTS[band].get(k, 0.0) for k in keys}
        total = sum(default.values())
        out[band] = (
            {k: v / total for k, v in default.items()}
            if total
            else {k: 1.0 / len(keys) for k in keys}
        )
    return out


def _conformal(y: np.ndarray, pred: np.ndarray, bands: list[str], coverage: float) -> dict:
    """Split-conformal half-widths on the log scale, per predicted band (Mondrian) when the band
    has enough calibration rows, else the pooled width."""

    def quantile(r: np.ndarray) -> float:
        n = len(r)
        level = min(1.0, math.ceil((n + 1) * coverage) / n)
        return float(np.quantile(r, level, method="higher"))

    resid = np.abs(np.log(y / pred))
    out = {"all": quantile(resid) if len(resid) else 0.5}
    band_arr = np.asarray(bands)
    for band in BANDS:
        sel = band_arr == band
        if sel.sum() >= MIN_CONFORMAL_ROWS:
            out[band] = quantile(resid[sel])
    return out


def load_image_features(
    records: list[SpecRecord], config: TrainConfig, progress: Progress | None = None
) -> tuple[dict[str, np.ndarray], int, bool]:
    """(features by image hash, feature dim, backbone pretrained?) for records with images."""
    images = {r.image_sha256: r.image_path for r in records if r.image_sha256 and r.image_path}
    if not config.use_images or not images:
        return {}, 0, False
    from pricing.ml.backbone import backbone_info, image_features

    info = backbone_info(config.backbone)
    feats = image_features(
        images,
        config.backbone,
        progress=(lambda d, t: progress("images", d, t)) if progress else None,
    )
    return feats, info.feature_dim, info.pretrained


def train_ensemble(
    records: list[SpecRecord],
    config: TrainConfig | None = None,
    progress: Progress | None = None,
    features: dict[str, np.ndarray] | None = None,
    image_meta: tuple[int, bool] | None = None,
) -> FairPriceEnsemble:
    """Train every member on priced ``records`` and assemble the ensemble (see module doc).

    ``features``/``image_meta`` may be passed in when the caller already loaded image features
    (cross-validation loads them once for all folds).
    """
    import torch

    config = config or TrainConfig()
    started = time.perf_counter()
    records = [r for r in records if r.price and r.price > 0]
    if len(records) < config.min_rows:
        raise TrainingError(
            f"가격이 있는 상품이 {len(records)}개뿐입니다 (최소 {config.min_rows}개 필요)"
        )
    np.random.seed(config.seed)
    torch.manual_seed(config.seed)
    if features is None:
        features, image_dim, pretrained = load_image_features(records, config, progress)
    else:
        image_dim, pretrained = image_meta or (0, False)
    images_used = sum(1 for r in records if r.image_sha256 in features)
    image_dim = image_dim or 8  # no images at all: a tiny, always-masked image branch
    groups = [r.group_key for r in records]
    fractions = [config.val_fraction, config.cal_fraction, config.test_fraction]
    fractions = [1.0 - sum(fractions), *fractions]
    train_i, val_i, cal_i, test_i = group_split(groups, fractions, config.seed)
    if min(len(train_i), len(val_i), len(cal_i)) == 0:
        raise TrainingError("학습/검증/보정 데이터로 나눌 만큼 서로 다른 구성이 없습니다")
    encoder = SpecEncoder().fit([records[i] for i in train_i])
    full = _dataset(records, encoder, features, image_dim, images_used)
    train, val, cal = full.take(train_i), full.take(val_i), full.take(cal_i)

    networks, meta, logs = _train_members(train, val, encoder, image_dim, config, progress)
    gbm = fit_gbm(encoder, train.x, train.y, config.seed, config.gbm_estimators)
    ensemble = FairPriceEnsemble(
        encoder, networks, meta, gbm, True, {}, {}, config, image_dim, images_used, pretrained
    )
    # Band weights on validation, with and without the boosting member.
    val_preds = ensemble.member_predictions(val)
    nn_keys = list(config.members)
    first = np.median(np.stack([val_preds[k] for k in nn_keys]), axis=0)
    val_bands = [price_band(v) for v in first]
    # Candidate weightings: the networks alone per band; with the boosting member per band;
    # with it, one pooled fit for every band (steadier when bands hold few validation rows);
    # the boosting member alone. Each is judged by its cross-validated MAPE on the validation
    # rows (weights fitted on four fifths, scored on the fifth, by group; never test rows):
    # scored on the rows they were fitted on, the flexible per-band fits always looked best.
    keys = [*nn_keys, "gbm"]
    schemes: dict[str, Callable[[dict[str, np.ndarray], np.ndarray, list[str]], dict]] = {
        "networks": lambda p, y, b: _fit_weights(p, y, b, nn_keys),
        "with_gbm": lambda p, y, b: _fit_weights(p, y, b, keys),
        # No row is in a band called "pooled": every band takes the pooled fit.
        "pooled": lambda p, y, b: _fit_weights(p, y, ["pooled"] * len(y), keys),
        "gbm_only": lambda p, y, b: {band: {k: float(k == "gbm") for k in keys} for band in BANDS},
    }
    candidates = {name: scheme(val_preds, val.y, val_bands) for name, scheme in schemes.items()}
    val_groups = [groups[i] for i in val_i]
    val_errors = {}
    for name, scheme in schemes.items():
        oof = np.zeros(len(val.y))
        for held in grouped_folds(val_groups, min(5, len(set(val_groups))), config.seed):
            rest = np.setdiff1d(np.arange(len(val.y)), held)
            ensemble.band_weights = scheme(
                {k: v[rest] for k, v in val_preds.items()},
                val.y[rest],
                [val_bands[i] for i in rest],
            )
            oof[held] = ensemble.combine(
                {k: v[held] for k, v in val_preds.items()}, [val_bands[i] for i in held]
            )[0]
        val_errors[name] = mape(val.y, oof)
    chosen = min(val_errors, key=lambda name: (val_errors[name], name != "networks"))
    ensemble.band_weights = candidates[chosen]
    ensemble.gbm_used = chosen != "networks"
    err_without, err_with = (
        val_errors["networks"],
        min(v for k, v in val_errors.items() if k != "networks"),
    )
    if not ensemble.gbm_used:
        ensemble.gbm = None
    else:
        # The weights are chosen; the boosting member and its anchors (which the networks never
        # see) now learn from the validation rows too. Calibration rows stay out, so the
        # conformal widths below still come from rows no member has seen.
        fit_i = np.concatenate([train_i, val_i])
        encoder.refit_anchors([records[i] for i in fit_i])
        full = _dataset(records, encoder, features, image_dim, images_used)
        train_val, cal = full.take(fit_i), full.take(cal_i)
        ensemble.gbm = gbm = fit_gbm(
            encoder, train_val.x, train_val.y, config.seed, config.gbm_estimators
        )
    # Conformal widths on calibration rows.
    cal_preds = ensemble.member_predictions(cal)
    cal_fair, cal_bands = ensemble.combine(cal_preds)
    ensemble.conformal = _conformal(cal.y, cal_fair, cal_bands, config.coverage)
    metrics: dict[str, object] = {
        "rows": len(records),
        "train_rows": len(train_i),
        "val_rows": len(val_i),
        "cal_rows": len(cal_i),
        "test_rows": len(test_i),
        "groups": len(set(groups)),
        "images_used": images_used,
        "members": logs,
        "val_mape_without_gbm": err_without,
        "val_mape_with_gbm": err_with,
        "val_mape_candidates": val_errors,
        "weighting": chosen,
        "coverage_target": config.coverage,
    }
    if len(test_i):
        test = full.take(test_i)
        preds = ensemble.member_predictions(test)
        if not ensemble.gbm_used:
            preds["gbm"] = np.exp(gbm.predict(test.x))
        fair, bands = ensemble.combine({k: v for k, v in preds.items() if k != "gbm" or
                                        ensemble.gbm_used})  # fmt: skip
        low, high = ensemble.interval(fair, bands)
        metrics["test"] = {
            "ensemble": band_metrics(test.y, fair),
            "members": {k: band_metrics(test.y, v)["all"] for k, v in preds.items()},
            "coverage": float(np.mean((test.y >= low) & (test.y <= high))),
        }
    metrics["seconds"] = round(time.perf_counter() - started, 1)
    ensemble.metrics = metrics
    ensemble.domain = training_domain(records)
    logger.info("pricing ensemble trained on %s rows in %.1fs", len(records), metrics["seconds"])
    return ensemble
