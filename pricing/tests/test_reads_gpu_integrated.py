"""The fair price reads whether a product's graphics are integrated from Product.gpu_integrated,
never from the GPU's name (issue 9.3)."""

from __future__ import annotations

import pytest

from catalog.benchmarks import reset_matcher
from catalog.tests.factories import CpuBenchmarkFactory, GpuBenchmarkFactory, ProductFactory
from pricing.configurations import Configuration, configuration_record
from pricing.ml.features import record_from_product

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_benchmark_matcher() -> None:
    reset_matcher()
    yield
    reset_matcher()


def test_a_products_record_takes_the_stored_flag() -> None:
    said_nothing = ProductFactory(gpu_model="Mystery Graphics", gpu_integrated=True)
    named_igpu = ProductFactory(gpu_model="Intel UHD Graphics 730", gpu_integrated=False)
    assert record_from_product(said_nothing).integrated_gpu is True
    assert record_from_product(named_igpu).integrated_gpu is False


def _catalog_desktop(gpu_model: str, integrated: bool) -> None:
    cpu = CpuBenchmarkFactory(name="Intel Core i5-12400", normalized_name="intel core i5-12400")
    gpu = GpuBenchmarkFactory(name=gpu_model, normalized_name=gpu_model.lower(), score=1500)
    ProductFactory(cpu_model=cpu.name, cpu_benchmark=cpu, gpu_model=gpu_model, gpu_benchmark=gpu,
                   gpu_integrated=integrated, ram_gb=16, current_price=700_000)  # fmt: skip


def test_a_configuration_without_a_card_takes_the_catalogs_integrated_graphics() -> None:
    _catalog_desktop("Mystery Graphics", integrated=True)
    typed = configuration_record(Configuration(cpu="인텔 코어i5-12400", ram_gb=16))
    assert typed.record.gpu_model == "Mystery Graphics"
    assert typed.record.integrated_gpu is True and typed.record.vram_gb is None
    assert any(f.value == "Mystery Graphics (내장)" for f in typed.filled)


def test_a_catalog_gpu_not_stored_as_integrated_is_not_taken_for_the_cpus_graphics() -> None:
    _catalog_desktop("Intel UHD Graphics 730", integrated=False)
    typed = configuration_record(Configuration(cpu="인텔 코어i5-12400", ram_gb=16))
    assert typed.record.gpu_model == ""
    assert typed.record.integrated_gpu is True  # no card typed: the CPU's own graphics
    assert not any(f.field == "gpu" for f in typed.filled)
