"""The trained offline embedder: trained by the real command and task on the catalog's pictures,
saved under MODEL_DIR, loaded by the embedder selection, falling back when its files are broken,
and switched to while search keeps answering from the previous embedder."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import numpy as np
import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import CommandError

from catalog.services.images import save_image_file
from catalog.tests.factories import CategoryFactory, ProductFactory
from similarity import services, training
from similarity.ml import descriptor, embedders, trained
from similarity.models import ImageEmbedding
from similarity.search import similar_to_product
from similarity.tests.images import encode, product_shot

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def model_dir(tmp_path: Path, settings: object) -> Path:
    settings.MODEL_DIR = tmp_path / "models"  # type: ignore[attr-defined]
    embedders.reset_cache()
    for key in (services.QUEUED_KEY, training.TRAINING_KEY):
        cache.delete(key)
    yield settings.MODEL_DIR  # type: ignore[attr-defined]
    embedders.reset_cache()
    for key in (services.QUEUED_KEY, training.TRAINING_KEY):
        cache.delete(key)


def catalog(n: int = 8) -> list[object]:
    """``n`` products with distinct pictures: towers in one category, sofas in another."""
    towers, sofas = CategoryFactory(code="t-desktop"), CategoryFactory(code="t-sofa")
    products = []
    for i in range(n):
        shape = "tower" if i % 2 == 0 else "sofa"
        img = product_shot(color=(30 + 25 * i, 60, 200 - 20 * i), shape=shape)
        name, digest, _ = save_image_file(encode(img))
        products.append(
            ProductFactory(
                image=name, image_sha256=digest, category=towers if shape == "tower" else sofas
            )
        )
    return products


def train(*extra: str) -> str:
    out = StringIO()
    call_command("train_image_embedder", "--epochs", "1", *extra, stdout=out)
    return out.getvalue()


def test_the_command_trains_saves_and_the_trained_embedder_becomes_active(
    model_dir: Path,
) -> None:
    catalog(6)
    text = train()
    last = text.strip().splitlines()[-1]
    assert last.startswith("embedder=trained-v1-") and "images=6" in last
    assert "6/" in text  # the progress bar
    manifest = json.loads((model_dir / "offline-embedder" / "manifest.json").read_text())
    assert manifest["images"] == 6 and manifest["architecture"]["categories"] == [
        "t-desktop", "t-sofa",
    ]  # fmt: skip
    assert (model_dir / "offline-embedder" / manifest["weights"]).is_file()
    assert not list((model_dir / "offline-embedder").glob("*.part"))

    embedder = services.active_embedder()
    assert embedder.key == manifest["key"] == last.split()[0].split("=")[1]
    report = services.model_report()
    assert report.embedder == manifest["key"] and "학습한 오프라인 임베더" in report.reason
    images = [product_shot(shape="tower"), product_shot(color=(200, 40, 40), shape="sofa")]
    vectors = embedder.embed(images)
    assert vectors.shape == (2, 512) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    embedders.reset_cache()  # a fresh process loads the same files: the same vectors
    assert np.allclose(services.active_embedder().embed(images), vectors, atol=1e-6)


def test_training_twice_with_the_same_seed_gives_the_same_key() -> None:
    catalog(4)
    first = train("--no-reindex").strip().splitlines()[-1].split()[0]
    second = train("--no-reindex").strip().splitlines()[-1].split()[0]
    assert first == second


def test_a_broken_weights_file_falls_back_to_the_descriptor_and_says_why(model_dir: Path) -> None:
    catalog(4)
    train("--no-reindex")
    folder = model_dir / "offline-embedder"
    weights = next(folder.glob("weights-*.safetensors"))
    weights.write_bytes(weights.read_bytes()[:100])
    embedders.reset_cache()
    assert services.active_embedder().key == descriptor.KEY
    report = services.model_report()
    assert "해시" in report.reason and descriptor.KEY in report.reason
    assert any("학습된 오프라인 임베더를 쓸 수 없습니다" in line for line in report.missing)


@pytest.mark.parametrize(
    "manifest",
    ["{not json", json.dumps({"format_version": 99}), json.dumps({"format_version": 1})],
)
def test_an_unreadable_or_incompatible_manifest_falls_back_to_the_descriptor(
    model_dir: Path, manifest: str
) -> None:
    folder = model_dir / "offline-embedder"
    folder.mkdir(parents=True)
    (folder / "manifest.json").write_text(manifest)
    assert services.active_embedder().key == descriptor.KEY
    assert "manifest" in services.model_report().reason or "읽을 수 없습니다" in (
        services.model_report().reason
    )


def test_weights_of_another_architecture_are_refused(model_dir: Path) -> None:
    catalog(4)
    train("--no-reindex")
    path = model_dir / "offline-embedder" / "manifest.json"
    manifest = json.loads(path.read_text())
    manifest["architecture"]["hidden"] = 64
    path.write_text(json.dumps(manifest))
    assert services.active_embedder().key == descriptor.KEY  # the manifest changed: re-chosen
    assert "읽을 수 없습니다" in services.model_report().reason


def test_after_training_search_answers_from_the_previous_embedder_until_the_reindex(
    django_capture_on_commit_callbacks: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    from similarity.tasks import index_pending_images

    sent = []
    monkeypatch.setattr(index_pending_images, "delay", lambda **kw: sent.append(kw))
    products = catalog(6)
    services.index_images()
    assert services.serving_embedder() == descriptor.KEY
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        train()
    new = services.active_embedder().key
    assert new.startswith("trained-v1-") and len(sent) == 1  # the re-index is queued
    assert ImageEmbedding.objects.pending(new, ImageEmbedding.MAX_ATTEMPTS).count() == 6
    # during the switch: the new embedder has no vectors yet, the previous ones answer
    assert not similar_to_product(products[0], embedder=new, k=2)  # None: not indexed yet
    assert services.serving_embedder() == descriptor.KEY
    during = similar_to_product(products[0], embedder=services.serving_embedder(), k=2)
    assert {g.product.pk for g in during} == {products[2].pk, products[4].pk}  # the towers
    # the queued task runs: the new embedder has the catalog and answers from now on
    assert index_pending_images.apply().get()["embedder"] == new
    assert services.serving_embedder() == new
    after = similar_to_product(products[0], embedder=services.serving_embedder(), k=2)
    assert {g.product.pk for g in after} == {products[2].pk, products[4].pk}
    assert [g.similarity for g in after] != [g.similarity for g in during]  # new vectors


def test_the_ml_task_trains_and_reports_its_progress(
    django_capture_on_commit_callbacks: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    from similarity.tasks import index_pending_images, train_image_embedder

    monkeypatch.setattr(index_pending_images, "delay", lambda **kw: None)
    seen = []
    monkeypatch.setattr(
        train_image_embedder, "update_state", lambda **kw: seen.append(kw["meta"]), raising=False
    )
    catalog(4)
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        result = train_image_embedder.apply(kwargs={"epochs": 1}).get()
    assert result["embedder"] == services.active_embedder().key and result["images"] == 4
    assert result["queued"] == 4
    assert seen and seen[-1]["done"] == seen[-1]["total"]


def test_queue_if_missing_queues_one_training_and_none_once_a_model_is_there(
    django_capture_on_commit_callbacks: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    from similarity.tasks import train_image_embedder

    sent = []
    monkeypatch.setattr(train_image_embedder, "delay", lambda **kw: sent.append(kw))
    catalog(4)
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        train("--queue-if-missing")
        train("--queue-if-missing")
    assert len(sent) == 1
    cache.delete(training.TRAINING_KEY)
    train("--no-reindex")
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        assert "있거나" in train("--queue-if-missing")
    assert len(sent) == 1


def test_training_on_an_empty_catalog_says_so() -> None:
    with pytest.raises(CommandError, match="2장 이상"):
        train()


def test_a_folder_of_files_trains_with_categories_from_sub_folders(tmp_path: Path) -> None:
    for cat, shape in (("towers", "tower"), ("sofas", "sofa")):
        (tmp_path / "imgs" / cat).mkdir(parents=True)
        for i in range(2):
            img = product_shot(color=(40 + 60 * i, 90, 90), shape=shape)
            (tmp_path / "imgs" / cat / f"{i}.jpg").write_bytes(encode(img))
        (tmp_path / "imgs" / cat / "copy.jpg").write_bytes(encode(product_shot(shape=shape)))
        (tmp_path / "imgs" / cat / "notes.txt").write_text("not a picture")
    text = train("--images", str(tmp_path / "imgs"), "--no-reindex")
    assert "sofas 3, towers 3" in text or "sofas 2, towers 3" in text


def test_a_trained_embedder_finds_photo_like_copies_of_real_pictures_better_than_colour_histograms_realdata(
    shared_data: Path, model_dir: Path
) -> None:
    """Reads ../shared/data/danawa/images (realdata): 15 real pictures per category, a short
    training, then one photo-like copy of each (a query stream apart from training's)."""
    from similarity.ml.augment import photo_like
    from similarity.ml.images import load_image
    from similarity.ml.pipeline import prepare

    root = shared_data / "danawa" / "images"
    samples, contents, cats = [], [], []
    for cat in ("desktop", "sofa", "padding", "shoes"):
        seen = set()
        for path in sorted((root / cat).iterdir()):
            content = path.read_bytes()
            if content in seen:
                continue
            seen.add(content)
            contents.append(content)
            cats.append(cat)
            samples.append(trained.Sample(trained.image_from_bytes(content), cat))
            if len(seen) == 15:
                break
    result = trained.train(samples, trained.TrainConfig(epochs=8))
    trained.save(model_dir, result)
    embedder = services.active_embedder()
    assert embedder.key.startswith("trained-v1-")
    rng = np.random.default_rng(2024)
    queries = [prepare(load_image(photo_like(load_image(c), rng)), None).image for c in contents]
    index = embedder.embed([s.image for s in samples])
    found = embedder.embed(queries) @ index.T
    hits = np.mean([i in np.argsort(-found[i])[:10] for i in range(len(queries))])
    base_index = np.stack([descriptor.color_histogram(load_image(c)) for c in contents])
    base_q = np.stack([descriptor.color_histogram(q) for q in queries])
    base = base_q @ base_index.T
    base_hits = np.mean([i in np.argsort(-base[i])[:10] for i in range(len(queries))])
    assert hits > base_hits and hits >= 0.8


def test_benchmark_similarity_measures_the_trained_embedder_and_half_half_generalisation(
    tmp_path: Path,
) -> None:
    root = tmp_path / "imgs"
    for cat, shape in (("desktop", "tower"), ("sofa", "sofa")):
        (root / cat).mkdir(parents=True)
        for i in range(4):
            img = product_shot(color=(30 + 50 * i, 80, 160 - 30 * i), shape=shape)
            (root / cat / f"{i}.jpg").write_bytes(encode(img))
    with pytest.raises(CommandError, match="train_image_embedder"):
        call_command("benchmark_similarity", "--images", str(root), "--embedder", "trained")
    train("--images", str(root), "--no-reindex")
    out = StringIO()
    call_command(
        "benchmark_similarity", "--images", str(root), "--embedder", "trained", "--half",
        "--half-epochs", "2", stdout=out,
    )  # fmt: skip
    lines = out.getvalue().strip().splitlines()
    key = services.active_embedder().key
    assert lines[-1].startswith("recall_at_10=") and lines[-1].endswith(f"embedder={key}")
    assert any(line.startswith("half_recall_at_10=") for line in lines)
    folder = services.model_dir() / "offline-embedder"
    assert json.loads((folder / "manifest.json").read_text())["benchmark"]["images"] == 8


def test_queue_if_missing_queues_nothing_when_clip_is_there(
    model_dir: Path, django_capture_on_commit_callbacks: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    from similarity.tasks import train_image_embedder
    from similarity.tests.tiny_models import save_tiny_clip

    sent = []
    monkeypatch.setattr(train_image_embedder, "delay", lambda **kw: sent.append(kw))
    save_tiny_clip(model_dir)
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        assert "CLIP" in train("--queue-if-missing")
    assert sent == []
