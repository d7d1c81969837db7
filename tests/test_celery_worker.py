"""A Celery task through a real worker and the real (embedded) Redis broker."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from celery.contrib.testing.worker import start_worker

from catalog.models import Job, JobKind, JobStatus, Product
from pcadvisor.celery import app


@contextlib.contextmanager
def celery_conf(**changes: object) -> Iterator[None]:
    """The Celery app's configuration with changes for the block, and as it was after it, so
    that a later test sees the configuration it would have seen without this one."""
    before = {key: getattr(app.conf, key) for key in changes}
    try:
        for key, value in changes.items():
            setattr(app.conf, key, value)
        yield
    finally:
        for key, value in before.items():
            setattr(app.conf, key, value)


@pytest.fixture
def celery_worker_thread():
    with celery_conf(task_always_eager=False):
        app.control.purge()  # messages an interrupted earlier run may have left on the test broker
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10, loglevel="WARNING",
                          queues=["default", "crawl", "ml"]) as worker:  # fmt: skip
            yield worker


@pytest.mark.django_db(transaction=True)
def test_an_import_task_runs_on_a_real_worker_and_reports_into_its_job(
    tmp_path: Path, celery_worker_thread
) -> None:
    from catalog.tasks import import_products

    csv_path = tmp_path / "products.csv"
    csv_path.write_text("name,category,price\n워커 테스트 PC,desktop,990000\n", encoding="utf-8")
    job = Job.objects.create(kind=JobKind.IMPORT_PRODUCTS, params={"path": str(csv_path)})

    result = import_products.delay(path=str(csv_path), job_id=job.pk)
    outcome = result.get(timeout=30)

    assert outcome["products_created"] == 1
    assert Product.objects.get(name="워커 테스트 PC").current_price == 990_000
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert job.percent == 100


@pytest.mark.django_db(transaction=True)
def test_a_task_for_a_missing_file_fails_its_job_with_a_clear_message(celery_worker_thread) -> None:
    from catalog.tasks import import_products

    job = Job.objects.create(kind=JobKind.IMPORT_PRODUCTS)
    outcome = import_products.delay(path="/nonexistent/products.csv", job_id=job.pk).get(timeout=30)
    assert "파일이 없습니다" in outcome["error"]
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED


def _run_script_module() -> object:
    import importlib.util

    path = Path(__file__).resolve().parent.parent / "scripts" / "run.py"
    spec = importlib.util.spec_from_file_location("pcadvisor_run_script", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@app.task(name="tests.wait_for_release")
def wait_for_release(timeout: float) -> bool:
    """A stand-in for a training run: busy until the test releases it."""
    return RELEASE.wait(timeout)


RELEASE = __import__("threading").Event()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_ml_worker_of_the_run_command_answers_health_pings_while_it_trains() -> None:
    """`make run`'s ml worker pool keeps replying to /healthz while a long task runs (a solo
    pool, which runs the task in the thread that answers pings, would not)."""
    from pcadvisor.health import check_workers

    pool = _run_script_module().ML_POOL
    app.control.purge()
    RELEASE.clear()
    with celery_conf(task_always_eager=False), start_worker(
        app, perform_ping_check=False, shutdown_timeout=10, loglevel="WARNING", queues=["ml"],
        hostname="ml-test@localhost", **pool
    ):  # fmt: skip
        result = wait_for_release.apply_async(args=[60.0], queue="ml")
        try:
            deadline = time.monotonic() + 20
            busy = False
            while time.monotonic() < deadline and not busy:
                time.sleep(0.2)
                active = app.control.inspect(timeout=1).active() or {}
                busy = bool(active.get("ml-test@localhost"))
            assert busy, "the task never started"
            health = check_workers(timeout=2)
        finally:
            RELEASE.set()
        assert result.get(timeout=30) is True
    assert "ml-test@localhost" in health["workers"]


PROBE = """
from pcadvisor.celery import app


def test_a_later_test_sees_the_celery_config_it_started_with():
    assert app.conf.task_always_eager is True
"""


@pytest.mark.slow
def test_the_worker_tests_leave_the_celery_config_as_they_found_it(tmp_path: Path) -> None:
    """Run with CELERY_TASK_ALWAYS_EAGER on, the worker tests turn it off for themselves only: a
    test collected after them still finds it on."""
    probe = tmp_path / "test_celery_probe.py"
    probe.write_text(PROBE, encoding="utf-8")
    root = Path(__file__).resolve().parent.parent
    # Its own test database: this run's test_pcadvisor stays untouched.
    env = {
        **os.environ,
        "CELERY_TASK_ALWAYS_EAGER": "1",
        "DATABASE_TEST_NAME": "test_pcadvisor_probe",
    }
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", str(root),
         "-c", str(root / "pyproject.toml"), "-m", "not slow", __file__, str(probe)],
        cwd=root, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    assert "3 passed" in run.stdout
