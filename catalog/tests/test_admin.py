"""Catalog admin: changelists with search, hand-fixed benchmark matches, merging duplicates,
and the actions that enqueue crawl/import tasks as Jobs."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

import catalog.tasks
from catalog import services
from catalog.models import Job, JobKind, JobStatus, PriceSnapshot, Product
from catalog.services import PriceRow, record_prices
from catalog.services import products as product_services
from catalog.tests.factories import (
    CategoryFactory,
    CpuBenchmarkFactory,
    GpuBenchmarkFactory,
    ManufacturerFactory,
    ProductFactory,
)

pytestmark = pytest.mark.django_db

D0 = dt.date(2022, 5, 1)


@dataclass
class FakeTask:
    """Stands in for a Celery task: records ``delay`` calls instead of sending them."""

    calls: list[dict] = field(default_factory=list)

    def delay(self, **kwargs: object) -> object:
        self.calls.append(kwargs)
        return type("Result", (), {"id": f"task-{len(self.calls)}"})()


@pytest.fixture
def fake_tasks(monkeypatch) -> dict[str, FakeTask]:
    fakes = {}
    for name in ("crawl_category", "import_price_history", "import_products", "import_benchmarks"):
        fakes[name] = FakeTask()
        monkeypatch.setattr(catalog.tasks, name, fakes[name], raising=False)
    return fakes


def changelist(model: str) -> str:
    return reverse(f"admin:catalog_{model}_changelist")


@pytest.mark.parametrize(
    "model",
    ["category", "manufacturer", "product", "pricesnapshot", "cpubenchmark", "gpubenchmark", "job"],
)
def test_changelists_load_for_staff_with_search_and_filters(admin_client, model) -> None:
    product = ProductFactory(name="검색용 상품", cpu_benchmark=CpuBenchmarkFactory(),
                             gpu_benchmark=GpuBenchmarkFactory())  # fmt: skip
    record_prices([PriceRow(product.pk, D0, 1_000_000, "정품")])
    Job.objects.create(kind=JobKind.CRAWL, params={"category_code": "112756"})
    assert admin_client.get(changelist(model)).status_code == 200
    response = admin_client.get(changelist(model), {"q": "검색"})
    assert response.status_code == 200
    assert 'id="searchbar"' in response.content.decode()


def test_product_changelist_search_finds_by_name_and_pcode(admin_client) -> None:
    ProductFactory(name="삼성 DM500", pcode="17000001")
    ProductFactory(name="LG 데스크톱", pcode="17000002")
    html = admin_client.get(changelist("product"), {"q": "17000002"}).content.decode()
    assert "LG 데스크톱" in html and "삼성 DM500" not in html


def test_product_changelist_does_not_query_per_row(
    admin_client, django_assert_max_num_queries
) -> None:
    def make(n: int) -> None:
        for _ in range(n):
            ProductFactory(manufacturer=ManufacturerFactory(), cpu_benchmark=CpuBenchmarkFactory(),
                           gpu_benchmark=GpuBenchmarkFactory())  # fmt: skip

    make(3)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        admin_client.get(changelist("product"))
    make(20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        admin_client.get(changelist("product"))


def test_the_product_page_shows_recent_prices_newest_first_and_limited(admin_client) -> None:
    product = ProductFactory()
    record_prices([PriceRow(product.pk, D0 + dt.timedelta(days=i), 1_000_000 + i * 100)
                   for i in range(80)])  # fmt: skip
    response = admin_client.get(reverse("admin:catalog_product_change", args=[product.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("2022-07-19") < html.index("2022-07-18")  # newest first
    assert "2022-05-01" not in html  # beyond the 60 most recent rows
    assert "최근 가격 기록" in html


def product_form_data(product: Product, **changes: object) -> dict[str, object]:
    data = {
        "name": product.name, "pcode": product.pcode, "category": product.category_id,
        "manufacturer": product.manufacturer_id or "", "url": product.url,
        "image_source": product.image_source, "spec_summary": product.spec_summary,
        "specs_raw": "{}", "cpu_model": product.cpu_model, "gpu_model": product.gpu_model,
        "ram_gb": "", "ssd_gb": "", "hdd_gb": "", "vram_gb": "", "os": "", "form_factor": "",
        "cpu_benchmark": product.cpu_benchmark_id or "",
        "gpu_benchmark": product.gpu_benchmark_id or "", "is_active": "on",
        "prices-TOTAL_FORMS": "0", "prices-INITIAL_FORMS": "0",
        "prices-MIN_NUM_FORMS": "0", "prices-MAX_NUM_FORMS": "0",
        "offers-TOTAL_FORMS": "0", "offers-INITIAL_FORMS": "0",
        "offers-MIN_NUM_FORMS": "0", "offers-MAX_NUM_FORMS": "0",
    }  # fmt: skip
    data.update(changes)
    return data


def test_changing_a_benchmark_by_hand_locks_the_match(admin_client, monkeypatch) -> None:
    matched = CpuBenchmarkFactory(name="Intel Core i5-12400")
    right = CpuBenchmarkFactory(name="Intel Core i5-12400F")
    product = ProductFactory(cpu_model="i5-12400F", cpu_benchmark=matched, cpu_match_confidence=0.6)
    url = reverse("admin:catalog_product_change", args=[product.pk])
    response = admin_client.post(url, product_form_data(product, cpu_benchmark=right.pk))
    assert response.status_code == 302, response.content.decode()[:2000]
    product.refresh_from_db()
    assert product.cpu_benchmark == right
    assert product.benchmark_match_locked is True and product.cpu_match_confidence == 1.0
    # a later re-match leaves the hand-fixed match alone
    monkeypatch.setattr(product_services, "apply_specs", lambda p: [])
    monkeypatch.setattr(
        product_services, "apply_benchmark_match", lambda p: pytest.fail("re-matched")
    )
    services.rematch_benchmarks([product.pk])
    product.refresh_from_db()
    assert product.cpu_benchmark == right


def test_saving_without_touching_benchmarks_does_not_lock(admin_client) -> None:
    product = ProductFactory(cpu_benchmark=CpuBenchmarkFactory())
    url = reverse("admin:catalog_product_change", args=[product.pk])
    assert admin_client.post(url, product_form_data(product, name="새 이름")).status_code == 302
    product.refresh_from_db()
    assert product.name == "새 이름" and product.benchmark_match_locked is False


def test_a_staff_edit_is_saved_and_announced_by_the_product_service(
    admin_client, django_capture_on_commit_callbacks
) -> None:
    """admin.save_model goes through ``services.save_product``: edited specs are announced
    once with reason "specs", a new image with "image", a hand-fixed benchmark is locked (and
    announced); an edit that changes no spec announces nothing."""
    from catalog.signals import products_changed

    product = ProductFactory(cpu_benchmark=CpuBenchmarkFactory())
    url = reverse("admin:catalog_product_change", args=[product.pk])
    heard: list[tuple[list[int], str]] = []

    def receiver(sender: object, product_ids: list[int], reason: str, **kwargs: object) -> None:
        heard.append((product_ids, reason))

    def edit(*changed: str) -> tuple[bool, list[tuple[list[int], str]]]:
        heard.clear()
        with django_capture_on_commit_callbacks(execute=True):
            locked = services.save_product(product, changed, created=False)
        return locked, list(heard)

    products_changed.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = admin_client.post(url, product_form_data(product, name="새 이름"))
        assert response.status_code == 302
        assert heard == [([product.pk], "specs")]
        product.refresh_from_db()
        assert product.name == "새 이름"

        product.is_demo = True
        assert edit("is_demo") == (False, [])
        assert edit("image", "ram_gb") == (
            False,
            [([product.pk], "image"), ([product.pk], "specs")],
        )
        product.cpu_benchmark = CpuBenchmarkFactory()
        assert edit("cpu_benchmark") == (True, [([product.pk], "specs")])
    finally:
        products_changed.disconnect(receiver)
    product.refresh_from_db()
    assert product.is_demo and product.benchmark_match_locked
    assert product.cpu_match_confidence == 1.0


def test_the_rematch_action_unlocks_and_rematches(admin_client, monkeypatch) -> None:
    product = ProductFactory(benchmark_match_locked=True, cpu_benchmark=CpuBenchmarkFactory())
    other = ProductFactory(benchmark_match_locked=True)
    rematched: list[int] = []

    def fake_match(p: Product) -> list[str]:
        rematched.append(p.pk)
        p.cpu_benchmark_id = None
        return ["cpu_benchmark"]

    monkeypatch.setattr(product_services, "apply_specs", lambda p: [])
    monkeypatch.setattr(product_services, "apply_benchmark_match", fake_match)
    response = admin_client.post(
        changelist("product"),
        {"action": "rematch_benchmarks_action", ACTION_CHECKBOX_NAME: [product.pk]},
        follow=True,
    )
    assert "다시 매칭했습니다" in response.content.decode()
    product.refresh_from_db()
    other.refresh_from_db()
    assert rematched == [product.pk]
    assert product.benchmark_match_locked is False and product.cpu_benchmark is None
    assert other.benchmark_match_locked is True


def test_the_rematch_action_reports_a_failure_instead_of_crashing(
    admin_client, monkeypatch
) -> None:
    product = ProductFactory(benchmark_match_locked=True)

    def broken(p: Product) -> list[str]:
        raise NotImplementedError

    monkeypatch.setattr(product_services, "apply_specs", broken)
    response = admin_client.post(
        changelist("product"),
        {"action": "rematch_benchmarks_action", ACTION_CHECKBOX_NAME: [product.pk]},
        follow=True,
    )
    assert response.status_code == 200 and "다시 매칭하지 못했습니다" in response.content.decode()
    product.refresh_from_db()
    assert product.benchmark_match_locked is True  # the unlock was rolled back


def test_merging_asks_which_product_to_keep_then_merges(admin_client) -> None:
    keep, dup = ProductFactory(name="남길 상품"), ProductFactory(name="중복 상품")
    record_prices([PriceRow(keep.pk, D0, 1_000_000), PriceRow(dup.pk, D0, 1_200_000),
                   PriceRow(dup.pk, D0 + dt.timedelta(days=1), 990_000)])  # fmt: skip
    selection = {"action": "merge_products_action", ACTION_CHECKBOX_NAME: [keep.pk, dup.pk]}
    confirm = admin_client.post(changelist("product"), selection)
    html = confirm.content.decode()
    assert confirm.status_code == 200 and "errornote" not in html
    assert 'name="keep"' in html and "중복 상품" in html

    done = admin_client.post(
        changelist("product"), {**selection, "apply": "병합", "keep": keep.pk}, follow=True
    )
    assert "병합했습니다" in done.content.decode()
    keep.refresh_from_db()
    dup.refresh_from_db()
    assert dup.merged_into == keep and dup.is_active is False
    # the day keep already had stays; the day only the duplicate had moves over
    assert sorted(PriceSnapshot.objects.filter(product=keep).values_list("day", "price")) == [
        (D0, 1_000_000),
        (D0 + dt.timedelta(days=1), 990_000),
    ]
    assert keep.current_price == 990_000


def test_merging_without_a_choice_asks_again(admin_client) -> None:
    a, b = ProductFactory(), ProductFactory()
    response = admin_client.post(
        changelist("product"),
        {"action": "merge_products_action", ACTION_CHECKBOX_NAME: [a.pk, b.pk], "apply": "1"},
    )
    assert response.status_code == 200 and "errornote" in response.content.decode()
    assert Product.objects.filter(merged_into__isnull=False).count() == 0


def test_the_crawl_action_creates_a_queued_job_and_enqueues_the_task_on_commit(
    admin_client, fake_tasks, django_capture_on_commit_callbacks
) -> None:
    category = CategoryFactory(code="112756")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            changelist("category"),
            {"action": "crawl_from_danawa", ACTION_CHECKBOX_NAME: [category.pk]},
            follow=True,
        )
    assert "대기열에 넣었습니다" in response.content.decode()
    job = Job.objects.get()
    assert job.kind == JobKind.CRAWL and job.status == JobStatus.QUEUED
    assert fake_tasks["crawl_category"].calls == [{"category_code": "112756", "job_id": job.pk}]
    assert job.celery_task_id == "task-1"


def test_nothing_is_enqueued_when_the_transaction_does_not_commit(admin_client, fake_tasks) -> None:
    category = CategoryFactory()
    admin_client.post(
        changelist("category"), {"action": "crawl_from_danawa", ACTION_CHECKBOX_NAME: [category.pk]}
    )
    # the test transaction never commits, so on_commit never fires
    assert fake_tasks["crawl_category"].calls == []


@pytest.mark.parametrize(
    ("kind", "task", "param", "job_kind", "make"),
    [
        ("price_history", "import_price_history", "directory", JobKind.IMPORT_HISTORY, "dir"),
        ("products", "import_products", "path", JobKind.IMPORT_PRODUCTS, "file"),
        ("benchmarks", "import_benchmarks", "directory", JobKind.IMPORT_BENCHMARKS, "dir"),
    ],
)
def test_the_import_form_validates_the_path_and_enqueues_the_import(
    admin_client, fake_tasks, django_capture_on_commit_callbacks, tmp_path,
    kind, task, param, job_kind, make,
) -> None:  # fmt: skip
    url = reverse("admin:catalog_job_start_import")
    assert admin_client.get(url).status_code == 200
    target = tmp_path / "data"
    if make == "dir":
        target.mkdir()
    else:
        target.write_text("name\n", encoding="utf-8")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, {"kind": kind, "path": str(target)})
    assert response.status_code == 302
    job = Job.objects.get()
    assert job.kind == job_kind and job.status == JobStatus.QUEUED
    assert fake_tasks[task].calls == [{param: str(target.resolve()), "job_id": job.pk}]


@pytest.mark.parametrize(
    ("kind", "path", "message"),
    [
        ("price_history", "/no/such/folder", "경로가 없습니다"),
        ("price_history", "relative/path", "절대 경로를 입력하세요"),
        ("products", "DIR", "파일 경로가 필요합니다"),
        ("benchmarks", "FILE", "폴더 경로가 필요합니다"),
    ],
)
def test_the_import_form_rejects_bad_paths_with_a_clear_message(
    admin_client, fake_tasks, tmp_path, kind, path, message
) -> None:
    (tmp_path / "f.csv").write_text("x", encoding="utf-8")
    path = {"DIR": str(tmp_path), "FILE": str(tmp_path / "f.csv")}.get(path, path)
    response = admin_client.post(
        reverse("admin:catalog_job_start_import"), {"kind": kind, "path": path}
    )
    assert response.status_code == 200 and message in response.content.decode()
    assert Job.objects.count() == 0 and not any(t.calls for t in fake_tasks.values())


def test_the_import_form_is_for_staff_only(client) -> None:
    response = client.get(reverse("admin:catalog_job_start_import"))
    assert response.status_code == 302 and "/admin/login/" in response.url


def test_jobs_show_a_progress_bar_and_their_report(admin_client) -> None:
    job = Job.objects.create(
        kind=JobKind.IMPORT_HISTORY, status=JobStatus.RUNNING, progress_done=5, progress_total=20,
        stats={"inserted": 1234}, errors=["CPU_2021-01.csv:3: 가격 <오류>"],
    )  # fmt: skip
    html = admin_client.get(changelist("job")).content.decode()
    assert 'role="progressbar"' in html and "width:25%" in html and "데이터 가져오기 시작" in html
    detail = admin_client.get(reverse("admin:catalog_job_change", args=[job.pk])).content.decode()
    assert "1234" in detail and "가격 &lt;오류&gt;" in detail
