"""`manage.py loadtest`: its plan, and a short real locust run against a live test server."""

from __future__ import annotations

import importlib
import io
import re

import pytest
from django.apps import apps as django_apps
from django.core.management import CommandError, call_command
from django.urls import NoReverseMatch, reverse

from catalog.demo.service import seed_demo
from pcadvisor.loadtest import DEFAULT_PAGES, analysis_urls, build_plan, parse_pages, probe


def test_pages_and_weights_are_read_from_one_option() -> None:
    assert parse_pages("home=2,product=3,recommend") == {"home": 2, "product": 3, "recommend": 1}
    assert set(parse_pages(",".join(DEFAULT_PAGES))) == set(DEFAULT_PAGES)
    with pytest.raises(ValueError, match="unknown page"):
        parse_pages("home,checkout")


def test_the_analysis_page_is_left_out_while_it_does_not_answer_200() -> None:
    plan = {
        "pages": [
            {"name": "home", "weight": 1, "urls": ["/"]},
            {"name": "analysis", "weight": 2, "urls": ["/analyze/123/"]},
        ]
    }
    notes = probe(plan, "http://server", status=lambda url: 404 if "analyze" in url else 200)
    assert [p["name"] for p in plan["pages"]] == ["home"]
    assert notes == ["analysis: /analyze/123/ answered 404 (left out)"]
    plan["pages"].append({"name": "analysis", "weight": 2, "urls": ["/analyze/123/"]})
    assert probe(plan, "http://server", status=lambda url: 200) == []
    assert [p["name"] for p in plan["pages"]] == ["home", "analysis"]


@pytest.mark.django_db
def test_the_plan_has_many_different_product_pages_and_the_analysis_page_when_it_resolves() -> None:
    seed_demo(products=40, days=5, others_per_category=1, log=lambda _line: None)
    plan = build_plan(DEFAULT_PAGES, products=30)
    pages = {p["name"]: p["urls"] for p in plan["pages"]}
    assert set(pages) == set(DEFAULT_PAGES)
    assert len(set(pages["product"])) == 30 and len(pages["catalog"]) >= 5
    assert all("use=" in url for url in pages["recommend"]) and pages["recommend"]
    # /analyze/<pcode>/ is in as soon as the URLconf has analyze:analysis (the analysis branch)
    try:
        reverse("analyze:analysis", args=["1"])
        resolves = True
    except NoReverseMatch:
        resolves = False
    assert len(pages["analysis"]) == (30 if resolves else 0)
    assert analysis_urls([]) == []


def test_it_says_how_to_start_a_server_when_none_answers() -> None:
    with pytest.raises(CommandError, match="make run PORT="):
        call_command("loadtest", url="http://127.0.0.1:9", requests=10)


@pytest.mark.django_db(transaction=True)
def test_a_short_headless_run_against_a_live_server_prints_the_last_line(live_server) -> None:
    # the use cases are data-migration rows, gone when an earlier test flushed the tables
    importlib.import_module("recommend.migrations.0002_default_use_cases").insert_defaults(
        django_apps, None
    )
    seed_demo(products=30, days=5, others_per_category=1, log=lambda _line: None)
    out = io.StringIO()
    call_command("loadtest", url=live_server.url, users=2, requests=40, products=10, stdout=out)
    text = out.getvalue()
    lines = text.strip().splitlines()
    assert re.fullmatch(r"p95_ms=\d+ requests=\d+ errors=0", lines[-1]), text
    assert int(re.search(r"requests=(\d+)", lines[-1]).group(1)) >= 40
    shown = {line.split()[0] for line in lines if re.match(r"^\w+ +\d+ +\d+ +\d+ +\d+", line)}
    assert {"home", "catalog", "product", "recommend", "all"} <= shown, text
