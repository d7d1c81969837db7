"""Crawl on demand against the loopback fake Danawa: a product that is not priced today is
fetched through the catalog's crawler on the ``crawl`` queue, with a progress page; two people
asking at once cause one crawl; failures say what went wrong, and a product the catalog already
has is shown with its last known analysis ("최신 가격 확인 실패")."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from analyze import crawl, tasks
from analyze.crawl import analysis_url, door_status, request_crawl, run_door_request, status_url
from analyze.models import DoorFailure, DoorRequest
from analyze.tests.conftest import DANAWA_HOSTS
from catalog.models import DailyLowestPrice, Job, Product
from catalog.services import PriceRow, record_prices
from catalog.signals import prices_recorded, products_changed
from catalog.tests.factories import CategoryFactory, ProductFactory
from catalog.tests.fake_danawa import (
    FakeDanawa,
    error,
    hang,
    too_many_requests,
    truncated_body,
    truncated_html,
    unknown_template,
)
from core.progress import JobStatus

PCODE = "20157388"  # LG전자 2023 데스크톱 B80QV-AX5576 in the fake Danawa
DOOR = reverse("analyze:door")


def product_requests(fake: FakeDanawa, pcode: str = PCODE) -> int:
    return len(fake.requests_for(f"product:{pcode}"))


@pytest.mark.django_db(transaction=True)
def test_a_product_new_to_the_catalog_is_crawled_on_demand_end_to_end(
    client: Client, danawa: FakeDanawa, eager: None
) -> None:
    heard: list[str] = []

    def on_products(sender: object, **kw: object) -> None:
        heard.append("products")

    def on_prices(sender: object, **kw: object) -> None:
        heard.append("prices")

    products_changed.connect(on_products)
    prices_recorded.connect(on_prices)
    try:
        _crawl_end_to_end(client, danawa, heard)
    finally:
        products_changed.disconnect(on_products)
        prices_recorded.disconnect(on_prices)


def _crawl_end_to_end(client: Client, danawa: FakeDanawa, heard: list[str]) -> None:
    confirm = client.get(DOOR, {"q": f"https://prod.danawa.com/info/?pcode={PCODE}&cate=112756"})
    assert confirm.status_code == 200
    assert "다나와에서 가져와 분석하기" in confirm.content.decode()
    assert danawa.log == [] and not DoorRequest.objects.exists()  # GET wrote and fetched nothing

    started = client.post(DOOR, {"q": PCODE})

    assert started.status_code == 302
    assert started["Location"] == status_url(PCODE)
    product = Product.objects.get(pcode=PCODE)
    assert product.name == "LG전자 2023 데스크톱 B80QV-AX5576"
    assert product.category.code == "112756"
    assert product.specs_raw and product.image
    today = timezone.localdate()
    assert DailyLowestPrice.objects.for_product(product.pk).between(today, today).get().price == (
        1_089_000
    )
    assert {"products", "prices"} <= set(heard)  # pricing, trends, similarity, recommend listen
    req = DoorRequest.objects.get()
    assert (req.status, req.product, req.failure) == (JobStatus.DONE, product, "")
    assert req.job.status == JobStatus.DONE and req.job.params["pcode"] == PCODE
    assert {r.host for r in danawa.log} <= DANAWA_HOSTS
    assert product_requests(danawa) == 1

    done = client.get(status_url(PCODE))
    assert done.status_code == 302 and done["Location"] == analysis_url(PCODE)
    # priced today now: the door goes straight to the analysis, and fetches nothing more
    again = client.post(DOOR, {"q": f"https://m.danawa.com/product/product.html?code={PCODE}"})
    assert again["Location"] == analysis_url(PCODE)
    assert client.get(DOOR, {"q": PCODE})["Location"] == analysis_url(PCODE)
    assert product_requests(danawa) == 1 and DoorRequest.objects.count() == 1


@pytest.mark.django_db
def test_a_product_priced_today_goes_straight_to_its_analysis(client: Client, danawa) -> None:
    product = ProductFactory(pcode=PCODE)
    record_prices([PriceRow(product.pk, timezone.localdate(), 1_050_000, "")])

    for response in (client.get(DOOR, {"q": PCODE}), client.post(DOOR, {"q": PCODE})):
        assert response.status_code == 302
        assert response["Location"] == analysis_url(PCODE)
    assert danawa.log == [] and not DoorRequest.objects.exists()


@pytest.mark.django_db
def test_a_catalog_product_priced_only_before_today_is_crawled_again(
    client: Client, danawa, django_capture_on_commit_callbacks, monkeypatch
) -> None:
    product = ProductFactory(pcode=PCODE)
    record_prices(
        [PriceRow(product.pk, timezone.localdate() - dt.timedelta(days=1), 1_100_000, "")]
    )
    sent: list[dict] = []
    monkeypatch.setattr(tasks.crawl_door_request, "apply_async", lambda **kw: sent.append(kw))

    page = client.get(DOOR, {"q": PCODE})
    assert "오늘 확인한 가격이 없습니다" in page.content.decode()
    assert "지난 정보로 보기" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(DOOR, {"q": PCODE})

    req = DoorRequest.objects.get()
    assert sent == [{"kwargs": {"request_id": req.pk}}]
    assert req.product == product and req.status == JobStatus.QUEUED
    run_door_request(req.pk)
    req.refresh_from_db()
    assert req.status == JobStatus.DONE
    assert Product.objects.get(pcode=PCODE).current_price == 1_089_000


@pytest.mark.django_db
def test_the_progress_page_refreshes_itself_while_the_crawl_runs(
    client: Client, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    monkeypatch.setattr(tasks.crawl_door_request, "apply_async", lambda **kw: None)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(DOOR, {"q": PCODE})["Location"] == status_url(PCODE)

    page = client.get(status_url(PCODE))
    html = page.content.decode()
    assert page.status_code == 200
    assert '<meta http-equiv="refresh" content="2">' in html
    assert "다나와에서 가져오는 중" in html
    assert "<script src" not in html
    # asking again while it runs joins the same crawl: no second request row
    assert client.post(DOOR, {"q": PCODE})["Location"] == status_url(PCODE)
    assert client.get(DOOR, {"q": PCODE})["Location"] == status_url(PCODE)
    assert DoorRequest.objects.count() == 1
    api = client.get(reverse("analyze-api:status", args=[PCODE])).json()
    assert api["status"] == "queued" and api["status_url"] == status_url(PCODE)


@pytest.mark.django_db(transaction=True)
def test_two_people_asking_for_the_same_pcode_at_once_cause_one_crawl(
    danawa: FakeDanawa, monkeypatch
) -> None:
    sent: list[int] = []
    monkeypatch.setattr(
        tasks.crawl_door_request,
        "apply_async",
        lambda **kw: sent.append(kw["kwargs"]["request_id"]),
    )
    barrier = threading.Barrier(2)
    outcomes: list[tuple[int, bool]] = []
    errors: list[BaseException] = []

    def ask(address: str) -> None:
        try:
            barrier.wait(timeout=10)
            start = request_crawl(PCODE, client=address)
            outcomes.append((start.request.pk, start.started))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=ask, args=(f"10.0.0.{i}",)) for i in (1, 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)

    assert errors == []
    assert len({pk for pk, _ in outcomes}) == 1  # both wait on the same request
    assert sorted(started for _, started in outcomes) == [False, True]
    assert DoorRequest.objects.count() == 1
    assert sent == [outcomes[0][0]]
    run_door_request(sent[0])
    assert product_requests(danawa) == 1


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_posts_through_the_door_cause_one_crawl(
    danawa: FakeDanawa, eager: None
) -> None:
    barrier = threading.Barrier(2)
    statuses: list[int] = []

    def post(address: str) -> None:
        try:
            barrier.wait(timeout=10)
            response = Client(REMOTE_ADDR=address).post(
                reverse("analyze-api:analyze"), {"url": PCODE}, content_type="application/json"
            )
            statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(f"10.0.1.{i}",)) for i in (1, 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    assert len(statuses) == 2 and set(statuses) <= {200, 202}
    assert DoorRequest.objects.count() == 1
    assert product_requests(danawa) == 1


# --------------------------------------------------------------------------- failures


def crawl_once(client: Client) -> DoorRequest:
    client.post(DOOR, {"q": PCODE})
    return DoorRequest.objects.latest("created_at")


@pytest.mark.django_db(transaction=True)
def test_a_pcode_danawa_does_not_know_says_so(client: Client, danawa, eager) -> None:
    unknown = "99887766"
    client.post(DOOR, {"q": unknown})

    req = DoorRequest.objects.get()
    assert (req.status, req.failure) == (JobStatus.FAILED, DoorFailure.NOT_FOUND)
    page = client.get(status_url(unknown))
    html = page.content.decode()
    assert page.status_code == 200
    assert "다나와에 없는 상품" in html and f"상품 코드 {unknown}인 상품이 없습니다" in html
    assert "다시 시도" not in html  # asking again would not help
    assert not Product.objects.filter(pcode=unknown).exists()
    assert req.job.status == JobStatus.FAILED


@pytest.mark.django_db(transaction=True)
def test_an_unknown_template_says_so_and_offers_a_retry(client: Client, danawa, eager) -> None:
    danawa.always(f"product:{PCODE}", unknown_template())

    req = crawl_once(client)

    assert (req.status, req.failure) == (JobStatus.FAILED, DoorFailure.UNKNOWN_TEMPLATE)
    html = client.get(status_url(PCODE)).content.decode()
    assert "처음 보는 페이지 구조" in html and "다시 시도" in html
    danawa.clear()
    assert client.post(DOOR, {"q": PCODE})["Location"] == status_url(PCODE)  # the retry
    assert client.get(status_url(PCODE))["Location"] == analysis_url(PCODE)


@pytest.mark.django_db(transaction=True)
def test_danawa_timing_out_says_시간_초과(client: Client, danawa, eager, settings) -> None:
    settings.DANAWA_TIMEOUT_SECONDS = 0.5
    danawa.always(f"product:{PCODE}", hang())
    try:
        req = crawl_once(client)
    finally:
        danawa.release()

    assert (req.status, req.failure) == (JobStatus.FAILED, DoorFailure.TIMEOUT)
    html = client.get(status_url(PCODE)).content.decode()
    assert "시간 초과" in html and "다시 시도" in html


@pytest.mark.django_db(transaction=True)
def test_a_failure_for_a_catalog_product_shows_its_last_analysis_as_stale(
    client: Client, danawa, eager
) -> None:
    product = ProductFactory(pcode=PCODE, category=CategoryFactory())
    record_prices([PriceRow(product.pk, timezone.localdate() - dt.timedelta(days=3), 990_000, "")])
    danawa.always(f"product:{PCODE}", unknown_template())

    req = crawl_once(client)

    assert req.status == JobStatus.FAILED and req.product == product
    response = client.get(status_url(PCODE))
    assert response.status_code == 302
    assert response["Location"] == analysis_url(PCODE, stale=True) == f"/analyze/{PCODE}/?stale=1"
    assert "최신 가격 확인 실패" in client.get(response["Location"]).content.decode()
    api = client.get(reverse("analyze-api:status", args=[PCODE])).json()
    assert api["stale"] is True and api["analysis_url"].endswith("?stale=1")
    assert Product.objects.get(pcode=PCODE).current_price == 990_000  # nothing lost


@pytest.mark.django_db
def test_a_crawl_past_its_time_limit_reads_as_시간_초과_and_can_be_retried(
    client: Client, monkeypatch, django_capture_on_commit_callbacks, settings
) -> None:
    sent: list[dict] = []
    monkeypatch.setattr(tasks.crawl_door_request, "apply_async", lambda **kw: sent.append(kw))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(DOOR, {"q": PCODE})
    old = timezone.now() - dt.timedelta(seconds=crawl.time_limits()[1] + 1)
    DoorRequest.objects.update(created_at=old)  # no worker ever took it

    page = client.get(status_url(PCODE))
    html = page.content.decode()
    assert "시간 초과" in html and "다시 시도" in html
    assert 'http-equiv="refresh"' not in html
    assert DoorRequest.objects.get().status == JobStatus.QUEUED  # the GET wrote nothing
    assert door_status(PCODE).failure == DoorFailure.TIMEOUT

    with django_capture_on_commit_callbacks(execute=True):
        client.post(DOOR, {"q": PCODE})  # the retry button
    first, second = DoorRequest.objects.order_by("created_at")
    assert (first.status, first.failure) == (JobStatus.FAILED, DoorFailure.TIMEOUT)
    assert second.status == JobStatus.QUEUED and len(sent) == 2
    # the first task, should it run late, leaves the closed request alone
    assert run_door_request(first.pk)["status"] == JobStatus.FAILED
    assert not Job.objects.exists()


def test_the_task_runs_on_the_crawl_queue_with_time_limits(settings) -> None:
    app = tasks.crawl_door_request.app  # the project's Celery app (settings' routes)
    route = app.amqp.router.route({}, "analyze.tasks.crawl_door_request")
    assert route["queue"].name == "crawl"
    soft, hard = crawl.time_limits()
    assert tasks.crawl_door_request.soft_time_limit == soft == 60
    assert tasks.crawl_door_request.time_limit == hard > soft


@pytest.mark.django_db
def test_a_soft_time_limit_fails_the_request_as_timed_out(danawa, monkeypatch) -> None:
    from celery.exceptions import SoftTimeLimitExceeded

    def too_slow(*args, **kwargs):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr("catalog.danawa.crawler.crawl_product", too_slow)
    req = DoorRequest.objects.create(pcode=PCODE, progress_total=1)

    result = tasks.crawl_door_request(request_id=req.pk)

    req.refresh_from_db()
    assert result["failure"] == DoorFailure.TIMEOUT
    assert (req.status, req.failure) == (JobStatus.FAILED, DoorFailure.TIMEOUT)
    assert "시간 초과" in req.message
    assert req.job.status == JobStatus.FAILED


@pytest.mark.django_db(transaction=True)
def test_a_danawa_that_keeps_failing_is_tried_three_times_at_most(
    client: Client, danawa: FakeDanawa, eager, settings
) -> None:
    settings.DANAWA_MAX_RETRIES = 4  # the daily crawl's budget; a waiting person gets less
    danawa.always(f"product:{PCODE}", error(503))

    req = crawl_once(client)

    assert (req.status, req.failure) == (JobStatus.FAILED, DoorFailure.UNREACHABLE)
    assert product_requests(danawa) == 1 + crawl.MAX_RETRIES
    assert "다나와에 연결하지 못했습니다" in client.get(status_url(PCODE)).content.decode()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "fault", [error(500), too_many_requests("1")], ids=["500", "429-retry-after"]
)
def test_a_passing_fault_is_retried_and_the_crawl_ends_done_with_one_price(
    client: Client, danawa: FakeDanawa, eager, settings, fault
) -> None:
    """Injected faults on the door's crawl (issue 14): one 500 or one 429 with Retry-After,
    then the page: the crawl is done, with the product stored once and one price for today."""
    settings.DANAWA_MAX_RETRIES = 2
    settings.DANAWA_BACKOFF_SECONDS = 0.01
    danawa.inject(f"product:{PCODE}", fault)

    req = crawl_once(client)

    assert req.status == JobStatus.DONE, req.message
    assert product_requests(danawa) == 2
    product = Product.objects.get(pcode=PCODE)
    assert DailyLowestPrice.objects.filter(product=product).count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "fault", [truncated_html(), truncated_body()], ids=["truncated-html", "truncated-body"]
)
def test_a_truncated_page_is_never_an_empty_success(
    client: Client, danawa: FakeDanawa, eager, fault
) -> None:
    """A page cut short fails the crawl with a reason (or is retried into a whole one); it is
    never "done" with nothing stored."""
    danawa.always(f"product:{PCODE}", fault)

    req = crawl_once(client)

    assert req.status == JobStatus.FAILED and req.message
    assert not Product.objects.filter(pcode=PCODE).exists()
    assert req.job.status == JobStatus.FAILED
