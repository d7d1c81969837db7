"""Rows for recommend tests: desktops with matched (or unmatched) parts and a current price."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from catalog.tests.factories import CpuBenchmarkFactory, GpuBenchmarkFactory, ProductFactory
from recommend.models import UseCase


def cpu(score: int, name: str | None = None, tdp: float | None = 65) -> object:
    kwargs = {"score": score, "tdp": tdp}
    if name:
        kwargs["name"] = name
    return CpuBenchmarkFactory(**kwargs)


def gpu(score: int, name: str | None = None, tdp: float | None = 120) -> object:
    kwargs = {"score": score, "tdp": tdp}
    if name:
        kwargs["name"] = name
    return GpuBenchmarkFactory(**kwargs)


def desktop(
    *,
    cpu_bench: object | None = None,
    gpu_bench: object | None = None,
    price: int = 1_000_000,
    days_ago: int = 0,
    **fields: object,
) -> object:
    """A desktop priced ``days_ago`` days ago; CPU/GPU names follow the benchmarks unless given."""
    fields.setdefault("cpu_model", cpu_bench.name if cpu_bench else "Unknown CPU X1")
    fields.setdefault("gpu_model", gpu_bench.name if gpu_bench else "Unknown GPU Z9")
    fields.setdefault("ram_gb", 16)
    fields.setdefault("ssd_gb", 512)
    fields.setdefault("vram_gb", 8)
    fields.setdefault("os", "Windows 11 Home")
    fields.setdefault("form_factor", "미들타워")
    return ProductFactory(
        cpu_benchmark=cpu_bench,
        gpu_benchmark=gpu_bench,
        current_price=price,
        current_price_day=timezone.localdate() - dt.timedelta(days=days_ago),
        **fields,
    )


def use(key: str) -> UseCase:
    return UseCase.objects.get(key=key)
