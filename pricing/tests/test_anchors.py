"""Same-configuration anchors and the anchored boosting member."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest

from pricing.ml.ensemble import fit_gbm, grouped_folds
from pricing.ml.features import SpecEncoder, SpecRecord
from pricing.ml.gbm import AnchoredTrees, TreeEnsemble


def card(
    key: str, chipset: str, brand: str, price: int | None, score: float = 10_000
) -> SpecRecord:
    return SpecRecord(key=key, name=f"{brand} {chipset} 8GB", kind="gpu", manufacturer=brand,
                      gpu_model=chipset, gpu_score=score, vram_gb=8, price=price)  # fmt: skip


def anchor_of(encoder: SpecEncoder, record: SpecRecord) -> tuple[float, float]:
    value_col, count_col = encoder.anchor_columns()["fine"]
    row = encoder.transform([record])[0]
    return float(row[value_col]), float(row[count_col])


def test_a_training_row_never_sees_its_own_price_in_its_anchor() -> None:
    rows = [
        card("a1", "RTX 3060", "ASUS", 400_000),
        card("a2", "RTX 3060", "ASUS", 420_000),  # same group as a1 (same card, two sellers)
        card("b", "RTX 3060", "MSI", 500_000),
        card("c", "RTX 3060", "ZOTAC", 450_000),
        card("d", "RTX 3070", "ASUS", 700_000),
        card("e", "RTX 3070", "MSI", 720_000),
    ]
    encoder = SpecEncoder().fit(rows)
    center = encoder.anchor_center
    value, count = anchor_of(encoder, rows[0])
    # Both ASUS rows are left out: the anchor is MSI's and ZOTAC's going price.
    assert math.isclose(value + center, (math.log(500_000) + math.log(450_000)) / 2, rel_tol=1e-5)
    assert math.isclose(count, math.log2(3), rel_tol=1e-6)
    # A typed-in configuration (no price, no training group) sees every 3060.
    typed = card("typed", "RTX 3060", "GIGABYTE", None)
    value, count = anchor_of(encoder, typed)
    expected = np.mean(np.log([400_000, 420_000, 500_000, 450_000]))
    assert math.isclose(value + center, expected, rel_tol=1e-5)
    assert math.isclose(count, math.log2(5), rel_tol=1e-6)
    # An unseen chipset has no anchor at all.
    assert anchor_of(encoder, card("n", "RTX 4090", "ASUS", None)) == (0.0, 0.0)
    # A new listing of a known configuration (another ASUS 3060 seller, not trained on) sees
    # the other listings of its own group too, and so does the encoder after a round trip.
    new = card("a3", "RTX 3060", "ASUS", 410_000)
    for enc in (encoder, SpecEncoder.from_state(encoder.state())):
        value, count = anchor_of(enc, new)
        assert math.isclose(value + center, expected, rel_tol=1e-5)
        assert math.isclose(count, math.log2(5), rel_tol=1e-6)
    assert anchor_of(SpecEncoder.from_state(encoder.state()), rows[0])[1] == pytest.approx(
        math.log2(3)
    )


def test_one_placeholder_listing_moves_its_configurations_anchor_by_a_bounded_amount() -> None:
    real = [card(f"r{i}", "RTX 3070", f"B{i}", 700_000 + 10_000 * i) for i in range(5)]
    placeholder = card("p", "RTX 3070", "Placeholder", 3_500_000)
    encoder = SpecEncoder().fit([*real, placeholder])
    value, _ = anchor_of(encoder, card("typed", "RTX 3070", "New", None))
    clean = SpecEncoder().fit(real)
    clean_value, _ = anchor_of(clean, card("typed", "RTX 3070", "New", None))
    shift = (value + encoder.anchor_center) - (clean_value + clean.anchor_center)
    unclipped = (np.log([r.price for r in [*real, placeholder]]).mean()
                 - np.log([r.price for r in real]).mean())  # fmt: skip
    assert 0 < shift < unclipped / 2  # the placeholder counts at most 0.5 above the median


def chipset_market(seed: int) -> list[SpecRecord]:
    """Cards whose price is set by the chipset (scores say little: two chipsets share one), and
    a brand premium on top; several listings per brand."""
    rng = random.Random(seed)
    chipsets = {"GT 730": (800, 75_000), "GT 1030": (800, 110_000), "RTX 3060": (17_000, 450_000),
                "RTX 3060 Ti": (17_000, 600_000), "RTX 3070": (22_000, 750_000),
                "RX 6600": (15_000, 330_000)}  # fmt: skip
    brands = {"ASUS": 1.15, "MSI": 1.08, "ZOTAC": 1.0, "GALAX": 0.97, "PALIT": 0.95}
    out = []
    for chipset, (score, price) in chipsets.items():
        for brand, premium in brands.items():
            for k in range(3):
                noisy = price * premium * rng.uniform(0.96, 1.04)
                out.append(card(f"{chipset}-{brand}-{k}", chipset, brand, int(noisy), score))
    return out


def grouped_cv_mape(records: list[SpecRecord], anchors: bool) -> float:
    y = np.asarray([r.price for r in records], dtype=np.float64)
    pred = np.zeros(len(y))
    for k, test in enumerate(grouped_folds([r.group_key for r in records], 5, 0)):
        held = set(test.tolist())
        train = [r for i, r in enumerate(records) if i not in held]
        encoder = SpecEncoder().fit(train, anchors=anchors)
        x_train = encoder.transform(train)
        member = fit_gbm(encoder, x_train, np.asarray([r.price for r in train], float), k, 60)
        pred[test] = np.exp(member.predict(encoder.transform([records[i] for i in test])))
    return float(np.mean(np.abs(pred - y) / y))


def test_anchored_boosting_prices_a_new_brand_of_a_known_chipset_better_than_specs_alone() -> None:
    records = chipset_market(seed=1)
    anchored = grouped_cv_mape(records, anchors=True)
    specs_only = grouped_cv_mape(records, anchors=False)
    assert anchored < 0.08
    assert anchored < specs_only * 0.75


def test_anchored_member_round_trips_and_old_plain_boosters_still_load() -> None:
    records = chipset_market(seed=2)
    encoder = SpecEncoder().fit(records)
    x = encoder.transform(records)
    member = fit_gbm(encoder, x, np.asarray([r.price for r in records], float), 0, 30)
    assert member.resid is not None
    again = AnchoredTrees.from_state(member.state())
    np.testing.assert_allclose(again.predict(x), member.predict(x))
    plain = TreeEnsemble.fit(x, np.log([r.price for r in records]), seed=0, n_estimators=20)
    old = AnchoredTrees.from_state(plain.state())  # an artifact saved before anchors
    np.testing.assert_allclose(old.predict(x), plain.predict(x))
    old_encoder = SpecEncoder.from_state(
        {k: v for k, v in encoder.state().items() if not k.startswith(("use_", "anchor"))}
    )
    assert old_encoder.anchor_columns() is None
    assert old_encoder.width == encoder.width - 4


def test_peer_median_floor_predicts_each_row_by_the_other_rows_of_its_configuration() -> None:
    from pricing.ml.evaluation import peer_median_floor

    rows = [card("a", "RTX 3060", "A", 100), card("b", "RTX 3060", "B", 200),
            card("c", "RTX 3060", "C", 400), card("d", "RTX 3070", "A", 999)]  # fmt: skip
    mape, n = peer_median_floor(rows)
    # a: median(200, 400) = 300 -> 2.0; b: 250 -> 0.25; c: 150 -> 0.625; d has no peer.
    assert n == 3
    assert abs(mape - (2.0 + 0.25 + 0.625) / 3) < 1e-9
