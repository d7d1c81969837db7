"""``manage.py bench_trends``: forecast and dashboard timings on 10,000 products × 90 days.

The data is generated into a throwaway database (``test_pcadvisor_trends_bench`` by default,
created with Django's test-database machinery and dropped at the end): the dev database is never
touched. Prints p50/p95 of a single forecast (the in-memory KNN alone, and the whole
``product_trend`` a page or the API calls, with its history queries); the uncached market
summary (read from the rollups, median and p95) against the direct computation over the daily
lowest prices, checking they agree; the full rollup rebuild; and the rollup refresh after one more day of
prices for every product. Prices are written through the catalog's price services
(``copy_prices`` for the 90 days, ``record_prices`` for the extra day, as a crawl writes it);
their ``prices_recorded`` receivers are muted for the run, so that no refresh or estimate is
queued for the throwaway rows.
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import time
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.benchmarks import percentile, throwaway_database

PRODUCTS = 10_000
DAYS = 90


class Command(BaseCommand):
    help = "예측과 시장 요약 속도를 임시 DB의 1만 개 상품 × 90일 가격으로 잽니다."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--products", type=int, default=PRODUCTS)
        parser.add_argument("--days", type=int, default=DAYS)
        parser.add_argument("--samples", type=int, default=200, help="예측을 잴 상품 수")
        parser.add_argument("--db-name", default="test_pcadvisor_trends_bench")
        parser.add_argument("--keep", action="store_true", help="임시 DB를 지우지 않음")

    def handle(self, *args: object, **options: object) -> None:
        if int(options["products"]) < 20 or int(options["days"]) < 45:
            raise CommandError("--products는 20 이상, --days는 45 이상이어야 합니다")
        with (
            throwaway_database(
                str(options["db_name"]), keep=bool(options["keep"]), say=self.stdout.write
            ),
            _muted_price_receivers(),
        ):
            self._bench(int(options["products"]), int(options["days"]), int(options["samples"]))

    def _generate(self, products: int, days: int) -> dt.date:
        from catalog import services
        from catalog.danawa.categories import BRAND_PC, CATEGORIES, CPU, GPU
        from catalog.models import (
            Category,
            CategoryKind,
            CpuBenchmark,
            GpuBenchmark,
            Manufacturer,
            PriceSnapshot,
            PriceSource,
            Product,
        )

        rng = random.Random(7)
        started = time.perf_counter()
        cats = [
            Category.objects.create(code=code, name=CATEGORIES[code][0], kind=CATEGORIES[code][1])
            for code in (CPU, GPU, BRAND_PC)
        ]
        makers = Manufacturer.objects.bulk_create(
            [Manufacturer(name=f"제조사{i}") for i in range(40)]
        )
        cpus = CpuBenchmark.objects.bulk_create(
            [
                CpuBenchmark(name=f"CPU {i}", normalized_name=f"cpu {i}", score=3000 + 400 * i)
                for i in range(80)
            ]
        )
        gpus = GpuBenchmark.objects.bulk_create(
            [
                GpuBenchmark(name=f"GPU {i}", normalized_name=f"gpu {i}", score=2000 + 300 * i)
                for i in range(80)
            ]
        )
        rows = []
        for i in range(products):
            cat = cats[i % 3]
            rows.append(
                Product(
                    pcode=str(20_000_000 + i),
                    name=f"벤치 상품 {i}",
                    category=cat,
                    manufacturer=rng.choice(makers),
                    cpu_benchmark=rng.choice(cpus) if cat.kind != CategoryKind.GPU else None,
                    gpu_benchmark=rng.choice(gpus) if cat.kind != CategoryKind.CPU else None,
                    ram_gb=rng.choice([8, 16, 32]) if cat.kind == CategoryKind.DESKTOP else None,
                    ssd_gb=rng.choice([256, 512, 1024])
                    if cat.kind == CategoryKind.DESKTOP
                    else None,
                )
            )
        created = Product.objects.bulk_create(rows, batch_size=2000)
        end = dt.date(2024, 6, 30)
        prices = services.DailyPrices()
        for product in created:
            price = rng.uniform(80_000, 4_500_000)
            for d in range(days):
                if rng.random() < 0.05:  # a missed day
                    continue
                price *= 1 + rng.choice([0, 0, 0, 0, -0.02, 0.015, -0.05, 0.04])
                day = end - dt.timedelta(days=days - 1 - d)
                prices.add(product.pk, day, "", max(1000, round(price)))
                if rng.random() < 0.3:
                    prices.add(product.pk, day, "벌크", round(price * 1.03))
        # the history import's bulk path: COPY, the daily lowest prices, current prices
        ids = [product.pk for product in created]
        services.copy_prices(
            prices, {pk: pk for pk in ids}, created_product_ids=ids, source=PriceSource.DEMO
        )
        services.analyze_prices()
        count = PriceSnapshot.objects.count()
        self.stdout.write(
            f"데이터 생성: 상품 {products:,}개, 가격 행 {count:,}개 ({days}일), "
            f"{time.perf_counter() - started:.1f}초"
        )
        return end

    def _bench(self, products: int, days: int, samples: int) -> None:
        from catalog.models import Product
        from trends import forecaster as live

        self._generate(products, days)
        started = time.perf_counter()
        state = live.build_forecaster()
        live._state = state  # serve product_trend from this state, not a rebuild
        self.stdout.write(
            f"예측기 생성: 상품 {len(state.index):,}개, 이웃 후보 "
            f"{len(state.forecaster.pool_rows):,}개, {time.perf_counter() - started:.2f}초"
        )
        rng = random.Random(11)
        ids = rng.sample(list(state.index), min(samples, len(state.index)))
        knn, whole = [], []
        forecaster = state.forecaster
        for pk in ids:
            t = time.perf_counter()
            forecaster.forecast(state.index[pk])
            knn.append((time.perf_counter() - t) * 1000)
        products_by_id = Product.objects.with_related().in_bulk(ids)
        for pk in ids:
            t = time.perf_counter()
            live.product_trend(products_by_id[pk])
            whole.append((time.perf_counter() - t) * 1000)
        self.stdout.write(
            f"예측 1건 (KNN만, {len(knn)}회): p50 {percentile(knn, 0.5):.2f} ms, "
            f"p95 {percentile(knn, 0.95):.2f} ms"
        )
        self.stdout.write(
            f"예측 1건 (product_trend 전체: 가격 이력 조회 포함, {len(whole)}회): "
            f"p50 {percentile(whole, 0.5):.2f} ms, p95 {percentile(whole, 0.95):.2f} ms"
        )
        self._bench_dashboard()
        live._state = None

    def _bench_dashboard(self) -> None:
        from catalog import services
        from catalog.models import PriceSnapshot, PriceSource
        from trends.dashboard import compute_market_summary
        from trends.services import rebuild_market_rollups, refresh_market_rollups

        t = time.perf_counter()
        direct = compute_market_summary(direct=True)
        direct_ms = (time.perf_counter() - t) * 1000
        report = rebuild_market_rollups()
        self.stdout.write(
            f"집계 테이블 전체 재생성: {report.seconds * 1000:.0f} ms "
            f"(상품 {report.window_products:,}개, 기준일 {report.end})"
        )
        runs = self._time_summary(compute_market_summary, 30)
        summary = compute_market_summary()
        same = _same_summary(summary, direct)
        self.stdout.write(
            f"시장 요약 직접 계산 (일별 최저가, 1회): {direct_ms:.0f} ms · 집계 테이블과 "
            f"{'일치' if same else '불일치!'}"
        )
        self.stdout.write(
            f"시장 요약 (캐시 없음, 집계 테이블, {len(runs)}회, 상품 {summary['tracked']:,}개, "
            f"지수 {len(summary['index'])}일): 첫 회 {runs[0]:.1f} ms, "
            f"중앙값 {statistics.median(runs):.1f} ms, p95 {percentile(runs, 0.95):.1f} ms"
        )

        # one more day of prices for every product, as the daily crawl writes them
        end = summary["end"]
        day = end + dt.timedelta(days=1)
        rng = random.Random(13)
        latest = PriceSnapshot.objects.filter(day=end, variant="").values_list(
            "product_id", "price"
        )
        rows = [
            services.PriceRow(pk, day, round(price * (1 + (rng.random() - 0.5) / 10)))
            for pk, price in latest
        ]
        services.record_prices(rows, source=PriceSource.DEMO)
        t = time.perf_counter()
        refresh_market_rollups()
        refresh_ms = (time.perf_counter() - t) * 1000
        runs = self._time_summary(compute_market_summary, 30)
        same = _same_summary(compute_market_summary(), compute_market_summary(direct=True))
        self.stdout.write(
            f"하루치 새 가격({day}, 상품 {len(rows):,}개) 뒤 갱신: {refresh_ms:.0f} ms · "
            f"이후 요약 중앙값 {statistics.median(runs):.1f} ms, p95 {percentile(runs, 0.95):.1f} ms · "
            f"직접 계산과 {'일치' if same else '불일치!'}"
        )

    @staticmethod
    def _time_summary(fn: object, n: int) -> list[float]:
        runs = []
        for _ in range(n):
            t = time.perf_counter()
            fn()
            runs.append((time.perf_counter() - t) * 1000)
        return runs


@contextmanager
def _muted_price_receivers() -> Iterator[None]:
    """``prices_recorded`` with no receivers while the bench writes its throwaway prices."""
    from catalog.signals import prices_recorded

    with prices_recorded.lock:
        saved = prices_recorded.receivers
        prices_recorded.receivers = []
        prices_recorded.sender_receivers_cache.clear()
    try:
        yield
    finally:
        with prices_recorded.lock:
            prices_recorded.receivers = saved
            prices_recorded.sender_receivers_cache.clear()


def _same_summary(a: dict, b: dict, tol: float = 1e-9) -> bool:
    """Equal counts and movers; averages and the index within ``tol`` (float sums in another
    order)."""

    def close(x: float | None, y: float | None) -> bool:
        return (x is None and y is None) or (
            x is not None and y is not None and abs(x - y) <= tol * max(1.0, abs(y))
        )

    plain = ("end", "tracked", "counts")
    if any(a[k] != b[k] for k in plain) or not close(a["average_change"], b["average_change"]):
        return False
    for x, y in zip(a["bands"], b["bands"], strict=True):
        if {k: v for k, v in x.items() if k != "average_change"} != {
            k: v for k, v in y.items() if k != "average_change"
        } or not close(x["average_change"], y["average_change"]):
            return False
    for key in ("risers", "fallers"):
        if [m["product_id"] for m in a[key]] != [m["product_id"] for m in b[key]]:
            return False
    if [(d, n) for d, _v, n in a["index"]] != [(d, n) for d, _v, n in b["index"]]:
        return False
    return all(close(x[1], y[1]) for x, y in zip(a["index"], b["index"], strict=True))
