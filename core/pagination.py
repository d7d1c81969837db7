"""Page numbers with the same rules for HTML lists and the API.

A page that is not a positive whole number (``0``, ``-5``, ``abc``) is the first page; a page
past the last one is a 404 that says so in Korean. Django's ``Paginator.get_page`` sent page 0
and negative pages to the *last* page, and DRF answered them with an English 404.
"""

from __future__ import annotations

from django.core.paginator import EmptyPage, Page, Paginator
from django.http import Http404
from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


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
    page_query_description = "페이지 번호 (1부터; 숫자가 아니거나 1보다 작으면 첫 페이지)"
    page_size_query_description = (
        f"한 페이지의 결과 수 (기본 {DEFAULT_PAGE_SIZE}, 최대 {MAX_PAGE_SIZE}; 더 크게 주면 최대값)"
    )

    def paginate_queryset(self, queryset: object, request: Request, view: object = None) -> list:
        self.request = request
        page_size = self.get_page_size(request)
        if not page_size:
            return None
        paginator = self.django_paginator_class(queryset, page_size)
        number = page_number(request.query_params.get(self.page_query_param))
        try:
            self.page = paginator.page(number)
        except EmptyPage as exc:
            raise NotFound(missing_page_message(number, paginator.num_pages)) from exc
        if paginator.num_pages > 1 and self.template is not None:
            self.display_page_controls = True
        return list(self.page)
