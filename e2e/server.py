"""The app as users run it, for the browser tests: gunicorn serving ``pcadvisor.wsgi`` over HTTP
on 127.0.0.1 and a Celery worker, both with the production settings module, started as
processes of their own.

Kept apart from everything else: the database is one of its own on the tests' PostgreSQL
(``test_pcadvisor_e2e``: migrated, then seeded with a small demo catalog and a tiny fair-price
model), Celery and the cache use Redis databases 12 and 13 (the product uses 0/1, the other
tests 14/15), media and model files go to a throw-away folder, the crawler's target is a
loopback fake Danawa, and the LLM host is a loopback port where nothing listens (reasons are
the template ones).

Celery: a real worker for the ``default`` and ``crawl`` queues, as ``make run`` starts. Eager
tasks would run inside the web request and block it, so a page that starts a crawl could never
show its progress; the ``ml`` queue (image embedding, stored fair-price refreshes) is left
unconsumed, so that no page's timing depends on torch work in the background, and is emptied
at the end.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
DB_SUFFIX = "e2e"
BROKER_DB, CACHE_DB = 12, 13
# the demo catalog of the browser tests: enough desktops and days for every panel (10-day
# forecasts, recommendations priced within 14 days), small enough to seed in seconds
DEMO = ("--products", "80", "--days", "30", "--others", "4", "--seed", "7")


def prepare_catalog() -> None:
    """Run inside the app's environment (``manage.py shell``, one process for all three): the
    demo catalog, the market rollups, and a fair-price model trained with the pricing tests'
    tiny configuration (few epochs and trees, no images: seconds, not minutes), so that the
    product page has its estimate and details."""
    from django.core.management import call_command

    from pricing.services import train_model
    from pricing.tests.helpers import tiny_config

    for step in (lambda: call_command("seed_demo", *DEMO),
                 lambda: call_command("rebuild_market_rollups"),
                 lambda: train_model(config=tiny_config(use_images=False, test_fraction=0.1))):  # fmt: skip
        started = time.monotonic()
        step()
        sys.stdout.write(f"-- {time.monotonic() - started:.1f} s\n")


@dataclass
class RunningApp:
    """Where the app answers, and what it runs on."""

    url: str
    database: str
    env: dict[str, str]
    log_dir: Path

    def manage(self, *args: str, timeout: float = 300) -> str:
        """Run a management command against the app's database; its output (and its time, in
        setup.log)."""
        started = time.monotonic()
        done = subprocess.run(
            [PY, "manage.py", *args], cwd=ROOT, env=self.env, capture_output=True, text=True,
            timeout=timeout,
        )  # fmt: skip
        if done.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
        with open(self.log_dir / "setup.log", "a") as log:
            log.write(
                f"manage.py {' '.join(args)}: {time.monotonic() - started:.1f} s\n{done.stdout}\n"
            )
        return done.stdout


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _server_settings() -> dict:
    """Where the tests' PostgreSQL listens (the embedded one unless DATABASE_URL says)."""
    from django.conf import settings

    return dict(settings.DATABASES["default"])


def _maintenance(sql: str) -> None:
    """One statement on the server's maintenance database (CREATE/DROP DATABASE)."""
    import psycopg

    db = _server_settings()
    params = {"host": db.get("HOST") or None, "port": db.get("PORT") or None,
              "user": db.get("USER") or None, "password": db.get("PASSWORD") or None}  # fmt: skip
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as conn:
        conn.execute(sql)


def database_name() -> str:
    db = _server_settings()
    return f"{(db.get('TEST') or {}).get('NAME') or 'test_' + db['NAME']}_{DB_SUFFIX}"


def create_database(name: str) -> None:
    """An empty database of the browser tests' own (what an earlier run left is dropped): the
    app's migrations make it, as ``make run`` makes the product's; pytest-django's test database
    is not used, so that no test's transaction or flush meets the browser tests' data."""
    drop_database(name)
    _maintenance(f'CREATE DATABASE "{name}"')


def drop_database(name: str) -> None:
    _maintenance(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def database_url(settings_dict: dict, name: str) -> str:
    """A DATABASE_URL for name on the server of settings_dict (a Unix socket directory for the
    embedded PostgreSQL: dj-database-url reads a percent-encoded path as the host)."""
    host = settings_dict.get("HOST") or "localhost"
    user = quote(settings_dict.get("USER") or "", safe="")
    password = settings_dict.get("PASSWORD") or ""
    auth = f"{user}:{quote(password, safe='')}@" if password else f"{user}@"
    port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
    return f"postgres://{auth}{quote(str(host), safe='')}{port}/{name}"


def flush_redis(*dbs: int) -> None:
    """Empty the broker and cache databases ``dbs`` (by default the e2e ones) of whatever an
    earlier run left."""
    import redis
    from django.conf import settings

    dbs = dbs or (BROKER_DB, CACHE_DB)
    if settings.EMBEDDED_REDIS:
        from core.embedded import redis_info

        info = redis_info(Path(settings.VAR_DIR))
        urls = [info.url(db) for db in dbs]
    else:
        base = settings.REDIS_URL.rstrip("/").rsplit("/", 1)[0]
        urls = [f"{base}/{db}" for db in dbs]
    for url in urls:
        with contextlib.closing(redis.Redis.from_url(url)) as client:
            client.flushdb()


def app_env(db_url: str, work: Path, danawa: str) -> dict[str, str]:
    outer = {"DATABASE_URL", "MAKEFLAGS", "MFLAGS", "MAKELEVEL", "DJANGO_DEBUG",
             "CELERY_TASK_ALWAYS_EAGER", "PYTEST_ADDOPTS"}  # fmt: skip
    env = {k: v for k, v in os.environ.items() if k not in outer}
    env |= {
        "DJANGO_SETTINGS_MODULE": "pcadvisor.settings",
        "DATABASE_URL": db_url,
        # plain HTTP on loopback: an external DATABASE_URL would otherwise mean production
        # defaults (HTTPS redirect, HSTS), and Chromium would then only speak TLS to the port
        "DJANGO_HTTPS": "false",
        "REDIS_DB_BROKER": str(BROKER_DB),
        "REDIS_DB_CACHE": str(CACHE_DB),
        "CACHE_KEY_PREFIX": "pcadvisor-e2e",
        "MEDIA_ROOT": str(work / "media"),
        "MODEL_DIR": str(work / "models"),
        "DANAWA_BASE_OVERRIDE": danawa,
        "DANAWA_DELAY_SECONDS": "0",
        "DANAWA_BACKOFF_SECONDS": "0.01",
        "DANAWA_TIMEOUT_SECONDS": "5",
        "OLLAMA_HOST": f"http://127.0.0.1:{free_port()}",
        "OLLAMA_TIMEOUT_SECONDS": "1",
        "OLLAMA_HEALTH_TIMEOUT_SECONDS": "0.5",
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }
    return env


def _spawn(cmd: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    with open(log, "ab") as out:
        # its own session: stopped with its children (gunicorn workers) as one process group
        return subprocess.Popen(
            cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def _stop(procs: list[subprocess.Popen], grace: float = 10) -> None:
    """SIGTERM to each process group at once, SIGKILL to those still there after grace."""
    running = [p for p in procs if p.poll() is None]
    for proc in running:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    for proc in running:
        try:
            proc.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(5)


def _wait_until_serving(url: str, proc: subprocess.Popen, log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the web server exited ({proc.returncode}):\n{_tail(log)}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=5):
                return
        except urllib.error.HTTPError:
            return  # answering (a 503 names a service that is down; the pages say so)
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"the web server did not answer within {timeout:.0f} s:\n{_tail(log)}")


def _tail(log: Path, lines: int = 40) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


@contextlib.contextmanager
def running_app(danawa: str, logs_to: Path) -> Iterator[RunningApp]:
    """Make and migrate the database, start the worker and gunicorn, seed the demo catalog and
    train a tiny fair-price model; stop both, keep their logs in logs_to and drop the database
    after."""
    work = Path(tempfile.mkdtemp(prefix="pcadvisor-e2e-"))
    name = database_name()
    create_database(name)
    procs: list[subprocess.Popen] = []
    try:
        env = app_env(database_url(_server_settings(), name), work, danawa)
        flush_redis()
        app = RunningApp(url="", database=name, env=env, log_dir=work)
        app.manage("migrate", "--noinput", "-v", "0")
        procs.append(_spawn(
            [PY, "-m", "celery", "-A", "pcadvisor", "worker", "-Q", "default,crawl",
             "--pool", "solo", "-l", "warning", "-n", "e2e@%h"],
            env, work / "worker.log",
        ))  # fmt: skip
        port = free_port()
        app.url = f"http://127.0.0.1:{port}"
        procs.append(_spawn(
            [PY, "-m", "gunicorn", "pcadvisor.wsgi:application", "--bind", f"127.0.0.1:{port}",
             "--workers", "1", "--threads", "4", "--timeout", "120", "--graceful-timeout", "5",
             "--control-socket", str(work / "gunicorn.ctl"), "--access-logfile", "-"],
            env, work / "web.log",
        ))  # fmt: skip
        # while the worker and the web server boot: pages read the active fair-price model's row
        # on each request and load it then, and none is asked for before this returns
        app.manage("shell", "-c", "from e2e.server import prepare_catalog; prepare_catalog()")
        started = time.monotonic()
        _wait_until_serving(app.url, procs[-1], work / "web.log", timeout=120)
        with open(work / "setup.log", "a") as log:
            log.write(f"gunicorn answering after {time.monotonic() - started:.1f} s\n")
        yield app
    finally:
        _stop(procs)
        with contextlib.suppress(Exception):
            flush_redis()
        drop_database(name)
        logs_to.mkdir(parents=True, exist_ok=True)
        for log in work.glob("*.log"):
            shutil.copy(log, logs_to / log.name)
        shutil.rmtree(work, ignore_errors=True)
