"""Parsers for Danawa HTML: category list pages (and their AJAX fragments), product pages, and
the daily price snapshot taken from a list page.

Pure functions over text (no network, no database), written with lxml XPath. A page that has
none of the structure we know raises ``UnknownTemplateError``; a page that was cut off raises
``TruncatedPageError`` (see ``check_complete``). Neither ever becomes an empty success.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from urllib.parse import parse_qs, parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import lxml.html
from lxml import etree

from catalog.danawa.addresses import product_url
from catalog.danawa.errors import TruncatedPageError, UnknownTemplateError

logger = logging.getLogger(__name__)

# Labels of price rows that are not a new-product price (never stored, see PriceSnapshot).
USED_LABELS = ("중고",)
VARIANT_MAX_LENGTH = 40

_PCODE_ID_RE = re.compile(r"^productItem(\d+)$")
_DIGITS_RE = re.compile(r"\d[\d,]*")
_PLACEHOLDER_IMAGE_RE = re.compile(
    r"(noImg|noData|blank|loading|spacer)[^/]*\.(gif|png|jpe?g)$", re.I
)


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class VariantPrice:
    """One price row of a list item: ``label`` is 정품/벌크/... or "" when unlabelled."""

    label: str
    price: int | None


@dataclass
class ListItem:
    """A product as a list page shows it."""

    pcode: str
    name: str
    url: str
    spec_items: list[str] = field(default_factory=list)
    image_url: str = ""
    prices: list[VariantPrice] = field(default_factory=list)

    @property
    def spec_summary(self) -> str:
        return " / ".join(self.spec_items)

    @property
    def lowest_price(self) -> int | None:
        values = [p.price for p in self.prices if p.price and not is_used_label(p.label)]
        return min(values) if values else None


@dataclass
class ListPage:
    """One list page (full page or AJAX fragment). ``problems`` are items that could not be read."""

    items: list[ListItem]
    ads_skipped: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not self.items


@dataclass(frozen=True)
class Offer:
    """One shop's offer in a product page's lowest-price area. ``shipping_fee`` is 0 for free
    shipping, None when the page shows only a text (``shipping_text``: "무료배송", "착불", ...);
    ``card_price`` is the card-discount price when the page shows one; ``url`` is the link out
    (http(s) only, tracking stripped: ``clean_offer_url``), "" when there is none."""

    shop: str
    price: int
    shipping_fee: int | None = None
    shipping_text: str = ""
    card_price: int | None = None
    card_label: str = ""
    url: str = ""


@dataclass
class ProductPage:
    """A product page: name, the spec table (label -> value), the lowest price, the image, and
    the shops' offers (``offers``, cheapest first; when there are none, ``offers_note`` says
    why)."""

    pcode: str
    name: str
    specs: dict[str, str] = field(default_factory=dict)
    lowest_price: int | None = None
    image_url: str = ""
    category_code: str = ""
    manufacturer: str = ""
    spec_summary: str = ""
    offers: list[Offer] = field(default_factory=list)
    offers_note: str = ""


@dataclass(frozen=True)
class PricePoint:
    """One row of the daily price snapshot: a product's price under a variant label."""

    pcode: str
    variant: str
    price: int


# --------------------------------------------------------------------------- helpers


def _cls(name: str) -> str:
    """XPath predicate: the element has CSS class ``name``."""
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


def _text(el: etree._Element | None) -> str:
    if el is None:
        return ""
    return " ".join(el.text_content().split())


def _first(el: etree._Element, xpath: str) -> etree._Element | None:
    found = el.xpath(xpath)
    return found[0] if found else None


def parse_price(text: str) -> int | None:
    """``"1,234,560원"`` -> 1234560; text without digits (가격비교예정, 일시품절) -> None."""
    match = _DIGITS_RE.search(text or "")
    if not match:
        return None
    digits = match.group(0).replace(",", "")
    return int(digits) if digits else None


def is_used_label(label: str) -> bool:
    return any(word in label for word in USED_LABELS)


def _absolute(url: str, base: str = "https://prod.danawa.com/") -> str:
    url = (url or "").strip()
    if not url or url.startswith(("data:", "javascript:")):
        return ""
    return urljoin(base, url)


def _image_url(img: etree._Element | None) -> str:
    """The real image of a (possibly lazy-loaded) ``img``: data-original, data-src, then src."""
    if img is None:
        return ""
    for attr in ("data-original", "data-src", "src"):
        value = _absolute(img.get(attr, ""))
        if value and not _PLACEHOLDER_IMAGE_RE.search(urlsplit(value).path):
            return value
    return ""


def _parse(text: str) -> etree._Element:
    if not text or not text.strip():
        raise UnknownTemplateError("빈 페이지입니다.")
    try:
        return lxml.html.fromstring(text)
    except (etree.ParserError, ValueError) as exc:
        raise UnknownTemplateError(f"HTML을 읽을 수 없습니다: {exc}") from exc


def check_complete(text: str, *, fragment: bool = False) -> None:
    """Raise ``TruncatedPageError`` when a page was cut off before its end.

    A full page must close ``</html>``. An AJAX fragment has no ``</html>``, so its
    ``div``/``ul``/``li`` tags must balance (a cut inside the product list leaves one open).
    """
    if not text or not text.strip():
        raise TruncatedPageError("응답 본문이 비어 있습니다.")
    lower = text.lower()
    if not fragment:
        if "</html>" not in lower[-2048:]:
            raise TruncatedPageError("페이지가 </html> 전에 끊겼습니다.")
        return
    for tag in ("div", "ul", "li"):
        opened = len(re.findall(rf"<{tag}[\s>]", lower))
        closed = lower.count(f"</{tag}>")
        if opened != closed:
            raise TruncatedPageError(f"조각 페이지의 <{tag}> 태그가 닫히지 않았습니다.")


# --------------------------------------------------------------------------- list pages

_AD_ANCESTOR = f"ancestor::div[{_cls('main_ad_prodlist')}]"


def parse_list_page(text: str) -> ListPage:
    """Products of a category list page or of an AJAX list fragment, in page order.

    Advertisements (``div.main_ad_prodlist`` and ``li.prod_ad_item``) are skipped. A page whose
    ``ul.product_list`` is present but holds no product is an empty page (the end of the
    listing); a page without ``ul.product_list`` at all raises ``UnknownTemplateError``.
    """
    root = _parse(text)
    lists = root.xpath(f"//ul[{_cls('product_list')}][not({_AD_ANCESTOR})]")
    if not lists:
        raise UnknownTemplateError(
            "상품 목록(div.main_prodlist ul.product_list)을 찾지 못했습니다."
        )
    in_main = [ul for ul in lists if ul.xpath(f"ancestor::div[{_cls('main_prodlist')}]")]
    lists = in_main or lists
    page = ListPage(items=[])
    page.ads_skipped = len(
        root.xpath(f"//div[{_cls('main_ad_prodlist')}]//li[{_cls('prod_item')}]")
    )
    seen: set[str] = set()
    for ul in lists:
        for li in ul.xpath(f"./li[{_cls('prod_item')}]"):
            if li.xpath(f"self::li[{_cls('prod_ad_item')}]"):
                page.ads_skipped += 1
                continue
            match = _PCODE_ID_RE.match(li.get("id", ""))
            if not match:
                # Danawa puts promotion rows without a product id into the list.
                page.ads_skipped += 1
                continue
            pcode = match.group(1)
            if pcode in seen:
                continue
            seen.add(pcode)
            try:
                page.items.append(_list_item(li, pcode))
            except ValueError as exc:
                page.problems.append(f"{pcode}: {exc}")
    if page.problems and not page.items:
        raise UnknownTemplateError(
            "상품 항목은 있지만 하나도 읽지 못했습니다: " + "; ".join(page.problems[:3])
        )
    return page


def _list_item(li: etree._Element, pcode: str) -> ListItem:
    link = _first(li, f".//p[{_cls('prod_name')}]/a")
    name = _text(link)
    if not name:
        raise ValueError("상품명(p.prod_name > a)이 없습니다.")
    href = _absolute(link.get("href", "")) if link is not None else ""
    spec_el = _first(li, f".//div[{_cls('spec_list')}]")
    spec_items = [item.strip() for item in _text(spec_el).split(" / ") if item.strip()]
    image = _image_url(_first(li, f".//div[{_cls('thumb_image')}]//img"))
    prices = []
    for sect in li.xpath(f".//p[{_cls('price_sect')}]"):
        strong = _first(sect, ".//strong")
        price = parse_price(_text(strong)) if strong is not None else None
        row = _first(sect, "ancestor::li[1]")
        label_el = None
        if row is not None and row is not li:
            label_el = _first(row, f".//p[{_cls('memory_sect')}]")
        label = _variant_label(_text(label_el))
        prices.append(VariantPrice(label=label, price=price))
    return ListItem(
        pcode=pcode,
        name=name,
        url=product_url(pcode) if not href or "pcode=" not in href else href,
        spec_items=spec_items,
        image_url=image,
        prices=prices,
    )


def _variant_label(text: str) -> str:
    # "정품 1위" / "벌크 (3)" -> "정품" / "벌크": rank and seller counts are not part of the label.
    label = re.sub(r"\s*(\d+\s*위|\(\d+\))\s*$", "", " ".join(text.split()))
    return label[:VARIANT_MAX_LENGTH]


def daily_prices(page: ListPage) -> list[PricePoint]:
    """The day's price snapshot of a list page: one point per product and variant.

    Used items (중고) and rows without a price (가격비교예정, 일시품절) are left out. A product
    with a single price row gets the variant "" whatever its label, as in the price history
    files, so that its series does not split when Danawa adds or drops a label.
    """
    points = []
    for item in page.items:
        rows = [p for p in item.prices if p.price and not is_used_label(p.label)]
        if len(rows) == 1:
            points.append(PricePoint(item.pcode, "", rows[0].price))
            continue
        best: dict[str, int] = {}
        for row in rows:
            best[row.label] = min(best.get(row.label, row.price), row.price)
        points.extend(PricePoint(item.pcode, label, price) for label, price in best.items())
    return points


# --------------------------------------------------------------------------- product pages


def parse_product_page(text: str, pcode: str = "") -> ProductPage:
    """Name, spec table (``div.prod_spec table`` th.tit/td.dsc pairs), lowest price
    (``span.lwst_prc em.prc_c``), image and category of a product page.

    Raises ``UnknownTemplateError`` when neither the spec table nor the lowest-price box is
    there, or the page has no product name.
    """
    root = _parse(text)
    spec_tables = root.xpath(f"//div[{_cls('prod_spec')}]//table")
    lowest = root.xpath(f"//span[{_cls('lwst_prc')}]//em[{_cls('prc_c')}]")
    if not spec_tables and not lowest:
        raise UnknownTemplateError(
            "상품 페이지 구조(div.prod_spec table, span.lwst_prc)를 찾지 못했습니다."
        )
    name = _text(_first(root, f"//h3[{_cls('prod_tit')}]//span[{_cls('title')}]"))
    name = name or _text(_first(root, f"//h3[{_cls('prod_tit')}]"))
    if not name:
        og = _first(root, "//meta[@property='og:title']")
        name = " ".join((og.get("content", "") if og is not None else "").split())
    if not name:
        raise UnknownTemplateError("상품명(h3.prod_tit)을 찾지 못했습니다.")

    specs: dict[str, str] = {}
    for table in spec_tables:
        for th in table.xpath(f".//th[{_cls('tit')}]"):
            label = _text(th)
            td = _first(th, f"following-sibling::td[{_cls('dsc')}][1]")
            value = _text(td)
            if label and value and label not in specs:
                specs[label] = value

    image = _image_url(_first(root, f"//div[{_cls('photo_w')}]//img"))
    if not image:
        image = _image_url(_first(root, "//img[@id='baseImage']"))
    if not image:
        og = _first(root, "//meta[@property='og:image']")
        image = _absolute(og.get("content", "")) if og is not None else ""

    category_code = ""
    for a in root.xpath(f"//div[{_cls('location')}]//a[@href]"):
        codes = parse_qs(urlsplit(_absolute(a.get("href"))).query).get("cate")
        if codes and codes[0].isdigit():
            category_code = codes[0]  # the last (most specific) breadcrumb wins

    manufacturer = specs.get("제조회사") or specs.get("제조사") or ""
    maker = _text(_first(root, "//*[@id='makerTxtArea']"))
    if not manufacturer and maker:
        manufacturer = maker.split(":", 1)[-1].strip()

    if not pcode:
        canonical = _first(root, "//link[@rel='canonical']")
        if canonical is not None:
            pcode = (parse_qs(urlsplit(canonical.get("href", "")).query).get("pcode") or [""])[0]

    summary = _text(_first(root, f"//div[{_cls('summary_info')}]//div[{_cls('spec_list')}]"))
    offers, offers_note = parse_offers(root)
    return ProductPage(
        pcode=pcode,
        name=name,
        specs=specs,
        lowest_price=parse_price(_text(lowest[0])) if lowest else None,
        image_url=image,
        category_code=category_code,
        manufacturer=manufacturer,
        spec_summary=" / ".join(s.strip() for s in summary.split(" / ") if s.strip()),
        offers=offers,
        offers_note=offers_note,
    )


# --------------------------------------------------------------------------- shops' offers

# Danawa's click-tracking redirect: the shop's address travels in one of these parameters.
_REDIRECT_PARAMS = (
    "url",
    "link",
    "link_url",
    "goUrl",
    "go_url",
    "target",
    "targetUrl",
    "returnUrl",
)
_REDIRECT_PATH_RE = re.compile(r"(bridge|click|redirect|gate|loading)", re.I)
_TRACKING_PARAMS = frozenset({"gclid", "fbclid", "msclkid", "n_media", "n_query", "n_rank"})
NO_OFFERS_NOTE = "다나와 상품 페이지에 판매처 목록이 없습니다."


def _is_danawa(host: str) -> bool:
    host = host.lower().rstrip(".")
    return host == "danawa.com" or host.endswith(".danawa.com")


def clean_offer_url(url: str) -> str:
    """The link out to a shop's offer: http(s) only (anything else is ""), Danawa's
    click-tracking wrapper unwrapped when the target is in one of its parameters (else the link
    as it is), and tracking parameters (``utm_*``, click ids) removed."""
    url = (url or "").strip()
    if not url or url.startswith("#"):
        return ""  # "#" is a script's handle, not a link
    parts = urlsplit(_absolute(url))
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return ""
    if _is_danawa(parts.hostname or "") and _REDIRECT_PATH_RE.search(parts.path):
        params = dict(parse_qsl(parts.query, keep_blank_values=True))
        for name in _REDIRECT_PARAMS:
            target = params.get(name, "").strip()
            if urlsplit(target).scheme in ("http", "https"):
                return clean_offer_url(target)
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.lower().startswith("utm_") and k.lower() not in _TRACKING_PARAMS
    ]
    return urlunsplit(parts._replace(query=urlencode(query, safe=":/"), fragment=""))


def _shipping(text: str) -> tuple[int | None, str]:
    """(fee, text) of a shipping cell: "무료배송" -> (0, "무료배송"), "배송비 2,500원" -> (2500, ""),
    "착불" / "" -> (None, text)."""
    text = " ".join(text.split())
    if not text:
        return None, ""
    if "무료" in text:
        return 0, "무료배송"
    fee = parse_price(text)
    if fee is not None:
        return fee, ""
    return None, text[:60]


def _shop_name(cell: etree._Element | None) -> str:
    """A shop's name: the logo's alt text, else the cell's text."""
    if cell is None:
        return ""
    for img in cell.xpath(".//img[@alt]"):
        alt = " ".join(img.get("alt", "").split())
        if alt:
            return alt
    return _text(cell)


def _link(el: etree._Element) -> str:
    for a in el.xpath(".//a[@href]"):
        url = clean_offer_url(a.get("href", ""))
        if url:
            return url
    return ""


def _lowest_list_offers(root: etree._Element) -> tuple[list[Offer], list[str]] | None:
    """Offers of the classic template: ``div.lowest_area`` / ``div.lowest_list`` table rows
    (``td.mall``, ``td.price``, ``td.ship``), card-discount prices in ``tbody.card_list``.
    None when the page has no such table."""
    # a union: a table inside both a div.lowest_area and its div.lowest_list is read once
    tables = root.xpath(
        f"//div[{_cls('lowest_list')}]//table | //div[{_cls('lowest_area')}]//table"
    )
    if not tables:
        return None
    offers: list[Offer] = []
    cards: list[tuple[str, int, str]] = []
    problems: list[str] = []
    for table in tables:
        for tr in table.xpath(".//tr[td]"):
            is_card = bool(tr.xpath(f"ancestor::tbody[{_cls('card_list')}]"))
            shop = _shop_name(_first(tr, f"./td[{_cls('mall')}]"))
            price_cell = _first(tr, f"./td[{_cls('price')}]")
            price = parse_price(
                _text(
                    _first(price_cell, f".//*[{_cls('prc_c')}]") if price_cell is not None else None
                )
                or _text(price_cell)
            )
            if not shop or not price:
                problems.append(f"판매처 행을 읽지 못했습니다: {_text(tr)[:60]}")
                continue
            if is_card:
                label = _text(_first(tr, f".//*[{_cls('card_txt')}]")) or "카드 할인가"
                cards.append((shop, price, label))
                continue
            fee, ship_text = _shipping(_text(_first(tr, f"./td[{_cls('ship')}]")))
            offers.append(Offer(shop, price, fee, ship_text, url=_link(tr)))
    return _with_cards(offers, cards, problems), problems


def _with_cards(
    offers: list[Offer], cards: list[tuple[str, int, str]], problems: list[str]
) -> list[Offer]:
    """Each card-discount price set on the same shop's offer (the lowest when several)."""
    from dataclasses import replace

    best: dict[str, tuple[int, str]] = {}
    for shop, price, label in cards:
        if shop not in best or price < best[shop][0]:
            best[shop] = (price, label)
    out = []
    matched = set()
    for offer in offers:
        card = best.get(offer.shop)
        if card and card[0] < offer.price and offer.shop not in matched:
            offer = replace(offer, card_price=card[0], card_label=card[1])
            matched.add(offer.shop)
        out.append(offer)
    for shop in best.keys() - {o.shop for o in offers}:
        problems.append(f"{shop}: 카드 할인가만 있고 판매가가 없어 뺐습니다.")
    return out


def _company_area_offers(root: etree._Element) -> tuple[list[Offer], list[str]] | None:
    """Offers of the newer template: ``div#lowPriceCompanyArea`` list items
    (``box__logo``, ``box__price``, ``box__delivery``, ``box__card``). None when absent."""
    area = _first(root, "//div[@id='lowPriceCompanyArea']")
    if area is None:
        return None
    offers: list[Offer] = []
    problems: list[str] = []
    for li in area.xpath(f".//li[{_cls('list-item')}]"):
        shop = _text(_first(li, f".//*[{_cls('text__logo')}]")) or _shop_name(
            _first(li, f".//*[{_cls('box__logo')}]")
        )
        price_box = _first(li, f".//*[{_cls('box__price')}]")
        price = parse_price(
            _text(_first(price_box, f".//*[{_cls('text__num')}]")) if price_box is not None else ""
        )
        if not shop or not price:
            problems.append(f"판매처 항목을 읽지 못했습니다: {_text(li)[:60]}")
            continue
        fee, ship_text = _shipping(_text(_first(li, f".//*[{_cls('box__delivery')}]")))
        card_box = _first(li, f".//*[{_cls('box__card')}]")
        card_price = None
        card_label = ""
        if card_box is not None:
            card_price = parse_price(_text(_first(card_box, f".//*[{_cls('text__num')}]")))
            card_label = _text(_first(card_box, f".//*[{_cls('text__card')}]")) or "카드 할인가"
            if not card_price or card_price >= price:
                card_price, card_label = None, ""
        offers.append(Offer(shop, price, fee, ship_text, card_price, card_label, _link(li)))
    return offers, problems


def _json_ld_offers(root: etree._Element) -> list[Offer]:
    """Offers named in the page's JSON-LD (schema.org Product ``offers``: an Offer, a list of
    them, or an AggregateOffer's ``offers``), each with a seller's name and a price."""
    out: list[Offer] = []
    for script in root.xpath("//script[@type='application/ld+json']"):
        try:
            data = json.loads(script.text or "")
        except ValueError:
            continue
        for item in data if isinstance(data, list) else [data]:
            if not isinstance(item, dict):
                continue
            offers = item.get("offers")
            if isinstance(offers, dict) and "offers" in offers:
                offers = offers["offers"]
            for offer in offers if isinstance(offers, list) else [offers]:
                if not isinstance(offer, dict):
                    continue
                seller = offer.get("seller")
                shop = seller.get("name", "") if isinstance(seller, dict) else str(seller or "")
                price = parse_price(str(offer.get("price", "")).split(".")[0])
                if shop and price:
                    url = clean_offer_url(str(offer.get("url", "")))
                    out.append(Offer(" ".join(shop.split()), price, url=url))
    return out


def parse_offers(root: etree._Element) -> tuple[list[Offer], str]:
    """(offers cheapest first, note) of a product page: the classic lowest-price table, the
    newer ``#lowPriceCompanyArea``, else the JSON-LD offers. A page that lists none gives an
    empty list and a note saying so (never an error: the product itself was read)."""
    for reader in (_company_area_offers, _lowest_list_offers):
        found = reader(root)
        if found is None:
            continue
        offers, problems = found
        if offers:
            return sorted(offers, key=lambda o: o.price), ""
        if problems:
            return [], "판매처 목록을 읽지 못했습니다: " + "; ".join(problems[:3])
    offers = _json_ld_offers(root)
    if offers:
        return sorted(offers, key=lambda o: o.price), ""
    return [], NO_OFFERS_NOTE
