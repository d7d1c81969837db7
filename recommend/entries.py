"""A recommendation entry as pages and the API show it: the product, its score breakdown, its
requirement notes, its price with "N개 판매처 중 최저가", the fair-price deal (``pricing``) and the
buy/wait verdict (``trends``) when they exist, and its reason."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from catalog.models import Product
from pricing.models import PricePrediction
from pricing.services import deal_score
from recommend.models import UseCase
from recommend.scoring import UNSCORED_LABEL, Facts, Note, meets_requirements, requirement_notes

logger = logging.getLogger(__name__)


@dataclass
class Entry:
    product: Product
    use: UseCase
    rank: int
    score: float | None
    cpu_points: float | None
    gpu_points: float | None
    cpu_norm: float | None
    gpu_norm: float | None
    sellers: int
    value: float | None
    notes: list[Note] = field(default_factory=list)
    deal: dict[str, object] | None = None
    fair_price: int | None = None
    verdict: dict[str, str] | None = None
    reason: str = ""
    reason_status: str = "template"  # "llm", "template", "pending"
    reason_id: int | None = None  # the CachedReason row the page polls

    @property
    def scored(self) -> bool:
        return self.score is not None

    @property
    def status_label(self) -> str:
        return "" if self.scored else UNSCORED_LABEL

    @property
    def integrated_gpu_note(self) -> str:
        p = self.product
        if p.gpu_integrated and p.gpu_benchmark_id:
            return f"내장 그래픽({p.gpu_model})의 G3D Mark로 계산"
        if p.gpu_score_is_estimated:
            return f"{p.gpu_model}의 G3D Mark는 추정값 (PassMark 표에 없는 부품)"
        return ""

    @property
    def meets_requirements(self) -> bool:
        return meets_requirements(self.notes)

    @property
    def sellers_label(self) -> str:
        return f"{self.sellers}개 판매처 중 최저가" if self.sellers > 1 else ""

    def facts(self) -> dict[str, object]:
        """The facts a reason may use (all from the database)."""
        p = self.product
        facts: dict[str, object] = {
            "use": self.use.label,
            "name": p.name,
            "cpu": p.cpu_model,
            "gpu": p.gpu_model,
            "gpu_integrated": p.gpu_integrated,
            "cpu_mark": p.cpu_score,
            "cpu_mark_estimated": p.cpu_score_is_estimated,
            "g3d_mark": p.gpu_score,
            "g3d_mark_estimated": p.gpu_score_is_estimated,
            "ram_gb": p.ram_gb,
            "ssd_gb": p.ssd_gb,
            "vram_gb": p.vram_gb,
            "score": round(self.score) if self.scored else None,
            "price": p.current_price,
        }
        if self.deal:
            facts["deal"] = self.deal["text"]
        if self.verdict:
            facts["verdict"] = self.verdict["label"]
        return facts

    def as_dict(self) -> dict[str, object]:
        p = self.product
        return {
            "rank": self.rank,
            "id": p.pk,
            "name": p.name,
            "url": p.get_absolute_url(),
            "manufacturer": p.manufacturer.name if p.manufacturer_id else "",
            "price": p.current_price,
            "price_day": p.current_price_day,
            "sellers": self.sellers,
            "sellers_label": self.sellers_label,
            "status": "scored" if self.scored else "insufficient",
            "status_label": self.status_label,
            "score": _round(self.score),
            "value": _round(self.value, 2),
            "breakdown": {
                "cpu": {
                    "model": p.cpu_model,
                    "benchmark": p.cpu_benchmark.name if p.cpu_benchmark_id else None,
                    "cpu_mark": p.cpu_score,
                    "cpu_mark_estimated": p.cpu_score_is_estimated,
                    "estimate_note": p.cpu_score_note if p.cpu_score_is_estimated else "",
                    "normalised": _round(self.cpu_norm, 3),
                    "weight": self.use.cpu_weight,
                    "points": _round(self.cpu_points),
                },
                "gpu": {
                    "model": p.gpu_model,
                    "integrated": p.gpu_integrated,
                    "benchmark": p.gpu_benchmark.name if p.gpu_benchmark_id else None,
                    "g3d_mark": p.gpu_score,
                    "g3d_mark_estimated": p.gpu_score_is_estimated,
                    "estimate_note": p.gpu_score_note if p.gpu_score_is_estimated else "",
                    "normalised": _round(self.gpu_norm, 3),
                    "weight": self.use.gpu_weight,
                    "points": _round(self.gpu_points),
                    "note": self.integrated_gpu_note,
                },
                "requirements": [n.as_dict() for n in self.notes],
                "meets_requirements": self.meets_requirements,
            },
            "specs": {
                "ram_gb": p.ram_gb,
                "ssd_gb": p.ssd_gb,
                "vram_gb": p.vram_gb,
                "os": p.os,
                "form_factor": p.form_factor,
            },
            "fair_price": self.fair_price,
            "deal": self.deal,
            "verdict": self.verdict,
            "reason": self.reason,
            "reason_status": self.reason_status,
            "reason_id": self.reason_id,
        }


def _round(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


def product_facts(p: Product) -> Facts:
    return Facts(
        price=p.current_price,
        ram_gb=p.ram_gb,
        vram_gb=p.vram_gb,
        gpu_model=p.gpu_model,
        gpu_integrated=p.gpu_integrated,
        cpu_tdp=p.cpu_benchmark.tdp if p.cpu_benchmark_id else None,
        gpu_tdp=p.gpu_benchmark.tdp if p.gpu_benchmark_id else None,
    )


def stored_deals(products: list[Product]) -> dict[int, tuple[int, dict[str, object] | None]]:
    """product id → (fair price, deal) from the active model's stored estimates, for products
    whose stored estimate is for their current price (a stale one is not shown here; the product
    page computes a fresh one). Read, never computed: a list never loads the model."""
    by_id = {p.pk: p for p in products}
    out: dict[int, tuple[int, dict[str, object] | None]] = {}
    preds = PricePrediction.objects.of_active_model().filter(product_id__in=list(by_id))
    for pred in preds:
        if pred.listed_price != by_id[pred.product_id].current_price:
            continue
        out[pred.product_id] = (
            pred.fair_price,
            deal_score(pred.listed_price, pred.fair_price, pred.low, pred.high),
        )
    return out


def verdict_for(product: Product) -> dict[str, str] | None:
    """The buy/wait verdict of ``trends`` for a product, None when there is none (or trends
    cannot say now: a list never fails because of it)."""
    try:
        from trends.forecaster import product_trend

        trend = product_trend(product)
    except Exception:  # noqa: BLE001 - the verdict is optional on a list
        logger.exception("trend for product %s failed", product.pk)
        return None
    if not trend.ok:
        return None
    return {"verdict": trend.verdict, "label": trend.verdict_label}


def build_entries(rows: list[Product], use: UseCase, *, with_verdicts: bool = True) -> list[Entry]:
    """Entries for ranked rows (``recommend.querysets.ranked``), with deal and verdict."""
    deals = stored_deals(rows)
    entries = []
    for i, r in enumerate(rows, start=1):
        fair, deal = deals.get(r.pk, (None, None))
        entry = Entry(
            product=r, use=use, rank=i, score=r.score, cpu_points=r.cpu_points,
            gpu_points=r.gpu_points, cpu_norm=r.cpu_norm, gpu_norm=r.gpu_norm,
            sellers=r.sellers, value=r.value, notes=requirement_notes(use, product_facts(r)),
            deal=deal, fair_price=fair, verdict=verdict_for(r) if with_verdicts else None,
        )  # fmt: skip
        entries.append(entry)
    return entries
