"""``manage.py benchmark_indexing --images ../shared/data/danawa/images``: indexing speed end to
end on the real files (read, hash, background, embed, store) in a throwaway database.

By default the embedder is CLIP ViT-B/32's architecture with random weights (the speed is the
architecture's; no weights are downloaded here), under bfloat16 autocast on CPU; its cosine to
the fp32 embedding of the same real images is printed. ``--embedder active`` times whatever the
site would use (the offline descriptor without CLIP weights).
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from core.benchmarks import throwaway_database
from similarity.benchmarks import peak_rss_mb, real_images


class Command(BaseCommand):
    help = "실제 이미지 파일로 색인 속도를 잽니다 (읽기·해시·배경·임베딩·저장, 임시 DB)"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--images", type=Path, required=True)
        parser.add_argument("--embedder", choices=["clip-random", "active"], default="clip-random")
        parser.add_argument("--precision", choices=["bf16", "fp32"], default="bf16")
        parser.add_argument("--batch-size", type=int, default=32)
        parser.add_argument("--db-name", default="test_pcadvisor_indexing_bench")
        parser.add_argument("--keep", action="store_true")

    def handle(self, *args: object, **options: object) -> None:
        with throwaway_database(
            str(options["db_name"]), keep=bool(options["keep"]), say=self.stdout.write
        ):
            self._bench(options)

    def _embedder(self, options: dict) -> object:
        from similarity.ml import clip, embedders

        if options["embedder"] == "active":
            return embedders.active_embedder(Path(settings.MODEL_DIR))
        import torch

        torch.manual_seed(0)
        model = clip.random_vit_b32()
        emb = clip.ClipEmbedder.from_model(model, precision=options["precision"])
        emb.key = "clip-vit-b32-random"
        return emb

    def _bench(self, options: dict) -> None:
        import torch

        from similarity.ml.embedders import rembg_model_path
        from similarity.ml.pipeline import embed_contents
        from similarity.models import ImageEmbedding

        embedder = self._embedder(options)
        segmenter = rembg_model_path(Path(settings.MODEL_DIR))
        self.stdout.write(
            f"임베더 {embedder.key} ({getattr(embedder, 'precision', '-')}), torch 스레드 "
            f"{torch.get_num_threads()}, rembg 모델 {segmenter or '없음 (흰 배경 외에는 단색 배경 치환)'}"
        )
        started = time.perf_counter()
        pictures, files = real_images(Path(options["images"]))
        contents = [p.path.read_bytes() for p in pictures]
        read_s = time.perf_counter() - started
        backgrounds: dict[str, int] = {}
        failed = 0
        bs = int(options["batch_size"])
        for start in range(0, len(pictures), bs):
            chunk = pictures[start : start + bs]
            outcomes = embed_contents(contents[start : start + bs], embedder, segmenter)
            rows = []
            for pic, out in zip(chunk, outcomes, strict=True):
                backgrounds[out.background] = backgrounds.get(out.background, 0) + 1
                failed += out.vector is None
                rows.append(
                    ImageEmbedding(
                        sha256=pic.sha256, embedder=embedder.key, vector=out.vector,
                        background=out.background, status="indexed" if out.vector is not None else "failed",
                        error=out.error, attempts=1,
                    )
                )  # fmt: skip
            ImageEmbedding.objects.bulk_create(rows)
            done = start + len(chunk)
            if done % (bs * 20) == 0 or done == len(pictures):
                rate = done / (time.perf_counter() - started)
                self.stdout.write(f"  {done}/{len(pictures)} ({rate:.1f}장/s)")
        elapsed = time.perf_counter() - started
        stored = ImageEmbedding.objects.filter(embedder=embedder.key, status="indexed").count()
        self.stdout.write(
            f"파일 {files}개, 서로 다른 사진 {len(pictures)}장, 읽기+해시 {read_s:.1f}s, 전체 {elapsed:.1f}s, "
            f"저장 {stored}행, 실패 {failed}; 배경: "
            + ", ".join(f"{k or '-'} {v}" for k, v in sorted(backgrounds.items()))
        )
        if getattr(embedder, "precision", None) == "bf16":
            self._agreement(embedder, contents[:: max(1, len(contents) // 64)][:64])
        self.stdout.write(
            f"images_per_s={len(pictures) / elapsed:.1f} distinct={len(pictures)} files={files} "
            f"rembg_share={backgrounds.get('rembg', 0) / len(pictures):.3f} "
            f"peak_rss_mb={peak_rss_mb()}"
        )

    def _agreement(self, embedder: object, contents: list[bytes]) -> None:
        from similarity.ml.images import load_image

        images = [load_image(c) for c in contents]
        low = embedder.embed(images)  # type: ignore[attr-defined]
        embedder.precision = "fp32"  # type: ignore[attr-defined]
        full = embedder.embed(images)  # type: ignore[attr-defined]
        embedder.precision = "bf16"  # type: ignore[attr-defined]
        cos = (low * full).sum(axis=1)
        self.stdout.write(
            f"bf16 ↔ fp32 코사인 ({len(images)}장): 최소 {cos.min():.4f}, 평균 {np.mean(cos):.4f}"
        )
