"""The CLIP ViT-B/32 image tower through transformers, from ``MODEL_DIR/clip-vit-b32``.

``fetch_models`` saves the Hugging Face checkpoint there (``save_pretrained``); tests save a tiny
randomly initialised one the same way, so the loading code is the code that runs. Loaded once per
process (``similarity.ml.embedders.active_embedder``), run in batches of 32 under
``torch.inference_mode()``, on the GPU when there is one; vectors are L2-normalised.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
from PIL import Image

logger = logging.getLogger(__name__)

NAME = "clip-vit-b32"
VERSION = 1
KEY = f"{NAME}-v{VERSION}"
DIRNAME = "clip-vit-b32"
HF_REPO = "openai/clip-vit-base-patch32"
BATCH_SIZE = 32
MEAN = np.array([0.48145466, 0.4578275, 0.40821073], dtype=np.float32)
STD = np.array([0.26862954, 0.26130258, 0.27577711], dtype=np.float32)


class ClipUnavailable(RuntimeError):
    """No usable CLIP checkpoint (missing, incomplete or incompatible)."""


def checkpoint_present(path: Path) -> bool:
    return (path / "config.json").is_file() and any(
        (path / f).is_file() for f in ("model.safetensors", "pytorch_model.bin")
    )


class ClipEmbedder:
    """CLIP's image tower + projection. ``precision`` "fp32" or "bf16" (CPU autocast: about
    twice as fast on 2 cores; ``benchmark_indexing`` prints its cosine to fp32)."""

    name = NAME
    key = KEY
    kind = "clip"

    def __init__(self, path: Path, *, device: str | None = None, precision: str = "fp32") -> None:
        if not checkpoint_present(path):
            raise ClipUnavailable(f"CLIP 가중치가 없습니다: {path}")
        import torch
        from transformers import CLIPVisionModelWithProjection

        try:
            model = CLIPVisionModelWithProjection.from_pretrained(str(path))
        except (OSError, ValueError, KeyError, RuntimeError) as exc:
            raise ClipUnavailable(f"CLIP 가중치를 읽을 수 없습니다: {exc}") from exc
        self.device = device or ("cuda" if torch.cuda.is_available() else "cpu")
        self.model = model.eval().to(self.device)
        self.image_size = int(model.config.image_size)
        self.dim = int(model.config.projection_dim)
        self.precision = precision

    @classmethod
    def from_model(cls, model: object, *, precision: str = "fp32") -> ClipEmbedder:
        """An embedder around an already built model (benchmarks: random ViT-B/32 weights)."""
        self = cls.__new__(cls)
        self.device = "cpu"
        self.model = model.eval()  # type: ignore[attr-defined]
        self.image_size = int(model.config.image_size)  # type: ignore[attr-defined]
        self.dim = int(model.config.projection_dim)  # type: ignore[attr-defined]
        self.precision = precision
        return self

    def preprocess(self, img: Image.Image) -> np.ndarray:
        """CLIP's own preprocessing: shorter side to image_size (bicubic), centre crop,
        normalise; CHW float32."""
        s = self.image_size
        w, h = img.size
        scale = s / min(w, h)
        img = img.resize(
            (max(s, round(w * scale)), max(s, round(h * scale))), Image.Resampling.BICUBIC
        )
        left, top = (img.width - s) // 2, (img.height - s) // 2
        arr = np.asarray(img.crop((left, top, left + s, top + s)), dtype=np.float32) / 255.0
        return ((arr - MEAN) / STD).transpose(2, 0, 1)

    def embed(self, images: list[Image.Image]) -> np.ndarray:
        import torch

        if not images:
            return np.zeros((0, self.dim), dtype=np.float32)
        out = []
        for start in range(0, len(images), BATCH_SIZE):
            batch = np.stack([self.preprocess(img) for img in images[start : start + BATCH_SIZE]])
            pixels = torch.from_numpy(batch).to(self.device)
            with torch.inference_mode():
                if self.precision == "bf16":
                    with torch.autocast(
                        device_type=self.device.split(":")[0], dtype=torch.bfloat16
                    ):
                        emb = self.model(pixel_values=pixels).image_embeds
                else:
                    emb = self.model(pixel_values=pixels).image_embeds
                emb = torch.nn.functional.normalize(emb.float(), dim=-1)
            out.append(emb.cpu().numpy())
        return np.concatenate(out).astype(np.float32)


def random_vit_b32() -> object:
    """CLIP ViT-B/32's image tower with random weights (timing only)."""
    from transformers import CLIPVisionConfig, CLIPVisionModelWithProjection

    return CLIPVisionModelWithProjection(CLIPVisionConfig())
