"""The navigation, the "준비 중" pages and the product page's notes agree: all three are drawn
from one registry of the site's areas (core.areas)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from catalog.tests.factories import ProductFactory
from core.areas import AREAS, get_area, panel_areas

pytestmark = pytest.mark.django_db

NAV_LINK = re.compile(r'<a href="([^"]+)"( class="nav-soon")?[^>]*>([^<]+)</a>')


def _nav(html: str) -> list[tuple[str, bool, str]]:
    nav = html[html.index("<nav>") : html.index("</nav>")]
    return [(href, bool(soon), label) for href, soon, label in NAV_LINK.findall(nav)]


def _soon_cards(html: str) -> list[tuple[str, str, str]]:
    if 'class="soon-grid"' not in html:
        return []
    grid = html[html.index('class="soon-grid"') : html.index("</section>", html.index("soon-grid"))]
    card = re.compile(
        r'<strong>([^<]+)</strong>.*?<p class="muted small">([^<]*)</p><a href="([^"]+)">', re.S
    )
    return card.findall(grid)


def test_the_navigation_lists_every_area_in_order_and_marks_those_not_built(client) -> None:
    nav = _nav(client.get("/").content.decode())
    expected = [
        (reverse(a.url_name) if a.built else f"/soon/{a.key}/", not a.built, a.label) for a in AREAS
    ]
    assert nav[: len(AREAS)] == expected


def test_an_area_not_built_has_its_coming_soon_page_under_its_navigation_name(
    client, monkeypatch
) -> None:
    """Every area is built today; the "준비 중" page still serves the next one."""
    from core import areas

    future = areas.Area("future", "새 기능", blurb="곧 만나실 수 있습니다.")
    monkeypatch.setattr(areas, "AREAS", (*areas.AREAS, future))
    response = client.get("/soon/future/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f"<h1>{future.label}</h1>" in html and future.blurb in html


@pytest.mark.parametrize("area", [a for a in AREAS if a.built], ids=lambda a: a.key)
def test_the_coming_soon_address_of_a_built_area_leads_to_its_page(client, area) -> None:
    response = client.get(f"/soon/{area.key}/")
    assert response.status_code == 302 and response.url == reverse(area.url_name)
    assert client.get(response.url).status_code == 200


def test_an_unknown_area_is_a_404(client) -> None:
    assert client.get("/soon/no-such-area/").status_code == 404


def test_the_product_page_notes_every_area_whose_panel_is_missing_with_a_working_link(
    client, monkeypatch
) -> None:
    from catalog import panels

    monkeypatch.setattr(panels, "_PANELS", {})  # no app's panel: every area gets its note
    html = client.get(ProductFactory().get_absolute_url()).content.decode()
    cards = _soon_cards(html)
    assert cards == [(label, note, f"/soon/{key}/") for key, label, note in panel_areas()]
    assert [get_area(key).label for key, _label, _note in panel_areas()] == [c[0] for c in cards]
    for _label, _note, href in cards:
        assert client.get(href, follow=True).status_code == 200


def test_areas_with_a_product_panel_are_areas_of_the_navigation() -> None:
    assert {key for key, _label, _note in panel_areas()} <= {a.key for a in AREAS}
    assert len({a.key for a in AREAS}) == len(AREAS)
