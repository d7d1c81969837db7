"""Image backbone (timm) and the per-image feature cache.

``create_backbone(name)`` builds the timm model with ``pretrained=False`` and loads its weights
from ``MODEL_DIR/backbones/<name>.pth`` (``torch.load(weights_only=True)``) when
``fetch_models`` has put them there; without the file the backbone is randomly initialised and
``BackboneInfo.pretrained`` is False (the model card says so).

Features are computed once per distinct image and cached as ``.npy`` files keyed by the image's
SHA-256 under ``MODEL_DIR/features/<name>-<pretrained|random>/``; brand PCs share chassis photos,
so 3,600 products need only a few hundred backbone passes, once.
"""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

logger = logging.getLogger(__name__)

DEFAULT_BACKBONE = "efficientnet_b2"
IMAGE_SIZE = 224
IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)
# Where fetch_models downloads the weights from (timm's EfficientNet-B2, RandAugment ImageNet).
WEIGHT_URLS = {
    "efficientnet_b2": (
        "https://huggingface.co/timm/efficientnet_b2.ra_in1k/resolve/main/pytorch_model.bin"
    ),
}


@dataclass(frozen=True)
class BackboneInfo:
    name: str
    pretrained: bool
    feature_dim: int

    @property
    def cache_key(self) -> str:
        return f"{self.name}-{'pretrained' if self.pretrained else 'random'}"


# Where weights and the feature cache live: set by the app (``pricing.apps``, from
# ``settings.MODEL_DIR``) through ``configure``, so that this package imports no Django.
_model_dir: Path | None = None


def configure(model_dir: str | Path) -> None:
    """Use ``model_dir`` for backbone weights and cached image features."""
    global _model_dir
    _model_dir = Path(model_dir)


def model_dir() -> Path:
    if _model_dir is None:
        raise RuntimeError("pricing.ml.backbone.configure(model_dir) has not been called")
    return _model_dir


def weights_path(name: str) -> Path:
    return model_dir() / "backbones" / f"{name}.pth"


_cache: dict[str, tuple[object, BackboneInfo]] = {}
_lock = threading.Lock()


def create_backbone(name: str = DEFAULT_BACKBONE) -> tuple[object, BackboneInfo]:
    """(eval-mode timm model returning pooled features, info); cached once per process."""
    with _lock:
        if name in _cache:
            return _cache[name]
        import timm
        import torch

        model = timm.create_model(name, pretrained=False, num_classes=0)
        path = weights_path(name)
        pretrained = False
        if path.is_file():
            state = torch.load(path, map_location="cpu", weights_only=True)
            state = {k: v for k, v in state.items() if not k.startswith("classifier.")}
            missing, unexpected = model.load_state_dict(state, strict=False)
            if missing:
                raise RuntimeError(f"{path}: 가중치에 없는 층이 있습니다: {missing[:5]}")
            pretrained = True
            logger.info("backbone %s: pretrained weights from %s", name, path)
        else:
            logger.warning("backbone %s: no weights at %s, randomly initialised", name, path)
        model.eval()
        info = BackboneInfo(name=name, pretrained=pretrained, feature_dim=int(model.num_features))
        _cache[name] = (model, info)
        return model, info


def backbone_info(name: str = DEFAULT_BACKBONE) -> BackboneInfo:
    return create_backbone(name)[1]


def reset_backbones() -> None:
    """Forget loaded backbones (after fetch_models, or between tests)."""
    with _lock:
        _cache.clear()


def _load_image(path: str) -> np.ndarray:
    from PIL import Image

    with Image.open(path) as img:
        img = img.convert("RGB").resize((IMAGE_SIZE, IMAGE_SIZE), Image.BICUBIC)
        arr = np.asarray(img, dtype=np.float32) / 255.0
    arr = (arr - np.asarray(IMAGENET_MEAN, dtype=np.float32)) / np.asarray(
        IMAGENET_STD, dtype=np.float32
    )
    return arr.transpose(2, 0, 1)


def _cache_file(info: BackboneInfo, sha: str) -> Path:
    return model_dir() / "features" / info.cache_key / sha[:2] / f"{sha}.npy"


def image_features(
    images: dict[str, str],
    name: str = DEFAULT_BACKBONE,
    batch_size: int = 16,
    progress: object = None,
) -> dict[str, np.ndarray]:
    """{sha256: pooled features} for {sha256: image path}; cached per content hash.

    An image that cannot be read is logged and left out (its products are estimated without
    an image). ``progress(done, total)`` is called after each batch of new images.
    """
    import torch

    model, info = create_backbone(name)
    out: dict[str, np.ndarray] = {}
    todo: list[tuple[str, str]] = []
    for sha, path in images.items():
        cached = _cache_file(info, sha)
        if cached.is_file():
            out[sha] = np.load(cached)
        else:
            todo.append((sha, path))
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    model.to(device)
    for start in range(0, len(todo), batch_size):
        batch, shas = [], []
        for sha, path in todo[start : start + batch_size]:
            try:
                batch.append(_load_image(path))
                shas.append(sha)
            except (OSError, ValueError) as exc:
                logger.warning("image %s (%s) unreadable: %s", sha[:12], path, exc)
        if batch:
            with torch.inference_mode():
                feats = model(torch.from_numpy(np.stack(batch)).to(device)).float().cpu().numpy()
            for sha, vec in zip(shas, feats, strict=True):
                target = _cache_file(info, sha)
                target.parent.mkdir(parents=True, exist_ok=True)
                part = target.with_name(target.name + ".part")
                with open(part, "wb") as fh:
                    np.save(fh, vec.astype(np.float32))
                os.replace(part, target)
                out[sha] = vec.astype(np.float32)
        if progress is not None:
            progress(min(start + batch_size, len(todo)), len(todo))
    return out


def fetch_weights(name: str = DEFAULT_BACKBONE, timeout: float = 15.0) -> Path:
    """Download the backbone weights into MODEL_DIR (raises OSError with a clear message)."""
    import urllib.error
    import urllib.request

    url = WEIGHT_URLS.get(name)
    if url is None:
        raise OSError(f"{name}: 내려받을 주소가 등록되지 않은 백본입니다")
    target = weights_path(name)
    target.parent.mkdir(parents=True, exist_ok=True)
    part = target.with_name(target.name + ".part")
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp, open(part, "wb") as fh:  # noqa: S310
            while chunk := resp.read(1 << 20):
                fh.write(chunk)
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        part.unlink(missing_ok=True)
        raise OSError(f"{url} 에서 가중치를 내려받지 못했습니다: {exc}") from exc
    import torch

    try:
        torch.load(part, map_location="cpu", weights_only=True)
    except Exception as exc:
        part.unlink(missing_ok=True)
        raise OSError(f"내려받은 파일이 torch 가중치가 아닙니다: {exc}") from exc
    os.replace(part, target)
    reset_backbones()
    return target
