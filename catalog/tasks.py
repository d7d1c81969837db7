"""Celery tasks of the catalog: thin wrappers that re-fetch by id and call the services.

Import tasks run on ``default``; crawl tasks on ``crawl`` (routing in settings).
"""

from __future__ import annotations

import logging
from contextlib import AbstractContextManager

from celery import shared_task

from catalog.models import Job

logger = logging.getLogger(__name__)


def _job(job_id: int | None) -> Job | None:
    """The job a task reports to, marked running (once: see ``services.mark_running``)."""
    if job_id is None:
        return None
    job = Job.objects.filter(pk=job_id).first()
    if job is None:
        logger.warning("job %s is gone; running without progress reporting", job_id)
    else:
        from catalog.services import mark_job_started

        mark_job_started(job)
    return job


def _fail(job: Job | None, message: str) -> dict:
    from catalog.services import finish_job

    logger.warning("import failed: %s", message)
    finish_job(job, errors=[message], failed=True)
    return {"error": message}


def _guard(job: Job | None) -> AbstractContextManager[None]:
    """A crash fails the job (with the error) instead of leaving it "running" forever."""
    from catalog.services import failing_job_on_error

    return failing_job_on_error(job)


@shared_task(acks_late=True)
def import_price_history(*, directory: str, job_id: int | None = None) -> dict:
    """Import Danawa-Crawler daily price CSVs from a folder (idempotent)."""
    from catalog.importers.price_history import import_price_history_dir

    job = _job(job_id)
    with _guard(job):
        try:
            return import_price_history_dir(directory, job=job).as_dict()
        except FileNotFoundError as exc:
            return _fail(job, str(exc))


@shared_task(acks_late=True)
def import_products(*, path: str, job_id: int | None = None) -> dict:
    """Import a user's product CSV (idempotent)."""
    from catalog.importers.products import ProductCsvError, import_products_csv

    job = _job(job_id)
    with _guard(job):
        try:
            return import_products_csv(path, job=job).as_dict()
        except ProductCsvError as exc:
            return _fail(job, str(exc))


@shared_task(acks_late=True)
def import_benchmarks(*, directory: str, job_id: int | None = None) -> dict:
    """Import the PassMark CPU/GPU CSVs from a folder and re-match products (idempotent)."""
    from catalog.importers.benchmarks import import_benchmarks_dir

    job = _job(job_id)
    with _guard(job):
        return import_benchmarks_dir(directory, job=job)


# ---- crawl tasks (catalog.danawa) below ----


@shared_task(acks_late=True)
def crawl_category(
    *, category_code: str, max_pages: int | None = None, job_id: int | None = None
) -> dict:
    """Crawl one Danawa category (list + AJAX pages): products and today's prices (idempotent).

    Knobs: ``max_pages`` (default settings.DANAWA_MAX_PAGES); progress goes to Job ``job_id``.
    """
    from catalog.danawa.crawler import crawl_category as run_crawl_category

    job = _job(job_id)
    with _guard(job):
        return run_crawl_category(category_code, max_pages=max_pages, job=job).as_dict()


@shared_task(acks_late=True)
def crawl_product(*, pcode: str) -> dict:
    """Fetch one Danawa product page: specs, image and today's lowest price (idempotent)."""
    from catalog.danawa.crawler import crawl_product as run_crawl_product

    return run_crawl_product(pcode).as_dict()


@shared_task(acks_late=True)
def crawl_daily_prices() -> dict:
    """The daily price snapshot over settings.DANAWA_CATEGORIES (the beat schedule's task).

    Re-running it the same day fills what a failed run missed and duplicates nothing.
    """
    from catalog.danawa.crawler import crawl_daily_prices as run_crawl_daily_prices

    return run_crawl_daily_prices().as_dict()


# ---- upkeep (beat, every minute: migration 0010) ----


@shared_task
def sweep_jobs() -> dict:
    """Fail the running jobs, training and indexing runs and door requests whose worker stopped
    signalling past their lease (``services.sweep_lapsed``). Not acks_late: a lost sweep is
    replaced by the next one a minute later."""
    from catalog.services import sweep_lapsed

    return sweep_lapsed()
