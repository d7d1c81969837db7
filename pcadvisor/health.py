"""Health checks behind GET /healthz: database, pgvector, Redis, Celery workers."""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import connection

logger = logging.getLogger(__name__)


def check_database() -> dict[str, object]:
    try:
        with connection.cursor() as cur:
            cur.execute("SELECT version()")
            version = cur.fetchone()[0]
        return {"ok": True, "version": version.split(" on ")[0]}
    except Exception as exc:  # noqa: BLE001 - a health check reports every failure
        return {"ok": False, "error": str(exc)}


def check_pgvector() -> dict[str, object]:
    try:
        with connection.cursor() as cur:
            cur.execute("SELECT extversion FROM pg_extension WHERE extname = 'vector'")
            row = cur.fetchone()
            if row:
                return {"ok": True, "version": row[0]}
            cur.execute("SELECT default_version FROM pg_available_extensions WHERE name = 'vector'")
            avail = cur.fetchone()
        return {
            "ok": False,
            "error": "extension not created" if avail else "pgvector is not installed",
        }
    except Exception as exc:  # noqa: BLE001
        return {"ok": False, "error": str(exc)}


def check_redis() -> dict[str, object]:
    try:
        import redis

        url = settings.CACHES["default"]["LOCATION"]
        client = redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)
        client.ping()
        return {"ok": True, "version": client.info("server").get("redis_version")}
    except Exception as exc:  # noqa: BLE001
        return {"ok": False, "error": str(exc)}


def check_workers(timeout: float = 1.0) -> dict[str, object]:
    try:
        from pcadvisor.celery import app

        replies = app.control.ping(timeout=timeout) or []
        names = sorted(name for reply in replies for name in reply)
        return {"ok": bool(names), "workers": names} | (
            {} if names else {"error": "no worker answered"}
        )
    except Exception as exc:  # noqa: BLE001
        return {"ok": False, "error": str(exc)}


def check_llm() -> dict[str, object]:
    """Ollama reachable and OLLAMA_MODEL pulled (``/api/tags``), with a short timeout
    (OLLAMA_HEALTH_TIMEOUT_SECONDS) so that a down LLM does not slow /healthz. Informational:
    without the LLM the pages show template reasons."""
    from recommend.llm import status

    return status()


def health_report() -> dict[str, object]:
    checks = {
        "database": check_database(),
        "pgvector": check_pgvector(),
        "redis": check_redis(),
        "workers": check_workers(),
        "llm": check_llm(),
    }
    # Workers being down degrades the product (no crawls, no training) but pages still work.
    essential_ok = all(checks[k]["ok"] for k in ("database", "pgvector", "redis"))
    status = (
        "ok"
        if essential_ok and checks["workers"]["ok"]
        else ("degraded" if essential_ok else "error")
    )
    return {"status": status, "checks": checks}
