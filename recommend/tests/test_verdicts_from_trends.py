"""Recommendation entries and the compare page ask trends for a product's verdict through its
public function; a product trends cannot judge yet has no verdict, and nothing fails."""

from __future__ import annotations

import logging

import pytest

from catalog.services import get_category
from catalog.tests.factories import ProductFactory
from recommend.entries import verdict_for

pytestmark = pytest.mark.django_db


def test_asking_trends_for_a_verdict_raises_nothing_for_a_product_without_history(
    caplog: pytest.LogCaptureFixture,
) -> None:
    product = ProductFactory(category=get_category("112756"), current_price=1_000_000)
    with caplog.at_level(logging.ERROR, logger="recommend"):
        assert verdict_for(product) is None
    # the verdict is optional on a list, but a broken call into trends (it moved modules once
    # and every verdict silently became "—") must not hide behind that
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
