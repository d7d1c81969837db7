"""Near-duplicate curation: candidates from near-identical pictures and agreeing titles, the
side-by-side admin page, merging through the catalog's service, and "같은 상품 아님"
remembered across recomputes; on the real database and media storage."""

from __future__ import annotations

import datetime as dt
import io
import random
from io import StringIO

import numpy as np
import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from catalog.models import PriceSnapshot, Product
from catalog.services import PriceRow, record_prices
from catalog.services.images import save_image_file
from catalog.tests.factories import ManufacturerFactory, ProductFactory
from similarity.curation import duplicates, phash
from similarity.curation.titles import normalise, title_score, titles_agree
from similarity.models import CandidateReason, CandidateStatus, DuplicateCandidate, PictureHash
from similarity.tests.images import catalog_photo, encode, reposted_copy

pytestmark = pytest.mark.django_db

D0 = dt.date(2026, 9, 1)
WRITES = ("INSERT", "UPDATE", "DELETE")


@pytest.fixture(autouse=True)
def _no_queued_mark() -> None:
    cache.delete(duplicates.FIND_QUEUED_KEY)
    yield
    cache.delete(duplicates.FIND_QUEUED_KEY)


def listed(content: bytes, name: str, **kwargs: object) -> Product:
    """A product with its own stored picture (one maker for all unless told)."""
    stored, digest, _ = save_image_file(content)
    kwargs.setdefault("manufacturer", ManufacturerFactory(name="같은 제조사"))
    return ProductFactory(image=stored, image_sha256=digest, name=name, **kwargs)


def sharing(product: Product, name: str) -> Product:
    """Another product showing ``product``'s picture file, from the same maker."""
    return ProductFactory(image=product.image.name, image_sha256=product.image_sha256, name=name,
                          manufacturer=product.manufacturer)  # fmt: skip


def pairs() -> set[tuple[int, int]]:
    return set(DuplicateCandidate.objects.values_list("product_a_id", "product_b_id"))


def key(x: Product, y: Product) -> tuple[int, int]:
    return (min(x.pk, y.pk), max(x.pk, y.pk))


# --------------------------------------------------------------------------- titles


def test_titles_agree_on_the_same_words_and_codes_and_not_on_other_model_codes() -> None:
    a = normalise("[한성컴퓨터] 보스몬스터 DX5608 (i5-13400F, RTX 4060)")
    assert a.codes == {"dx5608", "i513400f", "rtx4060"}
    assert titles_agree(a, normalise("한성컴퓨터 보스몬스터 DX5608 i5-13400F RTX4060"))
    assert titles_agree(
        normalise("ＡＳＵＳ ＴＵＦ Ｂ７６０Ｍ－ＰＬＵＳ"), normalise("asus tuf b760m-plus")
    )
    assert not titles_agree(a, normalise("한성컴퓨터 보스몬스터 DX5608 i5-13400F RTX4070"))
    assert title_score(normalise("레노버 리전 G15-4070"), normalise("레노버 리전 G15-4060")) == 0
    assert not titles_agree(normalise("삼성 데스크탑 사무용"), normalise("LG 노트북 그램 게이밍"))
    # one title adding a word is the same product; each naming another colour is not
    assert titles_agree(
        normalise("일룸 밀라노 3인용 소파 차콜"), normalise("일룸 밀라노 3인용 소파")
    )
    assert titles_agree(normalise("삼성 데스크탑 DM500"), normalise("삼성 데스크톱 DM500"))
    assert not titles_agree(
        normalise("일룸 밀라노 3인용 패브릭 일자형 소파 차콜"),
        normalise("일룸 밀라노 3인용 패브릭 일자형 소파 브라운"),
    )
    assert not titles_agree(normalise("RTX4060 벤투스 2X"), normalise("RTX4060 벤투스 2X OC"))


# --------------------------------------------------------------------------- finding


def test_a_reposted_copy_with_an_agreeing_title_is_found() -> None:
    photo = catalog_photo(1)
    original = listed(encode(photo), "한성컴퓨터 보스몬스터 DX5608 i5-13400F RTX4060")
    copy = listed(reposted_copy(photo), "[한성컴퓨터] 보스몬스터 DX5608 (i5-13400F, RTX 4060)")
    other = listed(
        encode(catalog_photo(2)), "한성컴퓨터 보스몬스터 DX5608 i5-13400F RTX4060 화이트"
    )
    assert original.image_sha256 != copy.image_sha256
    report = duplicates.find_duplicates()
    assert report.hashed == 3 and report.created == 1
    candidate = DuplicateCandidate.objects.get()
    assert (candidate.product_a_id, candidate.product_b_id) == key(original, copy)
    assert candidate.reason == CandidateReason.NEAR_PICTURE
    assert 0 < candidate.image_distance <= duplicates.DISTANCE_THRESHOLD
    assert candidate.title_score >= 90 and candidate.status == CandidateStatus.PENDING
    assert other.pk not in (candidate.product_a_id, candidate.product_b_id)


def test_brand_pcs_sharing_one_photo_with_different_model_codes_are_not_duplicates() -> None:
    first = listed(encode(catalog_photo(3)), "한성컴퓨터 보스몬스터 DX5608 i5-13400F RTX4060")
    sharing(first, "한성컴퓨터 보스몬스터 DX7708 i7-13700F RTX4070")
    sharing(first, "한성컴퓨터 보스몬스터 DX5608 i5-13400F RTX4060 Ti")
    relisted = sharing(first, "한성컴퓨터 보스몬스터 DX5608 (i5-13400F / RTX 4060)")
    duplicates.find_duplicates()
    # only the same product listed twice; the chassis photo alone proposes nothing
    assert pairs() == {key(first, relisted)}
    assert DuplicateCandidate.objects.get().reason == CandidateReason.SAME_PICTURE
    assert DuplicateCandidate.objects.get().image_distance == 0


def test_recomputing_adds_nothing_and_a_not_the_same_pair_is_never_proposed_again(
    admin_client,
) -> None:
    photo = catalog_photo(4)
    a = listed(encode(photo), "MSI 지포스 RTX 4060 벤투스 2X OC D6 8GB")
    b = listed(reposted_copy(photo), "MSI 지포스 RTX4060 벤투스 2X OC D6 8GB")
    c = sharing(a, "MSI 지포스 RTX 4060 벤투스 2X OC D6 8GB 블랙")
    duplicates.find_duplicates()
    assert pairs() == {key(a, b), key(a, c), key(b, c)}
    second = duplicates.find_duplicates()
    assert second.created == 0 and second.updated == 3 and DuplicateCandidate.objects.count() == 3
    assert second.hashed == 0  # pictures are hashed once
    ab = DuplicateCandidate.objects.get(product_a_id=min(a.pk, b.pk), product_b_id=max(a.pk, b.pk))
    response = admin_client.post(
        reverse("admin:similarity_duplicatecandidate_compare", args=[ab.pk]),
        {"decision": "not_same"},
    )
    assert response.status_code == 302
    ab.refresh_from_db()
    assert ab.status == CandidateStatus.NOT_SAME and ab.decided_by.username == "admin"
    assert ab.decided_at is not None
    third = duplicates.find_duplicates()
    ab.refresh_from_db()
    assert ab.status == CandidateStatus.NOT_SAME and third.skipped_decided == 1
    assert (
        DuplicateCandidate.objects.count() == 3
        and DuplicateCandidate.objects.pending().count() == 2
    )
    html = admin_client.get(
        reverse("admin:similarity_duplicatecandidate_changelist")
    ).content.decode()
    assert "<strong>2</strong>쌍" in html


def test_the_same_title_from_two_makers_is_two_products() -> None:
    a = listed(encode(catalog_photo(12)), "포레 2인용 부클레 일자형 소파 카멜",
               manufacturer=ManufacturerFactory(name="한샘"))  # fmt: skip
    ProductFactory(image=a.image.name, image_sha256=a.image_sha256, name=a.name,
                   manufacturer=ManufacturerFactory(name="까사미아"))  # fmt: skip
    assert duplicates.find_duplicates().found == 0


def test_a_pending_pair_that_no_longer_qualifies_is_removed_on_recompute() -> None:
    a = listed(encode(catalog_photo(5)), "HP 프로데스크 400 G9 i5-12500")
    b = sharing(a, "HP 프로데스크 400 G9 i5-12500 (정품)")
    duplicates.find_duplicates()
    assert pairs() == {key(a, b)}
    Product.objects.filter(pk=b.pk).update(name="HP 프로데스크 600 G9 i7-12700")
    assert duplicates.find_duplicates().removed == 1 and pairs() == set()


def test_an_unreadable_picture_is_recorded_and_does_not_stop_the_others() -> None:
    listed(b"not a picture at all", "깨진 사진 상품 ABC123")
    good = listed(encode(catalog_photo(6)), "좋은 사진 상품")
    report = duplicates.find_duplicates()
    assert report.hashed == 1 and report.hash_failed == 1
    assert PictureHash.objects.get(sha256=good.image_sha256).phash is not None
    assert PictureHash.objects.exclude(error="").count() == 1


def test_the_command_and_the_task_run_the_same_service() -> None:
    from similarity.tasks import find_duplicate_products

    a = listed(encode(catalog_photo(7)), "레노버 리전 T5 G15-4070")
    sharing(a, "레노버 리전 T5 (G15-4070)")
    out = StringIO()
    call_command("find_duplicates", stdout=out)
    assert "후보 1쌍: 새로 1" in out.getvalue()
    assert find_duplicate_products.apply().get()["found"] == 1
    assert DuplicateCandidate.objects.count() == 1


def test_the_find_button_queues_one_task(
    admin_client, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    from similarity import tasks

    sent = []
    monkeypatch.setattr(tasks.find_duplicate_products, "delay", lambda **kw: sent.append(kw))
    url = reverse("admin:similarity_duplicatecandidate_find")
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(url)
        admin_client.post(url)
        admin_client.get(url)
    assert len(sent) == 1


# --------------------------------------------------------------------------- deciding


def test_the_side_by_side_page_shows_both_and_merging_moves_prices_to_the_kept_one(
    admin_client,
) -> None:
    photo = catalog_photo(8)
    older = listed(encode(photo), "삼성전자 데스크탑 DM500TFA-A58A i5-13400 16GB 512GB",
                   spec_summary="인텔 코어i5-13400 / 16GB / SSD 512GB")  # fmt: skip
    newer = listed(reposted_copy(photo), "삼성전자 데스크탑 DM500TFA-A58A (i5-13400, 16GB, 512GB)")
    record_prices([PriceRow(older.pk, D0, 900_000), PriceRow(newer.pk, D0, 880_000)]
                  + [PriceRow(newer.pk, D0 + dt.timedelta(days=i), 870_000) for i in (1, 2)])  # fmt: skip
    duplicates.find_duplicates()
    candidate = DuplicateCandidate.objects.get()
    url = reverse("admin:similarity_duplicatecandidate_compare", args=[candidate.pk])
    with CaptureQueriesContext(connection) as ctx:
        html = admin_client.get(url).content.decode()
    assert [
        q["sql"] for q in ctx.captured_queries if q["sql"].lstrip().upper().startswith(WRITES)
    ] == []
    assert older.name in html and newer.name in html and "인텔 코어i5-13400" in html
    assert older.image.url in html and newer.image.url in html
    assert older.pcode in html and "870,000원" in html
    # the default keep is the one with more price history
    assert f'value="{newer.pk}" checked' in html and f'value="{older.pk}" checked' not in html
    before = PriceSnapshot.objects.filter(product=newer).count()
    response = admin_client.post(url, {"decision": "merge", "keep": newer.pk})
    assert response.status_code == 302
    older.refresh_from_db()
    assert older.merged_into_id == newer.pk and not older.is_active
    assert PriceSnapshot.objects.filter(product=older).count() == 0
    assert PriceSnapshot.objects.filter(product=newer).count() == before  # D0: newer kept its own
    candidate.refresh_from_db()
    assert candidate.status == CandidateStatus.MERGED and candidate.decided_by.username == "admin"
    # a second click does not merge again
    again = admin_client.post(url, {"decision": "merge", "keep": older.pk}, follow=True)
    assert "이미 결정된 후보" in again.content.decode()
    newer.refresh_from_db()
    assert newer.is_active and newer.merged_into_id is None
    # the merged product is gone from the catalog's pictures: recomputing proposes nothing
    duplicates.find_duplicates()
    assert DuplicateCandidate.objects.pending().count() == 0


def test_merging_moves_the_price_days_the_kept_product_lacks(admin_client) -> None:
    a = listed(encode(catalog_photo(9)), "ASUS TUF Gaming B760M-PLUS WIFI")
    b = sharing(a, "ASUS TUF Gaming B760M-PLUS WIFI (정품)")
    record_prices([PriceRow(a.pk, D0 + dt.timedelta(days=i), 200_000) for i in range(3)]
                  + [PriceRow(b.pk, D0 - dt.timedelta(days=1), 210_000)])  # fmt: skip
    duplicates.find_duplicates()
    candidate = DuplicateCandidate.objects.get()
    url = reverse("admin:similarity_duplicatecandidate_compare", args=[candidate.pk])
    assert f'value="{a.pk}" checked' in admin_client.get(url).content.decode()
    admin_client.post(url, {"decision": "merge", "keep": a.pk})
    assert PriceSnapshot.objects.filter(product=a).count() == 4
    b.refresh_from_db()
    assert b.merged_into_id == a.pk


def test_a_keep_outside_the_pair_merges_nothing(admin_client) -> None:
    a = listed(encode(catalog_photo(10)), "델 옵티플렉스 7010 i7-13700")
    b = sharing(a, "델 옵티플렉스 7010 (i7-13700)")
    stranger = ProductFactory()
    duplicates.find_duplicates()
    candidate = DuplicateCandidate.objects.get()
    url = reverse("admin:similarity_duplicatecandidate_compare", args=[candidate.pk])
    admin_client.post(url, {"decision": "merge", "keep": stranger.pk})
    candidate.refresh_from_db()
    b.refresh_from_db()
    assert candidate.status == CandidateStatus.PENDING and b.merged_into_id is None


def test_candidate_pages_load_and_write_nothing_on_get(admin_client) -> None:
    a = listed(encode(catalog_photo(11)), "한성컴퓨터 TFG AX5600")
    sharing(a, "한성컴퓨터 TFG AX5600 [정품]")
    duplicates.find_duplicates()
    candidate = DuplicateCandidate.objects.get()
    with CaptureQueriesContext(connection) as ctx:
        changelist = admin_client.get(reverse("admin:similarity_duplicatecandidate_changelist"))
        change = admin_client.get(
            reverse("admin:similarity_duplicatecandidate_change", args=[candidate.pk])
        )
        compare = admin_client.get(
            reverse("admin:similarity_duplicatecandidate_compare", args=[candidate.pk])
        )
    assert changelist.status_code == 200 and compare.status_code == 200
    assert change.status_code == 302  # the side-by-side page is the candidate's page
    assert "나란히 보고 결정" in changelist.content.decode()
    assert [
        q["sql"] for q in ctx.captured_queries if q["sql"].lstrip().upper().startswith(WRITES)
    ] == []
    candidate.refresh_from_db()
    assert candidate.status == CandidateStatus.PENDING


# --------------------------------------------------------------------------- real pictures


def _variants(img: Image.Image) -> dict[str, bytes]:
    img = img.convert("RGB")
    w, h = img.size
    out = {"jpeg_q60": encode(img, quality=60)}
    out["half_size"] = encode(img.resize((w // 2, h // 2), Image.Resampling.BILINEAR), quality=90)
    cx, cy = int(0.05 * w), int(0.05 * h)
    out["crop_5pct"] = encode(img.crop((cx, cy, w - cx, h - cy)), quality=90)
    out["resize_crop_q70"] = reposted_copy(img)
    return out


def test_phash_separates_real_copies_from_different_real_pictures(shared_data) -> None:
    """realdata: reads ../shared/data/danawa/images (marked realdata by conftest). Copies of
    20 real pictures per kind (re-encoded, halved, cropped 5 %, resized+cropped+re-encoded)
    must be within DISTANCE_THRESHOLD (all of the re-encodes and resizes, ≥ 85 % of the
    crops), and pictures of different kinds must not be (the threshold's false matches).
    Measured here: all re-encodes and halvings, 92.5 % of the 5 % crops and 97.5 % of the
    resized+cropped copies within 12 bits; the 2,400 pairs of different kinds min 12,
    median 28."""
    root = shared_data / "danawa" / "images"
    kinds = sorted(p.name for p in root.iterdir() if p.is_dir())
    assert len(kinds) >= 2
    rng = random.Random(10)
    picked = {k: rng.sample(sorted((root / k).glob("*.jpg")), 20) for k in kinds}
    hashes: list[tuple[str, tuple[int, int]]] = []
    copies: dict[str, list[int]] = {}
    for kind, files in picked.items():
        for path in files:
            content = path.read_bytes()
            base = phash.picture_hashes(content)
            hashes.append((kind, base))
            with Image.open(io.BytesIO(content)) as img:
                for name, copy in _variants(img).items():
                    copies.setdefault(name, []).append(
                        phash.distance(base, phash.picture_hashes(copy))
                    )
    limit = duplicates.DISTANCE_THRESHOLD
    share = {name: float(np.mean(np.array(d) <= limit)) for name, d in copies.items()}
    assert share["jpeg_q60"] == 1.0 and share["half_size"] == 1.0, share
    assert share["crop_5pct"] >= 0.85 and share["resize_crop_q70"] >= 0.85, share
    cross = [
        phash.distance(x, y)
        for i, (kx, x) in enumerate(hashes)
        for ky, y in hashes[i + 1 :]
        if kx != ky
    ]
    assert np.mean(np.array(cross) <= limit) <= 0.001, min(cross)
    assert np.median(cross) >= 20
