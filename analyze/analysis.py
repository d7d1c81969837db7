"""One product's analysis ("PC 지금 살까?"): the verdict, the price history with the forecast,
the fair price, cheaper products that score as well, the shops' offers, look-alikes and use-case
fit, and the market comparison — composed from the apps' public services, never recomputed with
rules of our own, so that every number agrees with the product page, the trends dashboard and
the pricing page.

``build_analysis(product)`` is the JSON of ``GET /api/v1/analyze/<pcode>/`` (and what the
door's ``POST /api/v1/analyze/`` answers with); the page renders the same dict. Everything but
the offers is computed once per product and inputs (``analysis_parts``, cached with
``core.caching.cached`` under a key of the product, its price day, the catalog's newest price
day, the forecaster's version and the pricing model this process holds); the offers are one
small query, read fresh.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from catalog.models import CategoryKind, DailyLowestPrice, Product, ShopOffer
from core.caching import cached

logger = logging.getLogger(__name__)

CACHE_VERSION = 3
CACHE_SECONDS = 10 * 60
CHEAPER_LIMIT = 5
LOOKALIKES_K = 6
LOWEST_WINDOWS = (30, 90)

# The page's verdict line: trends' verdicts (``trends.forecaster.VERDICT_LABELS``, the same
# words the product page uses, "보통" for the neutral one).
VERDICT_CSS = {"buy": "buy", "wait": "wait", "neutral": "neutral"}
FAIR_DEAL_LINE = "적정가 수준"


# --------------------------------------------------------------------------- helpers


def _iso(day: dt.date | dt.datetime | None) -> str | None:
    return day.isoformat() if day else None


def _percent(value: float | None, digits: int = 1) -> str:
    from trends.ml.forecast import format_percent

    return format_percent(value, digits)


def deal_line(deal: dict[str, object] | None) -> str:
    """The verdict line's deal: "적정가보다 12% 저렴" / "적정가보다 12% 비쌈" / "적정가 수준",
    from pricing's own deal rule (``pricing.services.deal_score``: within ±3 % and inside the
    interval is 적정가 수준), so that it says what the product page's fair-price panel says."""
    if not deal:
        return ""
    if deal["verdict"] == "fair" or deal["text"] == "적정가와 같음":
        return FAIR_DEAL_LINE
    return f"적정가보다 {deal['text']}"


# --------------------------------------------------------------------------- blocks


def _product_block(product: Product) -> dict[str, object]:
    return {
        "id": product.pk,
        "pcode": product.pcode,
        "name": product.name,
        "category": product.category.name,
        "category_kind": product.category.kind,
        "manufacturer": product.manufacturer.name if product.manufacturer else "",
        "price": product.current_price,
        "price_day": _iso(product.current_price_day),
        "page_url": product.get_absolute_url(),
        "danawa_url": product.danawa_url,
        "image_url": product.image.url if product.image else "",
    }


def _fair_price_block(product: Product) -> dict[str, object]:
    from pricing.ml.ensemble import MEMBER_LABELS
    from pricing.services import NoActiveModel, NotEstimated, estimate_product

    try:
        result = estimate_product(product)
    except NoActiveModel as exc:
        return {
            "status": "no_model",
            "message": f"{exc}. 모델을 학습하면 적정가와 구간, 설명이 여기에 표시됩니다.",
        }
    except NotEstimated as exc:
        return {
            "status": "not_estimated",
            "message": f"{exc} ({product.category.name}): 모델이 학습한 PC 종류에만 적정가를 냅니다.",
        }
    pred = result.prediction
    deal = result.deal
    return {
        "status": "ok",
        "message": "",
        "fair_price": pred.fair_price,
        "low": pred.low,
        "high": pred.high,
        "coverage": round(100 * result.model.coverage_target),
        "listed_price": pred.listed_price,
        "deal": deal,
        "deal_line": deal_line(deal),
        "explanation": [
            {"label": str(i.get("label", "")), "won": int(i.get("won", 0))}
            for i in result.explanation
        ],
        "members": [
            {
                "key": key,
                "label": MEMBER_LABELS.get(key, key),
                "price": price,
                "weight": float(pred.weights.get(key, 0.0)),
            }
            for key, price in pred.members.items()
        ],
        "model_version": result.model.version,
        "used_image": pred.used_image,
    }


def _verdict_block(trend: object) -> dict[str, object]:

    if not trend.ok:
        return {
            "status": trend.status,
            "message": trend.message,
            "verdict": "",
            "label": "",
            "direction": "",
            "direction_label": "",
            "change": None,
            "change_text": "",
            "confidence": None,
            "reason": "",
            "notes": list(trend.notes),
        }
    f = trend.forecast
    return {
        "status": "ok",
        "message": "",
        # the verdict shown (a record no better than its base rate shows as 보통)
        "verdict": trend.verdict,
        "label": trend.verdict_label,
        "direction": f.direction,
        "direction_label": trend.direction_label,
        "change": f.total_change,
        "change_text": _percent(f.total_change),
        "confidence": f.confidence,
        "reason": trend.reason,
        "notes": list(trend.notes),
    }


def _history_block(trend: object, full_points: list[tuple[dt.date, int]]) -> dict[str, object]:
    lows = {}
    last_day = full_points[-1][0] if full_points else None
    for days in LOWEST_WINDOWS:
        if last_day is None:
            lows[f"lowest_{days}"] = None
            continue
        start = last_day - dt.timedelta(days=days - 1)
        window = [(d, p) for d, p in full_points if d >= start]
        day, price = min(window, key=lambda point: (point[1], -point[0].toordinal()))
        lows[f"lowest_{days}"] = {
            "price": price,
            "day": day.isoformat(),
            "day_label": f"{day.year}.{day.month}.{day.day}",
        }
    lowest = trend.history.lowest
    return {
        "status": "ok" if full_points else "no_history",
        "message": "" if full_points else "가격 기록이 아직 없어 그래프를 그리지 않습니다.",
        "days": len(full_points),
        "first_day": _iso(full_points[0][0]) if full_points else None,
        "last_day": _iso(last_day),
        "latest": full_points[-1][1] if full_points else None,
        **lows,
        "lowest_label": lowest.label if lowest else "",
        "points": [[d.isoformat(), p] for d, p in trend.history.points],
        "forecast": [
            {"day": d.isoformat(), "price": round(p), "low": round(lo), "high": round(hi)}
            for (d, p), (_d, lo, hi) in zip(trend.forecast_points, trend.band_points, strict=True)
        ],
    }


def _use_scores(product: Product) -> tuple[dict[str, object], list, object | None]:
    """The use-case fit block (recommend's scores and ranks among budget peers), the use
    cases, and the references (None when the product is not scored)."""
    from recommend.models import UseCase
    from recommend.querysets import PEER_BAND, peer_ranks, references

    if product.category.kind != CategoryKind.DESKTOP:
        return (
            {
                "status": "not_desktop",
                "message": "용도별 점수는 데스크톱(브랜드PC·일체형PC)에만 매깁니다.",
                "rows": [],
                "peers": 0,
            },
            [],
            None,
        )
    if product.cpu_score is None or product.gpu_score is None:
        return (
            {
                "status": "unscored",
                "message": "성능 정보 부족: CPU나 GPU의 벤치마크 매칭이 없어 용도별 점수를 매기지 않습니다 (0점으로 치지 않습니다).",
                "rows": [],
                "peers": 0,
            },
            [],
            None,
        )
    uses = list(UseCase.objects.all())
    refs = references()
    ranks = peer_ranks(product, uses, refs)
    rows = [
        {
            "key": u.key,
            "label": u.label,
            "weights": u.weights_label,
            "score": None if ranks["scores"][u.key] is None else round(ranks["scores"][u.key], 1),
            "rank": ranks["ranks"].get(u.key),
        }
        for u in uses
    ]
    estimated = [
        f"{label} {model}"
        for label, model, flag in (
            ("CPU", product.cpu_model, product.cpu_score_is_estimated),
            ("GPU", product.gpu_model, product.gpu_score_is_estimated),
        )
        if flag
    ]
    block = {
        "status": "ok",
        "message": "",
        # parts newer than the PassMark tables: scored with an estimate, and said so
        "estimated_note": (
            f"{', '.join(estimated)}의 벤치마크 점수는 PassMark 표에 없어 이름과 비슷한 부품으로 "
            "추정한 값입니다."
            if estimated
            else ""
        ),
        "rows": rows,
        "peers": ranks["peers"],
        "peer_band": round(PEER_BAND * 100),
        "_scores": ranks["scores"],
    }
    return block, uses, refs


def _cheaper_block(
    product: Product, fit: dict[str, object], uses: list, refs: object | None
) -> dict[str, object]:
    """Up to five fresh desktops of the same category priced lower whose score for the
    product's best use case is at least the product's (recommend's scoring)."""
    from recommend.querysets import fresh_desktops, with_scores

    empty = {"use": None, "score": None, "items": []}
    if fit["status"] != "ok":
        return {"status": fit["status"], "message": fit["message"], **empty}
    scores = fit["_scores"]
    scored = [u for u in uses if scores.get(u.key) is not None]
    if not scored or refs is None:
        return {
            "status": "unscored",
            "message": "점수 기준값(벤치마크)이 없어 비교하지 않습니다.",
            **empty,
        }
    if not product.current_price:
        return {
            "status": "no_price",
            "message": "이 상품의 현재 가격이 없어 더 싼 상품을 찾지 않습니다.",
            **empty,
        }
    best = max(scored, key=lambda u: scores[u.key])  # the first use case on a tie
    own = scores[best.key]
    rows = list(
        with_scores(
            fresh_desktops()
            .filter(category_id=product.category_id, current_price__lt=product.current_price)
            .exclude(pk=product.pk),
            best,
            refs,
        )
        .filter(score__gte=own)
        .order_by("current_price", "-score", "id")
        .values("id", "pcode", "name", "current_price", "score")[:CHEAPER_LIMIT]
    )
    items = [
        {
            "id": r["id"],
            "pcode": r["pcode"],
            "name": r["name"],
            "price": r["current_price"],
            "score": round(r["score"], 1),
            "saving": product.current_price - r["current_price"],
            "page_url": reverse("catalog:product_detail", args=[r["id"]]),
            "analysis_url": reverse("analyze:analysis", args=[r["pcode"]]),
        }
        for r in rows
    ]
    use = {"key": best.key, "label": best.label, "weights": best.weights_label}
    message = (
        ""
        if items
        else f"같은 카테고리에서 {best.label} 점수가 {own:.1f}점 이상이면서 더 싼 상품이 없습니다."
    )
    return {
        "status": "ok" if items else "none",
        "message": message,
        "use": use,
        "use_note": f"이 상품이 가장 높은 점수를 받는 용도({best.label})로 비교했습니다.",
        "score": round(own, 1),
        "items": items,
    }


def _lookalikes_block(product: Product) -> dict[str, object]:
    from similarity.search import similar_to_product
    from similarity.services import model_report, serving_embedder

    if not product.image_sha256:
        return {
            "status": "no_image",
            "message": "상품 사진이 없어 비슷하게 생긴 상품을 찾지 않습니다.",
            "embedder": "",
            "items": [],
            "notes": [],
        }
    embedder = serving_embedder()
    groups = similar_to_product(product, embedder=embedder, k=LOOKALIKES_K)
    notes = list(model_report().missing)
    if groups is None:
        return {
            "status": "pending",
            "message": "이 상품의 사진을 아직 색인하는 중입니다. 잠시 뒤에 비슷하게 생긴 상품이 표시됩니다.",
            "embedder": embedder,
            "items": [],
            "notes": notes,
        }
    items = [
        {
            "id": g.product.pk,
            "pcode": g.product.pcode,
            "name": g.product.name,
            "price": g.product.current_price,
            "similarity": round(float(g.similarity), 3),
            "same_photo": g.count,
            "image_url": g.product.image.url if g.product.image else "",
            "page_url": g.product.get_absolute_url(),
        }
        for g in groups
    ]
    return {
        "status": "ok" if items else "none",
        "message": "" if items else "같은 카테고리에 비슷하게 생긴 다른 상품이 없습니다.",
        "embedder": embedder,
        "items": items,
        "notes": notes,
    }


def _market_block(product: Product) -> dict[str, object]:
    from trends.dashboard import market_summary, product_change
    from trends.ml.forecast import HORIZON

    if not product.category.is_pc:
        return {
            "status": "not_pc",
            "message": "PC와 PC 부품이 아닌 상품은 시장 동향에 넣지 않습니다.",
        }
    summary = market_summary()
    change = product_change(product.pk)
    market = {
        "average_change": summary["average_change"],
        "average_change_text": _percent(summary["average_change"]),
        "tracked": summary["tracked"],
        "end": _iso(summary["end"]),
    }
    if change is None:
        return {
            "status": "not_counted",
            "message": (
                f"최근 가격이나 {HORIZON}일 전 가격이 없어 이 상품의 {HORIZON}일 변화는 "
                "시장 동향에 들어가지 않습니다."
            ),
            "market": market,
        }
    band = summary["bands"][change["band"]] if change["band"] is not None else None
    return {
        "status": "ok",
        "message": "",
        "horizon": HORIZON,
        "price": change["price"],
        "base_price": change["base_price"],
        "change": change["change"],
        "change_text": _percent(change["change"]),
        "direction": change["direction"],
        "band": {
            "label": change["band_label"],
            "count": band["count"] if band else 0,
            "average_change": band["average_change"] if band else None,
            "average_change_text": _percent(band["average_change"] if band else None),
        },
        "market": market,
        "scope": summary["scope"],
    }


def offers_block(product: Product) -> dict[str, object]:
    """The shops' offers the last product crawl stored, cheapest first (one query)."""
    offers = list(ShopOffer.objects.for_product(product.pk))
    items = [
        {
            "shop": o.shop,
            "price": o.price,
            "shipping_fee": o.shipping_fee,
            "shipping": o.shipping_label,
            "card_price": o.card_price,
            "card_label": o.card_label,
            "url": o.url,
        }
        for o in offers
    ]
    fetched = max((o.fetched_at for o in offers), default=None)
    if items:
        message = ""
    elif product.is_demo:
        message = "데모 상품이라 다나와 판매처 목록이 없습니다."
    else:
        message = (
            "다나와 상품 페이지에서 가져온 판매처 목록이 없습니다 "
            "(아직 상품 페이지를 수집하지 않았거나, 다나와가 판매처를 보여 주지 않았습니다)."
        )
    return {
        "status": "ok" if items else "none",
        "message": message,
        "fetched_at": _iso(fetched) if fetched else None,
        "fetched_label": f"{timezone.localtime(fetched):%Y-%m-%d %H:%M}" if fetched else "",
        "items": items,
    }


def _parts_sum_block(product: Product) -> dict[str, object]:
    """조립하면 얼마?: pricing's parts-sum (the product page's panel and its API read the same
    ``pricing.parts_sum.parts_sum``), dates as ISO strings."""
    from pricing.parts_sum import NotApplicable, parts_sum

    try:
        result = parts_sum(product)
    except NotApplicable as exc:
        return {"status": "not_applicable", "message": str(exc)}
    data = result.as_dict()
    data["lines"] = [{**line, "price_day": _iso(line["price_day"])} for line in data["lines"]]
    data["listed_day"] = _iso(result.listed_day)
    data["typical_as_of"] = _iso(result.typical_as_of)
    data.pop("product_id")
    return {"status": "ok", "message": "", **data}


# --------------------------------------------------------------------------- the analysis


@dataclass
class AnalysisParts:
    """The cached part of an analysis: the JSON (without the offers) and the chart."""

    data: dict[str, object]
    chart_svg: str


def _compute(product: Product) -> AnalysisParts:
    from catalog.history import load_price_history
    from trends.forecaster import product_trend, trend_chart_svg

    history = load_price_history(product.pk)
    trend = product_trend(product, history)
    fit, uses, refs = _use_scores(product)
    cheaper = _cheaper_block(product, fit, uses, refs)
    fit.pop("_scores", None)
    data = {
        "product": _product_block(product),
        "verdict": _verdict_block(trend),
        "history": _history_block(trend, history.all_points or history.points),
        "fair_price": _fair_price_block(product),
        "parts_sum": _parts_sum_block(product),
        "cheaper": cheaper,
        "lookalikes": _lookalikes_block(product),
        "use_cases": fit,
        "market": _market_block(product),
    }
    return AnalysisParts(data=data, chart_svg=trend_chart_svg(trend))


def cache_key(product: Product) -> str:
    """Per product and inputs: its price and price day, its last change, the catalog's newest
    price day, the forecaster's version (bumped on every catalog change) and the pricing model
    this process holds."""
    from pricing.services import cached_model_version
    from trends.forecaster import VERSION_KEY

    try:
        forecaster_version = int(cache.get(VERSION_KEY) or 0)
    except Exception:
        forecaster_version = -1
    latest = DailyLowestPrice.objects.latest_day()
    updated = int(product.updated_at.timestamp()) if product.updated_at else 0
    return (
        f"analyze:v{CACHE_VERSION}:{product.pk}:{product.current_price}:"
        f"{_iso(product.current_price_day)}:{updated}:{_iso(latest)}:{forecaster_version}:"
        f"{cached_model_version()}"
    )


def analysis_parts(product: Product, *, refresh: bool = False) -> AnalysisParts:
    """The analysis without the offers, cached (``cache_key``) for ``CACHE_SECONDS``."""
    return cached(cache_key(product), CACHE_SECONDS, lambda: _compute(product), refresh=refresh)


def build_analysis(product: Product) -> dict[str, object]:
    """The whole analysis of ``product`` as JSON-able data (the API's body): ``product``,
    ``verdict``, ``history``, ``fair_price``, ``parts_sum``, ``cheaper``, ``offers``, ``lookalikes``,
    ``use_cases``, ``market``. Each block has a ``status`` ("ok" when it has something to show)
    and a Korean ``message`` saying why when it has not."""
    parts = analysis_parts(product)
    data = dict(parts.data)
    data["offers"] = offers_block(product)
    return data
