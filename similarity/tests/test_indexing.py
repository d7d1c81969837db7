"""Indexing the catalog's pictures: the service, the task's trigger and the command, on the real
database and media storage."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import numpy as np
import pytest
from django.core.cache import cache
from django.core.management import call_command
from PIL import Image

from catalog.services.images import save_image_file
from catalog.signals import products_changed
from catalog.tests.factories import ProductFactory
from similarity import services
from similarity.ml import descriptor, embedders
from similarity.models import EmbeddingStatus, ImageEmbedding
from similarity.search import similar_to_product
from similarity.tests.images import encode, product_shot
from similarity.tests.tiny_models import save_tiny_clip

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def model_dir(tmp_path: Path, settings: object) -> Path:
    settings.MODEL_DIR = tmp_path / "models"  # type: ignore[attr-defined]
    embedders.reset_cache()
    cache.delete(services.QUEUED_KEY)
    yield settings.MODEL_DIR  # type: ignore[attr-defined]
    embedders.reset_cache()
    cache.delete(services.QUEUED_KEY)


def product_with(content: bytes, **kwargs: object) -> object:
    name, digest, _ = save_image_file(content)
    return ProductFactory(image=name, image_sha256=digest, **kwargs)


def shots(n: int) -> list[bytes]:
    shapes = ("tower", "sofa", "shoe")
    return [
        encode(product_shot(color=(20 + 25 * (i % 8), 40, 200 - 20 * (i % 9)), shape=shapes[i % 3]))
        for i in range(n)
    ]


def test_each_distinct_picture_is_embedded_once_for_all_products_showing_it() -> None:
    a, b = shots(2)
    products = [product_with(a) for _ in range(5)] + [product_with(b)]
    report = services.index_images()
    assert report.embedder == descriptor.KEY
    assert report.indexed == 2 and report.failed == 0
    rows = ImageEmbedding.objects.all()
    assert {r.sha256 for r in rows} == {products[0].image_sha256, products[-1].image_sha256}
    assert {r.status for r in rows} == {EmbeddingStatus.INDEXED}
    assert {r.background for r in rows} == {"white"}
    assert all(abs(np.linalg.norm(r.vector) - 1) < 1e-4 for r in rows)
    assert services.index_images().indexed == 0  # nothing pending any more


def test_an_unreadable_picture_is_marked_failed_with_its_reason_and_retried_a_bounded_number_of_times() -> (
    None
):
    good = shots(3)
    for content in good:
        product_with(content)
    broken = product_with(b"GIF89a truncated garbage")
    for attempt in range(1, ImageEmbedding.MAX_ATTEMPTS + 1):
        report = services.index_images(batch_size=2)
        row = ImageEmbedding.objects.get(sha256=broken.image_sha256)
        assert row.status == EmbeddingStatus.FAILED and row.attempts == attempt
        assert "이미지" in row.error
    assert ImageEmbedding.objects.filter(status=EmbeddingStatus.INDEXED).count() == 3
    assert services.index_images().failed == 0  # attempts used up: not tried again
    assert report.failed == 1


def test_a_picture_whose_file_is_gone_fails_without_stopping_the_others() -> None:
    first = product_with(shots(1)[0])
    ProductFactory(image="products/xx/missing.jpg", image_sha256="f" * 64)
    report = services.index_images()
    assert report.indexed == 1 and report.failed == 1
    assert ImageEmbedding.objects.get(sha256="f" * 64).error == "이미지 파일을 찾을 수 없습니다."
    assert ImageEmbedding.objects.get(sha256=first.image_sha256).status == EmbeddingStatus.INDEXED


def test_progress_is_reported_per_batch() -> None:
    for content in shots(5):
        product_with(content)
    seen = []
    services.index_images(batch_size=2, progress=lambda d, t: seen.append((d, t)))
    assert seen == [(2, 5), (4, 5), (5, 5)]


def test_the_tiny_clip_is_the_active_embedder_when_its_weights_are_there(model_dir: Path) -> None:
    save_tiny_clip(model_dir)
    product_with(shots(1)[0])
    report = services.index_images()
    assert report.embedder == "clip-vit-b32-v1" and report.indexed == 1
    assert services.model_report().missing[0].startswith("rembg")


def test_after_switching_embedders_search_answers_from_the_previous_one_until_reindexed(
    model_dir: Path,
) -> None:
    for content in shots(3):
        product_with(content)
    services.index_images()
    save_tiny_clip(model_dir)
    embedders.reset_cache()
    services.queue_pictures(services.active_embedder().key)
    assert services.serving_embedder() == descriptor.KEY
    services.index_images()
    assert services.serving_embedder() == "clip-vit-b32-v1"


def test_indexed_pictures_give_look_alikes_of_their_own_kind() -> None:
    towers = [product_with(encode(product_shot(color=(30 + 40 * i, 30, 30)))) for i in range(3)]
    sofas = [
        product_with(encode(product_shot(color=(30 + 40 * i, 30, 30), shape="sofa")))
        for i in range(3)
    ]
    services.index_images()
    groups = similar_to_product(towers[0], embedder=services.serving_embedder(), k=2)
    assert {g.product.pk for g in groups} == {towers[1].pk, towers[2].pk}
    assert sofas[0].pk not in {g.product.pk for g in groups}


def test_a_changed_picture_queues_one_indexing_task_on_commit(
    monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: object
) -> None:
    from similarity.tasks import index_pending_images

    sent = []
    monkeypatch.setattr(index_pending_images, "delay", lambda **kw: sent.append(kw))
    product = product_with(shots(1)[0])
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        products_changed.send(sender=None, product_ids=[product.pk], reason="image")
        products_changed.send(sender=None, product_ids=[product.pk], reason="image")
        products_changed.send(sender=None, product_ids=[product.pk], reason="specs")
    assert len(sent) == 1


def test_the_task_indexes_what_is_pending() -> None:
    from similarity.tasks import index_pending_images

    product_with(shots(1)[0])
    assert index_pending_images.apply().get() == {
        "embedder": descriptor.KEY, "indexed": 1, "failed": 0,
    }  # fmt: skip


def test_storing_a_new_product_image_ends_with_its_picture_indexed(
    monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: object
) -> None:
    """The catalog's own write path: store_product_image → products_changed("image") → task."""
    from catalog.services.images import store_product_image
    from similarity.tasks import index_pending_images

    monkeypatch.setattr(index_pending_images, "delay", lambda **kw: index_pending_images.apply())
    product = ProductFactory()
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        store_product_image(product, shots(1)[0], suffix=".jpg", source="test")
    product.refresh_from_db()
    assert ImageEmbedding.objects.get(sha256=product.image_sha256).status == "indexed"


def test_the_index_images_command_shows_progress_and_counts() -> None:
    for content in shots(3):
        product_with(content)
    out = StringIO()
    call_command("index_images", "--batch-size", "2", stdout=out)
    text = out.getvalue()
    assert "3/3" in text and "색인 3장, 실패 0장" in text
    assert "오프라인 임베더" in text  # says which model is missing


def test_the_run_commands_queue_option_queues_once_when_pictures_wait(
    monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: object
) -> None:
    from similarity.tasks import index_pending_images

    sent = []
    monkeypatch.setattr(index_pending_images, "delay", lambda **kw: sent.append(kw))
    product_with(shots(1)[0])
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        call_command("index_images", "--queue", stdout=StringIO())
        call_command("index_images", "--queue", stdout=StringIO())
    assert len(sent) == 1
    assert ImageEmbedding.objects.filter(status="pending").count() == 1


def test_fetch_image_models_says_plainly_that_it_cannot_download_here(model_dir: Path) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="네트워크"):
        call_command("fetch_image_models", "--only", "rembg", "--timeout", "1", stdout=StringIO())
    assert not list((model_dir / "rembg").glob("*.part"))


def test_an_unusual_image_in_the_catalog_is_indexed(tmp_path: Path) -> None:
    rgba = Image.new("RGBA", (80, 80), (0, 0, 0, 0))
    rgba.paste((200, 30, 30, 255), (20, 20, 60, 60))
    product = product_with(encode(rgba, "PNG"))
    services.index_images()
    row = ImageEmbedding.objects.get(sha256=product.image_sha256)
    assert row.status == "indexed" and row.background == "white"
