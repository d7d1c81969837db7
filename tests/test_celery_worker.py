"""A Celery task through a real worker and the real (embedded) Redis broker."""

from __future__ import annotations

from pathlib import Path

import pytest
from celery.contrib.testing.worker import start_worker

from catalog.models import Job, JobKind, JobStatus, Product
from pcadvisor.celery import app


@pytest.fixture
def celery_worker_thread():
    app.conf.task_always_eager = False
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
