"""Reads over the catalog: every query a page, API or job needs is a method here."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Avg, Count, Max, Min, Q


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


class PriceSnapshotQuerySet(models.QuerySet):
    def pc(self) -> PriceSnapshotQuerySet:
        """Price rows of PC and PC-part products (see ``catalog.models.PC_KINDS``)."""
        return self.filter(product__category__kind__in=_pc_kinds())

    def for_product(self, product_id: int) -> PriceSnapshotQuerySet:
        return self.filter(product_id=product_id)

    def since(self, day: dt.date | None) -> PriceSnapshotQuerySet:
        return self.filter(day__gte=day) if day else self

    def daily_lowest(self) -> models.QuerySet:
        """(product_id, day, price): the lowest new-product price per product and day."""
        return (
            self.values("product_id", "day")
            .annotate(price=Min("price"))
            .order_by("product_id", "day")
        )

    def summary(self) -> dict[str, object]:
        return self.aggregate(
            min=Min("price"), max=Max("price"), avg=Avg("price"), days=Count("day", distinct=True)
        )


class BenchmarkQuerySet(models.QuerySet):
    def search(self, text: str) -> BenchmarkQuerySet:
        text = (text or "").strip()
        return self.filter(name__icontains=text) if text else self
