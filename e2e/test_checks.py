"""The checks every browser test relies on can fail: a request to another host, a console
error, an uncaught script error and a page wider than the window are each caught."""

from __future__ import annotations

import pytest

from e2e.browsing import Visit

pytestmark = pytest.mark.parametrize("visit", [1280], indirect=True)


def test_a_request_to_another_host_is_aborted_and_fails_the_test(visit: Visit) -> None:
    visit.goto("/")
    outcome = visit.page.evaluate(
        "fetch('http://cdn.example.com/font.woff2').then(() => 'sent', () => 'blocked')"
    )
    assert outcome == "blocked"
    # caught by the route (aborted) or, first, by the Content-Security-Policy (connect-src 'self')
    with pytest.raises(
        AssertionError,
        match=r"leaving 127\.0\.0\.1 \(aborted\): GET http://cdn|cdn\.example\.com.*Content Security Policy",
    ):
        visit.assert_no_problems()


def test_a_console_error_or_an_uncaught_script_error_fails_the_test(visit: Visit) -> None:
    visit.goto("/")
    visit.page.evaluate("console.error('고장 났어요')")
    visit.page.evaluate("setTimeout(() => { throw new Error('터졌어요') }, 0)")
    visit.page.wait_for_timeout(200)
    with pytest.raises(
        AssertionError, match="(?s)console error: 고장 났어요.*page error: .*터졌어요"
    ):
        visit.assert_no_problems()


def test_a_page_wider_than_the_window_fails_the_layout_check(visit: Visit) -> None:
    visit.goto("/")
    visit.page.evaluate(
        "document.querySelector('main').insertAdjacentHTML('beforeend',"
        ' \'<div class="too-wide" style="width: 2000px">넓은 표</div>\')'
    )
    with pytest.raises(AssertionError, match=r"scrolls sideways.*div\.too-wide"):
        visit.check("too-wide")
