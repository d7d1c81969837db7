"""Rows for similarity tests."""

from __future__ import annotations

import hashlib

import numpy as np

from catalog.models import Product
from catalog.tests.factories import ProductFactory
from similarity.models import EmbeddingStatus, ImageEmbedding


def unit(v: np.ndarray) -> list[float]:
    return (v / np.linalg.norm(v)).astype(np.float32).tolist()


def sha(label: object) -> str:
    return hashlib.sha256(str(label).encode()).hexdigest()


def picture(
    vector: list[float],
    *,
    embedder: str = "test-v1",
    label: object = None,
    **product_kwargs: object,
) -> tuple[ImageEmbedding, Product]:
    """An indexed embedding and one product showing it."""
    digest = sha(label if label is not None else tuple(np.round(vector[:8], 6)))
    emb = ImageEmbedding.objects.create(
        sha256=digest, embedder=embedder, vector=vector, status=EmbeddingStatus.INDEXED
    )
    product = ProductFactory(image_sha256=digest, **product_kwargs)
    return emb, product


def shown(vector: list[float], label: str, n: int = 1, **kwargs: object) -> list[Product]:
    """``n`` products showing one indexed picture (descriptor rows, the serving embedder)."""
    from similarity.ml import descriptor

    digest = sha(label)
    ImageEmbedding.objects.create(
        sha256=digest, embedder=descriptor.KEY, vector=vector, status="indexed"
    )
    return [ProductFactory(image_sha256=digest, **kwargs) for _ in range(n)]
