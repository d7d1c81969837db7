"""The shops' offers of a product (``catalog.ShopOffer``): the one writer.

A product crawl reads the offers Danawa's product page lists and replaces the product's offers
whole, in one transaction (the product row locked first), so that a re-crawl never duplicates
an offer and a reader never sees half of the old list with half of the new one.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from catalog.models import Product, ShopOffer
from catalog.services.prices import validate_price

logger = logging.getLogger(__name__)

SHOP_MAX_LENGTH = 100
TEXT_MAX_LENGTH = 60
URL_MAX_LENGTH = 1000


@dataclass(frozen=True)
class OfferData:
    """One offer to store (what ``catalog.danawa.parsers.Offer`` reads from a page)."""

    shop: str
    price: int
    shipping_fee: int | None = None
    shipping_text: str = ""
    card_price: int | None = None
    card_label: str = ""
    url: str = ""


def replace_offers(
    product: Product, offers: Iterable[OfferData], *, fetched_at: dt.datetime | None = None
) -> int:
    """Replace ``product``'s offers with ``offers`` (in the given order) and return how many
    were stored. An offer without a shop name or with a price outside the catalog's price
    range is left out (and logged); an empty list clears the product's offers."""
    fetched_at = fetched_at or timezone.now()
    rows = []
    for position, offer in enumerate(offers):
        shop = " ".join((offer.shop or "").split())[:SHOP_MAX_LENGTH]
        if not shop or validate_price(offer.price) is not None:
            logger.info("offer of product %s left out: %r", product.pk, offer)
            continue
        card = offer.card_price if offer.card_price and offer.card_price > 0 else None
        url = offer.url if len(offer.url) <= URL_MAX_LENGTH else ""
        rows.append(
            ShopOffer(
                product=product,
                shop=shop,
                price=offer.price,
                shipping_fee=offer.shipping_fee,
                shipping_text=offer.shipping_text[:TEXT_MAX_LENGTH],
                card_price=card,
                card_label=offer.card_label[:TEXT_MAX_LENGTH],
                url=url,
                position=position,
                fetched_at=fetched_at,
            )
        )
    with transaction.atomic():
        # two crawls of the same product replace its offers one after the other
        Product.objects.select_for_update().filter(pk=product.pk).values_list("pk").first()
        ShopOffer.objects.filter(product=product).delete()
        ShopOffer.objects.bulk_create(rows)
    return len(rows)
