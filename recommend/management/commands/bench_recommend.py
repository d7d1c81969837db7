"""``manage.py bench_recommend``: the top 10 of each use case with a budget filter, uncached, on
10,000 desktops in a throwaway database.

The database (``test_pcadvisor_recommend_bench`` by default) is created with Django's
test-database machinery and dropped at the end; the dev database is never touched. Rows are
written through the catalog's services (``upsert_benchmarks``, ``upsert_products_bulk``,
``record_prices``). Each sample is what a page or the API does before building entries: the
normalisation references and the ranking query (which also counts the unscored listings). The last line
is ``p95_ms=<x> n_products=<n>``.
"""

from __future__ import annotations

import datetime as dt
import random
import time

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from core.benchmarks import percentile, throwaway_database

PRODUCTS = 10_000


class Command(BaseCommand):
    help = "용도별 추천 상위 10개를 임시 DB의 데스크톱 1만 개로 잽니다 (예산 조건, 캐시 없음)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--products", type=int, default=PRODUCTS)
        parser.add_argument("--samples", type=int, default=100, help="용도마다 잴 횟수")
        parser.add_argument("--db-name", default="test_pcadvisor_recommend_bench")
        parser.add_argument("--keep", action="store_true", help="임시 DB를 지우지 않음")

    def handle(self, *args: object, **options: object) -> None:
        if int(options["products"]) < 10 or int(options["samples"]) < 1:
            raise CommandError("--products는 10 이상, --samples는 1 이상이어야 합니다")
        with throwaway_database(
            str(options["db_name"]), keep=bool(options["keep"]), say=self.stdout.write
        ):
            summary = self._bench(int(options["products"]), int(options["samples"]))
        self.stdout.write(summary)  # the last line

    def _generate(self, products: int) -> int:
        from django.utils import timezone

        from catalog.danawa.categories import BRAND_PC
        from catalog.models import CategoryKind, CpuBenchmark, GpuBenchmark, Product
        from catalog.services.benchmarks import upsert_benchmarks
        from catalog.services.categories import get_category, get_manufacturer
        from catalog.services.prices import PriceRow, record_prices
        from catalog.services.products import upsert_products_bulk

        rng = random.Random(11)
        started = time.perf_counter()
        upsert_benchmarks(
            "cpu",
            [{"name": f"Bench CPU {i}", "score": 3000 + 700 * i, "tdp": 35 + i} for i in range(90)],
        )
        upsert_benchmarks(
            "gpu",
            [{"name": f"GeForce Bench {i}", "score": 1500 + 450 * i, "tdp": 30 + 4 * i} for i in range(60)]
            + [{"name": f"Intel Bench Graphics {i}", "score": 900 + 100 * i, "tdp": None} for i in range(5)],
        )  # fmt: skip
        cpus = list(CpuBenchmark.objects.all())
        gpus = list(GpuBenchmark.objects.filter(name__startswith="GeForce"))
        igpus = list(GpuBenchmark.objects.filter(name__startswith="Intel"))
        category = get_category(BRAND_PC, "브랜드PC", CategoryKind.DESKTOP)
        makers = [get_manufacturer(f"벤치제조사{i}") for i in range(30)]
        rows = []
        for i in range(products):
            integrated = rng.random() < 0.3
            gpu = rng.choice(igpus if integrated else gpus)
            unmatched = rng.random() < 0.03  # a few without a benchmark match
            rows.append(
                Product(
                    pcode=str(30_000_000 + i), name=f"벤치 데스크톱 {i}", category=category,
                    manufacturer=rng.choice(makers), cpu_model=f"Bench CPU {i % 90}",
                    gpu_model=gpu.name, gpu_integrated=integrated,
                    cpu_benchmark=None if unmatched else rng.choice(cpus), gpu_benchmark=gpu,
                    ram_gb=rng.choice([8, 16, 32, 64]), ssd_gb=rng.choice([256, 512, 1000, 2000]),
                    vram_gb=None if integrated else rng.choice([6, 8, 12, 16, 24]),
                    os=rng.choice(["Windows 11 Home", "미포함"]),
                    form_factor=rng.choice(["미니PC", "슬림", "미니타워", "미들타워"]),
                )
            )  # fmt: skip
        fields = [f.name for f in Product._meta.concrete_fields if f.name not in ("id", "pcode")]
        fields = [f for f in fields if f not in ("created_at",)]
        result = upsert_products_bulk(rows, fields=fields)
        today = timezone.localdate()
        prices = [
            PriceRow(pid, today - dt.timedelta(days=rng.choice([0, 0, 1, 3, 20])),
                     rng.randrange(400_000, 4_000_000, 100))
            for pid in result.ids.values()
        ]  # fmt: skip
        record_prices(prices, source="demo")
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
        self.stdout.write(f"데스크톱 {products:,}개 생성 {time.perf_counter() - started:.1f}초")
        return products

    def _bench(self, products: int, samples: int) -> str:
        from recommend.models import UseCase
        from recommend.querysets import Query, ranked, references

        n = self._generate(products)
        uses = list(UseCase.objects.all())
        rng = random.Random(3)
        timings: list[float] = []
        for _ in range(samples):
            for use in uses:
                low = rng.randrange(500_000, 2_000_000, 100_000)
                query = Query(use=use, budget_min=low, budget_max=low + 1_000_000,
                              sort=rng.choice(["score", "value"]))  # fmt: skip
                started = time.perf_counter()
                refs = references()
                rows = ranked(query, refs)  # the rows carry the counts of unscored listings
                timings.append((time.perf_counter() - started) * 1000)
                if not rows:
                    raise CommandError(f"{use.key}: 결과가 없습니다")
        self.stdout.write(
            f"상위 10개 (용도 {len(uses)}개 × {samples}회): p50 {percentile(timings, 0.5):.1f}ms, "
            f"p95 {percentile(timings, 0.95):.1f}ms, 최대 {max(timings):.1f}ms"
        )
        return f"p95_ms={percentile(timings, 0.95):.1f} n_products={n}"
