"""The expensive endpoints are limited per client (pcadvisor/ratelimits.py): past the limit a
429 with Retry-After and a Korean message (JSON under /api/) before any work is done; other
clients and other endpoints are not affected; the schema documents the 429."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def tight_limits(settings):
    cache.clear()
    # day-long windows: a test never straddles a window's end (fixed windows restart there)
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "estimate": "2/1d", "admin-login": "3/1d",
                            "photo-search": "1/1d"}  # fmt: skip
    yield
    cache.clear()


def test_the_estimate_api_answers_429_with_retry_after_past_the_limit(client: Client) -> None:
    body = {"cpu": "인텔 코어i5-12400F", "ram_gb": 16}
    for _ in range(2):
        assert (
            client.post(
                "/api/v1/pricing/estimate/", body, content_type="application/json"
            ).status_code
            != 429
        )
    refused = client.post("/api/v1/pricing/estimate/", body, content_type="application/json")
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 86400
    assert "1일에 2번까지" in refused.json()["detail"]
    # another client is not affected
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert (
        other.post("/api/v1/pricing/estimate/", body, content_type="application/json").status_code
        != 429
    )


def test_the_configuration_page_counts_only_computed_estimates(client: Client) -> None:
    for _ in range(5):
        assert client.get("/pricing/").status_code == 200  # the empty form costs nothing
    client.get("/pricing/?cpu=i5-12400F&ram_gb=16")
    client.get("/pricing/?cpu=i5-12400F&ram_gb=16")
    page = client.get("/pricing/?cpu=i5-12400F&ram_gb=16")
    assert page.status_code == 429 and "적정가 계산 요청이 너무 많습니다" in page.content.decode()


def test_admin_log_in_attempts_are_limited(client: Client) -> None:
    for _ in range(3):
        client.post("/admin/login/", {"username": "x", "password": "wrong"})
    refused = client.post("/admin/login/", {"username": "x", "password": "wrong"})
    assert refused.status_code == 429 and refused["Retry-After"]
    assert "관리자 로그인" in refused.content.decode()


def test_a_photo_search_over_the_limit_is_refused_before_the_upload_is_read(client: Client) -> None:
    client.post("/api/v1/similarity/search", {})
    refused = client.post("/api/v1/similarity/search", {"image": b"x" * 10})
    assert refused.status_code == 429 and "사진 검색" in refused.json()["detail"]


def test_the_schema_documents_the_429(client: Client) -> None:
    schema = client.get("/api/schema/", {"format": "json"}).json()
    for path in ("/api/v1/pricing/estimate/", "/api/v1/similarity/search"):
        response = schema["paths"][path]["post"]["responses"]["429"]
        assert "Retry-After" in response["headers"]


def test_new_llm_reasons_are_limited_per_visitor_and_the_page_still_answers(
    client: Client, settings
) -> None:
    """Past the limit the recommendation page answers as usual with template reasons; no new
    reason rows are created, so nothing more is asked of the local LLM."""
    from recommend.models import CachedReason
    from recommend.tests.helpers import cpu, desktop, gpu

    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "llm-reasons": "2/1d"}
    for i in range(4):
        desktop(cpu_bench=cpu(20_000 + i, f"Intel Core i{i}-1"), gpu_bench=gpu(10_000 + i, f"RTX {i}"),
                price=1_000_000 + i * 10_000, name=f"추천 PC {i}")  # fmt: skip
    first = client.get("/recommend/?use=gaming")
    assert first.status_code == 200
    assert CachedReason.objects.count() == 0  # 4 new reasons > 2: none asked for
    other = Client(REMOTE_ADDR="10.0.0.7")
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "llm-reasons": "10/1d"}
    assert other.get("/api/v1/recommend/?use=gaming").status_code == 200
    assert CachedReason.objects.count() == 4  # another visitor within the limit: asked for
