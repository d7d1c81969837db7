"""Image bytes for the pipeline tests, made with Pillow."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image, ImageDraw


def product_shot(
    color: tuple[int, int, int] = (40, 40, 48),
    backdrop: tuple[int, int, int] = (255, 255, 255),
    size: int = 200,
    shape: str = "tower",
) -> Image.Image:
    """A dark object on a backdrop, like a catalog photo."""
    img = Image.new("RGB", (size, size), backdrop)
    d = ImageDraw.Draw(img)
    s = size
    if shape == "tower":
        d.rectangle((s * 0.35, s * 0.15, s * 0.65, s * 0.85), fill=color)
        d.ellipse((s * 0.45, s * 0.25, s * 0.55, s * 0.35), fill=(0, 160, 255))
    elif shape == "sofa":
        d.rectangle((s * 0.1, s * 0.45, s * 0.9, s * 0.75), fill=color)
        d.rectangle((s * 0.1, s * 0.3, s * 0.2, s * 0.75), fill=color)
        d.rectangle((s * 0.8, s * 0.3, s * 0.9, s * 0.75), fill=color)
    else:
        d.ellipse((s * 0.15, s * 0.3, s * 0.85, s * 0.7), fill=color)
    return img


def encode(img: Image.Image, fmt: str = "JPEG", **kwargs: object) -> bytes:
    buf = io.BytesIO()
    img.save(buf, fmt, **kwargs)
    return buf.getvalue()


def noise_image(seed: int, size: int = 64) -> Image.Image:
    rng = np.random.default_rng(seed)
    return Image.fromarray(rng.integers(0, 255, (size, size, 3), dtype=np.uint8), "RGB")


def catalog_photo(seed: int, size: int = 480) -> Image.Image:
    """A product photo on white with detail of its own (seeded shapes, slightly blurred)."""
    from PIL import ImageFilter

    rng = np.random.default_rng(seed)
    img = Image.new("RGB", (size, size), (255, 255, 255))
    d = ImageDraw.Draw(img)
    x0, y0 = (int(v) for v in rng.integers(60, 140, 2))
    x1, y1 = (size - int(v) for v in rng.integers(60, 140, 2))
    d.rectangle((x0, y0, x1, y1), fill=tuple(int(c) for c in rng.integers(20, 90, 3)))
    for _ in range(14):
        xs, ys = rng.integers(x0, x1, 2), rng.integers(y0, y1, 2)
        box = (int(min(xs)), int(min(ys)), int(max(xs)), int(max(ys)))
        colour = tuple(int(c) for c in rng.integers(0, 255, 3))
        (d.ellipse if rng.random() < 0.5 else d.rectangle)(box, fill=colour)
    return img.filter(ImageFilter.GaussianBlur(1.5))


def reposted_copy(img: Image.Image) -> bytes:
    """What a second listing of the same photo looks like: resized to 0.7×, cropped 4 % on
    each side, re-encoded as JPEG quality 70."""
    w, h = img.size
    small = img.resize((int(w * 0.7), int(h * 0.7)), Image.Resampling.BILINEAR)
    c = int(0.04 * small.width)
    return encode(small.crop((c, c, small.width - c, small.height - c)), quality=70)


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    import zlib

    return len(data).to_bytes(4, "big") + kind + data + zlib.crc32(kind + data).to_bytes(4, "big")


def png_16bit_rgb(img: Image.Image) -> bytes:
    """A 16-bit-per-channel RGB PNG of ``img`` (Pillow writes only 8-bit RGB PNGs)."""
    import zlib

    arr = np.asarray(img.convert("RGB"), dtype=np.uint16) * 257  # 0..255 → 0..65535
    h, w, _ = arr.shape
    rows = b"".join(b"\x00" + arr[y].astype(">u2").tobytes() for y in range(h))
    ihdr = w.to_bytes(4, "big") + h.to_bytes(4, "big") + bytes([16, 2, 0, 0, 0])
    return (
        b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr)
        + _png_chunk(b"IDAT", zlib.compress(rows, 6)) + _png_chunk(b"IEND", b"")
    )  # fmt: skip


def png_header_only(width: int, height: int) -> bytes:
    """A tiny PNG claiming a huge size (1-bit grey): the body of a decompression bomb."""
    import zlib

    ihdr = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([1, 0, 0, 0, 0])
    row = b"\x00" + b"\x00" * ((width + 7) // 8)
    idat = zlib.compress(row * 16, 9)
    return (
        b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr) + _png_chunk(b"IDAT", idat)
        + _png_chunk(b"IEND", b"")
    )  # fmt: skip
