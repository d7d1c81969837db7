"""The dashboard's rollups: the summary read from them equals the direct computation over the
catalog's daily lowest prices, and a refresh after new prices leaves the same rollups as a full
rebuild."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.core.cache import cache
from django.core.management import call_command

from catalog.models import CategoryKind, DailyLowestPrice, PriceSource, Product
from catalog.services import PriceRow, merge_products, record_prices
from catalog.tests.factories import CategoryFactory, ProductFactory
from trends.dashboard import CACHE_KEY, compute_market_summary
from trends.models import MarketIndexDay, MarketRollup, ProductWindow
from trends.services import INDEX_DAYS, rebuild_market_rollups, refresh_market_rollups
from trends.tasks import PENDING_KEY

pytestmark = pytest.mark.django_db

END = dt.date(2024, 6, 30)


@pytest.fixture(autouse=True)
def _no_celery(monkeypatch: pytest.MonkeyPatch) -> None:
    """The refresh task is called directly here; the debounced enqueue is not under test."""
    cache.delete_many([CACHE_KEY, PENDING_KEY])
    monkeypatch.setattr("trends.tasks.refresh_trends.apply_async", lambda **kw: None)


def _random_market(products: int = 60, days: int = 100, seed: int = 3) -> list[Product]:
    """Random walks with missed days, a second variant on some days, products that stopped
    being listed, one that started late, and an inactive one: the cases the SQL must agree on."""
    rng = random.Random(seed)
    gpu = CategoryFactory(code="112753", name="그래픽카드", kind=CategoryKind.GPU)
    made = [ProductFactory(category=gpu) for _ in range(products)]
    rows = []
    for i, product in enumerate(made):
        price = rng.uniform(200_000, 4_000_000)
        last = days - (rng.choice([0, 0, 0, 2, 4, 12]) if i % 5 == 0 else 0)
        first = 70 if i == 7 else 0
        for d in range(first, last):
            price *= 1 + rng.choice([0, 0, 0, -0.03, 0.02, -0.06, 0.05])
            if rng.random() < 0.08:
                continue
            day = END - dt.timedelta(days=days - 1 - d)
            rows.append(PriceRow(product.pk, day, round(price)))
            if rng.random() < 0.3:
                rows.append(PriceRow(product.pk, day, round(price * 0.98), variant="벌크"))
    record_prices(rows, source=PriceSource.DEMO)
    Product.objects.filter(pk=made[3].pk).update(is_active=False)
    return made


def _assert_same_summary(got: dict, want: dict) -> None:
    assert got["end"] == want["end"]
    assert got["tracked"] == want["tracked"] and got["counts"] == want["counts"]
    assert got["average_change"] == pytest.approx(want["average_change"], rel=1e-9)
    for g, w in zip(got["bands"], want["bands"], strict=True):
        assert {k: v for k, v in g.items() if k != "average_change"} == {
            k: v for k, v in w.items() if k != "average_change"
        }
        if w["average_change"] is None:  # an empty band
            assert g["average_change"] is None
        else:
            assert g["average_change"] == pytest.approx(w["average_change"], rel=1e-9)
    for key in ("risers", "fallers"):
        assert [m["product_id"] for m in got[key]] == [m["product_id"] for m in want[key]]
        assert [m["change"] for m in got[key]] == pytest.approx([m["change"] for m in want[key]])
    assert [(d, n) for d, _v, n in got["index"]] == [(d, n) for d, _v, n in want["index"]]
    assert [v for _d, v, _n in got["index"]] == pytest.approx(
        [v for _d, v, _n in want["index"]], rel=1e-9
    )


def _rollup_tables() -> dict[str, object]:
    return {
        "daily": sorted(DailyLowestPrice.objects.values_list("product_id", "day", "price")),
        "window": sorted(
            ProductWindow.objects.values_list(
                "product_id", "first_price", "price", "base_price", "direction", "band"
            )
        ),
        "changes": sorted(ProductWindow.objects.values_list("product_id", "change")),
        "index": list(MarketIndexDay.objects.values_list("day", "value", "products")),
        "end": MarketRollup.objects.get().end,
    }


def _assert_same_tables(got: dict, want: dict) -> None:
    assert got["daily"] == want["daily"]
    assert got["window"] == want["window"]
    assert got["end"] == want["end"]
    assert [pk for pk, _ in got["changes"]] == [pk for pk, _ in want["changes"]]
    assert [c for _, c in got["changes"]] == pytest.approx([c for _, c in want["changes"]])
    assert [(d, n) for d, _v, n in got["index"]] == [(d, n) for d, _v, n in want["index"]]
    assert [v for _d, v, _n in got["index"]] == pytest.approx(
        [v for _d, v, _n in want["index"]], rel=1e-9
    )


def test_the_summary_from_the_rollups_equals_the_direct_sql_over_prices() -> None:
    _random_market()
    direct = compute_market_summary(direct=True)
    rolled = compute_market_summary()
    assert MarketRollup.objects.get().end == END  # built on first use
    assert direct["tracked"] > 40 and len(direct["index"]) == INDEX_DAYS
    assert direct["risers"] and direct["fallers"]
    _assert_same_summary(rolled, direct)


def test_the_dashboard_reads_the_rollups_in_three_queries(django_assert_max_num_queries) -> None:
    """The rollups' state, the bands with the movers, the index."""
    _random_market(products=10)
    rebuild_market_rollups()
    with django_assert_max_num_queries(3):
        compute_market_summary()


def test_other_windows_are_computed_from_the_prices() -> None:
    _random_market()
    rebuild_market_rollups()
    for end, days in [(END - dt.timedelta(days=20), 60), (END, 30)]:
        summary = compute_market_summary(end, days)
        assert summary["end"] == end and len(summary["index"]) == days
        _assert_same_summary(summary, compute_market_summary(end, days, direct=True))


def test_a_refresh_after_new_prices_equals_a_full_rebuild(
    django_capture_on_commit_callbacks,
) -> None:
    made = _random_market()
    rebuild_market_rollups()
    rng = random.Random(5)
    next_day = END + dt.timedelta(days=1)
    # a new day for most products, a corrected price in the middle of the window, a cheaper
    # variant on the newest day and a price far older than the window
    new_rows = [PriceRow(p.pk, next_day, rng.randint(300_000, 3_000_000)) for p in made[5:]]
    new_rows += [
        PriceRow(made[10].pk, END - dt.timedelta(days=40), 123_456),
        PriceRow(made[11].pk, END, 99_000, variant="벌크"),
        PriceRow(made[12].pk, END - dt.timedelta(days=400), 500_000),
    ]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        record_prices(new_rows[: len(new_rows) // 2])
        record_prices(new_rows[len(new_rows) // 2 :])
    assert len(callbacks) == 2  # each write announced on commit, which schedules the refresh

    report = refresh_market_rollups()
    assert report.end == next_day and report.full  # the window moved with the newest day
    _assert_same_summary(compute_market_summary(), compute_market_summary(direct=True))

    # the same day again, re-crawled: the daily lowest follows in the write itself, the
    # refresh reads it
    with django_capture_on_commit_callbacks(execute=True):
        record_prices([PriceRow(made[20].pk, next_day, 77_000)])
    report = refresh_market_rollups()
    assert report.end == next_day
    refreshed = _rollup_tables()
    assert (made[20].pk, next_day, 77_000) in refreshed["daily"]
    window = ProductWindow.objects.get(product_id=made[20].pk)
    assert window.price == 77_000

    rebuild_market_rollups()
    _assert_same_tables(refreshed, _rollup_tables())


def test_a_refresh_after_a_merge_drops_the_duplicates_prices(
    django_capture_on_commit_callbacks,
) -> None:
    made = _random_market(products=20)
    rebuild_market_rollups()
    with django_capture_on_commit_callbacks(execute=True):
        merge_products(made[0], [made[1], made[2]])
    refresh_market_rollups()
    incremental = _rollup_tables()
    assert not any(pk in (made[1].pk, made[2].pk) for pk, _d, _p in incremental["daily"])
    _assert_same_summary(compute_market_summary(), compute_market_summary(direct=True))
    rebuild_market_rollups()
    _assert_same_tables(incremental, _rollup_tables())


def test_a_refresh_with_nothing_pending_changes_nothing() -> None:
    _random_market(products=10)
    rebuild_market_rollups()
    before = _rollup_tables()
    before_state = MarketRollup.objects.values_list("end", "days").get()
    refresh_market_rollups()
    _assert_same_tables(_rollup_tables(), before)
    assert MarketRollup.objects.values_list("end", "days").get() == before_state


def test_an_empty_catalog_builds_empty_rollups() -> None:
    report = rebuild_market_rollups()
    assert report.end is None and MarketRollup.objects.get().end is None
    assert compute_market_summary()["tracked"] == 0


def test_the_command_rebuilds_the_rollups(capsys: pytest.CaptureFixture) -> None:
    _random_market(products=10)
    call_command("rebuild_market_rollups")
    out = capsys.readouterr().out
    assert "전체 재생성: 기준일 2024-06-30" in out
    assert ProductWindow.objects.exists() and MarketIndexDay.objects.exists()


def test_a_sofa_on_sale_is_not_in_the_pc_market_while_a_desktop_is(
    django_capture_on_commit_callbacks,
) -> None:
    """The dashboard counts PC categories only, in the rollups and in the direct SQL alike."""
    desktops = CategoryFactory(code="112756", name="브랜드PC", kind=CategoryKind.DESKTOP)
    sofas = CategoryFactory(code="demo:sofa", name="소파", kind=CategoryKind.OTHER)
    desktop = ProductFactory(category=desktops, name="내린 데스크톱")
    sofa = ProductFactory(category=sofas, name="반값 소파")
    rows = []
    for d in range(30):
        day = END - dt.timedelta(days=29 - d)
        rows.append(PriceRow(desktop.pk, day, 1_000_000 - 5_000 * d))
        rows.append(PriceRow(sofa.pk, day, 900_000 if d < 20 else 400_000))
    record_prices(rows, source=PriceSource.DEMO)

    rebuild_market_rollups()
    assert list(ProductWindow.objects.values_list("product_id", flat=True)) == [desktop.pk]
    for summary in (compute_market_summary(), compute_market_summary(direct=True)):
        assert summary["tracked"] == 1 and summary["counts"] == {"up": 0, "flat": 0, "down": 1}
        assert [m["product_id"] for m in summary["fallers"]] == [desktop.pk]
        assert summary["index"] and all(n == 1 for _d, _v, n in summary["index"])
        assert summary["scope"] == "PC 관련 카테고리(데스크톱·노트북·CPU·그래픽카드·PC 부품) 기준"
    _assert_same_summary(compute_market_summary(), compute_market_summary(direct=True))

    # the sofa's price of the same day again, cheaper still: the incremental refresh skips it too
    with django_capture_on_commit_callbacks(execute=True):
        record_prices([PriceRow(sofa.pk, END, 100_000)])
    refresh_market_rollups()
    assert list(ProductWindow.objects.values_list("product_id", flat=True)) == [desktop.pk]
    assert [m["product_id"] for m in compute_market_summary()["fallers"]] == [desktop.pk]
