from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from catalog.stats import price_source_label

NAV = [
    ("catalog", "카탈로그", "catalog:product_list", None),
    ("pricing", "AI 적정가", "pricing:configuration", None),
    ("trends", "살까 말까", "trends:market", None),
    ("similarity", "비슷한 상품", "coming_soon", "similarity"),
    ("recommend", "용도별 추천", "coming_soon", "recommend"),
]


def site(request: HttpRequest) -> dict[str, object]:
    """The navigation, and the footer's price-data line (demo or Danawa; cached, and read only
    when a page's footer is drawn)."""
    return {"nav_items": NAV, "price_source_label": SimpleLazyObject(price_source_label)}
