"""Reads over the catalog: every query a page, API or job needs is a method here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import models
from django.db.models import Avg, Count, Max, Min, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce


def _pc_kinds() -> tuple[str, ...]:
    from catalog.models import PC_KINDS

    return PC_KINDS


class CategoryQuerySet(models.QuerySet):
    def pc(self) -> CategoryQuerySet:
        """PC and PC-part categories only (no sofas, jackets or shoes)."""
        return self.filter(kind__in=_pc_kinds())

    def with_active_products(self) -> CategoryQuerySet:
        """Categories that have at least one active, unmerged product."""
        return self.filter(products__is_active=True, products__merged_into__isnull=True).distinct()


class ManufacturerQuerySet(models.QuerySet):
    def with_active_products_in(
        self, category: models.Model | None = None, kind: str | None = None
    ) -> ManufacturerQuerySet:
        """Brands with active products in ``category``, else of ``kind``, else in the PC
        categories (the catalog's manufacturer menu), by name."""
        from catalog.models import Product

        products = Product.objects.active()
        if category is not None:
            products = products.filter(category=category)
        elif kind:
            products = products.of_kind(kind)
        else:
            products = products.pc()
        return self.filter(pk__in=products.values("manufacturer_id")).order_by("name")


def part_score(part: str) -> Coalesce:
    """The database form of ``Product.cpu_score``/``gpu_score`` (``part`` "cpu" or "gpu"): the
    matched benchmark's score, else the estimated score."""
    return Coalesce(f"{part}_benchmark__score", f"{part}_score_estimated")


class ProductQuerySet(models.QuerySet):
    def pc(self) -> ProductQuerySet:
        """Products of PC and PC-part categories (see ``catalog.models.PC_KINDS``)."""
        return self.filter(category__kind__in=_pc_kinds())

    def active(self) -> ProductQuerySet:
        return self.filter(is_active=True, merged_into__isnull=True)

    def with_related(self) -> ProductQuerySet:
        return self.select_related("category", "manufacturer", "cpu_benchmark", "gpu_benchmark")

    def search(self, text: str) -> ProductQuerySet:
        text = (text or "").strip()
        if not text:
            return self
        q = Q()
        for word in text.split():
            q &= (
                Q(name__icontains=word)
                | Q(spec_summary__icontains=word)
                | Q(cpu_model__icontains=word)
                | Q(gpu_model__icontains=word)
                | Q(pcode=word)
            )
        return self.filter(q)

    def of_kind(self, kind: str) -> ProductQuerySet:
        return self.filter(category__kind=kind)

    def of_kinds(self, kinds: Iterable[str]) -> ProductQuerySet:
        return self.filter(category__kind__in=[str(k) for k in kinds])

    def with_daily_lowest(
        self, name: str, *, since: dt.date, until: dt.date, first: bool = False
    ) -> ProductQuerySet:
        """Annotate ``name``: the daily lowest price of the product's latest day (``first``: its
        earliest day) with a price in [since, until], None when it has none. One probe of the
        ``DailyLowestPrice`` primary key per product."""
        from catalog.models import DailyLowestPrice

        prices = DailyLowestPrice.objects.filter(
            product_id=OuterRef("pk"), day__gte=since, day__lte=until
        ).order_by("day" if first else "-day")
        return self.annotate(**{name: Subquery(prices.values("price")[:1])})


class PriceSnapshotQuerySet(models.QuerySet):
    def pc(self) -> PriceSnapshotQuerySet:
        """Price rows of PC and PC-part products (see ``catalog.models.PC_KINDS``)."""
        return self.filter(product__category__kind__in=_pc_kinds())

    def for_product(self, product_id: int) -> PriceSnapshotQuerySet:
        return self.filter(product_id=product_id)

    def since(self, day: dt.date | None) -> PriceSnapshotQuerySet:
        return self.filter(day__gte=day) if day else self

    def summary(self) -> dict[str, object]:
        return self.aggregate(
            min=Min("price"), max=Max("price"), avg=Avg("price"), days=Count("day", distinct=True)
        )


class DailyLowestPriceQuerySet(models.QuerySet):
    """Reads of the daily lowest price (``catalog.models.DailyLowestPrice``), the one place
    pages, the API, the forecaster and the market dashboard get it from."""

    def for_product(self, product_id: int) -> DailyLowestPriceQuerySet:
        return self.filter(product_id=product_id)

    def of_kinds(self, kinds: Iterable[str]) -> DailyLowestPriceQuerySet:
        return self.filter(product__category__kind__in=[str(k) for k in kinds])

    def pc(self) -> DailyLowestPriceQuerySet:
        """Prices of PC and PC-part products (see ``catalog.models.PC_KINDS``)."""
        return self.of_kinds(_pc_kinds())

    def of_active_products(self) -> DailyLowestPriceQuerySet:
        return self.filter(product__is_active=True, product__merged_into__isnull=True)

    def between(
        self, since: dt.date | None = None, until: dt.date | None = None
    ) -> DailyLowestPriceQuerySet:
        """Days from ``since`` to ``until``, both included (None: open)."""
        qs = self
        if since is not None:
            qs = qs.filter(day__gte=since)
        if until is not None:
            qs = qs.filter(day__lte=until)
        return qs

    def latest_day(self) -> dt.date | None:
        """The newest day with a price (served by the day index)."""
        return self.aggregate(day=Max("day"))["day"]

    def points(self) -> list[tuple[dt.date, int]]:
        """[(day, price)] by day (one product's series: filter with ``for_product`` first)."""
        return list(self.order_by("day").values_list("day", "price"))

    def series(self) -> dict[int, dict[dt.date, int]]:
        """{product_id: {day: price}} of every product in the QuerySet."""
        out: dict[int, dict[dt.date, int]] = {}
        for product_id, day, price in self.order_by().values_list("product_id", "day", "price"):
            out.setdefault(product_id, {})[day] = price
        return out


class BenchmarkQuerySet(models.QuerySet):
    def search(self, text: str) -> BenchmarkQuerySet:
        text = (text or "").strip()
        return self.filter(name__icontains=text) if text else self


class ShopOfferQuerySet(models.QuerySet):
    def for_product(self, product_id: int) -> ShopOfferQuerySet:
        """One product's offers, cheapest first (then in the page's order)."""
        return self.filter(product_id=product_id).order_by("price", "position", "pk")
