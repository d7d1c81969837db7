"""Dashboard, product panel, API and signals on the real (test) PostgreSQL."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import include, path

from catalog.models import CategoryKind, PriceSource
from catalog.services import PriceRow, delete_prices, record_prices
from catalog.signals import prices_recorded
from catalog.tests.factories import CategoryFactory, GpuBenchmarkFactory, ProductFactory
from trends import forecaster, services
from trends.dashboard import CACHE_KEY, compute_market_summary, market_summary
from trends.services import LATEST_BACKTEST_KEY
from trends.tasks import PENDING_KEY, refresh_trends

urlpatterns = [
    path("", include("pcadvisor.urls")),
    path("trends/", include("trends.urls")),
    path("api/v1/trends/", include("trends.api.urls")),
]

END = dt.date(2024, 3, 31)
pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


@pytest.fixture(autouse=True)
def _fresh_state() -> None:
    cache.delete_many([CACHE_KEY, forecaster.VERSION_KEY, PENDING_KEY, LATEST_BACKTEST_KEY])
    forecaster._state = None
    yield
    forecaster._state = None


def add_prices(
    product: object, prices: list[int], *, end: dt.date = END, variant: str = ""
) -> None:
    start = end - dt.timedelta(days=len(prices) - 1)
    record_prices(
        (
            PriceRow(product.pk, start + dt.timedelta(days=i), price, variant=variant)
            for i, price in enumerate(prices)
            if price
        ),
        source=PriceSource.DEMO,
    )


@pytest.fixture
def market() -> dict[str, object]:
    """20 graphics cards falling 0.5 %/day, 10 flat ones, one rising, one too new."""
    gpu = CategoryFactory(code="112753", name="그래픽카드", kind=CategoryKind.GPU)
    bench = GpuBenchmarkFactory(score=15000)
    falling = [ProductFactory(category=gpu, gpu_benchmark=bench) for _ in range(20)]
    for i, p in enumerate(falling):
        add_prices(p, [round((800_000 + 1000 * i) * 0.995**d) for d in range(60)])
    flat = [ProductFactory(category=gpu) for _ in range(10)]
    for p in flat:
        add_prices(p, [1_200_000] * 60)
    riser = ProductFactory(category=gpu, name="오르는 카드")
    add_prices(riser, [3_500_000 + 20_000 * d for d in range(60)])
    new = ProductFactory(category=gpu, name="새 카드")
    add_prices(new, [700_000] * 5)
    empty = ProductFactory(category=gpu, name="가격 없는 카드")
    return {"falling": falling, "flat": flat, "riser": riser, "new": new, "empty": empty}


def test_the_market_summary_counts_directions_per_price_band(market: dict) -> None:
    summary = compute_market_summary()
    assert summary["end"] == END
    assert summary["tracked"] == 31  # the new card has no price 10 days ago
    assert summary["counts"] == {"up": 1, "flat": 10, "down": 20}
    bands = {b["label"]: b for b in summary["bands"]}
    assert bands["50~100만"]["down"] == 20
    assert bands["50~100만"]["average_change"] == pytest.approx(0.995**10 - 1, abs=1e-3)
    assert bands["100~150만"]["flat"] == 10
    assert bands["300만 이상"]["up"] == 1
    assert summary["risers"][0]["name"] == "오르는 카드"
    assert len(summary["fallers"]) == 5
    assert len(summary["index"]) == 60
    assert summary["index"][0][1] == pytest.approx(100.0)


def test_the_cached_summary_is_reused_until_the_refresh_after_recorded_prices(
    market: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("trends.tasks.refresh_trends.apply_async", lambda **kw: None)
    first = market_summary()
    delete_prices([market["riser"].pk])
    prices_recorded.send(sender=None, product_ids=[market["riser"].pk], days=[])
    assert market_summary()["tracked"] == first["tracked"]
    assert refresh_trends()["tracked"] == first["tracked"] - 1
    assert market_summary()["tracked"] == first["tracked"] - 1


def test_an_empty_catalog_has_an_empty_dashboard() -> None:
    summary = compute_market_summary()
    assert summary["tracked"] == 0 and summary["index"] == []


def test_a_falling_product_gets_a_wait_verdict_with_reason_and_chart(market: dict) -> None:
    trend = forecaster.product_trend(market["falling"][3])
    assert trend.status == "ok"
    assert trend.verdict == "wait"
    assert "내렸습니다" in trend.reason
    svg = forecaster.trend_chart_svg(trend)
    assert "chart-line-forecast" in svg and "chart-band" in svg


def test_products_without_or_with_too_little_history_say_so(market: dict) -> None:
    assert forecaster.product_trend(market["empty"]).status == "no_history"
    short = forecaster.product_trend(market["new"])
    assert short.status == "insufficient"
    assert "너무 짧아" in short.message


def test_a_disappearing_variant_and_gaps_are_noted(market: dict) -> None:
    product = market["flat"][0]
    add_prices(product, [1_150_000] * 5, end=END - dt.timedelta(days=3), variant="벌크")
    delete_prices([product.pk], days=[END - dt.timedelta(days=20)])
    notes = " ".join(forecaster.product_trend(product).notes)
    assert "'벌크' 가격이" in notes
    assert "가격 기록이 없습니다" in notes


def test_the_product_page_shows_the_trend_panel(market: dict, client: Client) -> None:
    page = client.get(f"/catalog/products/{market['falling'][0].pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "살까 말까" in html and "기다리세요" in html
    page = client.get(f"/catalog/products/{market['empty'].pk}/")
    assert page.status_code == 200
    assert "가격 기록이 없어 예측할 수 없습니다" in page.content.decode()


def test_the_product_panel_needs_two_queries_once_the_forecaster_is_built(
    market: dict, django_assert_max_num_queries: object
) -> None:
    """The product's price history and its variants; neighbours are named from the forecaster
    and the latest backtest comes from the cache."""
    from trends.views import panel_context

    forecaster.get_forecaster()
    panel_context(market["flat"][0])
    with django_assert_max_num_queries(2):
        context = panel_context(market["falling"][0])
    assert context["trend"].neighbours[0]["name"]
    assert context["trend"].neighbours[0]["name"] != str(
        context["trend"].neighbours[0]["product_id"]
    )


def test_a_recorded_backtest_shows_on_the_panel_at_once(market: dict, client: Client) -> None:
    from trends.ml.backtest import run_backtest
    from trends.tests.synthetic import START, panel_and_static, trending_series

    url = f"/catalog/products/{market['falling'][0].pk}/"
    assert "과거 검증" not in client.get(url).content.decode()  # "no run" is cached
    panel, static = panel_and_static(trending_series(days=90))
    result = run_backtest(
        panel, static, START + dt.timedelta(days=45), START + dt.timedelta(days=75)
    )
    services.record_backtest(result, source="synthetic")
    assert f"{result.n}건" in client.get(url).content.decode()


def test_the_trend_pages_render(market: dict, client: Client) -> None:
    page = client.get("/trends/")
    assert page.status_code == 200
    assert "PC 관련 카테고리(데스크톱·노트북·CPU·그래픽카드·PC 부품) 기준" in page.content.decode()
    assert client.get(f"/trends/products/{market['new'].pk}/").status_code == 200
    assert client.get("/trends/products/999999/").status_code == 404


def test_the_product_trend_api(market: dict, client: Client) -> None:
    data = client.get(f"/api/v1/trends/products/{market['falling'][0].pk}/").json()
    assert data["status"] == "ok"
    assert data["forecast"]["verdict"] == "wait"
    assert len(data["forecast"]["trajectory"]) == 10
    assert len(data["neighbours"]) == 15
    data = client.get(f"/api/v1/trends/products/{market['empty'].pk}/").json()
    assert data["status"] == "no_history" and data["forecast"] is None
    assert client.get("/api/v1/trends/products/999999/").status_code == 404


def test_the_market_api_validates_its_parameters(market: dict, client: Client) -> None:
    assert client.get("/api/v1/trends/market/").json()["tracked"] == 31
    past = client.get("/api/v1/trends/market/", {"end": "2024-03-15", "days": 30}).json()
    assert past["end"] == "2024-03-15" and len(past["index"]) == 30
    assert client.get("/api/v1/trends/market/", {"end": "2024-02-30"}).status_code == 400
    assert client.get("/api/v1/trends/market/", {"days": 3}).status_code == 400
    assert client.get("/api/v1/trends/market/", {"days": "many"}).status_code == 400


def test_the_latest_backtest_api_says_when_there_is_none(client: Client) -> None:
    response = client.get("/api/v1/trends/backtests/latest/")
    assert response.status_code == 404
    assert "backtest_trends" in response.json()["detail"]


def test_the_schema_documents_the_trend_endpoints() -> None:
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator(urlconf=__name__).get_schema(request=None, public=True)
    assert "/api/v1/trends/products/{id}/" in schema["paths"]
    assert "/api/v1/trends/market/" in schema["paths"]
    params = {p["name"] for p in schema["paths"]["/api/v1/trends/market/"]["get"]["parameters"]}
    assert {"end", "days"} <= params


def test_recorded_prices_rebuild_the_forecaster_and_schedule_one_refresh(
    market: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent = []
    monkeypatch.setattr("trends.tasks.refresh_trends.apply_async", lambda **kw: sent.append(kw))
    state = forecaster.get_forecaster()
    ids = [market["riser"].pk]
    prices_recorded.send(sender=None, product_ids=ids, days=[END.isoformat()])
    prices_recorded.send(sender=None, product_ids=ids, days=[END.isoformat()])
    assert len(sent) == 1  # debounced
    assert forecaster.get_forecaster() is not state


def test_the_reason_names_similar_products_in_full(market: dict) -> None:
    long_name = "ASUS ROG Strix G13CH G13CH-1370KF050W 인텔 코어i7 RTX 4070 SUPER 32GB"
    for product in market["falling"]:
        product.name = f"{long_name} #{product.pk}"
        product.save(update_fields=["name"])
    trend = forecaster.product_trend(market["falling"][0])
    named = [n for n in trend.neighbours[:3] if not n["self"]]
    assert named
    for n in named:
        assert f"{long_name} #{n['product_id']}" in trend.reason


def test_the_panel_states_the_verdict_rule_and_prices_are_whole_won(
    market: dict, client: Client
) -> None:
    html = client.get(f"/trends/products/{market['falling'][0].pk}/").content.decode()
    assert "판정 규칙" in html and "−2% 미만이면 내림 → 기다리세요" in html
    data = client.get(f"/api/v1/trends/products/{market['falling'][0].pk}/").json()
    assert data["verdict_rule"] and data["forecast"]["change_label"].endswith("%")
    assert isinstance(data["forecast"]["price"], int)


def test_the_market_page_adds_what_the_home_page_does_not_have(
    market: dict, client: Client
) -> None:
    from trends.ml.backtest import run_backtest
    from trends.tests.synthetic import START, panel_and_static, trending_series

    ram = CategoryFactory(code="112752", name="메모리", kind=CategoryKind.PART)
    for i in range(3):
        add_prices(ProductFactory(category=ram, name=f"램 {i}"), [50_000] * 20)
    panel, static = panel_and_static(trending_series(days=90))
    result = run_backtest(
        panel, static, START + dt.timedelta(days=45), START + dt.timedelta(days=75)
    )
    services.record_backtest(result, source="synthetic")
    html = client.get("/trends/").content.decode()
    home = client.get("/").content.decode()
    # per category: 31 graphics cards (1 up, 10 flat, 20 down) and the 3 RAM sticks
    assert "카테고리별" in html and "카테고리별" not in home
    assert re.search(r"그래픽카드</td>\s*<td[^>]*>31</td>", html)
    assert re.search(r"메모리</td>\s*<td[^>]*>3</td>", html)
    # more movers than the home page's five
    assert html.count('class="mover"') == 1 + 15  # the one riser, 15 of the 20 fallers
    # the verdict rule and the latest backtest's record
    assert "판정 규칙" in html and "기다리세요" in html
    assert "예측 검증" in html and f"{result.n:,}건" in html
    assert "항상 보합" in html and "정밀도" in html


def test_the_product_page_reads_the_price_history_once_for_itself_and_its_panels(
    market: dict, client: Client
) -> None:
    """One read of the daily lowest prices and one of the variant rows, whatever panels show
    them (the page's chart and table, the trend panel's chart and notes)."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from catalog.stats import catalog_counts

    product = market["flat"][0]
    add_prices(product, [1_150_000] * 5, end=END - dt.timedelta(days=3), variant="벌크")
    url = f"/catalog/products/{product.pk}/"
    client.get(url)  # the forecaster is built once per process, not per page
    cache.clear()  # the page's price parts and panels are cached: this request draws them all
    catalog_counts()  # (but the footer's counts, which count price rows too)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url)
    html = page.content.decode()
    assert "살까 말까" in html and "이후 보이지 않습니다" in html  # the notes read the rows
    daily = [q for q in queries if "catalog_dailylowestprice" in q["sql"]]
    variants = [q for q in queries if "catalog_pricesnapshot" in q["sql"]]
    assert (len(daily), len(variants)) == (1, 1)
    with CaptureQueriesContext(connection) as queries:  # all cached now: no history is read
        assert client.get(url).content.decode() == html
    assert not [q for q in queries if "catalog_dailylowestprice" in q["sql"]]


def test_a_wait_offers_one_target_price_on_the_page_and_in_the_api(
    market: dict, client: Client
) -> None:
    """The target is today's price at the expected 10-day low; page and API show the same."""
    product = market["falling"][0]
    trend = forecaster.product_trend(product)
    assert trend.verdict == "wait"
    target = trend.target_price
    # every neighbour fell 0.5 %/day: the expected low is about 10 days of that
    assert target == pytest.approx(trend.forecast.price * 0.995**10, rel=0.005)
    assert target < trend.forecast.price
    data = client.get(f"/api/v1/trends/products/{product.pk}/").json()
    assert data["target_price"] == target
    html = client.get(f"/catalog/products/{product.pk}/").content.decode()
    assert f"목표가 {target:,}원: 10일 안에 이 가격 이하가 나오면 사세요" in html
    assert data["target_line"] in html


def test_only_a_wait_has_a_target_price(market: dict, client: Client) -> None:
    product = market["flat"][0]
    data = client.get(f"/api/v1/trends/products/{product.pk}/").json()
    assert data["forecast"]["verdict"] != "wait"
    assert data["target_price"] is None and data["target_line"] == ""
    assert "목표가" not in client.get(f"/catalog/products/{product.pk}/").content.decode()


def _record_run(rows: list[dict[str, object]]) -> None:
    from trends.ml.backtest import run_backtest
    from trends.models import BacktestRun
    from trends.tests.synthetic import START, panel_and_static, trending_series

    panel, static = panel_and_static(trending_series(days=90))
    result = run_backtest(
        panel, static, START + dt.timedelta(days=45), START + dt.timedelta(days=75)
    )
    run = services.record_backtest(result, source="synthetic")
    BacktestRun.objects.filter(pk=run.pk).update(metrics={**run.metrics, "track_record": rows})
    cache.delete(LATEST_BACKTEST_KEY)


def _cell(rate: float, base_rate: float, n: int = 1234) -> dict[str, object]:
    # the falling cards cost about 760,000 won: the 50만~100만원 band of category "gpu"
    return {
        "category": "gpu",
        "band": "50만~100만원",
        "verdict": "wait",
        "n": n,
        "rate": rate,
        "base_rate": base_rate,
        "cell_n": 3000,
    }


def test_a_wait_shows_its_track_record_in_its_cell(market: dict, client: Client) -> None:
    _record_run([_cell(0.58, 0.5)])
    product = market["falling"][0]
    trend = forecaster.product_trend(product)
    assert trend.verdict == "wait" and not trend.demoted
    line = "'기다리세요' 후 10일 안에 더 싼 가격이 나온 비율 58% (1,234건"
    assert line in trend.record_line
    html = unescape(client.get(f"/catalog/products/{product.pk}/").content.decode())
    assert line in html and "기다리세요" in html
    data = client.get(f"/api/v1/trends/products/{product.pk}/").json()
    assert data["shown_verdict"] == "wait" and data["track_record"]["n"] == 1234


def test_a_verdict_no_better_than_its_base_rate_is_shown_as_neutral(
    market: dict, client: Client
) -> None:
    _record_run([_cell(0.5, 0.5)])
    product = market["falling"][0]
    trend = forecaster.product_trend(product)
    assert trend.forecast.verdict == "wait"
    assert trend.demoted and trend.verdict == "neutral" and trend.verdict_label == "보통"
    assert trend.target_price is None  # no advice, no target
    data = client.get(f"/api/v1/trends/products/{product.pk}/").json()
    assert data["shown_verdict"] == "neutral" and data["verdict_label"] == "보통"
    assert data["forecast"]["verdict"] == "wait"  # the model's own, for the record
    assert data["target_price"] is None
    html = unescape(client.get(f"/catalog/products/{product.pk}/").content.decode())
    assert "verdict-neutral" in html and "목표가" not in html
    assert "'기다리세요' 대신 '보통'으로 표시합니다" in html


def test_a_cell_with_too_few_decisions_has_no_record(market: dict) -> None:
    _record_run([_cell(0.2, 0.5, n=29)])
    trend = forecaster.product_trend(market["falling"][0])
    assert trend.record is None and trend.verdict == "wait" and trend.record_line == ""
