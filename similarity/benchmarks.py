"""Helpers of the benchmark commands: a throwaway database and the real image files."""

from __future__ import annotations

import contextlib
import hashlib
import resource
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.core.management.base import CommandError
from django.db import connection

CATEGORIES = ("desktop", "sofa", "padding", "shoes")


@contextlib.contextmanager
def throwaway_database(name: str, *, keep: bool = False, say: object = print) -> Iterator[None]:
    """Create and migrate ``name`` (Django's test-database machinery), use it, drop it."""
    if not name.startswith("test_") or name == connection.settings_dict["NAME"]:
        raise CommandError("--db-name은 test_로 시작하는 임시 DB 이름이어야 합니다")
    old_name = connection.settings_dict["NAME"]
    connection.settings_dict.setdefault("TEST", {})["NAME"] = name
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    say(f"임시 DB {name} 생성")  # type: ignore[operator]
    try:
        yield
    finally:
        if not keep:
            connection.creation.destroy_test_db(old_name, verbosity=0)
            say(f"임시 DB {name} 삭제")  # type: ignore[operator]


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


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]
