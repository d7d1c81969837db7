"""Product search by picture: nearest distinct pictures (HNSW, cosine), then the products that
show them, grouped so that fifty products sharing one chassis photo take one place in the
results ("같은 사진 N개 상품")."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Exists, Expression, OuterRef, QuerySet, Subquery

from catalog.models import Product
from similarity.models import ImageEmbedding

# hnsw.ef_search for product searches: candidates kept while walking the graph (pgvector's
# default is 40; 100 keeps recall@10 ≥ 0.95 at 100,000 vectors, see benchmark_search).
SEARCH_EF_SEARCH = 100
# hnsw.max_scan_tuples: how far an iterative scan may walk before giving up (pgvector's default).
MAX_SCAN_TUPLES = 20_000
MAX_K = 100


@dataclass(frozen=True)
class SearchFilters:
    """Which products may appear. ``category_id`` None means any category."""

    category_id: int | None = None
    price_min: int | None = None
    price_max: int | None = None
    manufacturer_id: int | None = None
    exclude_product_id: int | None = None

    @property
    def filters_products(self) -> bool:
        return any(
            v is not None
            for v in (self.category_id, self.price_min, self.price_max, self.manufacturer_id)
        )


@dataclass
class SimilarGroup:
    """One picture of the results and the products that show it (cheapest first)."""

    sha256: str
    similarity: float
    products: list[Product] = field(default_factory=list)

    @property
    def product(self) -> Product:
        return self.products[0]

    @property
    def count(self) -> int:
        return len(self.products)


@contextlib.contextmanager
def iterative_scan(ef_search: int | None = None) -> Iterator[None]:
    """Within a transaction, let HNSW scans continue past ef_search until the LIMIT is met by
    rows that pass the WHERE clause (pgvector ≥ 0.8). relaxed_order may return rows slightly out
    of order: callers re-sort by the distance they annotate. SET LOCAL ends with the
    transaction, so pooled connections keep their defaults. One round trip for the settings."""
    ef = int(ef_search if ef_search is not None else SEARCH_EF_SEARCH)
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(
            "SET LOCAL hnsw.iterative_scan = relaxed_order; "
            f"SET LOCAL hnsw.ef_search = {ef}; "
            f"SET LOCAL hnsw.max_scan_tuples = {int(MAX_SCAN_TUPLES)}"
        )
        yield


def matching_products(filters: SearchFilters) -> QuerySet[Product]:
    qs = Product.objects.filter(is_active=True, merged_into__isnull=True).exclude(image_sha256="")
    if filters.category_id is not None:
        qs = qs.filter(category_id=filters.category_id)
    if filters.manufacturer_id is not None:
        qs = qs.filter(manufacturer_id=filters.manufacturer_id)
    if filters.price_min is not None:
        qs = qs.filter(current_price__gte=filters.price_min)
    if filters.price_max is not None:
        qs = qs.filter(current_price__lte=filters.price_max)
    if filters.exclude_product_id is not None:
        qs = qs.exclude(pk=filters.exclude_product_id)
    return qs


def nearest_pictures_queryset(
    vector: Sequence[float] | Expression,
    *,
    embedder: str,
    k: int,
    filters: SearchFilters | None = None,
    exclude_sha256: str = "",
) -> QuerySet[ImageEmbedding]:
    """The query of ``nearest_pictures`` (run it inside ``iterative_scan()``)."""
    filters = filters or SearchFilters()
    qs = ImageEmbedding.objects.indexed(embedder)
    if exclude_sha256:
        qs = qs.exclude(sha256=exclude_sha256)
    # Pictures with a visible product only, whatever the filters: a picture whose products
    # were all merged away or deactivated is not a result.
    qs = qs.filter(Exists(matching_products(filters).filter(image_sha256=OuterRef("sha256"))))
    return qs.nearest(vector, min(int(k), MAX_K))


def nearest_pictures(
    vector: Sequence[float] | Expression,
    *,
    embedder: str,
    k: int,
    filters: SearchFilters | None = None,
    exclude_sha256: str = "",
) -> list[tuple[str, float]]:
    """[(sha256, cosine similarity)] of the k nearest indexed pictures of ``embedder`` that at
    least one product passing ``filters`` shows, best first."""
    qs = nearest_pictures_queryset(
        vector, embedder=embedder, k=k, filters=filters, exclude_sha256=exclude_sha256
    )
    rows, _ = _scan(qs.values_list("sha256", "distance"))
    rows.sort(key=lambda r: r[1])
    return [(sha, 1.0 - float(dist)) for sha, dist in rows]


def _scan(
    qs: QuerySet, probe: QuerySet | None = None
) -> tuple[list[tuple[str, float]], bool | None]:
    """Run ``qs`` (an HNSW query) under the iterative-scan settings, and tell whether ``probe``
    has a row, in one round trip: ``SELECT set_config(..., is_local => true) [, EXISTS probe];
    <qs>`` sent as one simple-protocol string is one implicit transaction, so the settings hold
    for ``qs`` and end with it (inside an outer transaction they end with that one, as
    ``SET LOCAL`` does). A product search was six round trips (exists, BEGIN, SET, query,
    COMMIT, products): on a loaded machine each costs a wake-up of the server process.
    With server-side parameter binding (one statement per call) it falls back to
    ``iterative_scan()`` and separate queries."""
    sql, params = qs.query.sql_with_params()
    if connection.settings_dict.get("OPTIONS", {}).get("server_side_binding"):
        with iterative_scan(), connection.cursor() as cur:
            exists = probe.exists() if probe is not None else None
            cur.execute(sql, params)
            return list(cur.fetchall()), exists
    ef = int(SEARCH_EF_SEARCH)
    head = (
        "SELECT set_config('hnsw.iterative_scan', 'relaxed_order', true), "
        f"set_config('hnsw.ef_search', '{ef}', true), "
        f"set_config('hnsw.max_scan_tuples', '{int(MAX_SCAN_TUPLES)}', true)"
    )
    head_params: tuple = ()
    if probe is not None:
        probe_sql, head_params = probe.values("pk")[:1].query.sql_with_params()
        head += f", EXISTS ({probe_sql})"
    with connection.cursor() as cur:
        cur.execute(f"{head}; {sql}", (*head_params, *params))
        exists = bool(cur.fetchone()[3]) if probe is not None else None
        cur.nextset()
        return list(cur.fetchall()), exists


def search_products(
    vector: Sequence[float] | Expression,
    *,
    embedder: str,
    k: int = 10,
    filters: SearchFilters | None = None,
    exclude_sha256: str = "",
) -> list[SimilarGroup]:
    """The k nearest pictures as groups of the products (passing ``filters``) that show them."""
    filters = filters or SearchFilters()
    hits = nearest_pictures(
        vector, embedder=embedder, k=k, filters=filters, exclude_sha256=exclude_sha256
    )
    return _groups(hits, filters)


def _groups(hits: list[tuple[str, float]], filters: SearchFilters) -> list[SimilarGroup]:
    if not hits:
        return []
    groups = {sha: SimilarGroup(sha, sim) for sha, sim in hits}
    products = (
        matching_products(filters)
        .filter(image_sha256__in=list(groups))
        .select_related("category", "manufacturer")
        .order_by("current_price", "pk")
    )
    for product in products:
        groups[product.image_sha256].products.append(product)
    return [g for g in groups.values() if g.products]


def similar_to_product(
    product: Product, *, embedder: str, k: int = 10, filters: SearchFilters | None = None
) -> list[SimilarGroup] | None:
    """Look-alikes of ``product`` (other pictures; same category unless ``filters`` says
    otherwise). None when the product's picture has no embedding of ``embedder`` yet.

    Two round trips: the HNSW query (with the settings and the check that the product's
    picture is indexed, see ``_scan``), then the products showing the hits."""
    if not product.image_sha256:
        return None
    own = ImageEmbedding.objects.indexed(embedder).filter(sha256=product.image_sha256)
    # The product's vector stays in the database: ORDER BY vector <=> (SELECT vector ...) is
    # still an HNSW scan, and no 512 floats travel to Python and back.
    vector = Subquery(own.values("vector")[:1])
    if filters is None:
        filters = SearchFilters(category_id=product.category_id)
    qs = nearest_pictures_queryset(
        vector, embedder=embedder, k=k, filters=filters, exclude_sha256=product.image_sha256
    )
    rows, indexed = _scan(qs.values_list("sha256", "distance"), probe=own)
    if not indexed:
        return None
    rows.sort(key=lambda r: r[1])
    return _groups([(sha, 1.0 - float(dist)) for sha, dist in rows], filters)
