"""The similarity admin's "색인 현황" page, the re-index buttons with their progress, and the
embedding list, through Django's test client as staff on the real database and media."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalog.services.images import save_image_file
from catalog.tests.factories import ProductFactory
from core.progress import JobStatus
from similarity import services
from similarity.ml import descriptor, embedders
from similarity.models import EmbeddingStatus, ImageEmbedding, IndexingRun, IndexingRunMode
from similarity.tests.helpers import sha
from similarity.tests.images import encode, product_shot

pytestmark = pytest.mark.django_db

STATUS = "admin:similarity_imageembedding_status"
STATUS_JSON = "admin:similarity_imageembedding_status_json"
REINDEX = "admin:similarity_imageembedding_reindex"
WRITES = ("INSERT", "UPDATE", "DELETE")


@pytest.fixture(autouse=True)
def model_dir(tmp_path: Path, settings: object) -> Path:
    settings.MODEL_DIR = tmp_path / "models"  # type: ignore[attr-defined]
    embedders.reset_cache()
    cache.delete(services.QUEUED_KEY)
    yield settings.MODEL_DIR  # type: ignore[attr-defined]
    embedders.reset_cache()
    cache.delete(services.QUEUED_KEY)


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[dict]:
    """reindex_images.delay records its arguments instead of reaching a broker."""
    from similarity import tasks

    calls: list[dict] = []
    monkeypatch.setattr(
        tasks.reindex_images,
        "delay",
        lambda **kw: calls.append(kw) or type("R", (), {"id": f"t{len(calls)}"})(),
    )
    return calls


def product_with(content: bytes, **kwargs: object) -> object:
    name, digest, _ = save_image_file(content)
    return ProductFactory(image=name, image_sha256=digest, **kwargs)


def shots(n: int) -> list[bytes]:
    return [encode(product_shot(color=(20 + 30 * i, 40, 200 - 25 * i))) for i in range(n)]


def rows(embedder: str, status: str, n: int, **kwargs: object) -> None:
    for i in range(n):
        ImageEmbedding.objects.create(
            sha256=sha((embedder, status, i, kwargs.get("attempts"))),
            embedder=embedder,
            status=status,
            vector=[1.0] + [0.0] * 511 if status == EmbeddingStatus.INDEXED else None,
            **kwargs,
        )


def no_writes(ctx: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in ctx.captured_queries if q["sql"].lstrip().upper().startswith(WRITES)]


def test_the_status_page_counts_rows_per_embedder_and_names_the_active_and_serving_ones(
    admin_client,
) -> None:
    rows(descriptor.KEY, EmbeddingStatus.INDEXED, 4)
    rows(descriptor.KEY, EmbeddingStatus.PENDING, 2)
    rows(descriptor.KEY, EmbeddingStatus.FAILED, 1, attempts=1, error="이미지를 열 수 없습니다")
    rows(descriptor.KEY, EmbeddingStatus.FAILED, 3, attempts=3, error="임베딩 실패: 0인 벡터")
    rows("clip-vit-b32-v1", EmbeddingStatus.INDEXED, 7)
    with CaptureQueriesContext(connection) as ctx:
        html = admin_client.get(reverse(STATUS)).content.decode()
        data = admin_client.get(reverse(STATUS_JSON)).json()
    assert no_writes(ctx) == []
    by_key = {e["embedder"]: e for e in data["embedders"]}
    assert by_key[descriptor.KEY] | {"active": True} == {
        "embedder": descriptor.KEY, "indexed": 4, "pending": 2, "failed": 1, "failed_final": 3,
        "active": True, "serving": False,
    }  # fmt: skip
    assert by_key["clip-vit-b32-v1"]["indexed"] == 7 and not by_key["clip-vit-b32-v1"]["active"]
    # the descriptor still has pending rows and fewer indexed ones: searches read CLIP's
    assert data["active"] == descriptor.KEY and data["serving"] == "clip-vit-b32-v1"
    assert "색인 현황" in html and "활성" in html and "검색 중" in html
    assert "임베딩 실패: 0인 벡터" in html and "이미지를 열 수 없습니다" in html  # reasons grouped
    assert data["run"] is None and data["running"] is False
    assert 'http-equiv="refresh"' not in html  # nothing running: no refresh


def test_the_embedding_list_shows_attempts_and_reasons_and_a_row_links_its_products(
    admin_client,
) -> None:
    good = product_with(shots(1)[0], name="사진 있는 상품")
    broken = product_with(b"GIF89a truncated garbage", name="깨진 사진 상품")
    twin = ProductFactory(name="같은 깨진 사진", image=broken.image.name,
                          image_sha256=broken.image_sha256)  # fmt: skip
    for _ in range(ImageEmbedding.MAX_ATTEMPTS + 1):
        services.index_images()
    row = ImageEmbedding.objects.get(sha256=broken.image_sha256)
    assert row.status == EmbeddingStatus.FAILED and row.attempts == ImageEmbedding.MAX_ATTEMPTS
    url = reverse("admin:similarity_imageembedding_changelist")
    html = admin_client.get(url, {"status__exact": "failed"}).content.decode()
    assert f"{ImageEmbedding.MAX_ATTEMPTS} / {ImageEmbedding.MAX_ATTEMPTS}" in html
    assert row.error[:30] in html and good.image_sha256[:12] not in html
    assert "실패(재시도 소진) 1" in html  # the header's counts
    found = admin_client.get(url, {"q": broken.image_sha256[:10]}).content.decode()
    assert broken.image_sha256[:12] in found and good.image_sha256[:12] not in found
    detail = admin_client.get(
        reverse("admin:similarity_imageembedding_change", args=[row.pk])
    ).content.decode()
    assert "깨진 사진 상품" in detail and "같은 깨진 사진" in detail and "2개 상품" in detail
    assert reverse("admin:catalog_product_change", args=[twin.pk]) in detail
    assert row.error in detail and 'name="error"' not in detail  # read-only


def test_retrying_failed_pictures_queues_one_run_and_it_ends_done_with_its_progress(
    admin_client, sent, django_capture_on_commit_callbacks
) -> None:
    from similarity.tasks import reindex_images

    for content in shots(3):
        product_with(content)
    broken = product_with(b"GIF89a truncated garbage")
    for _ in range(ImageEmbedding.MAX_ATTEMPTS):
        services.index_images()
    assert ImageEmbedding.objects.get(sha256=broken.image_sha256).attempts == 3
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse(REINDEX), {"mode": IndexingRunMode.RETRY_FAILED})
    assert response.status_code == 302
    run = IndexingRun.objects.get()
    assert sent == [{"run_id": run.pk}] and run.status == JobStatus.QUEUED
    assert run.embedder == descriptor.KEY and run.requested_by == "admin"
    # a second click while it waits queues nothing
    with django_capture_on_commit_callbacks(execute=True):
        again = admin_client.post(reverse(REINDEX), {"mode": IndexingRunMode.REBUILD}, follow=True)
    assert "이미 다시 색인" in again.content.decode()
    assert IndexingRun.objects.count() == 1 and len(sent) == 1
    html = admin_client.get(reverse(STATUS)).content.decode()
    assert 'http-equiv="refresh"' in html and "disabled" in html  # refreshes while it runs
    # the worker runs it (in process, as a Celery task)
    result = reindex_images.apply(kwargs=sent[0]).get()
    run.refresh_from_db()
    assert run.status == JobStatus.DONE and result["status"] == "done"
    assert run.progress_total == 1 and run.progress_done == 1 and run.percent == 100
    assert run.stats["reset"] == 1 and run.stats["failed"] == 1  # tried again, fails again
    row = ImageEmbedding.objects.get(sha256=broken.image_sha256)
    assert row.status == EmbeddingStatus.FAILED and row.attempts == 1 and row.error
    assert ImageEmbedding.objects.filter(status=EmbeddingStatus.INDEXED).count() == 3
    data = admin_client.get(reverse(STATUS_JSON)).json()
    assert data["run"]["status"] == "done" and data["run"]["percent"] == 100
    assert data["running"] is False


def test_rebuilding_embeds_every_picture_of_the_embedder_again(
    admin_client, sent, django_capture_on_commit_callbacks
) -> None:
    from similarity.tasks import reindex_images

    for content in shots(3):
        product_with(content)
    services.index_images()
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(reverse(REINDEX), {"mode": IndexingRunMode.REBUILD})
    reindex_images.apply(kwargs=sent[0]).get()
    run = IndexingRun.objects.get()
    assert run.status == JobStatus.DONE and run.stats["reset"] == 3 and run.stats["indexed"] == 3
    assert set(ImageEmbedding.objects.values_list("status", "attempts")) == {("indexed", 1)}
    # finished: another may be queued now
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(reverse(REINDEX), {"mode": IndexingRunMode.RETRY_FAILED})
    assert IndexingRun.objects.count() == 2


def test_a_get_of_the_reindex_address_or_an_unknown_mode_queues_nothing(
    admin_client, sent, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        assert admin_client.get(reverse(REINDEX)).status_code == 302
        admin_client.post(reverse(REINDEX), {"mode": "everything"})
    assert IndexingRun.objects.count() == 0 and sent == []


def test_staff_without_the_permission_see_the_page_but_cannot_reindex(
    client, django_user_model, sent
) -> None:
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user("viewer", password="pw", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_imageembedding"))
    client.force_login(user)
    html = client.get(reverse(STATUS)).content.decode()
    assert "색인 현황" in html and 'name="mode"' not in html
    client.post(reverse(REINDEX), {"mode": IndexingRunMode.RETRY_FAILED})
    assert IndexingRun.objects.count() == 0


def test_a_run_whose_worker_has_another_active_embedder_fails_with_the_reason() -> None:
    from similarity.curation.reindex import run_reindex

    run = IndexingRun.objects.create(embedder="clip-vit-b32-v1", mode=IndexingRunMode.REBUILD)
    run_reindex(run)
    run.refresh_from_db()
    assert run.status == JobStatus.FAILED and "활성 임베더" in run.message


def test_the_run_list_shows_progress(admin_client) -> None:
    IndexingRun.objects.create(
        embedder=descriptor.KEY, mode=IndexingRunMode.REBUILD, status=JobStatus.RUNNING,
        progress_done=30, progress_total=120,
    )  # fmt: skip
    html = admin_client.get(reverse("admin:similarity_indexingrun_changelist")).content.decode()
    assert 'aria-valuenow="25"' in html
    assert json.dumps("전체 다시 색인", ensure_ascii=False).strip('"') in html


def test_a_reindex_whose_worker_died_is_taken_back_by_its_redelivered_task_and_ends_done(
    admin_client, sent, django_capture_on_commit_callbacks
) -> None:
    """The sweep failed the run (its worker stopped signalling); the task delivered again runs
    it to the end, each picture indexed once; a third delivery changes nothing."""
    import datetime as dt

    from django.utils import timezone

    from catalog.services import sweep_lapsed
    from similarity.tasks import index_pending_images, reindex_images

    for content in shots(2):
        product_with(content)
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(reverse(REINDEX), {"mode": IndexingRunMode.REBUILD})
    run = IndexingRun.objects.get()
    ago = timezone.now() - dt.timedelta(hours=1)
    IndexingRun.objects.filter(pk=run.pk).update(
        status=JobStatus.RUNNING, started_at=ago, heartbeat_at=ago
    )
    assert sweep_lapsed() == {"similarity.IndexingRun": 1}
    reindex_images.apply(kwargs=sent[0]).get()
    reindex_images.apply(kwargs=sent[0]).get()
    index_pending_images.apply().get()  # and the plain indexing task, twice
    index_pending_images.apply().get()
    run.refresh_from_db()
    assert run.status == JobStatus.DONE and run.lapsed_at is None and run.stats["indexed"] == 2
    assert ImageEmbedding.objects.count() == 2
    assert set(ImageEmbedding.objects.values_list("status", "attempts")) == {("indexed", 1)}
