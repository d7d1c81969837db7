from django.http import HttpRequest

NAV = [
    ("catalog", "카탈로그", "catalog:product_list", None),
    ("pricing", "AI 적정가", "pricing:configuration", None),
    ("trends", "살까 말까", "trends:market", None),
    ("similarity", "비슷한 상품", "coming_soon", "similarity"),
    ("recommend", "용도별 추천", "coming_soon", "recommend"),
]


def site(request: HttpRequest) -> dict[str, object]:
    return {"nav_items": NAV}
