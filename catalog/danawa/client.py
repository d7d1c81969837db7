"""The HTTP client for Danawa: polite, persistent and confined to danawa.com.

- Only danawa.com (and subdomains) over http(s): every URL, and every redirect target, passes
  ``catalog.danawa.addresses.check_url`` before any network I/O.
- robots.txt is fetched once per host (cached on the client) and obeyed; its Crawl-delay
  lengthens the politeness delay.
- An identifying User-Agent, a timeout on every request, a delay between requests.
- Retries with exponential backoff on 5xx, 429 (Retry-After honoured, capped), timeouts,
  connection errors and truncated bodies (Content-Length mismatch, a page cut before its end).

``fetch_bytes`` downloads a file (a product image on img.danawa.com) through the same gate,
robots.txt, delay and retries, and also checks its Content-Type and size: the body is streamed
and the download stops as soon as it passes ``max_bytes``.

``resolve`` works like ``curl --resolve``: ``{"prod.danawa.com": "127.0.0.1:54321"}`` keeps the
logical URL (and its allow-list check and Host header) but connects to that loopback address
over plain HTTP. Only loopback addresses are accepted, so it cannot send the crawler elsewhere.
``settings.DANAWA_BASE_OVERRIDE`` ("host:port", empty in production) maps every Danawa host.
"""

from __future__ import annotations

import email.utils
import ipaddress
import logging
import time
import urllib.robotparser
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urljoin

import requests
from django.conf import settings

from catalog.danawa.addresses import CheckedURL, check_url
from catalog.danawa.errors import (
    ContentRejectedError,
    DanawaError,
    DisallowedURLError,
    FetchError,
    RobotsDisallowedError,
    TruncatedPageError,
)
from catalog.danawa.parsers import check_complete

logger = logging.getLogger(__name__)

MAX_REDIRECTS = 5
MAX_BACKOFF_SECONDS = 60.0
MAX_CRAWL_DELAY_SECONDS = 30.0
RETRYABLE_STATUSES = frozenset({429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
ANY_HOST = "*"
MAX_DOWNLOAD_BYTES = 5 * 1024 * 1024
_CHUNK_BYTES = 64 * 1024


@dataclass(frozen=True)
class Page:
    """A fetched page: ``url`` is the logical (danawa.com) URL after redirects."""

    url: str
    status: int
    text: str


@dataclass(frozen=True)
class Download:
    """A downloaded file: ``url`` is the logical (danawa.com) URL after redirects,
    ``content_type`` the media type without parameters (``image/jpeg``)."""

    url: str
    content_type: str
    content: bytes


@dataclass(frozen=True)
class _Binary:
    """Download mode of a request: stream the body, refuse other types and oversized bodies."""

    max_bytes: int
    accept: tuple[str, ...]


@dataclass(frozen=True)
class _Response:
    status: int
    headers: Mapping[str, str]
    text: str
    content: bytes = b""


class _Retry(Exception):
    """An attempt failed in a way worth retrying; ``wait`` overrides the backoff (Retry-After)."""

    def __init__(
        self, reason: str, *, wait: float | None = None, status: int | None = None
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.wait = wait
        self.status = status


def _loopback_target(value: str) -> str:
    """Validate a ``host:port`` resolve target: loopback only, explicit port."""
    host, sep, port = value.strip().rpartition(":")
    host = host.strip("[]")
    if not sep or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"resolve target must be host:port, got {value!r}")
    if host != "localhost":
        try:
            if not ipaddress.ip_address(host).is_loopback:
                raise ValueError
        except ValueError:
            raise ValueError(f"resolve target must be a loopback address, got {value!r}") from None
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class DanawaClient:
    """Fetch Danawa pages politely. One instance per crawl run (it caches robots.txt and keeps
    the connection pool and the time of the last request)."""

    def __init__(
        self,
        *,
        resolve: Mapping[str, str] | None = None,
        user_agent: str | None = None,
        timeout: float | None = None,
        max_retries: int | None = None,
        backoff: float | None = None,
        delay: float | None = None,
        max_retry_after: float = MAX_BACKOFF_SECONDS,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if resolve is None and settings.DANAWA_BASE_OVERRIDE:
            resolve = {ANY_HOST: settings.DANAWA_BASE_OVERRIDE}
        self.resolve = {k.lower(): _loopback_target(v) for k, v in (resolve or {}).items()}
        self.user_agent = user_agent or settings.DANAWA_USER_AGENT
        self.timeout = float(settings.DANAWA_TIMEOUT_SECONDS if timeout is None else timeout)
        self.max_retries = int(settings.DANAWA_MAX_RETRIES if max_retries is None else max_retries)
        self.backoff = float(settings.DANAWA_BACKOFF_SECONDS if backoff is None else backoff)
        self.delay = float(settings.DANAWA_DELAY_SECONDS if delay is None else delay)
        self.max_retry_after = max_retry_after
        self.session = session or requests.Session()
        # Never pick up proxies or credentials from the environment (.netrc, HTTP_PROXY).
        self.session.trust_env = False
        self._sleep = sleep
        self._clock = clock
        self._last_request: float | None = None
        self._robots: dict[str, urllib.robotparser.RobotFileParser] = {}
        self.requests_made = 0

    # ------------------------------------------------------------------ public

    def get(self, url: str, *, fragment: bool = False, headers: dict | None = None) -> Page:
        """GET a page; see ``fetch``."""
        return self.fetch(url, fragment=fragment, headers=headers)

    def post(
        self,
        url: str,
        data: Mapping[str, str],
        *,
        fragment: bool = True,
        headers: dict | None = None,
    ) -> Page:
        """POST a form (the AJAX list endpoint); see ``fetch``."""
        return self.fetch(url, method="POST", data=data, fragment=fragment, headers=headers)

    def fetch(
        self,
        url: str,
        *,
        method: str = "GET",
        data: Mapping[str, str] | None = None,
        fragment: bool = False,
        headers: dict | None = None,
        check_html: bool = True,
    ) -> Page:
        """Fetch a danawa.com page, retrying transient faults.

        Raises ``DisallowedURLError`` (not Danawa / malformed / redirect elsewhere; no I/O
        happens), ``RobotsDisallowedError`` and ``FetchError`` (non-retryable status or retries
        exhausted). With ``check_html`` a page cut before ``</html>`` (or an unbalanced
        ``fragment``) counts as a truncated response and is retried.
        """
        target, response = self._follow(
            check_url(url), method=method, data=data, headers=headers,
            fragment=fragment, check_html=check_html,
        )  # fmt: skip
        return Page(url=target.url, status=response.status, text=response.text)

    def fetch_bytes(
        self,
        url: str,
        *,
        max_bytes: int = MAX_DOWNLOAD_BYTES,
        accept: tuple[str, ...] = ("image/",),
        headers: dict | None = None,
    ) -> Download:
        """Download a file from danawa.com (e.g. a product image on img.danawa.com).

        A protocol-relative URL (``//img.danawa.com/...``, as Danawa writes image sources) is
        taken as https. The same rules as ``fetch`` apply (allow-list before any I/O, robots.txt,
        delay, retries, redirects only inside danawa.com), plus: the Content-Type must start with
        one of ``accept`` (empty: anything) and the body may not exceed ``max_bytes`` (streamed;
        the download is abandoned as soon as it passes the limit). Those two raise
        ``ContentRejectedError`` and are not retried.
        """
        if isinstance(url, str) and url.startswith("//"):
            url = f"https:{url}"
        target, response = self._follow(
            check_url(url),
            method="GET",
            headers=headers,
            binary=_Binary(max_bytes=max_bytes, accept=tuple(a.lower() for a in accept)),
        )
        media_type = _media_type(response.headers.get("Content-Type", ""))
        return Download(url=target.url, content_type=media_type, content=response.content)

    def _follow(
        self,
        target: CheckedURL,
        *,
        method: str,
        data: Mapping[str, str] | None = None,
        headers: dict | None = None,
        fragment: bool = False,
        check_html: bool = True,
        binary: _Binary | None = None,
    ) -> tuple[CheckedURL, _Response]:
        """Request ``target``, following redirects that stay on danawa.com (each checked)."""
        for _ in range(MAX_REDIRECTS + 1):
            self._check_robots(target)
            response = self._request_with_retries(
                target, method=method, data=data, headers=headers,
                fragment=fragment, check_html=check_html, binary=binary,
            )  # fmt: skip
            if response.status in REDIRECT_STATUSES:
                location = response.headers.get("Location", "")
                try:
                    target = check_url(urljoin(target.url, location))
                except DisallowedURLError as exc:
                    raise DisallowedURLError(
                        f"다나와 밖으로의 리다이렉트를 거부했습니다: {location}", url=target.url
                    ) from exc
                if response.status in (301, 302, 303):
                    method, data = "GET", None
                continue
            return target, response
        raise FetchError("리다이렉트가 너무 많습니다.", url=target.url)

    def allowed_by_robots(self, url: str) -> bool:
        """Whether robots.txt lets our user agent fetch ``url`` (fetches robots.txt once)."""
        try:
            self._check_robots(check_url(url))
        except RobotsDisallowedError:
            return False
        return True

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> DanawaClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ robots.txt

    def _check_robots(self, target: CheckedURL) -> None:
        parser = self._robots_for(target)
        if not parser.can_fetch(self.user_agent, target.url):
            raise RobotsDisallowedError(
                f"robots.txt가 이 주소의 수집을 허용하지 않습니다: {target.path_and_query}",
                url=target.url,
            )

    def _robots_for(self, target: CheckedURL) -> urllib.robotparser.RobotFileParser:
        key = f"{target.scheme}://{target.host}"
        parser = self._robots.get(key)
        if parser is not None:
            return parser
        robots = check_url(f"{key}/robots.txt")
        parser = urllib.robotparser.RobotFileParser(robots.url)
        status, text = self._fetch_robots(robots)
        if status in (401, 403):
            parser.disallow_all = True
        elif status == 200:
            parser.parse(text.splitlines())
        else:  # 404, other client errors, a redirect off Danawa: no rules (RFC 9309)
            parser.allow_all = True
        delay = parser.crawl_delay(self.user_agent)
        if delay:
            self.delay = max(self.delay, min(float(delay), MAX_CRAWL_DELAY_SECONDS))
        self._robots[key] = parser
        return parser

    def _fetch_robots(self, robots: CheckedURL) -> tuple[int, str]:
        """(status, text) of robots.txt, following redirects inside danawa.com.

        5xx and network failures raise ``FetchError``: with unknown rules we do not crawl, and
        nothing is cached, so a later run asks again.
        """
        target = robots
        for _ in range(MAX_REDIRECTS + 1):
            try:
                response = self._request_with_retries(target, method="GET", check_html=False)
            except FetchError as exc:
                if exc.status is None or exc.status >= 500:
                    raise FetchError(
                        f"robots.txt를 가져오지 못했습니다: {exc}",
                        url=robots.url,
                        status=exc.status,
                    ) from exc
                return exc.status, ""
            if response.status not in REDIRECT_STATUSES:
                return response.status, response.text
            try:
                target = check_url(urljoin(target.url, response.headers.get("Location", "")))
            except DisallowedURLError:
                return 404, ""
        return 404, ""

    # ------------------------------------------------------------------ requests

    def _wait_turn(self) -> None:
        """Politeness: at least ``delay`` seconds between the starts of two requests."""
        if self._last_request is not None and self.delay > 0:
            remaining = self._last_request + self.delay - self._clock()
            if remaining > 0:
                self._sleep(remaining)
        self._last_request = self._clock()

    def _connect_url(self, target: CheckedURL) -> str:
        address = self.resolve.get(target.host) or self.resolve.get(ANY_HOST)
        if address is None:
            return target.url
        return f"http://{address}{target.path_and_query}"

    def _request_with_retries(
        self,
        target: CheckedURL,
        *,
        method: str,
        data: Mapping[str, str] | None = None,
        headers: dict | None = None,
        fragment: bool = False,
        check_html: bool = True,
        binary: _Binary | None = None,
    ) -> _Response:
        attempts = max(1, self.max_retries + 1)
        last = _Retry("시도하지 않았습니다")
        for attempt in range(1, attempts + 1):
            try:
                return self._attempt(target, method, data, headers, fragment, check_html, binary)
            except _Retry as exc:
                last = exc
                if attempt == attempts:
                    break
                wait = self.backoff * (2 ** (attempt - 1))
                if exc.wait is not None:
                    wait = max(wait, exc.wait)
                wait = min(
                    wait, self.max_retry_after if exc.wait is not None else MAX_BACKOFF_SECONDS
                )
                logger.warning(
                    "danawa %s %s: %s (attempt %d/%d), retrying in %.2fs",
                    method, target.url, exc.reason, attempt, attempts, wait,
                )  # fmt: skip
                if wait > 0:
                    self._sleep(wait)
        raise FetchError(
            f"{attempts}번 시도했지만 가져오지 못했습니다: {last.reason}",
            url=target.url,
            status=last.status,
        )

    def _attempt(
        self,
        target: CheckedURL,
        method: str,
        data: Mapping[str, str] | None,
        headers: dict | None,
        fragment: bool,
        check_html: bool,
        binary: _Binary | None = None,
    ) -> _Response:
        request_headers = {
            "User-Agent": self.user_agent,
            "Accept-Language": "ko-KR,ko;q=0.9",
            "Host": target.host,
        }
        if binary is not None and binary.accept:
            wanted = (f"{a}*" if a.endswith("/") else a for a in binary.accept)
            request_headers["Accept"] = ", ".join(wanted)
        request_headers.update(headers or {})
        self._wait_turn()
        self.requests_made += 1
        try:
            response = self.session.request(
                method,
                self._connect_url(target),
                data=data,
                headers=request_headers,
                timeout=self.timeout,
                allow_redirects=False,
                stream=binary is not None,
            )
        except requests.Timeout as exc:
            raise _Retry(f"시간 초과 ({self.timeout:g}초)") from exc
        except (
            requests.exceptions.ChunkedEncodingError,
            requests.exceptions.ContentDecodingError,
        ) as exc:
            raise _Retry(f"응답이 중간에 끊겼습니다 ({type(exc).__name__})") from exc
        except requests.ConnectionError as exc:
            raise _Retry(f"연결 오류 ({type(exc).__name__})") from exc
        except requests.RequestException as exc:
            raise FetchError(f"요청 오류: {exc}", url=target.url) from exc

        # A streamed response holds its connection until closed: close it on every path.
        with response:
            status = response.status_code
            if status in RETRYABLE_STATUSES:
                retry_after = parse_retry_after(response.headers.get("Retry-After"))
                raise _Retry(f"HTTP {status}", wait=retry_after, status=status)
            if 300 <= status < 400 and response.headers.get("Location"):
                return _Response(status, response.headers, "")
            if status >= 400:
                raise FetchError(f"HTTP {status}", url=target.url, status=status)
            try:
                if binary is not None:
                    content = _read_limited(response, target, binary)
                    return _Response(status, response.headers, "", content)
                text = _decode(response)
            except requests.Timeout as exc:
                raise _Retry(f"시간 초과 ({self.timeout:g}초)") from exc
            except (
                requests.exceptions.ChunkedEncodingError,
                requests.exceptions.ContentDecodingError,
                requests.ConnectionError,
            ) as exc:
                raise _Retry(f"응답이 중간에 끊겼습니다 ({type(exc).__name__})") from exc
        if check_html and status == 200:
            try:
                check_complete(text, fragment=fragment)
            except TruncatedPageError as exc:
                raise _Retry(str(exc)) from exc
        return _Response(status, response.headers, text)


def _media_type(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


def _read_limited(response: requests.Response, target: CheckedURL, binary: _Binary) -> bytes:
    """The body of a download, refusing the wrong Content-Type and more than ``max_bytes``."""
    media_type = _media_type(response.headers.get("Content-Type", ""))
    if binary.accept and not any(media_type.startswith(a) for a in binary.accept):
        raise ContentRejectedError(
            f"기대한 형식({', '.join(binary.accept)})이 아닙니다: {media_type or '형식 없음'}",
            url=target.url,
        )
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > binary.max_bytes:
        raise ContentRejectedError(
            f"파일이 너무 큽니다 ({int(declared):,}바이트 > {binary.max_bytes:,}바이트)",
            url=target.url,
        )
    body = bytearray()
    for chunk in response.iter_content(chunk_size=_CHUNK_BYTES):
        body += chunk
        if len(body) > binary.max_bytes:
            raise ContentRejectedError(
                f"파일이 너무 큽니다 ({binary.max_bytes:,}바이트를 넘었습니다)", url=target.url
            )
    return bytes(body)


def _decode(response: requests.Response) -> str:
    """Body as text: the charset the server declares, else UTF-8 (Danawa's encoding)."""
    content_type = response.headers.get("Content-Type", "")
    charset = "utf-8"
    for part in content_type.split(";")[1:]:
        key, _, value = part.strip().partition("=")
        if key.lower() == "charset" and value:
            charset = value.strip("\"' ")
    try:
        return response.content.decode(charset, errors="replace")
    except LookupError:
        return response.content.decode("utf-8", errors="replace")


__all__ = [
    "ContentRejectedError",
    "DanawaClient",
    "DanawaError",
    "DisallowedURLError",
    "Download",
    "FetchError",
    "Page",
    "RobotsDisallowedError",
    "parse_retry_after",
]
