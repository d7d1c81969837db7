"""The life of a long job: queued → running → done or failed, with progress on the way.

The lifecycle functions (``mark_running``, ``set_progress``, ``mark_finished``) take any
``ProgressRecord`` whose ``status`` uses the values queued/running/done/failed (catalog's
``Job``; pricing's ``TrainingRun`` has the same states), so that every kind of job moves through
them the same way: a record is marked running once (a task that picks up a queued job and the
crawl it runs do not both start it), and a finished record is never finished again (the guard
of a task does not overwrite the report an importer already wrote). The ``*_job`` functions
below add what a catalog ``Job`` carries: kind, params, stats, errors and its Celery task.
"""

from __future__ import annotations

import datetime as dt
import importlib
import logging
from collections.abc import Iterator
from contextlib import contextmanager

from django.apps import apps
from django.db import IntegrityError, transaction
from django.db.models import Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from catalog.models import Job, JobStatus
from core.progress import LAPSED_MESSAGE, ProgressRecord

logger = logging.getLogger(__name__)

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
FINISHED = (DONE, FAILED)
MAX_ERRORS_STORED = 500


# --------------------------------------------------------------------------- any progress record


def mark_running(record: ProgressRecord, *, total: int | None = None) -> bool:
    """Move a queued record to running (``started_at`` and ``heartbeat_at`` now); True when this
    call did.

    The move is one conditional UPDATE, so of two callers (or two processes) only one starts
    the record; a record already running or finished is left as it is, except one that the
    sweep failed because its worker stopped signalling (``lapsed_at`` set): the task, delivered
    again after that worker died, takes it back (running again, its end not yet written).
    ``total`` sets ``progress_total`` either way (the runner knows how much work there is).
    """
    now = timezone.now()
    model = type(record)
    try:
        with transaction.atomic():
            started = (
                model.objects.filter(pk=record.pk)
                .filter(Q(status=QUEUED) | Q(status=FAILED, lapsed_at__isnull=False))
                .update(
                    status=RUNNING,
                    started_at=Coalesce("started_at", Value(now)),
                    heartbeat_at=now,
                    lapsed_at=None,
                    finished_at=None,
                )
                == 1
            )
    except IntegrityError:
        # a record taken back while another of its kind is active (one door request per pcode)
        started = False
    record.refresh_from_db(fields=["status", "started_at", "heartbeat_at", "lapsed_at"])
    if total is not None:
        set_progress(record, record.progress_done, total)
    return started


def set_progress(
    record: ProgressRecord, done: int, total: int | None = None, **fields: object
) -> None:
    """Record how much of the work is done (and, when given, how much there is), with any
    other progress ``fields`` of the record (a training run's ``stage``); renews its lease."""
    record.progress_done = done
    record.heartbeat_at = timezone.now()  # each report renews the lease
    names = ["progress_done", "heartbeat_at"]
    if total is not None:
        record.progress_total = total
        names.append("progress_total")
    for name, value in fields.items():
        setattr(record, name, value)
        names.append(name)
    record.save(update_fields=names)


def mark_finished(record: ProgressRecord, *, failed: bool = False, **fields: object) -> bool:
    """Move a queued or running record to done (progress full) or failed, with ``fields``
    (a Job's stats and errors, a training run's message) written in the same UPDATE.

    Returns False, writing nothing, when the record was already finished.
    """
    updates: dict[str, object] = {
        "status": FAILED if failed else DONE,
        "finished_at": timezone.now(),
        **fields,
    }
    if not failed and record.progress_total:
        updates["progress_done"] = record.progress_total
    model = type(record)
    finished = (
        model.objects.filter(pk=record.pk).exclude(status__in=FINISHED).update(**updates) == 1
    )
    if finished:
        for name, value in updates.items():
            setattr(record, name, value)
    else:
        logger.info("%s #%s is already finished; not finishing it again", model.__name__, record.pk)
        record.refresh_from_db(fields=["status", "finished_at"])
    return finished


def sweep_lapsed(now: dt.datetime | None = None) -> dict[str, int]:
    """Fail every running record whose last signal (``heartbeat_at``, else ``started_at``, else
    ``created_at``) is older than its model's ``LEASE_SECONDS``: its worker died (SIGKILL, out
    of memory, the machine) without finishing it. The reason names the last signal in Korean
    time; ``lapsed_at`` lets the task, when the broker delivers it again, take the record back.
    How many of each model, by label. (Beat runs it every minute; ``manage.py sweep_jobs``.)"""
    now = now or timezone.now()
    swept: dict[str, int] = {}
    for model in apps.get_models():
        if not issubclass(model, ProgressRecord):
            continue
        cutoff = now - dt.timedelta(seconds=model.LEASE_SECONDS)
        last = Coalesce("heartbeat_at", "started_at", "created_at")
        lapsed = model.objects.filter(status=RUNNING).alias(last=last).filter(last__lt=cutoff)
        count = 0
        for record in lapsed:
            seen = record.heartbeat_at or record.started_at or record.created_at
            reason = LAPSED_MESSAGE.format(
                last=timezone.localtime(seen).strftime("%Y-%m-%d %H:%M:%S")
            )
            # the same conditions again in the UPDATE: a report that came meanwhile wins
            count += (
                lapsed.filter(pk=record.pk).update(
                    status=FAILED, finished_at=now, lapsed_at=now, **record.lapse_fields(reason)
                )
                == 1
            )
            logger.warning("%s #%s: %s", model.__name__, record.pk, reason)
        if count:
            swept[model._meta.label] = count
    return swept


# --------------------------------------------------------------------------- catalog jobs


def start_job(kind: str, params: dict | None = None, total: int = 0) -> Job:
    """A job that runs now, in this process (a management command, a crawl without a task)."""
    return Job.objects.create(
        kind=kind,
        params=params or {},
        status=JobStatus.RUNNING,
        started_at=(now := timezone.now()),
        heartbeat_at=now,
        progress_total=total,
    )


def queue_job(kind: str, task_name: str, params: dict) -> Job:
    """A queued job: once the transaction commits, ``catalog.tasks.<task_name>`` is sent with
    ``params`` and the job id, and the Celery task id is recorded on the job. The task module
    is imported only then (not when the admin loads)."""
    job = Job.objects.create(kind=kind, status=JobStatus.QUEUED, params=params)

    def send() -> None:
        task = getattr(importlib.import_module("catalog.tasks"), task_name)
        result = task.delay(**params, job_id=job.pk)
        task_id = getattr(result, "id", None)
        if task_id:
            job.celery_task_id = str(task_id)
            Job.objects.filter(pk=job.pk).update(celery_task_id=job.celery_task_id)

    transaction.on_commit(send)
    return job


def mark_job_started(job: Job | None, *, total: int | None = None) -> bool:
    """A queued job (from an admin action) is picked up by a worker; see ``mark_running``."""
    if job is None:
        return False
    return mark_running(job, total=total)


def update_job_progress(job: Job | None, done: int, total: int | None = None) -> None:
    if job is None:
        return
    set_progress(job, done, total)


def finish_job(
    job: Job | None, *, stats: dict | None = None, errors: list | None = None, failed: bool = False
) -> None:
    """Done (or failed) with its report; stats and errors left as None keep what the job has."""
    if job is None:
        return
    fields: dict[str, object] = {}
    if stats is not None:
        fields["stats"] = stats
    if errors is not None:
        fields["errors"] = errors[:MAX_ERRORS_STORED]
    mark_finished(job, failed=failed, **fields)


@contextmanager
def failing_job_on_error(
    job: Job | None, expected: tuple[type[Exception], ...] = ()
) -> Iterator[None]:
    """Fail ``job`` when the block raises, and re-raise: a job never stays "running" after its
    worker gave up. An ``expected`` error (a missing folder) is stored as its message, any
    other as its repr. A job the block already finished keeps its report."""
    try:
        yield
    except expected as exc:
        finish_job(job, errors=[str(exc)], failed=True)
        raise
    except Exception as exc:
        finish_job(job, errors=[repr(exc)], failed=True)
        raise
