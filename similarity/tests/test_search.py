"""Storage and search on the real PostgreSQL + pgvector (no mocks)."""

from __future__ import annotations

import numpy as np
import pytest
from django.db import connection

from catalog.tests.factories import CategoryFactory, ManufacturerFactory, ProductFactory
from similarity.models import EmbeddingStatus, ImageEmbedding
from similarity.search import (
    SearchFilters,
    iterative_scan,
    nearest_pictures_queryset,
    search_products,
    similar_to_product,
)
from similarity.tests.helpers import picture, sha, unit

pytestmark = pytest.mark.django_db
rng = np.random.default_rng(0)


def test_nearest_orders_by_cosine_distance() -> None:
    q = rng.normal(size=512)
    far, _ = picture(unit(rng.normal(size=512)), label="far")
    near, _ = picture(unit(q + 0.3 * rng.normal(size=512)), label="near")
    same, _ = picture(unit(q * 3.0), label="same")  # same direction, other length
    rows = list(ImageEmbedding.objects.indexed("test-v1").nearest(unit(q), 3))
    assert [r.pk for r in rows] == [same.pk, near.pk, far.pk]
    assert rows[0].distance == pytest.approx(0.0, abs=1e-5)


def test_pending_and_other_embedders_are_not_found() -> None:
    v = unit(rng.normal(size=512))
    picture(v, label="other", embedder="other-v2")
    ImageEmbedding.objects.create(sha256=sha("p"), embedder="test-v1", status="pending")
    assert list(ImageEmbedding.objects.indexed("test-v1").nearest(v, 5)) == []


def test_the_hnsw_index_is_cosine_with_stated_build_parameters() -> None:
    with connection.cursor() as cur:
        cur.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'imgemb_vector_hnsw'")
        (indexdef,) = cur.fetchone()
    assert "hnsw" in indexdef and "vector_cosine_ops" in indexdef
    assert "m='16'" in indexdef and "ef_construction='64'" in indexdef


def test_a_filtered_search_walking_the_hnsw_index_still_returns_k() -> None:
    """300 pictures of another category lie nearer than every wanted one: an HNSW scan that
    stopped at ef_search candidates would return none; the iterative scan finds K."""
    others, wanted = CategoryFactory(code="sofa"), CategoryFactory(code="shoes")
    q = rng.normal(size=512)
    for i in range(300):
        picture(unit(q + 0.5 * rng.normal(size=512)), label=f"o{i}", category=others)
    for i in range(20):
        picture(unit(q + 3.0 * rng.normal(size=512)), label=f"w{i}", category=wanted)
    f = SearchFilters(category_id=wanted.pk)
    with iterative_scan(), connection.cursor() as cur:
        # At this size the planner would rightly scan and sort 320 rows (exact): make it walk
        # the HNSW graph as it does on a real catalog.
        cur.execute("ANALYZE similarity_imageembedding")
        cur.execute("SET LOCAL enable_seqscan = off")
        cur.execute("SET LOCAL enable_sort = off")
        groups = search_products(unit(q), embedder="test-v1", k=10, filters=f)
        plan = nearest_pictures_queryset(unit(q), embedder="test-v1", k=10, filters=f).explain()
    assert "imgemb_vector_hnsw" in plan
    assert len(groups) == 10
    assert {g.product.category_id for g in groups} == {wanted.pk}
    sims = [g.similarity for g in groups]
    assert sims == sorted(sims, reverse=True)


def test_price_and_manufacturer_filters_apply_to_the_products_shown() -> None:
    cat, lg = CategoryFactory(), ManufacturerFactory()
    q = rng.normal(size=512)
    picture(
        unit(q + 0.1 * rng.normal(size=512)), label="cheap", category=cat, current_price=500_000
    )
    picture(
        unit(q + 0.1 * rng.normal(size=512)), label="dear", category=cat, current_price=3_000_000
    )
    _, lg_one = picture(
        unit(q + 0.1 * rng.normal(size=512)), label="lg", category=cat, current_price=900_000,
        manufacturer=lg,
    )  # fmt: skip
    f = SearchFilters(category_id=cat.pk, price_min=600_000, price_max=2_000_000)
    assert [g.product.pk for g in search_products(unit(q), embedder="test-v1", filters=f)] == [
        lg_one.pk
    ]
    f = SearchFilters(manufacturer_id=lg.pk)
    assert [g.product.pk for g in search_products(unit(q), embedder="test-v1", filters=f)] == [
        lg_one.pk
    ]


def test_products_sharing_one_photo_take_one_place() -> None:
    cat = CategoryFactory()
    q = rng.normal(size=512)
    emb, first = picture(unit(q), label="chassis", category=cat, current_price=2_000_000)
    cheaper = [
        ProductFactory(image_sha256=emb.sha256, category=cat, current_price=1_000_000 + i)
        for i in range(49)
    ]
    for i in range(12):
        picture(unit(q + 1.0 * rng.normal(size=512)), label=f"x{i}", category=cat)
    groups = search_products(unit(q), embedder="test-v1", k=10)
    assert len(groups) == 10
    top = groups[0]
    assert top.sha256 == emb.sha256 and top.count == 50
    assert top.product == cheaper[0]  # the cheapest product stands for the photo
    assert len({g.sha256 for g in groups}) == 10
    assert first in top.products


def test_similar_to_product_leaves_out_its_own_photo_and_keeps_its_category() -> None:
    cat, other = CategoryFactory(), CategoryFactory(code="sofa")
    q = rng.normal(size=512)
    emb, product = picture(unit(q), label="me", category=cat)
    twin = ProductFactory(image_sha256=emb.sha256, category=cat)
    _, near = picture(unit(q + 0.2 * rng.normal(size=512)), label="n", category=cat)
    picture(unit(q + 0.1 * rng.normal(size=512)), label="elsewhere", category=other)
    groups = similar_to_product(product, embedder="test-v1", k=5)
    assert [g.product for g in groups] == [near]
    assert twin not in [p for g in groups for p in g.products]


def test_a_product_whose_picture_is_not_indexed_has_no_look_alikes_yet() -> None:
    product = ProductFactory(image_sha256=sha("new"))
    ImageEmbedding.objects.create(
        sha256=product.image_sha256, embedder="test-v1", status=EmbeddingStatus.PENDING
    )
    assert similar_to_product(product, embedder="test-v1") is None
