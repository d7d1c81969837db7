"""LLM reasons against a loopback fake Ollama: validated before shown, one retry with the
rejection, then the template reason; cached by (product, use case, facts); the page never waits."""

from __future__ import annotations

import json
import time

import pytest

from catalog.versions import bump_catalog_version
from recommend.llm import check_reason
from recommend.models import CachedReason, ReasonStatus
from recommend.services import write_cached_reason
from recommend.tasks import write_reason
from recommend.tests.helpers import cpu, desktop, gpu

pytestmark = pytest.mark.django_db

GOOD = (
    "i7-14700F와 RTX 4070 Ti로 최신 게임을 편하게 즐길 수 있는 PC입니다. 가격은 1,890,000원입니다."
)


@pytest.fixture
def pc() -> object:
    return desktop(
        cpu_bench=cpu(53_500, name="Intel Core i7-14700F"),
        gpu_bench=gpu(31_000, name="GeForce RTX 4070 Ti"),
        price=1_890_000, name="한성컴퓨터 보스몬스터 DX7", vram_gb=12,
    )  # fmt: skip


def open_page(client: object, captured: object) -> tuple[str, CachedReason]:
    """The page (which queues the reason after the commit) and the pending row it stored."""
    with captured() as callbacks:
        html = client.get("/recommend/?use=gaming").content.decode()
    row = CachedReason.objects.get()
    return html, row, callbacks


def test_a_good_answer_is_checked_cached_and_then_shown(
    client, ollama, pc, django_capture_on_commit_callbacks
) -> None:
    ollama.answers = [GOOD]
    html, row, callbacks = open_page(client, django_capture_on_commit_callbacks)
    assert len(callbacks) == 1 and ollama.requests == []  # queued, the page asked nothing
    assert row.status == ReasonStatus.PENDING and 'data-status="pending"' in html
    assert "자동 작성 문구" in html and "게이밍 점수" in html  # the template reason, at once
    assert write_cached_reason(row.pk) == ReasonStatus.LLM
    chat = ollama.requests_to("/api/chat")[0]
    assert chat["model"] == "exaone3.5:7.8b" and chat["keep_alive"] == "30m"
    assert json.loads(chat["messages"][1]["content"]) == {"facts": row.facts}  # only DB facts
    assert row.facts["cpu"] == "Intel Core i7-14700F" and row.facts["price"] == 1_890_000
    html = client.get("/recommend/?use=gaming").content.decode()
    assert GOOD in html and 'data-status="llm"' in html
    api = client.get("/api/v1/recommend/?use=gaming").json()["results"][0]
    assert (api["reason"], api["reason_status"]) == (GOOD, "llm")
    polled = client.get(f"/recommend/reasons/?ids={row.pk},999999").json()
    assert polled == {"reasons": [{"id": row.pk, "status": "llm", "text": GOOD}]}


def test_an_unchanged_product_is_never_asked_twice_and_a_new_price_is_new_facts(
    client, ollama, pc, django_capture_on_commit_callbacks
) -> None:
    ollama.answers = [GOOD]
    _html, row, _ = open_page(client, django_capture_on_commit_callbacks)
    write_cached_reason(row.pk)
    with django_capture_on_commit_callbacks() as again:
        client.get("/recommend/?use=gaming")
        client.get("/api/v1/recommend/?use=gaming")
    assert again == [] and CachedReason.objects.count() == 1
    assert write_cached_reason(row.pk) is None  # a redelivered task does nothing
    assert len(ollama.requests) == 1
    type(pc).objects.filter(pk=pc.pk).update(current_price=1_790_000)
    # what the price services' prices_recorded does on commit: the cached ranking is old now
    bump_catalog_version()
    client.get("/recommend/?use=gaming")
    assert CachedReason.objects.count() == 2


def test_an_invented_number_is_retried_with_the_reason_of_the_rejection(
    client, ollama, pc, django_capture_on_commit_callbacks
) -> None:
    ollama.answers = ["RTX 4070 Ti로 게임을 120프레임으로 즐기는 PC입니다.", GOOD]
    _html, row, _ = open_page(client, django_capture_on_commit_callbacks)
    assert write_cached_reason(row.pk) == ReasonStatus.LLM
    retry = ollama.requests_to("/api/chat")[1]["messages"][-1]["content"]
    assert "사실에 없는 숫자 '120'" in retry
    row.refresh_from_db()
    assert row.text == GOOD and row.attempts == 2


def test_two_rejected_answers_fall_back_to_the_labelled_template_reason(
    client, ollama, pc, django_capture_on_commit_callbacks
) -> None:
    ollama.answers = [
        "RTX 4090급 성능으로 게임을 즐기는 PC입니다.",
        "라이젠 7 7800X3D만큼 빠른 게이밍 PC입니다.",
    ]
    _html, row, _ = open_page(client, django_capture_on_commit_callbacks)
    assert write_cached_reason(row.pk) == ReasonStatus.TEMPLATE
    row.refresh_from_db()
    assert "RTX 4090" in row.raw_answer and "7800X3D" in row.raw_answer
    assert (
        row.rejection == "이 상품의 부품이 아닌 '라이젠 7 7800X3D'가 있습니다."
        and row.attempts == 2
    )
    html = client.get("/recommend/?use=gaming").content.decode()
    assert row.text in html and "자동 작성 문구" in html and 'data-status="template"' in html


def test_another_products_part_name_is_rejected(
    client, ollama, pc, django_capture_on_commit_callbacks
) -> None:
    other = desktop(
        cpu_bench=cpu(20_000, name="AMD Ryzen 5 7600"),
        gpu_bench=gpu(9_000, name="GeForce GTX 1650"),
        price=600_000,
    )
    ollama.answers = ["RX 7600보다 좋은 게이밍 PC입니다."]
    with django_capture_on_commit_callbacks():
        client.get("/recommend/?use=gaming")
    row = CachedReason.objects.get(product=pc)
    assert write_cached_reason(row.pk) == ReasonStatus.TEMPLATE
    row.refresh_from_db()
    assert row.rejection == "이 상품의 부품이 아닌 'RX 7600'가 있습니다."
    assert CachedReason.objects.filter(product=other).exists()


def test_malformed_json_is_rejected_and_retried(
    client, ollama, pc, django_capture_on_commit_callbacks
) -> None:
    ollama.behaviour = "malformed"
    ollama.answers = ["{reason: 좋은 PC"]
    _html, row, _ = open_page(client, django_capture_on_commit_callbacks)
    assert write_cached_reason(row.pk) == ReasonStatus.TEMPLATE
    row.refresh_from_db()
    assert row.attempts == 2 and "JSON" in row.rejection and "{reason: 좋은 PC" in row.raw_answer


def test_an_error_answer_falls_back_at_once_without_a_retry(
    client, ollama, pc, django_capture_on_commit_callbacks
) -> None:
    ollama.behaviour = "error"
    _html, row, _ = open_page(client, django_capture_on_commit_callbacks)
    assert write_reason.apply(kwargs={"reason_id": row.pk}).get() == ReasonStatus.TEMPLATE
    row.refresh_from_db()
    assert (
        row.attempts == 1
        and row.rejection.startswith("LLM 응답 없음")
        and "crashed" in row.rejection
    )


def test_a_slow_llm_times_out_and_never_slows_the_page(
    client, ollama, pc, settings, django_capture_on_commit_callbacks
) -> None:
    ollama.behaviour, ollama.delay = "slow", 3.0
    settings.OLLAMA_TIMEOUT_SECONDS = 0.5
    started = time.perf_counter()
    _html, row, _ = open_page(client, django_capture_on_commit_callbacks)
    assert time.perf_counter() - started < 2.0  # the page did not wait for the LLM
    started = time.perf_counter()
    assert write_cached_reason(row.pk) == ReasonStatus.TEMPLATE
    assert time.perf_counter() - started < 2.5
    row.refresh_from_db()
    assert "Timeout" in row.rejection


def test_a_down_llm_gives_the_template_reason(
    client, no_ollama, pc, django_capture_on_commit_callbacks
) -> None:
    _html, row, _ = open_page(client, django_capture_on_commit_callbacks)
    assert write_cached_reason(row.pk) == ReasonStatus.TEMPLATE
    assert (
        client.get(f"/recommend/reasons/?ids={row.pk}").json()["reasons"][0]["status"] == "template"
    )


FACTS = {"use": "게이밍", "name": "한성컴퓨터 보스몬스터 DX7", "cpu": "Intel Core i7-14700F",
         "gpu": "GeForce RTX 4070 Ti", "score": 84, "price": 1_890_000, "ram_gb": 16, "deal": "12% 저렴"}  # fmt: skip


@pytest.mark.parametrize(
    ("text", "why"),
    [
        (GOOD, ""),
        (
            "약 189만 원에 16GB 메모리와 RTX 4070 Ti를 갖춘 게이밍 PC로, 적정가보다 12% 저렴합니다.",
            "",
        ),
        ("This is a very good gaming PC for you.", "한국어 문장이 아닙니다."),
        ("게임용입니다. 빠릅니다. 가격도 좋습니다.", "3문장입니다. 1~2문장으로 쓰세요."),
        ("게" * 161, "161자입니다. 160자 이내로 쓰세요."),
        ("최저가 보장 게이밍 PC입니다.", "약속하는 말 '최저가 보장'은 쓸 수 없습니다."),
        ("무조건 사야 하는 게이밍 PC입니다.", "약속하는 말 '무조건'은 쓸 수 없습니다."),
        ("점수 95점의 게이밍 PC입니다.", "사실에 없는 숫자 '95'가 있습니다."),
        ("삼성전자 PC보다 좋은 게이밍 PC입니다.", "다른 제조사 '삼성전자'의 이름이 있습니다."),
        ("RTX 4070의 성능을 가진 PC입니다.", ""),  # part of this product's GPU name
        ("GTX 1070급 그래픽을 가진 PC입니다.", "이 상품의 부품이 아닌 'GTX 1070'가 있습니다."),
        ("그래픽 메모리 24GB로 넉넉한 PC입니다.", "사실에 없는 숫자 '24'가 있습니다."),
    ],
)
def test_the_check_before_showing(text, why) -> None:
    assert check_reason(text, FACTS, ["삼성전자", "LG전자"]) == why


def test_the_check_refuses_a_part_name_whose_numbers_are_among_the_facts() -> None:
    facts = {**FACTS, "cpu": "AMD Ryzen 5 7600", "gpu": "GeForce RTX 3060"}
    assert (
        check_reason("RX 7600 그래픽을 갖춘 PC입니다.", facts)
        == "이 상품의 부품이 아닌 'RX 7600'가 있습니다."
    )


def test_healthz_reports_the_llm_reachable_and_the_model_present(client, ollama) -> None:
    llm = client.get("/healthz").json()["checks"]["llm"]
    assert llm == {"ok": True, "reachable": True, "model": "exaone3.5:7.8b", "model_present": True}
    ollama.models = ["llama3:8b"]
    llm = client.get("/healthz").json()["checks"]["llm"]
    assert llm["reachable"] and not llm["model_present"] and "not pulled" in llm["error"]


def test_healthz_stays_fast_when_the_llm_is_down(client, no_ollama) -> None:
    started = time.perf_counter()
    llm = client.get("/healthz").json()["checks"]["llm"]
    assert time.perf_counter() - started < 3.0  # workers' ping takes its 1 s; the LLM adds little
    assert llm["ok"] is False and llm["reachable"] is False


def test_healthz_does_not_wait_for_a_hanging_llm(client, ollama, settings) -> None:
    from recommend.llm import status

    ollama.behaviour = "slow"  # /api/tags answers at once: a hanging chat must not matter
    assert status()["ok"] is True


def test_admin_shows_cached_reasons_with_facts_raw_answer_and_rejection(
    admin_client, ollama, pc, client, django_capture_on_commit_callbacks
) -> None:
    ollama.answers = ["RTX 4090급 성능을 갖춘 게이밍 PC입니다."]
    _html, row, _ = open_page(client, django_capture_on_commit_callbacks)
    write_cached_reason(row.pk)
    page = admin_client.get(f"/admin/recommend/cachedreason/{row.pk}/change/").content.decode()
    assert "프롬프트에 준 사실" in page and "Intel Core i7-14700F" in page
    assert "RTX 4090급 성능을 갖춘 게이밍 PC입니다." in page and "이 상품의 부품이 아닌" in page
    listing = admin_client.get("/admin/recommend/cachedreason/").content.decode()
    assert "자동 작성 문구" in listing


def test_the_fake_ollama_also_speaks_generate_and_tags_through_the_official_client(ollama) -> None:
    from recommend.llm import client

    ollama.answers = [GOOD]
    answer = client().generate(model="exaone3.5:7.8b", prompt="x", format="json")
    assert json.loads(answer.response) == {"reason": GOOD}
    assert [m.model for m in client().list().models] == ["exaone3.5:7.8b"]


def test_a_reason_left_claimed_by_a_dead_worker_is_written_by_the_redelivered_task_once(
    client, ollama, pc, django_capture_on_commit_callbacks
) -> None:
    import datetime as dt

    from django.utils import timezone

    from recommend.services import CLAIM_LEASE_SECONDS

    ollama.answers = [GOOD]
    _html, row, _ = open_page(client, django_capture_on_commit_callbacks)
    # claimed by a worker that was then killed: running, and not touched since
    claimed_at = timezone.now() - dt.timedelta(seconds=CLAIM_LEASE_SECONDS - 60)
    CachedReason.objects.filter(pk=row.pk).update(
        status=ReasonStatus.RUNNING, updated_at=claimed_at
    )
    assert write_reason(reason_id=row.pk) is None  # within the lease: another worker may have it
    stale = timezone.now() - dt.timedelta(seconds=CLAIM_LEASE_SECONDS + 60)
    CachedReason.objects.filter(pk=row.pk).update(updated_at=stale)
    assert write_reason(reason_id=row.pk) == ReasonStatus.LLM  # delivered again
    assert write_reason(reason_id=row.pk) is None  # and once more: nothing
    assert len(ollama.requests) == 1 and CachedReason.objects.count() == 1
