"""Near-duplicate products: the same product listed twice, found by its picture and its title.

A candidate pair shows near-identical pictures — the same file (``sha256``), or two files
whose perceptual hashes are at most ``DISTANCE_THRESHOLD`` bits apart — *and* agreeing titles
(``similarity.curation.titles``: the same model codes, no conflicting words and a token-set
ratio ≥ 90) from the same manufacturer (when both have one). Sharing a
photo alone is common and not a duplicate: brand PCs of one maker share the chassis photo
and differ in their model codes.

``find_duplicates`` is batched, not a comparison of every pair: each picture's nearest
pictures come from the HNSW indexes on its two hashes (Hamming distance), and products are
compared only within one picture (or one near pair of pictures) and one set of model codes.
It is idempotent: a pair found again keeps its row (a pending one gets fresh numbers), a pair
staff decided on (merged, "같은 상품 아님") is never proposed again, and pending rows not found
again are removed.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import combinations, product

from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

from catalog.models import Product
from catalog.services.products import merge_products
from similarity import services
from similarity.curation import phash
from similarity.curation.titles import TITLE_THRESHOLD, Title, normalise, title_score
from similarity.models import (
    CandidateReason,
    CandidateStatus,
    DuplicateCandidate,
    PictureHash,
)

logger = logging.getLogger(__name__)

# Bits (of 64) within which two pictures are copies of one photo: see similarity.curation.phash
# for the measurement (re-encodes and resizes ≤ 4 bits, light crops p95 12; pictures of
# different kinds: 1 pair in 29,021 at ≤ 12, p1 20). Titles must agree as well, so the
# threshold leans towards finding crops.
DISTANCE_THRESHOLD = 12
# Nearest pictures asked of each HNSW index per picture (more than any picture has copies).
NEIGHBOURS = 16
HASH_BATCH = 200
PAIR_BATCH = 500
# While one find_duplicate_products task is queued, the admin button does not queue another.
FIND_QUEUED_KEY = "similarity:duplicates-queued"
FIND_QUEUED_TTL_S = 30 * 60

Progress = Callable[[str, int, int], None]


@dataclass
class DuplicateReport:
    hashed: int = 0
    hash_failed: int = 0
    picture_pairs: int = 0
    compared: int = 0
    found: int = 0
    created: int = 0
    updated: int = 0
    skipped_decided: int = 0
    removed: int = 0
    errors: list[str] = field(default_factory=list)


class AlreadyDecided(Exception):
    pass


# --------------------------------------------------------------------------- hashing


def hash_pictures(*, progress: Progress | None = None) -> tuple[int, int, list[str]]:
    """A PictureHash for every catalog picture without one, ``HASH_BATCH`` at a time. A
    picture that cannot be read keeps its reason and is not tried again (its file does not
    change: a new file is a new sha256). Returns (hashed, failed, errors)."""
    have = set(PictureHash.objects.values_list("sha256", flat=True))
    todo = [(d, n) for d, n in services.catalog_pictures().items() if d not in have]
    storage = Product._meta.get_field("image").storage
    hashed = failed = 0
    errors: list[str] = []
    for start in range(0, len(todo), HASH_BATCH):
        rows = []
        for digest, name in todo[start : start + HASH_BATCH]:
            try:
                with storage.open(name, "rb") as fh:
                    whole, trimmed = phash.picture_hashes(fh.read())
            except Exception as exc:  # unreadable file: recorded, the batch goes on
                reason = f"{type(exc).__name__}: {exc}"[:500]
                rows.append(PictureHash(sha256=digest, error=reason))
                errors.append(f"{digest[:12]}: {reason}")
                failed += 1
                continue
            rows.append(
                PictureHash(
                    sha256=digest, phash=phash.to_bits(whole), phash_trimmed=phash.to_bits(trimmed)
                )
            )
            hashed += 1
        PictureHash.objects.bulk_create(rows, ignore_conflicts=True)
        if progress:
            progress("hash", min(start + HASH_BATCH, len(todo)), len(todo))
    return hashed, failed, errors


# --------------------------------------------------------------------------- pairs of pictures

_NEAREST_SQL = """
SELECT a.sha256, n.sha256, n.phash::text, n.phash_trimmed::text
FROM similarity_picturehash a
CROSS JOIN LATERAL (
    SELECT b.sha256, b.phash, b.phash_trimmed
    FROM similarity_picturehash b
    WHERE b.{col} IS NOT NULL
    ORDER BY b.{col} <~> a.{col}
    LIMIT %s
) n
WHERE a.id = ANY(%s) AND n.sha256 <> a.sha256
"""


def near_picture_pairs(
    digests: set[str], threshold: int = DISTANCE_THRESHOLD
) -> dict[tuple[str, str], int]:
    """{(sha_a, sha_b): bits apart} for the pictures among ``digests`` whose hashes are within
    ``threshold`` (sha_a < sha_b): each picture's ``NEIGHBOURS`` nearest by either hash, from
    the HNSW indexes, then the exact distance."""
    rows = list(PictureHash.objects.hashed().filter(sha256__in=digests).values_list(
        "id", "sha256", "phash", "phash_trimmed"
    ))  # fmt: skip
    hashes = {sha: (int(w, 2), int(t, 2)) for _, sha, w, t in rows}
    ids = [pk for pk, *_ in rows]
    out: dict[tuple[str, str], int] = {}
    for start in range(0, len(ids), PAIR_BATCH):
        batch = ids[start : start + PAIR_BATCH]
        for col in ("phash", "phash_trimmed"):
            with transaction.atomic(), connection.cursor() as cur:
                cur.execute("SET LOCAL hnsw.ef_search = %s", [max(40, 2 * NEIGHBOURS)])
                cur.execute(_NEAREST_SQL.format(col=col), [NEIGHBOURS, batch])
                found = cur.fetchall()
            for sha, other, w, t in found:
                if other not in digests:
                    continue
                d = phash.distance(hashes[sha], (int(w, 2), int(t, 2)))
                if d <= threshold:
                    out[(min(sha, other), max(sha, other))] = d
    return out


# --------------------------------------------------------------------------- pairs of products


@dataclass(frozen=True)
class _Listed:
    pk: int
    title: Title
    manufacturer_id: int | None


def _listed_products() -> dict[str, list[_Listed]]:
    """{picture sha256: its visible products} (name normalised once)."""
    rows = (
        Product.objects.filter(is_active=True, merged_into__isnull=True)
        .exclude(image_sha256="")
        .order_by("pk")
        .values_list("pk", "name", "image_sha256", "manufacturer_id")
    )
    out: dict[str, list[_Listed]] = defaultdict(list)
    for pk, name, digest, maker in rows:
        out[digest].append(_Listed(pk, normalise(name), maker))
    return out


def _by_codes(items: Iterable[_Listed]) -> dict[frozenset[str], list[_Listed]]:
    out: dict[frozenset[str], list[_Listed]] = defaultdict(list)
    for item in items:
        out[item.title.codes].append(item)
    return out


def _agreeing(pairs: Iterable[tuple[_Listed, _Listed]]) -> Iterable[tuple[int, int, float]]:
    for x, y in pairs:
        if x.manufacturer_id and y.manufacturer_id and x.manufacturer_id != y.manufacturer_id:
            continue  # one product has one maker
        score = title_score(x.title, y.title)
        if score >= TITLE_THRESHOLD:
            yield min(x.pk, y.pk), max(x.pk, y.pk), score


def candidate_pairs(
    *, threshold: int = DISTANCE_THRESHOLD, report: DuplicateReport | None = None
) -> dict[tuple[int, int], tuple[int, float, str]]:
    """{(product_a, product_b): (image distance, title score, reason)} of the visible products
    whose pictures are the same or near-identical and whose titles agree."""
    report = report if report is not None else DuplicateReport()
    listed = _listed_products()
    out: dict[tuple[int, int], tuple[int, float, str]] = {}
    # the same file: products within one picture, bucketed by their model codes
    for items in listed.values():
        for bucket in _by_codes(items).values():
            report.compared += len(bucket) * (len(bucket) - 1) // 2
            for a, b, score in _agreeing(combinations(bucket, 2)):
                out[(a, b)] = (0, score, CandidateReason.SAME_PICTURE)
    # near-identical files: products of one picture against those of the other
    near = near_picture_pairs(set(listed), threshold)
    report.picture_pairs = len(near)
    for (sha_a, sha_b), dist in near.items():
        codes_b = _by_codes(listed[sha_b])
        for codes, bucket_a in _by_codes(listed[sha_a]).items():
            bucket_b = codes_b.get(codes, [])
            report.compared += len(bucket_a) * len(bucket_b)
            for a, b, score in _agreeing(product(bucket_a, bucket_b)):
                if (a, b) not in out or out[(a, b)][0] > dist:
                    out[(a, b)] = (dist, score, CandidateReason.NEAR_PICTURE)
    return out


def find_duplicates(
    *, threshold: int = DISTANCE_THRESHOLD, progress: Progress | None = None
) -> DuplicateReport:
    """Hash new pictures, find the candidate pairs and store them (see the module's doc)."""
    report = DuplicateReport()
    report.hashed, report.hash_failed, report.errors = hash_pictures(progress=progress)
    pairs = candidate_pairs(threshold=threshold, report=report)
    report.found = len(pairs)
    with transaction.atomic():
        existing = {
            (a, b): (pk, status)
            for pk, a, b, status in DuplicateCandidate.objects.select_for_update().values_list(
                "pk", "product_a_id", "product_b_id", "status"
            )
        }
        new, changed = [], []
        for (a, b), (dist, score, reason) in pairs.items():
            row = existing.get((a, b))
            fields = {"image_distance": dist, "title_score": score, "reason": reason}
            if row is None:
                new.append(DuplicateCandidate(product_a_id=a, product_b_id=b, **fields))
            elif row[1] == CandidateStatus.PENDING:
                changed.append(DuplicateCandidate(pk=row[0], **fields))
            else:
                report.skipped_decided += 1
        DuplicateCandidate.objects.bulk_create(new, batch_size=1000, ignore_conflicts=True)
        now = timezone.now()
        for row in changed:
            row.updated_at = now
        DuplicateCandidate.objects.bulk_update(
            changed, ["image_distance", "title_score", "reason", "updated_at"], batch_size=1000
        )
        stale = [
            pk
            for key, (pk, status) in existing.items()
            if status == CandidateStatus.PENDING and key not in pairs
        ]
        report.removed = DuplicateCandidate.objects.filter(pk__in=stale).delete()[0]
        report.created, report.updated = len(new), len(changed)
    if progress:
        progress("pairs", 1, 1)
    logger.info(
        "duplicates: %s found (%s new, %s decided before, %s removed), %s picture pairs",
        report.found, report.created, report.skipped_decided, report.removed,
        report.picture_pairs,
    )  # fmt: skip
    return report


def queue_find_duplicates() -> bool:
    """Ask a worker to recompute the candidates, after commit; at most one queued at a time.
    Returns whether a task was queued."""
    if not cache.add(FIND_QUEUED_KEY, 1, FIND_QUEUED_TTL_S):
        return False
    from similarity.tasks import find_duplicate_products

    transaction.on_commit(lambda: find_duplicate_products.delay())
    return True


# --------------------------------------------------------------------------- staff decisions


def default_keep(candidate: DuplicateCandidate, history_days: dict[int, int]) -> int:
    """The product to keep by default: the one with more days of price history (the older
    one on a tie)."""
    a, b = candidate.product_a_id, candidate.product_b_id
    return b if history_days.get(b, 0) > history_days.get(a, 0) else a


def _claim(candidate_id: int) -> DuplicateCandidate:
    candidate = (
        DuplicateCandidate.objects.select_for_update()
        .select_related("product_a", "product_b")
        .get(pk=candidate_id)
    )
    if candidate.status != CandidateStatus.PENDING:
        raise AlreadyDecided(candidate.get_status_display())
    return candidate


def merge_candidate(candidate_id: int, *, keep_id: int, user: object) -> tuple[Product, int]:
    """Merge the pair into ``keep_id`` through the catalog's merge service and record the
    decision. Returns (the kept product, price rows moved). Raises AlreadyDecided when the
    pair was decided meanwhile, ValueError when ``keep_id`` is not one of the pair or a
    product is no longer listed."""
    with transaction.atomic():
        candidate = _claim(candidate_id)
        pair = {
            candidate.product_a_id: candidate.product_a,
            candidate.product_b_id: candidate.product_b,
        }
        if keep_id not in pair:
            raise ValueError("남길 상품은 후보 두 상품 중 하나여야 합니다.")
        if any(not p.is_active or p.merged_into_id for p in pair.values()):
            raise ValueError("한 상품이 이미 병합되었거나 비활성입니다.")
        keep = pair[keep_id]
        other = pair[candidate.other(keep_id)]
        moved = merge_products(keep, [other])
        _decide(candidate, CandidateStatus.MERGED, user)
    return keep, moved


def mark_not_same(candidate_id: int, *, user: object) -> DuplicateCandidate:
    """Remember that the pair is two products: it is never proposed again."""
    with transaction.atomic():
        candidate = _claim(candidate_id)
        _decide(candidate, CandidateStatus.NOT_SAME, user)
    return candidate


def _decide(candidate: DuplicateCandidate, status: str, user: object) -> None:
    candidate.status = status
    candidate.decided_by = user if getattr(user, "pk", None) else None
    candidate.decided_at = timezone.now()
    candidate.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
