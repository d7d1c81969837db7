"""Celery tasks of similarity (routed to the ``ml`` queue in settings): thin wrappers over
``similarity.services``."""

from __future__ import annotations

import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(acks_late=True)
def index_pending_images() -> dict:
    """Embed every pending distinct picture of the catalog (batches of 32; failures are marked
    on their row and retried a bounded number of times)."""
    from django.core.cache import cache

    from similarity.services import QUEUED_KEY, index_images

    # images that change from now on queue a new run: this one may have passed them already
    cache.delete(QUEUED_KEY)
    report = index_images()
    logger.info(
        "indexed %s pictures with %s (%s failed) in %.1fs",
        report.indexed, report.embedder, report.failed, report.seconds,
    )  # fmt: skip
    return {"embedder": report.embedder, "indexed": report.indexed, "failed": report.failed}


@shared_task(acks_late=True)
def reindex_images(*, run_id: int) -> dict:
    """Run the re-index that staff asked for in admin (``IndexingRun`` ``run_id``): reset its
    rows, embed every pending picture, progress on the run."""
    from similarity.curation.reindex import run_reindex
    from similarity.models import IndexingRun

    run = IndexingRun.objects.filter(pk=run_id).first()
    if run is None:
        logger.warning("indexing run %s is gone", run_id)
        return {"error": "run gone"}
    run = run_reindex(run)
    return {"run": run.pk, "status": run.status, **(run.stats or {})}


@shared_task(acks_late=True)
def find_duplicate_products() -> dict:
    """Hash new pictures and store the near-duplicate product pairs (``find_duplicates``)."""
    from dataclasses import asdict

    from django.core.cache import cache

    from similarity.curation.duplicates import FIND_QUEUED_KEY, find_duplicates

    cache.delete(FIND_QUEUED_KEY)
    report = asdict(find_duplicates())
    report["errors"] = report["errors"][:20]
    return report


@shared_task(bind=True, acks_late=True)
def train_image_embedder(self: object, *, epochs: int, limit: int | None = None) -> dict:
    """Train the offline embedder on the catalog's pictures and switch to it; the catalog's
    re-index is queued after it (search answers from the previous embedder meanwhile).
    Progress goes to the task's state (``PROGRESS`` with ``done``/``total``).

    Knobs: ``epochs``; ``limit`` (at most this many pictures)."""
    from django.core.cache import cache

    from similarity.training import TRAINING_KEY, train_embedder

    def progress(done: int, total: int) -> None:
        self.update_state(state="PROGRESS", meta={"done": done, "total": total})  # type: ignore[attr-defined]

    try:
        report = train_embedder(epochs=epochs, limit=limit, progress=progress)
    except ValueError as exc:
        logger.warning("offline embedder not trained: %s", exc)
        return {"error": str(exc)}
    finally:
        cache.delete(TRAINING_KEY)
    logger.info("trained %s on %d pictures in %.1fs", report.key, report.images, report.seconds)
    return {"embedder": report.key, "images": report.images, "queued": report.queued}
