"""Image embeddings: one row per distinct picture (content hash) and embedder version.

Products share photos (the real brand-PC files hold 508 distinct images for 3,833 products), so
an embedding belongs to a picture, not to a product: every product whose ``image_sha256`` is the
row's ``sha256`` is found through it (``similarity.search``).
"""

from __future__ import annotations

from django.db import models
from pgvector.django import HnswIndex, VectorField

from similarity.querysets import ImageEmbeddingQuerySet

EMBEDDING_DIM = 512
# HNSW build parameters (pgvector's defaults, stated so that a change is a migration): m=16 links
# per node, ef_construction=64 candidates while building. benchmark_search measures recall@10
# ≥ 0.95 at 100,000 vectors with these and hnsw.ef_search=SEARCH_EF_SEARCH.
HNSW_M = 16
HNSW_EF_CONSTRUCTION = 64


class EmbeddingStatus(models.TextChoices):
    PENDING = "pending", "대기"
    INDEXED = "indexed", "색인됨"
    FAILED = "failed", "실패"


class BackgroundPath(models.TextChoices):
    """How the picture's background was handled before embedding."""

    WHITE = "white", "흰 배경 (분리 생략)"
    REMBG = "rembg", "배경 제거 (rembg)"
    BORDER = "border", "단색 배경 치환 (rembg 없음)"
    AS_IS = "as_is", "그대로 (rembg 없음)"


class ImageEmbedding(models.Model):
    """The embedding of one distinct picture (``sha256`` of its file) by one embedder version
    (``embedder``, e.g. ``descriptor-v1`` or ``clip-vit-b32-v1``). Rows start ``pending`` and
    become ``indexed`` (with a vector) or ``failed`` (with the reason; retried while
    ``attempts`` < ``MAX_ATTEMPTS``)."""

    MAX_ATTEMPTS = 3

    sha256 = models.CharField("이미지 해시", max_length=64)
    embedder = models.CharField("임베더", max_length=64)
    vector = VectorField("벡터", dimensions=EMBEDDING_DIM, null=True, blank=True)
    background = models.CharField(
        "배경 처리", max_length=16, choices=BackgroundPath.choices, blank=True
    )
    status = models.CharField(
        "상태", max_length=16, choices=EmbeddingStatus.choices, default=EmbeddingStatus.PENDING
    )
    error = models.TextField("실패 이유", blank=True)
    attempts = models.PositiveSmallIntegerField("시도 횟수", default=0)
    created_at = models.DateTimeField("등록 일시", auto_now_add=True)
    updated_at = models.DateTimeField("갱신 일시", auto_now=True)

    objects = ImageEmbeddingQuerySet.as_manager()

    class Meta:
        verbose_name = "이미지 임베딩"
        verbose_name_plural = "이미지 임베딩"
        constraints = [
            models.UniqueConstraint(fields=["sha256", "embedder"], name="imgemb_sha_embedder_uniq")
        ]
        indexes = [
            # nearest(): ORDER BY vector <=> query LIMIT k (cosine distance)
            HnswIndex(
                name="imgemb_vector_hnsw",
                fields=["vector"],
                m=HNSW_M,
                ef_construction=HNSW_EF_CONSTRUCTION,
                opclasses=["vector_cosine_ops"],
            ),
            # index_images: the pending/failed rows of one embedder; admin's status counts
            models.Index(fields=["embedder", "status"], name="imgemb_embedder_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.sha256[:12]} ({self.embedder}, {self.status})"
