"""Leases: a running record whose worker stopped signalling is failed by the sweep with the
reason, and the task, delivered again, takes it back and ends it."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

import catalog.tasks
from analyze.models import DoorRequest
from catalog.models import Job, JobKind, JobStatus, PriceSnapshot
from catalog.services import mark_running, set_progress, start_job, sweep_lapsed
from pricing.models import TrainingRun
from similarity.models import IndexingRun

pytestmark = pytest.mark.django_db

HEADER = "Id,Name,2022-03-01 10:09:23,2022-03-02 10:06:11\n"


def _age(record: object, minutes: float) -> None:
    """As if its last signal came ``minutes`` ago."""
    ago = timezone.now() - dt.timedelta(minutes=minutes)
    type(record).objects.filter(pk=record.pk).update(heartbeat_at=ago, started_at=ago)


def test_starting_and_each_progress_report_renew_the_lease() -> None:
    job = Job.objects.create(kind=JobKind.CRAWL, status=JobStatus.QUEUED)
    before = timezone.now()
    assert mark_running(job)
    assert job.heartbeat_at >= before
    _age(job, 30)
    set_progress(job, 1, 2)
    job.refresh_from_db()
    assert job.heartbeat_at >= before
    assert sweep_lapsed() == {}
    assert start_job(JobKind.CRAWL).heartbeat_at is not None


def test_a_job_silent_past_its_lease_is_failed_with_the_reason_and_a_live_one_is_left() -> None:
    dead, alive = start_job(JobKind.IMPORT_HISTORY), start_job(JobKind.CRAWL)
    Job.objects.filter(pk=dead.pk).update(errors=["1행: 가격 없음"])
    _age(dead, Job.LEASE_SECONDS / 60 + 1)
    _age(alive, Job.LEASE_SECONDS / 60 - 1)
    assert sweep_lapsed() == {"catalog.Job": 1}
    dead.refresh_from_db()
    alive.refresh_from_db()
    assert dead.status == JobStatus.FAILED and dead.lapsed_at and dead.finished_at
    assert dead.errors[0] == "1행: 가격 없음"  # the report so far is kept
    last = timezone.localtime(dead.heartbeat_at).strftime("%Y-%m-%d %H:%M:%S")
    assert dead.errors[-1] == f"작업자가 응답하지 않아 중단됨 (마지막 신호 {last})"
    assert alive.status == JobStatus.RUNNING
    assert sweep_lapsed() == {}  # once


def test_each_kind_of_record_has_its_lease_and_gets_the_reason_where_it_shows_it() -> None:
    run = TrainingRun.objects.create(status=JobStatus.RUNNING)
    indexing = IndexingRun.objects.create(
        embedder="x", mode="retry_failed", status=JobStatus.RUNNING
    )
    door = DoorRequest.objects.create(pcode="123", status=JobStatus.RUNNING)
    # training is allowed 30 minutes of silence, the others 10 and 5
    assert (TrainingRun.LEASE_SECONDS, IndexingRun.LEASE_SECONDS) == (1800, 600)
    assert DoorRequest.LEASE_SECONDS == 300
    _age(run, 20)
    _age(indexing, 11)
    _age(door, 6)
    assert sweep_lapsed() == {"similarity.IndexingRun": 1, "analyze.DoorRequest": 1}
    _age(run, 31)
    assert sweep_lapsed() == {"pricing.TrainingRun": 1}
    for record in (run, indexing, door):
        record.refresh_from_db()
        assert record.status == JobStatus.FAILED
        assert record.message.startswith("작업자가 응답하지 않아 중단됨 (마지막 신호 ")
    assert door.failure == "crash"


def test_a_running_row_without_a_heartbeat_counts_from_its_start() -> None:
    job = start_job(JobKind.CRAWL)
    ago = timezone.now() - dt.timedelta(hours=1)
    Job.objects.filter(pk=job.pk).update(heartbeat_at=None, started_at=ago)
    assert sweep_lapsed() == {"catalog.Job": 1}


def test_the_redelivered_import_takes_its_lapsed_job_back_and_ends_it_done(tmp_path: Path) -> None:
    (tmp_path / "CPU_2022-03.csv").write_text(
        HEADER + '1001,인텔 코어i5-12세대 12400F (엘더레이크),"200,000","210,000"\n',
        encoding="utf-8-sig",
    )
    job = Job.objects.create(kind=JobKind.IMPORT_HISTORY, status=JobStatus.QUEUED)
    # the first delivery: started, imported part of the work, then its worker died
    catalog.tasks.import_price_history(directory=str(tmp_path), job_id=job.pk)
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, finished_at=None)
    _age(job, 11)
    assert sweep_lapsed() == {"catalog.Job": 1}
    catalog.tasks.import_price_history(directory=str(tmp_path), job_id=job.pk)  # delivered again
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.lapsed_at is None and job.finished_at
    assert PriceSnapshot.objects.count() == 2


def test_a_lapsed_door_request_is_not_taken_back_while_a_newer_one_is_active() -> None:
    old = DoorRequest.objects.create(pcode="123", status=JobStatus.RUNNING)
    _age(old, 6)
    sweep_lapsed()
    DoorRequest.objects.create(pcode="123", status=JobStatus.QUEUED)
    old.refresh_from_db()
    assert mark_running(old) is False
    assert old.status == JobStatus.FAILED


def test_beat_sweeps_every_minute_and_the_command_does_the_same() -> None:
    task = PeriodicTask.objects.get(task="catalog.tasks.sweep_jobs")
    assert task.enabled and (task.interval.every, task.interval.period) == (1, "minutes")
    _age(start_job(JobKind.CRAWL), 60)
    out = StringIO()
    call_command("sweep_jobs", stdout=out)
    assert "catalog.Job: 1개를 실패로 표시했습니다." in out.getvalue()
    out = StringIO()
    call_command("sweep_jobs", stdout=out)
    assert "응답이 끊긴 작업이 없습니다." in out.getvalue()
