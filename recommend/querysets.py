"""Reads for recommendations: the normalisation references, the candidate desktops of a query,
the ranked configurations, a product's rank among its budget peers and the cheapest fit.

Catalog facts are read through the catalog's QuerySets (``Product.objects.active()...``); the
score is computed in SQL so that ranking 10,000 desktops stays one query.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import (
    Case,
    CharField,
    Count,
    ExpressionWrapper,
    F,
    FloatField,
    Q,
    QuerySet,
    RowRange,
    Value,
    When,
    Window,
)
from django.db.models.functions import Cast, Coalesce, Collate, Least, Lower, NullIf, RowNumber
from django.utils import timezone

from catalog.models import CategoryKind, CpuBenchmark, GpuBenchmark, Product
from catalog.querysets import part_score
from catalog.versions import VERSIONED_SECONDS, catalog_version
from core.caching import cached
from recommend.models import UseCase
from recommend.scoring import References, percentile

FRESH_DAYS = 14  # only products with a price in the last 14 days (today included)
TOP_N = 10
PEER_BAND = 0.2  # budget peers: priced within ±20 %


def fresh_since(today: dt.date | None = None) -> dt.date:
    return (today or timezone.localdate()) - dt.timedelta(days=FRESH_DAYS - 1)


def desktops() -> QuerySet:
    """Active desktops (brand PCs, all-in-ones): what is recommended."""
    return Product.objects.active().of_kind(CategoryKind.DESKTOP)


def fresh_desktops(today: dt.date | None = None) -> QuerySet:
    """Desktops with a price in the last ``FRESH_DAYS`` days."""
    return desktops().filter(current_price__isnull=False, current_price_day__gte=fresh_since(today))


def references() -> References:
    """``compute_references()``, cached under the catalog's data version (every product page's
    panel and every recommendation needs them; they change only with the catalog)."""
    key = f"recommend:references:v1:{catalog_version()}"
    return cached(key, VERSIONED_SECONDS, compute_references)


def compute_references() -> References:
    """CPU Mark / G3D Mark that count as 1: the 95th percentile over the distinct parts active
    desktops are matched to (each part once, however many desktops carry it)."""
    base = desktops()
    cpu = list(
        CpuBenchmark.objects.filter(pk__in=base.values("cpu_benchmark_id")).values_list(
            "score", flat=True
        )
    )
    gpu = list(
        GpuBenchmark.objects.filter(pk__in=base.values("gpu_benchmark_id")).values_list(
            "score", flat=True
        )
    )
    return References(percentile(cpu), percentile(gpu), len(cpu), len(gpu))


def _norm(field: str, ref: float | None) -> object:
    if not ref:
        return Value(None, output_field=FloatField())
    # PostgreSQL's LEAST skips NULLs (LEAST(NULL, 1) is 1): an unmatched part must stay NULL
    return Case(
        When(
            **{f"{field}__isnull": False},
            then=Least(
                ExpressionWrapper(Cast(F(field), FloatField()) / Value(float(ref)), FloatField()),
                Value(1.0),
            ),
        ),
        default=Value(None, output_field=FloatField()),
        output_field=FloatField(),
    )


def with_scores(qs: QuerySet, use: UseCase, refs: References, prefix: str = "") -> QuerySet:
    """Annotate ``{prefix}cpu_norm``, ``gpu_norm``, ``cpu_points``, ``gpu_points`` and
    ``score`` (NULL when a part has no benchmark match: never 0)."""
    cpu_norm, gpu_norm = f"{prefix}cpu_norm", f"{prefix}gpu_norm"
    # a part's score is the catalog's one rule: PassMark's, else the estimate
    cpu_mark, gpu_mark = f"{prefix}cpu_mark_value", f"{prefix}gpu_mark_value"
    qs = qs.annotate(**{cpu_mark: part_score("cpu"), gpu_mark: part_score("gpu")})
    qs = qs.annotate(
        **{
            cpu_norm: _norm(cpu_mark, refs.cpu),
            gpu_norm: _norm(gpu_mark, refs.gpu),
        }
    )
    return qs.annotate(
        **{
            f"{prefix}cpu_points": ExpressionWrapper(
                F(cpu_norm) * Value(float(use.cpu_weight)), FloatField()
            ),
            f"{prefix}gpu_points": ExpressionWrapper(
                F(gpu_norm) * Value(float(use.gpu_weight)), FloatField()
            ),
        }
    ).annotate(
        **{
            f"{prefix}score": ExpressionWrapper(
                F(f"{prefix}cpu_points") + F(f"{prefix}gpu_points"), FloatField()
            )
        }
    )


def unscored_filter() -> Q:
    """Products with no CPU or no GPU score (neither a benchmark match nor an estimate)."""
    return Q(cpu_benchmark__isnull=True, cpu_score_estimated__isnull=True) | Q(
        gpu_benchmark__isnull=True, gpu_score_estimated__isnull=True
    )


def requirement_filter(use: UseCase) -> Q:
    """The use case's hard requirements as a filter (only when the user asks to leave out
    products that miss one)."""
    q = Q()
    if use.needs_discrete_gpu or use.min_vram_gb:
        q &= Q(gpu_integrated=False) & ~Q(gpu_model="")
    if use.min_vram_gb:
        q &= Q(vram_gb__gte=use.min_vram_gb)
    if use.min_ram_gb:
        q &= Q(ram_gb__gte=use.min_ram_gb)
    return q


@dataclass(frozen=True)
class Query:
    """A recommendation query (the form's cleaned data)."""

    use: UseCase
    budget_min: int | None = None
    budget_max: int | None = None
    manufacturer_id: int | None = None
    form_factor: str = ""
    ram_min: int | None = None
    ssd_min: int | None = None
    os_included: bool = False
    requirements_only: bool = False
    sort: str = "score"  # "score" or "value"

    def without_budget(self) -> Query:
        return Query(**{**self.__dict__, "budget_min": None, "budget_max": None})


def candidates(query: Query, today: dt.date | None = None) -> QuerySet:
    """The fresh desktops that pass the query's filters (budget, brand, form, must-haves)."""
    qs = fresh_desktops(today)
    if query.budget_min is not None:
        qs = qs.filter(current_price__gte=query.budget_min)
    if query.budget_max is not None:
        qs = qs.filter(current_price__lte=query.budget_max)
    if query.manufacturer_id:
        qs = qs.filter(manufacturer_id=query.manufacturer_id)
    if query.form_factor:
        qs = qs.filter(form_factor=query.form_factor)
    if query.ram_min:
        qs = qs.filter(ram_gb__gte=query.ram_min)
    if query.ssd_min:
        qs = qs.filter(ssd_gb__gte=query.ssd_min)
    if query.os_included:
        qs = qs.exclude(os__in=["", "미포함", "FreeDOS"])
    if query.requirements_only:
        qs = qs.filter(requirement_filter(query.use))
    return qs


def configuration_key() -> list[object]:
    """CPU + GPU + RAM + SSD: the same configuration from several sellers or in several colours
    is one entry. A product whose CPU is unknown is its own configuration."""
    # byte order ("C"): the key is only grouped, never shown, and the locale's collation made
    # this sort the slowest part of the query
    return [
        Collate(Coalesce(NullIf(Lower("cpu_model"), Value("")), Cast("id", CharField())), "C"),
        Collate(Lower("gpu_model"), "C"),
        Coalesce("ram_gb", Value(-1)),
        Coalesce("ssd_gb", Value(-1)),
    ]


def ranked(
    query: Query, refs: References, limit: int = TOP_N, today: dt.date | None = None
) -> list:
    """The top ``limit`` configurations (each its cheapest listing, annotated with ``sellers``,
    the number of listings of that configuration), scored ones first, by score or by value
    (score per 10,000원); the unscored ("성능 정보 부족") after them, cheapest first."""
    key = configuration_key()
    cheapest_first = [F("current_price").asc(), F("id").asc()]
    qs = with_scores(candidates(query, today), query.use, refs).annotate(
        # both windows share one partition and order, so PostgreSQL sorts the candidates once;
        # the count's frame is the whole partition
        sellers=Window(
            Count("id"), partition_by=key, order_by=cheapest_first, frame=RowRange(None, None)
        ),
        listing_rank=Window(RowNumber(), partition_by=key, order_by=cheapest_first),
        # the counts of ``counts()``, carried on every row so that a page needs no extra query
        total=Window(Count("id")),
        unscored=Window(Count("id", filter=unscored_filter())),
        value=ExpressionWrapper(
            F("score") * Value(10_000.0) / Cast(F("current_price"), FloatField()), FloatField()
        ),
    )
    first = "value" if query.sort == "value" else "score"
    qs = qs.filter(listing_rank=1).order_by(
        F(first).desc(nulls_last=True), F("score").desc(nulls_last=True), "current_price", "id"
    )
    # the window subquery carries only the id and the annotations (not every column of every
    # candidate); the ten rows are then read whole, with their related rows, in one query
    names = ("cpu_norm", "gpu_norm", "cpu_points", "gpu_points", "score", "sellers", "value",
             "total", "unscored")  # fmt: skip
    top = list(qs.values("id", *names)[:limit])
    if not top:
        return []
    full = Product.objects.with_related().in_bulk([t["id"] for t in top])
    rows = []
    for t in top:
        product = full[t["id"]]
        for name in names:
            setattr(product, name, t[name])
        rows.append(product)
    return rows


def counts(query: Query, today: dt.date | None = None) -> dict[str, int]:
    """Listings that pass the filters, and how many of them lack a CPU or GPU benchmark match."""
    return candidates(query, today).aggregate(
        total=Count("id"),
        unscored=Count("id", filter=unscored_filter()),
    )


def cheapest_fit(query: Query, today: dt.date | None = None) -> Product | None:
    """The cheapest fresh desktop that would fit the use case (its hard requirements and the
    query's other filters, whatever the budget); without the other filters when none does."""
    for q in (query.without_budget(), Query(use=query.use)):
        fit = (
            candidates(Query(**{**q.__dict__, "requirements_only": True}), today)
            .with_related()
            .order_by("current_price", "id")
            .first()
        )
        if fit is not None:
            return fit
    return None


def peer_ranks(product: Product, uses: list[UseCase], refs: References) -> dict[str, object]:
    """Each use case's score of ``product`` and its rank among the fresh, scored desktops
    priced within ±20 % of it (its budget peers, itself included), in one query."""
    mine = Product.objects.filter(pk=product.pk)
    for use in uses:  # every use case's score in one query
        mine = with_scores(mine, use, refs, prefix=f"{use.key}_")
    row = mine.values(*(f"{use.key}_score" for use in uses)).first()
    own: dict[str, float | None] = {
        use.key: row[f"{use.key}_score"] if row else None for use in uses
    }
    price = product.current_price
    if not price:
        return {"scores": own, "ranks": {}, "peers": 0}
    peers = (
        fresh_desktops()
        .filter(
            current_price__gte=int(price * (1 - PEER_BAND)),
            current_price__lte=int(price * (1 + PEER_BAND)),
        )
        .exclude(unscored_filter())
    )
    aggregates: dict[str, object] = {"n": Count("id")}
    for use in uses:
        peers = with_scores(peers, use, refs, prefix=f"{use.key}_")
        if own[use.key] is not None:
            aggregates[use.key] = Count("id", filter=Q(**{f"{use.key}_score__gt": own[use.key]}))
    result = peers.aggregate(**aggregates)
    ranks = {use.key: result[use.key] + 1 for use in uses if use.key in result}
    return {"scores": own, "ranks": ranks, "peers": result["n"]}


def reasons_by_id(ids: list[int]) -> list[dict[str, object]]:
    """The polled reasons: id, status ("llm", "template" or "pending") and the text to show
    (the LLM's only when validated; the template's is on the page already)."""
    from recommend.models import CachedReason, ReasonStatus

    out = []
    for pk, status, text in CachedReason.objects.filter(pk__in=ids).values_list(
        "pk", "status", "text"
    ):
        if status == ReasonStatus.LLM:
            out.append({"id": pk, "status": "llm", "text": text})
        elif status == ReasonStatus.TEMPLATE:
            out.append({"id": pk, "status": "template", "text": ""})
        else:
            out.append({"id": pk, "status": "pending", "text": ""})
    return out
