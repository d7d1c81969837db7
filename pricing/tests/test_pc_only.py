"""Fair prices only for what the model was trained on: PCs, not the image-search sofas."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from catalog.models import CategoryKind
from catalog.tests.factories import CategoryFactory, ProductFactory
from pricing.models import PricePrediction
from pricing.tests.helpers import tiny_config

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def sofa(priced_catalog: list) -> object:
    category = CategoryFactory(code="sofa", name="소파", kind=CategoryKind.OTHER)
    return ProductFactory(name="모던 패브릭 3인 소파", category=category, manufacturer=None,
                          current_price=880_100, current_price_day=dt.date(2025, 1, 1))  # fmt: skip


@pytest.fixture
def pc_model(sofa: object, model_dir: object) -> object:
    from pricing.services import train_model

    return train_model(
        config=tiny_config(use_images=False, test_fraction=0.1), kinds=["desktop", "other"]
    )


def test_training_takes_pc_products_only_and_records_what_it_learned(pc_model, priced_catalog):
    assert pc_model.trained_rows == len(priced_catalog)  # the sofa is not a training row
    assert pc_model.domain["kinds"] == ["desktop"]
    assert pc_model.domain["categories"] == ["112756"]
    ranges = pc_model.domain["ranges"]["desktop"]
    assert ranges["ram_gb"] == [8, 32]


def test_a_sofa_gets_no_fair_price_on_its_page_in_the_api_or_in_storage(client, pc_model, sofa):
    assert not PricePrediction.objects.filter(product=sofa).exists()
    html = client.get(reverse("catalog:product_detail", args=[sofa.pk])).content.decode()
    assert "이 종류는 적정가를 추정하지 않습니다" in html
    assert "적정가와 같음" not in html and "저렴" not in html and "비쌈" not in html
    response = client.get(reverse("pricing-api:product-estimate", args=[sofa.pk]))
    assert response.status_code == 422
    assert response.json()["detail"] == "이 종류는 적정가를 추정하지 않습니다"


def test_an_estimate_stored_for_a_sofa_before_is_not_shown_and_goes_on_refresh(
    client, pc_model, sofa
):
    from pricing.services import refresh_predictions

    PricePrediction.objects.create(product=sofa, model=pc_model, fair_price=579_000, low=500_000,
                                   high=650_000, band="50to100", listed_price=880_100)  # fmt: skip
    html = client.get(reverse("catalog:product_detail", args=[sofa.pk])).content.decode()
    assert "579,000원" not in html
    refresh_predictions([sofa.pk])
    assert not PricePrediction.objects.filter(product=sofa).exists()


def test_the_configuration_form_offers_only_the_kinds_the_model_learned(client, pc_model):
    html = client.get(reverse("pricing:configuration")).content.decode()
    assert 'value="desktop"' in html and 'value="laptop"' not in html
    typed = {"cpu": "인텔 코어i5-12400F", "ram_gb": 16, "kind": "laptop"}
    assert client.get(reverse("pricing:configuration"), typed).status_code == 400
    response = client.post(reverse("pricing-api:configuration-estimate"), typed,
                           content_type="application/json")  # fmt: skip
    assert response.status_code == 400 and "kind" in response.json()


def test_a_model_trained_before_kinds_were_recorded_still_loads_and_estimates_only_pcs(
    client, pc_model, priced_catalog, sofa
):
    import torch

    from pricing.services import artifact_dir, reset_model_cache

    path = artifact_dir() / pc_model.artifact
    payload = torch.load(path, weights_only=True)
    del payload["domain"]
    torch.save(payload, path)
    pc_model.domain = {}
    pc_model.save(update_fields=["domain"])
    reset_model_cache()
    desktop = client.get(reverse("pricing-api:product-estimate", args=[priced_catalog[0].pk]))
    assert desktop.status_code == 200
    sofa_answer = client.get(reverse("pricing-api:product-estimate", args=[sofa.pk]))
    assert sofa_answer.status_code == 422
