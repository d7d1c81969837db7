"""Browser tests: a real Chromium (Debian's ``chromium``, driven by Playwright) against the app
running as users run it (``e2e/server.py``), with a loopback fake Danawa as the crawler's target.

One app, one fake Danawa and one browser for the whole e2e/ folder (package scope: they stop
when its last test is done, before any other folder's tests run); one browser context per width
(375 px phone, 1280 px laptop); a new page per test, wrapped in a ``Visit``
(``e2e/browsing.py``) that fails the test on a console error, a page error, a request leaving
127.0.0.1, a failed request or an error response.
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from catalog.tests.fake_danawa import FakeDanawa
from e2e.browsing import ARTIFACTS, HEIGHTS, WIDTHS, Visit
from e2e.server import RunningApp, running_app

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every test under e2e/ is marked ``e2e`` (``-m "not e2e"`` leaves them out)."""
    for item in items:
        if HERE in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.e2e)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> object:
    """Keep the test's own outcome on the item, so that ``visit`` adds no second failure."""
    report = yield
    if report.when == "call":
        item.e2e_call_failed = report.failed
    return report


def chromium_executable() -> str:
    return shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="package")
def fake_danawa_e2e() -> Iterator[FakeDanawa]:
    """The loopback fake Danawa the app's crawler is pointed at (DANAWA_BASE_OVERRIDE)."""
    fake = FakeDanawa().start()
    try:
        yield fake
    finally:
        fake.stop()


@pytest.fixture(scope="package")
def app(fake_danawa_e2e: FakeDanawa) -> Iterator[RunningApp]:
    """The app over HTTP on 127.0.0.1, on a database of its own with a demo catalog."""
    with running_app(fake_danawa_e2e.address, logs_to=ARTIFACTS) as running:
        yield running


@pytest.fixture(scope="package")
def browser() -> Iterator[object]:
    from playwright.sync_api import expect, sync_playwright

    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    expect.set_options(timeout=15_000)  # assertions wait up to 15 s (5 s by default)
    with contextlib.ExitStack() as undo:
        playwright = undo.enter_context(sync_playwright())
        chromium = playwright.chromium.launch(
            executable_path=chromium_executable(),
            args=[
                "--no-sandbox",  # CI runs as root, where Chromium's sandbox cannot start
                # a second fence behind the request check: no host name resolves but loopback
                "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
            ],
        )
        undo.callback(chromium.close)
        yield chromium


@pytest.fixture(scope="package")
def contexts(browser: object) -> Iterator[dict[int, object]]:
    """One browser context per width, made when first needed."""
    made: dict[int, object] = {}

    class _Contexts(dict):
        def __missing__(self, width: int) -> object:
            made[width] = browser.new_context(
                viewport={"width": width, "height": HEIGHTS[width]},
                locale="ko-KR",
                timezone_id="Asia/Seoul",
                is_mobile=width < 600,
                has_touch=width < 600,
            )
            # generous: CI and the shared development machine run these on 2 loaded cores
            made[width].set_default_timeout(20_000)
            made[width].set_default_navigation_timeout(60_000)
            return made[width]

    yield _Contexts()
    for context in made.values():
        context.close()


@pytest.fixture(params=WIDTHS, ids=[f"{w}px" for w in WIDTHS])
def visit(request: pytest.FixtureRequest, app: RunningApp, contexts: dict) -> Iterator[Visit]:
    """A fresh page at one width on the running app; the test fails on any problem seen."""
    width = request.param
    page = contexts[width].new_page()
    name = request.node.originalname.removeprefix("test_")
    current = Visit(page=page, base_url=app.url, width=width, name=name)
    try:
        yield current
        if not getattr(request.node, "e2e_call_failed", False):
            current.finish()
    finally:
        page.close()
