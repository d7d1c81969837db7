"""A fake Danawa on loopback for crawler tests: real HTTP on 127.0.0.1 with a random port.

It serves robots.txt, category list pages (``/list/?cate=``), the AJAX list endpoint (POST
``/list/ajax/getProductList.ajax.php``) and product pages (``/info/?pcode=``), generated from a
small product table in the same structure as the fixture HTML in ``fixtures/danawa/``, so that
several pages exist. Product images (``img.danawa.com/prod_img/.../<pcode>_1.jpg``) are small
JPEGs drawn with Pillow in memory, one colour per product and image version. Every request is
logged (method, path, Host, User-Agent, form, the fault served).

Faults are programmed per route key (``"robots"``, ``"list:<cate>:<page>"``,
``"product:<pcode>"``, ``"image:<pcode>"``): ``inject(key, *faults)`` queues one fault per
request, ``always(key, fault)`` makes one permanent until ``clear(key)``. Faults: an HTTP status
(500, 429 with Retry-After, 404), a response that hangs until the test calls ``release()`` (so a
client timeout fires however loaded the machine is), a slow response of fixed length, a
truncated body (fewer bytes than Content-Length), truncated HTML (cut before ``</html>``), the
unknown client-rendered template, a redirect, and for images a broken image, the wrong
Content-Type and an oversized body.

Use through the ``fake_danawa`` fixture; ``fake.client()`` is a DanawaClient whose ``resolve``
maps prod/www/img.danawa.com to this server (the URL and its host check stay danawa.com).
"""

from __future__ import annotations

import hashlib
import html
import io
import re
import threading
from collections import defaultdict, deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "danawa"
AJAX_PATH = "/list/ajax/getProductList.ajax.php"
IMG_HOST = "img.danawa.com"

DEFAULT_ROBOTS = """\
# 다나와 robots.txt (테스트용)
User-agent: *
Disallow: /secret/
Disallow: /info/?pcode=99999999

User-agent: BadBot
Disallow: /
"""


@dataclass(frozen=True)
class FakeOffer:
    """A shop's offer on a fake product page: ``shipping`` is the cell's text ("무료배송",
    "배송비 2,500원"), ``card`` a card-discount price (and ``card_label``), ``url`` the link
    as Danawa prints it (tracking wrapper and utm_* parameters included)."""

    shop: str
    price: int
    shipping: str = "무료배송"
    url: str = ""
    card: int | None = None
    card_label: str = "카드 할인"


@dataclass
class FakeProduct:
    """A row of the fake catalogue. ``variants`` (label -> price) replaces ``price`` when set.
    ``offers`` are the shops listed on its product page, in the classic lowest-price table
    (``offers_template="lowest_list"``) or the newer ``#lowPriceCompanyArea``
    (``"company_area"``)."""

    pcode: str
    name: str
    category: str
    spec_items: list[str]
    price: int | None = None
    variants: dict[str, int] | None = None
    lazy: str = "data-original"  # which attribute carries the image: data-original/data-src/src
    maker: str = ""
    image_version: int = 0  # a new version is a new picture at a new address (``_v=``)
    image_url: str = ""  # replaces the img.danawa.com address when set (e.g. another host)
    offers: list[FakeOffer] = field(default_factory=list)
    offers_template: str = "lowest_list"  # or "company_area"


def bridge(url: str, pcode: str) -> str:
    """``url`` behind Danawa's click-tracking redirect (the target in its ``url`` parameter)."""
    from urllib.parse import quote

    return (
        f"https://prod.danawa.com/bridge/loadingBridge.html?pcode={pcode}&cate1=860"
        f"&url={quote(url, safe='')}"
    )


def default_products() -> list[FakeProduct]:
    """Seven brand PCs (three list pages of three) and three CPUs (one page, with variants)."""
    pc = "112756"
    return [
        FakeProduct("19284752", "삼성전자 데스크탑5 DM500TFA-A38A", pc,
                    ["브랜드PC", "인텔", "코어i3-13세대", "i3-13100 (3.4GHz)", "램: 8GB", "SSD: 256GB",
                     "인텔 UHD 730", "윈도우11홈", "슬림형"], 659_000, maker="삼성전자"),
        FakeProduct("20157388", "LG전자 2023 데스크톱 B80QV-AX5576", pc,
                    ["브랜드PC", "인텔", "코어i5-13세대", "i5-13400 (2.5GHz)", "램: 16GB", "SSD: 512GB",
                     "인텔 UHD 730", "윈도우11홈", "미들타워"], 1_089_000, lazy="data-src", maker="LG전자"),
        FakeProduct("17562011", "주연테크 리오나인 PR5-4060A", pc,
                    ["브랜드PC", "AMD", "라이젠5-5세대", "5600 (3.5GHz)", "램: 16GB", "SSD: 500GB",
                     "지포스 RTX 4060", "운영체제 미포함", "미들타워"], 1_159_900, lazy="src", maker="주연테크"),
        FakeProduct("21004519", "한성컴퓨터 TFG AX7800W", pc,
                    ["브랜드PC", "AMD", "라이젠7-5세대", "7800X3D (4.2GHz)", "램: 32GB", "SSD: 1TB",
                     "라데온 RX 7800 XT", "운영체제 미포함", "미들타워"], None, maker="한성컴퓨터"),
        FakeProduct("18832904", "HP 빅터스 15L TG02-1007kr", pc,
                    ["브랜드PC", "인텔", "코어i5-13세대", "i5-13400F (2.5GHz)", "램: 16GB", "SSD: 512GB",
                     "지포스 RTX 3060", "윈도우11홈", "미들타워"], 1_349_000, maker="HP",
                    offers=[
                        FakeOffer("쿠팡", 1_359_000, url="https://link.coupang.com/re/PCSDANAWA?itemId=19012345&utm_source=danawa"),
                        FakeOffer("11번가", 1_349_000, url=bridge("https://www.11st.co.kr/products/5512345678?utm_medium=cpc&trTypeCd=22", "18832904"),
                                  card=1_295_040, card_label="신한카드 4% 할인"),
                        FakeOffer("G마켓", 1_372_500, shipping="배송비 2,500원", url="https://item.gmarket.co.kr/Item?goodscode=2712345678"),
                    ]),
        FakeProduct("19910233", "레노버 리전 T5 26IRB8 90UT000SKR", pc,
                    ["브랜드PC", "인텔", "코어i7-13세대", "i7-13700F (2.1GHz)", "램: 32GB", "SSD: 1TB",
                     "지포스 RTX 4070", "운영체제 미포함", "미들타워"], 2_190_000, lazy="data-src", maker="Lenovo",
                    offers=[
                        FakeOffer("롯데ON", 2_205_000, url=bridge("https://www.lotteon.com/p/product/LO2212345678?utm_content=pcs", "19910233")),
                        FakeOffer("SSG.COM", 2_190_000, shipping="배송비 3,000원", url="https://www.ssg.com/item/itemView.ssg?itemId=1000512345678",
                                  card=2_036_700, card_label="SSG카드 7% 할인"),
                    ], offers_template="company_area"),
        FakeProduct("20544127", "델 인스피론 3030S MT 3030S-WH03KR", pc,
                    ["브랜드PC", "인텔", "코어i5-14세대", "i5-14400 (2.5GHz)", "램: 16GB", "SSD: 512GB",
                     "인텔 UHD 730", "윈도우11홈", "슬림형"], 899_000, maker="Dell"),
        FakeProduct("15689330", "인텔 코어i5-12세대 12400F (엘더레이크)", "112747",
                    ["인텔(소켓1700)", "6코어", "12스레드", "기본 클럭: 2.5GHz", "TDP: 65W"],
                    variants={"정품": 163_480, "벌크": 128_900, "중고": 95_000}, maker="인텔"),
        FakeProduct("16180298", "AMD 라이젠5-5세대 5600 (버미어)", "112747",
                    ["AMD(소켓AM4)", "6코어", "12스레드", "기본 클럭: 3.5GHz", "TDP: 65W"],
                    variants={"멀티팩(정품)": 119_000}, lazy="data-src", maker="AMD"),
        FakeProduct("17984463", "인텔 코어i7-13세대 13700K (랩터레이크)", "112747",
                    ["인텔(소켓1700)", "16코어", "24스레드", "기본 클럭: 3.4GHz", "TDP: 125W"],
                    489_000, maker="인텔"),
    ]  # fmt: skip


@dataclass(frozen=True)
class Fault:
    """One programmed misbehaviour (see the module docstring)."""

    kind: str  # status | hang | slow | truncated_body | truncated_html | unknown_template
    #          | redirect | broken_image | wrong_type | oversized
    status: int = 500
    retry_after: str | None = None
    seconds: float = 0.0
    location: str = ""
    size: int = 0
    declare_length: bool = True


def error(status: int = 500) -> Fault:
    return Fault("status", status=status)


def too_many_requests(retry_after: str | None = "1") -> Fault:
    return Fault("status", status=429, retry_after=retry_after)


def slow(seconds: float = 1.0) -> Fault:
    """Answer after ``seconds`` (wall clock; prefer ``hang`` to trip a client timeout)."""
    return Fault("slow", seconds=seconds)


def hang() -> Fault:
    """Send nothing until the test calls ``release()`` (or the server stops): a client timeout
    fires whatever its length and however slowly the machine runs."""
    return Fault("hang")


def broken_image() -> Fault:
    """An image/jpeg response whose JPEG is cut off half-way (complete as HTTP)."""
    return Fault("broken_image")


def wrong_type() -> Fault:
    """An HTML page where an image was expected."""
    return Fault("wrong_type")


def oversized(size: int, *, declare_length: bool = True) -> Fault:
    """An image/jpeg body of ``size`` bytes; without ``declare_length`` no Content-Length is
    sent, so only counting while streaming can stop it."""
    return Fault("oversized", size=size, declare_length=declare_length)


def truncated_body() -> Fault:
    return Fault("truncated_body")


def truncated_html() -> Fault:
    return Fault("truncated_html")


def unknown_template() -> Fault:
    return Fault("unknown_template")


def redirect(location: str, status: int = 302) -> Fault:
    return Fault("redirect", status=status, location=location)


@dataclass
class RequestRecord:
    """One request the fake server received."""

    method: str
    path: str
    query: str
    host: str
    user_agent: str
    key: str
    form: dict[str, str] = field(default_factory=dict)
    fault: str = ""


# --------------------------------------------------------------------------- HTML


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def image_address(product: FakeProduct) -> str:
    """The (protocol-relative) address the pages give for the product's image."""
    if product.image_url:
        return product.image_url
    version = f"&_v={product.image_version}" if product.image_version else ""
    return (
        f"//img.danawa.com/prod_img/500000/{product.pcode[-3:]}/{product.pcode[-6:-3]}"
        f"/img/{product.pcode}_1.jpg?shrink=130:130{version}"
    )


def jpeg_bytes(pcode: str, version: int = 0, size: int = 48) -> bytes:
    """A small, valid JPEG whose colour depends on the product and the image version."""
    from PIL import Image, ImageDraw

    digest = hashlib.sha256(f"{pcode}:{version}".encode()).digest()
    img = Image.new("RGB", (size, size), (255, 255, 255))
    draw = ImageDraw.Draw(img)
    draw.rectangle(
        (size // 6, size // 4, size - size // 6, size - size // 4), fill=tuple(digest[:3])
    )
    out = io.BytesIO()
    img.save(out, format="JPEG", quality=85)
    return out.getvalue()


_IMAGE_PATH_RE = re.compile(r"^/prod_img/.*/([0-9]+)_[0-9]+\.jpg$")


def _img(product: FakeProduct) -> str:
    src = _e(image_address(product))
    if product.lazy == "src":
        return f'<img src="{src}" alt="{_e(product.name)}">'
    placeholder = "//img.danawa.com/new/noData/img/noImg_160.gif"
    return f'<img src="{placeholder}" {product.lazy}="{src}" alt="{_e(product.name)}">'


def _price_rows(product: FakeProduct) -> str:
    if product.variants:
        return "".join(
            f'<li id="productInfoDetail_{product.pcode}_{i}">'
            f'<p class="memory_sect"><span class="text">{_e(label)}</span></p>'
            f'<p class="price_sect"><a href="#"><strong>{price:,}</strong>원</a></p></li>'
            for i, (label, price) in enumerate(product.variants.items(), start=1)
        )
    shown = (
        f"<strong>{product.price:,}</strong>원"
        if product.price
        else "<strong>가격비교예정</strong>"
    )
    return (
        f'<li id="productInfoDetail_{product.pcode}">'
        f'<p class="price_sect"><a href="#">{shown}</a></p></li>'
    )


def _item(product: FakeProduct) -> str:
    link = f"https://prod.danawa.com/info/?pcode={product.pcode}&amp;cate={product.category}"
    return f"""
    <li class="prod_item prod_layer" id="productItem{product.pcode}">
      <div class="thumb_image"><a href="{link}" class="thumb_link">{_img(product)}</a></div>
      <div class="prod_main_info">
        <div class="prod_info">
          <p class="prod_name"><a href="{link}">{_e(product.name)}</a></p>
          <div class="spec_list">{" / ".join(_e(s) for s in product.spec_items)}</div>
        </div>
        <div class="prod_pricelist"><ul>{_price_rows(product)}</ul></div>
      </div>
    </li>"""


def _product_list(products: list[FakeProduct]) -> str:
    items = "".join(_item(p) for p in products)
    extra = "" if products else '<p class="no_result">검색된 상품이 없습니다.</p>'
    return f"""<div class="main_prodlist main_prodlist_list">
  <ul class="product_list">{items}
  </ul>{extra}
</div>"""


_AD_BLOCK = """<div class="main_ad_prodlist">
  <ul class="product_list">
    <li class="prod_item prod_ad_item" id="adItem18000001">
      <div class="thumb_image"><img src="//img.danawa.com/prod_img/500000/001/000/img/18000001_1.jpg" alt="광고"></div>
      <div class="prod_info"><p class="prod_name"><a href="https://ad.danawa.com/click?pcode=18000001">[파워클릭] 게이밍 PC 특가전</a></p></div>
      <div class="prod_pricelist"><ul><li><p class="price_sect"><a href="#"><strong>1,590,000</strong>원</a></p></li></ul></div>
    </li>
    <li class="prod_item" id="productItem18000002">
      <div class="thumb_image"><img data-original="//img.danawa.com/prod_img/500000/002/000/img/18000002_1.jpg" alt="광고"></div>
      <div class="prod_info"><p class="prod_name"><a href="https://ad.danawa.com/click?pcode=18000002">[광고] 사무용 미니PC 초특가</a></p></div>
      <div class="prod_pricelist"><ul><li><p class="price_sect"><a href="#"><strong>399,000</strong>원</a></p></li></ul></div>
    </li>
  </ul>
</div>"""


def _document(title: str, body: str) -> str:
    return f"""<!DOCTYPE html>
<html lang="ko">
<head>
<meta charset="UTF-8">
<title>{_e(title)} : 다나와 가격비교</title>
</head>
<body>
<div id="danawa_wrap">
  <div id="danawa_header"><h1 class="logo"><a href="https://www.danawa.com/">다나와</a></h1></div>
  <div id="danawa_container">
{body}
  </div>
  <div id="danawa_footer"><p class="copyright">Copyright © connectwave Co., Ltd. All Rights Reserved.</p></div>
</div>
</body>
</html>
"""


def _lowest_list(product: FakeProduct) -> str:
    """The classic lowest-price table: one row per shop, card-discount rows in tbody.card_list."""

    def row(offer: FakeOffer, price: int, extra: str = "") -> str:
        href = _e(offer.url) if offer.url else "#"
        return (
            f'<tr><td class="mall"><div class="logo_over"><a href="{href}" target="_blank">'
            f'<img src="//img.danawa.com/cmpny_info/images/logo.gif" alt="{_e(offer.shop)}"></a></div></td>'
            f'<td class="price"><a href="{href}"><span class="txt_prc"><em class="prc_c">{price:,}</em>원</span></a></td>'
            f'<td class="ship"><div class="stxt deleveryBaseSection">{_e(offer.shipping)}</div></td>'
            f'<td class="gift">{extra}</td></tr>'
        )

    rows = "".join(row(o, o.price) for o in product.offers)
    cards = "".join(
        row(o, o.card, f'<span class="card_txt">{_e(o.card_label)}</span>')
        for o in product.offers
        if o.card
    )
    card_body = f'<tbody class="card_list">{cards}</tbody>' if cards else ""
    return (
        '<div class="lowest_list"><table class="lwst_tbl"><thead><tr><th>쇼핑몰</th><th>판매가</th>'
        f'<th>배송비</th><th>혜택</th></tr></thead><tbody class="high_list">{rows}</tbody>'
        f"{card_body}</table></div>"
    )


def _company_area(product: FakeProduct) -> str:
    """The newer template's shop list under div#lowPriceCompanyArea."""
    items = []
    for o in product.offers:
        card = (
            f'<div class="box__card"><span class="text__card">{_e(o.card_label)}</span>'
            f'<span class="text__num">{o.card:,}</span><span class="text__unit">원</span></div>'
            if o.card
            else ""
        )
        href = f' href="{_e(o.url)}"' if o.url else ""
        items.append(
            f'<li class="list-item"><div class="box__logo"><span class="text__logo">{_e(o.shop)}</span></div>'
            f'<div class="box__price"><a class="link__full-cover"{href} target="_blank"></a>'
            f'<span class="text__num">{o.price:,}</span><span class="text__unit">원</span></div>'
            f'<div class="box__delivery"><span class="text__delivery">{_e(o.shipping)}</span></div>'
            f"{card}</li>"
        )
    return (
        '<div id="lowPriceCompanyArea" class="box__mall-price"><ul class="list__mall-price">'
        f"{''.join(items)}</ul></div>"
    )


def _product_page(product: FakeProduct) -> str:
    prices = [v for k, v in (product.variants or {}).items() if "중고" not in k]
    lowest = min(prices) if prices else product.price
    lowest_html = (
        f'<span class="lwst_prc"><a href="#"><em class="prc_c">{lowest:,}</em>원</a></span>'
        if lowest
        else '<span class="lwst_prc"><em class="prc_c">가격비교예정</em></span>'
    )
    rows = [("제조회사", product.maker or "기타")]
    for item in product.spec_items:
        label, sep, value = item.partition(": ")
        rows.append((label, value) if sep else (f"사양 {len(rows)}", item))
    table_rows = "".join(
        f'<tr><th class="tit">{_e(k)}</th><td class="dsc">{_e(v)}</td></tr>' for k, v in rows
    )
    has_offers = bool(product.offers)
    lowest_list = (
        _lowest_list(product) if has_offers and product.offers_template == "lowest_list" else ""
    )
    company_area = (
        _company_area(product) if has_offers and product.offers_template == "company_area" else ""
    )
    body = f"""
    <link rel="canonical" href="https://prod.danawa.com/info/?pcode={product.pcode}">
    <div class="location">
      <a href="https://www.danawa.com/">홈</a> &gt;
      <a href="https://prod.danawa.com/list/?cate={product.category}">카테고리</a>
    </div>
    <div class="top_summary">
      <h3 class="prod_tit"><span class="title">{_e(product.name)}</span></h3>
      <div class="made_info"><span class="txt" id="makerTxtArea">제조사: {_e(product.maker)}</span></div>
      <div class="summary_left"><div class="photo_w">{_img(product)}</div></div>
      <div class="summary_info"><div class="spec_list">{" / ".join(_e(s) for s in product.spec_items)}</div></div>
      <div class="lowest_area">{lowest_html}{lowest_list}</div>
    </div>{company_area}
    <div class="detail_cont">
      <div class="prod_spec"><table class="spec_tbl"><tbody>{table_rows}</tbody></table></div>
    </div>"""
    return _document(product.name, body)


# --------------------------------------------------------------------------- server


class FakeDanawa:
    """The fake server (see the module docstring). Thread-safe; start()/stop() or the fixture."""

    def __init__(
        self,
        products: list[FakeProduct] | None = None,
        *,
        page_size: int = 3,
        robots: str = DEFAULT_ROBOTS,
    ) -> None:
        self.products = products if products is not None else default_products()
        self.page_size = page_size
        self.robots = robots
        self.log: list[RequestRecord] = []
        self._faults: dict[str, deque[Fault]] = defaultdict(deque)
        self._always: dict[str, Fault] = {}
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._released = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------ control

    def start(self) -> FakeDanawa:
        handler = type("Handler", (_Handler,), {"fake": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self._released.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    @property
    def address(self) -> str:
        assert self._server is not None, "start() the fake server first"
        host, port = self._server.server_address[:2]
        return f"{host}:{port}"

    @property
    def resolve(self) -> dict[str, str]:
        """The ``resolve`` mapping for DanawaClient (Danawa hosts -> this server)."""
        return {host: self.address for host in ("prod.danawa.com", "www.danawa.com", IMG_HOST)}

    def client(self, **kwargs: Any) -> Any:
        from catalog.danawa.client import DanawaClient

        return DanawaClient(resolve=self.resolve, **kwargs)

    def inject(self, key: str, *faults: Fault) -> None:
        """Queue faults for the next requests to ``key`` (one fault per request)."""
        with self._lock:
            self._faults[key].extend(faults)

    def always(self, key: str, fault: Fault) -> None:
        """Make ``key`` fail with ``fault`` on every request until ``clear(key)``."""
        with self._lock:
            self._always[key] = fault

    def release(self) -> None:
        """Let every ``hang`` fault (served or still to come) finish."""
        self._released.set()

    def clear(self, key: str | None = None) -> None:
        with self._lock:
            if key is None:
                self._faults.clear()
                self._always.clear()
            else:
                self._faults.pop(key, None)
                self._always.pop(key, None)

    def requests_for(self, key: str) -> list[RequestRecord]:
        with self._lock:
            return [r for r in self.log if r.key == key]

    def product(self, pcode: str) -> FakeProduct:
        return next(p for p in self.products if p.pcode == pcode)

    def in_category(self, category: str) -> list[FakeProduct]:
        return [p for p in self.products if p.category == category]

    def page_count(self, category: str) -> int:
        count = len(self.in_category(category))
        return (count + self.page_size - 1) // self.page_size

    def expected_price_rows(self, category: str) -> dict[str, int]:
        """pcode -> number of PriceSnapshot rows a crawl of the category must write per day."""
        expected = {}
        for p in self.in_category(category):
            if p.variants:
                new = [k for k in p.variants if "중고" not in k]
                expected[p.pcode] = len(new)
            else:
                expected[p.pcode] = 1 if p.price else 0
        return expected

    # ------------------------------------------------------------ routing

    def _next_fault(self, key: str) -> Fault | None:
        with self._lock:
            if self._faults.get(key):
                return self._faults[key].popleft()
            return self._always.get(key)

    def image(self, pcode: str, shrink: str | None = None) -> bytes:
        """The JPEG the server sends for ``pcode``'s image (its current version) at the size
        ``shrink=W:H`` asks for (default: the rendition the crawler asks for; none: 600 px)."""
        from catalog.danawa.crawler import IMAGE_RENDITION

        product = self.product(pcode)
        if shrink is None:
            size = IMAGE_RENDITION[0]
        else:
            try:
                size = max(8, min(600, int(shrink.split(":")[0])))
            except ValueError:
                size = 600
        return jpeg_bytes(pcode, product.image_version, size=size)

    def _route(
        self, method: str, path: str, query: dict, form: dict
    ) -> tuple[str, str | bytes | None]:
        """(route key, body) for a request; body None means 404."""
        if method == "GET" and path == "/robots.txt":
            return "robots", None  # served as text/plain by the handler
        if method == "GET" and path == "/list/":
            cate = (query.get("cate") or [""])[0]
            key = f"list:{cate}:1"
            products = self.in_category(cate)
            body = _AD_BLOCK + "\n" + _product_list(products[: self.page_size])
            return key, _document("카테고리", body)
        if method == "POST" and path == AJAX_PATH:
            cate = form.get("listCategoryCode") or form.get("categoryCode") or ""
            page = int(form.get("page") or 1)
            start = (page - 1) * self.page_size
            products = self.in_category(cate)[start : start + self.page_size]
            return f"list:{cate}:{page}", _product_list(products)
        if method == "GET" and path == "/info/":
            pcode = (query.get("pcode") or [""])[0]
            key = f"product:{pcode}"
            product = next((p for p in self.products if p.pcode == pcode), None)
            return key, _product_page(product) if product else None
        image = _IMAGE_PATH_RE.match(path) if method == "GET" else None
        if image:
            pcode = image.group(1)
            known = any(p.pcode == pcode for p in self.products)
            shrink = (query.get("shrink") or ["600:600"])[0]
            return f"image:{pcode}", self.image(pcode, shrink) if known else None
        return f"other:{path}", None


class _Handler(BaseHTTPRequestHandler):
    fake: FakeDanawa
    protocol_version = "HTTP/1.0"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass

    def do_GET(self) -> None:
        self._handle("GET", {})

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode("utf-8", "replace") if length else ""
        form = {k: v[0] for k, v in parse_qs(raw, keep_blank_values=True).items()}
        self._handle("POST", form)

    def _handle(self, method: str, form: dict[str, str]) -> None:
        fake = self.fake
        parts = urlsplit(self.path)
        query = parse_qs(parts.query)
        key, body = fake._route(method, parts.path, query, form)
        fault = fake._next_fault(key)
        record = RequestRecord(
            method=method,
            path=parts.path,
            query=parts.query,
            host=self.headers.get("Host", ""),
            user_agent=self.headers.get("User-Agent", ""),
            key=key,
            form=form,
            fault=fault.kind if fault else "",
        )
        with fake._lock:
            fake.log.append(record)
        try:
            self._respond(key, body, fault)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timeout test)

    def _respond(self, key: str, body: str | bytes | None, fault: Fault | None) -> None:
        fake = self.fake
        content_type = "text/html; charset=UTF-8"
        if key == "robots":
            body, content_type = fake.robots, "text/plain; charset=UTF-8"
        elif key.startswith("image:") and body is not None:
            content_type = "image/jpeg"
        if fault is not None:
            if fault.kind == "hang":
                fake._released.wait()
                return
            if fault.kind == "slow":
                if fake._stopping.wait(fault.seconds):
                    return
            elif fault.kind == "status":
                headers = {"Retry-After": fault.retry_after} if fault.retry_after else {}
                self._send(fault.status, "<html><body>오류</body></html>", content_type, headers)
                return
            elif fault.kind == "redirect":
                self._send(fault.status, "", content_type, {"Location": fault.location})
                return
            elif fault.kind == "unknown_template":
                body = (FIXTURES / "unknown_template.html").read_text(encoding="utf-8")
            elif fault.kind == "truncated_html" and isinstance(body, str):
                body = body[: len(body) // 2]
            elif fault.kind == "broken_image" and isinstance(body, bytes):
                body = body[: len(body) // 2]
            elif fault.kind == "wrong_type":
                body = _document("이미지 없음", "<p>이미지를 찾을 수 없습니다.</p>")
                content_type = "text/html; charset=UTF-8"
            elif fault.kind == "oversized":
                self._send_oversized(fault)
                return
            elif fault.kind == "truncated_body" and body:
                data = body.encode("utf-8") if isinstance(body, str) else body
                self.send_response(200)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data[: len(data) // 2])
                self.wfile.flush()
                self.close_connection = True
                return
        if body is None:
            self._send(
                404, "<html><body>페이지를 찾을 수 없습니다.</body></html>", content_type, {}
            )
            return
        self._send(200, body, content_type, {})

    def _send_oversized(self, fault: Fault) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "image/jpeg")
        if fault.declare_length:
            self.send_header("Content-Length", str(fault.size))
        self.end_headers()
        chunk = b"\xff" * 65536
        sent = 0
        while sent < fault.size:  # the client may hang up once it has seen enough
            part = chunk[: fault.size - sent]
            self.wfile.write(part)
            sent += len(part)
        self.close_connection = True

    def _send(
        self, status: int, body: str | bytes, content_type: str, headers: dict[str, str]
    ) -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture(name="fake_danawa")
def fake_danawa_fixture() -> Iterator[FakeDanawa]:
    """A running fake Danawa (stopped after the test)."""
    fake = FakeDanawa().start()
    try:
        yield fake
    finally:
        fake.stop()
