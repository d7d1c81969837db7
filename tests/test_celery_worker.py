"""A Celery task through a real worker and the real (embedded) Redis broker."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from celery.contrib.testing.worker import start_worker

from catalog.models import Job, JobKind, JobStatus, Product
from pcadvisor.celery import app


@pytest.fixture
def celery_worker_thread():
    app.conf.task_always_eager = False
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


@pytest.mark.django_db(transaction=True)
def test_the_ml_worker_of_the_run_command_answers_health_pings_while_it_trains() -> None:
    """`make run`'s ml worker pool keeps replying to /healthz while a long task runs (a solo
    pool, which runs the task in the thread that answers pings, would not)."""
    from pcadvisor.health import check_workers

    pool = _run_script_module().ML_POOL
    app.conf.task_always_eager = False
    app.control.purge()
    RELEASE.clear()
    with start_worker(app, perform_ping_check=False, shutdown_timeout=10, loglevel="WARNING",
                      queues=["ml"], hostname="ml-test@localhost", **pool):  # fmt: skip
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
