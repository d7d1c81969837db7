"""The offline embedder: a hand-built 512-d descriptor that needs no downloaded weights.

The picture (already on white) is cropped to its object's bounding box and padded square, so a
crop, a shift or a zoom of the same shot lands on nearly the same 64×64 frame. Then:

- gradient orientation maps (12 soft bins over 0..π, magnitude-weighted, blurred so that a
  small rotation or shift moves weight to a neighbour rather than out) pooled on a 4×4, 2×2
  and 1×1 grid: shape and outline, blind to brightness;
- a 10×10 grey thumbnail, mean-centred and normalised: the layout of light and dark, blind to
  brightness and contrast;
- a hue × saturation histogram of the object's pixels (grey levels apart): its colour;
- an 8×8 occupancy map of the object: its silhouette.

Each block is square-rooted (Hellinger), L2-normalised and weighted, and the whole vector is
L2-normalised, so cosine similarity ranks like the CLIP embedding does. ``benchmark_similarity``
measures it on the real catalog images against a colour-histogram baseline.
"""

from __future__ import annotations

import numpy as np
from PIL import Image

NAME = "descriptor"
VERSION = 1
KEY = f"{NAME}-v{VERSION}"
DIM = 512
FRAME = 64
ORIENTATIONS = 12
# Block weights, chosen on 600 real catalog pictures (150 per category) with photo-like
# queries (``similarity.ml.augment``): the fine gradient grids carry most of it.
BLOCK_WEIGHTS = {"hog4": 2.0, "hog2": 2.0, "hog1": 1.0, "thumb": 0.4, "color": 0.45, "mask": 0.2}
# A pixel belongs to the object when its darkest channel is this far below white.
FOREGROUND_DEPTH = 18


def frame(img: Image.Image) -> tuple[np.ndarray, np.ndarray]:
    """(RGB uint8 FRAME×FRAME×3, foreground bool FRAME×FRAME) of the object's square crop."""
    small = img.copy()
    small.thumbnail((192, 192), Image.Resampling.BILINEAR)
    arr = np.asarray(small)
    fg = (255 - arr.min(axis=2).astype(np.int16)) > FOREGROUND_DEPTH
    rows, cols = np.flatnonzero(fg.any(axis=1)), np.flatnonzero(fg.any(axis=0))
    if len(rows) >= 2 and len(cols) >= 2:
        # trim 1% of the object's pixels each side: stray specks do not widen the box
        ys, xs = np.nonzero(fg)
        y0, y1 = np.quantile(ys, [0.01, 0.99]).astype(int)
        x0, x1 = np.quantile(xs, [0.01, 0.99]).astype(int)
        crop = small.crop((x0, y0, x1 + 1, y1 + 1))
    else:
        crop = small
    side = max(crop.size)
    pad = round(side * 0.04)
    square = Image.new("RGB", (side + 2 * pad, side + 2 * pad), (255, 255, 255))
    square.paste(crop, ((square.width - crop.width) // 2, (square.height - crop.height) // 2))
    out = np.asarray(square.resize((FRAME, FRAME), Image.Resampling.BILINEAR))
    mask = (255 - out.min(axis=2).astype(np.int16)) > FOREGROUND_DEPTH
    return out, mask


def _pool(maps: np.ndarray, grid: int) -> np.ndarray:
    c, h, w = maps.shape
    return maps.reshape(c, grid, h // grid, grid, w // grid).mean(axis=(2, 4)).reshape(-1)


def _norm(v: np.ndarray) -> np.ndarray:
    n = np.linalg.norm(v)
    return v / n if n > 1e-12 else v


def _hog(gray: np.ndarray) -> np.ndarray:
    from scipy.ndimage import gaussian_filter

    gy, gx = np.gradient(gaussian_filter(gray, 0.8))
    mag = np.hypot(gx, gy)
    ang = np.mod(np.arctan2(gy, gx), np.pi) / np.pi * ORIENTATIONS
    lo = np.floor(ang).astype(int) % ORIENTATIONS
    hi = (lo + 1) % ORIENTATIONS
    frac = ang - np.floor(ang)
    maps = np.zeros((ORIENTATIONS, *gray.shape))
    rows, cols = np.indices(gray.shape)
    np.add.at(maps, (lo, rows, cols), mag * (1 - frac))
    np.add.at(maps, (hi, rows, cols), mag * frac)
    maps = gaussian_filter(maps, (0, 3.0, 3.0))
    levels = [_norm(np.sqrt(_pool(maps, g))) for g in (4, 2, 1)]
    return np.concatenate(
        [BLOCK_WEIGHTS[f"hog{g}"] / np.sqrt(3) * v for g, v in zip((4, 2, 1), levels, strict=True)]
    )


def _thumb(gray: np.ndarray) -> np.ndarray:
    t = gray[2:62, 2:62].reshape(10, 6, 10, 6).mean(axis=(1, 3)).reshape(-1)
    return _norm(t - t.mean())


def _color(rgb: np.ndarray, mask: np.ndarray) -> np.ndarray:
    px = rgb[mask] if mask.sum() >= 16 else rgb.reshape(-1, 3)
    px = px.astype(np.float64) / 255.0
    mx, mn = px.max(axis=1), px.min(axis=1)
    sat = np.where(mx > 0, (mx - mn) / np.maximum(mx, 1e-9), 0)
    d = np.maximum(mx - mn, 1e-9)
    r, g, b = px.T
    hue = (
        np.where(mx == r, ((g - b) / d) % 6, np.where(mx == g, (b - r) / d + 2, (r - g) / d + 4))
        / 6.0
    )
    colored = sat > 0.2
    hist = np.zeros(12 * 2 + 4)
    hb = np.minimum((hue[colored] * 12).astype(int), 11)
    sb = (sat[colored] > 0.55).astype(int)
    np.add.at(hist, hb * 2 + sb, 1)
    vb = np.minimum((mx[~colored] * 4).astype(int), 3)
    np.add.at(hist, 24 + vb, 1)
    return _norm(np.sqrt(hist / max(len(px), 1)))


def describe(img: Image.Image) -> np.ndarray:
    """The L2-normalised DIM-vector of one RGB picture on white."""
    rgb, mask = frame(img)
    gray = rgb.astype(np.float64) @ np.array([0.299, 0.587, 0.114]) / 255.0
    mask_map = _norm(mask.reshape(8, 8, 8, 8).mean(axis=(1, 3)).reshape(-1))
    blocks = [
        _hog(gray),
        BLOCK_WEIGHTS["thumb"] * _thumb(gray),
        BLOCK_WEIGHTS["color"] * _color(rgb, mask),
        BLOCK_WEIGHTS["mask"] * mask_map,
    ]
    v = np.concatenate(blocks)
    out = np.zeros(DIM, dtype=np.float32)
    out[: len(v)] = v
    return _norm(out).astype(np.float32)


class DescriptorEmbedder:
    """The offline embedder (no weights): ``key`` is stored on every embedding row."""

    name = NAME
    key = KEY
    kind = "offline"
    dim = DIM

    def embed(self, images: list[Image.Image]) -> np.ndarray:
        if not images:
            return np.zeros((0, DIM), dtype=np.float32)
        return np.stack([describe(img) for img in images])


def color_histogram(img: Image.Image) -> np.ndarray:
    """The benchmark's baseline: a plain 8×8×8 RGB histogram of the whole picture (L2)."""
    arr = np.asarray(img.resize((64, 64), Image.Resampling.BILINEAR)).reshape(-1, 3) // 32
    hist = np.bincount(arr[:, 0] * 64 + arr[:, 1] * 8 + arr[:, 2], minlength=512).astype(np.float64)
    return _norm(np.sqrt(hist)).astype(np.float32)
