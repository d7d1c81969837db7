"""The job lifecycle: queued → running (once) → done or failed (once), whoever drives it."""

from __future__ import annotations

from pathlib import Path

import pytest

import catalog.tasks
from catalog.models import Job, JobKind, JobStatus
from catalog.services import (
    failing_job_on_error,
    finish_job,
    mark_job_started,
    mark_running,
    queue_job,
    start_job,
    update_job_progress,
)

pytestmark = pytest.mark.django_db


def queued() -> Job:
    return Job.objects.create(kind=JobKind.CRAWL, status=JobStatus.QUEUED)


def test_a_queued_job_is_marked_running_once() -> None:
    job = queued()
    assert mark_running(job) is True
    started = job.started_at
    assert job.status == JobStatus.RUNNING and started is not None
    again = Job.objects.get(pk=job.pk)
    assert mark_running(again, total=7) is False  # a second runner does not start it again
    again.refresh_from_db()
    assert again.status == JobStatus.RUNNING and again.started_at == started
    assert again.progress_total == 7  # but may say how much work there is


def test_a_stale_copy_cannot_start_a_job_twice() -> None:
    job = queued()
    stale = Job.objects.get(pk=job.pk)
    assert mark_job_started(job) is True
    assert mark_job_started(stale) is False
    assert stale.status == JobStatus.RUNNING and stale.started_at == job.started_at


def test_progress_then_done_fills_the_bar_and_keeps_the_report() -> None:
    job = start_job(JobKind.IMPORT_HISTORY, {"directory": "/x"}, total=10)
    assert job.status == JobStatus.RUNNING and job.started_at is not None
    update_job_progress(job, 4)
    assert Job.objects.get(pk=job.pk).progress_done == 4
    finish_job(job, stats={"rows": 3}, errors=["a"])
    job.refresh_from_db()
    assert (job.status, job.progress_done, job.percent) == (JobStatus.DONE, 10, 100)
    assert job.stats == {"rows": 3} and job.errors == ["a"] and job.finished_at is not None


def test_a_finished_job_is_never_finished_or_started_again() -> None:
    job = start_job(JobKind.IMPORT_HISTORY)
    finish_job(job, errors=["first"], failed=True)
    finished_at = Job.objects.get(pk=job.pk).finished_at
    finish_job(job, stats={"late": 1})
    assert mark_running(job) is False
    job.refresh_from_db()
    assert (job.status, job.errors, job.stats) == (JobStatus.FAILED, ["first"], {})
    assert job.finished_at == finished_at


def test_failed_progress_is_not_filled() -> None:
    job = start_job(JobKind.IMPORT_HISTORY, total=10)
    update_job_progress(job, 3)
    finish_job(job, failed=True)
    job.refresh_from_db()
    assert (job.status, job.progress_done) == (JobStatus.FAILED, 3)


def test_the_guard_fails_the_job_and_reraises_but_keeps_a_report_already_written() -> None:
    job = start_job(JobKind.IMPORT_PRODUCTS)
    with pytest.raises(KeyError), failing_job_on_error(job):
        raise KeyError("boom")
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.errors == ["KeyError('boom')"]

    expected = start_job(JobKind.IMPORT_PRODUCTS)
    with pytest.raises(FileNotFoundError), failing_job_on_error(expected, (FileNotFoundError,)):
        raise FileNotFoundError("폴더가 없습니다")
    expected.refresh_from_db()
    assert expected.errors == ["폴더가 없습니다"]

    reported = start_job(JobKind.IMPORT_BENCHMARKS)
    with pytest.raises(ValueError), failing_job_on_error(reported):
        finish_job(reported, errors=[{"reason": "the importer's own words"}], failed=True)
        raise ValueError("after the report")
    reported.refresh_from_db()
    assert reported.errors == [{"reason": "the importer's own words"}]


def test_a_task_whose_import_crashes_fails_its_job_instead_of_leaving_it_running(
    monkeypatch, tmp_path: Path
) -> None:
    import catalog.importers.price_history as history

    def crash(directory: str, job: Job | None = None) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(history, "import_price_history_dir", crash)
    job = queued()
    with pytest.raises(RuntimeError):
        catalog.tasks.import_price_history(directory=str(tmp_path), job_id=job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "disk on fire" in job.errors[0]
    assert job.started_at is not None and job.finished_at is not None


def test_a_queued_job_sends_its_task_on_commit_and_records_the_task_id(
    monkeypatch, django_capture_on_commit_callbacks
) -> None:
    sent: list[dict] = []

    class FakeTask:
        def delay(self, **kwargs: object) -> object:
            sent.append(kwargs)
            return type("Result", (), {"id": "celery-123"})()

    monkeypatch.setattr(catalog.tasks, "crawl_category", FakeTask())
    with django_capture_on_commit_callbacks(execute=True):
        job = queue_job(JobKind.CRAWL, "crawl_category", {"category_code": "112756"})
        assert sent == []
    assert sent == [{"category_code": "112756", "job_id": job.pk}]
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED and job.celery_task_id == "celery-123"
