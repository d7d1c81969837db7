"""Celery tasks of recommend: thin wrappers around the services (default queue)."""

from __future__ import annotations

import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(acks_late=True)
def write_reason(*, reason_id: int) -> str | None:
    """Ask the LLM for one cached reason (``recommend.services.write_cached_reason``)."""
    from recommend.services import write_cached_reason

    status = write_cached_reason(reason_id)
    if status is None:
        logger.info("reason %s is gone or already taken", reason_id)
    return status
