"""The load test's plan and its report (``manage.py loadtest``; the visitors are
``scripts/locustfile.py``).

The plan names, per page, the addresses a visitor picks from: home, catalog list variants
(filters, sorts, pages), many different product pages, the analysis page (``analyze:analysis``)
when the URLconf has it and it answers 200, and the recommendation page for each use case.
Addresses come from the URLconf (``reverse``) and the catalog's own QuerySets, so the server
under test must serve this database (``make run`` in the same checkout does).
"""

from __future__ import annotations

import random
import urllib.error
import urllib.request
from collections.abc import Callable

from django.urls import NoReverseMatch, reverse

from catalog.models import Product
from recommend.models import UseCase

# page -> weight: how often a visitor opens it, relative to the others
DEFAULT_PAGES = {"home": 2, "catalog": 2, "product": 3, "analysis": 2, "recommend": 1}
SMALL_PAGE = 20  # a page with at most this many addresses has each of them probed
PRODUCTS = 400  # distinct product (and analysis) pages: a cache of one address does not help

CATALOG_QUERIES = [
    "",
    "?page=2",
    "?page=7",
    "?ordering=price",
    "?ordering=-price",
    "?ordering=-updated",
    "?kind=desktop",
    "?kind=desktop&ordering=price&page=3",
    "?min_price=1000000&max_price=2000000",
    "?min_price=500000&max_price=1500000&ordering=-price",
]


def parse_pages(text: str) -> dict[str, int]:
    """``"home=2,product=3,recommend"`` -> {"home": 2, "product": 3, "recommend": 1}; a page
    not named is left out. ValueError on an unknown page or a bad weight."""
    pages: dict[str, int] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, _, weight = part.partition("=")
        if name not in DEFAULT_PAGES:
            raise ValueError(f"unknown page {name!r} (pages: {', '.join(DEFAULT_PAGES)})")
        pages[name] = int(weight) if weight else 1
        if pages[name] < 0:
            raise ValueError(f"negative weight for {name}")
    return pages


def sample_products(n: int = PRODUCTS, seed: int = 12) -> list[tuple[int, str]]:
    """(id, pcode) of ``n`` active, priced PC products, chosen at random (deterministic)."""
    rows = list(
        Product.objects.active()
        .pc()
        .filter(current_price__isnull=False, merged_into__isnull=True)
        .order_by("pk")
        .values_list("pk", "pcode")
    )
    random.Random(seed).shuffle(rows)
    return rows[:n]


def analysis_urls(products: list[tuple[int, str]]) -> list[str]:
    """The analysis page of each product, or [] while the URLconf has no ``analyze:analysis``."""
    try:
        return [reverse("analyze:analysis", args=[pcode]) for _pk, pcode in products]
    except NoReverseMatch:
        return []


def build_plan(
    pages: dict[str, int], *, products: int = PRODUCTS, seed: int = 12
) -> dict[str, object]:
    """{"pages": [{name, weight, urls}]} for the chosen pages (before probing)."""
    sample = sample_products(products, seed) if {"product", "analysis"} & set(pages) else []
    urls: dict[str, list[str]] = {
        "home": [reverse("home")],
        "catalog": [reverse("catalog:product_list") + q for q in CATALOG_QUERIES],
        "product": [reverse("catalog:product_detail", args=[pk]) for pk, _ in sample],
        "analysis": analysis_urls(sample),
        "recommend": [
            reverse("recommend:page") + f"?use={key}{budget}"
            for key in UseCase.objects.order_by("order", "key").values_list("key", flat=True)
            for budget in ("", "&budget_max=1500000")
        ],
    }
    return {
        "pages": [
            {"name": name, "weight": weight, "urls": urls[name]}
            for name, weight in pages.items()
            if weight > 0
        ]
    }


def http_status(url: str, timeout: float = 30.0) -> int | None:
    """The status code of a GET of ``url``, None when nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - our URL
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except (urllib.error.URLError, OSError):
        return None


def probe(
    plan: dict[str, object], base_url: str, status: Callable[[str], int | None] = http_status
) -> list[str]:
    """Open each address of the small pages (catalog variants, use cases) and the first of
    the others once. The analysis page is left out unless it answers 200 (it may not be built
    on this branch); an address that answers 404 (a list page past the end of a small
    catalog) is left out; any other failure stays in, so that the run counts it as an error.
    Returns what was said."""
    notes: list[str] = []
    kept = []
    for page in plan["pages"]:
        if not page["urls"]:
            notes.append(f"{page['name']}: no address (left out)")
            continue
        probed = page["urls"] if len(page["urls"]) <= SMALL_PAGE else page["urls"][:1]
        codes = {url: status(base_url + url) for url in probed}
        if page["name"] == "analysis" and codes[probed[0]] != 200:
            notes.append(f"analysis: {probed[0]} answered {codes[probed[0]]} (left out)")
            continue
        for url, code in codes.items():
            if code == 404:
                notes.append(f"{page['name']}: {url} answered 404 (left out)")
            elif code != 200:
                notes.append(f"{page['name']}: {url} answered {code}")
        page["urls"] = [url for url in page["urls"] if codes.get(url) != 404]
        if page["urls"]:
            kept.append(page)
    plan["pages"] = kept
    return notes


def report_lines(summary: dict[str, object]) -> list[str]:
    """Per-page p50/p95 and the last line ``p95_ms=<x> requests=<n> errors=<n>``."""
    lines = [f"{'page':<10} {'requests':>8} {'errors':>6} {'p50_ms':>7} {'p95_ms':>7}"]
    for name, page in summary["pages"].items():
        lines.append(
            f"{name:<10} {page['requests']:>8} {page['failures']:>6} "
            f"{page['p50_ms']:>7.0f} {page['p95_ms']:>7.0f}"
        )
    total = summary["total"]
    lines.append(f"{'all':<10} {total['requests']:>8} {total['failures']:>6} "
                 f"{total['p50_ms']:>7.0f} {total['p95_ms']:>7.0f}  ({total['rps']:.1f} req/s)")  # fmt: skip
    lines.append(
        f"p95_ms={total['p95_ms']:.0f} requests={total['requests']} errors={summary['errors']}"
    )
    return lines
