"""The site's stylesheet keeps pages readable on a 390 px phone (checked by hand with headless
Chromium screenshots of /, /catalog/, a product page, /pricing/ and /trends/ at 390 and 1280
px): Korean words never break mid-word, the navigation wraps whole items, wide tables scroll
inside their box, the catalog list becomes cards, and forms have site-wide styles."""

from __future__ import annotations

import re

import pytest
from django.contrib.staticfiles import finders


@pytest.fixture(scope="module")
def css() -> str:
    path = finders.find("css/site.css")
    assert path
    with open(path, encoding="utf-8") as f:
        return re.sub(r"/\*.*?\*/", "", f.read(), flags=re.S)


def rule(css: str, selector: str, media: str | None = None) -> str:
    """The declarations of ``selector`` (inside ``@media media`` when given)."""
    if media:
        start = css.index(f"@media {media}")
        css = css[start:]
    match = re.search(r"(?:^|[}\s,])" + re.escape(selector) + r"\s*(?:,[^{]*)?\{([^}]*)\}", css)
    assert match, selector
    return match.group(1)


def test_korean_words_do_not_break_mid_word(css: str) -> None:
    assert "word-break:keep-all" in rule(css, "body").replace(" ", "")


def test_the_navigation_wraps_whole_items(css: str) -> None:
    assert "flex-wrap:wrap" in rule(css, ".site-header nav").replace(" ", "")
    assert "white-space:nowrap" in rule(css, ".site-header nav a").replace(" ", "")


def test_phones_get_scrolling_tables_and_a_card_shaped_catalog_list(css: str) -> None:
    phone = "(max-width: 640px)"
    assert "overflow-x:auto" in rule(css, "table.data:not(.product-table)", phone).replace(" ", "")
    assert "display:grid" in rule(css, ".product-table tr", phone).replace(" ", "")
    assert "display:none" in rule(css, ".product-table thead", phone).replace(" ", "")


@pytest.mark.parametrize(
    "selector", ["select", "textarea", "fieldset", "legend", ".errorlist", "button:disabled"]
)
def test_forms_have_site_wide_styles(css: str, selector: str) -> None:
    assert rule(css, selector).strip()


def test_the_product_page_head_stacks_picture_above_summary_on_phones(css: str) -> None:
    # With the summary allowed to shrink (min-width:0) but the row not stacked, a 390 px phone
    # squeezed the price and facts into a one-letter-wide column beside the picture.
    assert "flex-direction:column" in rule(css, ".product-head", "(max-width: 640px)").replace(
        " ", ""
    )
