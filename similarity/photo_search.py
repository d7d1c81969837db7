"""Search by photo ("사진으로 찾기"): an uploaded picture → the products that look like it.

The upload is decoded in memory with the limits of ``similarity.ml.images`` (10 MB, 40 MP,
decompression bombs, truncated files, HEIC, first frame, EXIF rotation, any mode → RGB on white),
goes through the background step the catalog's pictures went through (``ml.pipeline.prepare``)
and is embedded by the embedder whose vectors the search reads (``services.serving_embedder``),
so the query and the index always come from one embedder. The photo is not stored unless the
user asks (``store=True``: ``MEDIA_ROOT/similarity/uploads/YYYY/MM/DD/<random>.<ext>`` through
Django's default storage); a small JPEG thumbnail of what was searched comes back as a
``data:`` URI for the results page.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import logging
import secrets
import time
from dataclasses import dataclass, field

import numpy as np
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import Exists, OuterRef, QuerySet
from PIL import Image

from catalog.models import Category, Product
from similarity import services
from similarity.ml import descriptor, embedders
from similarity.ml.images import ImageRejected, load_image
from similarity.ml.pipeline import WORKING_SIZE, Prepared, prepare
from similarity.models import ImageEmbedding
from similarity.search import SearchFilters, SimilarGroup, search_products

logger = logging.getLogger(__name__)

THUMBNAIL_SIZE = 160
UPLOAD_DIR = "similarity/uploads"
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif", "HEIF": "heic"}

__all__ = ["ImageRejected", "PhotoSearch", "search_by_photo", "searchable_categories"]


@dataclass
class PhotoSearch:
    """What a photo search found, and how."""

    embedder: str  # the embedder of the query vector and of the vectors searched
    groups: list[SimilarGroup]
    thumbnail: str  # data:image/jpeg;base64,... of what was searched (not stored)
    background: str  # similarity.models.BackgroundPath value the photo took
    report: embedders.ModelReport
    stored_name: str = ""  # storage name when the user asked to keep the photo
    # decode / embed (background included) / search, in ms: the API's Server-Timing header
    timings_ms: dict[str, float] = field(default_factory=dict)

    @property
    def server_timing(self) -> str:
        return ", ".join(f"{name};dur={ms:.1f}" for name, ms in self.timings_ms.items())

    @property
    def stored(self) -> bool:
        return bool(self.stored_name)


def query_embedder(serving: str) -> tuple[object, str]:
    """(embedder to embed the photo with, key of the vectors to search). The serving
    embedder's when this process can run it (the active one, or the offline descriptor, which
    needs no weights); else the active one over its own vectors."""
    active = services.active_embedder()
    if active.key == serving:  # type: ignore[attr-defined]
        return active, serving
    if serving == descriptor.KEY:
        return descriptor.DescriptorEmbedder(), serving
    logger.warning("serving embedder %s is not loadable here; searching %s", serving, active)
    return active, active.key  # type: ignore[attr-defined]


def embed_photo(img: Image.Image, embedder: object) -> tuple[np.ndarray, str]:
    """(vector, background path) of a decoded photo, as the catalog's pictures are embedded.
    A segmenter that fails (a broken model file) leaves the photo as it is; an embedder that
    fails is ``ImageRejected`` (said in Korean), never a 500."""
    try:
        prepared = prepare(img, embedders.rembg_model_path(services.model_dir()))
    except Exception:
        logger.exception("background removal of an uploaded photo failed; searching it as is")
        prepared = Prepared(img, "as_is")
    try:
        (vector,) = embedder.embed([prepared.image])  # type: ignore[attr-defined]
    except Exception as exc:
        logger.exception("embedding an uploaded photo failed")
        raise ImageRejected("이 사진을 처리하지 못했습니다. 다른 사진으로 해 보세요.") from exc
    vector = np.asarray(vector, dtype=np.float32)
    if not np.all(np.isfinite(vector)) or np.linalg.norm(vector) < 1e-6:
        raise ImageRejected("이 사진에서는 특징을 뽑을 수 없었습니다. 다른 사진으로 해 보세요.")
    return vector, prepared.background


def thumbnail_data_uri(img: Image.Image, size: int = THUMBNAIL_SIZE) -> str:
    """A small JPEG of ``img`` as a data: URI (made in memory; nothing is written)."""
    small = img.copy()
    small.thumbnail((size, size), Image.Resampling.BILINEAR)
    buf = io.BytesIO()
    small.save(buf, "JPEG", quality=80)
    return "data:image/jpeg;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def store_photo(content: bytes, *, today: dt.date | None = None) -> str:
    """Keep an uploaded photo (the user ticked "이 사진 저장"): its original bytes under
    ``similarity/uploads/YYYY/MM/DD/`` in the default storage. Returns the storage name."""
    fmt = Image.open(io.BytesIO(content)).format or ""
    day = today or dt.date.today()
    name = f"{UPLOAD_DIR}/{day:%Y/%m/%d}/{secrets.token_hex(8)}.{EXTENSIONS.get(fmt, 'img')}"
    return default_storage.save(name, ContentFile(content))


def search_by_photo(
    content: bytes,
    *,
    k: int = 10,
    filters: SearchFilters | None = None,
    store: bool = False,
) -> PhotoSearch:
    """The products whose pictures look like the photo ``content`` (bytes of an upload),
    ``k`` distinct pictures at most, passing ``filters``; products sharing a picture are one
    group ("같은 사진 N개 상품"). Raises ``ImageRejected`` (a Korean message) for bytes that are
    not a usable image; nothing is written then. With ``store`` the photo is kept
    (``store_photo``) once it has been read successfully."""
    t0 = time.perf_counter()
    img = load_image(content, draft=WORKING_SIZE)
    t1 = time.perf_counter()
    embedder, key = query_embedder(services.serving_embedder())
    vector, background = embed_photo(img, embedder)
    t2 = time.perf_counter()
    groups = search_products(vector.tolist(), embedder=key, k=k, filters=filters)
    t3 = time.perf_counter()
    result = PhotoSearch(
        embedder=key, groups=groups, thumbnail=thumbnail_data_uri(img), background=background,
        report=services.model_report(),
        timings_ms={"decode": (t1 - t0) * 1e3, "embed": (t2 - t1) * 1e3, "search": (t3 - t2) * 1e3},
    )  # fmt: skip
    if store:
        result.stored_name = store_photo(content)
    return result


def searchable_categories(embedder: str) -> QuerySet[Category]:
    """Categories with at least one visible product whose picture ``embedder`` has indexed
    (the photo page's category menu), by name."""
    pictures = ImageEmbedding.objects.indexed(embedder).filter(sha256=OuterRef("image_sha256"))
    products = Product.objects.active().filter(category=OuterRef("pk")).filter(Exists(pictures))
    return Category.objects.filter(Exists(products)).order_by("name")
