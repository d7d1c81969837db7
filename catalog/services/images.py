"""Product images: bytes checked with Pillow, stored once under their sha256, announced."""

from __future__ import annotations

import hashlib

from django.core.files.base import ContentFile

from catalog.models import Product
from catalog.services.products import announce_products_changed


class InvalidImageError(ValueError):
    """Bytes that are not a readable image (not an image at all, truncated, unknown format)."""


def save_image_file(
    content: bytes, *, folder: str = "products", suffix: str = ".jpg"
) -> tuple[str, str, bool]:
    """Save image bytes through ``Product.image``'s storage as ``<folder>/ab/abcdef....<suffix>``
    (content-addressed and shared: brand PCs often show the same chassis photo, which is then
    stored once however many products, crawls or demo runs bring it).

    Returns (storage name, sha256, stored now). Writes no product row.
    """
    digest = hashlib.sha256(content).hexdigest()
    storage = Product._meta.get_field("image").storage
    suffix = suffix if suffix.startswith(".") or not suffix else f".{suffix}"
    name = f"{folder}/{digest[:2]}/{digest}{suffix.lower()}"
    if storage.exists(name):
        return name, digest, False
    return storage.save(name, ContentFile(content)), digest, True


def store_product_image(product: Product, content: bytes, *, suffix: str, source: str) -> bool:
    """Attach image bytes to a product; returns True when a new file was stored.

    The file is named by its sha256 (``products/ab/abcdef....jpg``) and shared: the same picture
    is stored once, and re-storing a product's own image writes nothing (False). ``source`` (the URL or
    path the bytes came from) is recorded as ``image_source`` either way, so a crawler can tell
    that the image at a new address has been looked at. The bytes are checked with Pillow
    first: unreadable bytes raise ``InvalidImageError`` and leave the product untouched.
    A new image is announced with ``products_changed`` (reason "image") after commit, so that
    the embedding is recomputed.
    """
    digest = hashlib.sha256(content).hexdigest()
    if product.image and product.image_sha256 == digest:
        if source and product.image_source != source:
            product.image_source = source
            product.save(update_fields=["image_source", "updated_at"])
        return False
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(ContentFile(content)) as img:
            img.verify()
        # verify() only checks the header of a JPEG; decoding catches a body cut short.
        with Image.open(ContentFile(content)) as img:
            img.load()
    except (
        UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError
    ) as exc:  # fmt: skip
        raise InvalidImageError(f"이미지를 읽을 수 없습니다: {source}") from exc
    name, digest, _stored = save_image_file(content, suffix=suffix)
    product.image.name = name
    product.image_sha256 = digest
    if source:
        product.image_source = source
    product.save(update_fields=["image", "image_sha256", "image_source", "updated_at"])
    announce_products_changed([product.pk], "image")
    return True
