"""The trained offline embedder: the hand-built descriptor through a projection learned here,
from the catalog's own pictures (no downloaded weights).

Each picture is seen as its original and as photo-like copies (``similarity.ml.augment``: a
non-white backdrop, a small rotation, a crop, colour/brightness/contrast changes, JPEG), each
sent through the background handling a query gets (``similarity.ml.pipeline.prepare``) and
described (``descriptor.describe``: 444 non-zero dimensions). The network maps a descriptor to
512-d: a linear map initialised to the identity (training starts from the descriptor) plus a
small MLP branch whose last layer starts at zero, L2-normalised.

Loss: InfoNCE between an original (what the index holds) or a copy and another copy of the same
picture (in-batch negatives: a query must find its original among the others), plus a
category classifier on the embedding (the catalog knows each picture's category) so that
look-alikes of one kind stay together.

A small CNN over a 64-px colour frame beside the descriptor was tried first: on the shared
2-core machine (load average 10-18 at the time) one step of 64 pairs took 3.8 s against 0.75 s
for the projection alone, minutes per epoch on the real pictures, while the projection alone
passes the quality targets (``benchmark_similarity``), so it was left out. Most of a training
run is making the photo-like copies (about 25 ms per copy); the 30 epochs take seconds.

Saved under ``MODEL_DIR/offline-embedder/``: ``weights-<key>.safetensors`` and ``manifest.json``
(format version, key ``trained-v1-<hash of the weights>``, architecture, categories, image
count, training time, figures), each written to ``*.part`` and renamed, the manifest last, so a
reader sees the previous model or the new one. ``TrainedEmbedder(folder)`` raises
``TrainedUnavailable`` on anything missing or incompatible; ``embedders`` then falls back.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from PIL import Image

from similarity.ml import descriptor

logger = logging.getLogger(__name__)

NAME = "trained"
VERSION = 1
FORMAT_VERSION = 1
DIRNAME = "offline-embedder"
MANIFEST = "manifest.json"
DIM = 512
# The descriptor's non-zero part (gradient grids 252, thumbnail 100, colour 28, mask 64).
DESC_DIM = 444
# Training copies are made from the picture shrunk to this size: the descriptor works on a
# 64-px frame, and a photo-like copy at 330 px costs about 4x as much (most of a training run).
VIEW_SIZE = 165
BATCH_SIZE = 128

Progress = Callable[[int, int], None]


class TrainedUnavailable(RuntimeError):
    """No usable trained embedder (missing, incomplete or incompatible files)."""


@dataclass
class TrainConfig:
    epochs: int = 30
    views: int = 3  # photo-like copies per picture, made once per run
    seed: int = 0
    hidden: int = 512  # width of the MLP branch
    temperature: float = 0.07
    class_weight: float = 2.0
    lr: float = 3e-3
    batch_size: int = BATCH_SIZE
    # One thread: steps are small, and on the shared 2-core machine two threads made the same
    # 3 epochs take 17.0 s against 3.7 s (identical losses).
    threads: int = 1

    def architecture(self, categories: Sequence[str]) -> dict:
        return {"desc_dim": DESC_DIM, "hidden": self.hidden, "categories": list(categories)}


@dataclass
class Sample:
    """One distinct picture (RGB on white, as the index sees it) and its category."""

    image: Image.Image
    category: str


@dataclass
class TrainResult:
    state: dict
    architecture: dict
    images: int
    seconds: float
    losses: list[float] = field(default_factory=list)


@dataclass
class Views:
    """The training inputs: each picture's original and ``views`` photo-like copies."""

    o_desc: np.ndarray  # N×DESC_DIM
    v_desc: np.ndarray  # N×V×DESC_DIM
    labels: np.ndarray  # N category indexes
    categories: list[str]


def inputs(images: Sequence[Image.Image]) -> np.ndarray:
    """The descriptors (N×DESC_DIM float32) of pictures on white."""
    out = np.zeros((len(images), DESC_DIM), dtype=np.float32)
    for i, img in enumerate(images):
        out[i] = descriptor.describe(img)[:DESC_DIM]
    return out


def training_view(
    img: Image.Image, rng: np.random.Generator, segmenter: Path | None
) -> Image.Image:
    """A photo-like copy of ``img`` handled as a query is (backdrop keyed out or segmented)."""
    from similarity.ml.augment import photo_like
    from similarity.ml.images import load_image
    from similarity.ml.pipeline import prepare

    small = img.copy()
    small.thumbnail((VIEW_SIZE, VIEW_SIZE), Image.Resampling.BILINEAR)
    return prepare(load_image(photo_like(small, rng)), segmenter).image


def build_network(arch: dict) -> object:
    import torch
    from torch import nn

    class OfflineNet(nn.Module):
        """The descriptor through a linear map (the identity at first) plus an MLP branch
        (zero at first), L2-normalised; ``classifier`` is used in training only."""

        def __init__(self) -> None:
            super().__init__()
            d, hidden = int(arch["desc_dim"]), int(arch["hidden"])
            self.linear = nn.Linear(d, DIM, bias=False)
            self.mlp = nn.Sequential(nn.Linear(d, hidden), nn.ReLU(), nn.Linear(hidden, DIM))
            with torch.no_grad():
                self.linear.weight.zero_()
                self.linear.weight[:d, :d] = torch.eye(d)
                self.mlp[2].weight.zero_()
                self.mlp[2].bias.zero_()
            self.classifier = nn.Linear(DIM, len(arch["categories"]))

        def forward(self, desc: torch.Tensor) -> torch.Tensor:
            return nn.functional.normalize(self.linear(desc) + self.mlp(desc), dim=1)

    return OfflineNet()


def make_views(
    samples: Sequence[Sample],
    config: TrainConfig,
    *,
    segmenter: Path | None = None,
    progress: Progress | None = None,
    total: int | None = None,
) -> Views:
    """The originals' descriptors and those of ``config.views`` photo-like copies of each
    picture, from a random stream seeded apart from ``benchmark_similarity``'s queries."""
    n, v = len(samples), config.views
    categories = sorted({s.category for s in samples})
    rng = np.random.default_rng([config.seed, 0x7261696E])
    o_desc = inputs([s.image for s in samples])
    v_desc = np.zeros((n, v, DESC_DIM), dtype=np.float32)
    for i, s in enumerate(samples):
        v_desc[i] = inputs([training_view(s.image, rng, segmenter) for _ in range(v)])
        if progress and (i % 16 == 15 or i == n - 1):
            progress(i + 1, total or n)
    labels = np.array([categories.index(s.category) for s in samples])
    return Views(o_desc, v_desc, labels, categories)


def train(
    samples: Sequence[Sample],
    config: TrainConfig | None = None,
    *,
    segmenter: Path | None = None,
    progress: Progress | None = None,
) -> TrainResult:
    """Train the offline embedder on ``samples``. ``progress(done, total)`` is called while the
    photo-like copies are made (one step per picture: most of the run's time) and after each
    epoch (all epochs together count as a fifth of the pictures), so one bar covers the run."""
    config = config or TrainConfig()
    if len(samples) < 2:
        raise ValueError("학습하려면 서로 다른 사진이 2장 이상 필요합니다.")
    started = time.perf_counter()
    n = len(samples)
    fit_steps = max(1, n // 5)
    total = n + fit_steps
    views = make_views(samples, config, segmenter=segmenter, progress=progress, total=total)
    result = fit(
        views,
        config,
        progress=(
            (lambda done, all_: progress(n + fit_steps * done // all_, total)) if progress else None
        ),
    )
    result.seconds = time.perf_counter() - started
    return result


def fit(views: Views, config: TrainConfig, *, progress: Progress | None = None) -> TrainResult:
    """The training loop over prepared ``views``; ``progress(done, epochs × N)``."""
    import torch

    torch.set_num_threads(config.threads)
    started = time.perf_counter()
    arch = config.architecture(views.categories)
    n, v = views.o_desc.shape[0], views.v_desc.shape[1]
    labels = torch.from_numpy(views.labels)
    o_desc, v_desc = torch.from_numpy(views.o_desc), torch.from_numpy(views.v_desc)
    n_classes = len(views.categories)

    torch.manual_seed(config.seed)
    gen = torch.Generator().manual_seed(config.seed)
    net = build_network(arch)
    opt = torch.optim.AdamW(net.parameters(), lr=config.lr, weight_decay=1e-4)
    steps = config.epochs * max(1, (n + config.batch_size - 1) // config.batch_size)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=config.lr, total_steps=steps)
    losses: list[float] = []
    net.train()
    for epoch in range(config.epochs):
        order = torch.randperm(n, generator=gen)
        epoch_loss = 0.0
        for start in range(0, n, config.batch_size):
            idx = order[start : start + config.batch_size]
            b = len(idx)
            if b < 2:
                sched.step()
                continue
            # anchor: the original (what the index holds) or, half the time, another copy
            va = torch.randint(0, v, (b,), generator=gen)
            vb = (va + torch.randint(1, max(v, 2), (b,), generator=gen)) % v
            use_orig = torch.rand(b, generator=gen) < 0.5
            za = net(torch.where(use_orig[:, None], o_desc[idx], v_desc[idx, va]))
            zb = net(v_desc[idx, vb])
            logits = za @ zb.T / config.temperature
            target = torch.arange(b)
            loss = (
                torch.nn.functional.cross_entropy(logits, target)
                + torch.nn.functional.cross_entropy(logits.T, target)
            ) / 2
            if n_classes > 1 and config.class_weight:
                cls = net.classifier(torch.cat([za, zb]) * 10.0)
                loss = loss + config.class_weight * torch.nn.functional.cross_entropy(
                    cls, torch.cat([labels[idx], labels[idx]])
                )
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            epoch_loss += float(loss.detach()) * b
        losses.append(epoch_loss / n)
        logger.info("epoch %d/%d loss %.4f", epoch + 1, config.epochs, losses[-1])
        if progress:
            progress((epoch + 1) * n, config.epochs * n)
    net.eval()
    state = {k: t.detach().cpu().contiguous() for k, t in net.state_dict().items()}
    return TrainResult(state, arch, n, time.perf_counter() - started, losses)


# --- the files ------------------------------------------------------------------------------


def weights_bytes(state: dict) -> bytes:
    from safetensors.torch import save

    return save(state)


def key_for(content: bytes) -> str:
    return f"{NAME}-v{VERSION}-{hashlib.sha256(content).hexdigest()[:10]}"


def save(model_dir: Path, result: TrainResult, *, extra: dict | None = None) -> str:
    """Write the weights and the manifest under ``model_dir/offline-embedder`` (``*.part``
    then renamed, manifest last: readers see the previous model until then); returns the key.
    Weights of earlier versions are removed once the new manifest is in place."""
    folder = model_dir / DIRNAME
    folder.mkdir(parents=True, exist_ok=True)
    content = weights_bytes(result.state)
    key = key_for(content)
    weights = folder / f"weights-{key}.safetensors"
    _write(weights, content)
    manifest = {
        "format_version": FORMAT_VERSION,
        "key": key,
        "weights": weights.name,
        "sha256": hashlib.sha256(content).hexdigest(),
        "architecture": result.architecture,
        "images": result.images,
        "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "train_seconds": round(result.seconds, 1),
        "final_loss": round(result.losses[-1], 4) if result.losses else None,
        **(extra or {}),
    }
    _write(folder / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2).encode())
    for old in folder.glob("weights-*.safetensors"):
        if old.name != weights.name:
            old.unlink(missing_ok=True)
    return key


def _write(path: Path, content: bytes) -> None:
    part = path.with_name(path.name + ".part")
    part.write_bytes(content)
    os.replace(part, path)


def read_manifest(folder: Path) -> dict:
    path = folder / MANIFEST
    if not path.is_file():
        raise TrainedUnavailable(f"학습된 오프라인 임베더가 없습니다: {path}")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise TrainedUnavailable(f"manifest.json을 읽을 수 없습니다: {exc}") from exc
    if not isinstance(manifest, dict) or manifest.get("format_version") != FORMAT_VERSION:
        raise TrainedUnavailable(
            f"manifest.json의 형식이 맞지 않습니다 (format_version "
            f"{manifest.get('format_version') if isinstance(manifest, dict) else '?'}, "
            f"필요 {FORMAT_VERSION})"
        )
    return manifest


def present(folder: Path) -> bool:
    return (folder / MANIFEST).is_file()


def update_manifest(folder: Path, **fields: object) -> None:
    """Add measured figures to the current manifest (benchmark_similarity)."""
    manifest = read_manifest(folder)
    manifest.update(fields)
    _write(folder / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2).encode())


class TrainedEmbedder:
    """The trained offline embedder loaded from ``folder`` (``MODEL_DIR/offline-embedder``);
    ``key`` (``trained-v1-<hash of the weights>``) is stored on every embedding row."""

    name = NAME
    kind = "offline"
    dim = DIM

    def __init__(self, folder: Path) -> None:
        manifest = read_manifest(folder)
        try:
            import torch
            from safetensors.torch import load

            content = (folder / str(manifest["weights"])).read_bytes()
            if hashlib.sha256(content).hexdigest() != manifest["sha256"]:
                raise TrainedUnavailable("가중치 파일의 해시가 manifest와 다릅니다")
            net = build_network(manifest["architecture"])
            net.load_state_dict(load(content))  # strict: a changed network is refused
        except TrainedUnavailable:
            raise
        except Exception as exc:  # a truncated file, a missing tensor, a wrong shape ...
            raise TrainedUnavailable(
                f"학습된 오프라인 임베더를 읽을 수 없습니다: {type(exc).__name__}: {exc}"
            ) from exc
        self.manifest = manifest
        self.key = str(manifest["key"])
        self.model = net.eval()
        self._torch = torch

    def embed(self, images: list[Image.Image]) -> np.ndarray:
        torch = self._torch
        if not images:
            return np.zeros((0, DIM), dtype=np.float32)
        out = []
        for start in range(0, len(images), BATCH_SIZE):
            desc = inputs(images[start : start + BATCH_SIZE])
            with torch.inference_mode():
                z = self.model(torch.from_numpy(desc))
            out.append(z.numpy())
        return np.concatenate(out).astype(np.float32)


def image_from_bytes(content: bytes, segmenter: Path | None = None) -> Image.Image:
    """A catalog picture for training, decoded and put on white as the index does it."""
    from similarity.ml.images import load_image
    from similarity.ml.pipeline import prepare

    return prepare(load_image(content), segmenter).image
