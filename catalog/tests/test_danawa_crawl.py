"""Crawling Danawa end to end against the loopback fake server: products, daily prices and
product images land once (no loss, no duplicates) through faults, failures are reported, jobs
tell the truth."""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib
import io
import json

import pytest
from django.apps import apps as django_apps
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.utils import timezone

from catalog import tasks
from catalog.benchmarks import reset_matcher
from catalog.danawa.crawler import crawl_category, crawl_daily_prices, crawl_product
from catalog.models import Job, JobKind, JobStatus, PriceSnapshot, PriceSource, Product
from catalog.signals import prices_recorded
from catalog.tests.fake_danawa import (
    FakeDanawa,
    broken_image,
    error,
    fake_danawa_fixture,  # noqa: F401 - pytest fixture
    hang,
    oversized,
    too_many_requests,
    truncated_body,
    truncated_html,
    unknown_template,
    wrong_type,
)

BRAND_PC = "112756"
CPU = "112747"
DANAWA_HOSTS = {"prod.danawa.com", "www.danawa.com", "danawa.com", "img.danawa.com"}
BRAND_PC_PCODES = [
    "19284752", "20157388", "17562011", "21004519", "18832904", "19910233", "20544127",
]  # fmt: skip


@pytest.fixture(autouse=True)
def fresh_benchmark_matcher() -> None:
    """The matcher caches benchmark rows per process; other tests' rows must not leak in."""
    reset_matcher()
    yield
    reset_matcher()


@pytest.fixture
def danawa_settings(settings, fake_danawa: FakeDanawa):
    """Point clients built from settings (tasks, command, daily crawl) at the fake server."""
    settings.DANAWA_BASE_OVERRIDE = fake_danawa.address
    settings.DANAWA_CATEGORIES = [BRAND_PC, CPU]
    settings.DANAWA_MAX_PAGES = 10
    return settings


def price_rows_per_product(day: dt.date) -> dict[str, int]:
    rows = (
        PriceSnapshot.objects.filter(day=day)
        .values("product__pcode")
        .annotate(n=Count("id"))
        .values_list("product__pcode", "n")
    )
    return dict(rows)


def with_prices(expected: dict[str, int]) -> dict[str, int]:
    return {pcode: n for pcode, n in expected.items() if n}


# --------------------------------------------------------------------------- categories


@pytest.mark.django_db(transaction=True)
def test_a_category_crawl_walks_every_page_and_stores_each_product_and_price_once(
    fake_danawa: FakeDanawa,
) -> None:
    today = timezone.localdate()

    report = crawl_category(BRAND_PC, client=fake_danawa.client())

    expected = fake_danawa.expected_price_rows(BRAND_PC)
    assert report.errors == []
    assert report.pages == 4  # three pages of products and the empty page that ends the list
    assert report.products_created == 7
    assert report.prices.inserted == sum(expected.values()) == 6
    assert price_rows_per_product(today) == with_prices(expected)
    assert [r.key for r in fake_danawa.log if r.host == "prod.danawa.com"] == [
        "robots", "list:112756:1", "list:112756:2", "list:112756:3", "list:112756:4",
    ]  # fmt: skip
    assert not Product.objects.filter(pcode__in=["18000001", "18000002"]).exists()  # ads

    lg = Product.objects.get(pcode="20157388")
    assert lg.name == "LG전자 2023 데스크톱 B80QV-AX5576"
    assert lg.category.code == BRAND_PC
    assert lg.url == "https://prod.danawa.com/info/?pcode=20157388"
    assert lg.image_source.startswith("https://img.danawa.com/prod_img/")
    assert lg.spec_summary.startswith("브랜드PC / 인텔 / 코어i5-13세대")
    assert lg.current_price == 1_089_000
    assert lg.current_price_day == today
    assert PriceSnapshot.objects.get(product=lg).source == PriceSource.CRAWL

    job = Job.objects.get(kind=JobKind.CRAWL)
    assert job.status == JobStatus.DONE
    assert job.stats["products_created"] == 7
    assert job.stats["prices"]["inserted"] == 6
    assert job.errors == []


@pytest.mark.django_db(transaction=True)
def test_the_crawl_gets_through_faults_and_finishes_once_the_server_recovers(
    fake_danawa: FakeDanawa,
) -> None:
    # Nothing here depends on how fast the machine is: the timeout is provoked by a response that
    # never comes (``hang``), not by one slower than a short timeout, so the timeout can be long
    # enough that no healthy response under load ever trips it; and the retry budget (5 attempts)
    # is pinned here instead of coming from settings, one more than the worst page needs.
    today = timezone.localdate()
    fake_danawa.inject("robots", error(503))
    fake_danawa.inject("list:112756:1", error(500), too_many_requests("0"))
    fake_danawa.inject("list:112756:2", truncated_body(), truncated_html(), error(502))
    fake_danawa.inject("list:112756:3", hang())
    fake_danawa.inject("list:112756:4", truncated_html())

    try:
        report = crawl_category(
            BRAND_PC, client=fake_danawa.client(timeout=1.0, max_retries=4, backoff=0.0)
        )
    finally:
        fake_danawa.release()

    expected = fake_danawa.expected_price_rows(BRAND_PC)
    assert report.errors == []
    assert report.products_created == 7
    assert report.images_downloaded == 7
    assert price_rows_per_product(today) == with_prices(expected)
    assert PriceSnapshot.objects.count() == 6

    def faults(key: str) -> list[str]:
        return [r.fault for r in fake_danawa.requests_for(key) if r.host == "prod.danawa.com"]

    # each fault cost exactly one retry, and nothing was fetched again once it had succeeded
    assert faults("robots") == ["status", ""]
    assert faults("list:112756:1") == ["status", "status", ""]
    assert faults("list:112756:2") == ["truncated_body", "truncated_html", "status", ""]
    assert faults("list:112756:3") == ["hang", ""]
    assert faults("list:112756:4") == ["truncated_html", ""]
    assert {r.host for r in fake_danawa.log} <= DANAWA_HOSTS
    assert Job.objects.get().status == JobStatus.DONE


@pytest.mark.django_db(transaction=True)
def test_a_second_crawl_the_same_day_adds_nothing(fake_danawa: FakeDanawa) -> None:
    today = timezone.localdate()
    crawl_category(BRAND_PC, client=fake_danawa.client())
    first_ids = set(PriceSnapshot.objects.values_list("id", flat=True))

    again = crawl_category(BRAND_PC, client=fake_danawa.client())

    assert again.products_created == 0
    assert again.products_unchanged == 7
    assert (again.prices.inserted, again.prices.updated, again.prices.unchanged) == (0, 0, 6)
    assert set(PriceSnapshot.objects.values_list("id", flat=True)) == first_ids
    assert price_rows_per_product(today) == with_prices(fake_danawa.expected_price_rows(BRAND_PC))


@pytest.mark.django_db(transaction=True)
def test_a_recrawl_with_a_new_price_updates_the_days_row_instead_of_adding_one(
    fake_danawa: FakeDanawa,
) -> None:
    crawl_category(BRAND_PC, client=fake_danawa.client())
    fake_danawa.product("19284752").price = 629_000

    again = crawl_category(BRAND_PC, client=fake_danawa.client())

    assert (again.prices.inserted, again.prices.updated) == (0, 1)
    samsung = Product.objects.get(pcode="19284752")
    assert list(samsung.prices.values_list("price", flat=True)) == [629_000]
    assert samsung.current_price == 629_000


@pytest.mark.django_db(transaction=True)
def test_a_page_that_fails_after_retries_is_reported_and_a_later_run_fills_the_gap(
    fake_danawa: FakeDanawa, settings
) -> None:
    settings.DANAWA_MAX_RETRIES = 1
    today = timezone.localdate()
    fake_danawa.always("list:112756:2", error(500))

    first = crawl_category(BRAND_PC, client=fake_danawa.client())

    assert first.pages_failed == 1
    assert len(first.errors) == 1
    assert "page=2" in first.errors[0]["url"]
    assert "HTTP 500" in first.errors[0]["reason"]
    assert first.products_created == 4  # pages 1 and 3 were still read
    job = Job.objects.get()
    assert job.status == JobStatus.DONE
    assert job.errors[0]["url"] == first.errors[0]["url"]

    fake_danawa.clear()
    second = crawl_category(BRAND_PC, client=fake_danawa.client())

    assert second.errors == []
    assert second.products_created == 3
    assert price_rows_per_product(today) == with_prices(fake_danawa.expected_price_rows(BRAND_PC))


@pytest.mark.django_db(transaction=True)
def test_an_unknown_template_everywhere_is_a_failed_job_not_an_empty_success(
    fake_danawa: FakeDanawa,
) -> None:
    for page in (1, 2, 3, 4):
        fake_danawa.always(f"list:{BRAND_PC}:{page}", unknown_template())

    report = crawl_category(BRAND_PC, client=fake_danawa.client())

    assert report.failed
    assert report.pages == 0
    assert {e["kind"] for e in report.errors} == {"unknown_template", "aborted"}
    assert "알 수 없는 페이지 구조" in report.errors[0]["reason"]
    assert not Product.objects.exists()
    job = Job.objects.get()
    assert job.status == JobStatus.FAILED
    assert job.errors[0]["kind"] == "unknown_template"
    # it stopped after three unreadable pages in a row instead of walking on forever
    assert not fake_danawa.requests_for(f"list:{BRAND_PC}:4")


@pytest.mark.django_db(transaction=True)
def test_an_unknown_template_on_one_page_is_an_error_while_the_other_pages_are_kept(
    fake_danawa: FakeDanawa,
) -> None:
    fake_danawa.always(f"list:{BRAND_PC}:2", unknown_template())

    report = crawl_category(BRAND_PC, client=fake_danawa.client())

    assert [e["kind"] for e in report.errors] == ["unknown_template"]
    assert report.products_created == 4
    assert not report.failed
    assert Job.objects.get().status == JobStatus.DONE


@pytest.mark.django_db(transaction=True)
def test_a_malformed_category_code_is_refused_without_any_request(
    fake_danawa: FakeDanawa,
) -> None:
    report = crawl_category("112756&evil=1", client=fake_danawa.client())

    assert report.failed
    assert report.errors[0]["kind"] == "DisallowedURLError"
    assert fake_danawa.log == []
    assert Job.objects.get().status == JobStatus.FAILED


@pytest.mark.django_db(transaction=True)
def test_max_pages_limits_the_walk_and_progress_reaches_the_job(fake_danawa: FakeDanawa) -> None:
    job = Job.objects.create(kind=JobKind.CRAWL, params={"category_code": BRAND_PC})

    report = crawl_category(BRAND_PC, max_pages=2, client=fake_danawa.client(), job=job)

    assert report.pages == 2
    assert report.products_created == 6
    job.refresh_from_db()
    assert (job.status, job.progress_done, job.progress_total) == (JobStatus.DONE, 2, 2)
    assert job.started_at is not None and job.finished_at is not None


@pytest.mark.django_db(transaction=True)
def test_prices_are_recorded_on_the_korean_calendar_day(
    fake_danawa: FakeDanawa, monkeypatch
) -> None:
    # 16:30 UTC on 1 March is 01:30 on 2 March in Seoul.
    monkeypatch.setattr(timezone, "now", lambda: dt.datetime(2026, 3, 1, 16, 30, tzinfo=dt.UTC))

    crawl_category(BRAND_PC, max_pages=1, client=fake_danawa.client())

    assert set(PriceSnapshot.objects.values_list("day", flat=True)) == {dt.date(2026, 3, 2)}


@pytest.mark.django_db(transaction=True)
def test_downstream_apps_hear_about_recorded_prices_after_commit(fake_danawa: FakeDanawa) -> None:
    heard: list[int] = []

    def receiver(sender: object, product_ids: list[int], days: list[str], **kwargs: object) -> None:
        heard.extend(product_ids)

    prices_recorded.connect(receiver)
    try:
        crawl_category(BRAND_PC, client=fake_danawa.client())
    finally:
        prices_recorded.disconnect(receiver)

    priced = set(Product.objects.filter(prices__isnull=False).values_list("id", flat=True))
    assert set(heard) == priced
    assert len(priced) == 6


# --------------------------------------------------------------------------- products


@pytest.mark.django_db(transaction=True)
def test_crawl_product_updates_specs_and_todays_price(fake_danawa: FakeDanawa) -> None:
    today = timezone.localdate()
    crawl_category(BRAND_PC, max_pages=1, client=fake_danawa.client())

    report = crawl_product("20157388", client=fake_danawa.client())
    crawl_product("20157388", client=fake_danawa.client())

    assert report.errors == []
    assert report.products_updated == 1
    lg = Product.objects.get(pcode="20157388")
    assert lg.specs_raw["제조회사"] == "LG전자"
    assert lg.specs_raw["램"] == "16GB"
    assert lg.manufacturer.name == "LG전자"
    assert list(lg.prices.filter(day=today).values_list("variant", "price")) == [("", 1_089_000)]


@pytest.mark.django_db(transaction=True)
def test_crawl_product_creates_a_new_product_in_its_breadcrumb_category(
    fake_danawa: FakeDanawa,
) -> None:
    report = crawl_product("15689330", client=fake_danawa.client())

    assert report.products_created == 1
    cpu = Product.objects.get(pcode="15689330")
    assert cpu.category.code == CPU
    assert cpu.current_price == 128_900  # the lowest new-product price, not the used one


@pytest.mark.django_db(transaction=True)
def test_crawl_product_reports_pages_robots_txt_forbids(fake_danawa: FakeDanawa) -> None:
    report = crawl_product("99999999", client=fake_danawa.client())

    assert report.failed
    assert report.errors[0]["kind"] == "RobotsDisallowedError"
    assert report.errors[0]["url"] == "https://prod.danawa.com/info/?pcode=99999999"
    assert not fake_danawa.requests_for("product:99999999")


@pytest.mark.django_db(transaction=True)
def test_crawl_product_reports_an_unknown_template(fake_danawa: FakeDanawa) -> None:
    fake_danawa.always("product:20157388", unknown_template())

    report = crawl_product("20157388", client=fake_danawa.client())

    assert report.failed
    assert report.errors[0]["kind"] == "unknown_template"
    assert not Product.objects.exists()


# --------------------------------------------------------------------------- images


def image_requests(fake: FakeDanawa) -> list[str]:
    return [r.key for r in fake.log if r.key.startswith("image:")]


@pytest.mark.django_db(transaction=True)
def test_a_crawl_downloads_and_stores_each_products_image(fake_danawa: FakeDanawa) -> None:
    report = crawl_category(BRAND_PC, client=fake_danawa.client())

    assert report.errors == []
    assert (report.images_downloaded, report.images_failed) == (7, 0)
    assert Job.objects.get().stats["images_downloaded"] == 7
    assert sorted(image_requests(fake_danawa)) == sorted(f"image:{p}" for p in BRAND_PC_PCODES)
    assert {r.host for r in fake_danawa.log if r.key.startswith("image:")} == {"img.danawa.com"}
    for product in Product.objects.all():
        sent = fake_danawa.image(product.pcode)
        assert product.image_sha256 == hashlib.sha256(sent).hexdigest()
        assert product.image.name.endswith(f"{product.image_sha256}.jpg")
        with product.image.open("rb") as stored:
            assert stored.read() == sent
        assert product.image_source.startswith("https://img.danawa.com/prod_img/")


@pytest.mark.django_db(transaction=True)
def test_a_second_crawl_downloads_no_image_it_already_has(fake_danawa: FakeDanawa) -> None:
    crawl_category(BRAND_PC, client=fake_danawa.client())
    files = dict(Product.objects.values_list("pcode", "image"))
    fake_danawa.log.clear()

    again = crawl_category(BRAND_PC, client=fake_danawa.client())
    by_page = crawl_product("20157388", client=fake_danawa.client())  # a 360x360 rendition

    assert (again.images_downloaded, again.images_failed) == (0, 0)
    assert again.products_unchanged == 7
    assert (by_page.images_downloaded, by_page.images_failed) == (0, 0)
    assert image_requests(fake_danawa) == []
    assert dict(Product.objects.values_list("pcode", "image")) == files


@pytest.mark.django_db(transaction=True)
def test_a_new_image_address_replaces_the_stored_picture(fake_danawa: FakeDanawa) -> None:
    crawl_category(BRAND_PC, client=fake_danawa.client())
    old = Product.objects.get(pcode="20157388")
    fake_danawa.product("20157388").image_version = 2
    fake_danawa.log.clear()

    again = crawl_category(BRAND_PC, client=fake_danawa.client())

    assert again.images_downloaded == 1
    assert image_requests(fake_danawa) == ["image:20157388"]
    lg = Product.objects.get(pcode="20157388")
    assert lg.image_sha256 == hashlib.sha256(fake_danawa.image("20157388")).hexdigest()
    assert lg.image_sha256 != old.image_sha256
    assert lg.image_source.endswith("_v=2")


@pytest.mark.django_db(transaction=True)
def test_an_image_on_a_non_danawa_host_is_refused_without_a_request(
    fake_danawa: FakeDanawa,
) -> None:
    fake_danawa.product("20157388").image_url = "https://images.example.com/pc/20157388.jpg"

    report = crawl_category(BRAND_PC, client=fake_danawa.client())

    (problem,) = report.errors
    assert problem["kind"] == "image"
    assert problem["url"] == "https://images.example.com/pc/20157388.jpg"
    assert "다나와(danawa.com) 주소가 아닙니다" in problem["reason"]
    assert (report.images_downloaded, report.images_failed) == (6, 1)
    assert "image:20157388" not in image_requests(fake_danawa)
    assert {r.host for r in fake_danawa.log} <= DANAWA_HOSTS
    lg = Product.objects.get(pcode="20157388")
    assert not lg.image and lg.current_price == 1_089_000


@pytest.mark.parametrize(
    ("fault", "reason"),
    [
        (broken_image(), "이미지를 읽을 수 없습니다"),
        (wrong_type(), "기대한 형식"),
        (oversized(6 * 1024 * 1024), "파일이 너무 큽니다"),
    ],
    ids=["broken", "wrong-type", "oversized"],
)
@pytest.mark.django_db(transaction=True)
def test_a_bad_image_is_reported_while_the_product_and_its_price_are_kept(
    fake_danawa: FakeDanawa, fault: object, reason: str
) -> None:
    today = timezone.localdate()
    fake_danawa.always("image:20157388", fault)

    report = crawl_category(BRAND_PC, client=fake_danawa.client())

    (problem,) = report.errors
    assert problem["kind"] == "image"
    assert reason in problem["reason"]
    assert problem["url"].startswith("https://img.danawa.com/prod_img/")
    assert (report.images_downloaded, report.images_failed) == (6, 1)
    assert not report.failed
    assert len(fake_danawa.requests_for("image:20157388")) == 1  # not retried: same answer
    lg = Product.objects.get(pcode="20157388")
    assert not lg.image and lg.image_sha256 == ""
    assert lg.image_source.startswith("https://img.danawa.com/")  # known, to try again
    assert lg.current_price == 1_089_000
    assert price_rows_per_product(today) == with_prices(fake_danawa.expected_price_rows(BRAND_PC))
    assert Job.objects.get().status == JobStatus.DONE

    fake_danawa.clear()
    again = crawl_category(BRAND_PC, client=fake_danawa.client())

    assert (again.images_downloaded, again.images_failed) == (1, 0)
    assert Product.objects.get(pcode="20157388").image


@pytest.mark.django_db(transaction=True)
def test_a_failed_new_image_keeps_the_old_picture_and_its_address_until_it_succeeds(
    fake_danawa: FakeDanawa,
) -> None:
    crawl_category(BRAND_PC, client=fake_danawa.client())
    before = Product.objects.get(pcode="20157388")
    fake_danawa.product("20157388").image_version = 3
    fake_danawa.always("image:20157388", broken_image())

    failed = crawl_category(BRAND_PC, client=fake_danawa.client())

    assert failed.images_failed == 1
    lg = Product.objects.get(pcode="20157388")
    assert (lg.image.name, lg.image_source) == (before.image.name, before.image_source)

    fake_danawa.clear()
    retried = crawl_category(BRAND_PC, client=fake_danawa.client())

    assert retried.images_downloaded == 1
    assert Product.objects.get(pcode="20157388").image_source.endswith("_v=3")


@pytest.mark.django_db(transaction=True)
def test_crawl_product_stores_the_image_of_a_new_product(fake_danawa: FakeDanawa) -> None:
    report = crawl_product("15689330", client=fake_danawa.client())

    assert (report.images_downloaded, report.images_failed) == (1, 0)
    cpu = Product.objects.get(pcode="15689330")
    assert cpu.image_sha256 == hashlib.sha256(fake_danawa.image("15689330")).hexdigest()


# --------------------------------------------------------------------------- daily, tasks, command


@pytest.mark.django_db(transaction=True)
def test_the_daily_snapshot_crawls_every_configured_category_in_one_job(
    fake_danawa: FakeDanawa, danawa_settings
) -> None:
    today = timezone.localdate()

    report = crawl_daily_prices()

    expected = fake_danawa.expected_price_rows(BRAND_PC) | fake_danawa.expected_price_rows(CPU)
    assert report.errors == []
    assert price_rows_per_product(today) == with_prices(expected)
    assert set(
        PriceSnapshot.objects.filter(product__pcode="15689330").values_list("variant", flat=True)
    ) == {"정품", "벌크"}  # 중고 is not stored
    job = Job.objects.get()
    assert job.status == JobStatus.DONE
    assert set(job.stats["categories"]) == {BRAND_PC, CPU}
    # one client: robots.txt fetched once per host and cached
    assert sorted(r.host for r in fake_danawa.requests_for("robots")) == [
        "img.danawa.com", "prod.danawa.com",
    ]  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_the_celery_tasks_run_the_services_and_return_json(
    fake_danawa: FakeDanawa, danawa_settings
) -> None:
    job = Job.objects.create(kind=JobKind.CRAWL, params={"category_code": BRAND_PC})

    by_category = tasks.crawl_category(category_code=BRAND_PC, max_pages=2, job_id=job.pk)
    by_product = tasks.crawl_product(pcode="20157388")
    daily = tasks.crawl_daily_prices()

    json.dumps([by_category, by_product, daily])
    assert by_category["products_created"] == 6
    assert by_product["products_updated"] + by_product["products_unchanged"] == 1
    assert daily["failed"] is False
    assert daily["prices"]["inserted"] == 1 + 4  # the 7th brand PC and the CPUs' rows
    job.refresh_from_db()
    assert job.status == JobStatus.DONE


def test_crawl_tasks_are_routed_to_the_crawl_queue() -> None:
    from celery import current_app as app

    for name in ("crawl_category", "crawl_product", "crawl_daily_prices"):
        route = app.amqp.router.route({}, f"catalog.tasks.{name}")
        assert route["queue"].name == "crawl"
        assert getattr(tasks, name).acks_late is True


@pytest.mark.django_db(transaction=True)
def test_the_management_command_crawls_and_prints_the_report(
    fake_danawa: FakeDanawa, danawa_settings
) -> None:
    out = io.StringIO()

    call_command("crawl_danawa", "--category", BRAND_PC, "--max-pages", "2", stdout=out)

    text = out.getvalue()
    assert "카테고리 112756 수집" in text
    assert "페이지 2개 (실패 0개), 상품 6개: 새 상품 6" in text
    assert "가격: 추가 5" in text
    assert Product.objects.count() == 6


@pytest.mark.django_db(transaction=True)
def test_the_management_command_fails_loudly_on_an_unknown_template(
    fake_danawa: FakeDanawa, danawa_settings
) -> None:
    fake_danawa.always("product:20157388", unknown_template())
    out = io.StringIO()

    with pytest.raises(CommandError):
        call_command("crawl_danawa", "--pcode", "20157388", stdout=out)

    assert "알 수 없는 페이지 구조" in out.getvalue()


# --------------------------------------------------------------------------- beat schedule


@pytest.mark.django_db
def test_the_schedule_migration_creates_one_daily_beat_task_and_its_reverse_removes_it() -> None:
    from django_celery_beat.models import PeriodicTask

    migration = importlib.import_module("catalog.migrations.0002_danawa_daily_crawl_schedule")
    (operation,) = migration.Migration.operations

    operation.code(django_apps, None)
    operation.code(django_apps, None)  # idempotent

    (task,) = PeriodicTask.objects.filter(task="catalog.tasks.crawl_daily_prices")
    assert task.enabled
    assert (task.crontab.hour, task.crontab.minute) == ("10", "30")
    assert str(task.crontab.timezone) == "Asia/Seoul"

    operation.reverse_code(django_apps, None)

    assert not PeriodicTask.objects.filter(task="catalog.tasks.crawl_daily_prices").exists()


@pytest.mark.django_db(transaction=True)
def test_the_crawl_stores_a_larger_rendition_than_the_list_pages_thumbnail(
    fake_danawa: FakeDanawa,
) -> None:
    from PIL import Image

    from catalog.danawa.crawler import IMAGE_RENDITION, download_address

    crawl_category(BRAND_PC, client=fake_danawa.client())
    queries = [r.query for r in fake_danawa.log if r.key.startswith("image:")]
    assert queries and all("shrink=500:500" in q for q in queries)
    product = Product.objects.get(pcode="20157388")
    with product.image.open("rb") as stored:
        assert Image.open(stored).size == IMAGE_RENDITION
    # The recorded address stays the page's, so the next crawl sees the same picture.
    assert "shrink=130:130" in product.image_source
    assert download_address("https://img.danawa.com/a_1.jpg?shrink=130:130&_v=2") == (
        "https://img.danawa.com/a_1.jpg?shrink=500:500&_v=2"
    )
    big = "https://img.danawa.com/a_1.jpg?shrink=800:800"
    assert download_address(big) == big  # never asks for less than the page names
    assert download_address("https://img.danawa.com/a_1.jpg") == "https://img.danawa.com/a_1.jpg"
