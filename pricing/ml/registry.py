"""The fair-price model this process holds: loaded once, kept, reloaded when its artifact
changes (another version, or the file was rewritten).

A missing artifact and an incompatible one (another format version, or a file this code cannot
read) are the same thing to a caller: ``NoUsableModel``, with a Korean message for the page,
never a 500. A failed load is remembered too, so a page view does not re-read a bad file.
No Django here: ``pricing.services`` looks the active model row up and passes its artifact.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from pricing.ml.ensemble import FORMAT_VERSION, FairPriceEnsemble, IncompatibleArtifact

logger = logging.getLogger(__name__)

MISSING, INCOMPATIBLE = "missing", "incompatible"


class NoUsableModel(LookupError):
    """The model's artifact is missing (``reason`` "missing") or this code cannot use it
    ("incompatible"); ``str()`` is the Korean message shown to users."""

    def __init__(self, version: int, reason: str, detail: str = "") -> None:
        self.version, self.reason, self.detail = version, reason, detail
        if reason == MISSING:
            message = f"적정가 모델 v{version}의 파일이 없어 쓸 수 있는 모델이 없습니다"
        else:
            message = (
                f"적정가 모델 v{version}의 파일 형식이 지금 코드와 맞지 않아 쓸 수 있는 모델이 "
                "없습니다 (다시 학습하면 됩니다)"
            )
        super().__init__(message)


_lock = threading.Lock()
# (version, path, mtime) -> the loaded ensemble, or the NoUsableModel its load raised
_held: tuple[tuple[int, str, int], FairPriceEnsemble | NoUsableModel] | None = None


def load(path: Path, *, version: int, format_version: int | None = None) -> FairPriceEnsemble:
    """The ensemble of model ``version`` stored at ``path``, loaded once per process (again
    when the file changes). ``format_version`` is the one recorded with the model row: another
    than this code's is refused without reading the file. Raises NoUsableModel."""
    global _held
    if format_version is not None and format_version != FORMAT_VERSION:
        raise NoUsableModel(version, INCOMPATIBLE, f"형식 버전 {format_version}")
    try:
        mtime = path.stat().st_mtime_ns
    except FileNotFoundError as exc:
        raise NoUsableModel(version, MISSING, path.name) from exc
    key = (version, str(path), mtime)
    with _lock:
        if _held is not None and _held[0] == key:
            value = _held[1]
        else:
            value = _load(path, version)
            _held = (key, value)
    if isinstance(value, NoUsableModel):
        raise value
    return value


def _load(path: Path, version: int) -> FairPriceEnsemble | NoUsableModel:
    try:
        ensemble = FairPriceEnsemble.load(path)
    except FileNotFoundError:
        return NoUsableModel(version, MISSING, path.name)
    except IncompatibleArtifact as exc:
        logger.warning("pricing model v%s is not usable: %s", version, exc)
        return NoUsableModel(version, INCOMPATIBLE, str(exc))
    _single_thread_cpu()
    return ensemble


def _single_thread_cpu() -> None:
    """One estimate is a handful of tiny matrix products: on CPU, one thread is several times
    faster than two (no thread hand-off), and leaves the other core to the web server."""
    import torch

    if not torch.cuda.is_available():
        torch.set_num_threads(1)


def reset() -> None:
    """Forget the held model (the next use loads it again)."""
    global _held
    with _lock:
        _held = None


def held_version() -> int | None:
    """The version of the model this process holds loaded and usable, None when it holds none."""
    with _lock:
        held = _held
    if held is None or isinstance(held[1], NoUsableModel):
        return None
    return held[0][0]
