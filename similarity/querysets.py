"""Reads of image embeddings."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import models
from django.db.models import Expression
from pgvector.django import CosineDistance


class ImageEmbeddingQuerySet(models.QuerySet):
    def indexed(self, embedder: str | None = None) -> ImageEmbeddingQuerySet:
        qs = self.filter(status="indexed", vector__isnull=False)
        return qs.filter(embedder=embedder) if embedder else qs

    def pending(self, embedder: str, max_attempts: int) -> ImageEmbeddingQuerySet:
        """Rows still to embed: pending, or failed with attempts left."""
        return self.filter(embedder=embedder).filter(
            models.Q(status="pending") | models.Q(status="failed", attempts__lt=max_attempts)
        )

    def nearest(self, vector: Sequence[float] | Expression, k: int) -> ImageEmbeddingQuerySet:
        """The k rows closest to ``vector`` (floats, or an expression such as a subquery of
        another row's vector) by cosine distance (annotated ``distance``), through
        the HNSW index. Filter first (embedder, status, products); for a filtered query run it
        inside ``similarity.search.iterative_scan()`` so that HNSW keeps scanning until k rows
        pass the filter."""
        if not hasattr(vector, "resolve_expression"):
            vector = list(vector)
        return self.annotate(distance=CosineDistance("vector", vector)).order_by("distance")[:k]

    def status_counts(self) -> dict[tuple[str, str], int]:
        """{(embedder, status): rows} for admin and the commands."""
        rows = self.values_list("embedder", "status").annotate(n=models.Count("id"))
        return {(e, s): n for e, s, n in rows}
