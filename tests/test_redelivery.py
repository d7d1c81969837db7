"""Every acks_late task may run twice: delivered again after its worker died (the broker's
visibility timeout), or rejected back to the queue when its pool process was lost. Each runs
here twice, or after a simulated crash (its record left running, then failed by the lease
sweep), and duplicates nothing; its record ends in one final state.

(Training, indexing and LLM tasks: pricing/tests/test_training_run_lifecycle.py, the
similarity and recommend tests named in README's "Faults" section.)"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.db.models import Count
from django.utils import timezone

from analyze.models import DoorRequest
from analyze.tasks import crawl_door_request
from catalog import tasks
from catalog.benchmarks import reset_matcher
from catalog.models import Job, JobKind, JobStatus, PriceSnapshot, Product
from catalog.services import sweep_lapsed
from catalog.tests.fake_danawa import FakeDanawa, fake_danawa_fixture  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db

BRAND_PC = "112756"
PCODE = "20157388"  # a desktop of the fake Danawa's brand-PC category


@pytest.fixture(autouse=True)
def fresh_benchmark_matcher() -> None:
    reset_matcher()
    yield
    reset_matcher()


@pytest.fixture
def danawa(settings, fake_danawa: FakeDanawa) -> FakeDanawa:  # noqa: F811
    settings.DANAWA_BASE_OVERRIDE = fake_danawa.address
    settings.DANAWA_CATEGORIES = [BRAND_PC]
    settings.DANAWA_MAX_PAGES = 10
    settings.DANAWA_MAX_RETRIES = 0
    return fake_danawa


def _queued(kind: str) -> Job:
    return Job.objects.create(kind=kind, status=JobStatus.QUEUED)


def _crashed(record: object) -> None:
    """Its worker died: left running, silent for an hour, then failed by the sweep."""
    ago = timezone.now() - dt.timedelta(hours=1)
    type(record).objects.filter(pk=record.pk).update(
        status=JobStatus.RUNNING, finished_at=None, heartbeat_at=ago, started_at=ago
    )
    assert sweep_lapsed() == {type(record)._meta.label: 1}


def _rows_per_product() -> dict[str, int]:
    rows = PriceSnapshot.objects.values("product__pcode").annotate(n=Count("id"))
    return {r["product__pcode"]: r["n"] for r in rows}


def test_import_price_history_twice_adds_nothing_and_both_jobs_end_done(tmp_path: Path) -> None:
    (tmp_path / "CPU_2022-03.csv").write_text(
        "Id,Name,2022-03-01 10:09:23,2022-03-02 10:06:11\n"
        '1001,인텔 코어i5-12세대 12400F (엘더레이크),"200,000","정품_210,000|벌크_180,000"\n',
        encoding="utf-8-sig",
    )
    first, second = _queued(JobKind.IMPORT_HISTORY), _queued(JobKind.IMPORT_HISTORY)
    tasks.import_price_history(directory=str(tmp_path), job_id=first.pk)
    again = tasks.import_price_history(directory=str(tmp_path), job_id=second.pk)
    assert PriceSnapshot.objects.count() == 3 and again["inserted"] == 0
    assert set(Job.objects.values_list("status", flat=True)) == {JobStatus.DONE}
    # and the same delivery twice (one job): done once
    tasks.import_price_history(directory=str(tmp_path), job_id=first.pk)
    first.refresh_from_db()
    assert first.status == JobStatus.DONE and PriceSnapshot.objects.count() == 3


def test_import_products_after_a_crash_ends_done_with_each_product_once(tmp_path: Path) -> None:
    (tmp_path / "c.csv").write_text(
        "name,category,price,pcode,manufacturer,specs,image,date\n"
        "라이젠 5600X,cpu,180000,555,,,,2024-05-01\n"
        "라이젠 7700X,cpu,330000,556,,,,2024-05-01\n",
        encoding="utf-8",
    )
    job = _queued(JobKind.IMPORT_PRODUCTS)
    tasks.import_products(path=str(tmp_path / "c.csv"), job_id=job.pk)
    _crashed(job)
    tasks.import_products(path=str(tmp_path / "c.csv"), job_id=job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.lapsed_at is None
    assert Product.objects.count() == 2 and PriceSnapshot.objects.count() == 2


def test_crawl_category_after_a_crash_ends_done_with_each_price_once(danawa: FakeDanawa) -> None:
    job = _queued(JobKind.CRAWL)
    tasks.crawl_category(category_code=BRAND_PC, job_id=job.pk)
    expected = {k: v for k, v in danawa.expected_price_rows(BRAND_PC).items() if v}
    assert _rows_per_product() == expected
    _crashed(job)
    tasks.crawl_category(category_code=BRAND_PC, job_id=job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.lapsed_at is None
    assert _rows_per_product() == expected
    # the daily crawl and a one-product crawl of the same day: nothing new either
    tasks.crawl_daily_prices()
    tasks.crawl_product(pcode=PCODE)
    tasks.crawl_product(pcode=PCODE)
    assert _rows_per_product() == expected


def test_a_door_crawl_whose_worker_died_is_taken_back_and_ends_done_once(
    danawa: FakeDanawa,
) -> None:
    req = DoorRequest.objects.create(pcode=PCODE, status=JobStatus.QUEUED, progress_total=1)
    _crashed(req)  # picked up, then its worker died before writing anything
    req.refresh_from_db()
    assert req.status == JobStatus.FAILED and "작업자가 응답하지 않아 중단됨" in req.message
    assert crawl_door_request(request_id=req.pk)["status"] == JobStatus.DONE
    assert crawl_door_request(request_id=req.pk)["status"] == JobStatus.DONE  # once more
    req.refresh_from_db()
    assert req.status == JobStatus.DONE and req.message == ""
    assert _rows_per_product() == {PCODE: 1}
    assert (
        Job.objects.filter(kind=JobKind.CRAWL).count() == 1
    )  # the second delivery crawled nothing


# Where each acks_late task is run twice or after a crash. A new acks_late task fails the test
# below until it is given one.
REDELIVERY_TESTS = {
    "catalog.tasks.import_price_history": "tests/test_redelivery.py",
    "catalog.tasks.import_products": "tests/test_redelivery.py",
    "catalog.tasks.import_benchmarks": "catalog/tests/test_import_benchmarks.py",
    "catalog.tasks.crawl_category": "tests/test_redelivery.py",
    "catalog.tasks.crawl_product": "tests/test_redelivery.py",
    "catalog.tasks.crawl_daily_prices": "tests/test_redelivery.py",
    "analyze.tasks.crawl_door_request": "tests/test_redelivery.py",
    "pricing.tasks.train_pricing_model": "pricing/tests/test_training_run_lifecycle.py",
    "pricing.tasks.refresh_pricing_predictions": "pricing/tests/test_reads_and_refreshes.py",
    "similarity.tasks.index_pending_images": "similarity/tests/test_admin_status.py",
    "similarity.tasks.reindex_images": "similarity/tests/test_admin_status.py",
    "similarity.tasks.find_duplicate_products": "similarity/tests/test_duplicates.py",
    "similarity.tasks.train_image_embedder": "similarity/tests/test_trained_embedder.py",
    "recommend.tasks.write_reason": "recommend/tests/test_llm_reasons.py",
    "trends.tasks.refresh_trends": "tests/test_redelivery.py",
    "trends.tasks.backtest_catalog": "trends/tests/test_catalog_backtest.py",
}


def test_every_acks_late_task_has_a_redelivery_test_and_the_visibility_timeout_fits() -> None:
    from pcadvisor.celery import app

    app.loader.import_default_modules()
    late = {name for name, task in app.tasks.items() if getattr(task, "acks_late", False)}
    assert late == set(REDELIVERY_TESTS)
    root = Path(__file__).resolve().parent.parent
    assert all((root / path).exists() for path in REDELIVERY_TESTS.values())
    options = app.conf.broker_transport_options
    assert options["visibility_timeout"] == 2 * 3600
    assert app.conf.task_reject_on_worker_lost is True
    # longer than any task's hard time limit (a task still running is never delivered twice)
    limits = [t.time_limit for n, t in app.tasks.items() if n in late and t.time_limit]
    assert limits and max(limits) < options["visibility_timeout"]


def test_refresh_trends_twice_gives_the_same_rollups(tmp_path: Path) -> None:
    from trends.models import MarketIndexDay, MarketRollup, ProductWindow
    from trends.tasks import refresh_trends

    (tmp_path / "CPU_2022-03.csv").write_text(
        "Id,Name,2022-03-01 10:09:23,2022-03-02 10:06:11,2022-03-03 10:00:00\n"
        '1001,인텔 코어i5-12세대 12400F (엘더레이크),"200,000","190,000","180,000"\n'
        '1002,AMD 라이젠5-4세대 5600X (버미어),"250,000","250,000","240,000"\n',
        encoding="utf-8-sig",
    )
    tasks.import_price_history(directory=str(tmp_path))

    def tables() -> tuple[int, int, int]:
        return (
            MarketRollup.objects.count(),
            MarketIndexDay.objects.count(),
            ProductWindow.objects.count(),
        )

    first = refresh_trends()
    counts = tables()
    second = refresh_trends()
    assert any(counts)
    assert first["tracked"] == second["tracked"] and tables() == counts
