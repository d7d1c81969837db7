"""Web-worker warm-up, the training progress on the form page, and no credit for a random
image backbone."""

from __future__ import annotations

import numpy as np
import pytest
from django.urls import reverse

from pricing.models import PricePrediction, RunStatus, TrainingRun

pytestmark = [pytest.mark.django_db]


def test_the_warm_up_loads_the_active_model_into_the_process_cache(active_model) -> None:
    from pricing import services

    services.reset_model_cache()
    assert services.cached_model_version() is None
    assert services.warm_up() is True
    assert services.cached_model_version() == active_model.version


def test_the_form_page_shows_the_first_trainings_progress_instead_of_no_model(client) -> None:
    TrainingRun.objects.create(status=RunStatus.RUNNING, stage="train", progress_done=30,
                               progress_total=120)  # fmt: skip
    html = client.get(reverse("pricing:configuration")).content.decode()
    assert "아직 학습된 적정가 모델이 없습니다" not in html
    assert "학습 #" in html and "25%" in html and "<progress" in html


def test_a_random_backbone_gets_no_credit_in_the_explanation() -> None:
    from pricing.ml.ensemble import train_ensemble
    from pricing.tests.helpers import synthetic_records, tiny_config

    records = synthetic_records(120, seed=2)
    rng = np.random.default_rng(0)
    features = {}
    looks = {f"img{k}": rng.normal(size=16).astype(np.float32) * 3 for k in range(2)}
    for i, r in enumerate(records):  # the photo says "premium line": +60 %
        r.image_sha256 = f"img{i % 2}"
        r.price = int(r.price * (1.6 if i % 2 else 1.0))
        features[r.image_sha256] = looks[r.image_sha256]
    config = tiny_config(use_images=True, max_epochs=15, patience=15)
    random_backbone = train_ensemble(records, config, features=features, image_meta=(16, False))
    est = random_backbone.estimate(records[:5], features, explain=True)
    assert all(e.used_image for e in est)
    assert not [i for e in est for i in e.explanation if i["group"] == "image"]


def test_an_image_credit_stored_under_a_random_backbone_is_not_shown(
    client, active_model, priced_catalog
) -> None:
    product = priced_catalog[0]
    pred = PricePrediction.objects.get(product=product, model=active_model)
    pred.explanation = [
        {"group": "image", "label": "제품 이미지", "won": 46_000},
        *pred.explanation,
    ]
    pred.save(update_fields=["explanation"])
    html = client.get(reverse("catalog:product_detail", args=[product.pk])).content.decode()
    assert "제품 이미지" not in html
    api = client.get(reverse("pricing-api:product-estimate", args=[product.pk])).json()
    assert "image" not in [i["group"] for i in api["explanation"]]
