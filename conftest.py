"""Shared pytest fixtures (clients, real data) and the test runner's start and stop.

Tests run on the real (embedded) PostgreSQL + pgvector and Redis."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

SHARED_DATA = Path(__file__).resolve().parent.parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """../shared/data (real public data); tests using it are skipped when it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is not beside the repository")
    return SHARED_DATA


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that reads ../shared/data (through the shared_data fixture) is marked realdata, so
    ``-m "not realdata"`` leaves out every one of them and no test has to remember the mark."""
    for item in items:
        if "shared_data" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.realdata)


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Each test starts with an empty Django cache (the test Redis database): pages cache what
    they compute under data versions that a test's rolled-back writes never bump (their
    signals are sent on commit), so one test's entries must not answer another's requests."""
    from django.core.cache import cache

    try:
        cache.clear()
    except Exception:  # a test of the cache being down
        pass


@pytest.fixture
def staff_client(client: Client, django_user_model: type) -> Client:
    """The test client, logged in as a staff user (not a superuser)."""
    user = django_user_model.objects.create_user("staff", password="pw", is_staff=True)
    client.force_login(user)
    return client


@pytest.fixture
def lenient_client() -> Client:
    """A client for which a 500 is an answer to assert on, not a test crash."""
    return Client(raise_request_exception=False)


def pytest_configure(config: pytest.Config) -> None:
    """The test runner is an entry point: var/, the secret key and the embedded PostgreSQL /
    Redis (importing the settings starts nothing). pytest-django has loaded the settings by now,
    and no test has connected yet."""
    from pcadvisor.startup import prepare_process

    prepare_process()


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    """Stop the embedded PostgreSQL / Redis if this pytest process started them (pytest_configure
    does, when they were not running); servers that were already running stay."""
    from django.conf import settings

    from core import embedded

    if not settings.configured:
        return
    started = embedded.started_here(settings.VAR_DIR)
    if "postgres" in started and settings.EMBEDDED_POSTGRES:
        from django.db import connections

        connections.close_all()
        embedded.stop_postgres(settings.VAR_DIR)
    if "redis" in started and settings.EMBEDDED_REDIS:
        embedded.stop_redis(settings.VAR_DIR)
