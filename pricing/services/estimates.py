"""Estimates that are read, never written: a catalog product's (stored, or computed in memory
while the worker refreshes it), a typed-in configuration's, and the deal score."""

from __future__ import annotations

from dataclasses import dataclass, replace

from pricing.configurations import (
    Configuration,
    Filled,
    configuration_record,
)
from pricing.ml.ensemble import Estimate
from pricing.ml.features import (
    SpecRecord,
    record_fingerprint,
)
from pricing.models import PricePrediction, PricingModel
from pricing.product_records import record_from_product
from pricing.services.active import (
    NoActiveModel,
    NotEstimated,
    Scope,
    get_active,
    model_scope,
    product_in_scope,
)
from pricing.services.predictions import (
    image_features_for,
    prediction_row,
    queue_prediction_refresh,
)


@dataclass
class ProductEstimate:
    """What the product page and API show for one product."""

    model: PricingModel
    prediction: PricePrediction

    @property
    def explanation(self) -> list[dict[str, object]]:
        """The stored explanation, without an "image" line when the model's backbone was not
        pretrained (stored before the ensemble stopped crediting a random backbone)."""
        items = list(self.prediction.explanation or [])
        if not self.model.pretrained_backbone:
            items = [i for i in items if i.get("group") != "image"]
        return items

    @property
    def deal(self) -> dict[str, object] | None:
        return deal_score(
            self.prediction.listed_price,
            self.prediction.fair_price,
            self.prediction.low,
            self.prediction.high,
        )


def estimate_product(product: object) -> ProductEstimate:
    """The active model's estimate for a product, read, never written: the stored one, or when
    it is missing or stale (the listed price moved), one computed now in memory while the
    worker is asked to refresh the stored one. Raises NoActiveModel (also for a missing or
    incompatible artifact), or NotEstimated for a product outside the model's
    kinds/categories (whatever was stored for it earlier is not shown)."""
    # A model whose artifact is missing or incompatible is no usable model: what it stored
    # earlier is not shown either.
    model, ensemble = get_active()
    scope = model_scope(model, ensemble)
    if not product_in_scope(scope, product):
        raise NotEstimated()
    pred = PricePrediction.objects.filter(product_id=product.pk, model=model).first()
    if pred is None or pred.listed_price != product.current_price:
        if product.current_price is not None and product.is_active:
            queue_prediction_refresh([product.pk], model=model)  # unpriced or retired: never stored
        record = record_from_product(product)
        est = ensemble.estimate([record], image_features_for([record], ensemble), explain=True)[0]
        pred = prediction_row(model, product, est, record_fingerprint(record))
    return ProductEstimate(model=model, prediction=pred)


def deal_score(listed: int | None, fair: int, low: int, high: int) -> dict[str, object] | None:
    """The listed price against the fair price and its interval: percent below (+) or above
    (-) fair, a verdict and a Korean label such as "12% 저렴"."""
    if not listed or not fair:
        return None
    percent = round(100 * (fair - listed) / fair, 1)
    if listed < low:
        verdict, label = "great", "구간보다 싼 좋은 가격"
    elif listed > high:
        verdict, label = "expensive", "구간보다 비싼 가격"
    elif percent >= 3:
        verdict, label = "good", "적정가보다 저렴"
    elif percent <= -3:
        verdict, label = "pricey", "적정가보다 비쌈"
    else:
        verdict, label = "fair", "적정가 수준"
    if abs(percent) < 0.5:
        text = "적정가와 같음"
    elif percent > 0:
        text = f"{abs(percent):.0f}% 저렴"
    else:
        text = f"{abs(percent):.0f}% 비쌈"
    return {"percent": percent, "verdict": verdict, "label": label, "text": text}


def configuration_scope() -> tuple[Scope | None, dict[str, object]]:
    """(scope, training domain) of the active model, (None, {}) without a usable one: what the
    configuration form and API offer and check."""
    try:
        model, ensemble = get_active()
    except NoActiveModel:
        return None, {}
    return model_scope(model, ensemble), model.domain or ensemble.domain or {}


def estimate_configuration(
    config: Configuration,
) -> tuple[PricingModel, Estimate, SpecRecord, list[Filled]]:
    """An estimate (with explanation) for a configuration that is not in the catalog, its gaps
    filled from the catalog and refused outside what the model was trained on (see
    ``pricing.configurations``). Raises ConfigurationError (field errors) or NoActiveModel."""
    model, ensemble = get_active()
    scope = model_scope(model, ensemble)
    typed = configuration_record(config, scope.kinds, model.domain or ensemble.domain)
    estimate = ensemble.estimate([typed.record], {}, explain=True)[0]
    return model, estimate, typed.record, typed.filled


def estimate_with_deal(config: Configuration) -> dict[str, object]:
    model, est, record, filled = estimate_configuration(replace(config))
    return {
        "model": model,
        "estimate": est,
        "record": record,
        "filled": filled,
        "deal": deal_score(config.listed_price, est.fair_price, est.low, est.high),
    }
