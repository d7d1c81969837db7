"""The CLIP ViT-B/32 image tower through transformers, from ``MODEL_DIR/clip-vit-b32``.

``fetch_models`` saves the Hugging Face checkpoint there (``save_pretrained``); tests and
``benchmark_indexing`` save a randomly initialised one the same way, so the loading code is the
code that runs. Loaded once per process (``similarity.ml.embedders.active_embedder``), run in
batches of 32 under ``torch.inference_mode()``, on the GPU when there is one; vectors are
L2-normalised.

Speed: by default (``precision="auto"``) the model runs under float16 autocast on a GPU and,
on a CPU, with its Linear layers quantised to int8 (``torch.ao.quantization.quantize_dynamic``:
weights int8, activations quantised on the fly). On the 2-core AVX512-BF16 machine this was
chosen on, int8 beat bfloat16 autocast in every same-run measurement (model alone 17.1 vs 14.7
images/s at load ≈ 2; end to end with the preparing pool 6.6–8.3 vs 2.6–3.5 at load 11–17:
oneDNN's bf16 kernels suffer most from sharing the cores); "bf16" stays selectable. Each stays
≥ 0.99 cosine of the fp32 embedding: ``benchmark_indexing`` measures it on the real images
(printed ``cosine_min``) and a test checks it on a tiny model. Preprocessing is split so that a thread pool can run it while the model
works (``similarity.ml.pipeline``): ``pixels()`` (resize + crop, uint8, thread-safe) per
picture, then ``embed_pixels()`` normalises the whole batch as one tensor and runs the model.
"""

from __future__ import annotations

import logging
import warnings
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
PRECISIONS = ("auto", "fp32", "bf16", "fp16", "int8")


class ClipUnavailable(RuntimeError):
    """No usable CLIP checkpoint (missing, incomplete or incompatible)."""


def checkpoint_present(path: Path) -> bool:
    return (path / "config.json").is_file() and any(
        (path / f).is_file() for f in ("model.safetensors", "pytorch_model.bin")
    )


def resolve_precision(precision: str, device: str) -> str:
    """What "auto" means on ``device``: fp16 autocast on a GPU, int8 dynamic quantisation of
    the Linear layers on a CPU (see the module's note on speed)."""
    if precision not in PRECISIONS:
        raise ValueError(f"precision must be one of {PRECISIONS}, not {precision!r}")
    if precision != "auto":
        return precision
    return "fp16" if device.startswith("cuda") else "int8"


class ClipEmbedder:
    """CLIP's image tower + projection; ``precision`` one of ``PRECISIONS`` (see the module)."""

    name = NAME
    key = KEY
    kind = "clip"

    def __init__(self, path: Path, *, device: str | None = None, precision: str = "auto") -> None:
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
        self.precision = resolve_precision(precision, self.device)
        self._int8: object | None = None
        # (x / 255 - mean) / std as one multiply-add on the batch
        self._scale = torch.from_numpy(1.0 / (255.0 * STD)).view(1, 3, 1, 1).to(self.device)
        self._shift = torch.from_numpy(-MEAN / STD).view(1, 3, 1, 1).to(self.device)

    def pixels(self, img: Image.Image) -> np.ndarray:
        """CLIP's own geometry: shorter side to image_size (bicubic), centre crop; uint8
        image_size×image_size×3. Only the kept centre is resampled (``box``). Thread-safe
        (Pillow releases the GIL while resampling)."""
        s = self.image_size
        w, h = img.size
        side = min(w, h)
        left, top = (w - side) / 2, (h - side) / 2
        if (w, h) != (s, s):
            img = img.resize(
                (s, s), Image.Resampling.BICUBIC, box=(left, top, left + side, top + side)
            )
        return np.asarray(img.convert("RGB"), dtype=np.uint8)

    def preprocess(self, img: Image.Image) -> np.ndarray:
        """CHW float32, normalised (what the model's ``pixel_values`` hold)."""
        arr = self.pixels(img).astype(np.float32) / 255.0
        return ((arr - MEAN) / STD).transpose(2, 0, 1)

    def embed(self, images: list[Image.Image], *, precision: str | None = None) -> np.ndarray:
        if not images:
            return np.zeros((0, self.dim), dtype=np.float32)
        out = [
            self.embed_pixels(
                np.stack([self.pixels(img) for img in images[start : start + BATCH_SIZE]]),
                precision=precision,
            )
            for start in range(0, len(images), BATCH_SIZE)
        ]
        return np.concatenate(out)

    def embed_pixels(self, pixels: np.ndarray, *, precision: str | None = None) -> np.ndarray:
        """Unit vectors of a batch of ``pixels()`` (N×s×s×3 uint8); ``precision`` overrides
        the embedder's own (``benchmark_indexing`` compares with "fp32")."""
        import torch

        if len(pixels) == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        precision = resolve_precision(precision or self.precision, self.device)
        with torch.inference_mode():
            x = torch.from_numpy(np.ascontiguousarray(pixels)).to(self.device)
            x = x.permute(0, 3, 1, 2).float().mul_(self._scale).add_(self._shift)
            if precision in ("bf16", "fp16"):
                dtype = torch.bfloat16 if precision == "bf16" else torch.float16
                with torch.autocast(device_type=self.device.split(":")[0], dtype=dtype):
                    emb = self.model(pixel_values=x).image_embeds
            elif precision == "int8":
                emb = self._quantised()(pixel_values=x).image_embeds
            else:
                emb = self.model(pixel_values=x).image_embeds
            emb = torch.nn.functional.normalize(emb.float(), dim=-1)
            return emb.cpu().numpy().astype(np.float32, copy=False)

    def _quantised(self) -> object:
        """The model with its Linear layers' weights in int8 (activations quantised on the
        fly), built once; CPU only."""
        if self._int8 is None:
            import torch

            if self.device != "cpu":
                raise ValueError("int8 dynamic quantisation runs on the CPU only")
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # torch.ao.quantization's deprecation notice
                self._int8 = torch.ao.quantization.quantize_dynamic(
                    self.model, {torch.nn.Linear}, dtype=torch.qint8
                )
        return self._int8


def save_random_vit_b32(path: Path, *, seed: int = 0) -> Path:
    """CLIP ViT-B/32's image tower (transformers' ``CLIPVisionConfig`` defaults) with random
    weights, saved with ``save_pretrained`` into ``path``: timing only, loaded through the same
    ``from_pretrained`` as real weights."""
    import torch
    from transformers import CLIPVisionConfig, CLIPVisionModelWithProjection

    torch.manual_seed(seed)
    CLIPVisionModelWithProjection(CLIPVisionConfig()).save_pretrained(str(path))
    return path
