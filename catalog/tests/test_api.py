"""The catalog API: filters shared with the pages, price history, staff writes through the
services, no N+1 on lists, clear 400s for bad input, and a schema that generates."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse

from catalog import services
from catalog.models import CategoryKind, PriceSource, Product
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

PRODUCTS_URL = "/api/v1/products/"
D0 = dt.date(2022, 3, 1)


def price(product: Product, amount: int, day: dt.date = D0, variant: str = "") -> None:
    record_prices([PriceRow(product.pk, day, amount, variant)])


@pytest.fixture
def no_parser(monkeypatch) -> list[str]:
    """Spec parsing and matching belong to other modules; here they only record their calls."""
    calls: list[str] = []
    monkeypatch.setattr(product_services, "apply_specs", lambda p: calls.append("specs") or [])
    monkeypatch.setattr(
        product_services, "apply_benchmark_match", lambda p: calls.append("match") or []
    )
    return calls


def names(response) -> list[str]:
    return [row["name"] for row in response.json()["results"]]


def test_anonymous_users_read_a_paginated_product_list_with_nested_relations(client) -> None:
    cpu = CpuBenchmarkFactory(name="Intel Core i5-12400")
    product = ProductFactory(name="데스크톱 A", cpu_model="Intel Core i5-12400", cpu_benchmark=cpu)
    price(product, 990_000)
    body = client.get(PRODUCTS_URL).json()
    assert body["count"] == 1 and {"next", "previous", "results"} <= set(body)
    row = body["results"][0]
    assert row["current_price"] == 990_000
    assert row["category"]["code"] == "112756"
    assert row["cpu_benchmark"] == {"id": cpu.pk, "name": cpu.name, "score": cpu.score}
    assert row["url"].endswith(reverse("catalog-api:product-detail", args=[product.pk]))
    assert row["danawa_url"] == f"https://prod.danawa.com/info/?pcode={product.pcode}"


def test_the_product_list_makes_the_same_few_queries_whatever_its_length(
    client, django_assert_num_queries
) -> None:
    def make(n: int) -> None:
        for _ in range(n):
            p = ProductFactory(
                manufacturer=ManufacturerFactory(),
                cpu_benchmark=CpuBenchmarkFactory(),
                gpu_benchmark=GpuBenchmarkFactory(),
            )
            price(p, 1_000_000)

    make(3)
    with django_assert_num_queries(2):  # count + one page with every relation joined
        assert client.get(PRODUCTS_URL).status_code == 200
    make(12)
    with django_assert_num_queries(2):
        assert len(client.get(PRODUCTS_URL).json()["results"]) == 15


def test_benchmark_and_category_lists_make_a_fixed_number_of_queries(
    client, django_assert_max_num_queries
) -> None:
    for _ in range(5):
        ProductFactory(cpu_benchmark=CpuBenchmarkFactory())
    for url in ("/api/v1/benchmarks/cpu/", "/api/v1/categories/", "/api/v1/manufacturers/"):
        with django_assert_max_num_queries(2):
            assert client.get(url).status_code == 200


def test_products_filter_by_category_code_or_id_and_by_kind(client) -> None:
    cpus = CategoryFactory(code="112747", name="CPU", kind=CategoryKind.CPU)
    ProductFactory(name="브랜드PC 하나")
    ProductFactory(name="CPU 하나", category=cpus)
    assert names(client.get(PRODUCTS_URL, {"category": "112747"})) == ["CPU 하나"]
    assert names(client.get(PRODUCTS_URL, {"category": str(cpus.pk)})) == ["CPU 하나"]
    assert names(client.get(PRODUCTS_URL, {"kind": "desktop"})) == ["브랜드PC 하나"]


def test_an_unknown_category_is_a_400_that_says_so(client) -> None:
    response = client.get(PRODUCTS_URL, {"category": "999999"})
    assert response.status_code == 400
    assert "알 수 없는 카테고리" in response.json()["category"][0]


@pytest.mark.parametrize(
    "params",
    [{"min_price": "abc"}, {"max_price": "1e"}, {"min_price": "-5"}, {"ordering": "pcode"},
     {"min_price": "200", "max_price": "100"}, {"manufacturer": "없는회사"}],
)  # fmt: skip
def test_bad_filter_values_are_a_400_not_a_500(client, params) -> None:
    response = client.get(PRODUCTS_URL, params)
    assert response.status_code == 400
    assert set(response.json()) & {"min_price", "max_price", "ordering", "manufacturer"}


def test_products_filter_by_price_range_on_the_current_price(client) -> None:
    for name, amount in (("싼 PC", 500_000), ("중간 PC", 1_000_000), ("비싼 PC", 3_000_000)):
        price(ProductFactory(name=name), amount)
    ProductFactory(name="가격 없는 PC")
    got = names(client.get(PRODUCTS_URL, {"min_price": "600000", "max_price": "2000000"}))
    assert got == ["중간 PC"]


def test_cpu_and_gpu_filters_match_the_model_or_the_benchmark_name(client) -> None:
    ProductFactory(name="모델명으로", cpu_model="AMD Ryzen 5 5600X")
    ProductFactory(name="벤치마크로", cpu_benchmark=CpuBenchmarkFactory(name="AMD Ryzen 5 5600G"))
    ProductFactory(name="GPU", gpu_benchmark=GpuBenchmarkFactory(name="GeForce RTX 3060"))
    ProductFactory(name="인텔", cpu_model="Intel Core i3-12100")
    assert sorted(names(client.get(PRODUCTS_URL, {"cpu": "ryzen 5"}))) == [
        "모델명으로",
        "벤치마크로",
    ]
    assert names(client.get(PRODUCTS_URL, {"gpu": "rtx 3060"})) == ["GPU"]


def test_text_search_and_manufacturer_filter(client) -> None:
    samsung = ManufacturerFactory(name="삼성전자")
    ProductFactory(name="삼성 DM500 게이밍", manufacturer=samsung)
    ProductFactory(name="LG 게이밍")
    assert names(client.get(PRODUCTS_URL, {"q": "DM500"})) == ["삼성 DM500 게이밍"]
    assert names(client.get(PRODUCTS_URL, {"manufacturer": "삼성전자"})) == ["삼성 DM500 게이밍"]
    assert names(client.get(PRODUCTS_URL, {"manufacturer": samsung.pk})) == ["삼성 DM500 게이밍"]


def test_ordering_by_price_puts_products_without_a_price_last(client) -> None:
    price(ProductFactory(name="B"), 2_000_000)
    price(ProductFactory(name="A"), 1_000_000)
    ProductFactory(name="C")
    assert names(client.get(PRODUCTS_URL, {"ordering": "price"})) == ["A", "B", "C"]
    assert names(client.get(PRODUCTS_URL, {"ordering": "-price"})) == ["B", "A", "C"]
    assert names(client.get(PRODUCTS_URL, {"ordering": "-name"})) == ["C", "B", "A"]


def test_merged_products_leave_the_list_but_stay_reachable_by_id(client) -> None:
    keep, dup = ProductFactory(name="남김"), ProductFactory(name="중복")
    services.merge_products(keep, [dup])
    assert names(client.get(PRODUCTS_URL)) == ["남김"]
    detail = client.get(f"{PRODUCTS_URL}{dup.pk}/").json()
    assert detail["is_active"] is False and detail["merged_into"] == keep.pk


def test_price_history_is_the_daily_lowest_with_the_variant_rows(client) -> None:
    product = ProductFactory()
    record_prices(
        [
            PriceRow(product.pk, D0, 900_000, "정품"),
            PriceRow(product.pk, D0, 700_000, "벌크"),
            PriceRow(product.pk, D0 + dt.timedelta(days=1), 880_000, "정품"),
        ]
    )
    body = client.get(f"{PRODUCTS_URL}{product.pk}/prices/").json()
    assert body["daily"] == [
        {"day": "2022-03-01", "price": 700_000},
        {"day": "2022-03-02", "price": 880_000},
    ]
    assert body["summary"]["min"] == 700_000 and body["summary"]["max"] == 880_000
    assert body["summary"]["avg"] == 790_000
    assert body["summary"]["lowest_in_days"] == 1  # the day before was cheaper
    assert {(r["day"], r["variant"], r["price"]) for r in body["variants"]} == {
        ("2022-03-01", "정품", 900_000),
        ("2022-03-01", "벌크", 700_000),
        ("2022-03-02", "정품", 880_000),
    }
    lean = client.get(f"{PRODUCTS_URL}{product.pk}/prices/", {"variants": "false"}).json()
    assert "variants" not in lean


def test_price_history_windows_count_back_from_the_latest_day_or_start_at_since(client) -> None:
    product = ProductFactory()
    record_prices(
        [PriceRow(product.pk, D0 + dt.timedelta(days=i), 1_000_000 - i * 1_000) for i in range(10)]
    )
    url = f"{PRODUCTS_URL}{product.pk}/prices/"
    last3 = client.get(url, {"days": "3"}).json()
    assert [r["day"] for r in last3["daily"]] == ["2022-03-08", "2022-03-09", "2022-03-10"]
    assert last3["summary"]["lowest_in_days"] == 10 and last3["summary"]["lowest_all_time"]
    since = client.get(url, {"since": "2022-03-09"}).json()
    assert len(since["daily"]) == 2 and since["since"] == "2022-03-09"


@pytest.mark.parametrize(
    ("params", "field"),
    [({"days": "abc"}, "days"), ({"days": "0"}, "days"), ({"since": "2022/03/01"}, "since"),
     ({"since": "2022-13-01"}, "since"), ({"days": "3", "since": "2022-03-01"}, "non_field_errors")],
)  # fmt: skip
def test_bad_price_history_windows_are_a_clear_400(client, params, field) -> None:
    product = ProductFactory()
    response = client.get(f"{PRODUCTS_URL}{product.pk}/prices/", params)
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == "잘못된 기간입니다." and body[field]


def test_price_history_of_an_unknown_product_is_a_404(client) -> None:
    assert client.get(f"{PRODUCTS_URL}999999/prices/").status_code == 404


def test_anonymous_users_cannot_write(client) -> None:
    """401 with the Basic challenge (how to authenticate); a signed-in non-staff user gets 403."""
    category = CategoryFactory()
    response = client.post(
        PRODUCTS_URL, {"name": "x", "category": category.code}, content_type="application/json"
    )
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Basic realm="api"'
    product = ProductFactory()
    response = client.post(
        f"{PRODUCTS_URL}{product.pk}/prices/",
        {"day": "2022-03-01", "price": 100_000},
        content_type="application/json",
    )
    assert response.status_code == 401


def test_a_signed_in_user_who_is_not_staff_cannot_write(client, django_user_model) -> None:
    client.force_login(django_user_model.objects.create_user("visitor", password="pw-12345678"))
    category = CategoryFactory()
    response = client.post(
        PRODUCTS_URL, {"name": "x", "category": category.code}, content_type="application/json"
    )
    assert response.status_code == 403


def test_wrong_basic_credentials_are_a_401_with_the_challenge(client, django_user_model) -> None:
    import base64

    django_user_model.objects.create_user("staffer", password="right-pass-123", is_staff=True)
    wrong = base64.b64encode(b"staffer:wrong").decode()
    response = client.get(PRODUCTS_URL, HTTP_AUTHORIZATION=f"Basic {wrong}")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Basic realm="api"'


def test_staff_create_products_through_upsert_product(staff_client, no_parser) -> None:
    CategoryFactory()
    payload = {
        "pcode": "17000001",
        "name": "삼성 DM500TFA",
        "category": "112756",
        "manufacturer": "삼성",  # the service canonicalises brand aliases
        "specs_raw": {"CPU": "i5-13400"},
    }
    response = staff_client.post(PRODUCTS_URL, payload, content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["manufacturer"]["name"] == "삼성전자"
    assert body["specs_raw"] == {"CPU": "i5-13400"}
    assert no_parser == ["specs", "match"]
    again = staff_client.post(PRODUCTS_URL, payload, content_type="application/json")
    # a second create with the same pcode conflicts (naming the product) and changes nothing
    assert again.status_code == 409 and again.json()["id"] == body["id"]
    assert again["Location"] == f"/api/v1/products/{body['id']}/"


def test_staff_create_rejects_an_unknown_category(staff_client, no_parser) -> None:
    response = staff_client.post(
        PRODUCTS_URL, {"name": "x", "category": "nope"}, content_type="application/json"
    )
    assert response.status_code == 400 and "카테고리" in response.json()["category"][0]


def test_staff_patch_renames_through_the_service_and_keeps_the_pcode(
    staff_client, no_parser
) -> None:
    product = ProductFactory(name="옛 이름", spec_summary="요약")
    url = f"{PRODUCTS_URL}{product.pk}/"
    response = staff_client.patch(url, {"name": "새 이름"}, content_type="application/json")
    assert response.status_code == 200
    product.refresh_from_db()
    assert product.name == "새 이름" and product.spec_summary == "요약"
    assert no_parser == ["specs"]  # re-parsed because the name changed
    bad = staff_client.patch(url, {"pcode": "other"}, content_type="application/json")
    assert bad.status_code == 400
    assert staff_client.delete(url).status_code == 405


def test_staff_post_prices_through_record_prices(staff_client) -> None:
    product = ProductFactory()
    response = staff_client.post(
        f"{PRODUCTS_URL}{product.pk}/prices/",
        [{"day": "2022-03-01", "price": 1_100_000}, {"day": "2022-03-02", "price": 1_050_000}],
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["inserted"] == 2
    product.refresh_from_db()
    assert product.current_price == 1_050_000 and product.current_price_day == dt.date(2022, 3, 2)
    assert set(product.prices.values_list("source", flat=True)) == {PriceSource.MANUAL}
    absurd = staff_client.post(
        f"{PRODUCTS_URL}{product.pk}/prices/",
        {"day": "2022-03-03", "price": 5},
        content_type="application/json",
    )
    assert absurd.status_code == 400 and "price" in absurd.json()


def test_benchmarks_search_and_order_by_score(client) -> None:
    CpuBenchmarkFactory(name="Intel Core i5-12400", score=19_500)
    CpuBenchmarkFactory(name="Intel Core i7-12700", score=30_800)
    CpuBenchmarkFactory(name="AMD Ryzen 5 5600X", score=21_900)
    got = client.get("/api/v1/benchmarks/cpu/", {"q": "intel", "ordering": "-score"}).json()
    assert [r["name"] for r in got["results"]] == ["Intel Core i7-12700", "Intel Core i5-12400"]
    GpuBenchmarkFactory(name="GeForce RTX 3060", score=17_000)
    gpus = client.get("/api/v1/benchmarks/gpu/", {"min_score": "10000"}).json()
    assert [r["name"] for r in gpus["results"]] == ["GeForce RTX 3060"]
    assert client.get("/api/v1/benchmarks/gpu/", {"min_score": "x"}).status_code == 400


def test_categories_report_their_active_product_count(client) -> None:
    ProductFactory()
    ProductFactory(is_active=False)
    body = client.get("/api/v1/categories/").json()
    assert [(c["code"], c["product_count"]) for c in body["results"]] == [("112756", 1)]


def test_the_schema_generates_with_the_product_paths(client) -> None:
    response = client.get("/api/schema/")
    assert response.status_code == 200
    text = response.content.decode()
    for path in ("/api/v1/products/", "/api/v1/products/{id}/prices/", "/api/v1/benchmarks/cpu/"):
        assert path in text


def test_the_schema_has_no_warnings(tmp_path) -> None:
    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(tmp_path / "s.yaml"))
