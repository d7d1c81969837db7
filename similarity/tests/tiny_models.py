"""Tiny models for the pipeline tests, saved the way the real ones are and loaded through the
same code: a randomly initialised CLIP (``save_pretrained``) and an ONNX "segmenter" for
rembg's custom-model session."""

from __future__ import annotations

from pathlib import Path

from similarity.ml import clip
from similarity.ml.embedders import REMBG_DIRNAME


def tiny_clip_config(projection_dim: int = 512) -> object:
    from transformers import CLIPVisionConfig

    return CLIPVisionConfig(
        hidden_size=32, intermediate_size=37, num_hidden_layers=2, num_attention_heads=2,
        image_size=32, patch_size=8, projection_dim=projection_dim,
    )  # fmt: skip


def save_tiny_clip(model_dir: Path, *, full: bool = False, seed: int = 0) -> Path:
    """A random tiny CLIP image tower (or a whole CLIPModel, as the hub checkpoint is) in
    ``model_dir/clip-vit-b32``."""
    import torch
    from transformers import CLIPConfig, CLIPModel, CLIPVisionModelWithProjection

    torch.manual_seed(seed)
    path = model_dir / clip.DIRNAME
    vision = tiny_clip_config()
    if full:
        config = CLIPConfig(
            text_config={
                "hidden_size": 32, "intermediate_size": 37, "num_hidden_layers": 2,
                "num_attention_heads": 2, "vocab_size": 99, "max_position_embeddings": 16,
            },
            vision_config=vision.to_dict(),
            projection_dim=512,
        )  # fmt: skip
        CLIPModel(config).save_pretrained(path)
    else:
        CLIPVisionModelWithProjection(vision).save_pretrained(path)
    return path


def save_tiny_segmenter(model_dir: Path, name: str = "u2net.onnx") -> Path:
    """An ONNX graph with U2-Net's interface (1×3×320×320 → 1×1×320×320) whose "mask" is the
    darkness of each pixel: dark objects are kept, a light backdrop is removed."""
    import onnx
    from onnx import TensorProto, helper

    x = helper.make_tensor_value_info("input.1", TensorProto.FLOAT, [1, 3, 320, 320])
    y = helper.make_tensor_value_info("mask", TensorProto.FLOAT, [1, 1, 320, 320])
    axes = helper.make_tensor("axes", TensorProto.INT64, [1], [1])
    nodes = [
        helper.make_node("ReduceMean", ["input.1", "axes"], ["mean"], keepdims=1),
        helper.make_node("Neg", ["mean"], ["neg"]),
        helper.make_node("Sigmoid", ["neg"], ["mask"]),
    ]
    graph = helper.make_graph(nodes, "tiny_segmenter", [x], [y], initializer=[axes])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)])
    model.ir_version = 9
    path = model_dir / REMBG_DIRNAME / name
    path.parent.mkdir(parents=True, exist_ok=True)
    onnx.save(model, str(path))
    return path
