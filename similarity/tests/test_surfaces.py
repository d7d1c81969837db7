"""The product page's look-alike panel and GET /api/v1/products/{id}/similar."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from django.core.cache import cache

from catalog.tests.factories import CategoryFactory, ProductFactory
from similarity import services
from similarity.ml import descriptor, embedders
from similarity.tests.helpers import sha, shown, unit

pytestmark = pytest.mark.django_db
rng = np.random.default_rng(3)


@pytest.fixture(autouse=True)
def model_dir(tmp_path: Path, settings: object) -> Path:
    settings.MODEL_DIR = tmp_path  # type: ignore[attr-defined]
    embedders.reset_cache()
    cache.delete(services.QUEUED_KEY)
    yield tmp_path
    embedders.reset_cache()


def catalog() -> tuple[object, list[object], object]:
    cat, other = CategoryFactory(), CategoryFactory(code="sofa", name="소파")
    q = rng.normal(size=512)
    (me,) = shown(unit(q), "me", category=cat, current_price=1_000_000)
    near = shown(
        unit(q + 0.2 * rng.normal(size=512)), "near", n=3, category=cat, current_price=900_000
    )
    shown(unit(q + 0.6 * rng.normal(size=512)), "far", category=cat, current_price=2_500_000)
    shown(unit(q + 0.1 * rng.normal(size=512)), "sofa", category=other, current_price=500_000)
    return me, near, other


def test_the_product_page_shows_look_alikes_with_same_photo_counts_and_the_embedder(client) -> None:
    me, near, _ = catalog()
    page = client.get(me.get_absolute_url()).content.decode()
    assert "비슷하게 생긴 상품" in page
    assert near[0].name in page and "같은 사진 3개 상품" in page
    assert descriptor.KEY in page and "CLIP ViT-B/32 가중치가 없어" in page
    assert "사진과 스펙이 비슷한 상품" not in page  # the "coming soon" note is gone


def test_a_product_whose_picture_is_not_indexed_yet_says_so(client) -> None:
    product = ProductFactory(image_sha256=sha("new"))
    page = client.get(product.get_absolute_url()).content.decode()
    assert "아직 색인하는 중" in page


def test_the_api_returns_ranked_groups_in_the_same_category(client) -> None:
    me, near, _ = catalog()
    body = client.get(f"/api/v1/products/{me.pk}/similar?k=5").json()
    assert body["embedder"] == descriptor.KEY and body["indexed"] is True
    names = [r["product"]["name"] for r in body["results"]]
    assert len(names) == 2 and names[0] == near[0].name
    first = body["results"][0]
    assert first["same_photo_count"] == 3 and sorted(first["same_photo_ids"]) == sorted(
        p.pk for p in near
    )
    assert first["similarity"] > body["results"][1]["similarity"]
    assert body["missing_models"]


def test_the_api_filters_by_price_and_by_another_category(client) -> None:
    me, near, other = catalog()
    body = client.get(f"/api/v1/products/{me.pk}/similar?price_max=1000000").json()
    assert [r["product"]["id"] for r in body["results"]] == [near[0].pk]
    body = client.get(f"/api/v1/products/{me.pk}/similar?category={other.code}").json()
    assert [r["product"]["price"] for r in body["results"]] == [500_000]
    assert len(client.get(f"/api/v1/products/{me.pk}/similar?category=all").json()["results"]) == 3


def test_bad_parameters_are_400_and_a_missing_product_404(client) -> None:
    me, _, _ = catalog()
    assert client.get(f"/api/v1/products/{me.pk}/similar?k=0").status_code == 400
    assert (
        client.get(f"/api/v1/products/{me.pk}/similar?price_min=9&price_max=1").status_code == 400
    )
    assert client.get(f"/api/v1/products/{me.pk}/similar?category=nope").status_code == 400
    assert client.get("/api/v1/products/999999/similar").status_code == 404


def test_the_endpoint_is_in_the_openapi_schema(client) -> None:
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()
    assert "/api/v1/products/{id}/similar" in schema
