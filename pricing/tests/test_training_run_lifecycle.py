"""A training run moves through the same job states, by the same lifecycle functions, as every
catalog job: started once, finished once, with its progress on the way."""

from __future__ import annotations

import pytest

from catalog.models import JobStatus
from pricing.models import RunStatus, TrainingRun
from pricing.services import train_model
from pricing.tests.helpers import tiny_config

pytestmark = [pytest.mark.django_db]


def test_training_runs_and_catalog_jobs_share_one_set_of_states() -> None:
    assert RunStatus is JobStatus
    assert TrainingRun._meta.get_field("status").choices == JobStatus.choices


def test_a_run_is_started_once_and_finished_done_with_full_progress(priced_catalog) -> None:
    run = TrainingRun.objects.create()
    train_model(config=tiny_config(use_images=False, test_fraction=0.1), run=run)
    run.refresh_from_db()
    assert run.status == JobStatus.DONE and run.started_at and run.finished_at
    assert run.progress_total and run.progress_done == run.progress_total
    assert run.message.startswith("v1:")


def test_a_run_another_worker_already_finished_is_not_finished_again(priced_catalog) -> None:
    # The service trains when asked, but the run keeps the outcome it was first given.
    run = TrainingRun.objects.create(status=JobStatus.FAILED, message="작업자가 중단됨")
    train_model(config=tiny_config(use_images=False, test_fraction=0.1), run=run)
    run.refresh_from_db()
    assert run.status == JobStatus.FAILED and run.message == "작업자가 중단됨"


def test_a_redelivered_training_task_for_a_finished_run_does_not_train_again(
    priced_catalog,
) -> None:
    from pricing.models import PricingModel
    from pricing.tasks import train_pricing_model

    run = TrainingRun.objects.create(status=JobStatus.DONE, message="v1")
    assert train_pricing_model(run_id=run.pk) == {"skipped": "done"}
    assert not PricingModel.objects.exists()
    run.refresh_from_db()
    assert run.status == JobStatus.DONE and run.message == "v1"


def test_a_run_whose_worker_died_is_trained_again_by_the_redelivered_task(priced_catalog) -> None:
    """The sweep failed the run (its worker was SIGKILLed mid-training): the task, delivered
    again, takes it back and ends it done, with one model."""
    import datetime as dt

    from django.utils import timezone

    from catalog.services import sweep_lapsed
    from pricing.models import PricingModel
    from pricing.tasks import train_pricing_model

    long_ago = timezone.now() - dt.timedelta(hours=1)
    run = TrainingRun.objects.create(
        status=JobStatus.RUNNING, started_at=long_ago, heartbeat_at=long_ago, params={"epochs": 2}
    )
    assert sweep_lapsed() == {"pricing.TrainingRun": 1}
    result = train_pricing_model(run_id=run.pk)
    run.refresh_from_db()
    assert result.get("version") == 1, result
    assert run.status == JobStatus.DONE and run.lapsed_at is None
    assert PricingModel.objects.count() == 1
    assert train_pricing_model(run_id=run.pk) == {"skipped": "done"}  # and a third delivery
    assert PricingModel.objects.count() == 1
