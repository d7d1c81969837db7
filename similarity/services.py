"""Writes of the similarity app: which pictures need an embedding, and embedding them.

The adapter between the catalog's rows and ``similarity.ml`` (which imports no Django models).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count

from catalog.models import Product
from core.caching import bump_version
from similarity.ml import embedders
from similarity.ml.pipeline import embed_contents
from similarity.models import EmbeddingStatus, ImageEmbedding

logger = logging.getLogger(__name__)

BATCH_SIZE = 32
# While one indexing task is queued, further image changes do not queue another (it picks
# up every pending picture); the mark expires in case the worker never ran it.
# the data version of the look-alike index (core.caching.data_version): bumped by each batch
INDEX_VERSION = "similarity-index"
QUEUED_KEY = "similarity:index-queued"
QUEUED_TTL_S = 15 * 60

Progress = Callable[[int, int], None]


@dataclass
class IndexReport:
    embedder: str
    queued: int = 0  # pictures found without a row this run
    indexed: int = 0
    failed: int = 0
    seconds: float = 0.0
    backgrounds: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


def model_dir() -> Path:
    return Path(settings.MODEL_DIR)


def active_embedder() -> object:
    """This process's embedder (CLIP if its weights load, else the offline descriptor)."""
    return embedders.active_embedder(model_dir())


def model_report() -> embedders.ModelReport:
    return embedders.model_report(model_dir())


def serving_embedder() -> str:
    """The embedder whose vectors searches read. The active one, unless it is still catching
    up after a switch while another embedder has more of the catalog indexed: then search keeps
    answering from that one until the re-index is done."""
    active = active_embedder().key  # type: ignore[attr-defined]
    if (
        not ImageEmbedding.objects.pending(active, ImageEmbedding.MAX_ATTEMPTS).exists()
        and ImageEmbedding.objects.indexed(active).exists()
    ):
        return active  # the usual case: two index probes per page
    counts = dict(
        ImageEmbedding.objects.indexed()
        .values_list("embedder")
        .annotate(n=Count("id"))
        .values_list("embedder", "n")
    )
    best = max(counts, key=counts.get, default=active)
    return active if counts.get(active, 0) >= counts.get(best, 0) else best


def catalog_pictures() -> dict[str, str]:
    """{sha256: storage name} of the distinct pictures of visible products."""
    rows = (
        Product.objects.filter(is_active=True, merged_into__isnull=True)
        .exclude(image_sha256="")
        .exclude(image="")
        .values_list("image_sha256", "image")
        .order_by("image_sha256", "pk")
    )
    out: dict[str, str] = {}
    for digest, name in rows:
        out.setdefault(digest, name)
    return out


def queue_pictures(embedder: str) -> int:
    """Add a pending row for every catalog picture that has none for ``embedder``."""
    have = set(ImageEmbedding.objects.filter(embedder=embedder).values_list("sha256", flat=True))
    new = [
        ImageEmbedding(sha256=digest, embedder=embedder)
        for digest in catalog_pictures()
        if digest not in have
    ]
    ImageEmbedding.objects.bulk_create(new, batch_size=1000, ignore_conflicts=True)
    return len(new)


def index_images(
    *,
    batch_size: int = BATCH_SIZE,
    progress: Progress | None = None,
    embedder: object | None = None,
    limit: int | None = None,
) -> IndexReport:
    """Embed every pending distinct picture of the catalog, ``batch_size`` at a time.

    A picture that cannot be read or embedded is marked failed with its reason and retried on
    later runs until ``ImageEmbedding.MAX_ATTEMPTS``; it never stops the batch. Each picture is
    tried at most once per run. ``progress(done, total)`` is called after each batch. Batches
    are claimed with ``SELECT ... FOR UPDATE SKIP LOCKED``, so two runs at once share the work.
    """
    embedder = embedder or active_embedder()
    key = embedder.key  # type: ignore[attr-defined]
    report = IndexReport(embedder=key, queued=queue_pictures(key))
    segmenter = embedders.rembg_model_path(model_dir())
    pending = ImageEmbedding.objects.pending(key, ImageEmbedding.MAX_ATTEMPTS)
    total = pending.count() if limit is None else min(limit, pending.count())
    started, done, tried = time.perf_counter(), 0, set()
    storage = Product._meta.get_field("image").storage
    while done < total:
        with transaction.atomic():
            rows = list(
                pending.exclude(pk__in=tried)
                .order_by("pk")
                .select_for_update(skip_locked=True)[: min(batch_size, total - done)]
            )
            if not rows:
                break
            tried.update(r.pk for r in rows)
            names = catalog_pictures_for([r.sha256 for r in rows])
            contents: list[bytes] = []
            for row in rows:
                contents.append(_read(storage, names.get(row.sha256)))
            outcomes = embed_contents(contents, embedder, segmenter)
            for row, content, outcome in zip(rows, contents, outcomes, strict=True):
                row.attempts += 1
                if not content:
                    row.status, row.error = (
                        EmbeddingStatus.FAILED,
                        "이미지 파일을 찾을 수 없습니다.",
                    )
                elif outcome.vector is None:
                    row.status, row.error = EmbeddingStatus.FAILED, outcome.error[:2000]
                else:
                    row.status, row.error, row.vector = EmbeddingStatus.INDEXED, "", outcome.vector
                row.background = outcome.background
                if row.status == EmbeddingStatus.FAILED:
                    report.failed += 1
                    report.errors.append(f"{row.sha256[:12]}: {row.error}")
                    logger.warning("embedding %s failed: %s", row.sha256, row.error)
                else:
                    report.indexed += 1
                    report.backgrounds[row.background] = (
                        report.backgrounds.get(row.background, 0) + 1
                    )
            ImageEmbedding.objects.bulk_update(
                rows, ["status", "error", "vector", "background", "attempts", "updated_at"]
            )
            # cached look-alikes (the product panel) are read under the index's new version
            transaction.on_commit(lambda: bump_version(INDEX_VERSION))
        done += len(rows)
        if progress:
            progress(done, total)
    report.seconds = time.perf_counter() - started
    return report


def catalog_pictures_for(digests: list[str]) -> dict[str, str]:
    rows = (
        Product.objects.filter(image_sha256__in=digests)
        .exclude(image="")
        .order_by("-is_active", "pk")
        .values_list("image_sha256", "image")
    )
    out: dict[str, str] = {}
    for digest, name in rows:
        out.setdefault(digest, name)
    return out


def _read(storage: object, name: str | None) -> bytes:
    if not name:
        return b""
    try:
        with storage.open(name, "rb") as fh:  # type: ignore[attr-defined]
            return fh.read()
    except OSError:
        return b""


def queue_indexing() -> bool:
    """Ask the ml worker to index pending pictures, after commit; at most one queued at a time.
    Returns whether a task was queued."""
    if not cache.add(QUEUED_KEY, 1, QUEUED_TTL_S):
        return False
    from similarity.tasks import index_pending_images

    transaction.on_commit(lambda: index_pending_images.delay())
    return True


def indexing_status() -> dict[str, dict[str, int]]:
    """{embedder: {status: rows}} for admin and the commands."""
    out: dict[str, dict[str, int]] = {}
    for (emb, status), n in ImageEmbedding.objects.status_counts().items():
        out.setdefault(emb, {})[status] = n
    return out
