"""Reading untrusted image bytes into an RGB picture on white.

Everything a phone or a shop may send is accepted when it is a real image: EXIF rotation is
applied, CMYK / 16-bit / palette / grey / transparent images become RGB composited on white,
an animated GIF or WebP gives its first frame, and iPhone HEIC is read through pillow-heif.
Anything else (not an image, a truncated file, a decompression bomb, too many bytes or pixels)
raises ``ImageRejected`` with a Korean message that can be shown as it is.
"""

from __future__ import annotations

import io
import threading
import warnings

import numpy as np
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
WHITE = (255, 255, 255)

_heif_lock = threading.Lock()
_heif_registered = False
# warnings.catch_warnings() swaps the process-wide filter list: pipeline threads decoding at
# once take turns for the (cheap) header read where Pillow's bomb warning is raised.
_open_lock = threading.Lock()


class ImageRejected(ValueError):
    """Bytes that are not a usable image; ``str(exc)`` is a Korean message for the user."""


def _register_heif() -> None:
    global _heif_registered
    with _heif_lock:
        if not _heif_registered:
            try:
                from pillow_heif import register_heif_opener
            except ImportError:  # pragma: no cover - pinned in requirements.txt
                return
            register_heif_opener()
            _heif_registered = True


def to_rgb_on_white(img: Image.Image) -> Image.Image:
    """Any mode to RGB; transparency is composited onto white (not black)."""
    if img.mode in ("I;16", "I;16B", "I;16L", "I;16N", "I"):
        # 16-bit grey: scale to 8 bits by the data's own range type (PNG 16-bit is 0..65535).
        arr = np.asarray(img, dtype=np.float64)
        top = 65535.0 if arr.max(initial=0) > 255 else 255.0
        img = Image.fromarray(np.clip(arr * (255.0 / top), 0, 255).astype(np.uint8), "L")
    elif img.mode == "F":
        arr = np.asarray(img, dtype=np.float64)
        img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "L")
    if img.mode == "P":
        img = img.convert("RGBA" if "transparency" in img.info else "RGB")
    if img.mode in ("LA", "PA", "La", "RGBa"):
        img = img.convert("RGBA")
    if img.mode == "RGBA":
        background = Image.new("RGB", img.size, WHITE)
        background.paste(img, mask=img.getchannel("A"))
        return background
    if img.mode != "RGB":
        img = img.convert("RGB")  # CMYK, YCbCr, L, 1, RGBX, 16-bit RGB read as RGB
    return img


def _load_first_frame(img: Image.Image) -> None:
    if getattr(img, "n_frames", 1) > 1:
        img.seek(0)  # animated GIF / WebP / APNG: the first frame
    if ImageFile.LOAD_TRUNCATED_IMAGES:  # a truncated file must fail here, whatever another
        ImageFile.LOAD_TRUNCATED_IMAGES = False  # module set
    img.load()


def load_image(
    content: bytes,
    *,
    max_bytes: int = MAX_BYTES,
    max_pixels: int = MAX_PIXELS,
    draft: int | None = None,
    min_side: int | None = None,
) -> Image.Image:
    """Decode ``content`` into an upright RGB picture on white, or raise ``ImageRejected``.

    ``draft`` (or ``min_side``, the same): the caller needs no more than this many pixels a side,
    so a JPEG may be decoded at 1/2, 1/4 or 1/8 scale (libjpeg's DCT scaling, ``Image.draft``,
    still at least that many a side): a 12 MP phone photo then decodes in tens of milliseconds
    instead of hundreds. A HEIC uses an embedded thumbnail when one is at least that large; other
    formats, and JPEGs already small, decode in full."""
    side = draft or min_side
    if not content:
        raise ImageRejected("빈 파일입니다.")
    if len(content) > max_bytes:
        raise ImageRejected(f"파일이 너무 큽니다 ({max_bytes // (1024 * 1024)}MB 이하만 받습니다).")
    _register_heif()
    try:
        # JPEG decoding does no bomb checks of its own: it runs outside the lock, in parallel.
        # Other formats may check frame sizes while loading: they load under the lock.
        with _open_lock, warnings.catch_warnings():
            # Pillow warns (then errors at 2x) on decompression bombs: refuse at the warning.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(content))
            width, height = img.size
            if width * height > max_pixels:
                raise ImageRejected(
                    f"이미지가 너무 큽니다 ({width}×{height}, {max_pixels // 10_000:,}만 화소 이하만 받습니다)."
                )
            if img.format != "JPEG":
                if side:  # HEIC: an embedded thumbnail that large, when there is one
                    img.draft(None, (side, side))
                _load_first_frame(img)
        if img.format == "JPEG":
            if side and min(width, height) >= 2 * side:
                img.draft(img.mode, (side, side))
            _load_first_frame(img)
        img = ImageOps.exif_transpose(img)
    except ImageRejected:
        raise
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
        raise ImageRejected("압축 폭탄으로 보이는 이미지라 열지 않았습니다.") from exc
    except UnidentifiedImageError as exc:
        raise ImageRejected(
            "이미지 파일이 아닙니다 (JPEG, PNG, WebP, GIF, HEIC를 받습니다)."
        ) from exc
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise ImageRejected("이미지 파일이 손상되었거나 잘렸습니다.") from exc
    if img.width < 1 or img.height < 1:
        raise ImageRejected("이미지 크기가 0입니다.")
    return to_rgb_on_white(img)
