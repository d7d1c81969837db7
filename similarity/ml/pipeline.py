"""From image bytes to vectors: load, handle the background, embed in batches.

A picture that fails (unreadable, or the embedder raises on it) gets an error of its own and
never stops the others of its batch.

Speed: decoding, resizing and the background check run in a small thread pool (Pillow and
NumPy release the GIL for their heavy loops), and ``embed_batches`` prepares the next batch
there while the model embeds the current one, so the model is rarely left waiting. For an
embedder with ``pixels()`` (CLIP) the pool also produces its input array. Results are the same
as preparing one picture after another (``parallel=False``).
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
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
# A large JPEG is decoded at a reduced DCT scale that keeps both sides ≥ this (CLIP's 224 crop
# and rembg's 320 input come from it); a 330 px catalog picture decodes at full size.
DECODE_MIN_SIDE = 320
# Threads that prepare pictures beside the model (the model itself uses torch's threads).
PREPARE_WORKERS = 2


@dataclass
class Prepared:
    image: Image.Image
    background: str  # similarity.models.BackgroundPath values
    pixels: np.ndarray | None = None  # the embedder's input, when it has pixels()


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


def prepare_content(content: bytes, embedder: object, segmenter: Path | None) -> Prepared | str:
    """One picture from its bytes to the embedder's input, or the reason it cannot be."""
    try:
        prepared = prepare(load_image(content, min_side=DECODE_MIN_SIDE), segmenter)
        to_pixels = getattr(embedder, "pixels", None)
        if to_pixels is not None:
            prepared.pixels = to_pixels(prepared.image)
        return prepared
    except ImageRejected as exc:
        return str(exc)
    except Exception as exc:  # a segmenter failure on one picture
        logger.exception("preparing an image failed")
        return f"배경 처리 실패: {exc}"


def embed_contents(
    contents: list[bytes], embedder: object, segmenter: Path | None, *, parallel: bool = True
) -> list[Outcome]:
    """One Outcome per content, in order."""
    return next(embed_batches([contents], embedder, segmenter, parallel=parallel))


def embed_batches(
    batches: Iterable[list[bytes]],
    embedder: object,
    segmenter: Path | None,
    *,
    parallel: bool = True,
) -> Iterator[list[Outcome]]:
    """One list of Outcomes per batch of contents, in order. With ``parallel`` the pictures are
    prepared in the thread pool, the next batch while the model embeds this one."""
    submit = _submit if parallel else _run_now
    ahead: list[Future] | None = None
    for batch in batches:
        current, ahead = ahead, submit(list(batch), embedder, segmenter)
        if current is not None:
            yield _finish(current, embedder)
    if ahead is not None:
        yield _finish(ahead, embedder)


_pool_lock = threading.Lock()
_pool: tuple[int, ThreadPoolExecutor] | None = None


def _executor() -> ThreadPoolExecutor:
    """The process's preparing pool (a new one after a fork: threads do not survive it)."""
    global _pool
    with _pool_lock:
        if _pool is None or _pool[0] != os.getpid():
            _pool = (
                os.getpid(),
                ThreadPoolExecutor(PREPARE_WORKERS, thread_name_prefix="similarity-prepare"),
            )
        return _pool[1]


def _submit(contents: list[bytes], embedder: object, segmenter: Path | None) -> list[Future]:
    pool = _executor()
    return [pool.submit(prepare_content, c, embedder, segmenter) for c in contents]


def _run_now(contents: list[bytes], embedder: object, segmenter: Path | None) -> list[Future]:
    out = []
    for content in contents:
        done: Future = Future()
        done.set_result(prepare_content(content, embedder, segmenter))
        out.append(done)
    return out


def _finish(futures: list[Future], embedder: object) -> list[Outcome]:
    prepared = [f.result() for f in futures]
    outcomes: list[Outcome | None] = [
        Outcome(None, "", p) if isinstance(p, str) else None for p in prepared
    ]
    ready = [(i, p) for i, p in enumerate(prepared) if not isinstance(p, str)]
    if ready:
        vectors = _embed_isolated(embedder, [p for _, p in ready])
        for (i, prep), vec in zip(ready, vectors, strict=True):
            if isinstance(vec, str):
                outcomes[i] = Outcome(None, prep.background, vec)
            else:
                outcomes[i] = Outcome(vec, prep.background)
    return outcomes  # type: ignore[return-value]


def _embed(embedder: object, prepared: list[Prepared]) -> np.ndarray:
    if all(p.pixels is not None for p in prepared):
        return embedder.embed_pixels(np.stack([p.pixels for p in prepared]))  # type: ignore[attr-defined]
    return embedder.embed([p.image for p in prepared])  # type: ignore[attr-defined]


def _embed_isolated(embedder: object, prepared: list[Prepared]) -> list[np.ndarray | str]:
    """Embed the batch; when it raises, embed one by one so that only the culprit fails."""
    try:
        return _checked(list(_embed(embedder, prepared)))
    except Exception:
        logger.exception("embedding a batch of %d failed: one by one now", len(prepared))
        out: list[np.ndarray | str] = []
        for p in prepared:
            try:
                out += _checked(list(_embed(embedder, [p])))
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
