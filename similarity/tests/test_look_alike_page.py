"""The full look-alike page of a product (/similarity/products/<id>/), linked from the product
page's panel, with its filters."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from django.core.cache import cache

from catalog.tests.factories import CategoryFactory, ManufacturerFactory, ProductFactory
from similarity import services
from similarity.ml import descriptor, embedders
from similarity.models import ImageEmbedding
from similarity.tests.helpers import sha, shown, unit

pytestmark = pytest.mark.django_db
rng = np.random.default_rng(11)


@pytest.fixture(autouse=True)
def model_dir(tmp_path: Path, settings: object) -> Path:
    settings.MODEL_DIR = tmp_path  # type: ignore[attr-defined]
    embedders.reset_cache()
    cache.delete(services.QUEUED_KEY)
    yield tmp_path
    embedders.reset_cache()


def catalog() -> dict[str, object]:
    cat, sofa = CategoryFactory(), CategoryFactory(code="sofa-page", name="소파")
    samsung, lg = ManufacturerFactory(name="삼성전자"), ManufacturerFactory(name="LG전자")
    q = rng.normal(size=512)
    (me,) = shown(unit(q), "me", category=cat, current_price=1_000_000, manufacturer=samsung)
    near = shown(
        unit(q + 0.2 * rng.normal(size=512)), "near", n=3, category=cat,
        current_price=900_000, manufacturer=lg,
    )  # fmt: skip
    many = [
        shown(unit(q + 0.5 * rng.normal(size=512)), f"m{i}", category=cat,
              current_price=2_000_000 + i, manufacturer=samsung)[0]
        for i in range(14)
    ]  # fmt: skip
    (couch,) = shown(unit(q + 0.1 * rng.normal(size=512)), "sofa", category=sofa, current_price=5)
    return {"me": me, "near": near, "many": many, "couch": couch, "sofa": sofa, "lg": lg}


def page(client, product: object, query: str = "") -> tuple[int, str]:
    response = client.get(f"/similarity/products/{product.pk}/{query}")
    return response.status_code, response.content.decode()


def test_the_product_panel_links_to_the_full_page(client) -> None:
    c = catalog()
    html = client.get(c["me"].get_absolute_url()).content.decode()
    assert f'href="/similarity/products/{c["me"].pk}/"' in html and "더 보기" in html
    assert 'href="/similarity/photo/"' in html


def test_the_full_page_shows_the_same_category_k_at_a_time_with_the_embedder(client) -> None:
    c = catalog()
    rows = ImageEmbedding.objects.count()
    status, html = page(client, c["me"])
    assert status == 200
    assert "비슷한 사진 12장" in html  # 15 other pictures in its category, 12 by default
    assert c["near"][0].name in html and "같은 사진 3개 상품" in html
    assert c["couch"].name not in html
    assert f"임베더: <strong>{descriptor.KEY}</strong>" in html
    assert "CLIP ViT-B/32 가중치가 없어" in html and "rembg 배경 제거 모델이 없어" in html
    assert ImageEmbedding.objects.count() == rows  # a GET writes nothing
    status, html = page(client, c["me"], "?k=24")
    assert "비슷한 사진 15장" in html


def test_the_filters_of_the_full_page_work(client) -> None:
    c = catalog()
    _, html = page(client, c["me"], "?category=all&k=96")
    assert c["couch"].name in html and "비슷한 사진 16장" in html
    _, html = page(client, c["me"], f"?category={c['sofa'].code}")
    assert c["couch"].name in html and "비슷한 사진 1장" in html
    _, html = page(client, c["me"], "?price_max=1000000")
    assert "비슷한 사진 1장" in html and c["near"][0].name in html
    _, html = page(client, c["me"], f"?manufacturer={c['lg'].pk}")
    assert "비슷한 사진 1장" in html and "같은 사진 3개 상품" in html
    _, html = page(client, c["me"], "?price_min=2000010&k=48")
    assert "비슷한 사진 4장" in html


def test_bad_filters_are_400_in_korean_and_a_missing_product_404(client) -> None:
    c = catalog()
    status, html = page(client, c["me"], "?price_min=9&price_max=1")
    assert status == 400 and "최고 가격이 최저 가격보다 낮습니다" in html
    status, html = page(client, c["me"], "?category=nope")
    assert status == 400 and "카테고리 nope가 없습니다" in html
    status, html = page(client, c["me"], "?k=abc")
    assert status == 400 and "개수" in html
    assert client.get("/similarity/products/999999/").status_code == 404


def test_a_product_without_a_picture_or_not_indexed_yet_says_so(client) -> None:
    status, html = page(client, ProductFactory(image_sha256=""))
    assert status == 200 and "사진이 없어" in html
    status, html = page(client, ProductFactory(image_sha256=sha("new")))
    assert status == 200 and "아직 색인하는 중" in html
    assert "오프라인 임베더" in html
