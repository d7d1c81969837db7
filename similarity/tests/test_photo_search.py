"""Search by photo: the page "사진으로 찾기" and POST /api/v1/similarity/search, on the real
database, media storage and upload handling (no mocks). The catalog's pictures are indexed by
the offline descriptor (no CLIP or rembg weights in the test's MODEL_DIR)."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import numpy as np
import pytest
from django.core.cache import cache
from django.test import Client
from PIL import Image

from catalog.models import Product
from catalog.services.images import save_image_file
from catalog.tests.factories import CategoryFactory, ProductFactory
from similarity import services
from similarity.ml import descriptor, embedders
from similarity.ml.images import MAX_BYTES
from similarity.models import ImageEmbedding
from similarity.tests.images import encode, png_16bit_rgb, png_header_only, product_shot

pytestmark = pytest.mark.django_db

API = "/api/v1/similarity/search"
PAGE = "/similarity/photo/"


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, settings: object) -> Path:
    """No models (the offline descriptor), a media folder of the test's own, and an upload temp
    folder that does not exist: Django's default handlers would fail writing a >2.5 MB upload
    there, the photo views never write one."""
    settings.MODEL_DIR = tmp_path / "models"  # type: ignore[attr-defined]
    settings.MEDIA_ROOT = tmp_path / "media"  # type: ignore[attr-defined]
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "upload-tmp")  # type: ignore[attr-defined]
    embedders.reset_cache()
    cache.delete(services.QUEUED_KEY)
    yield tmp_path
    embedders.reset_cache()
    cache.delete(services.QUEUED_KEY)


SHAPES = ("tower", "sofa", "shoe")


def shot(i: int) -> Image.Image:
    """Catalog picture ``i``: distinct shapes and colours."""
    color = (20 + 37 * (i % 6), 30 + 50 * (i // 6 % 4), 220 - 30 * (i % 7))
    return product_shot(color=color, shape=SHAPES[i % 3], size=240)


def product_with(img: Image.Image, **kwargs: object) -> Product:
    name, digest, _ = save_image_file(encode(img, "JPEG", quality=92))
    return ProductFactory(image=name, image_sha256=digest, **kwargs)


def indexed_catalog(n: int = 9, **kwargs: object) -> list[Product]:
    products = [product_with(shot(i), current_price=100_000 * (i + 1), **kwargs) for i in range(n)]
    report = services.index_images()
    assert report.indexed == n and report.embedder == descriptor.KEY
    return products


def files_under(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def state(tmp: Path) -> tuple[int, int, list[Path], bool]:
    """What a request could write: rows, media files, the upload temp folder."""
    return (
        ImageEmbedding.objects.count(),
        Product.objects.count(),
        files_under(tmp / "media"),
        (tmp / "upload-tmp").exists(),
    )


def post_api(client: Client, content: bytes, name: str = "photo.jpg", **fields: object) -> object:
    upload = io.BytesIO(content)
    upload.name = name
    return client.post(API, {"image": upload, **fields})


def post_page(client: Client, content: bytes, name: str = "photo.jpg", **fields: object) -> object:
    upload = io.BytesIO(content)
    upload.name = name
    return client.post(PAGE, {"image": upload, **fields})


def phone_copy(img: Image.Image) -> bytes:
    """The picture as a phone would send it: larger, re-encoded."""
    return encode(img.resize((900, 900), Image.Resampling.BICUBIC), "JPEG", quality=85)


# --------------------------------------------------------------------------- finding


def test_a_photo_of_a_catalog_picture_finds_its_product_first_with_everything_shown(
    client,
) -> None:
    products = indexed_catalog()
    target = products[4]
    response = post_api(client, phone_copy(shot(4)))
    assert re.fullmatch(
        r"decode;dur=[\d.]+, embed;dur=[\d.]+, search;dur=[\d.]+", response["Server-Timing"]
    )
    body = response.json()
    assert body["embedder"] == descriptor.KEY and body["active_embedder"] == descriptor.KEY
    assert body["stored"] is None and body["missing_models"]
    first = body["results"][0]
    assert first["id"] == target.pk and first["name"] == target.name
    assert first["price"] == target.current_price and first["similarity"] > 0.9
    assert first["image_url"].startswith("http://testserver/media/products/")
    assert first["same_photo_count"] == 1 and first["same_photo_ids"] == [target.pk]
    assert [r["similarity"] for r in body["results"]] == sorted(
        (r["similarity"] for r in body["results"]), reverse=True
    )

    page = post_page(client, phone_copy(shot(4)))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'src="data:image/jpeg;base64,' in html  # the searched photo, not stored
    assert "저장하지 않았습니다" in html
    assert html.index(target.name) < min(html.index(p.name) for p in products if p != target)
    assert target.get_absolute_url() in html and "유사도 " in html
    assert descriptor.KEY in html and "CLIP ViT-B/32 가중치가 없어" in html


def test_products_sharing_one_picture_are_one_result_with_their_count(client) -> None:
    indexed_catalog(4)
    same = [product_with(shot(7), current_price=p) for p in (500_000, 300_000, 400_000)]
    services.index_images()
    body = post_api(client, phone_copy(shot(7))).json()
    first = body["results"][0]
    assert first["id"] == same[1].pk  # the cheapest of the three
    assert first["same_photo_count"] == 3
    assert sorted(first["same_photo_ids"]) == sorted(p.pk for p in same)
    assert "같은 사진 3개 상품" in post_page(client, phone_copy(shot(7))).content.decode()


def test_filters_return_k_results_of_the_category_and_price_range(client) -> None:
    wanted, other = CategoryFactory(code="desk-k"), CategoryFactory(code="sofa-k", name="소파")
    for i in range(14):
        product_with(shot(i), category=other, current_price=50_000)
        product_with(shot(i + 20), category=wanted, current_price=100_000 * (i + 1))
    services.index_images()
    body = post_api(
        client, phone_copy(shot(3)), category="desk-k", price_min=200_000, price_max=1_100_000, k=5
    ).json()
    ids = [r["id"] for r in body["results"]]
    assert len(ids) == 5
    found = Product.objects.filter(pk__in=ids)
    assert {p.category_id for p in found} == {wanted.pk}
    assert all(200_000 <= p.current_price <= 1_100_000 for p in found)
    html = post_page(
        client, phone_copy(shot(3)), category="desk-k", price_max=300_000, k=12
    ).content.decode()
    assert "비슷한 사진 3장" in html  # 100,000 / 200,000 / 300,000 원 of the wanted category


def test_the_category_menu_lists_categories_with_indexed_pictures_only(client) -> None:
    shown = CategoryFactory(code="menu-yes", name="사진 있는 분류")
    CategoryFactory(code="menu-no", name="사진 없는 분류")
    indexed_catalog(2, category=shown)
    html = client.get(PAGE).content.decode()
    assert 'value="menu-yes"' in html and 'value="menu-no"' not in html


# --------------------------------------------------------------------------- storing


def test_the_photo_is_not_stored_unless_asked_and_then_exactly_once(client, isolated) -> None:
    indexed_catalog(3)
    before = files_under(isolated / "media")
    assert post_api(client, phone_copy(shot(1))).status_code == 200
    assert post_page(client, phone_copy(shot(1))).status_code == 200
    assert files_under(isolated / "media") == before

    body = post_api(client, phone_copy(shot(1)), store="true").json()
    added = [p for p in files_under(isolated / "media") if p not in before]
    assert len(added) == 1
    today = dt.date.today()
    assert body["stored"] == added[0].relative_to(isolated / "media").as_posix()
    assert body["stored"].startswith(f"similarity/uploads/{today:%Y/%m/%d}/")
    assert added[0].suffix == ".jpg" and added[0].read_bytes() == phone_copy(shot(1))

    html = post_page(client, phone_copy(shot(1)), store="1").content.decode()
    assert "저장했습니다: similarity/uploads/" in html
    assert len(files_under(isolated / "media")) == len(before) + 2


# --------------------------------------------------------------------------- bad input

BAD = {
    "not-an-image": (b"%PDF-1.7 not a picture at all", "이미지 파일이 아닙니다"),
    "truncated": (
        encode(product_shot(size=400), "JPEG", quality=95)[:3000],
        "손상되었거나 잘렸습니다",
    ),
    "bomb": (png_header_only(20_000, 20_000), "압축 폭탄"),
    "over-40-megapixels": (png_header_only(8000, 6000), "4,000만 화소"),
    "over-10-mb": (b"\xff\xd8\xff\xe0" + b"\x00" * MAX_BYTES, "10MB 이하"),
    "empty": (b"", "빈 파일|사진 파일"),
}


@pytest.mark.parametrize("kind", BAD, ids=list(BAD))
def test_bad_input_is_400_in_korean_on_the_api_and_writes_nothing(client, isolated, kind) -> None:
    indexed_catalog(2)
    before = state(isolated)
    content, message = BAD[kind]
    response = post_api(client, content, store="true")
    assert response.status_code == 400
    errors = response.json()
    assert set(errors) == {"image"}
    assert re.search(message, errors["image"][0]), errors
    assert state(isolated) == before


@pytest.mark.parametrize("kind", BAD, ids=list(BAD))
def test_bad_input_is_400_in_korean_on_the_page_and_writes_nothing(client, isolated, kind) -> None:
    indexed_catalog(2)
    before = state(isolated)
    content, message = BAD[kind]
    response = post_page(client, content, store="1")
    assert response.status_code == 400
    html = response.content.decode()
    box = html[html.index('class="form-errors"') :]
    assert re.search(message, box[: box.index("</div>")])
    assert 'name="image"' in html  # the form is shown again
    assert state(isolated) == before


def test_no_photo_and_bad_filters_are_400_with_field_names(client) -> None:
    indexed_catalog(2)
    assert client.post(API, {"k": 3}).json() == {
        "image": ["사진 파일이 없습니다 (multipart 필드 image)."]
    }
    photo = phone_copy(shot(0))
    assert "k" in post_api(client, photo, k=0).json()
    assert "price_max" in post_api(client, photo, price_min=9, price_max=1).json()
    assert post_api(client, photo, category="nope").json() == {
        "category": ["카테고리 nope가 없습니다."]
    }
    page = post_page(client, photo, price_min=9, price_max=1)
    assert page.status_code == 400 and "최고 가격이 최저 가격보다 낮습니다" in page.content.decode()
    assert client.post(PAGE, {}).status_code == 400


def test_the_page_still_checks_csrf(isolated) -> None:
    strict = Client(enforce_csrf_checks=True)
    upload = io.BytesIO(phone_copy(shot(0)))
    upload.name = "p.jpg"
    assert strict.post(PAGE, {"image": upload}).status_code == 403
    assert files_under(isolated / "media") == []


# --------------------------------------------------------------------------- unusual images


def _animated(fmt: str) -> bytes:
    first, later = shot(5), [shot(1), shot(2)]
    return encode(first, fmt, save_all=True, append_images=later, duration=100, loop=0)


def _transparent() -> bytes:
    img = shot(5).convert("RGBA")
    arr = np.asarray(img).copy()
    white = arr[..., :3].min(axis=2) > 245
    arr[white, 3] = 0
    arr[white, :3] = 0  # black under the transparency: composited on black it would not match
    return encode(Image.fromarray(arr, "RGBA"), "PNG")


def _heic() -> bytes:
    from pillow_heif import register_heif_opener

    register_heif_opener()
    return encode(shot(5), "HEIF", quality=90)


UNUSUAL = {
    "cmyk-jpeg": lambda: encode(shot(5).convert("CMYK"), "JPEG", quality=92),
    "16-bit-png": lambda: png_16bit_rgb(shot(5)),
    "palette-png": lambda: encode(
        shot(5).convert("P", palette=Image.Palette.ADAPTIVE, colors=16), "PNG"
    ),
    "transparent-png": _transparent,
    "animated-gif": lambda: _animated("GIF"),
    "animated-webp": lambda: _animated("WEBP"),
    "iphone-heic": _heic,
}


@pytest.mark.parametrize("kind", UNUSUAL, ids=list(UNUSUAL))
def test_unusual_but_valid_images_are_read_and_find_their_picture(client, kind) -> None:
    products = indexed_catalog(6)
    content = UNUSUAL[kind]()
    body = post_api(client, content, name=f"photo.{kind.rsplit('-', 1)[-1]}").json()
    assert body["results"][0]["id"] == products[5].pk, body
    assert body["results"][0]["similarity"] > 0.9


def test_an_exif_rotated_phone_photo_is_turned_upright_before_it_is_searched(client) -> None:
    """Two catalog products: an upright picture and the same picture lying on its side. A
    photo stored sideways with EXIF orientation 6 ("turn 90° clockwise") is the upright one;
    the same pixels without the tag are the lying one."""
    upright_img = shot(0)
    lying_img = upright_img.rotate(90, expand=True)  # counter-clockwise: orientation 6 undoes it
    upright, lying = product_with(upright_img), product_with(lying_img)
    for i in (3, 4, 5):
        product_with(shot(i))
    assert services.index_images().indexed == 5
    exif = Image.Exif()
    exif[0x0112] = 6
    tagged = encode(lying_img.resize((600, 600)), "JPEG", quality=90, exif=exif)
    untagged = encode(lying_img.resize((600, 600)), "JPEG", quality=90)
    pre_rotated = encode(upright_img.resize((600, 600)), "JPEG", quality=90)
    by_tag = post_api(client, tagged).json()["results"]
    by_pixels = post_api(client, untagged).json()["results"]
    by_upright = post_api(client, pre_rotated).json()["results"]
    assert by_tag[0]["id"] == upright.pk and by_pixels[0]["id"] == lying.pk
    assert by_upright[0]["id"] == upright.pk
    # the tagged photo is searched as its upright copy: the same scores, to JPEG noise
    assert [r["id"] for r in by_tag[:3]] == [r["id"] for r in by_upright[:3]]
    assert by_tag[0]["similarity"] == pytest.approx(by_upright[0]["similarity"], abs=0.01)


# --------------------------------------------------------------------------- real data


def test_a_real_danawa_picture_finds_its_own_product_first(client, shared_data) -> None:
    """realdata (reads ../shared/data/danawa/images): 40 real pictures of the four categories
    indexed; each of five, sent as a larger re-encoded phone upload, finds its product top-1."""
    root = shared_data / "danawa" / "images"
    files = []
    for cat in ("desktop", "sofa", "padding", "shoes"):
        files += sorted((root / cat).iterdir())[:200:20]
    seen, products = set(), []
    for path in files:
        content = path.read_bytes()
        name, digest, _ = save_image_file(content)
        if digest in seen:
            continue
        seen.add(digest)
        products.append(ProductFactory(image=name, image_sha256=digest, name=f"실제 {path.stem}"))
    services.index_images()
    for product in products[::8]:
        with Image.open(product.image.path) as img:
            photo = phone_copy(img.convert("RGB"))
        top = post_api(client, photo).json()["results"][0]
        assert top["id"] == product.pk, (product.name, top["name"])


# --------------------------------------------------------------------------- schema and pages


def test_the_openapi_schema_documents_the_upload_and_the_by_product_search(client) -> None:
    schema = client.get("/api/schema/?format=json").json()
    post = schema["paths"]["/api/v1/similarity/search"]["post"]
    body = post["requestBody"]["content"]
    assert list(body) == ["multipart/form-data"]
    ref = body["multipart/form-data"]["schema"]["$ref"].rsplit("/", 1)[-1]
    fields = schema["components"]["schemas"][ref]["properties"]
    assert fields["image"] == {**fields["image"], "type": "string", "format": "binary"}
    assert {"category", "price_min", "price_max", "k", "store"} <= set(fields)
    assert schema["components"]["schemas"][ref]["required"] == ["image"]
    assert {"200", "400"} <= set(post["responses"])
    assert post.get("security") is None or {} in post["security"]  # anonymous allowed

    get = schema["paths"]["/api/v1/products/{id}/similar"]["get"]
    params = {p["name"] for p in get["parameters"]}
    assert {"id", "k", "category", "price_min", "price_max", "manufacturer"} <= params
    assert {"200", "400", "404"} <= set(get["responses"])
    ok = get["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert "embedder" in schema["components"]["schemas"][ok]["properties"]


def test_the_photo_page_says_which_models_are_missing_and_that_the_offline_embedder_is_used(
    client,
) -> None:
    response = client.get(PAGE)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>사진으로 찾기</h1>" in html and 'enctype="multipart/form-data"' in html
    assert f"임베더: <strong>{descriptor.KEY}</strong>" in html
    assert "CLIP ViT-B/32 가중치가 없어" in html and "오프라인 임베더" in html
    assert "rembg 배경 제거 모델이 없어" in html
    assert "이 사진 저장" in html


def test_an_empty_index_says_so(client) -> None:
    html = client.get(PAGE).content.decode()
    assert "아직 색인된 상품 사진이 없습니다" in html
    indexed_catalog(1)
    assert "아직 색인된 상품 사진이 없습니다" not in client.get(PAGE).content.decode()


def test_a_broken_rembg_model_file_is_no_500_the_photo_is_searched_as_it_is(
    lenient_client, settings
) -> None:
    products = indexed_catalog(3)
    broken = Path(settings.MODEL_DIR) / "rembg" / "u2net.onnx"
    broken.parent.mkdir(parents=True)
    broken.write_bytes(b"not an onnx graph")
    embedders.reset_cache()
    on_grey = encode(product_shot(color=(20, 30, 200), backdrop=(120, 120, 120), size=240), "JPEG")
    response = post_api(lenient_client, on_grey)
    assert response.status_code == 200
    body = response.json()
    assert body["background"] == "as_is" and len(body["results"]) == len(products)
    assert post_page(lenient_client, on_grey).status_code == 200
