"""The catalog's headline numbers (home page counts, where the prices come from), cached.

Counting price rows takes tens of milliseconds on a full catalog, too much for every home
request and every page footer: the numbers are kept in the Django cache (Redis) and forgotten
when the catalog says products or prices changed (``catalog.signals``), and after
``COUNTS_SECONDS`` at the latest (admin edits such as deactivating a product send no signal).
"""

from __future__ import annotations

import logging

from django.core.cache import cache
from django.db.models import Count, Q

from catalog.models import Category, PriceSnapshot, Product
from core.caching import cached

logger = logging.getLogger(__name__)

COUNTS_KEY = "catalog:counts:v1"
COUNTS_SECONDS = 600

# where the catalog's prices come from -> the footer's words
PRICE_SOURCE_LABELS = {
    "danawa": "가격 데이터: 다나와",
    "demo": "가격 데이터: 데모 (코드가 만든 가상의 가격)",
    "mixed": "가격 데이터: 다나와 + 데모 (가상의 가격 포함)",
    "none": "가격 데이터: 아직 없음",
}


def compute_catalog_counts() -> dict[str, object]:
    """The PC catalog's numbers, uncached: non-PC categories (image search only) are left out."""
    products = Product.objects.active().pc()
    counted = products.aggregate(
        products=Count("pk"),
        demo=Count("pk", filter=Q(is_demo=True)),
        priced_demo=Count("pk", filter=Q(is_demo=True, current_price__isnull=False)),
        priced_real=Count("pk", filter=Q(is_demo=False, current_price__isnull=False)),
    )
    demo, real = counted["priced_demo"], counted["priced_real"]
    source = "mixed" if demo and real else "demo" if demo else "danawa" if real else "none"
    return {
        "products": counted["products"],
        "demo_products": counted["demo"],
        "price_rows": PriceSnapshot.objects.pc().count(),
        "categories": Category.objects.pc().with_active_products().count(),
        "price_source": source,
    }


def catalog_counts() -> dict[str, object]:
    """``compute_catalog_counts()`` through the cache; computed on a miss or without Redis."""
    return cached(COUNTS_KEY, COUNTS_SECONDS, compute_catalog_counts)


def price_source_label() -> str:
    """The footer's "가격 데이터: ..." words: demo, Danawa, both, or none yet."""
    return PRICE_SOURCE_LABELS[str(catalog_counts()["price_source"])]


def forget_catalog_counts(**kwargs: object) -> None:
    """Signal receiver: products or prices changed, count again on the next request."""
    try:
        cache.delete(COUNTS_KEY)
    except Exception:
        logger.warning("catalog: could not forget the cached counts", exc_info=True)
