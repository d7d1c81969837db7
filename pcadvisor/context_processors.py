from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.functional import SimpleLazyObject

from catalog.stats import price_source_label
from core.areas import nav_items

# The navigation: one entry per area of the registry (core.areas).
NAV = nav_items()


def _compare_url() -> str:
    try:
        return reverse("recommend:compare")
    except NoReverseMatch:  # recommend not installed
        return ""


def site(request: HttpRequest) -> dict[str, object]:
    """The navigation, the footer's price-data line (demo or Danawa; cached, and read only
    when a page's footer is drawn), and where product lists send "비교하기" (the top layer
    knows recommend's compare page; the catalog's templates do not name it)."""
    return {
        "nav_items": NAV,
        "price_source_label": SimpleLazyObject(price_source_label),
        "compare_url": SimpleLazyObject(_compare_url),
    }
