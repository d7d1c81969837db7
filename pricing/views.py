"""Pages of the fair-price feature: the product panel, the configuration form, the model card
and the staff-only train button."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from pricing.forms import ConfigurationForm
from pricing.ml.ensemble import MEMBER_LABELS
from pricing.ml.features import WEIGHT_BAND_LABELS, WEIGHT_BANDS
from pricing.models import PricingModel, TrainingRun
from pricing.services import (
    ConfigurationError,
    NoActiveModel,
    NotEstimated,
    TrainingInProgress,
    configuration_scope,
    estimate_product,
    estimate_with_deal,
    queue_training,
)

logger = logging.getLogger(__name__)


def _members(members: dict[str, int], weights: dict[str, float]) -> list[dict[str, object]]:
    return [
        {"key": k, "label": MEMBER_LABELS.get(k, k), "price": v, "weight": weights.get(k, 0.0)}
        for k, v in members.items()
    ]


def _explanation(items: list[dict[str, object]]) -> list[dict[str, object]]:
    peak = max((abs(int(i["won"])) for i in items), default=0) or 1
    return [
        {**i, "abs": abs(int(i["won"])), "width": max(2, round(100 * abs(int(i["won"])) / peak))}
        for i in items
    ]


def pricing_panel(request: HttpRequest, product: object) -> tuple[str, dict] | None:
    """The "AI 적정가" product-page panel (registered in PricingConfig.ready)."""
    context: dict[str, object] = {
        "product": product,
        "running": TrainingRun.objects.running().first(),
    }
    try:
        result = estimate_product(product)
    except NoActiveModel as exc:
        context["no_model"] = str(exc)
        return "pricing/panel.html", context
    except NotEstimated as exc:
        context["not_estimated"] = str(exc)
        return "pricing/panel.html", context
    pred = result.prediction
    context.update(
        model=result.model,
        prediction=pred,
        deal=result.deal,
        weight_band_label=WEIGHT_BAND_LABELS.get(pred.band, pred.band),
        members=_members(pred.members, pred.weights),
        explanation=_explanation(result.explanation),
        has_image=bool(getattr(product, "image", None)),
        coverage=round(100 * result.model.coverage_target),
    )
    return "pricing/panel.html", context


def configuration(request: HttpRequest) -> HttpResponse:
    """ "What should this configuration cost": typed-in specs -> estimate."""
    scope, _domain = configuration_scope()
    form = ConfigurationForm(request.GET or None, kinds=list(scope.kinds) if scope else None)
    model = PricingModel.objects.current()
    context: dict[str, object] = {
        "form": form,
        "model": model,
        "running": TrainingRun.objects.running().first(),
    }
    if form.is_bound and form.is_valid():
        try:
            result = estimate_with_deal(form.configuration())
        except ConfigurationError as exc:
            for field, errors in exc.errors.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        except NoActiveModel as exc:
            context["no_model"] = str(exc)
        else:
            est = result["estimate"]
            context.update(
                result=est,
                record=result["record"],
                filled=result["filled"],
                deal=result["deal"],
                weight_band_label=WEIGHT_BAND_LABELS.get(est.band, est.band),
                members=_members(est.members, est.weights),
                explanation=_explanation(est.explanation),
                coverage=round(100 * result["model"].coverage_target),
            )
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "pricing/configuration.html", context, status=status)


def model_card(request: HttpRequest) -> HttpResponse:
    """The active model's card: metrics per weight band, training data, pretrained or not."""
    model = PricingModel.objects.current()
    context: dict[str, object] = {
        "model": model,
        "runs": TrainingRun.objects.select_related("model")[:5],
        "running": TrainingRun.objects.running().first(),
        "history": PricingModel.objects.all()[:10],
    }
    if model is not None:
        test = (model.metrics or {}).get("test") or {}
        ensemble = test.get("ensemble") or {}
        context["weight_band_rows"] = [
            {"key": b, "label": WEIGHT_BAND_LABELS[b], **ensemble[b]}
            for b in WEIGHT_BANDS
            if b in ensemble
        ]
        context["overall"] = ensemble.get("all")
        context["member_rows"] = [
            {"key": k, "label": MEMBER_LABELS.get(k, k), **v}
            for k, v in (test.get("members") or {}).items()
        ]
        context["coverage"] = test.get("coverage")
        context["width"] = test.get("width")
        context["weight_rows"] = [
            {
                "label": WEIGHT_BAND_LABELS[b],
                "weights": [
                    (MEMBER_LABELS.get(k, k), w) for k, w in model.band_weights.get(b, {}).items()
                ],
            }
            for b in WEIGHT_BANDS
        ]
        context["coverage_target"] = round(100 * model.coverage_target)
    return render(request, "pricing/model_card.html", context)


@staff_member_required
@require_POST
def train(request: HttpRequest) -> HttpResponse:
    """Staff: queue a training run on the ml queue."""
    try:
        run = queue_training(requested_by=request.user.get_username())
    except TrainingInProgress:
        messages.info(request, "이미 학습이 대기 중이거나 진행 중입니다.")
    else:
        messages.success(
            request, f"모델 학습 #{run.pk}을(를) 요청했습니다. 진행 상황은 이 페이지에 표시됩니다."
        )
    return redirect("pricing:model_card")


def parts_sum_panel(request: HttpRequest, product: object) -> tuple[str, dict] | None:
    """The "조립하면 얼마?" product-page panel (registered in PricingConfig.ready): hidden for
    products it does not apply to (not a desktop, Apple)."""
    from pricing.parts_sum import FRESH_DAYS, NotApplicable, parts_sum

    try:
        result = parts_sum(product)
    except NotApplicable:
        return None
    return "pricing/parts_sum_panel.html", {
        "product": product,
        "result": result,
        "fresh_days": FRESH_DAYS,
    }
