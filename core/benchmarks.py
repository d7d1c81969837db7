"""What the benchmark commands share: a throwaway database and a percentile."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator

from django.core.management.base import CommandError
from django.db import connection


@contextlib.contextmanager
def throwaway_database(
    name: str, *, keep: bool = False, say: Callable[[str], object] = print
) -> Iterator[None]:
    """Create and migrate ``name`` with Django's test-database machinery, use it, drop it
    (unless ``keep``). Only a ``test_…`` name other than the configured database is taken."""
    if not name.startswith("test_") or name == connection.settings_dict["NAME"]:
        raise CommandError("--db-name은 test_로 시작하는 임시 DB 이름이어야 합니다")
    old_name = connection.settings_dict["NAME"]
    connection.settings_dict.setdefault("TEST", {})["NAME"] = name
    started = time.perf_counter()
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    say(f"임시 DB {name} 생성 + 마이그레이션 {time.perf_counter() - started:.1f}초")
    try:
        yield
    finally:
        if not keep:
            connection.creation.destroy_test_db(old_name, verbosity=0)
            say(f"임시 DB {name} 삭제")


def percentile(values: list[float], q: float) -> float:
    """The ``q`` quantile (0–1) of ``values`` by the nearest rank."""
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]
