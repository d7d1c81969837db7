from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from catalog.stats import price_source_label
from core.areas import nav_items

# The navigation: one entry per area of the registry (core.areas).
NAV = nav_items()


def site(request: HttpRequest) -> dict[str, object]:
    """The navigation, and the footer's price-data line (demo or Danawa; cached, and read only
    when a page's footer is drawn)."""
    return {"nav_items": NAV, "price_source_label": SimpleLazyObject(price_source_label)}
