"""A missing artifact and an incompatible one (another format version) are the same to every
page and endpoint: "no usable model", in Korean, never a 500 and never a stale estimate."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pricing.models import PricePrediction

pytestmark = [pytest.mark.django_db]

NO_USABLE = "쓸 수 있는 모델이 없습니다"


def _artifact(model: object) -> object:
    from pricing.services import artifact_dir

    return artifact_dir() / model.artifact


def _bump_artifact_format(model: object) -> None:
    import torch

    path = _artifact(model)
    payload = torch.load(path, weights_only=True)
    payload["format_version"] = payload["format_version"] + 1
    torch.save(payload, path)


def _delete_artifact(model: object) -> None:
    _artifact(model).unlink()


def _bump_recorded_format(model: object) -> None:
    model.format_version += 1
    model.save(update_fields=["format_version"])


@pytest.mark.parametrize(
    "break_it", [_bump_artifact_format, _bump_recorded_format, _delete_artifact]
)
def test_an_unusable_artifact_means_no_usable_model_on_the_page_and_in_the_api(
    client, active_model, priced_catalog, break_it
) -> None:
    from pricing.services import reset_model_cache

    product = priced_catalog[0]
    stored = PricePrediction.objects.get(product=product, model=active_model)
    break_it(active_model)
    reset_model_cache()

    page = client.get(reverse("catalog:product_detail", args=[product.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert NO_USABLE in html and f"v{active_model.version}" in html
    assert f"{stored.fair_price:,}원" not in html  # the unusable model's old estimate is not shown

    api = client.get(reverse("pricing-api:product-estimate", args=[product.pk]))
    assert api.status_code == 503
    assert NO_USABLE in api.json()["detail"]

    form = client.get(
        reverse("pricing:configuration"),
        {"cpu": "인텔 코어i5-12400F", "gpu": "RTX 3060", "ram_gb": 16},
    )
    assert form.status_code == 200 and NO_USABLE in form.content.decode()
    typed = client.post(reverse("pricing-api:configuration-estimate"),
                        {"cpu": "인텔 코어i5-12400F", "ram_gb": 16},
                        content_type="application/json")  # fmt: skip
    assert typed.status_code == 503 and NO_USABLE in typed.json()["detail"]
    assert client.get(reverse("pricing:model_card")).status_code == 200


def test_the_worker_stores_nothing_with_an_incompatible_artifact(
    active_model, priced_catalog
) -> None:
    from pricing.services import reset_model_cache
    from pricing.tasks import refresh_pricing_predictions

    _bump_artifact_format(active_model)
    reset_model_cache()
    product = priced_catalog[0]
    product.current_price = 111_000
    product.save(update_fields=["current_price"])
    assert refresh_pricing_predictions(product_ids=[product.pk]) == {"stored": 0}
    pred = PricePrediction.objects.get(product=product, model=active_model)
    assert pred.listed_price != 111_000


def test_an_incompatible_artifact_is_read_once_per_process_not_once_per_page(
    client, active_model, priced_catalog, monkeypatch
) -> None:
    from pricing.ml.ensemble import FairPriceEnsemble
    from pricing.services import reset_model_cache

    _bump_artifact_format(active_model)
    reset_model_cache()
    loads = []
    original = FairPriceEnsemble.load.__func__
    monkeypatch.setattr(FairPriceEnsemble, "load",
                        classmethod(lambda cls, path: loads.append(path) or original(cls, path)))  # fmt: skip
    for product in priced_catalog[:3]:
        response = client.get(reverse("pricing-api:product-estimate", args=[product.pk]))
        assert response.status_code == 503
    assert len(loads) == 1
