"""Which embedder and segmenter this process uses, loaded once per process.

CLIP ViT-B/32 when ``MODEL_DIR/clip-vit-b32`` holds a usable checkpoint, else the trained
offline embedder when ``MODEL_DIR/offline-embedder`` holds one that loads (``trained``), else the
hand-built descriptor; rembg's ONNX segmenter when ``MODEL_DIR/rembg/`` holds one. A missing or
broken file means "not available" (said in ``ModelReport.missing`` and ``reason``), never an
exception for callers. The choice is cached per process and made again when those files change
(a training on the ml worker writes a new manifest: the web processes switch too).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path

from similarity.ml import clip, descriptor, trained

logger = logging.getLogger(__name__)

REMBG_DIRNAME = "rembg"
# Preferred first. fetch_models downloads the first; any of them is used when present.
REMBG_MODELS = ("u2net.onnx", "isnet-general-use.onnx", "u2netp.onnx")

_lock = threading.Lock()
_cache: dict[str, tuple[tuple, object, str]] = {}


@dataclass
class ModelReport:
    """What the similarity pages and the API say about the models in use."""

    embedder: str
    embedder_kind: str
    segmenter: str | None
    missing: list[str] = field(default_factory=list)
    reason: str = ""  # why this embedder is the one in use


def rembg_model_path(model_dir: Path) -> Path | None:
    for name in REMBG_MODELS:
        path = model_dir / REMBG_DIRNAME / name
        if path.is_file() and path.stat().st_size > 0:
            return path
    return None


def active_embedder(model_dir: Path) -> object:
    """The process's embedder for ``model_dir``: CLIP if it loads, else the trained offline
    embedder if it loads, else the descriptor."""
    return _entry(model_dir)[1]


def _signature(model_dir: Path) -> tuple:
    """What the choice depends on: the files' sizes and times (a few stats per call)."""
    out = []
    for path in (
        model_dir / clip.DIRNAME / "config.json",
        model_dir / trained.DIRNAME / trained.MANIFEST,
    ):
        try:
            st = path.stat()
            out.append((st.st_mtime_ns, st.st_size))
        except OSError:
            out.append(None)
    return tuple(out)


def _entry(model_dir: Path) -> tuple[tuple, object, str]:
    key, sig = str(model_dir), _signature(model_dir)
    with _lock:
        if key not in _cache or _cache[key][0] != sig:
            _cache[key] = (sig, *_load(model_dir))
        return _cache[key]


def _load(model_dir: Path) -> tuple[object, str]:
    """(embedder, why it is the one)."""
    notes = []
    path = model_dir / clip.DIRNAME
    if clip.checkpoint_present(path):
        try:
            return clip.ClipEmbedder(path), "CLIP ViT-B/32 가중치를 읽었습니다."
        except clip.ClipUnavailable as exc:
            logger.warning("%s; using an offline embedder", exc)
            notes.append(str(exc))
    else:
        notes.append(f"CLIP ViT-B/32 가중치가 없습니다 ({path}).")
    folder = model_dir / trained.DIRNAME
    if trained.present(folder):
        try:
            embedder = trained.TrainedEmbedder(folder)
            notes.append(
                f"카탈로그 사진 {embedder.manifest.get('images', '?')}장으로 학습한 오프라인 "
                f"임베더({embedder.key})를 씁니다."
            )
            return embedder, " ".join(notes)
        except trained.TrainedUnavailable as exc:
            logger.warning("%s; using the descriptor", exc)
            notes.append(f"{exc} ({folder})")
    else:
        notes.append(f"학습된 오프라인 임베더가 없습니다 ({folder}).")
    notes.append(f"손으로 만든 기술자({descriptor.KEY})를 씁니다.")
    return descriptor.DescriptorEmbedder(), " ".join(notes)


def reset_cache() -> None:
    from similarity.ml.background import reset_sessions

    with _lock:
        _cache.clear()
    reset_sessions()


def model_report(model_dir: Path) -> ModelReport:
    _, embedder, reason = _entry(model_dir)
    rembg = rembg_model_path(model_dir)
    missing = []
    if embedder.kind != "clip":  # type: ignore[attr-defined]
        missing.append(
            f"CLIP ViT-B/32 가중치가 없어 ({model_dir / clip.DIRNAME}) 오프라인 임베더"
            f"({embedder.key})를 씁니다."  # type: ignore[attr-defined]
        )
    if embedder.key == descriptor.KEY and trained.present(  # type: ignore[attr-defined]
        model_dir / trained.DIRNAME
    ):
        missing.append(f"학습된 오프라인 임베더를 쓸 수 없습니다: {reason}")
    if rembg is None:
        missing.append(
            f"rembg 배경 제거 모델이 없어 ({model_dir / REMBG_DIRNAME}) 단색 배경만 지웁니다."
        )
    return ModelReport(
        embedder=embedder.key,  # type: ignore[attr-defined]
        embedder_kind=embedder.kind,  # type: ignore[attr-defined]
        segmenter=rembg.name if rembg else None,
        missing=[public_text(line, model_dir) for line in missing],
        reason=public_text(reason, model_dir),
    )


def public_text(text: str, model_dir: Path) -> str:
    """``text`` with the server's model folder written as ``MODEL_DIR`` (the setting's name, which
    the README documents): these lines are shown on public pages and in the API, which must not
    tell a visitor where the server keeps its files."""
    return text.replace(str(model_dir), "MODEL_DIR")
