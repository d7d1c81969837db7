"""Every menu of the catalog page is tested against the filterset that serves it: each option of
each <select> and each link of the page's menus is requested and must give results without a
form error, and every sort order must hold what its label promises. The menu and the filterset
can then never drift apart again (they did: 낮은 가격순 sent ``current_price``, the filterset
took ``price``)."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlsplit

import pytest

from catalog.models import CategoryKind, Product
from catalog.services import PriceRow, get_category, record_prices
from catalog.tests.factories import ManufacturerFactory, ProductFactory

pytestmark = pytest.mark.django_db

LIST_URL = "/catalog/"
PRODUCT_LINK = re.compile(r'href="/catalog/products/(\d+)/"')

# What each sort label promises: (field, descending). Every label on the page must be here.
PROMISES = {
    "이름순": ("name", False),
    "이름 역순": ("name", True),
    "낮은 가격순": ("current_price", False),
    "높은 가격순": ("current_price", True),
    "오래된 갱신순": ("updated_at", False),
    "최근 갱신순": ("updated_at", True),
}


class MenuParser(HTMLParser):
    """The <select>s of the filter form (name -> [(value, label)]) and the links of the page's
    menus (the filter form and the pagination)."""

    def __init__(self) -> None:
        super().__init__()
        self.selects: dict[str, list[tuple[str, str]]] = {}
        self.links: list[str] = []
        self._select: str | None = None
        self._option: list | None = None
        self._menu_depth = 0
        self._stack: list[bool] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        is_menu = tag in ("form", "nav") and bool({"filters", "pagination"} & set(classes))
        if tag in ("form", "nav", "div"):
            self._stack.append(is_menu)
            self._menu_depth += is_menu
        if tag == "select":
            self._select = a["name"]
            self.selects[self._select] = []
        elif tag == "option" and self._select:
            self._option = [a.get("value", ""), ""]
        elif tag == "a" and self._menu_depth and a.get("href"):
            self.links.append(a["href"])

    def handle_data(self, data: str) -> None:
        if self._option is not None:
            self._option[1] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "option" and self._option is not None and self._select:
            self.selects[self._select].append((self._option[0], self._option[1].strip()))
            self._option = None
        elif tag == "select":
            self._select = None
        elif tag in ("form", "nav", "div") and self._stack:
            self._menu_depth -= self._stack.pop()


def parse_menus(html: str) -> MenuParser:
    parser = MenuParser()
    parser.feed(html)
    return parser


def product_ids(html: str) -> list[int]:
    return [int(pk) for pk in PRODUCT_LINK.findall(html)]


@pytest.fixture
def catalog_rows() -> list[Product]:
    """Products of every PC kind, two manufacturers each, prices and update times that differ."""
    samsung, lg = ManufacturerFactory(name="삼성전자"), ManufacturerFactory(name="LG전자")
    categories = [
        get_category("112756"),  # brand PC, desktop
        get_category("112758"),  # laptop
        get_category("112747"),  # CPU
        get_category("112753"),  # graphics card
        get_category("112752"),  # RAM, a PC part
    ]
    products = []
    for i, category in enumerate(categories):
        for j, maker in enumerate((samsung, lg)):
            product = ProductFactory(
                name=f"{category.name} {maker.name} {i}{j}", category=category, manufacturer=maker
            )
            products.append(product)
    record_prices(
        [
            PriceRow(p.pk, dt.date(2024, 1, 1), 100_000 + (k * 37_000) % 500_000)
            for k, p in enumerate(products)
        ]
    )
    # updated_at in an order that differs from the name and price orders
    base = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    for k, p in enumerate(products):
        Product.objects.filter(pk=p.pk).update(updated_at=base + dt.timedelta(hours=(k * 7) % 11))
    ProductFactory(name="가격 없는 데스크톱", category=categories[0], manufacturer=samsung)
    return products


def assert_results_without_errors(client, params: dict[str, str]) -> str:
    response = client.get(LIST_URL, params)
    html = response.content.decode()
    assert response.status_code == 200, params
    assert "form-errors" not in html, (params, html[html.find("form-errors") :][:300])
    assert product_ids(html), f"no products for {params}"
    return html


def test_every_option_of_every_menu_gives_results_without_a_form_error(
    client, catalog_rows
) -> None:
    menus = parse_menus(client.get(LIST_URL).content.decode())
    assert {"category", "kind", "manufacturer", "ordering"} <= set(menus.selects)
    for name, options in menus.selects.items():
        assert len(options) > 1, name
        for value, label in options:
            html = assert_results_without_errors(client, {name: value})
            if value:  # the option is selected on the page it leads to
                chosen = parse_menus(html)
                assert (value, label) in chosen.selects[name]


def test_every_sort_option_keeps_the_order_its_label_promises(client, catalog_rows) -> None:
    options = parse_menus(client.get(LIST_URL).content.decode()).selects["ordering"]
    labels = {label for _value, label in options}
    assert {"낮은 가격순", "높은 가격순", "최근 갱신순"} <= labels
    assert labels <= set(PROMISES), labels - set(PROMISES)
    for value, label in options:
        field, descending = PROMISES[label]
        ids = product_ids(assert_results_without_errors(client, {"ordering": value}))
        rows = Product.objects.in_bulk(ids)
        values = [getattr(rows[pk], field) for pk in ids]
        present = [v for v in values if v is not None]
        assert present == sorted(present, reverse=descending), (label, values)
        # products without a price come last in both directions
        assert values[len(present) :] == [None] * (len(values) - len(present)), label


def test_the_api_accepts_every_sort_option_of_the_page_in_the_same_order(
    client, catalog_rows
) -> None:
    options = parse_menus(client.get(LIST_URL).content.decode()).selects["ordering"]
    for value, label in options:
        page = product_ids(client.get(LIST_URL, {"ordering": value}).content.decode())
        response = client.get("/api/v1/products/", {"ordering": value})
        assert response.status_code == 200, (label, response.content)
        assert [row["id"] for row in response.json()["results"]][: len(page)] == page, label


def test_every_menu_link_of_the_page_works(client, catalog_rows) -> None:
    for i in range(35):  # enough for a second page, so the pagination links exist
        ProductFactory(name=f"페이지 상품 {i:02d}", category=get_category("112756"))
    html = client.get(LIST_URL, {"ordering": "-price"}).content.decode()
    links = parse_menus(html).links
    assert any("page=2" in link for link in links), links
    for link in links:
        parts = urlsplit(link.replace("&amp;", "&"))
        assert parts.path in ("", LIST_URL), link
        assert_results_without_errors(client, dict(parse_qsl(parts.query)))


def test_non_pc_categories_stay_out_of_the_default_list_menus_and_counts(client) -> None:
    desktop = ProductFactory(name="게이밍 데스크톱", category=get_category("112756"))
    sofa_maker = ManufacturerFactory(name="소파공방")
    sofa_cat = get_category("demo:sofa", "소파", CategoryKind.OTHER)
    sofa = ProductFactory(name="3인용 패브릭 소파", category=sofa_cat, manufacturer=sofa_maker)
    html = client.get(LIST_URL).content.decode()
    menus = parse_menus(html)
    assert desktop.pk in product_ids(html) and sofa.pk not in product_ids(html)
    assert "1개 상품" in html
    assert "소파" not in {label for _v, label in menus.selects["category"]}
    assert CategoryKind.OTHER.value not in {v for v, _l in menus.selects["kind"]}
    assert "소파공방" not in {label for _v, label in menus.selects["manufacturer"]}
    api = client.get("/api/v1/products/").json()
    assert [row["id"] for row in api["results"]] == [desktop.pk]


def test_a_non_pc_category_stays_reachable_when_it_is_chosen(client) -> None:
    ProductFactory(name="게이밍 데스크톱", category=get_category("112756"))
    sofa_cat = get_category("demo:sofa", "소파", CategoryKind.OTHER)
    sofa = ProductFactory(
        name="3인용 패브릭 소파",
        category=sofa_cat,
        manufacturer=ManufacturerFactory(name="소파공방"),
    )
    html = client.get(LIST_URL, {"category": sofa_cat.code}).content.decode()
    menus = parse_menus(html)
    assert product_ids(html) == [sofa.pk]
    assert (sofa_cat.code, "소파") in menus.selects["category"]
    assert "소파공방" in {label for _v, label in menus.selects["manufacturer"]}
    api = client.get("/api/v1/products/", {"category": sofa_cat.code}).json()
    assert [row["id"] for row in api["results"]] == [sofa.pk]
    assert client.get(sofa.get_absolute_url()).status_code == 200


def test_the_menus_offer_no_category_or_kind_without_products(client) -> None:
    ProductFactory(name="게이밍 데스크톱", category=get_category("112756"))
    get_category("112747")  # CPU: a category with no products yet
    menus = parse_menus(client.get(LIST_URL).content.decode())
    assert [label for _v, label in menus.selects["category"]] == ["전체", "브랜드PC"]
    assert [value for value, _l in menus.selects["kind"]] == ["", "desktop"]
