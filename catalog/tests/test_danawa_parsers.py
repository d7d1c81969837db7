"""Danawa HTML parsers against fixture pages written to Danawa's structure (no network, no DB)."""

from __future__ import annotations

from pathlib import Path

import pytest

from catalog.danawa import parsers
from catalog.danawa.addresses import (
    ajax_list_form,
    check_url,
    list_url,
    pcode_from_url,
    product_url,
)
from catalog.danawa.errors import TruncatedPageError, UnknownTemplateError

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "danawa"


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


# --------------------------------------------------------------------------- list pages


def test_the_list_parser_reads_products_in_page_order_and_skips_ads() -> None:
    page = parsers.parse_list_page(fixture("list_112756.html"))

    assert [item.pcode for item in page.items] == ["19284752", "20157388", "17562011", "21004519"]
    assert page.ads_skipped == 2
    assert "18000001" not in {i.pcode for i in page.items}
    assert "18000002" not in {i.pcode for i in page.items}
    assert page.problems == []


def test_the_list_parser_reads_name_spec_summary_and_price_with_commas_and_won() -> None:
    item = parsers.parse_list_page(fixture("list_112756.html")).items[1]

    assert item.name == "LG전자 2023 데스크톱 B80QV-AX5576"
    assert item.spec_items[:4] == ["브랜드PC", "인텔", "코어i5-13세대", "i5-13400 (2.5GHz)"]
    assert item.spec_summary.startswith("브랜드PC / 인텔 / 코어i5-13세대 / i5-13400 (2.5GHz) / ")
    assert "램: 16GB" in item.spec_items
    assert item.lowest_price == 1_089_000


def test_the_list_parser_takes_lazy_images_from_data_original_or_data_src() -> None:
    items = {i.pcode: i for i in parsers.parse_list_page(fixture("list_112756.html")).items}

    # data-original beats the "noImg" placeholder in src; protocol-relative URLs become https
    assert items["19284752"].image_url.startswith(
        "https://img.danawa.com/prod_img/500000/752/284/img/19284752_1.jpg"
    )
    assert items["20157388"].image_url.startswith("https://img.danawa.com/")  # data-src
    assert items["17562011"].image_url.startswith("https://img.danawa.com/")  # plain src
    assert items["21004519"].image_url == ""  # only the placeholder: no image


def test_a_product_without_a_price_yet_is_listed_but_has_no_price_point() -> None:
    page = parsers.parse_list_page(fixture("list_112756.html"))
    points = parsers.daily_prices(page)

    assert page.items[3].name == "한성컴퓨터 TFG AX7800W"
    assert page.items[3].lowest_price is None
    assert {p.pcode for p in points} == {"19284752", "20157388", "17562011"}
    assert all(p.variant == "" for p in points)


def test_the_ajax_fragment_parses_and_the_daily_snapshot_keeps_variants_but_not_used_items() -> (
    None
):
    page = parsers.parse_list_page(fixture("list_112747_ajax_page2.html"))
    points = parsers.daily_prices(page)

    assert [i.pcode for i in page.items] == ["15689330", "16180298"]
    assert page.items[0].prices[0] == parsers.VariantPrice("정품", 163_480)  # "1위" rank dropped
    assert sorted((p.pcode, p.variant, p.price) for p in points) == [
        ("15689330", "벌크", 128_900),
        ("15689330", "정품", 163_480),
        # a single price row is stored without a label, as in the price history files
        ("16180298", "", 119_000),
    ]
    assert page.items[0].lowest_price == 128_900  # 중고 95,000 is not a new-product price


def test_an_empty_ajax_page_is_an_empty_list_not_an_error() -> None:
    page = parsers.parse_list_page(fixture("list_ajax_empty.html"))

    assert page.is_empty


def test_an_unknown_client_rendered_template_raises_instead_of_returning_nothing() -> None:
    with pytest.raises(UnknownTemplateError, match="ul.product_list"):
        parsers.parse_list_page(fixture("unknown_template.html"))
    with pytest.raises(UnknownTemplateError, match="prod_spec"):
        parsers.parse_product_page(fixture("unknown_template.html"))


def test_a_list_whose_items_cannot_be_read_is_an_unknown_template() -> None:
    text = fixture("list_112756.html").replace('class="prod_name"', 'class="prod_title"')

    with pytest.raises(UnknownTemplateError, match="하나도 읽지 못했습니다"):
        parsers.parse_list_page(text)


@pytest.mark.parametrize("text", ["", "   ", "<html><body><p>점검 중입니다</p></body></html>"])
def test_blank_or_foreign_pages_are_unknown_templates(text: str) -> None:
    with pytest.raises(UnknownTemplateError):
        parsers.parse_list_page(text)


# --------------------------------------------------------------------------- product pages


def test_the_product_parser_reads_spec_table_pairs_lowest_price_image_and_category() -> None:
    page = parsers.parse_product_page(fixture("product_20157388.html"))

    assert page.pcode == "20157388"  # from the canonical link
    assert page.name == "LG전자 2023 데스크톱 B80QV-AX5576"
    assert page.lowest_price == 1_089_000
    assert page.specs["CPU 종류"] == "코어i5-13세대 i5-13400"
    assert page.specs["메모리 용량"] == "16GB"
    assert page.specs["운영체제(OS)"] == "윈도우11 홈"
    assert page.specs["정격파워"] == "180W"  # second pair of a two-pair row
    assert "HDD" not in page.specs  # empty value
    assert "기본 사양" not in page.specs  # section header row, no value
    assert page.manufacturer == "LG전자"
    assert page.category_code == "112756"  # the last breadcrumb
    assert page.image_url.startswith(
        "https://img.danawa.com/prod_img/500000/388/157/img/20157388_1.jpg"
    )
    assert page.spec_summary.startswith("브랜드PC / 인텔 / 코어i5-13세대")


def test_a_product_page_without_price_still_parses_its_specs() -> None:
    text = fixture("product_20157388.html").replace(
        '<em class="prc_c">1,089,000</em>원', '<em class="prc_c">가격비교예정</em>'
    )

    page = parsers.parse_product_page(text, pcode="20157388")

    assert page.lowest_price is None
    assert page.specs["SSD"] == "512GB (M.2 NVMe)"


@pytest.mark.parametrize(
    ("text", "price"),
    [("1,234,560원", 1_234_560), ("659,000", 659_000), (" 89,900 원 ", 89_900),
     ("가격비교예정", None), ("일시품절", None), ("", None)],
)  # fmt: skip
def test_prices_are_read_from_text_with_commas_and_won(text: str, price: int | None) -> None:
    assert parsers.parse_price(text) == price


# --------------------------------------------------------------------------- completeness


def test_a_page_cut_before_its_closing_html_tag_is_truncated() -> None:
    text = fixture("list_112756.html")
    parsers.check_complete(text)

    with pytest.raises(TruncatedPageError):
        parsers.check_complete(text[: len(text) // 2])


def test_a_fragment_cut_inside_the_product_list_is_truncated() -> None:
    text = fixture("list_112747_ajax_page2.html")
    parsers.check_complete(text, fragment=True)
    parsers.check_complete(fixture("list_ajax_empty.html"), fragment=True)

    with pytest.raises(TruncatedPageError):
        parsers.check_complete(text[: text.index("productItem16180298")], fragment=True)


# --------------------------------------------------------------------------- URLs


def test_urls_are_built_for_prod_danawa_com() -> None:
    assert list_url("112756") == "https://prod.danawa.com/list/?cate=112756"
    assert product_url("20157388") == "https://prod.danawa.com/info/?pcode=20157388"
    assert ajax_list_form("112756", 3)["page"] == "3"
    assert ajax_list_form("112756", 3)["listCategoryCode"] == "112756"
    assert pcode_from_url("https://prod.danawa.com/info/?pcode=20157388&cate=112756") == "20157388"


@pytest.mark.parametrize(
    "url", ["https://danawa.com/", "http://www.danawa.com/x", "HTTPS://PROD.DANAWA.COM/list/"]
)
def test_danawa_com_and_its_subdomains_are_accepted(url: str) -> None:
    assert check_url(url).host.endswith("danawa.com")
