"""Product panel, configuration form/API, model card and training through the service."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pricing.models import PricePrediction, PricingModel, RunStatus, TrainingRun

pytestmark = [pytest.mark.django_db]

GOOD = {"cpu": "인텔 코어i5-12400F", "gpu": "지포스 RTX 3060", "ram_gb": 16, "ssd_gb": 512,
        "manufacturer": "삼성"}  # fmt: skip


def test_training_registers_an_active_model_and_stores_predictions(active_model, priced_catalog):
    assert active_model.is_active and active_model.version == 1
    assert set(active_model.band_weights) == {"lt50", "50to100", "100to200", "ge200"}
    assert active_model.pretrained_backbone is False
    assert "test" in active_model.metrics
    assert PricePrediction.objects.filter(model=active_model).count() == len(priced_catalog)


def test_a_second_training_run_takes_over_as_the_only_active_model(active_model, priced_catalog):
    from pricing.services import train_model
    from pricing.tests.helpers import tiny_config

    second = train_model(config=tiny_config(use_images=False))
    assert list(PricingModel.objects.filter(is_active=True)) == [second]
    assert second.version == 2


def test_product_page_shows_the_fair_price_panel(client, active_model, priced_catalog):
    product = priced_catalog[0]
    response = client.get(reverse("catalog:product_detail", args=[product.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "AI 적정가" in html
    pred = PricePrediction.objects.get(product=product, model=active_model)
    assert f"{pred.fair_price:,}원" in html
    assert "사양만으로 추정했습니다" in html  # no image on these products
    assert "무작위 초기화" in html


def test_without_a_model_the_panel_says_so_and_offers_staff_a_train_button(
    client, admin_user, priced_catalog
):
    client.force_login(admin_user)
    html = client.get(
        reverse("catalog:product_detail", args=[priced_catalog[0].pk])
    ).content.decode()
    assert "아직 학습된 적정가 모델이 없습니다" in html
    assert reverse("pricing:train") in html


def test_staff_train_button_queues_a_run(
    client, admin_user, monkeypatch, django_capture_on_commit_callbacks
):
    from pricing import tasks

    sent = []
    monkeypatch.setattr(tasks.train_pricing_model, "delay",
                        lambda **kw: sent.append(kw) or type("R", (), {"id": "t1"})())  # fmt: skip
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("pricing:train"))
    assert response.status_code == 302
    run = TrainingRun.objects.get()
    assert sent == [{"run_id": run.pk}]
    assert run.status == RunStatus.QUEUED


def test_anonymous_users_cannot_train(client):
    response = client.post(reverse("pricing:train"))
    assert response.status_code == 302 and "login" in response["Location"]
    assert not TrainingRun.objects.exists()


def test_configuration_api_estimates_a_typed_in_configuration(client, active_model):
    response = client.post(reverse("pricing-api:configuration-estimate"),
                           {**GOOD, "listed_price": 900_000}, content_type="application/json")  # fmt: skip
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["low"] < data["fair_price"] < data["high"]
    assert data["deal"]["text"].endswith(("저렴", "비쌈", "같음"))
    assert data["model_version"] == active_model.version


@pytest.mark.parametrize(
    ("change", "field"),
    [({"ram_gb": -8}, "ram_gb"), ({"cpu": "인텔 코어i9-99999K"}, "cpu"),
     ({"cpu": "아무거나"}, "cpu"), ({"gpu": "GeForce RTX 9990"}, "gpu")],
)  # fmt: skip
def test_configuration_api_rejects_impossible_or_unknown_specs_with_field_errors(
    client, active_model, change, field
):
    response = client.post(reverse("pricing-api:configuration-estimate"), {**GOOD, **change},
                           content_type="application/json")  # fmt: skip
    assert response.status_code == 400
    assert field in response.json()


def test_configuration_form_shows_the_estimate_and_clear_errors(client, active_model):
    ok = client.get(reverse("pricing:configuration"), GOOD)
    assert ok.status_code == 200 and "추정 결과" in ok.content.decode()
    bad = client.get(reverse("pricing:configuration"), {**GOOD, "cpu": "인텔 코어i9-99999K"})
    assert bad.status_code == 400
    assert "벤치마크 표에 없는 CPU" in bad.content.decode()
    negative = client.get(reverse("pricing:configuration"), {**GOOD, "ram_gb": -1})
    assert negative.status_code == 400


def test_without_a_model_the_api_answers_503_with_a_message(client, priced_catalog):
    response = client.get(reverse("pricing-api:product-estimate", args=[priced_catalog[0].pk]))
    assert response.status_code == 503
    assert "모델" in response.json()["detail"]


def test_product_estimate_api_and_model_card(client, active_model, priced_catalog):
    response = client.get(reverse("pricing-api:product-estimate", args=[priced_catalog[1].pk]))
    assert response.status_code == 200
    assert response.json()["listed_price"] == priced_catalog[1].current_price
    card = client.get(reverse("pricing:model_card")).content.decode()
    assert "v1" in card and "포함률" in card and "사전학습 가중치 없음" in card
    api = client.get(reverse("pricing-api:model")).json()
    assert api["pretrained_backbone"] is False


def test_price_changes_enqueue_a_prediction_refresh_after_commit(
    active_model, priced_catalog, monkeypatch, django_capture_on_commit_callbacks
):
    from catalog.models import Product
    from catalog.signals import prices_recorded
    from pricing import tasks

    sent = []
    monkeypatch.setattr(tasks.refresh_pricing_predictions, "delay", lambda **kw: sent.append(kw))
    with django_capture_on_commit_callbacks(execute=True):
        prices_recorded.send(
            sender=Product, product_ids=[priced_catalog[0].pk], days=["2025-01-02"]
        )
    assert sent == [{"product_ids": [priced_catalog[0].pk]}]


def test_refresh_task_updates_the_stored_prediction(active_model, priced_catalog):
    from pricing.tasks import refresh_pricing_predictions

    product = priced_catalog[2]
    product.current_price = 123_000
    product.save(update_fields=["current_price"])
    refresh_pricing_predictions(product_ids=[product.pk])
    pred = PricePrediction.objects.get(product=product, model=active_model)
    assert pred.listed_price == 123_000
    assert pred.deal_percent is not None


def test_the_run_command_queues_training_only_when_there_is_no_model(
    monkeypatch, django_capture_on_commit_callbacks
) -> None:
    from django.core.management import call_command

    from pricing.tasks import train_pricing_model

    sent = []
    monkeypatch.setattr(train_pricing_model, "delay", lambda **kw: sent.append(kw) or _Result())
    with django_capture_on_commit_callbacks(execute=True):
        call_command("train_pricing", "--queue-if-missing")
        call_command("train_pricing", "--queue-if-missing")  # one run is queued already
    assert TrainingRun.objects.count() == 1
    assert len(sent) == 1


def test_the_run_command_retrains_when_the_active_model_cannot_be_read(
    active_model, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    """After an upgrade that changed the artifact format, the next start trains a new model
    instead of leaving the site without fair prices until staff notice."""
    from django.core.management import call_command

    from pricing.tasks import train_pricing_model

    sent = []
    monkeypatch.setattr(train_pricing_model, "delay", lambda **kw: sent.append(kw) or _Result())
    before = TrainingRun.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("train_pricing", "--queue-if-missing")  # readable: nothing queued
        assert not sent
        PricingModel.objects.filter(pk=active_model.pk).update(format_version=1)
        call_command("train_pricing", "--queue-if-missing")
    assert len(sent) == 1 and TrainingRun.objects.count() == before + 1


class _Result:
    id = "fake"
