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


def real_images(
    root: Path, *, read: bool = True, limit: int | None = None
) -> tuple[list[RealImage], int]:
    """(distinct pictures of the four categories under ``root``, number of files read); with
    ``limit``, the files are read in turn from each category until ``limit`` distinct ones."""
    if not root.is_dir():
        raise CommandError(f"이미지 폴더가 없습니다: {root}")
    seen: dict[str, RealImage] = {}
    files = 0
    folders = [
        [(cat, p) for p in sorted((root / cat).iterdir()) if p.is_file()]
        for cat in CATEGORIES
        if (root / cat).is_dir()
    ]
    if limit:  # round robin over the categories: a limited sample holds all four
        order = [
            f[i] for i in range(max(map(len, folders), default=0)) for f in folders if i < len(f)
        ]
    else:
        order = [item for f in folders for item in f]
    for cat, path in order:
        if limit and len(seen) >= limit:
            break
        files += 1
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        seen.setdefault(digest, RealImage(cat, path, digest))
    if not seen:
        raise CommandError(f"{root}/{{{','.join(CATEGORIES)}}}에 이미지가 없습니다")
    return list(seen.values()), files


def peak_rss_mb() -> int:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
