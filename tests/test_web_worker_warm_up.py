"""A web worker (``pcadvisor.wsgi``, imported once per gunicorn worker) warms the pricing model
up when it starts, and starts all the same when there is no usable model. Cross-app: the top
layer's start-up with pricing's fixtures (pricing's own tests may not import ``pcadvisor``)."""

from __future__ import annotations

import importlib

import pytest

from pricing.models import PricingModel
from pricing.tests import conftest as pricing_fixtures

# pricing's fixtures, used here by name
active_model = pricing_fixtures.active_model
model_dir = pricing_fixtures.model_dir
priced_catalog = pricing_fixtures.priced_catalog

pytestmark = [pytest.mark.django_db]


def test_starting_a_web_worker_warms_the_model_up(active_model) -> None:
    import pcadvisor.wsgi
    from pricing import services

    services.reset_model_cache()
    importlib.reload(pcadvisor.wsgi)
    assert services.cached_model_version() == active_model.version


def test_the_warm_up_never_stops_start_up_without_a_model_or_its_file(model_dir) -> None:
    import pcadvisor.wsgi
    from pricing import services

    assert services.warm_up() is False  # no model at all
    PricingModel.objects.create(version=1, artifact="gone.pt", data_fingerprint="x",
                                is_active=True)  # fmt: skip
    assert services.warm_up() is False  # its file is missing
    importlib.reload(pcadvisor.wsgi)  # and the worker still starts
    assert services.cached_model_version() is None
