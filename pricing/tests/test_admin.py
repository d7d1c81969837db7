"""Pricing admin: registry activation, training button with progress, prediction search."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pricing.models import PricePrediction, PricingModel, RunStatus, TrainingRun

pytestmark = [pytest.mark.django_db]


def _model(version: int, active: bool = False) -> PricingModel:
    return PricingModel.objects.create(
        version=version, artifact=f"v{version}.pt", data_fingerprint="x", is_active=active,
        band_weights={"lt50": {"base": 1.0}}, metrics={"test": {"ensemble": {"all": {"mape": 0.1}}}},
    )  # fmt: skip


def test_the_activate_action_makes_the_chosen_model_the_only_active_one(admin_client):
    old, new = _model(1, active=True), _model(2)
    response = admin_client.post(
        reverse("admin:pricing_pricingmodel_changelist"),
        {"action": "activate", "_selected_action": [new.pk]},
    )
    assert response.status_code == 302
    assert list(PricingModel.objects.filter(is_active=True)) == [new]
    old.refresh_from_db()
    assert not old.is_active


def test_the_model_page_shows_band_weights_read_only(admin_client):
    model = _model(3)
    html = admin_client.get(
        reverse("admin:pricing_pricingmodel_change", args=[model.pk])
    ).content.decode()
    assert "가격대별 가중치" in html and "lt50" in html
    assert 'name="band_weights"' not in html


def test_the_train_button_queues_one_run_and_the_list_shows_its_progress(
    admin_client, monkeypatch, django_capture_on_commit_callbacks
):
    from pricing import tasks

    sent = []
    monkeypatch.setattr(tasks.train_pricing_model, "delay",
                        lambda **kw: sent.append(kw) or type("R", (), {"id": "t9"})())  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("admin:pricing_trainingrun_train"))
    assert response.status_code == 302
    run = TrainingRun.objects.get()
    assert sent == [{"run_id": run.pk}] and run.status == RunStatus.QUEUED
    # A second click while one is queued does not queue another.
    admin_client.post(reverse("admin:pricing_trainingrun_train"))
    assert TrainingRun.objects.count() == 1
    TrainingRun.objects.filter(pk=run.pk).update(
        status=RunStatus.RUNNING, progress_done=30, progress_total=120
    )
    html = admin_client.get(reverse("admin:pricing_trainingrun_changelist")).content.decode()
    assert 'aria-valuenow="25"' in html
    assert reverse("admin:pricing_trainingrun_train") in html


def test_predictions_are_searchable_by_product_name(admin_client, django_assert_max_num_queries):
    from catalog.tests.factories import ProductFactory

    model = _model(4, active=True)
    for name in [
        "ASUS ROG STRIX 지포스 RTX 4070",
        "MSI 벤투스 2X 지포스 RTX 4060",
        "이엠텍 RTX 3050",
    ]:
        PricePrediction.objects.create(
            product=ProductFactory(name=name), model=model, fair_price=500_000, low=400_000,
            high=600_000, band="50to100", listed_price=450_000,
        )  # fmt: skip
    url = reverse("admin:pricing_priceprediction_changelist")
    with django_assert_max_num_queries(12):
        html = admin_client.get(url, {"q": "STRIX"}).content.decode()
    assert "ROG STRIX" in html and "벤투스" not in html
    assert "10.0% 저렴" in html


def test_one_training_at_a_time_is_the_queueing_services_rule(
    monkeypatch, django_capture_on_commit_callbacks
):
    from pricing import services, tasks

    sent = []
    monkeypatch.setattr(tasks.train_pricing_model, "delay",
                        lambda **kw: sent.append(kw) or type("R", (), {"id": "t1"})())  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        first = services.queue_training(requested_by="a")
        with pytest.raises(services.TrainingInProgress) as caught:
            services.queue_training(requested_by="b")
    assert caught.value.run == first
    assert list(TrainingRun.objects.all()) == [first] and sent == [{"run_id": first.pk}]
    TrainingRun.objects.filter(pk=first.pk).update(status=RunStatus.DONE)
    assert services.queue_training(requested_by="c").pk != first.pk  # once it is over


def test_the_model_list_shows_the_held_out_mape(admin_client):
    _model(5)
    html = admin_client.get(reverse("admin:pricing_pricingmodel_changelist")).content.decode()
    assert "시험 MAPE" in html and "0.100" in html
