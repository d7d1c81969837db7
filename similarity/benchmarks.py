"""Helpers of the similarity benchmark commands: the real image files (the throwaway database
and the percentile are ``core.benchmarks``')."""

from __future__ import annotations

import hashlib
import resource
from dataclasses import dataclass
from pathlib import Path

from django.core.management.base import CommandError

CATEGORIES = ("desktop", "sofa", "padding", "shoes")


@dataclass
class RealImage:
    category: str
    path: Path
    sha256: str


def real_images(root: Path, *, read: bool = True) -> tuple[list[RealImage], int]:
    """(distinct pictures of the four categories under ``root``, number of files)."""
    if not root.is_dir():
        raise CommandError(f"이미지 폴더가 없습니다: {root}")
    seen: dict[str, RealImage] = {}
    files = 0
    for cat in CATEGORIES:
        folder = root / cat
        if not folder.is_dir():
            continue
        for path in sorted(folder.iterdir()):
            if not path.is_file():
                continue
            files += 1
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            seen.setdefault(digest, RealImage(cat, path, digest))
    if not seen:
        raise CommandError(f"{root}/{{{','.join(CATEGORIES)}}}에 이미지가 없습니다")
    return list(seen.values()), files


def peak_rss_mb() -> int:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
