"""Page numbers with the same rules for HTML lists and the API.

On the HTML lists a page that is not a positive whole number (``0``, ``-5``, ``abc``) is the
first page (people edit addresses); a page past the last one is a 404 that says so in Korean.
Django's ``Paginator.get_page`` sent page 0 and negative pages to the *last* page, and DRF
answered them with an English 404. The API is strict instead, as its schema says: ``page`` and
``page_size`` are whole numbers from 1 (``page_size`` up to ``MAX_PAGE_SIZE``), anything else a
400 naming the parameter; past the last page a 404.
"""

from __future__ import annotations

from django.core.paginator import EmptyPage, Page, Paginator
from django.http import Http404
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
MAX_PAGE = 1_000_000  # past the last page is a 404; past this the API says 400


def page_number(raw: object) -> int:
    """``raw`` as a page number: a positive whole number, else 1."""
    text = str(raw or "").strip()
    if text.isdigit() and len(text) < 10 and int(text) > 0:
        return int(text)
    return 1


def missing_page_message(number: int, num_pages: int) -> str:
    return f"{number}쪽은 없습니다 (전체 {num_pages}쪽)."


def paginate(
    object_list: object, raw_page: object, per_page: int, *, count: int | None = None
) -> Page:
    """One page of ``object_list`` (a QuerySet or list) for an HTML list; ``Http404`` past the
    last page. ``count``: the number of objects when the caller knows it (cached), so that the
    paginator does not count them again."""
    paginator = Paginator(object_list, per_page)
    if count is not None:
        paginator.count = count  # a cached_property: set, it is not computed
    number = page_number(raw_page)
    try:
        return paginator.page(number)
    except EmptyPage as exc:
        raise Http404(missing_page_message(number, paginator.num_pages)) from exc


class SitePagination(PageNumberPagination):
    """The API's pagination: ``page`` as on the pages, ``page_size`` up to ``MAX_PAGE_SIZE``."""

    page_size = DEFAULT_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    page_query_description = "페이지 번호 (1부터; 마지막 쪽을 넘으면 404)"
    page_size_query_description = (
        f"한 페이지의 결과 수 (기본 {DEFAULT_PAGE_SIZE}, 1~{MAX_PAGE_SIZE})"
    )

    def _whole(self, request: Request, name: str, default: int, maximum: int | None) -> int:
        raw = request.query_params.get(name)
        if raw is None:
            return default
        text = raw.strip()
        if text.isdigit() and len(text) < 10 and 1 <= int(text) <= (maximum or 10**9):
            return int(text)
        limit = f"1~{maximum}" if maximum else "1 이상"
        raise ValidationError({name: [f"{name}는 {limit}의 정수여야 합니다."]})

    def get_page_size(self, request: Request) -> int:
        return self._whole(request, self.page_size_query_param, self.page_size, self.max_page_size)

    def get_schema_operation_parameters(self, view: object) -> list[dict]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            parameter["schema"]["maximum"] = (
                self.max_page_size if parameter["name"] == self.page_size_query_param else MAX_PAGE
            )
        return parameters

    def paginate_queryset(self, queryset: object, request: Request, view: object = None) -> list:
        self.request = request
        page_size = self.get_page_size(request)
        paginator = self.django_paginator_class(queryset, page_size)
        number = self._whole(request, self.page_query_param, 1, MAX_PAGE)
        try:
            self.page = paginator.page(number)
        except EmptyPage as exc:
            raise NotFound(missing_page_message(number, paginator.num_pages)) from exc
        if paginator.num_pages > 1 and self.template is not None:
            self.display_page_controls = True
        return list(self.page)
