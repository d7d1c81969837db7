"""Backgrounds: most catalog shots are on white, so a uniform white border skips segmentation.

Otherwise rembg (U2-Net or isnet ONNX, one session per process) cuts the object out and it is
composited onto white. Without rembg weights a uniform non-white border (a studio backdrop) is
keyed out instead: pixels near the border colour that touch the border become white.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

# Border strip examined, as a fraction of the shorter side (at least 2 px).
BORDER_FRACTION = 0.03
# A border is uniform when 98% of its pixels are within UNIFORM_TOLERANCE (0..255, max over
# channels) of its median colour; white when that colour is ≥ WHITE_LEVEL in every channel.
UNIFORM_SHARE = 0.98
UNIFORM_TOLERANCE = 24
WHITE_LEVEL = 235
# A white border this complete is a catalog shot on white (a product may touch the frame).
WHITE_SHARE = 0.8
# A backdrop colour covering this share of the border is keyed out when there is no rembg model
# (an object cut by the frame may cover the rest).
KEYABLE_SHARE = 0.6


@dataclass(frozen=True)
class Border:
    uniform: bool
    color: tuple[int, int, int]
    share: float = 1.0

    @property
    def keyable(self) -> bool:
        return self.share >= KEYABLE_SHARE

    @property
    def white(self) -> bool:
        return self.share >= WHITE_SHARE and min(self.color) >= WHITE_LEVEL


def examine_border(img: Image.Image) -> Border:
    """Whether the picture's border is one colour (and which), on a small copy."""
    small = (
        img if max(img.size) <= 160 else img.resize(_fit(img.size, 160), Image.Resampling.BILINEAR)
    )
    arr = np.asarray(small, dtype=np.int16)
    h, w = arr.shape[:2]
    b = max(2, round(min(h, w) * BORDER_FRACTION))
    strip = np.concatenate(
        [
            arr[:b].reshape(-1, 3),
            arr[-b:].reshape(-1, 3),
            arr[:, :b].reshape(-1, 3),
            arr[:, -b:].reshape(-1, 3),
        ]
    )
    # the border's dominant colour: the most common coarse bin (an object cut by the frame may
    # cover much of the border, so a median could land on the object)
    bins = (strip // 32) @ np.array([64, 8, 1])
    top = np.bincount(bins, minlength=512).argmax()
    color = np.median(strip[bins == top], axis=0)
    near = np.abs(strip - color).max(axis=1) <= UNIFORM_TOLERANCE
    share = float(near.mean())
    return Border(share >= UNIFORM_SHARE, tuple(int(c) for c in color), share)


def key_out_border(img: Image.Image, color: tuple[int, int, int]) -> Image.Image:
    """Pixels close to ``color`` connected to the border become white (no model needed)."""
    from scipy import ndimage

    arr = np.asarray(img).copy()
    close = (
        np.abs(arr.astype(np.int16) - np.array(color, dtype=np.int16)).max(axis=2)
        <= UNIFORM_TOLERANCE * 2
    )
    labels, _ = ndimage.label(close)
    edge = np.unique(np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]]))
    edge = edge[edge > 0]
    arr[np.isin(labels, edge)] = 255
    return Image.fromarray(arr, "RGB")


_session_lock = threading.Lock()
_sessions: dict[str, object] = {}


def rembg_session(model_path: Path) -> object:
    """rembg's custom-model session for the ONNX file at ``model_path``, created once per
    process (session creation loads the graph: hundreds of ms for U2-Net)."""
    key = str(model_path)
    with _session_lock:
        if key not in _sessions:
            _sessions[key] = _custom_session_class()(
                "u2net_custom", _session_options(), model_path=key, providers=_providers()
            )
        return _sessions[key]


def _custom_session_class() -> type:
    """rembg's custom-model session (U2-Net interface) for a file in MODEL_DIR.

    rembg only accepts custom files under its own home (``~/.rembg`` or an environment
    variable); MODEL_DIR is this project's one place for weights, so the path check is the
    one thing overridden."""
    from rembg.sessions.u2net_custom import U2netCustomSession

    class ModelDirSession(U2netCustomSession):
        @classmethod
        def download_models(cls, *args: object, **kwargs: object) -> str:
            return str(kwargs["model_path"])

    return ModelDirSession


def _session_options() -> object:
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.log_severity_level = 3
    return opts


def reset_sessions() -> None:
    with _session_lock:
        _sessions.clear()


def _providers() -> list[str]:
    import onnxruntime as ort

    available = ort.get_available_providers()
    return [p for p in ("CUDAExecutionProvider", "CPUExecutionProvider") if p in available]


def remove_background(img: Image.Image, session: object) -> Image.Image:
    """The object cut out by the segmenter, composited onto white."""
    (mask,) = session.predict(img)  # type: ignore[attr-defined]
    white = Image.new("RGB", img.size, (255, 255, 255))
    return Image.composite(img, white, mask.convert("L"))


def _fit(size: tuple[int, int], longest: int) -> tuple[int, int]:
    w, h = size
    scale = longest / max(w, h)
    return max(1, round(w * scale)), max(1, round(h * scale))
