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
