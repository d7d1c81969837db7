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
