"""``manage.py benchmark_search --vectors 100000``: look-alike search speed and recall on
synthetic vectors in a throwaway database.

Vectors are clustered like real embeddings (a few hundred "looks" with spread around them) and
each belongs to one product of one of four categories with a price. Queries go through the
product search the pages use (``similar_to_product``: the product's vector, HNSW with
``hnsw.iterative_scan``, the products showing each picture), unfiltered and with a category +
price filter; recall@10 is measured against the same query run as an exact scan.
"""

from __future__ import annotations

import datetime as dt
import time

import numpy as np
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection

from core.benchmarks import percentile, throwaway_database

EMBEDDER = "bench-v1"


class Command(BaseCommand):
    help = "합성 벡터로 유사 상품 검색 속도와 재현율을 잽니다 (임시 DB)"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--vectors", type=int, default=100_000)
        parser.add_argument("--queries", type=int, default=200)
        parser.add_argument("--db-name", default="test_pcadvisor_similarity_bench")
        parser.add_argument("--keep", action="store_true")
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument(
            "--ef-search", type=int, default=None, help="hnsw.ef_search (기본: 검색 설정값)"
        )

    def handle(self, *args: object, **options: object) -> None:
        with throwaway_database(
            str(options["db_name"]), keep=bool(options["keep"]), say=self.stdout.write
        ):
            if options["ef_search"]:
                from similarity import search

                search.SEARCH_EF_SEARCH = int(options["ef_search"])
            self._bench(int(options["vectors"]), int(options["queries"]), int(options["seed"]))

    def _load(self, n: int, rng: np.random.Generator) -> None:
        from pgvector.psycopg import register_vector

        from catalog.models import Category, CategoryKind, Manufacturer

        cats = [
            Category.objects.create(code=f"bench{i}", name=f"카테고리{i}", kind=CategoryKind.OTHER)
            for i in range(4)
        ]
        maker = Manufacturer.objects.create(name="벤치제조사")
        centres = rng.normal(size=(max(8, n // 250), 512)).astype(np.float32)
        started = time.perf_counter()
        connection.ensure_connection()
        register_vector(connection.connection)
        with connection.connection.cursor() as cur:
            cur.execute("DROP INDEX imgemb_vector_hnsw")  # built once after loading: faster
            with cur.copy(
                "COPY similarity_imageembedding (sha256, embedder, vector, background, status, "
                "error, attempts, created_at, updated_at) FROM STDIN WITH (FORMAT BINARY)"
            ) as copy:
                copy.set_types(["text", "text", "vector", "text", "text", "text", "int2",
                                "timestamptz", "timestamptz"])  # fmt: skip
                now = dt.datetime.now(dt.UTC)
                for start in range(0, n, 10_000):
                    m = min(10_000, n - start)
                    which = rng.integers(0, len(centres), m)
                    v = centres[which] + rng.normal(scale=0.6, size=(m, 512)).astype(np.float32)
                    v /= np.linalg.norm(v, axis=1, keepdims=True)
                    for j in range(m):
                        copy.write_row(
                            (
                                f"{start + j:064x}",
                                EMBEDDER,
                                v[j],
                                "white",
                                "indexed",
                                "",
                                1,
                                now,
                                now,
                            )
                        )
        self._products(n, cats, maker, rng)
        self.stdout.write(f"벡터 {n:,}개 적재 {time.perf_counter() - started:.1f}s")
        started = time.perf_counter()
        with connection.cursor() as cur:
            cur.execute("SET maintenance_work_mem = '1GB'")
            cur.execute(
                "CREATE INDEX imgemb_vector_hnsw ON similarity_imageembedding USING hnsw "
                "(vector vector_cosine_ops) WITH (m = 16, ef_construction = 64)"
            )
            # the whole throwaway database: the embeddings and the products they join
            cur.execute("ANALYZE")
        self.stdout.write(
            f"HNSW 색인 (m=16, ef_construction=64) {time.perf_counter() - started:.1f}s"
        )

    def _products(self, n: int, cats: list, maker: object, rng: np.random.Generator) -> None:
        from catalog.models import Product

        prices = rng.integers(300_000, 3_000_000, n)
        which = rng.integers(0, len(cats), n)
        batch = []
        for i in range(n):
            batch.append(
                Product(
                    pcode=f"b{i}", name=f"벤치 상품 {i}", category=cats[which[i]], manufacturer=maker,
                    image_sha256=f"{i:064x}", current_price=int(prices[i]),
                )
            )  # fmt: skip
            if len(batch) == 5000:
                Product.objects.bulk_create(batch)
                batch = []
        Product.objects.bulk_create(batch)

    def _bench(self, n: int, queries: int, seed: int) -> None:
        from catalog.models import Product
        from similarity.search import SearchFilters, similar_to_product

        rng = np.random.default_rng(seed)
        self._load(n, rng)
        sample = list(Product.objects.order_by("?")[:queries])
        raw = []
        with connection.cursor() as cur:
            for p in sample:
                cur.execute(
                    "SELECT vector::text FROM similarity_imageembedding WHERE sha256 = %s",
                    [p.image_sha256],
                )
                (vec,) = cur.fetchone()
                t = time.perf_counter()
                cur.execute(
                    "SELECT sha256 FROM similarity_imageembedding ORDER BY vector <=> %s::vector "
                    "LIMIT 10",
                    [vec],
                )
                cur.fetchall()
                raw.append((time.perf_counter() - t) * 1000)
        self.stdout.write(
            f"HNSW alone (ef_search 40, no join): p50={percentile(raw, 0.5):.1f}ms "
            f"p95={percentile(raw, 0.95):.1f}ms"
        )
        results = {}
        for label in ("plain", "filtered"):
            times, recalls = [], []
            for p in sample:
                if label == "plain":
                    f = SearchFilters(exclude_product_id=p.pk)
                else:
                    f = SearchFilters(
                        category_id=p.category_id, exclude_product_id=p.pk,
                        price_min=int(p.current_price * 0.6), price_max=int(p.current_price * 1.4),
                    )  # fmt: skip
                t = time.perf_counter()
                got = similar_to_product(p, embedder=EMBEDDER, k=10, filters=f)
                times.append((time.perf_counter() - t) * 1000)
                with connection.cursor() as cur:
                    cur.execute("SET enable_indexscan = off")  # the exact answer: scan and sort
                    try:
                        exact = similar_to_product(p, embedder=EMBEDDER, k=10, filters=f)
                    finally:
                        cur.execute("RESET enable_indexscan")
                want = {g.sha256 for g in exact}
                recalls.append(len(want & {g.sha256 for g in got}) / max(len(want), 1))
            times = times[5:] or times  # the first queries warm the caches
            results[label] = (
                percentile(times, 0.95),
                float(np.mean(recalls)),
                percentile(times, 0.5),
            )
            self.stdout.write(
                f"{label}: p50={results[label][2]:.1f}ms p95={results[label][0]:.1f}ms "
                f"recall@10={results[label][1]:.3f} ({len(sample)} queries)"
            )
        self.stdout.write(
            f"p95_ms={results['plain'][0]:.1f} recall_at_10={results['plain'][1]:.3f} "
            f"filtered_p95_ms={results['filtered'][0]:.1f} "
            f"filtered_recall_at_10={results['filtered'][1]:.3f}"
        )
