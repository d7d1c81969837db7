"""bench_recommend runs in its own throwaway database and ends with its one-line summary."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import connection


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_bench_recommend_prints_p95_and_the_product_count_on_its_last_line() -> None:
    out = io.StringIO()
    name = connection.settings_dict["NAME"]
    call_command("bench_recommend", "--products", "300", "--samples", "2",
                 "--db-name", "test_pcadvisor_recommend_bench_t", stdout=out)  # fmt: skip
    last = out.getvalue().strip().splitlines()[-1]
    assert last.startswith("p95_ms=") and last.endswith(" n_products=300")
    assert connection.settings_dict["NAME"] == name
