"""store_product_image: verified with Pillow, content-addressed, shared, announced once."""

from __future__ import annotations

import hashlib
import io

import pytest
from PIL import Image

from catalog.models import Product
from catalog.services import InvalidImageError, store_product_image
from catalog.signals import products_changed
from catalog.tests.factories import ProductFactory


def jpeg(color: str = "red") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 40), color).save(out, "JPEG")
    return out.getvalue()


@pytest.mark.django_db
def test_it_stores_the_image_under_its_sha256_and_records_where_it_came_from() -> None:
    product = ProductFactory()
    data = jpeg()
    digest = hashlib.sha256(data).hexdigest()

    stored = store_product_image(
        product, data, suffix=".jpg", source="https://img.danawa.com/a.jpg"
    )

    assert stored is True
    product.refresh_from_db()
    assert product.image.name == f"products/{digest[:2]}/{digest}.jpg"
    assert product.image_sha256 == digest
    assert product.image_source == "https://img.danawa.com/a.jpg"
    with product.image.open("rb") as fh:
        assert fh.read() == data


@pytest.mark.django_db
def test_storing_the_same_bytes_again_writes_nothing_but_notes_a_new_address() -> None:
    product = ProductFactory()
    store_product_image(product, jpeg(), suffix=".jpg", source="https://img.danawa.com/a.jpg")
    name = product.image.name

    again = store_product_image(
        product, jpeg(), suffix=".jpg", source="https://img.danawa.com/a.jpg?_v=2"
    )

    assert again is False
    product.refresh_from_db()
    assert product.image.name == name
    assert product.image_source == "https://img.danawa.com/a.jpg?_v=2"


@pytest.mark.django_db
def test_two_products_with_the_same_photo_share_one_file() -> None:
    first, second = ProductFactory(), ProductFactory()

    store_product_image(first, jpeg("blue"), suffix=".jpg", source="a")
    store_product_image(second, jpeg("blue"), suffix=".jpg", source="b")

    assert first.image.name == second.image.name
    folder, _, filename = first.image.name.rpartition("/")
    _, files = first.image.storage.listdir(folder)
    assert [f for f in files if f.startswith(first.image_sha256)] == [filename]


@pytest.mark.parametrize(
    "content",
    [b"", b"<html>not an image</html>", jpeg()[: len(jpeg()) // 2]],
    ids=["empty", "html", "truncated-jpeg"],
)
@pytest.mark.django_db
def test_unreadable_bytes_raise_invalid_image_error_and_change_nothing(content: bytes) -> None:
    product = ProductFactory()

    with pytest.raises(InvalidImageError, match="이미지를 읽을 수 없습니다") as caught:
        store_product_image(product, content, suffix=".jpg", source="https://img.danawa.com/x")

    assert isinstance(caught.value, ValueError)
    product.refresh_from_db()
    assert not product.image and product.image_sha256 == ""


@pytest.mark.django_db
def test_a_new_image_is_announced_after_commit_for_re_embedding(
    django_capture_on_commit_callbacks,
) -> None:
    product = ProductFactory()
    heard: list[tuple[list[int], str]] = []

    def receiver(sender: object, product_ids: list[int], reason: str, **kwargs: object) -> None:
        heard.append((product_ids, reason))

    products_changed.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            store_product_image(product, jpeg("green"), suffix=".jpg", source="a")
        with django_capture_on_commit_callbacks(execute=True):
            store_product_image(product, jpeg("green"), suffix=".jpg", source="a")
    finally:
        products_changed.disconnect(receiver)

    assert heard == [([product.pk], "image")]
    assert Product.objects.get(pk=product.pk).image
