"""evaluate_pricing reads a product CSV without touching the catalog and ends with one line."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from catalog.models import Product
from pricing.tests.helpers import synthetic_records, write_passmark, write_product_csv


@pytest.mark.django_db
def test_it_prints_members_baselines_and_the_exact_last_line(tmp_path: object) -> None:
    write_passmark(tmp_path / "passmark")
    write_product_csv(tmp_path / "products.csv", synthetic_records(90))
    out = StringIO()
    call_command(
        "evaluate_pricing", "--csv", str(tmp_path / "products.csv"), "--folds", "2",
        "--epochs", "2", "--passmark", str(tmp_path / "passmark"), "--no-images",
        stdout=out, stderr=StringIO(),
    )  # fmt: skip
    lines = out.getvalue().strip().splitlines()
    x = r"-?\d+\.\d{3}"
    assert re.fullmatch(
        rf"MAPE={x} MdAPE={x} R2={x} coverage={x} width={x} best_member_MAPE={x} "
        rf"listing_MAPE={x} listing_MdAPE={x} listing_R2={x} n=90",
        lines[-1],
    ), lines[-1]
    text = out.getvalue()
    for label in ("앙상블", "V3 제조사 임베딩", "GBM 단독", "CPU+GPU 그룹 중앙값", "포함률",
                  "그룹 교차검증", "목록 교차검증", "MdAPE", "잡음 기준"):  # fmt: skip
        assert label in text
    assert Product.objects.count() == 0  # nothing written to the catalog


@pytest.mark.django_db
def test_one_protocol_alone_keeps_the_line_with_nan_for_the_other(tmp_path: object) -> None:
    write_passmark(tmp_path / "passmark")
    write_product_csv(tmp_path / "products.csv", synthetic_records(60))
    out = StringIO()
    call_command(
        "evaluate_pricing", "--csv", str(tmp_path / "products.csv"), "--folds", "2",
        "--epochs", "1", "--passmark", str(tmp_path / "passmark"), "--no-images",
        "--protocols", "grouped", stdout=out, stderr=StringIO(),
    )  # fmt: skip
    last = out.getvalue().strip().splitlines()[-1]
    assert re.fullmatch(
        r"MAPE=\S+ MdAPE=\S+ R2=\S+ coverage=\d\.\d{3} width=\S+ best_member_MAPE=\S+ "
        r"listing_MAPE=nan listing_MdAPE=nan listing_R2=nan n=60",
        last,
    ), last
    assert "목록 교차검증" not in out.getvalue()
    assert Product.objects.count() == 0  # nothing written to the catalog


@pytest.mark.django_db
def test_too_few_rows_is_a_clear_error(tmp_path: object) -> None:
    write_passmark(tmp_path / "passmark")
    write_product_csv(tmp_path / "products.csv", synthetic_records(12))
    with pytest.raises(CommandError, match="최소 50개"):
        call_command("evaluate_pricing", "--csv", str(tmp_path / "products.csv"),
                     "--passmark", str(tmp_path / "passmark"), stderr=StringIO())  # fmt: skip


@pytest.mark.django_db
def test_a_csv_without_prices_is_a_clear_error(tmp_path: object) -> None:
    write_passmark(tmp_path / "passmark")
    write_product_csv(tmp_path / "products.csv", synthetic_records(60), prices=False)
    with pytest.raises(CommandError, match="가격"):
        call_command("evaluate_pricing", "--csv", str(tmp_path / "products.csv"),
                     "--passmark", str(tmp_path / "passmark"), stderr=StringIO())  # fmt: skip


@pytest.mark.django_db
def test_an_empty_catalog_is_a_clear_error() -> None:
    with pytest.raises(CommandError, match="카탈로그"):
        call_command("evaluate_pricing", stderr=StringIO())


def test_fetch_models_fails_with_a_message_instead_of_hanging(
    tmp_path, settings, monkeypatch
) -> None:
    import urllib.request

    settings.MODEL_DIR = tmp_path

    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError("no route to host")

    monkeypatch.setattr(urllib.request, "urlopen", refuse)
    with pytest.raises(CommandError, match="무작위 초기화"):
        call_command("fetch_models", "--timeout", "1", stdout=StringIO())
