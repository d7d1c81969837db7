"""The catalog admin speaks Korean (no "Cpu benchmark", "Created at" left over) and shows
prices with thousands separators and 원."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.apps import apps
from django.urls import reverse

from catalog.services import PriceRow, record_prices
from catalog.tests.factories import CpuBenchmarkFactory, ProductFactory

pytestmark = pytest.mark.django_db

# Names that are the same in Korean writing
ACRONYMS = re.compile(r"^(ID|CPU|GPU|TDP \(W\)|RAM \(GB\)|SSD \(GB\)|HDD \(GB\)|VRAM \(GB\))$")
HANGUL = re.compile(r"[가-힣]")


def test_every_catalog_field_has_a_korean_name() -> None:
    english = [
        f"{model.__name__}.{f.name}: {f.verbose_name}"
        for model in apps.get_app_config("catalog").get_models()
        for f in model._meta.get_fields()
        if hasattr(f, "verbose_name")
        and not HANGUL.search(str(f.verbose_name))
        and not ACRONYMS.match(str(f.verbose_name))
    ]
    assert english == []


def test_admin_lists_show_prices_with_separators_and_won(admin_client) -> None:
    product = ProductFactory(cpu_benchmark=CpuBenchmarkFactory())
    record_prices([PriceRow(product.pk, dt.date(2024, 1, 1), 729_900)])
    for model in ("product", "pricesnapshot"):
        html = admin_client.get(reverse(f"admin:catalog_{model}_changelist")).content.decode()
        assert "729,900원" in html, model
        assert ">729900<" not in html, model
    change = admin_client.get(reverse("admin:catalog_product_change", args=[product.pk]))
    html = change.content.decode()
    assert "729,900원" in html
    assert "Cpu benchmark" not in html and "Created at" not in html
    assert "CPU 벤치마크" in html
