"""The API's exception handler: DRF's, with Korean messages where Django's are English."""

from __future__ import annotations

from django.http import Http404
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

NOT_FOUND = "찾을 수 없습니다."


def exception_handler(exc: Exception, context: dict) -> Response | None:
    """``get_object_or_404``'s "No Product matches the given query." becomes "찾을 수 없습니다.";
    a 404 that already speaks Korean (a missing page) keeps its message."""
    if isinstance(exc, Http404):
        message = str(exc.args[0]) if exc.args else ""
        exc = exceptions.NotFound(message if _is_korean(message) else NOT_FOUND)
    return drf_exception_handler(exc, context)


def _is_korean(text: str) -> bool:
    return any("\uac00" <= ch <= "\ud7a3" for ch in text)
