"""Reads of trends' own tables: the stored backtest runs and the dashboard's rollups
(``trends.models.ProductWindow``, ``MarketIndexDay``), which ``trends.services`` keeps.

Catalog facts (is a product active, its name and category) come from catalog QuerySets: the
one statement here that needs SQL of its own (the bands' ROLLUP with the movers, which the
dashboard reads in a single query) embeds the SQL Django compiles for this QuerySet.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection, models
from django.db.models import Avg, Count, F, Q

from trends.market import split_rows, subquery_sql


class BacktestRunQuerySet(models.QuerySet):
    def latest_run(self) -> models.Model | None:
        """The newest backtest run (what the admin, the panel and the model card show)."""
        return self.order_by("-created_at").first()


_BANDS_AND_MOVERS = """
    WITH w AS MATERIALIZED ({windows})
    SELECT 'band', band, count(*), avg(change),
           count(*) FILTER (WHERE direction = 'up'),
           count(*) FILTER (WHERE direction = 'flat'),
           count(*) FILTER (WHERE direction = 'down'),
           NULL::bigint, NULL::text, NULL::integer, NULL::integer, NULL::float8
    FROM w GROUP BY ROLLUP (band)
    UNION ALL
    (SELECT 'up', NULL, NULL, NULL, NULL, NULL, NULL,
            w.product_id, w.name, w.price, w.base_price, w.change
     FROM w WHERE w.change > 0 ORDER BY w.change DESC, w.product_id LIMIT %(movers)s)
    UNION ALL
    (SELECT 'down', NULL, NULL, NULL, NULL, NULL, NULL,
            w.product_id, w.name, w.price, w.base_price, w.change
     FROM w WHERE w.change < 0 ORDER BY w.change ASC, w.product_id LIMIT %(movers)s)
"""


class ProductWindowQuerySet(models.QuerySet):
    def changed(self) -> ProductWindowQuerySet:
        """Rows with a 10-day change, of active products (what the counts and movers count)."""
        from catalog.models import Product

        return self.filter(change__isnull=False, product__in=Product.objects.active())

    def bands_and_movers(self, *, movers: int) -> tuple[list[tuple], list[tuple]]:
        """(bands, movers) of ``changed()`` rows in one statement: per band and in total (the
        ROLLUP row, band None) (band, count, average change, up, flat, down); the ``movers``
        biggest rises and falls as (direction, product_id, name, price, base price, change)."""
        windows, params = subquery_sql(
            self.changed()
            .order_by()
            .values(
                "product_id",
                "price",
                "base_price",
                "change",
                "direction",
                "band",
                name=F("product__name"),
            ),
            "w",
        )
        params["movers"] = movers
        with connection.cursor() as cur:
            cur.execute(_BANDS_AND_MOVERS.replace("{windows}", windows), params)
            return split_rows(cur.fetchall())

    def by_category(self) -> list[tuple]:
        """(name, kind, products, average change, up, flat, down) per category of
        ``changed()`` rows, most products first (the /trends/ page's breakdown)."""
        rows = (
            self.changed()
            .values("product__category_id", "product__category__name", "product__category__kind")
            .annotate(
                products=Count("pk"),
                average=Avg("change"),
                up=Count("pk", filter=Q(direction="up")),
                flat=Count("pk", filter=Q(direction="flat")),
                down=Count("pk", filter=Q(direction="down")),
            )
            .order_by("-products", "product__category__name")
        )
        return [
            (
                r["product__category__name"],
                r["product__category__kind"],
                r["products"],
                r["average"],
                r["up"],
                r["flat"],
                r["down"],
            )
            for r in rows
        ]


class MarketIndexDayQuerySet(models.QuerySet):
    def points(self) -> list[tuple[dt.date, float, int]]:
        """[(day, index value, products)] by day."""
        return list(self.order_by("day").values_list("day", "value", "products"))
