"""The image pipeline with tiny models and the real loading code (no Django)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from similarity.ml import background, clip, descriptor, embedders
from similarity.ml.augment import photo_like
from similarity.ml.images import load_image
from similarity.ml.pipeline import embed_batches, embed_contents, prepare
from similarity.tests.images import encode, noise_image, product_shot
from similarity.tests.tiny_models import save_tiny_clip, save_tiny_segmenter


@pytest.fixture(autouse=True)
def fresh_caches() -> object:
    embedders.reset_cache()
    yield
    embedders.reset_cache()


def test_a_white_background_shot_skips_segmentation(tmp_path: Path) -> None:
    missing_model = tmp_path / "rembg" / "never-loaded.onnx"  # loading it would raise
    prepared = prepare(product_shot(), missing_model)
    assert prepared.background == "white"
    assert background._sessions == {}


def test_a_non_white_shot_goes_through_rembg_and_ends_on_white(tmp_path: Path) -> None:
    segmenter = save_tiny_segmenter(tmp_path)
    shot = product_shot(color=(10, 10, 10), backdrop=(200, 200, 200))
    prepared = prepare(shot, segmenter)
    assert prepared.background == "rembg"
    corner, middle = prepared.image.getpixel((3, 3)), prepared.image.getpixel((100, 100))
    assert min(corner) > 225  # the grey backdrop became (nearly) white
    assert max(middle) < 40  # the object stayed
    session = background._sessions[str(segmenter)]
    prepare(product_shot(backdrop=(90, 140, 90)), segmenter)
    assert background._sessions[str(segmenter)] is session  # one session per process


def test_without_rembg_a_one_colour_backdrop_is_keyed_out() -> None:
    prepared = prepare(product_shot(backdrop=(120, 160, 200)), None)
    assert prepared.background == "border"
    assert prepared.image.getpixel((3, 3)) == (255, 255, 255)
    assert max(prepared.image.getpixel((100, 100))) < 60


def test_without_rembg_a_busy_background_is_embedded_as_it_is() -> None:
    assert prepare(noise_image(1, 120), None).background == "as_is"


def test_the_tiny_clip_loads_through_from_pretrained_and_gives_unit_512_vectors(
    tmp_path: Path,
) -> None:
    save_tiny_clip(tmp_path)
    emb = embedders.active_embedder(tmp_path)
    assert isinstance(emb, clip.ClipEmbedder) and emb.key == clip.KEY
    assert embedders.active_embedder(tmp_path) is emb  # loaded once per process
    images = [product_shot(color=(i * 6, 40, 200 - i * 4)) for i in range(40)]  # > one batch
    vectors = emb.embed(images)
    assert vectors.shape == (40, 512)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    # batching changes nothing in fp32; int8 (CPU default) quantises activations with one scale
    # per batch, so a picture's vector moves a little with its batch-mates
    exact = emb.embed(images, precision="fp32")
    np.testing.assert_allclose(emb.embed([images[35]], precision="fp32")[0], exact[35], atol=1e-5)
    assert float(emb.embed([images[35]])[0] @ vectors[35]) > 0.999
    assert not np.allclose(vectors[0], vectors[39], atol=1e-3)


def test_a_whole_clip_checkpoint_as_the_hub_ships_it_loads_its_image_tower(tmp_path: Path) -> None:
    save_tiny_clip(tmp_path, full=True)
    emb = embedders.active_embedder(tmp_path)
    assert isinstance(emb, clip.ClipEmbedder)
    assert emb.embed([product_shot()]).shape == (1, 512)


def test_missing_or_broken_clip_weights_mean_the_offline_descriptor(tmp_path: Path) -> None:
    assert isinstance(embedders.active_embedder(tmp_path), descriptor.DescriptorEmbedder)
    report = embedders.model_report(tmp_path)
    assert report.embedder == descriptor.KEY
    assert any("CLIP" in m for m in report.missing) and any("rembg" in m for m in report.missing)

    embedders.reset_cache()
    path = tmp_path / clip.DIRNAME
    path.mkdir()
    (path / "config.json").write_text("{not json")
    (path / "model.safetensors").write_bytes(b"garbage")
    assert isinstance(embedders.active_embedder(tmp_path), descriptor.DescriptorEmbedder)
    # what pages and the API show names the setting, never the server's folder
    report = embedders.model_report(tmp_path)
    shown = " ".join([*report.missing, report.reason])
    assert str(tmp_path) not in shown and "MODEL_DIR/" in shown


@pytest.mark.parametrize("precision", ["bf16", "int8", "auto"])
def test_the_fast_clip_paths_stay_within_0_99_cosine_of_fp32(
    tmp_path: Path, precision: str
) -> None:
    save_tiny_clip(tmp_path)
    fast = clip.ClipEmbedder(tmp_path / clip.DIRNAME, precision=precision)
    assert fast.precision in ("bf16", "int8", "fp16")  # "auto" picks a fast path
    images = [
        product_shot(color=(i * 20, 90, 40), shape=("tower", "sofa")[i % 2]) for i in range(8)
    ]
    vectors = fast.embed(images)
    cos = (vectors * fast.embed(images, precision="fp32")).sum(axis=1)
    assert cos.min() >= 0.99
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_an_unknown_precision_is_refused(tmp_path: Path) -> None:
    save_tiny_clip(tmp_path)
    with pytest.raises(ValueError, match="precision"):
        clip.ClipEmbedder(tmp_path / clip.DIRNAME, precision="fp8")


def test_preparing_in_the_thread_pool_gives_the_vectors_of_preparing_one_after_another(
    tmp_path: Path,
) -> None:
    save_tiny_clip(tmp_path)
    emb = embedders.active_embedder(tmp_path)
    shots = [
        product_shot(color=(i * 7, 200 - i * 5, 60), shape=("tower", "sofa", "shoe")[i % 3])
        for i in range(30)
    ]
    contents = [encode(s) for s in shots]
    contents[4] = b"not an image"
    contents[11] = encode(product_shot(backdrop=(120, 160, 200)))  # keyed out, no rembg
    contents[17] = encode(noise_image(3, 200))  # embedded as it is
    batches = [contents[:8], contents[8:20], contents[20:]]
    parallel = [o for batch in embed_batches(batches, emb, None) for o in batch]
    sequential = [o for batch in embed_batches(batches, emb, None, parallel=False) for o in batch]
    one_call = embed_contents(contents, emb, None, parallel=False)
    for got in (sequential, one_call):
        assert [o.background for o in parallel] == [o.background for o in got]
        assert [o.error for o in parallel] == [o.error for o in got]
    assert parallel[4].vector is None and "이미지 파일이 아닙니다" in parallel[4].error
    assert {parallel[11].background, parallel[17].background} == {"border", "as_is"}
    for a, b in zip(parallel, sequential, strict=True):
        if a.vector is not None:
            np.testing.assert_array_equal(a.vector, b.vector)
    for a, b in zip(parallel, one_call, strict=True):
        if a.vector is not None:
            assert float(a.vector @ b.vector) > 0.999  # other batches: int8's batch scale


def test_the_descriptor_finds_a_photo_like_copy_of_a_picture_among_others() -> None:
    rng = np.random.default_rng(0)
    originals = [
        product_shot(color=c, shape=s)
        for s in ("tower", "sofa", "shoe")
        for c in ((30, 30, 30), (180, 40, 40), (40, 60, 170))
    ]
    emb = descriptor.DescriptorEmbedder()
    index = emb.embed(originals)
    np.testing.assert_allclose(np.linalg.norm(index, axis=1), 1.0, atol=1e-5)
    hits = 0
    for i, img in enumerate(originals):
        query = prepare(load_image(photo_like(img, rng)), None).image
        hits += int(np.argmax(index @ emb.embed([query])[0]) == i)
    assert hits >= 8


def test_a_bad_picture_fails_alone_and_the_rest_of_the_batch_is_embedded() -> None:
    contents = [encode(product_shot()), b"not an image", encode(product_shot(shape="sofa"))]
    out = embed_contents(contents, descriptor.DescriptorEmbedder(), None)
    assert [o.vector is not None for o in out] == [True, False, True]
    assert "이미지 파일이 아닙니다" in out[1].error
    assert out[0].background == "white"


def test_an_embedder_that_raises_on_one_picture_fails_only_that_one() -> None:
    class Picky(descriptor.DescriptorEmbedder):
        def embed(self, images: list[Image.Image]) -> np.ndarray:
            if any(img.getpixel((100, 100))[0] > 150 for img in images):
                raise RuntimeError("boom")
            return super().embed(images)

    contents = [encode(product_shot()), encode(product_shot(color=(220, 0, 0)))]
    out = embed_contents(contents, Picky(), None)
    assert out[0].vector is not None
    assert out[1].vector is None and "boom" in out[1].error


def test_real_catalog_pictures_take_the_white_path_and_their_copies_are_found(
    shared_data: Path,
) -> None:
    """Real images from ../shared/data/danawa/images: 10 distinct pictures per category."""
    rng = np.random.default_rng(1)
    pictures, seen = [], set()
    for cat in ("desktop", "sofa", "padding", "shoes"):
        n = 0
        for f in sorted((shared_data / "danawa/images" / cat).iterdir()):
            content = f.read_bytes()
            if content in seen:
                continue
            seen.add(content)
            pictures.append(content)
            n += 1
            if n == 10:
                break
    emb = descriptor.DescriptorEmbedder()
    out = embed_contents(pictures, emb, None)
    assert all(o.vector is not None for o in out)
    assert sum(o.background == "white" for o in out[:10]) >= 8  # brand PCs are shot on white
    index = np.stack([o.vector for o in out])
    found = 0
    for i, content in enumerate(pictures):
        query = prepare(load_image(photo_like(load_image(content), rng)), None).image
        found += int(i in np.argsort(-(index @ emb.embed([query])[0]))[:3])
    assert found >= 34  # of 40
