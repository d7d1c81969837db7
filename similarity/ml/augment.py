"""Photo-like copies of catalog pictures, the queries of ``benchmark_similarity``: a non-white
backdrop, a small rotation, a random crop, a colour and brightness change, JPEG re-encoding."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image, ImageEnhance

from similarity.ml.background import UNIFORM_TOLERANCE


def backdrop_colors(rng: np.random.Generator) -> tuple[int, int, int]:
    """A clearly non-white studio backdrop (grey, beige, pastel or dark)."""
    while True:
        c = rng.integers(40, 215, size=3)
        if c.min() < 200:
            return tuple(int(x) for x in c)


def photo_like(img: Image.Image, rng: np.random.Generator) -> bytes:
    """JPEG bytes of a photo-like copy of ``img`` (RGB on white)."""
    from scipy import ndimage

    arr = np.asarray(img.convert("RGB")).copy()
    # 1. a backdrop: the white around the object (connected to the border) becomes a colour
    #    with a little sensor noise.
    white = (255 - arr.min(axis=2).astype(np.int16)) <= UNIFORM_TOLERANCE
    labels, _ = ndimage.label(white)
    edge = np.unique(np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]]))
    bg = np.isin(labels, edge[edge > 0])
    color = np.array(backdrop_colors(rng), dtype=np.float64)
    noise = rng.normal(0, 3.0, size=arr.shape)
    arr = np.where(bg[..., None], np.clip(color + noise, 0, 255), arr).astype(np.uint8)
    out = Image.fromarray(arr, "RGB")
    # 2. a small rotation (the corners take the backdrop colour)
    angle = float(rng.uniform(-8, 8))
    out = out.rotate(
        angle, resample=Image.Resampling.BILINEAR, fillcolor=tuple(int(c) for c in color)
    )
    # 3. a random crop keeping 80-95% of each side
    w, h = out.size
    fw, fh = rng.uniform(0.80, 0.95, size=2)
    cw, ch = round(w * fw), round(h * fh)
    x0, y0 = int(rng.integers(0, w - cw + 1)), int(rng.integers(0, h - ch + 1))
    out = out.crop((x0, y0, x0 + cw, y0 + ch))
    # 4. colour and brightness
    out = ImageEnhance.Brightness(out).enhance(float(rng.uniform(0.8, 1.2)))
    out = ImageEnhance.Color(out).enhance(float(rng.uniform(0.8, 1.2)))
    out = ImageEnhance.Contrast(out).enhance(float(rng.uniform(0.85, 1.15)))
    # 5. JPEG re-encoding
    buf = io.BytesIO()
    out.save(buf, "JPEG", quality=int(rng.integers(60, 90)))
    return buf.getvalue()
