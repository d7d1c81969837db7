"""From image bytes to vectors: load, handle the background, embed in batches.

A picture that fails (unreadable, or the embedder raises on it) gets an error of its own and
never stops the others of its batch.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from similarity.ml.background import (
    examine_border,
    key_out_border,
    rembg_session,
    remove_background,
)
from similarity.ml.images import ImageRejected, load_image

logger = logging.getLogger(__name__)

# Embedders see at most this size (CLIP crops 224, the descriptor 192): decoding to full size
# and resizing once keeps segmenting and embedding cheap for phone photos.
WORKING_SIZE = 512


@dataclass
class Prepared:
    image: Image.Image
    background: str  # similarity.models.BackgroundPath values


@dataclass
class Outcome:
    vector: np.ndarray | None
    background: str
    error: str = ""


def prepare(img: Image.Image, segmenter: Path | None) -> Prepared:
    """The picture on white, and which path it took: "white" (uniform white border: no
    segmentation), "rembg", "border" (a mostly one-colour border keyed out, no rembg model) or
    "as_is" (busy background, no rembg model)."""
    if max(img.size) > WORKING_SIZE:
        img = img.copy()
        img.thumbnail((WORKING_SIZE, WORKING_SIZE), Image.Resampling.BILINEAR)
    border = examine_border(img)
    if border.white:
        return Prepared(img, "white")
    if segmenter is not None:
        return Prepared(remove_background(img, rembg_session(segmenter)), "rembg")
    if border.keyable:
        return Prepared(key_out_border(img, border.color), "border")
    return Prepared(img, "as_is")


def embed_contents(
    contents: list[bytes], embedder: object, segmenter: Path | None
) -> list[Outcome]:
    """One Outcome per content, in order."""
    outcomes: list[Outcome | None] = [None] * len(contents)
    ready: list[tuple[int, Prepared]] = []
    for i, content in enumerate(contents):
        try:
            ready.append((i, prepare(load_image(content), segmenter)))
        except ImageRejected as exc:
            outcomes[i] = Outcome(None, "", str(exc))
        except Exception as exc:  # a segmenter failure on one picture
            logger.exception("preparing image %s failed", i)
            outcomes[i] = Outcome(None, "", f"배경 처리 실패: {exc}")
    if ready:
        for (i, prep), vec in zip(
            ready, _embed_isolated(embedder, [p for _, p in ready]), strict=True
        ):
            if isinstance(vec, str):
                outcomes[i] = Outcome(None, prep.background, vec)
            else:
                outcomes[i] = Outcome(vec, prep.background)
    return outcomes  # type: ignore[return-value]


def _embed_isolated(embedder: object, prepared: list[Prepared]) -> list[np.ndarray | str]:
    """Embed the batch; when it raises, embed one by one so that only the culprit fails."""
    try:
        vectors = embedder.embed([p.image for p in prepared])  # type: ignore[attr-defined]
        return _checked(list(vectors))
    except Exception:
        logger.exception("embedding a batch of %d failed: one by one now", len(prepared))
        out: list[np.ndarray | str] = []
        for p in prepared:
            try:
                out += _checked(list(embedder.embed([p.image])))  # type: ignore[attr-defined]
            except Exception as exc:
                out.append(f"임베딩 실패: {type(exc).__name__}: {exc}")
        return out


def _checked(vectors: list[np.ndarray]) -> list[np.ndarray | str]:
    out: list[np.ndarray | str] = []
    for v in vectors:
        if not np.all(np.isfinite(v)) or np.linalg.norm(v) < 1e-6:
            out.append("임베딩 실패: 유한하지 않거나 0인 벡터")
        else:
            out.append(np.asarray(v, dtype=np.float32))
    return out
