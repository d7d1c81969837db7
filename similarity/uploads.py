"""Receiving an uploaded photo in memory only, never past the size limit.

Django's default upload handlers keep a file of up to ``FILE_UPLOAD_MAX_MEMORY_SIZE`` (2.5 MB)
in memory and write anything larger to a temporary file. A search photo is never stored unless
the user asks, so the photo views (marked ``bounded_upload``; ``PhotoUploadMiddleware`` comes
first in ``MIDDLEWARE``) replace them with ``BoundedMemoryUploadHandler``: the photo
field is kept in memory up to ``MAX_BYTES``; past that the rest of the request is still read
(the client is owed an answer) but dropped as it arrives, and the file is handed on empty and
marked ``too_large``. Nothing is written to disk, whatever the size.
"""

from __future__ import annotations

import io
from collections.abc import Callable

from django.core.files.uploadedfile import InMemoryUploadedFile, UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve

from similarity.ml.images import MAX_BYTES, ImageRejected

PHOTO_FIELD = "image"


class BoundedMemoryUploadHandler(FileUploadHandler):
    """Keep the first file of ``field`` in memory up to ``max_bytes``; drop every other file
    and every byte past the limit (the kept file is then empty, with ``too_large`` set)."""

    def __init__(
        self,
        request: HttpRequest | None = None,
        *,
        field: str = PHOTO_FIELD,
        max_bytes: int = MAX_BYTES,
    ) -> None:
        super().__init__(request)
        self.field, self.max_bytes = field, max_bytes
        self.kept = False
        self.buffer: io.BytesIO | None = None
        self.received = 0
        self.too_large = False

    def new_file(self, field_name: str, *args: object, **kwargs: object) -> None:
        super().new_file(field_name, *args, **kwargs)
        wanted = field_name == self.field and not self.kept
        self.buffer = io.BytesIO() if wanted else None
        self.received, self.too_large = 0, False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        self.received += len(raw_data)
        if self.buffer is None:
            return None  # another field, or a second photo: dropped
        if self.received > self.max_bytes:
            self.too_large = True
            self.buffer = io.BytesIO()  # forget what was kept; the rest is dropped too
            return None
        if not self.too_large:
            self.buffer.write(raw_data)
        return None

    def file_complete(self, file_size: int) -> UploadedFile | None:
        if self.buffer is None:
            return None
        self.kept = True
        self.buffer.seek(0)
        upload = InMemoryUploadedFile(
            self.buffer, self.field_name, self.file_name, self.content_type,
            0 if self.too_large else file_size, self.charset, self.content_type_extra,
        )  # fmt: skip
        upload.too_large = self.too_large  # type: ignore[attr-defined]
        upload.received_bytes = file_size  # type: ignore[attr-defined]
        self.buffer = None
        return upload


def bounded_upload(view: Callable) -> Callable:
    """Mark a view (a function, or an APIView class) whose uploads ``PhotoUploadMiddleware``
    parses with ``BoundedMemoryUploadHandler`` only."""
    view.bounded_upload = True  # type: ignore[attr-defined]
    return view


class PhotoUploadMiddleware:
    """Put ``BoundedMemoryUploadHandler`` in place for a POST to a ``bounded_upload`` view.

    It must run before anything reads ``request.POST`` or ``request.FILES`` (the NUL check of
    ``pcadvisor.middleware`` and the CSRF check do): once the body is parsed the handlers
    cannot change, and the defaults would have written a photo over 2.5 MB to a temporary
    file. Only multipart POSTs pay for the extra URL resolution."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST" and request.content_type == "multipart/form-data":
            try:
                func = resolve(request.path_info).func
            except Resolver404:
                func = None
            view_class = getattr(func, "view_class", None)
            if getattr(func, "bounded_upload", False) or getattr(
                view_class, "bounded_upload", False
            ):
                request.upload_handlers = [BoundedMemoryUploadHandler(request)]
        return self.get_response(request)


def read_photo(upload: UploadedFile | None, *, max_bytes: int = MAX_BYTES) -> bytes:
    """The bytes of the uploaded photo (closed afterwards), or ``ImageRejected`` in Korean."""
    if upload is None:
        raise ImageRejected("사진 파일을 골라 주세요.")
    try:
        if getattr(upload, "too_large", False) or (upload.size or 0) > max_bytes:
            raise ImageRejected(
                f"파일이 너무 큽니다 ({max_bytes // (1024 * 1024)}MB 이하만 받습니다)."
            )
        upload.seek(0)
        content = upload.read(max_bytes + 1)
    finally:
        upload.close()
    if len(content) > max_bytes:
        raise ImageRejected(f"파일이 너무 큽니다 ({max_bytes // (1024 * 1024)}MB 이하만 받습니다).")
    if not content:
        raise ImageRejected("빈 파일입니다.")
    return content
