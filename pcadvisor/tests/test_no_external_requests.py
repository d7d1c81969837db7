"""Pages load nothing from other hosts: no CDN scripts, styles, fonts or images."""

import datetime as dt
import re

import pytest

EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["'](?:https?:)?//""", re.IGNORECASE)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/catalog/",
        "/api/docs/",
        "/similarity/photo/",
        "/pricing/",
        "/pricing/model/",
        "/trends/",
    ],
)
def test_pages_reference_no_other_host(client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert not EXTERNAL.findall(html), EXTERNAL.findall(html)


@pytest.mark.django_db
def test_the_home_page_features_desktops_not_other_categories(client) -> None:
    from catalog.services import PriceRow, get_category, record_prices
    from catalog.tests.factories import ProductFactory

    pc = ProductFactory(name="홈 데스크톱", category=get_category("112756"))
    shoe = ProductFactory(name="홈 신발", category=get_category("demo:shoes", "신발", "other"))
    record_prices(
        [
            PriceRow(pc.pk, dt.date(2024, 1, 1), 900_000),
            PriceRow(shoe.pk, dt.date(2024, 1, 2), 90_000),
        ]
    )
    html = client.get("/").content.decode()
    assert "홈 데스크톱" in html
    assert "홈 신발" not in html
