"""The catalog's data version: a token that changes on every catalog write (the services'
``products_changed`` / ``prices_recorded`` signals), part of the cache keys of what pages
compute from catalog data (home's latest desktops, the list's menus and counts, the product
panels), so that a new price or product shows up on the next request.

Admin edits (deactivating a product) send no signal: entries keyed by it also expire after
``VERSIONED_SECONDS``.
"""

from __future__ import annotations

from core.caching import bump_version, data_version

NAME = "catalog"
VERSIONED_SECONDS = 600


def catalog_version() -> str:
    return data_version(NAME)


def bump_catalog_version(**kwargs: object) -> None:
    """Signal receiver: products or prices changed."""
    bump_version(NAME)
