"""The model card prints the registry's numbers as they are (percent, Korean labels)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pricing.models import PricingModel, TrainingRun

pytestmark = [pytest.mark.django_db]

WEIGHTS = {"base": 0.25, "v1": 0.5, "v2": 0.125, "v3": 0.125}


def registered_model(**overrides: object) -> PricingModel:
    metrics = {
        "rows": 100,
        "test": {
            "ensemble": {
                "all": {"mape": 0.1234, "r2": 0.9, "n": 40},
                "50to100": {"mape": 0.0871, "r2": 0.8, "n": 25},
                "ge200": {"mape": 0.1567, "r2": 0.7, "n": 15},
            },
            "members": {
                "v1": {"mape": 0.1341, "r2": 0.85, "n": 40},
                "gbm": {"mape": 0.0912, "r2": 0.91, "n": 40},
            },  # fmt: skip
            "coverage": 0.875,
        },
    }
    values = {"version": 3, "artifact": "pricing-v3.pt", "data_fingerprint": "abc",
              "trained_rows": 100, "metrics": metrics, "is_active": True,
              "band_weights": {b: WEIGHTS for b in ("lt50", "50to100", "100to200", "ge200")},
              "coverage_target": 0.9}  # fmt: skip
    values.update(overrides)
    return PricingModel.objects.create(**values)


def test_the_model_card_prints_each_mape_and_the_coverage_as_percent(client) -> None:
    registered_model()
    html = client.get(reverse("pricing:model_card")).content.decode()
    for shown in ("12.3%", "8.7%", "15.7%", "13.4%", "9.1%"):
        assert shown in html
    assert "87.5%" in html  # measured coverage of the 90 % interval
    assert "V1 (로그 가격) 50%" in html and "Base 25%" in html and "12.5%" in html
    assert ">0%<" not in html


def test_the_model_cards_recent_runs_say_in_korean_who_asked(client) -> None:
    registered_model()
    TrainingRun.objects.create(requested_by="run command")
    TrainingRun.objects.create(requested_by="train_pricing")
    html = client.get(reverse("pricing:model_card")).content.decode()
    assert "run command" not in html
    assert "첫 실행 (make run)" in html and "train_pricing 명령" in html


def test_the_model_card_says_in_korean_which_kinds_it_estimates_and_the_training_stage(
    client,
) -> None:
    registered_model(domain={"kinds": ["desktop"], "categories": ["112756"], "ranges": {}})
    TrainingRun.objects.create(status="running", stage="train", progress_done=1, progress_total=4)
    html = client.get(reverse("pricing:model_card")).content.decode()
    assert "데스크톱만" in html
    assert "(신경망 학습)" in html and "(train)" not in html
