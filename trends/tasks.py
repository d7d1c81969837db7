"""Celery tasks of trends: thin wrappers around the services (default queue)."""

from __future__ import annotations

import logging

from celery import shared_task
from django.core.cache import cache

logger = logging.getLogger(__name__)

PENDING_KEY = "trends:refresh-pending"
# Price crawls record prices in many small commits: wait this long after the first one and
# refresh once for all of them.
DEBOUNCE_SECONDS = 60


@shared_task(acks_late=True)
def refresh_trends() -> dict:
    """Rebuild the forecaster on next use, recompute the dashboard's rollups from the catalog's
    daily lowest prices (``trends.services.refresh_market_rollups``) and the cached market
    dashboard."""
    from trends.dashboard import market_summary
    from trends.forecaster import invalidate_forecaster
    from trends.services import refresh_market_rollups

    cache.delete(PENDING_KEY)
    invalidate_forecaster()
    rollups = refresh_market_rollups()
    summary = market_summary(refresh=True)
    logger.info("trends refreshed: %s products tracked", summary["tracked"])
    return {
        "tracked": summary["tracked"],
        "rollup_seconds": round(rollups.seconds, 3),
        "seconds": round(summary["seconds"], 3),
    }


@shared_task(acks_late=True)
def backtest_catalog() -> dict:
    """The weekly backtest of the forecaster on the catalog's history (its track record per
    verdict is what the product pages show next to each verdict). Safe to run twice: the same
    window is not stored again (``trends.services.backtest_catalog``)."""
    from trends.services import backtest_catalog as run

    stored = run()
    if stored is None:
        return {"stored": None}
    logger.info("trends backtest stored: %s", stored.last_line)
    return {"stored": stored.pk, "last_line": stored.last_line}


def schedule_refresh(**_: object) -> bool:
    """Enqueue one ``refresh_trends`` per debounce window (``prices_recorded`` receiver; the
    signal is already sent on commit). Returns whether a task was enqueued."""
    try:
        if not cache.add(PENDING_KEY, 1, timeout=DEBOUNCE_SECONDS * 5):
            return False
        refresh_trends.apply_async(countdown=DEBOUNCE_SECONDS)
        return True
    except Exception:
        logger.warning("trends: could not schedule the refresh", exc_info=True)
        return False
