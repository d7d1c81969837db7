"""The ensemble's artifact: one versioned torch file, written to ``*.part`` then renamed, read
with ``weights_only=True``. A file of another format version, or one this code cannot read,
raises ``IncompatibleArtifact``: the caller treats it like a missing file (no usable model)."""

from __future__ import annotations

import os
import pickle
from dataclasses import asdict
from pathlib import Path

from pricing.ml.ensemble.config import TrainConfig
from pricing.ml.ensemble.model import FairPriceEnsemble
from pricing.ml.features import SpecEncoder
from pricing.ml.gbm import AnchoredTrees, TreeEnsemble
from pricing.ml.network import MEMBER_BY_KEY, build_network

# 2: the boosting member always stored; stacked weights; the difficulty model of the adaptive
# intervals (``scale``), whose conformal quantiles version 1 widths are not.
FORMAT_VERSION = 2
# What a payload this code cannot read raises while it is loaded (missing keys, other shapes, a
# file that is not a torch archive, or one ``weights_only`` refuses).
_UNREADABLE = (KeyError, TypeError, AttributeError, RuntimeError, EOFError, pickle.UnpicklingError)


class IncompatibleArtifact(ValueError):
    """An artifact of another format version, or one this code cannot read."""


def save_ensemble(ensemble: FairPriceEnsemble, path: Path) -> None:
    """Write the artifact to ``path`` atomically (``*.part`` then rename)."""
    import torch

    payload = {
        "format_version": FORMAT_VERSION,
        "config": asdict(ensemble.config),
        "encoder": ensemble.encoder.state(),
        "members": {
            key: {"state": net.state_dict(), "meta": ensemble.member_meta[key]}
            for key, net in ensemble.networks.items()
        },
        "gbm": ensemble.gbm.state() if ensemble.gbm is not None else None,
        "gbm_used": ensemble.gbm_used,
        "band_weights": ensemble.band_weights,
        "conformal": ensemble.conformal,
        "scale": ensemble.scale.state() if ensemble.scale is not None else None,
        "image_dim": ensemble.image_dim,
        "images_used": ensemble.images_used,
        "backbone_pretrained": ensemble.backbone_pretrained,
        "domain": ensemble.domain,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_name(path.name + ".part")
    torch.save(payload, part)
    os.replace(part, path)


def load_ensemble(path: Path) -> FairPriceEnsemble:
    """The ensemble saved at ``path`` (``weights_only``). Raises FileNotFoundError when there is
    no file, IncompatibleArtifact when it has another format version or cannot be read."""
    import torch

    try:
        payload = torch.load(path, map_location="cpu", weights_only=True)
    except _UNREADABLE as exc:
        raise IncompatibleArtifact(f"{path.name}: 읽을 수 없는 모델 파일 ({exc})") from exc
    version = payload.get("format_version") if isinstance(payload, dict) else None
    if version != FORMAT_VERSION:
        raise IncompatibleArtifact(f"{path.name}: 형식 버전 {version} (이 코드는 {FORMAT_VERSION})")
    try:
        return _from_payload(payload)
    except _UNREADABLE as exc:
        raise IncompatibleArtifact(
            f"{path.name}: 형식 버전 {version}이지만 읽을 수 없습니다 ({exc})"
        ) from exc


def _from_payload(payload: dict) -> FairPriceEnsemble:
    stored = payload["config"]
    config = TrainConfig(**{**stored, "members": tuple(stored["members"]),
                            "residual_members": tuple(stored.get("residual_members", ()))})  # fmt: skip
    encoder = SpecEncoder.from_state(payload["encoder"])
    networks, meta = {}, {}
    for key, member in payload["members"].items():
        net = build_network(
            encoder.width, payload["image_dim"], encoder.manufacturer_count, MEMBER_BY_KEY[key]
        )
        net.load_state_dict(member["state"])
        net.eval()
        networks[key] = net
        meta[key] = dict(member["meta"])
    gbm = AnchoredTrees.from_state(payload["gbm"]) if payload["gbm"] else None
    return FairPriceEnsemble(
        encoder=encoder,
        networks=networks,
        member_meta=meta,
        gbm=gbm,
        gbm_used=payload["gbm_used"],
        band_weights=payload["band_weights"],
        conformal=payload["conformal"],
        config=config,
        image_dim=payload["image_dim"],
        images_used=payload["images_used"],
        backbone_pretrained=payload["backbone_pretrained"],
        domain=payload.get("domain") or {},
        scale=TreeEnsemble.from_state(payload["scale"]) if payload["scale"] else None,
    )
