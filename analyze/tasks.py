"""Celery tasks of the front door: thin wrappers around ``analyze.crawl`` (queue ``crawl``,
routing in settings)."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from analyze.crawl import HARD_LIMIT_MARGIN_SECONDS

# Read once when the worker loads its tasks (Celery applies limits per task type).
_SOFT = settings.DOOR_CRAWL_TIME_LIMIT_SECONDS


@shared_task(acks_late=True, soft_time_limit=_SOFT, time_limit=_SOFT + HARD_LIMIT_MARGIN_SECONDS)
def crawl_door_request(*, request_id: int) -> dict:
    """Crawl the product page a visitor asked for at the front door (specs, image, today's
    lowest price) and record the outcome on its ``DoorRequest``.

    Knobs: ``settings.DOOR_CRAWL_TIME_LIMIT_SECONDS`` is the soft time limit (the request fails
    as "시간 초과"); the hard limit is 10 s later. Both need the prefork pool.
    """
    from analyze.crawl import run_door_request

    return run_door_request(request_id)
