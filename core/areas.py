"""The site's areas, in one place: the navigation, the "준비 중" pages (``/soon/<area>/``) and
the product page's notes for areas whose panel is not there read this registry.

It names URL patterns as strings and imports no app, so that the catalog (below the apps that
build the areas) and the front door (above them) can both read it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Area:
    """One area of the site.

    ``url_name`` is the page of an area that is built; an area without one is "준비 중" and
    ``/soon/<key>/`` stands in for it, saying ``blurb``. ``panel_note`` is what the product page
    shows until the area's product panel (``catalog.panels``, registered under ``key``) does;
    empty for an area without one.
    """

    key: str
    label: str
    url_name: str = ""
    blurb: str = ""
    panel_note: str = ""

    @property
    def built(self) -> bool:
        return bool(self.url_name)


AREAS: tuple[Area, ...] = (
    Area("catalog", "카탈로그", url_name="catalog:product_list"),
    Area(
        "pricing",
        "AI 적정가",
        url_name="pricing:configuration",
        panel_note="이미지와 스펙으로 예측한 적정 가격",
    ),
    Area(
        "trends",
        "살까 말까",
        url_name="trends:market",
        panel_note="비슷한 상품들의 가격 흐름으로 본 10일 뒤 가격",
    ),
    Area(
        "similarity",
        "비슷한 상품",
        url_name="similarity:photo",
        blurb="사진으로 비슷하게 생긴 상품을 찾아 드립니다.",
        panel_note="사진과 스펙이 비슷한 상품",
    ),
    Area(
        "recommend",
        "용도별 추천",
        url_name="recommend:page",
        blurb="사무용·개발·게임·디자인·AI 용도에 맞는 PC를 추천합니다.",
        panel_note="사무용·게임·AI 등 용도에 맞는 PC",
    ),
)
COMING_SOON_URL_NAME = "coming_soon"  # /soon/<key>/, pcadvisor.urls


def get_area(key: str) -> Area | None:
    return next((area for area in AREAS if area.key == key), None)


def nav_items() -> list[tuple[str, str, str, str | None]]:
    """(key, label, URL name, URL argument) per area, in order: a built area's page, else its
    ``/soon/<key>/`` page (the argument is then the key)."""
    return [
        (a.key, a.label, a.url_name, None)
        if a.built
        else (a.key, a.label, COMING_SOON_URL_NAME, a.key)
        for a in AREAS
    ]


def panel_areas() -> list[tuple[str, str, str]]:
    """(key, label, note) of each area that has a product panel, in order."""
    return [(a.key, a.label, a.panel_note) for a in AREAS if a.panel_note]
