"""The shops' offers of a product page ("어디서 살까"): read from both Danawa templates (and the
JSON-LD when the markup lists none), links cleaned of tracking, stored by the product crawl
once (a re-crawl replaces them), shown in the admin."""

from __future__ import annotations

from pathlib import Path

import pytest

from catalog.danawa.crawler import crawl_product
from catalog.danawa.errors import UnknownTemplateError
from catalog.danawa.parsers import NO_OFFERS_NOTE, clean_offer_url, parse_product_page
from catalog.models import Product, ShopOffer
from catalog.services import OfferData, replace_offers
from catalog.tests.factories import ProductFactory
from catalog.tests.fake_danawa import (
    FakeDanawa,
    FakeOffer,
    fake_danawa_fixture,  # noqa: F401 - pytest fixture
)

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "danawa"


def page(name: str):
    return parse_product_page((FIXTURES / name).read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- parsing


def test_the_classic_lowest_price_table_gives_each_shop_cheapest_first() -> None:
    result = page("product_18832904_lowest_list.html")

    assert [(o.shop, o.price) for o in result.offers] == [
        ("11번가", 1_349_000),
        ("쿠팡", 1_359_000),
        ("G마켓", 1_372_500),
        ("컴퓨존", 1_399_000),
    ]
    eleven, coupang, gmarket, compuzone = result.offers
    assert (eleven.shipping_fee, eleven.shipping_text) == (0, "무료배송")
    assert (gmarket.shipping_fee, gmarket.shipping_text) == (2_500, "")
    assert (compuzone.shipping_fee, compuzone.shipping_text) == (None, "착불")
    # the card-discount row of tbody.card_list lands on the same shop's offer
    assert (eleven.card_price, eleven.card_label) == (1_295_040, "신한카드 4% 할인")
    assert coupang.card_price is None
    assert result.offers_note == ""


def test_the_newer_company_area_template_gives_the_same_fields() -> None:
    result = page("product_19910233_company_area.html")

    assert [(o.shop, o.price) for o in result.offers] == [
        ("SSG.COM", 2_190_000),
        ("롯데ON", 2_205_000),
        ("옥션", 2_230_000),
    ]
    ssg, lotte, auction = result.offers
    assert (ssg.shipping_fee, ssg.card_price, ssg.card_label) == (
        3_000,
        2_036_700,
        "SSG카드 7% 할인",
    )
    assert lotte.shipping_text == "무료배송"
    assert auction.url == ""  # an ftp:// link is no link


def test_tracking_is_stripped_and_danawas_redirect_unwrapped() -> None:
    classic = {o.shop: o.url for o in page("product_18832904_lowest_list.html").offers}
    newer = {o.shop: o.url for o in page("product_19910233_company_area.html").offers}

    # the target of the click-tracking wrapper, without its utm_* parameters
    assert classic["11번가"] == "https://www.11st.co.kr/products/5512345678?trTypeCd=22"
    assert newer["롯데ON"] == "https://www.lotteon.com/p/product/LO2212345678?sitmno=LO2212345678_1"
    # a direct link keeps its own parameters, loses utm_*
    assert classic["쿠팡"] == (
        "https://link.coupang.com/re/PCSDANAWA?pageKey=7012345&itemId=19012345&ctag=18832904"
    )
    assert (
        newer["SSG.COM"]
        == "https://www.ssg.com/item/itemView.ssg?itemId=1000512345678&ckwhere=danawa"
    )
    # a wrapper without a target parameter is kept as it is; javascript: is no link
    assert classic["G마켓"].startswith("https://prod.danawa.com/bridge/loadingBridge.html?")
    assert classic["컴퓨존"] == ""
    for url in [*classic.values(), *newer.values()]:
        assert "utm_" not in url


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("javascript:void(0)", ""),
        ("#", ""),
        ("mailto:shop@example.com", ""),
        ("//shop.example.com/p/1?utm_source=danawa&id=3", "https://shop.example.com/p/1?id=3"),
        (
            "https://prod.danawa.com/bridge/loadingBridge.html?url=javascript%3Aalert(1)",
            "https://prod.danawa.com/bridge/loadingBridge.html?url=javascript:alert%281%29",
        ),
        ("http://shop.example.com/a?gclid=x&utm_medium=y", "http://shop.example.com/a"),
    ],
)
def test_offer_links_are_http_only_and_carry_no_tracking(raw: str, clean: str) -> None:
    assert clean_offer_url(raw) == clean


def test_a_product_page_without_offers_gives_an_empty_list_and_says_so() -> None:
    result = page("product_20157388.html")

    assert result.name == "LG전자 2023 데스크톱 B80QV-AX5576"
    assert result.offers == []
    assert result.offers_note == NO_OFFERS_NOTE


def test_the_json_ld_offers_are_read_when_the_markup_lists_none() -> None:
    text = (FIXTURES / "product_20157388.html").read_text(encoding="utf-8")
    ld = (
        '<script type="application/ld+json">{"@type":"Product","name":"x","offers":'
        '{"@type":"AggregateOffer","lowPrice":"1089000","offers":['
        '{"@type":"Offer","price":"1099000","url":"https://shop.example.com/1?utm_source=d",'
        '"seller":{"@type":"Organization","name":"하이마트"}},'
        '{"@type":"Offer","price":"1089000.00","seller":{"name":"컴퓨존"}}]}}</script>'
    )
    result = parse_product_page(text.replace("</head>", ld + "</head>"))

    assert [(o.shop, o.price, o.url) for o in result.offers] == [
        ("컴퓨존", 1_089_000, ""),
        ("하이마트", 1_099_000, "https://shop.example.com/1"),
    ]
    assert result.offers_note == ""


def test_a_page_in_an_unknown_template_still_fails() -> None:
    with pytest.raises(UnknownTemplateError):
        page("unknown_template.html")


# --------------------------------------------------------------------------- storing


@pytest.mark.django_db(transaction=True)
def test_a_product_crawl_stores_its_offers_and_a_re_crawl_replaces_them(
    fake_danawa: FakeDanawa,
) -> None:
    report = crawl_product("18832904", client=fake_danawa.client(), category_code="112756")
    assert report.errors == []
    assert report.offers_stored == 3
    hp = Product.objects.get(pcode="18832904")
    offers = list(ShopOffer.objects.for_product(hp.pk))
    assert [(o.shop, o.price, o.card_price) for o in offers] == [
        ("11번가", 1_349_000, 1_295_040),
        ("쿠팡", 1_359_000, None),
        ("G마켓", 1_372_500, None),
    ]
    assert offers[0].url == "https://www.11st.co.kr/products/5512345678?trTypeCd=22"
    assert offers[2].shipping_label == "배송비 2,500원"
    assert offers[0].shipping_label == "무료배송"

    # the shop list changed on Danawa: the next crawl leaves exactly the new list
    fake_danawa.product("18832904").offers = [FakeOffer("옥션", 1_339_000)]
    crawl_product("18832904", client=fake_danawa.client())
    crawl_product("18832904", client=fake_danawa.client())

    assert list(ShopOffer.objects.for_product(hp.pk).values_list("shop", "price")) == [
        ("옥션", 1_339_000)
    ]
    assert ShopOffer.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_newer_template_is_stored_too_and_a_page_without_offers_clears_them(
    fake_danawa: FakeDanawa,
) -> None:
    crawl_product("19910233", client=fake_danawa.client(), category_code="112756")
    lenovo = Product.objects.get(pcode="19910233")
    assert list(ShopOffer.objects.for_product(lenovo.pk).values_list("shop", flat=True)) == [
        "SSG.COM",
        "롯데ON",
    ]

    fake_danawa.product("19910233").offers = []
    report = crawl_product("19910233", client=fake_danawa.client())

    assert report.errors == []  # no shops listed is not an error
    assert not ShopOffer.objects.filter(product=lenovo).exists()
    assert Product.objects.get(pk=lenovo.pk).current_price == 2_190_000


@pytest.mark.django_db
def test_replace_offers_leaves_out_offers_without_a_shop_or_a_sane_price() -> None:
    product = ProductFactory()
    stored = replace_offers(
        product,
        [
            OfferData("11번가", 1_000_000),
            OfferData("", 990_000),
            OfferData("쿠팡", 0),
            OfferData("  G마켓 ", 1_010_000, card_price=-5),
        ],
    )

    assert stored == 2
    assert list(ShopOffer.objects.for_product(product.pk).values_list("shop", "card_price")) == [
        ("11번가", None),
        ("G마켓", None),
    ]


@pytest.mark.django_db
def test_the_admin_lists_a_products_offers_with_plain_links(admin_client) -> None:
    product = ProductFactory()
    replace_offers(product, [OfferData("11번가", 1_000_000, url="https://www.11st.co.kr/p/1")])

    response = admin_client.get(f"/admin/catalog/product/{product.pk}/change/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "판매처 가격" in html
    assert 'href="https://www.11st.co.kr/p/1" rel="noopener noreferrer nofollow"' in html
