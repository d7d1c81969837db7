"""Perceptual hashes of pictures (64-bit pHash, numpy + Pillow; no Django).

``phash``: the sign of the 8×8 lowest frequencies of a 32×32 grey DCT against their median
(Zauner's pHash). Two hashes per picture (``picture_hashes``): the whole picture's, and that of
its crop to the product (the backdrop trimmed), compared by the closer of the two
(``distance``): the first is steady under re-encoding and resizing, the second under light
crops. Measured on 300 real Danawa pictures (desktop, padding, shoes, sofa) with
copies made in memory: JPEG q60 and half-size copies ≤ 2–4 bits, 5 %-per-side crops
p95 12, a 0.7× resize + 4 % crop + JPEG q70 p95 10; pictures of different kinds ≥ 12 bits
(p1 20, median 28; 1 pair of 29,021 at ≤ 12) — hence
``similarity.curation.duplicates.DISTANCE_THRESHOLD`` = 12; the realdata test of
``tests/test_duplicates.py`` measures it again.
"""

from __future__ import annotations

import io
from functools import lru_cache

import numpy as np
from PIL import Image, ImageOps

HASH_BITS = 64
_DCT_SIZE = 32
_LOW = 8
# a pixel differing from the border's median colour by more than this is the product
TRIM_TOLERANCE = 40


@lru_cache(maxsize=1)
def _dct_matrix(n: int = _DCT_SIZE) -> np.ndarray:
    k = np.arange(n)[:, None]
    x = np.arange(n)[None, :]
    m = np.cos(np.pi * (2 * x + 1) * k / (2 * n)) * np.sqrt(2 / n)
    m[0] /= np.sqrt(2)
    return m


def _grey(img: Image.Image, size: tuple[int, int]) -> np.ndarray:
    if img.mode not in ("RGB", "L"):
        img = _on_white(img)  # transparent pixels count as white, as pages show them
    grey = img.convert("L").resize(size, Image.Resampling.LANCZOS)
    return np.asarray(grey, dtype=np.float64)


def _bits_to_int(bits: np.ndarray) -> int:
    out = 0
    for b in bits.ravel():
        out = (out << 1) | int(bool(b))
    return out


def phash(img: Image.Image) -> int:
    """64-bit DCT hash of ``img``."""
    pixels = _grey(img, (_DCT_SIZE, _DCT_SIZE))
    m = _dct_matrix()
    low = (m @ pixels @ m.T)[:_LOW, :_LOW]
    # the DC term says only how bright the picture is: leave it out of the median
    median = np.median(low.ravel()[1:])
    return _bits_to_int(low > median)


def trim_border(img: Image.Image, tolerance: int = TRIM_TOLERANCE) -> Image.Image:
    """``img`` cropped to what differs from its border's colour (the product without the
    backdrop around it), so that a copy cropped a little closer hashes the same."""
    rgb = img.convert("RGB")
    small = rgb.copy()
    small.thumbnail((256, 256), Image.Resampling.BILINEAR)
    a = np.asarray(small, dtype=np.int16)
    border = np.concatenate([a[0], a[-1], a[:, 0], a[:, -1]])
    mask = np.abs(a - np.median(border, axis=0)).max(axis=2) > tolerance
    ys, xs = np.nonzero(mask)
    if len(xs) < 0.01 * mask.size:
        return rgb  # nothing but backdrop: keep the whole picture
    sx, sy = rgb.width / small.width, rgb.height / small.height
    box = (
        int(xs.min() * sx),
        int(ys.min() * sy),
        min(rgb.width, int((xs.max() + 1) * sx + 0.999)),
        min(rgb.height, int((ys.max() + 1) * sy + 0.999)),
    )
    return rgb.crop(box)


def picture_hashes(content: bytes) -> tuple[int, int]:
    """(pHash of the whole picture, pHash of its backdrop-trimmed crop) of an encoded picture;
    raises ``OSError``/``ValueError`` when it cannot be read. Copies are compared by the
    smaller of the two distances (``distance``): the first is steady under re-encoding and
    resizing, the second under light crops."""
    with Image.open(io.BytesIO(content)) as img:
        img.load()
        img = ImageOps.exif_transpose(img)
        if img.mode not in ("RGB", "L"):
            img = _on_white(img)
        return phash(img), phash(trim_border(img))


def _on_white(img: Image.Image) -> Image.Image:
    rgba = img.convert("RGBA")
    back = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
    return Image.alpha_composite(back, rgba).convert("RGB")


def distance(a: tuple[int, int], b: tuple[int, int]) -> int:
    """Bits apart of two ``picture_hashes``: the closer of whole-to-whole and trim-to-trim."""
    return min(hamming(a[0], b[0]), hamming(a[1], b[1]))


def hamming(a: int, b: int) -> int:
    return ((a ^ b) & ((1 << HASH_BITS) - 1)).bit_count()


def to_bits(value: int) -> str:
    """The hash as pgvector's ``bit(64)`` text ('0101…'), most significant bit first."""
    return format(value & ((1 << HASH_BITS) - 1), f"0{HASH_BITS}b")
