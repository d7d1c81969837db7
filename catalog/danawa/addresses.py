"""Danawa addresses (URLs): building them, and refusing anything that is not a danawa.com page.

``check_url`` is the one gate every request passes (the client calls it before any network
I/O, and again for each redirect); it returns the canonical form that is actually requested,
so that what was checked is exactly what is fetched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

from catalog.danawa.errors import DisallowedURLError

ALLOWED_DOMAIN = "danawa.com"
PROD_HOST = "prod.danawa.com"
LIST_URL = f"https://{PROD_HOST}/list/"
AJAX_LIST_URL = f"https://{PROD_HOST}/list/ajax/getProductList.ajax.php"
PRODUCT_URL = f"https://{PROD_HOST}/info/"

_HOST_RE = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$")
_DEFAULT_PORTS = {"http": 80, "https": 443}
_CODE_RE = re.compile(r"^[0-9]{1,12}$")


@dataclass(frozen=True)
class CheckedURL:
    """A URL that passed ``check_url``: ``url`` is its canonical form."""

    url: str
    scheme: str
    host: str
    path: str
    query: str

    @property
    def path_and_query(self) -> str:
        return self.path + (f"?{self.query}" if self.query else "")


def is_danawa_host(host: str) -> bool:
    """True for danawa.com itself and its subdomains (never ``evil-danawa.com``)."""
    host = host.lower()
    return host == ALLOWED_DOMAIN or host.endswith("." + ALLOWED_DOMAIN)


def check_url(url: object) -> CheckedURL:
    """The canonical form of a danawa.com http(s) URL, or ``DisallowedURLError``.

    Refused: anything but a string, other schemes, other hosts (including look-alikes and IP
    addresses), user info (``user@host``), non-default ports, backslashes, whitespace and
    control characters (parsers disagree about those, which is how host checks get bypassed).
    """
    if not isinstance(url, str) or not url:
        raise DisallowedURLError("빈 URL 또는 문자열이 아닌 URL입니다.", url=str(url))
    if any(ch.isspace() or ord(ch) < 0x20 or ord(ch) == 0x7F for ch in url) or "\\" in url:
        raise DisallowedURLError("URL에 공백·제어 문자·역슬래시가 있습니다.", url=url)
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise DisallowedURLError(f"URL 형식이 잘못되었습니다: {exc}", url=url) from exc
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        raise DisallowedURLError("http(s) URL만 허용됩니다.", url=url)
    if "@" in parts.netloc:
        raise DisallowedURLError("사용자 정보가 들어 있는 URL은 허용되지 않습니다.", url=url)
    host = (parts.hostname or "").lower()
    if not host or not _HOST_RE.match(host):
        raise DisallowedURLError("호스트 이름이 잘못되었습니다.", url=url)
    if not is_danawa_host(host):
        raise DisallowedURLError(f"다나와(danawa.com) 주소가 아닙니다: {host}", url=url)
    if port is not None and port != _DEFAULT_PORTS[scheme]:
        raise DisallowedURLError("기본 포트가 아닌 주소는 허용되지 않습니다.", url=url)
    path = parts.path or "/"
    canonical = urlunsplit((scheme, host, path, parts.query, ""))
    return CheckedURL(url=canonical, scheme=scheme, host=host, path=path, query=parts.query)


def _check_code(value: str, what: str) -> str:
    value = str(value).strip()
    if not _CODE_RE.match(value):
        raise DisallowedURLError(f"{what}는 숫자여야 합니다: {value!r}")
    return value


def list_url(category_code: str) -> str:
    """The first list page of a category (``https://prod.danawa.com/list/?cate=<id>``)."""
    return f"{LIST_URL}?{urlencode({'cate': _check_code(category_code, '카테고리 코드')})}"


def product_url(pcode: str) -> str:
    """A product page (``https://prod.danawa.com/info/?pcode=<pcode>``)."""
    return f"{PRODUCT_URL}?{urlencode({'pcode': _check_code(pcode, '상품 코드')})}"


def ajax_list_form(category_code: str, page: int, list_count: int = 30) -> dict[str, str]:
    """The form fields of the AJAX list endpoint for one page of a category."""
    code = _check_code(category_code, "카테고리 코드")
    return {
        "page": str(int(page)),
        "listCategoryCode": code,
        "categoryCode": code,
        "physicsCate1": "",
        "physicsCate2": "",
        "viewMethod": "LIST",
        "sortMethod": "BoardCount",
        "listCount": str(int(list_count)),
        "group": "",
        "depth": "",
    }


def pcode_from_url(url: str) -> str:
    """The pcode of a Danawa product URL (``...danawa.com/info/?pcode=123``).

    Raises ``DisallowedURLError`` for non-Danawa URLs and URLs without a numeric pcode.
    """
    checked = check_url(url)
    values = parse_qs(checked.query).get("pcode") or []
    if len(values) != 1:
        raise DisallowedURLError("상품 코드(pcode)가 없는 다나와 주소입니다.", url=url)
    return _check_code(values[0], "상품 코드")
