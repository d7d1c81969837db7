"""The front door's pages: the door itself (``/analyze/``), search results, the confirm step
and the progress page of a crawl on demand.

GET never writes: ``GET /analyze/?q=`` only reads (a known, fresh product → its analysis; a
crawl under way → its progress page; a name → the search results; otherwise a page with a
POST button). A crawl is started only by ``POST /analyze/`` (the home page's form posts
there too), rate-limited per client.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from analyze.crawl import (
    CrawlRateLimited,
    analysis_url,
    crawl_rate,
    door_route,
    door_status,
    request_crawl,
    status_url,
    time_limits,
)
from analyze.door import (
    MAX_INPUT_CHARS,
    DoorInput,
    DoorRefusal,
    exact_hit,
    parse_door_input,
    search_products,
)
from catalog.models import Product
from core.progress import JobStatus
from core.ratelimit import client_ip

POLL_SECONDS = 2


def entry_url(product: Product) -> str:
    """Where a search result leads: the door for a Danawa pcode (which decides between the
    analysis and a crawl), the analysis for a product that is not Danawa's (demo, local)."""
    if product.pcode.isdigit():
        return f"{reverse('analyze:door')}?{urlencode({'q': product.pcode})}"
    return analysis_url(product.pcode)


def _door_page(
    request: HttpRequest, text: str = "", *, status: int = 200, **context: object
) -> HttpResponse:
    rate = crawl_rate()
    base = {
        "q": text,
        "max_chars": MAX_INPUT_CHARS,
        "rate_count": rate.count,
        "rate_window": rate.window_label,
    }
    return render(request, "analyze/door.html", {**base, **context}, status=status)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def door(request: HttpRequest) -> HttpResponse:
    """``/analyze/``: GET reads (see the module docstring); POST may start a crawl."""
    posting = request.method == "POST"
    text = (request.POST if posting else request.GET).get("q", "")
    if not posting and not text:
        return _door_page(request)
    parsed = parse_door_input(text)
    if isinstance(parsed, DoorRefusal):
        return _door_page(request, text[:MAX_INPUT_CHARS], status=400, error=parsed.message)
    if parsed.kind == "name":
        if posting:  # searching writes nothing: show the results at a GET address
            return redirect(f"{reverse('analyze:door')}?{urlencode({'q': parsed.query})}")
        return _search_results(request, parsed)
    return _pcode(request, parsed, text, posting=posting)


def _search_results(request: HttpRequest, parsed: DoorInput) -> HttpResponse:
    results = list(search_products(parsed.query))
    one = exact_hit(parsed.query, results)
    if one is not None:
        return redirect(entry_url(one))
    rows = [(p, entry_url(p)) for p in results]
    return _door_page(request, parsed.query, search=True, results=rows, status=200)


def _pcode(request: HttpRequest, parsed: DoorInput, text: str, *, posting: bool) -> HttpResponse:
    route = door_route(parsed.pcode)
    if route.kind == "ready":
        return redirect(analysis_url(parsed.pcode))
    if route.kind == "crawling":
        return redirect(status_url(parsed.pcode))
    if not posting:
        return _door_page(request, text, confirm=route, pcode=parsed.pcode)
    try:
        request_crawl(parsed.pcode, client=client_ip(request))
    except CrawlRateLimited as exc:
        response = _door_page(request, text, status=429, error=exc.message)
        response["Retry-After"] = str(exc.retry_after)
        return response
    return redirect(status_url(parsed.pcode))


@never_cache
def status(request: HttpRequest, pcode: str) -> HttpResponse:
    """``/analyze/status/<pcode>/``: the progress of a crawl on demand (refreshes itself every
    2 s); done → the analysis; failed with the product in the catalog → its last analysis with
    ``?stale=1``; failed otherwise → the reason and a retry button."""
    state = door_status(pcode)
    if state.status == JobStatus.DONE or state.stale:
        return redirect(state.analysis_url)
    if state.status == "none":
        route = door_route(pcode)
        if route.kind == "ready":
            return redirect(analysis_url(pcode))
    soft, _hard = time_limits()
    context = {
        "state": state,
        "pcode": pcode,
        "poll_seconds": POLL_SECONDS,
        "time_limit": soft,
        "status_api": reverse("analyze-api:status", args=[pcode]),
    }
    http_status = 404 if state.status == "none" else 200
    return render(request, "analyze/status.html", context, status=http_status)
