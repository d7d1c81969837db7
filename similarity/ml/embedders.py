"""Which embedder and segmenter this process uses, loaded once per process.

CLIP ViT-B/32 when ``MODEL_DIR/clip-vit-b32`` holds a usable checkpoint, else the offline
descriptor; rembg's ONNX segmenter when ``MODEL_DIR/rembg/`` holds one. A missing or broken
file means "not available" (said in ``ModelReport.missing``), never an exception for callers.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path

from similarity.ml import clip, descriptor

logger = logging.getLogger(__name__)

REMBG_DIRNAME = "rembg"
# Preferred first. fetch_models downloads the first; any of them is used when present.
REMBG_MODELS = ("u2net.onnx", "isnet-general-use.onnx", "u2netp.onnx")

_lock = threading.Lock()
_cache: dict[str, object] = {}


@dataclass
class ModelReport:
    """What the similarity pages and the API say about the models in use."""

    embedder: str
    embedder_kind: str
    segmenter: str | None
    missing: list[str] = field(default_factory=list)


def rembg_model_path(model_dir: Path) -> Path | None:
    for name in REMBG_MODELS:
        path = model_dir / REMBG_DIRNAME / name
        if path.is_file() and path.stat().st_size > 0:
            return path
    return None


def active_embedder(model_dir: Path) -> object:
    """The process's embedder for ``model_dir``: CLIP if it loads, else the descriptor."""
    key = str(model_dir)
    with _lock:
        if key not in _cache:
            _cache[key] = _load(model_dir)
        return _cache[key]


def _load(model_dir: Path) -> object:
    path = model_dir / clip.DIRNAME
    if clip.checkpoint_present(path):
        try:
            return clip.ClipEmbedder(path)
        except clip.ClipUnavailable as exc:
            logger.warning("%s; using the offline descriptor", exc)
    return descriptor.DescriptorEmbedder()


def reset_cache() -> None:
    from similarity.ml.background import reset_sessions

    with _lock:
        _cache.clear()
    reset_sessions()


def model_report(model_dir: Path) -> ModelReport:
    embedder = active_embedder(model_dir)
    rembg = rembg_model_path(model_dir)
    missing = []
    if embedder.kind != "clip":  # type: ignore[attr-defined]
        missing.append(
            f"CLIP ViT-B/32 가중치가 없어 ({model_dir / clip.DIRNAME}) 오프라인 임베더"
            f"({descriptor.KEY})를 씁니다."
        )
    if rembg is None:
        missing.append(
            f"rembg 배경 제거 모델이 없어 ({model_dir / REMBG_DIRNAME}) 단색 배경만 지웁니다."
        )
    return ModelReport(
        embedder=embedder.key,  # type: ignore[attr-defined]
        embedder_kind=embedder.kind,  # type: ignore[attr-defined]
        segmenter=rembg.name if rembg else None,
        missing=missing,
    )
