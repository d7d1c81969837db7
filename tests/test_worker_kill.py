"""Fault tests: a real Celery worker is SIGKILLed (its whole process group) in the middle of a
real price-history import, and of a crawl against the loopback fake Danawa; a new worker gets
the task again (the broker's visibility timeout, shortened here to 5 s) and the job ends done
within 60 s of the kill, with every price point once: none lost, none twice. The web server
answers the home page all along.

Their own database (made by the app's migrations, dropped after) and their own Redis databases
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
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from catalog.tests.fake_danawa import FakeDanawa, fake_danawa_fixture  # noqa: F401 - fixture
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
    flush_redis,
    free_port,
)

pytestmark = pytest.mark.slow

BROKER_DB, CACHE_DB = 10, 11
VISIBILITY_TIMEOUT = 5
PRODUCTS, MONTHS, DAYS = 400, 12, 28  # 134,400 price points in 12 files
DONE_WITHIN = 60  # seconds from the kill to the job's end
BRAND_PC = "112756"


def _write_history(folder: Path) -> None:
    """Twelve monthly CPU files, every product priced every day (a distinct price each)."""
    folder.mkdir()
    for month in range(1, MONTHS + 1):
        days = [f"2022-{month:02d}-{d:02d} 10:00:00" for d in range(1, DAYS + 1)]
        lines = ["Id,Name," + ",".join(days)]
        for i in range(PRODUCTS):
            cells = [f'"{100_000 + i * 100 + d:,}"' for d in range(1, DAYS + 1)]
            lines.append(
                f"{500_000 + i},인텔 코어i5-12세대 {12_000 + i}F (테스트)," + ",".join(cells)
            )
        (folder / f"CPU_2022-{month:02d}.csv").write_text("\n".join(lines) + "\n", "utf-8-sig")


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


class App:
    """The product's processes on a database of their own: migrate, a web server, workers."""

    def __init__(self, work: Path, env: dict[str, str], conninfo: dict) -> None:
        self.work, self.env, self.conninfo = work, env, conninfo
        self.procs: list[subprocess.Popen] = []
        self.home = ""

    def manage(self, *args: str) -> str:
        out = subprocess.run(
            [PY, "manage.py", *args], cwd=ROOT, env=self.env, capture_output=True, text=True,
            timeout=300,
        )  # fmt: skip
        assert out.returncode == 0, out.stdout + out.stderr
        return out.stdout

    def worker(self, n: int) -> subprocess.Popen:
        proc = _spawn(
            [PY, "-m", "celery", "-A", "pcadvisor", "worker", "-Q", "default,crawl",
             "--concurrency", "1", "-l", "info", "-n", f"kill{n}@%h",
             "--without-mingle", "--without-gossip"],
            self.env, self.work / f"worker{n}.log",
        )  # fmt: skip
        self.procs.append(proc)
        return proc

    def log(self, name: str) -> str:
        return (self.work / f"{name}.log").read_text(errors="replace")

    def queue(self, kind: str, task: str, params: dict) -> int:
        code = f"from catalog.services import queue_job; print(queue_job({kind!r}, {task!r}, {params!r}).pk)"
        return int(self.manage("shell", "-c", code).split()[-1])

    def sql(self, query: str, *params: object) -> tuple:
        with psycopg.connect(**self.conninfo) as conn:
            return conn.execute(query, params).fetchone()

    def job(self, job_id: int) -> tuple[str, int, list]:
        return self.sql(
            "SELECT status, progress_done, errors FROM catalog_job WHERE id = %s", job_id
        )

    def price_points(self) -> tuple[int, int]:
        """(rows, distinct product-day-variant rows) of the price history."""
        return self.sql(
            "SELECT count(*), count(DISTINCT (product_id, day, variant)) FROM catalog_pricesnapshot"
        )

    def kill_mid_job_and_replace(self, job_id: int, worker: subprocess.Popen) -> int:
        """Once the job reported progress, SIGKILL the worker's process group and start a new
        worker; wait for the job to end (the home page answering each half second meanwhile).
        Returns how many deliveries the new worker received."""
        deadline = time.monotonic() + 120
        while not (self.job(job_id)[0] == "running" and self.job(job_id)[1] >= 1):
            assert time.monotonic() < deadline, self.log("worker1")
            time.sleep(0.05)
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(10)
        killed = time.monotonic()
        assert self.job(job_id)[0] == "running"  # left behind by the dead worker
        self.worker(2)
        while self.job(job_id)[0] not in ("done", "failed"):
            assert time.monotonic() - killed < DONE_WITHIN, self.log("worker2")
            assert _answers(self.home)  # the site keeps answering
            time.sleep(0.5)
        status, _done, errors = self.job(job_id)
        assert status == "done", errors
        return sum(
            1 for line in self.log("worker2").splitlines()
            if "Task catalog.tasks." in line and line.endswith("received")
        )  # fmt: skip


@pytest.fixture
def app(fake_danawa: FakeDanawa) -> Iterator[App]:  # noqa: F811
    work = Path(tempfile.mkdtemp(prefix="pcv-kill-"))
    db = _server_settings()
    name = f"{(db.get('TEST') or {}).get('NAME') or 'test_' + db['NAME']}_kill"
    create_database(name)
    conninfo = {
        "dbname": name, "host": db.get("HOST") or None, "port": db.get("PORT") or None,
        "user": db.get("USER") or None, "password": db.get("PASSWORD") or None,
    }  # fmt: skip
    env = app_env(database_url(db, name), work, fake_danawa.address)
    env |= {
        "REDIS_DB_BROKER": str(BROKER_DB),
        "REDIS_DB_CACHE": str(CACHE_DB),
        "CACHE_KEY_PREFIX": "pcadvisor-kill",
        "CELERY_VISIBILITY_TIMEOUT_SECONDS": str(VISIBILITY_TIMEOUT),
        "DJANGO_HTTPS": "false",  # plain HTTP on 127.0.0.1 (DATABASE_URL alone means production)
        "DANAWA_DELAY_SECONDS": "0.5",  # a crawl long enough to be killed in the middle
    }
    app = App(work, env, conninfo)
    try:
        flush_redis(BROKER_DB, CACHE_DB)
        app.manage("migrate", "--noinput", "-v", "0")
        port = free_port()
        app.procs.append(_spawn(
            [PY, "-m", "gunicorn", "pcadvisor.wsgi:application", "--bind", f"127.0.0.1:{port}",
             "--workers", "1", "--threads", "2", "--control-socket", str(work / "g.ctl")],
            env, work / "web.log",
        ))  # fmt: skip
        app.home = f"http://127.0.0.1:{port}/"
        deadline = time.monotonic() + 120
        while not _answers(app.home):
            assert time.monotonic() < deadline, app.log("web")
            time.sleep(0.5)
        yield app
    finally:
        _stop(app.procs)
        with contextlib.suppress(Exception):
            flush_redis(BROKER_DB, CACHE_DB)
        drop_database(name)
        shutil.rmtree(work, ignore_errors=True)


def test_a_worker_killed_mid_import_is_replaced_and_the_import_ends_done_with_every_price_once(
    app: App,
) -> None:
    _write_history(app.work / "history")
    worker = app.worker(1)
    job_id = app.queue(
        "import_history", "import_price_history", {"directory": str(app.work / "history")}
    )
    assert app.kill_mid_job_and_replace(job_id, worker) == 1  # delivered again, once
    assert app.price_points() == (PRODUCTS * MONTHS * DAYS,) * 2


def test_a_worker_killed_mid_crawl_is_replaced_and_the_crawl_ends_done_with_every_price_once(
    app: App,
    fake_danawa: FakeDanawa,  # noqa: F811
) -> None:
    worker = app.worker(1)
    job_id = app.queue("crawl", "crawl_category", {"category_code": BRAND_PC})
    assert app.kill_mid_job_and_replace(job_id, worker) == 1
    expected = sum(fake_danawa.expected_price_rows(BRAND_PC).values())
    assert expected and app.price_points() == (expected, expected)
