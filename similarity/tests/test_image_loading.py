"""Untrusted image bytes: unusual but valid images are read correctly, bad ones refused."""

from __future__ import annotations

import io
import zlib

import numpy as np
import pytest
from PIL import Image

from similarity.ml.images import MAX_BYTES, ImageRejected, load_image
from similarity.tests.images import encode, product_shot


def rgb_at(img: Image.Image, x: int, y: int) -> tuple[int, int, int]:
    return img.getpixel((x, y))


def test_a_cmyk_jpeg_becomes_rgb_with_its_colours() -> None:
    red = Image.new("RGB", (40, 40), (220, 20, 20)).convert("CMYK")
    img = load_image(encode(red, "JPEG", quality=95))
    assert img.mode == "RGB"
    r, g, b = rgb_at(img, 20, 20)
    assert r > 180 and g < 70 and b < 70


def test_a_16_bit_grey_png_is_scaled_to_8_bits_not_clipped() -> None:
    arr = np.full((30, 30), 32768, dtype=np.uint16)  # mid grey in 16 bits
    img = load_image(encode(Image.fromarray(arr), "PNG"))
    assert img.mode == "RGB"
    assert 120 <= rgb_at(img, 5, 5)[0] <= 135


def test_a_palette_png_keeps_its_colours() -> None:
    pal = product_shot(color=(0, 200, 0)).convert("P", palette=Image.Palette.ADAPTIVE, colors=8)
    img = load_image(encode(pal, "PNG"))
    assert img.mode == "RGB"
    r, g, b = rgb_at(img, 100, 100)
    assert g > 150 and r < 60


def test_a_transparent_png_is_composited_on_white_not_black() -> None:
    rgba = Image.new("RGBA", (50, 50), (0, 0, 0, 0))
    rgba.paste((10, 10, 200, 255), (20, 20, 30, 30))
    img = load_image(encode(rgba, "PNG"))
    assert rgb_at(img, 2, 2) == (255, 255, 255)
    assert rgb_at(img, 25, 25) == (10, 10, 200)


def test_a_transparent_palette_png_is_composited_on_white() -> None:
    p = Image.new("P", (20, 20), 0)
    p.putpalette([0, 0, 0, 250, 0, 0] + [0] * 762)
    p.paste(1, (5, 5, 15, 15))
    img = load_image(encode(p, "PNG", transparency=0))
    assert rgb_at(img, 1, 1) == (255, 255, 255)
    assert rgb_at(img, 10, 10) == (250, 0, 0)


@pytest.mark.parametrize("fmt", ["GIF", "WEBP"])
def test_an_animated_image_gives_its_first_frame(fmt: str) -> None:
    frames = [Image.new("RGB", (30, 30), c) for c in ((250, 0, 0), (0, 0, 250), (0, 250, 0))]
    content = encode(frames[0], fmt, save_all=True, append_images=frames[1:], duration=100, loop=0)
    assert Image.open(io.BytesIO(content)).n_frames == 3
    r, g, b = rgb_at(load_image(content), 15, 15)
    assert r > 200 and b < 50


def test_an_exif_rotated_phone_photo_is_turned_upright() -> None:
    # stored landscape (60×30) with the left half red; orientation 6 = "rotate 90° clockwise"
    raw = Image.new("RGB", (60, 30), (0, 0, 255))
    raw.paste((255, 0, 0), (0, 0, 30, 30))
    exif = Image.Exif()
    exif[0x0112] = 6
    img = load_image(encode(raw, "JPEG", exif=exif, quality=95))
    assert img.size == (30, 60)
    assert rgb_at(img, 15, 5)[0] > 200  # the red half is now on top
    assert rgb_at(img, 15, 55)[2] > 200


def test_an_iphone_heic_photo_is_read() -> None:
    pytest.importorskip("pillow_heif")
    from pillow_heif import register_heif_opener

    register_heif_opener()
    content = encode(Image.new("RGB", (64, 48), (200, 30, 30)), "HEIF", quality=90)
    img = load_image(content)
    assert img.size == (64, 48)
    assert rgb_at(img, 30, 20)[0] > 150


def test_bytes_that_are_not_an_image_are_refused_in_korean() -> None:
    with pytest.raises(ImageRejected, match="이미지 파일이 아닙니다"):
        load_image(b"%PDF-1.7 definitely not a picture")


def test_a_truncated_jpeg_is_refused() -> None:
    content = encode(product_shot(), "JPEG", quality=95)
    with pytest.raises(ImageRejected, match="손상"):
        load_image(content[: len(content) // 2])


def _png_header_only(width: int, height: int) -> bytes:
    """A tiny PNG claiming a huge size (1-bit grey): the body of a decompression bomb."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            len(data).to_bytes(4, "big") + kind + data
            + zlib.crc32(kind + data).to_bytes(4, "big")
        )  # fmt: skip

    ihdr = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([1, 0, 0, 0, 0])
    row = b"\x00" + b"\x00" * ((width + 7) // 8)
    idat = zlib.compress(row * 16, 9)  # a few rows: enough for Pillow to open it
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def test_a_decompression_bomb_is_refused_before_decoding() -> None:
    content = _png_header_only(20_000, 20_000)  # 400 megapixels in a few hundred bytes
    assert len(content) < 10_000
    with pytest.raises(ImageRejected, match="압축 폭탄"):
        load_image(content, max_pixels=10**12)  # refused by Pillow's bomb check itself


def test_more_than_40_megapixels_is_refused() -> None:
    with pytest.raises(ImageRejected, match="4,000만 화소"):
        load_image(_png_header_only(8000, 6000))


def test_more_than_10_mb_is_refused() -> None:
    with pytest.raises(ImageRejected, match="10MB"):
        load_image(b"\xff\xd8" + b"\x00" * MAX_BYTES)


def test_an_empty_file_is_refused() -> None:
    with pytest.raises(ImageRejected):
        load_image(b"")


def test_a_large_jpeg_can_be_decoded_at_a_reduced_scale_still_large_enough() -> None:
    big = product_shot(size=400).resize((4000, 3000))
    exif = Image.Exif()
    exif[0x0112] = 6
    content = encode(big, "JPEG", quality=85, exif=exif)
    # 1/4 scale: the largest that keeps both sides ≥ 512 (1/8 would give 500×375); turned
    # upright by its EXIF tag afterwards
    assert load_image(content, draft=512).size == (750, 1000)
    assert load_image(content).size == (3000, 4000)


def test_a_large_jpeg_may_be_decoded_at_a_reduced_scale_that_keeps_min_side() -> None:
    big = product_shot().resize((1600, 1200))
    buf = io.BytesIO()
    big.save(buf, "JPEG", quality=90)
    full = load_image(buf.getvalue())
    reduced = load_image(buf.getvalue(), min_side=320)
    assert full.size == (1600, 1200)
    assert reduced.size == (800, 600)  # 1/2 scale: 1/4 would leave a side under 320
    # the same picture, only smaller
    diff = np.abs(
        np.asarray(full.resize(reduced.size), dtype=np.int16) - np.asarray(reduced, dtype=np.int16)
    )
    assert diff.mean() < 6
    small = io.BytesIO()
    product_shot().save(small, "JPEG")
    assert load_image(small.getvalue(), min_side=320).size == product_shot().size
