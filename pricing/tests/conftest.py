"""Fixtures: a small priced catalog and a tiny trained, active model."""

from __future__ import annotations

import datetime as dt

import pytest

from catalog.benchmarks import reset_matcher
from catalog.models import CpuBenchmark, GpuBenchmark
from catalog.tests.factories import ManufacturerFactory, ProductFactory
from pricing.tests.helpers import (
    CPUS,
    GPUS,
    IGPU,
    demo_like_records,
    price_of,
    synthetic_records,
    tiny_config,
)


@pytest.fixture
def model_dir(tmp_path: object, settings: object) -> object:
    from pricing.services import reset_model_cache

    settings.MODEL_DIR = tmp_path
    reset_model_cache()
    yield tmp_path
    reset_model_cache()


@pytest.fixture
def priced_catalog(db: object) -> list:
    """80 desktops with parsed specs, matched benchmarks and current prices."""
    reset_matcher()
    cpus = {n: CpuBenchmark.objects.create(name=n, normalized_name=n.lower(), score=s)
            for n, s in CPUS}  # fmt: skip
    gpus = {n: GpuBenchmark.objects.create(name=n, normalized_name=n.lower(), score=s)
            for n, s in GPUS if n}  # fmt: skip
    brands = {}
    products = []
    for r in synthetic_records(80, seed=5):
        if r.manufacturer not in brands:
            brands[r.manufacturer] = ManufacturerFactory(name=r.manufacturer)
        products.append(
            ProductFactory(
                name=r.name,
                manufacturer=brands[r.manufacturer],
                cpu_model=r.cpu_model,
                gpu_model=r.gpu_model,
                ram_gb=r.ram_gb,
                ssd_gb=r.ssd_gb,
                cpu_benchmark=cpus[r.cpu_model],
                gpu_benchmark=gpus.get(r.gpu_model),
                current_price=r.price,
                current_price_day=dt.date(2025, 1, 1),
            )  # fmt: skip
        )
    yield products
    reset_matcher()


@pytest.fixture
def active_model(priced_catalog: list, model_dir: object) -> object:
    from pricing.services import train_model

    return train_model(config=tiny_config(use_images=False, test_fraction=0.1))


@pytest.fixture
def demo_like_catalog(db: object) -> list:
    """160 desktops like the demo's (graphics memory, OS, form factor, integrated graphics with
    its benchmark row), plus an RTX 4090 benchmark row that no product uses."""
    reset_matcher()
    cpus = {n: CpuBenchmark.objects.create(name=n, normalized_name=n.lower(), score=s)
            for n, s in CPUS}  # fmt: skip
    gpus = {n: GpuBenchmark.objects.create(name=n, normalized_name=n.lower(), score=s)
            for n, s in [*GPUS, IGPU, ("GeForce RTX 4090", 38_600)] if n}  # fmt: skip
    brands: dict[str, object] = {}
    products = []
    for r in demo_like_records(160, seed=3):
        if r.manufacturer not in brands:
            brands[r.manufacturer] = ManufacturerFactory(name=r.manufacturer)
        products.append(
            ProductFactory(
                name=r.name,
                manufacturer=brands[r.manufacturer],
                cpu_model=r.cpu_model,
                gpu_model=r.gpu_model,
                ram_gb=r.ram_gb,
                ssd_gb=r.ssd_gb,
                vram_gb=r.vram_gb,
                os=r.os,
                form_factor=r.form_factor,
                cpu_benchmark=cpus[r.cpu_model],
                gpu_benchmark=gpus[r.gpu_model],
                current_price=r.price,
                current_price_day=dt.date(2025, 1, 1),
            )  # fmt: skip
        )
    yield products
    reset_matcher()


@pytest.fixture
def demo_like_model(demo_like_catalog: list, model_dir: object) -> object:
    from pricing.services import train_model

    return train_model(config=tiny_config(use_images=False, test_fraction=0.1, max_epochs=8))


__all__ = ["price_of"]
