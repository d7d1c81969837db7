"""Trend pages: the product-page panel, a product's trend page and the market dashboard."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.safestring import mark_safe

from catalog.history import PriceHistory
from catalog.models import Product
from trends.dashboard import index_chart_svg, market_details, market_summary
from trends.forecaster import VERDICT_RULE, product_trend, trend_chart_svg
from trends.ml.forecast import HORIZON
from trends.models import BacktestRun
from trends.services import cached_latest_backtest

PANEL_TEMPLATE = "trends/_product_panel.html"
PANEL_VERSION = "v1"  # the cached panel's format (catalog.panels): bump when the panel changes
DASHBOARD_TEMPLATE = "trends/_dashboard.html"


def panel_context(product: Product, history: PriceHistory | None = None) -> dict[str, object]:
    """Context of ``trends/_product_panel.html`` for one product (``history``: its price
    history, when the page has read it already)."""
    trend = product_trend(product, history)
    return {
        "trend": trend,
        "horizon": HORIZON,
        # the chart builder escapes every text it writes
        "trend_chart_svg": mark_safe(trend_chart_svg(trend)),  # noqa: S308
        "backtest": cached_latest_backtest(),
        "verdict_rule": VERDICT_RULE,
    }


def dashboard_context() -> dict[str, object]:
    """Context of ``trends/_dashboard.html`` (the cached market summary and its chart)."""
    summary = market_summary()
    return {
        "market": summary,
        "market_index_svg": mark_safe(index_chart_svg(summary)),  # noqa: S308
    }


def panel_version(product: object) -> str:
    """The cached panel's version (``catalog.panels``) beside the catalog's: its format and the
    latest backtest it shows (``record_backtest`` forgets the cached one)."""
    run = cached_latest_backtest()
    return f"{PANEL_VERSION}:{run.pk if run else 0}"


def product_panel(
    request: HttpRequest, product: object, history: PriceHistory | None = None
) -> tuple[str, dict] | None:
    """The product-page panel registered with ``catalog.panels`` (with the page's history)."""
    return PANEL_TEMPLATE, panel_context(product, history)


def product_trend_page(request: HttpRequest, pk: int) -> HttpResponse:
    product = get_object_or_404(Product.objects.with_related(), pk=pk)
    return render(request, "trends/product.html", {"product": product, **panel_context(product)})


def market(request: HttpRequest) -> HttpResponse:
    """The market page: the home page's summary without its short mover lists, and what the
    home page has not — the breakdown by category, longer mover lists, the verdict rule and
    the latest backtest's track record."""
    return render(
        request,
        "trends/market.html",
        {
            **dashboard_context(),
            "details": market_details(),
            "backtest": BacktestRun.objects.latest_run(),
            "verdict_rule": VERDICT_RULE,
            "full_page": True,
        },
    )
