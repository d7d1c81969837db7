"""Request hygiene that has to happen before any view, session or user lookup runs."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from html import escape

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.templatetags.static import static

NUL = "\x00"
NUL_MESSAGE = "요청에 허용되지 않는 문자(NUL, \\0)가 들어 있습니다. 주소와 입력값을 확인해 주세요."
FORM_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def _any_nul(pairs: Iterable[tuple[str, list[object]]]) -> bool:
    return any(
        NUL in key or any(isinstance(v, str) and NUL in v for v in values) for key, values in pairs
    )


def request_has_nul(request: HttpRequest) -> bool:
    """True when the path, a query parameter or a form field (name or value) holds a NUL byte."""
    if NUL in request.path_info or _any_nul(request.GET.lists()):
        return True
    if request.method in FORM_METHODS:
        # request.POST is parsed for form bodies only (JSON stays for DRF, whose CharField
        # already refuses NUL); reading it here is what CsrfViewMiddleware would do anyway.
        if _any_nul(request.POST.lists()):
            return True
        return any(
            NUL in name or NUL in (upload.name or "")
            for name, uploads in request.FILES.lists()
            for upload in uploads
        )
    return False


def nul_refusal(request: HttpRequest) -> HttpResponse:
    """The 400 answer: JSON under /api/, a small Korean page elsewhere."""
    if request.path_info.startswith("/api/"):
        return JsonResponse(
            {"detail": NUL_MESSAGE}, status=400, json_dumps_params={"ensure_ascii": False}
        )
    page = (
        '<!doctype html><html lang="ko"><head><meta charset="utf-8">'
        f'<title>잘못된 요청 · PC Advisor</title><link rel="stylesheet" href="{static("css/site.css")}">'
        f"</head><body><main><h1>잘못된 요청 (400)</h1><p>{escape(NUL_MESSAGE)}</p>"
        '<p><a href="/">처음으로</a></p></main></body></html>'
    )
    return HttpResponseBadRequest(page, content_type="text/html; charset=utf-8")


class RejectNulBytesMiddleware:
    """PostgreSQL text cannot hold NUL (0x00): a NUL that reaches a query is a DataError, a 500
    with a traceback. A request carrying one in its path, query string or form data is refused
    with a 400 here; a cookie carrying one is dropped (a NUL session cookie is no session).
    Basic-auth credentials are refused by ``pcadvisor.authentication`` (401)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        for name in [n for n, v in request.COOKIES.items() if NUL in n or NUL in v]:
            del request.COOKIES[name]
        if request_has_nul(request):
            return nul_refusal(request)
        if request.path_info.startswith("/api/"):
            repeated = sorted(k for k, values in request.GET.lists() if len(values) > 1)
            if repeated:
                # ?min_score=5&min_score= would quietly mean the last one; the schema's
                # parameters are single values, so the API says which one came twice.
                return JsonResponse(
                    {"detail": f"같은 인자를 여러 번 보낼 수 없습니다: {', '.join(repeated)}"},
                    status=400,
                    json_dumps_params={"ensure_ascii": False},
                )
        return self.get_response(request)
