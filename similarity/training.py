"""Training the offline embedder (``similarity.ml.trained``) from the catalog's pictures, and
switching to it: the service behind ``manage.py train_image_embedder`` and the ``ml`` task.

After training, the new model's manifest makes its key the active embedder (every process
notices the new manifest, ``similarity.ml.embedders``), a pending row is added for every
catalog picture under that key and one indexing task is queued; until it has caught up,
``services.serving_embedder()`` keeps search answering from the previous embedder's vectors.
"""

from __future__ import annotations

import hashlib
import logging
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from django.core.cache import cache
from django.db import transaction

from catalog.models import Product
from similarity import services
from similarity.ml import clip, embedders, trained

logger = logging.getLogger(__name__)

# While a training task is queued or running, another request does not queue a second one.
TRAINING_KEY = "similarity:embedder-training"
TRAINING_TTL_S = 60 * 60
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".gif", ".bmp", ".heic", ".heif"}


@dataclass
class TrainReport:
    key: str
    images: int
    categories: dict[str, int]
    seconds: float
    final_loss: float | None
    queued: int  # catalog pictures waiting for the new embedder


def catalog_samples(*, limit: int | None = None) -> list[trained.Sample]:
    """The distinct pictures of visible products with their category code (the most common
    one among the products showing a picture), read from media storage."""
    pictures = services.catalog_pictures()
    cats: dict[str, Counter] = {}
    rows = (
        Product.objects.filter(is_active=True, merged_into__isnull=True)
        .filter(image_sha256__in=list(pictures))
        .values_list("image_sha256", "category__code")
    )
    for digest, code in rows:
        cats.setdefault(digest, Counter())[code] += 1
    storage = Product._meta.get_field("image").storage
    samples = []
    for digest, name in sorted(pictures.items()):
        if limit is not None and len(samples) >= limit:
            break
        try:
            with storage.open(name, "rb") as fh:
                image = trained.image_from_bytes(fh.read(), _segmenter())
        except Exception as exc:  # an unreadable picture is left out, not fatal
            logger.warning("picture %s left out of training: %s", digest[:12], exc)
            continue
        samples.append(trained.Sample(image, cats[digest].most_common(1)[0][0]))
    return samples


def folder_samples(root: Path, *, limit: int | None = None) -> list[trained.Sample]:
    """The distinct pictures (by content hash) under ``root/<category>/``: the category is the
    sub-folder's name."""
    if not root.is_dir():
        raise ValueError(f"이미지 폴더가 없습니다: {root}")
    seen: set[str] = set()
    samples = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        for path in sorted(folder.iterdir()):
            if limit is not None and len(samples) >= limit:
                return samples
            if not path.is_file() or path.suffix.lower() not in IMAGE_SUFFIXES:
                continue
            content = path.read_bytes()
            digest = hashlib.sha256(content).hexdigest()
            if digest in seen:
                continue
            seen.add(digest)
            try:
                samples.append(
                    trained.Sample(trained.image_from_bytes(content, _segmenter()), folder.name)
                )
            except Exception as exc:
                logger.warning("%s left out of training: %s", path, exc)
    return samples


def _segmenter() -> Path | None:
    return embedders.rembg_model_path(services.model_dir())


def train_embedder(
    *,
    epochs: int = trained.TrainConfig.epochs,
    images: Path | None = None,
    limit: int | None = None,
    seed: int = 0,
    progress: services.Progress | None = None,
    reindex: bool = True,
) -> TrainReport:
    """Train the offline embedder on the catalog's pictures (or on ``images/<category>/``),
    save it under ``MODEL_DIR/offline-embedder`` and make it the active embedder; with
    ``reindex`` the catalog's pictures are queued for it and one indexing task is queued on
    commit (search answers from the previous embedder meanwhile).

    Raises ``ValueError`` when there are fewer than two pictures to learn from."""
    samples = folder_samples(images, limit=limit) if images else catalog_samples(limit=limit)
    config = trained.TrainConfig(epochs=epochs, seed=seed)
    result = trained.train(samples, config, segmenter=_segmenter(), progress=progress)
    counts = Counter(s.category for s in samples)
    key = trained.save(
        services.model_dir(),
        result,
        extra={
            "source": str(images) if images else "catalog",
            "categories_count": dict(sorted(counts.items())),
            "epochs": epochs,
            "views": config.views,
            "seed": seed,
        },
    )
    embedders.reset_cache()
    logger.info("trained %s on %d pictures in %.1fs", key, len(samples), result.seconds)
    queued = 0
    if reindex:
        queued = services.queue_pictures(key)
        services.queue_indexing()
    return TrainReport(
        key=key,
        images=len(samples),
        categories=dict(sorted(counts.items())),
        seconds=result.seconds,
        final_loss=result.losses[-1] if result.losses else None,
        queued=queued,
    )


def queue_training(*, epochs: int = trained.TrainConfig.epochs, if_missing: bool = False) -> bool:
    """Queue one training on the ``ml`` worker (after commit), unless one is queued or running
    already or, with ``if_missing``, a trained embedder (or CLIP, which is preferred to it) is
    there. Returns whether it queued."""
    folder = services.model_dir()
    if if_missing and (
        trained.present(folder / trained.DIRNAME) or clip.checkpoint_present(folder / clip.DIRNAME)
    ):
        return False
    if not cache.add(TRAINING_KEY, 1, TRAINING_TTL_S):
        return False
    from similarity.tasks import train_image_embedder

    transaction.on_commit(lambda: train_image_embedder.delay(epochs=epochs))
    return True
