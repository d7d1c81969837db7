"""Numbers a buyer sees agree across pages: over a seeded demo catalog with a trained fair-price
model, the analysis page and its API show the fair price, the deal, the verdict and the 10-day
change of the product page, the pricing API and the trends API, and the market comparison shows
the trends dashboard's numbers."""

from __future__ import annotations

import pytest
from django.test import Client

from catalog.models import Product

pytestmark = pytest.mark.django_db

SAMPLE = 6


def test_the_analysis_agrees_with_the_product_page_and_the_apps_apis(
    client: Client, demo: list[Product], demo_model: object
) -> None:
    from trends.dashboard import market_summary

    checked_forecasts = 0
    for product in demo[:: max(1, len(demo) // SAMPLE)][:SAMPLE]:
        analysis = client.get(f"/api/v1/analyze/{product.pcode}/").json()
        html = client.get(f"/analyze/{product.pcode}/").content.decode()
        detail = client.get(f"/catalog/products/{product.pk}/").content.decode()

        # the fair price and the deal: the pricing API's and the product page's
        estimate = client.get(f"/api/v1/pricing/products/{product.pk}/estimate/").json()
        fair = analysis["fair_price"]
        assert fair["status"] == "ok"
        assert (fair["fair_price"], fair["low"], fair["high"]) == (
            estimate["fair_price"],
            estimate["low"],
            estimate["high"],
        )
        assert fair["deal"]["text"] == estimate["deal"]["text"]
        assert f"{fair['fair_price']:,}원" in detail and f"{fair['fair_price']:,}원" in html
        assert f"<strong>{estimate['deal']['text']}</strong>" in detail
        assert f"<strong>{estimate['deal']['text']}</strong>" in html

        # the verdict and the forecast change: the trends API's and the product page's
        trend = client.get(f"/api/v1/trends/products/{product.pk}/").json()
        verdict = analysis["verdict"]
        assert verdict["status"] == trend["status"]
        if trend["status"] == "ok":
            checked_forecasts += 1
            assert verdict["label"] == trend["verdict_label"]
            assert verdict["change_text"] == trend["forecast"]["change_label"]
            shown = f"({trend['forecast']['change_label']}"
            assert f"<strong>{trend['verdict_label']}</strong>" in detail and shown in detail
            assert f'<strong class="verdict-label">{verdict["label"]}</strong>' in html
            assert shown in html

        # the market comparison: the dashboard's band and market averages
        summary = market_summary()
        market = analysis["market"]
        if market["status"] == "ok":
            band = next(b for b in summary["bands"] if b["label"] == market["band"]["label"])
            assert market["band"]["average_change"] == band["average_change"]
            assert market["band"]["count"] == band["count"]
            assert market["market"]["average_change"] == summary["average_change"]
            assert market["market"]["tracked"] == summary["tracked"]
            api_band = next(
                b
                for b in client.get("/api/v1/trends/market/").json()["bands"]
                if b["label"] == band["label"]
            )
            assert api_band["average_change"] == market["band"]["average_change"]
            # this product's change is the latest price against the one 10 days earlier
            assert market["change"] == pytest.approx(market["price"] / market["base_price"] - 1)
            assert market["price"] == product.current_price
    assert checked_forecasts >= 3
