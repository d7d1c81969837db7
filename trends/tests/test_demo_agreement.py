"""Over a seeded demo catalog, every product's forecast says one thing: the direction word, the
shown 10-day change and the verdict agree with each other and with the rule the page states,
on the product's trend page and in the API alike; and the demo gets all three verdicts' reasons
to exist (a fall is forecast somewhere, and then the verdict is 기다리세요)."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from django.core.cache import cache
from django.test import Client

from catalog.demo.service import seed_demo
from catalog.models import Product
from trends import forecaster
from trends.dashboard import CACHE_KEY
from trends.ml.forecast import format_percent

pytestmark = pytest.mark.django_db

WORDS = {"up": "오름", "flat": "보합", "down": "내림"}
VERDICT = {"오름": "지금 사세요", "보합": "보통", "내림": "기다리세요"}
SHOWN = re.compile(r"10일 뒤 (오름|보합|내림) 예상 \(([+-]?\d+\.\d)%")


def _rule(shown: float) -> str:
    """The rule as the page states it: more than +2 % → 오름, less than −2 % → 내림."""
    return "오름" if shown > 2.0 else "내림" if shown < -2.0 else "보합"


def test_every_demo_forecast_agrees_with_itself_on_the_page_and_in_the_api(
    client: Client,
) -> None:
    cache.delete_many([CACHE_KEY, forecaster.VERSION_KEY])
    forecaster._state = None
    seed_demo(products=240, days=90, others_per_category=10, log=lambda _line: None)
    directions: Counter[str] = Counter()
    forecasts = 0
    for product in Product.objects.pc().order_by("pk"):
        data = client.get(f"/api/v1/trends/products/{product.pk}/").json()
        html = client.get(f"/trends/products/{product.pk}/").content.decode()
        if data["status"] != "ok":
            assert "10일 뒤" not in html
            continue
        forecasts += 1
        f = data["forecast"]
        word = WORDS[f["direction"]]
        shown = float(format_percent(f["total_change"]).rstrip("%"))
        assert _rule(shown) == word, (product.pk, f)
        assert data["verdict_label"] == VERDICT[word]
        assert f["change_label"] == format_percent(f["total_change"])
        # the page shows the same word, the same number and the verdict that follows
        match = SHOWN.search(html)
        assert match, product.pk
        assert match[1] == word and float(match[2]) == shown
        assert VERDICT[word] in html
        assert "신뢰도 100%" not in html and f["confidence"] < 1.0
        assert isinstance(f["price"], int)
        assert all(isinstance(day["price"], int) for day in f["trajectory"])
        directions[f["direction"]] += 1
    assert forecasts >= 200
    assert directions["down"] >= 3, directions  # 기다리세요 where a fall is forecast
    assert directions["flat"] > directions["down"]
    for sofa in Product.objects.exclude(pk__in=Product.objects.pc()).order_by("pk")[:5]:
        data = client.get(f"/api/v1/trends/products/{sofa.pk}/").json()
        assert data["status"] == "not_pc" and data["forecast"] is None
