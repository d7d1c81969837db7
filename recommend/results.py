"""One recommendation answer, as the page and the API show it: the entries, the counts, the
normalisation references, and for an empty answer the cheapest product that would fit."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from django.forms.models import model_to_dict
from django.utils import timezone

from catalog.models import Product
from catalog.versions import VERSIONED_SECONDS, catalog_version
from core.caching import cached
from recommend.entries import Entry, build_entries
from recommend.querysets import Query, cheapest_fit, ranked, references
from recommend.scoring import SCORING_NOTE, References


@dataclass
class Result:
    query: Query
    entries: list[Entry]
    total: int
    unscored: int
    refs: References
    cheapest: Product | None = None

    @property
    def empty_message(self) -> str:
        if self.entries:
            return ""
        use = self.query.use.label
        if self.cheapest is None:
            return f"조건에 맞는 상품이 없고, 최근 14일 안에 가격이 있는 {use}용 상품도 없습니다."
        p = self.cheapest
        return (
            f"조건에 맞는 상품이 없습니다. {use} 요건을 채우는 가장 싼 상품은 "
            f"{p.name} ({p.current_price:,}원)입니다."
        )

    @property
    def unscored_message(self) -> str:
        if not self.unscored:
            return ""
        return (
            f"조건에 맞는 {self.total:,}개 중 {self.unscored:,}개는 CPU나 GPU의 벤치마크 정보가 "
            "없어 '성능 정보 부족'으로 점수 있는 상품 뒤에 둡니다."
        )

    def scoring(self) -> dict[str, object]:
        return {"note": SCORING_NOTE, **self.refs.as_dict()}


def ranked_entries(
    query: Query, refs: References, *, with_verdicts: bool = True
) -> tuple[list[Entry], int, int]:
    """(entries, total, unscored) of ``query``: the same for everyone who asks it, so cached
    under the catalog's data version (prices, benchmarks, trends' verdicts all follow it) and
    the day (freshness is counted in days); the reasons are attached per request."""
    use = model_to_dict(query.use)  # weights edited in admin make another key
    asked = sorted({**query.__dict__, "use": sorted(use.items())}.items())
    digest = hashlib.sha256(repr((asked, refs, with_verdicts)).encode()).hexdigest()[:24]
    key = f"recommend:entries:v1:{catalog_version()}:{timezone.localdate()}:{digest}"

    def compute() -> tuple[list[Entry], int, int]:
        rows = ranked(query, refs)
        entries = build_entries(rows, query.use, with_verdicts=with_verdicts)
        # every ranked row carries the counts of the query's listings (none when there is none)
        total, unscored = (rows[0].total, rows[0].unscored) if rows else (0, 0)
        return entries, total, unscored

    return cached(key, VERSIONED_SECONDS, compute)


def recommend(
    query: Query,
    *,
    with_verdicts: bool = True,
    attach_reasons: bool = True,
    may_queue: Callable[[int], bool] | None = None,
) -> Result:
    """``may_queue(n)``: whether n new LLM reasons may be written for this visitor (the
    per-client limit, ``recommend.services.client_may_queue``); when not, they show the
    template reason."""
    refs = references()
    entries, total, unscored = ranked_entries(query, refs, with_verdicts=with_verdicts)
    if attach_reasons:
        from recommend.services import attach_reasons as attach

        attach(entries, may_queue=may_queue)
    result = Result(query, entries, total, unscored, refs)
    if not entries:
        result.cheapest = cheapest_fit(query)
    return result
