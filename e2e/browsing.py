"""What every browser test checks on every page it visits, and the screenshots it leaves.

A ``Visit`` wraps one Playwright page at one width. From its first request to ``finish`` it
collects problems: a console error, an uncaught page error, a request to any host but
127.0.0.1 (aborted, so nothing leaves), a request that failed and a response of 400 or more for
anything but a page the test asked for on purpose. ``check(step)`` then asserts the layout holds
at this width (no horizontal scrolling, the key elements visible and inside the window), that
Korean text is drawn with a CJK font, and saves a full-page screenshot under ``e2e-artifacts/``.
"""

from __future__ import annotations

import contextlib
import http
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import ConsoleMessage, Locator, Page, Request, Response, Route, expect

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "e2e-artifacts"
WIDTHS = (375, 1280)  # a phone and a laptop
HEIGHTS = {375: 812, 1280: 800}
LOCAL_HOSTS = {"127.0.0.1"}
# what fontconfig may pick for Hangul: the Noto CJK family the set-up installs, or another
# font made for Korean
CJK_FONT = re.compile(
    r"CJK|Noto Sans KR|Noto Serif KR|Nanum|Pretendard|Malgun|Apple SD Gothic|Un ", re.I
)
HANGUL = re.compile(r"[\uac00-\ud7a3]")

# Elements wider than the window, for the message when the page scrolls sideways.
_OVERFLOW_JS = """() => {
  const w = window.innerWidth, out = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.width && (r.right > w + 1 || r.left < -1)) {
      let p = el.parentElement, scrolled = false;
      for (; p; p = p.parentElement) {
        const o = getComputedStyle(p).overflowX;
        if (o === 'auto' || o === 'scroll' || o === 'hidden') { scrolled = true; break; }
      }
      if (!scrolled) out.push(el.tagName.toLowerCase() + (el.className ? '.' + el.className : '')
                              + ' ' + Math.round(r.left) + '..' + Math.round(r.right));
    }
    if (out.length >= 5) break;
  }
  return {scroll: document.documentElement.scrollWidth, inner: w, wide: out};
}"""


@dataclass
class Visit:
    """One test's page at one width, with the problems seen on it."""

    page: Page
    base_url: str
    width: int
    name: str
    problems: list[str] = field(default_factory=list)
    # pages the test means to answer with an error status (a form's 400): url -> status
    allowed_status: dict[str, int] = field(default_factory=dict)
    shots: list[Path] = field(default_factory=list)
    _expecting: int | None = None

    def __post_init__(self) -> None:
        self.page.route("**/*", self._route)
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda exc: self.problems.append(f"page error: {exc}"))
        self.page.on("requestfailed", self._failed)
        self.page.on("response", self._response)

    # ------------------------------------------------------------------ listeners

    def _route(self, route: Route) -> None:
        url = route.request.url
        parts = urlsplit(url)
        if parts.scheme in {"data", "blob", "about"} or parts.hostname in LOCAL_HOSTS:
            route.continue_()
            return
        self.problems.append(f"request leaving 127.0.0.1 (aborted): {route.request.method} {url}")
        route.abort("blockedbyclient")

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            where = message.location.get("url", "") if message.location else ""
            self.problems.append(f"console error: {message.text} ({where})")

    def _failed(self, request: Request) -> None:
        failure = request.failure or ""
        if "ERR_BLOCKED_BY_CLIENT" in failure or "ERR_ABORTED" in failure:
            return  # counted by _route; ERR_ABORTED: a navigation that replaced a pending load
        self.problems.append(f"request failed: {request.method} {request.url}: {failure}")

    def _response(self, response: Response) -> None:
        if (
            self._expecting == response.status
            and response.request.is_navigation_request()
            and response.frame == self.page.main_frame
        ):
            self.allowed_status[response.url] = response.status
        elif response.status >= 400:
            self.problems.append(
                f"HTTP {response.status}: {response.request.method} {response.url}"
            )

    def _expected(self, problem: str) -> bool:
        """Chromium's own console line for a page answered with the status the test expects."""
        return any(
            problem == f"console error: Failed to load resource: the server responded with a "
            f"status of {status} ({http.HTTPStatus(status).phrase}) ({url})"
            for url, status in self.allowed_status.items()
        )

    # ------------------------------------------------------------------ steps

    def goto(self, path: str, *, status: int = 200) -> Response:
        """Open path on the app; it must answer status."""
        with self.answering(status):
            response = self.page.goto(self.base_url + path, wait_until="load")
        assert response is not None and response.status == status, (
            f"{path}: HTTP {response.status if response else None}, expected {status}"
        )
        return response

    @contextlib.contextmanager
    def answering(self, status: int) -> Iterator[None]:
        """The page the block navigates to answers status (e.g. a form's 400 with the errors);
        that answer is not a problem, and a different one fails the test."""
        self._expecting = status
        before = len(self.allowed_status)
        try:
            yield
            self.page.wait_for_load_state("load")
        finally:
            self._expecting = None
        if status >= 400:
            assert len(self.allowed_status) > before, f"no page answered {status}"

    def check(self, step: str, *visible: Locator) -> Path:
        """The page as it stands: layout at this width, a CJK font for Korean, no problem so far
        and a screenshot, e2e-artifacts/<test>-<width>-<nn>-<step>.png."""
        self.page.wait_for_load_state("load")
        shot = ARTIFACTS / f"{self.name}-{self.width}-{len(self.shots) + 1:02d}-{step}.png"
        self.page.screenshot(path=str(shot), full_page=True)
        self.shots.append(shot)
        self.assert_no_problems()
        box = self.page.evaluate(_OVERFLOW_JS)
        assert box["scroll"] <= box["inner"], (
            f"{step} at {self.width}px scrolls sideways: page {box['scroll']}px wide "
            f"in a {box['inner']}px window; too wide: {box['wide']}"
        )
        for locator in (self.page.locator("main h1").first, *visible):
            expect(locator).to_be_visible()
            bounds = locator.bounding_box()
            assert bounds is not None
            assert bounds["x"] >= -1 and bounds["x"] + bounds["width"] <= self.width + 1, (
                f"{step} at {self.width}px: {locator} lies outside the window: {bounds}"
            )
        self.assert_korean_font("main h1")
        return shot

    def assert_korean_font(self, selector: str) -> None:
        """The fonts Chromium really drew the element's text with (DevTools'
        CSS.getPlatformFontsForNode, as its "Rendered Fonts" pane shows) include a CJK one,
        when the text has Hangul: without such a font Hangul is drawn as empty boxes."""
        text = self.page.locator(selector).first.inner_text()
        if not HANGUL.search(text):
            return
        cdp = self.page.context.new_cdp_session(self.page)
        try:
            cdp.send("DOM.enable")
            cdp.send("CSS.enable")
            root = cdp.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
            node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
            fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
        finally:
            cdp.detach()
        cjk = [f for f in fonts if CJK_FONT.search(f["familyName"]) and f["glyphCount"] > 0]
        assert cjk, f"{selector} ({text[:30]!r}) is drawn with {fonts}: no CJK font"

    def assert_no_problems(self) -> None:
        problems = [p for p in self.problems if not self._expected(p)]
        self.problems = []
        assert not problems, f"{self.name} at {self.width}px:\n" + "\n".join(problems)

    def finish(self) -> None:
        """After the test: anything that happened since the last check (a late console error,
        a request that the last step started) fails it too."""
        self.page.wait_for_load_state("load")
        self.assert_no_problems()
