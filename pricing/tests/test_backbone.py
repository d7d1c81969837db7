"""Image backbone loading (real loading code, tiny timm model) and the per-hash feature cache."""

from __future__ import annotations

import hashlib

import pytest
from PIL import Image

from pricing.ml import backbone
from pricing.ml.ensemble import train_ensemble
from pricing.tests.helpers import synthetic_records, tiny_config


@pytest.fixture
def model_dir(tmp_path: object, settings: object) -> object:
    settings.MODEL_DIR = tmp_path
    backbone.reset_backbones()
    yield tmp_path
    backbone.reset_backbones()


def _image(path: object, color: tuple[int, int, int]) -> str:
    Image.new("RGB", (64, 64), color).save(path)
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_without_weights_the_backbone_is_randomly_initialised(model_dir: object) -> None:
    _model, info = backbone.create_backbone("test_efficientnet")
    assert info.pretrained is False


def test_weights_in_model_dir_are_loaded_with_weights_only(model_dir: object) -> None:
    import timm
    import torch

    source = timm.create_model("test_efficientnet", pretrained=False, num_classes=0)
    target = backbone.weights_path("test_efficientnet")
    target.parent.mkdir(parents=True)
    torch.save(source.state_dict(), target)
    model, info = backbone.create_backbone("test_efficientnet")
    assert info.pretrained is True
    first = next(iter(source.state_dict()))
    assert torch.equal(model.state_dict()[first], source.state_dict()[first])


def test_features_are_computed_once_per_image_content(model_dir: object, monkeypatch) -> None:
    a = model_dir / "a.png"
    sha = _image(a, (200, 10, 10))
    first = backbone.image_features({sha: str(a)}, "test_efficientnet")
    assert list((model_dir / "features").rglob(f"{sha}.npy"))
    model, _info = backbone.create_backbone("test_efficientnet")
    monkeypatch.setattr(model, "forward", lambda *a, **k: pytest.fail("backbone ran again"))
    second = backbone.image_features({sha: str(a)}, "test_efficientnet")
    assert (first[sha] == second[sha]).all()


def test_products_without_an_image_are_estimated_with_the_image_branch_masked(
    model_dir: object,
) -> None:
    records = synthetic_records(60)
    colors = [(255, 0, 0), (0, 255, 0), (0, 0, 255)]
    for i, record in enumerate(records[:40]):
        path = model_dir / f"img{i % 3}.png"
        record.image_sha256 = _image(path, colors[i % 3])
        record.image_path = str(path)
    ensemble = train_ensemble(records, tiny_config(max_epochs=2))
    assert ensemble.images_used == 40
    from pricing.ml.ensemble import load_image_features

    feats, _dim, _pre = load_image_features(records, ensemble.config)
    with_image, without = ensemble.estimate([records[0], records[50]], feats)
    assert with_image.used_image is True
    assert without.used_image is False
    assert without.fair_price > 0


def test_fetch_fails_quickly_with_a_clear_message_when_offline(
    model_dir: object, monkeypatch
) -> None:
    import urllib.request

    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError("network unreachable")

    monkeypatch.setattr(urllib.request, "urlopen", refuse)
    with pytest.raises(OSError, match="내려받지 못했습니다"):
        backbone.fetch_weights("efficientnet_b2", timeout=1)
    assert not backbone.weights_path("efficientnet_b2").exists()
