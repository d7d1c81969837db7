"""Image embeddings: one row per distinct picture (content hash) and embedder version.

Products share photos (the real brand-PC files hold 508 distinct images for 3,833 products), so
an embedding belongs to a picture, not to a product: every product whose ``image_sha256`` is the
row's ``sha256`` is found through it (``similarity.search``).

Staff curation (``similarity.curation``): re-index runs with their progress (``IndexingRun``),
the perceptual hashes of the pictures (``PictureHash``) and the near-duplicate product pairs
they lead to (``DuplicateCandidate``), with the staff's decision on each.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from pgvector.django import BitField, HnswIndex, VectorField

from core.progress import JobStatus, ProgressRecord
from similarity.querysets import (
    DuplicateCandidateQuerySet,
    ImageEmbeddingQuerySet,
    IndexingRunQuerySet,
    PictureHashQuerySet,
)

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


class IndexingRunMode(models.TextChoices):
    RETRY_FAILED = "retry_failed", "실패한 사진 다시 색인"
    REBUILD = "rebuild", "전체 다시 색인"


class IndexingRun(ProgressRecord):
    """A re-index asked for in admin ("색인 현황"): failed rows given their attempts back, or
    every row of the embedder embedded again, then ``index_images`` with its progress here.
    One queued or running at a time (``similarity.curation.reindex.queue_reindex``)."""

    embedder = models.CharField("임베더", max_length=64)
    mode = models.CharField("종류", max_length=16, choices=IndexingRunMode.choices)
    status = models.CharField(
        "상태", max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    requested_by = models.CharField("요청자", max_length=150, blank=True)
    message = models.TextField("메시지", blank=True)
    stats = models.JSONField("결과", default=dict, blank=True)
    # ProgressRecord's fields again with Korean names for the admin (as catalog's Job does)
    progress_done = models.PositiveIntegerField("처리한 수", default=0)
    progress_total = models.PositiveIntegerField("전체 수", default=0)
    celery_task_id = models.CharField("Celery 작업 ID", max_length=64, blank=True)
    created_at = models.DateTimeField("만든 일시", auto_now_add=True)
    started_at = models.DateTimeField("시작 일시", null=True, blank=True)
    finished_at = models.DateTimeField("끝난 일시", null=True, blank=True)

    objects = IndexingRunQuerySet.as_manager()

    class Meta(ProgressRecord.Meta):
        verbose_name = "다시 색인 작업"
        verbose_name_plural = "다시 색인 작업"

    def __str__(self) -> str:
        return f"{self.get_mode_display()} #{self.pk} ({self.get_status_display()})"


PHASH_BITS = 64


class PictureHash(models.Model):
    """The perceptual hashes of one distinct picture (``sha256`` of its file): the whole
    picture's pHash and that of its crop to the product (``similarity.curation.phash``).
    ``error`` says why a picture could not be hashed (then both are empty)."""

    sha256 = models.CharField("이미지 해시", max_length=64, unique=True)
    phash = BitField("pHash", length=PHASH_BITS, null=True, blank=True)
    phash_trimmed = BitField("pHash (배경 잘라냄)", length=PHASH_BITS, null=True, blank=True)
    error = models.TextField("실패 이유", blank=True)
    created_at = models.DateTimeField("계산 일시", auto_now_add=True)

    objects = PictureHashQuerySet.as_manager()

    class Meta:
        verbose_name = "사진 지각 해시"
        verbose_name_plural = "사진 지각 해시"
        indexes = [
            # find_duplicates: the nearest pictures of each by Hamming distance (<~>), per hash
            HnswIndex(name="pichash_phash_hnsw", fields=["phash"], opclasses=["bit_hamming_ops"]),
            HnswIndex(
                name="pichash_trim_hnsw", fields=["phash_trimmed"], opclasses=["bit_hamming_ops"]
            ),
        ]

    def __str__(self) -> str:
        return self.sha256[:12]


class CandidateReason(models.TextChoices):
    SAME_PICTURE = "same_picture", "같은 사진 파일"
    NEAR_PICTURE = "near_picture", "거의 같은 사진"


class CandidateStatus(models.TextChoices):
    PENDING = "pending", "검토 대기"
    MERGED = "merged", "병합함"
    NOT_SAME = "not_same", "같은 상품 아님"


class DuplicateCandidate(models.Model):
    """Two products that may be one: near-identical pictures (``image_distance`` bits apart,
    0 for the same file) and agreeing titles (``title_score``, 0–100). The pair is ordered
    (``product_a`` has the smaller id) and unique, so a recompute finds its row again; staff
    decide (merged / not the same), and a decided pair is never proposed again."""

    product_a = models.ForeignKey(
        "catalog.Product", on_delete=models.CASCADE, related_name="+", verbose_name="상품 A"
    )
    product_b = models.ForeignKey(
        "catalog.Product", on_delete=models.CASCADE, related_name="+", verbose_name="상품 B"
    )
    image_distance = models.PositiveSmallIntegerField("사진 거리 (비트)")
    title_score = models.FloatField("상품명 일치도")
    reason = models.CharField("근거", max_length=16, choices=CandidateReason.choices)
    status = models.CharField(
        "상태", max_length=16, choices=CandidateStatus.choices, default=CandidateStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="결정한 사람",
    )
    decided_at = models.DateTimeField("결정 일시", null=True, blank=True)
    created_at = models.DateTimeField("찾은 일시", auto_now_add=True)
    updated_at = models.DateTimeField("갱신 일시", auto_now=True)

    objects = DuplicateCandidateQuerySet.as_manager()

    class Meta:
        verbose_name = "중복 후보"
        verbose_name_plural = "중복 후보"
        ordering = ["image_distance", "-title_score", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["product_a", "product_b"], name="dupcand_pair_uniq"),
            models.CheckConstraint(
                condition=Q(product_a__lt=F("product_b")), name="dupcand_pair_ordered"
            ),
        ]
        indexes = [
            # admin: the pending candidates (count and list); find_duplicates' stale pending rows
            models.Index(fields=["status"], name="dupcand_status_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.product_a_id} ↔ #{self.product_b_id} ({self.get_status_display()})"

    def other(self, product_id: int) -> int:
        return self.product_b_id if product_id == self.product_a_id else self.product_a_id
