"""What the front door accepts: a Danawa product link, a bare pcode or a product name.

``parse_door_input`` reads the text a visitor pasted, without any network I/O, and answers with
a ``DoorInput`` (a pcode to analyse, or a name to look up in the catalog) or a ``DoorRefusal``
with a Korean message that says what was wrong. What counts as a Danawa product page is
decided by ``catalog.validators.danawa_product_pcode`` (the crawler's host rules); the checks
here only come first so that each refused form gets a message that names its problem.

``search_products`` is the name search over the catalog (PC products first).
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

from django.db.models import Case, F, IntegerField, QuerySet, Value, When

from catalog.danawa.addresses import is_danawa_host
from catalog.models import PC_KINDS, Product
from catalog.validators import danawa_product_pcode

MAX_INPUT_CHARS = 500
MIN_NAME_CHARS = 2
# Danawa's pcodes have 6 to 8 digits today; shorter numbers are model numbers ("13400", "4060")
# and are searched as names.
MIN_PCODE_DIGITS, MAX_PCODE_DIGITS = 6, 12
SEARCH_LIMIT = 20

EXAMPLE = "https://prod.danawa.com/info/?pcode=20157388"
_PRODUCT_PAGE_HINT = f"다나와 상품 페이지 주소(예: {EXAMPLE})를 붙여 넣으세요."

_SCHEME_RE = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")
# Schemes that are never a web page; refused even without "//" (``javascript:alert(1)``).
_NON_WEB_SCHEMES = frozenset({
    "javascript", "vbscript", "data", "file", "blob", "about", "ftp", "ftps", "mailto", "tel",
    "sms", "intent", "chrome", "view-source", "ws", "wss", "ssh", "gopher", "jar", "smb",
})  # fmt: skip
# One word that starts like a host: ``prod.danawa.com/...``, ``danawa.com@evil.example``,
# ``127.0.0.1:8000``, ``[::1]``. The last label of a name must be letters (``3.4GHz`` is a name).
_HOSTLIKE_RE = re.compile(
    r"^(?:[^\s/?#@]*@)?"
    r"(?:\[[0-9a-fA-F:.]+\]|(?:[A-Za-z0-9\-]+\.)+[A-Za-z]{2,63}|[0-9]{1,3}(?:\.[0-9]{1,3}){3})"
    r"(?::[0-9]*)?(?:[/?#]\S*)?$"
)
_SHORT_LINK_HOSTS = ("page.link", "dnw.kr", "bit.ly", "han.gl", "me2.do", "naver.me", "goo.gl")


@dataclass(frozen=True)
class DoorInput:
    """Accepted input: ``kind`` "pcode" (``pcode`` set; ``source`` says which form it came in)
    or "name" (``query`` to search the catalog for)."""

    kind: Literal["pcode", "name"]
    pcode: str = ""
    query: str = ""
    source: Literal["link", "mobile_link", "pcode", "name"] = "pcode"


@dataclass(frozen=True)
class DoorRefusal:
    """Refused input: ``message`` (Korean) says why; ``code`` names the rule."""

    message: str
    code: str
    kind: Literal["refused"] = "refused"


def parse_door_input(text: object) -> DoorInput | DoorRefusal:
    """Read what was pasted into the door (see the module docstring). Never fetches anything."""
    if not isinstance(text, str):
        return DoorRefusal("다나와 상품 주소, 상품 코드 또는 상품명을 입력하세요.", "empty")
    if len(text) > MAX_INPUT_CHARS:
        return DoorRefusal(
            f"입력이 너무 깁니다 ({len(text):,}자). {MAX_INPUT_CHARS}자까지 넣을 수 있습니다.",
            "too_long",
        )
    value = text.strip()
    if not value:
        return DoorRefusal("다나와 상품 주소, 상품 코드 또는 상품명을 입력하세요.", "empty")
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in value if ch not in "\t\n\r"):
        return DoorRefusal(
            "입력에 제어 문자가 들어 있습니다. 주소를 다시 복사해 붙여 넣으세요.", "control"
        )
    if value.isdigit():
        if MIN_PCODE_DIGITS <= len(value) <= MAX_PCODE_DIGITS:
            return DoorInput(kind="pcode", pcode=value, source="pcode")
        if len(value) > MAX_PCODE_DIGITS:
            return DoorRefusal(
                f"다나와 상품 코드는 {MIN_PCODE_DIGITS}~{MAX_PCODE_DIGITS}자리 숫자입니다.",
                "bad_pcode",
            )
        return _name(value)  # a model number such as "13400"
    scheme = _SCHEME_RE.match(value)
    if scheme:
        name = scheme.group(1).lower()
        if name in ("http", "https"):
            return _link(value)
        if value[scheme.end() :].startswith("//") or name in _NON_WEB_SCHEMES:
            return DoorRefusal(
                f"{name}: 주소는 열지 않습니다. http(s)로 시작하는 다나와 상품 주소만 분석할 수 "
                f"있습니다. {_PRODUCT_PAGE_HINT}",
                "scheme",
            )
    if value.startswith("//"):
        return _link(f"https:{value}")
    if not any(ch.isspace() for ch in value) and _HOSTLIKE_RE.match(value):
        return _link(f"https://{value}")
    if "://" in value:
        return DoorRefusal(f"주소 형식이 잘못되었습니다. {_PRODUCT_PAGE_HINT}", "malformed")
    return _name(value)


def _name(value: str) -> DoorInput | DoorRefusal:
    query = " ".join(value.split())
    if len(query) < MIN_NAME_CHARS:
        return DoorRefusal(
            f"상품명은 {MIN_NAME_CHARS}글자 이상 입력하세요. 다나와 상품 주소나 상품 코드도 됩니다.",
            "short_name",
        )
    return DoorInput(kind="name", query=query, source="name")


def _is_ip_literal(host: str) -> bool:
    """An IP address in any spelling a browser would resolve (``127.0.0.1``, ``[::1]``,
    ``2130706433``, ``0x7f.1``)."""
    host = host.strip("[]")
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        return True
    labels = host.split(".")
    return all(re.fullmatch(r"(0x[0-9a-f]*|[0-9]+)", label) for label in labels if label)


def _link(url: str) -> DoorInput | DoorRefusal:
    if any(ch.isspace() for ch in url) or "\\" in url:
        return DoorRefusal(
            f"주소에 공백이나 역슬래시가 있습니다. {_PRODUCT_PAGE_HINT}", "malformed"
        )
    try:
        parts = urlsplit(url)
        netloc, host = parts.netloc, (parts.hostname or "").lower()
    except ValueError:
        return DoorRefusal(f"주소 형식이 잘못되었습니다. {_PRODUCT_PAGE_HINT}", "malformed")
    if "@" in netloc:
        return DoorRefusal(
            "주소에 사용자 정보(@ 앞부분)가 들어 있어 열지 않습니다. '@' 뒤가 실제로 열리는 "
            f"사이트입니다. {_PRODUCT_PAGE_HINT}",
            "userinfo",
        )
    if not host:
        return DoorRefusal(f"주소에 사이트 이름이 없습니다. {_PRODUCT_PAGE_HINT}", "malformed")
    if _is_ip_literal(host):
        return DoorRefusal(
            f"IP 주소({host})로 된 링크는 열지 않습니다. {_PRODUCT_PAGE_HINT}", "ip_address"
        )
    try:
        port = parts.port
    except ValueError:
        port = -1
    if port is not None or netloc.endswith(":"):
        return DoorRefusal(f"포트 번호가 붙은 주소는 열지 않습니다. {_PRODUCT_PAGE_HINT}", "port")
    if not is_danawa_host(host):
        if any(host == s or host.endswith("." + s) for s in _SHORT_LINK_HOSTS):
            return DoorRefusal(
                f"단축 링크({host})는 따라가지 않습니다. 링크를 브라우저에서 연 뒤 주소창의 "
                f"다나와 상품 주소를 붙여 넣으세요.",
                "short_link",
            )
        if "danawa" in host:
            return DoorRefusal(
                f"다나와처럼 보이지만 다나와(danawa.com)가 아닌 주소입니다: {host}. "
                f"{_PRODUCT_PAGE_HINT}",
                "look_alike",
            )
        return DoorRefusal(
            f"다나와 주소가 아닙니다 ({host}). 다나와(danawa.com)의 상품 페이지만 분석할 수 "
            f"있습니다.",
            "other_host",
        )
    pcode = danawa_product_pcode(url)
    if pcode is None:
        return DoorRefusal(
            f"다나와 상품 페이지 주소가 아닙니다. {_PRODUCT_PAGE_HINT}", "not_product_page"
        )
    source = "mobile_link" if host == "m.danawa.com" else "link"
    return DoorInput(kind="pcode", pcode=pcode, source=source)


# --------------------------------------------------------------------------- name search


def search_products(query: str, limit: int = SEARCH_LIMIT) -> QuerySet[Product]:
    """Active catalog products matching every word of ``query`` (catalog's search: name, specs,
    CPU, GPU): PC products first, then those with a price, newest price first."""
    pc_first = Case(
        When(category__kind__in=PC_KINDS, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return (
        Product.objects.active()
        .search(query)
        .with_related()
        .annotate(door_pc_first=pc_first)
        .order_by("door_pc_first", F("current_price_day").desc(nulls_last=True), "name", "id")[
            :limit
        ]
    )


def exact_hit(query: str, results: list[Product]) -> Product | None:
    """The one result to go straight to: the only result, or the only one named exactly
    ``query`` (spaces and case aside)."""
    if len(results) == 1:
        return results[0]
    wanted = " ".join(query.split()).casefold()
    exact = [p for p in results if " ".join(p.name.split()).casefold() == wanted]
    return exact[0] if len(exact) == 1 else None
