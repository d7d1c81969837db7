"""A fault test: a real Celery worker is SIGKILLed in the middle of a real price-history import;
a new worker gets the task again (the broker's visibility timeout, shortened here to 5 s) and the
import ends done within 60 s of the kill, with every price point once: none lost, none twice.
The web server answers the home page all along.

Its own database (made by the app's migrations, dropped after) and its own Redis databases
(10 and 11), as the browser tests have theirs (e2e/server.py); never the product's."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import psycopg
import pytest

from e2e.server import (
    PY,
    ROOT,
    _server_settings,
    _spawn,
    _stop,
    app_env,
    create_database,
    database_url,
    drop_database,
    free_port,
)

pytestmark = pytest.mark.slow

BROKER_DB, CACHE_DB = 10, 11
VISIBILITY_TIMEOUT = 5
PRODUCTS, MONTHS, DAYS = 400, 12, 28  # 134,400 price points in 12 files
EXPECTED_ROWS = PRODUCTS * MONTHS * DAYS
DONE_WITHIN = 60  # seconds from the kill to the job's end


def _write_history(folder: Path) -> None:
    """Twelve monthly CPU files, every product priced every day (a distinct price each)."""
    folder.mkdir()
    for month in range(1, MONTHS + 1):
        days = [f"2022-{month:02d}-{d:02d} 10:00:00" for d in range(1, DAYS + 1)]
        lines = ["Id," + "Name," + ",".join(days)]
        for i in range(PRODUCTS):
            cells = [f'"{100_000 + i * 100 + d:,}"' for d in range(1, DAYS + 1)]
            lines.append(
                f"{500_000 + i},인텔 코어i5-12세대 {12_000 + i}F (테스트)," + ",".join(cells)
            )
        (folder / f"CPU_2022-{month:02d}.csv").write_text("\n".join(lines) + "\n", "utf-8-sig")


def _flush(env: dict[str, str]) -> None:
    import redis
    from django.conf import settings

    from core.embedded import redis_info

    if settings.EMBEDDED_REDIS:
        info = redis_info(Path(settings.VAR_DIR))
        urls = [info.url(BROKER_DB), info.url(CACHE_DB)]
    else:
        base = settings.REDIS_URL.rstrip("/").rsplit("/", 1)[0]
        urls = [f"{base}/{BROKER_DB}", f"{base}/{CACHE_DB}"]
    for url in urls:
        with contextlib.closing(redis.Redis.from_url(url)) as client:
            client.flushdb()


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def test_a_worker_killed_mid_import_is_replaced_and_the_import_ends_done_with_every_price_once(
    tmp_path: Path,
) -> None:
    work = Path(tempfile.mkdtemp(prefix="pcv-kill-"))
    db = _server_settings()
    name = f"{(db.get('TEST') or {}).get('NAME') or 'test_' + db['NAME']}_kill"
    create_database(name)
    conninfo = {
        "dbname": name, "host": db.get("HOST") or None, "port": db.get("PORT") or None,
        "user": db.get("USER") or None, "password": db.get("PASSWORD") or None,
    }  # fmt: skip
    procs: list[subprocess.Popen] = []
    try:
        env = app_env(database_url(db, name), work, f"http://127.0.0.1:{free_port()}")
        env |= {
            "REDIS_DB_BROKER": str(BROKER_DB),
            "REDIS_DB_CACHE": str(CACHE_DB),
            "CACHE_KEY_PREFIX": "pcadvisor-kill",
            "CELERY_VISIBILITY_TIMEOUT_SECONDS": str(VISIBILITY_TIMEOUT),
            "DJANGO_HTTPS": "false",  # plain HTTP on 127.0.0.1 (DATABASE_URL alone means production)
        }
        _flush(env)
        _write_history(work / "history")

        def manage(*args: str) -> str:
            out = subprocess.run(
                [PY, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                timeout=300,
            )  # fmt: skip
            assert out.returncode == 0, out.stdout + out.stderr
            return out.stdout

        manage("migrate", "--noinput", "-v", "0")

        def worker(n: int) -> subprocess.Popen:
            return _spawn(
                [PY, "-m", "celery", "-A", "pcadvisor", "worker", "-Q", "default",
                 "--concurrency", "1", "-l", "info", "-n", f"kill{n}@%h",
                 "--without-mingle", "--without-gossip"],
                env, work / f"worker{n}.log",
            )  # fmt: skip

        port = free_port()
        web = _spawn(
            [PY, "-m", "gunicorn", "pcadvisor.wsgi:application", "--bind", f"127.0.0.1:{port}",
             "--workers", "1", "--threads", "2", "--control-socket", str(work / "g.ctl")],
            env, work / "web.log",
        )  # fmt: skip
        procs += [web, worker(1)]
        home = f"http://127.0.0.1:{port}/"
        deadline = time.monotonic() + 120
        while not _answers(home):
            assert time.monotonic() < deadline, (work / "web.log").read_text(errors="replace")
            time.sleep(0.5)

        job_id = int(
            manage("shell", "-c", (
                "from catalog.services import queue_job; "
                f"print(queue_job('import_history', 'import_price_history', "
                f"{{'directory': {str(work / 'history')!r}}}).pk)"
            )).split()[-1]
        )  # fmt: skip

        def job() -> tuple[str, int, list]:
            with psycopg.connect(**conninfo) as conn:
                return conn.execute(
                    "SELECT status, progress_done, errors FROM catalog_job WHERE id = %s", [job_id]
                ).fetchone()

        # the first worker reads the files: killed (its whole process group) after the first
        deadline = time.monotonic() + 120
        while not (job()[0] == "running" and job()[1] >= 1):
            assert time.monotonic() < deadline, (work / "worker1.log").read_text(errors="replace")
            time.sleep(0.05)
        os.killpg(procs[1].pid, signal.SIGKILL)
        procs[1].wait(10)
        killed = time.monotonic()
        assert job()[0] == "running"  # left behind by the dead worker
        procs.append(worker(2))

        answered = 0
        while job()[0] not in ("done", "failed"):
            assert time.monotonic() - killed < DONE_WITHIN, (work / "worker2.log").read_text(
                errors="replace"
            )
            assert _answers(home)  # the site keeps answering
            answered += 1
            time.sleep(0.5)
        status, _done, errors = job()
        assert status == "done", errors
        assert answered >= 1
        with psycopg.connect(**conninfo) as conn:
            rows, distinct = conn.execute(
                "SELECT count(*), count(DISTINCT (product_id, day, variant))"
                " FROM catalog_pricesnapshot"
            ).fetchone()
        assert rows == distinct == EXPECTED_ROWS
        redelivered = [
            line for line in (work / "worker2.log").read_text(errors="replace").splitlines()
            if "Task catalog.tasks.import_price_history[" in line and line.endswith("received")
        ]  # fmt: skip
        assert len(redelivered) == 1  # delivered again, to the new worker, once
    finally:
        _stop(procs)
        with contextlib.suppress(Exception):
            _flush({})
        drop_database(name)
        shutil.rmtree(work, ignore_errors=True)
