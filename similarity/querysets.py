"""Reads of image embeddings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import models
from django.db.models import Expression
from django.utils import timezone
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

    def status_summary(self, max_attempts: int) -> dict[str, dict[str, int]]:
        """{embedder: {indexed, pending, failed, failed_final}} in one query: ``failed`` rows
        still have attempts left (they are retried), ``failed_final`` have none (admin)."""
        final = models.Q(status="failed", attempts__gte=max_attempts)
        rows = (
            self.values("embedder")
            .annotate(
                indexed=models.Count("id", filter=models.Q(status="indexed")),
                pending=models.Count("id", filter=models.Q(status="pending")),
                failed=models.Count("id", filter=models.Q(status="failed") & ~final),
                failed_final=models.Count("id", filter=final),
            )
            .order_by("embedder")
        )
        return {r.pop("embedder"): r for r in rows}

    def failure_reasons(self, limit: int = 20) -> list[dict]:
        """The reasons of failed rows, most common first: [{embedder, error, n}] (admin)."""
        return list(
            self.filter(status="failed")
            .values("embedder", "error")
            .annotate(n=models.Count("id"))
            .order_by("-n", "embedder", "error")[:limit]
        )

    def status_counts(self) -> dict[tuple[str, str], int]:
        """{(embedder, status): rows} for admin and the commands."""
        rows = self.values_list("embedder", "status").annotate(n=models.Count("id"))
        return {(e, s): n for e, s, n in rows}


# A queued or running re-index older than this is taken as abandoned (its worker died): it no
# longer stops staff from starting another.
RUN_ABANDONED_AFTER = dt.timedelta(hours=12)


class IndexingRunQuerySet(models.QuerySet):
    def running(self) -> IndexingRunQuerySet:
        """Queued or running, and not abandoned."""
        return self.filter(
            status__in=["queued", "running"],
            created_at__gte=timezone.now() - RUN_ABANDONED_AFTER,
        )


class PictureHashQuerySet(models.QuerySet):
    def hashed(self) -> PictureHashQuerySet:
        return self.filter(phash__isnull=False, phash_trimmed__isnull=False)


class DuplicateCandidateQuerySet(models.QuerySet):
    def pending(self) -> DuplicateCandidateQuerySet:
        """Waiting for staff, both products still listed (not merged away or hidden since)."""
        return self.filter(
            status="pending",
            product_a__is_active=True,
            product_a__merged_into__isnull=True,
            product_b__is_active=True,
            product_b__merged_into__isnull=True,
        )

    def with_products(self) -> DuplicateCandidateQuerySet:
        return self.select_related(
            "product_a__category", "product_a__manufacturer",
            "product_b__category", "product_b__manufacturer", "decided_by",
        )  # fmt: skip
