"""``manage.py benchmark_indexing --images ../shared/data/danawa/images``: indexing speed end to
end on the real files (read, hash, background, embed, store) in a throwaway database.

By default the embedder is CLIP ViT-B/32's architecture (transformers' ``CLIPVisionConfig``
defaults) with random weights, saved with ``save_pretrained`` into a temporary model folder and
loaded through the same ``from_pretrained`` as real weights (the speed is the architecture's; no
weights are downloaded), at the precision the site would pick (``--precision auto``: bf16
autocast on a CPU with native bfloat16, int8 on other CPUs, fp16 on a GPU). Its cosine to the
fp32 embedding of the same real images is printed (``cosine_min``, ``cosine_mean``; the fast
path must stay ≥ 0.99). ``--embedder descriptor`` times the offline descriptor, ``active``
whatever the site would use. ``--profile`` first times each stage alone on a sample.
"""

from __future__ import annotations

import hashlib
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from core.benchmarks import throwaway_database
from similarity.benchmarks import RealImage, peak_rss_mb, real_images

COSINE_FLOOR = 0.99


class Command(BaseCommand):
    help = "실제 이미지 파일로 색인 속도를 잽니다 (읽기·해시·배경·임베딩·저장, 임시 DB)"

    def add_arguments(self, parser: CommandParser) -> None:
        from similarity.ml.clip import PRECISIONS

        parser.add_argument("--images", type=Path, required=True)
        parser.add_argument(
            "--embedder", choices=["clip-random", "descriptor", "active"], default="clip-random"
        )
        parser.add_argument("--precision", choices=PRECISIONS, default="auto")
        parser.add_argument("--batch-size", type=int, default=32)
        parser.add_argument("--limit", type=int, default=None, help="서로 다른 사진 최대 장수")
        parser.add_argument(
            "--sequential", action="store_true", help="준비(디코드·배경)를 스레드 없이 차례로"
        )
        parser.add_argument("--profile", action="store_true", help="단계별 시간을 먼저 잽니다")
        parser.add_argument("--cosine-sample", type=int, default=128)
        parser.add_argument("--db-name", default="test_pcadvisor_indexing_bench")
        parser.add_argument("--keep", action="store_true")

    def handle(self, *args: object, **options: object) -> None:
        with (
            tempfile.TemporaryDirectory(prefix="clip-random-") as tmp,
            throwaway_database(
                str(options["db_name"]), keep=bool(options["keep"]), say=self.stdout.write
            ),
        ):
            self._bench(options, self._embedder(options, Path(tmp)))

    def _embedder(self, options: dict, tmp: Path) -> object:
        from similarity.ml import clip, descriptor, embedders

        if options["embedder"] == "active":
            return embedders.active_embedder(Path(settings.MODEL_DIR))
        if options["embedder"] == "descriptor":
            return descriptor.DescriptorEmbedder()
        started = time.perf_counter()
        path = clip.save_random_vit_b32(tmp / clip.DIRNAME)
        emb = clip.ClipEmbedder(path, precision=str(options["precision"]))
        emb.key = "clip-vit-b32-random"
        self.stdout.write(
            f"무작위 ViT-B/32 save_pretrained → from_pretrained {time.perf_counter() - started:.1f}s"
        )
        return emb

    def _bench(self, options: dict, embedder: object) -> None:
        import torch

        from similarity.ml.embedders import rembg_model_path
        from similarity.ml.pipeline import embed_batches
        from similarity.models import ImageEmbedding

        segmenter = rembg_model_path(Path(settings.MODEL_DIR))
        self.stdout.write(
            f"임베더 {embedder.key} ({getattr(embedder, 'precision', '-')}, "
            f"{getattr(embedder, 'device', 'cpu')}), torch 스레드 {torch.get_num_threads()}, "
            f"준비 {'순차' if options['sequential'] else '스레드 풀 + 다음 배치 미리'}, rembg 모델 "
            f"{segmenter or '없음 (흰 배경 외에는 단색 배경 치환)'}"
        )
        limit = int(options["limit"]) if options["limit"] else None
        if options["profile"]:
            pictures, _ = real_images(Path(options["images"]))
            self._profile(embedder, segmenter, pictures[:: max(1, len(pictures) // 256)][:256])
        bs = int(options["batch_size"])
        started = time.perf_counter()
        pictures, files = real_images(Path(options["images"]), limit=limit)
        read_s = time.perf_counter() - started

        def batches() -> Iterator[list[bytes]]:
            for start in range(0, len(pictures), bs):
                yield [p.path.read_bytes() for p in pictures[start : start + bs]]

        backgrounds: dict[str, int] = {}
        failed, done = 0, 0
        outcomes_by_batch = embed_batches(
            batches(), embedder, segmenter, parallel=not options["sequential"]
        )
        for start, outcomes in zip(range(0, len(pictures), bs), outcomes_by_batch, strict=True):
            chunk = pictures[start : start + bs]
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
            done += len(chunk)
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
        self.stdout.write(
            f"distinct_per_s={len(pictures) / elapsed:.1f} files_per_s={files / elapsed:.1f}"
        )
        if hasattr(embedder, "embed_pixels") and embedder.precision != "fp32":
            step = max(1, len(pictures) // int(options["cosine_sample"]))
            self._agreement(embedder, pictures[::step][: int(options["cosine_sample"])])
        self.stdout.write(
            f"images_per_s={len(pictures) / elapsed:.1f} distinct={len(pictures)} files={files} "
            f"rembg_share={backgrounds.get('rembg', 0) / len(pictures):.3f} "
            f"peak_rss_mb={peak_rss_mb()}"
        )

    def _agreement(self, embedder: object, pictures: list[RealImage]) -> None:
        """Cosine between the fast path and fp32 on the same prepared real pictures."""
        from similarity.ml.pipeline import prepare_content

        prepared = [prepare_content(p.path.read_bytes(), embedder, None) for p in pictures]
        pixels = np.stack([p.pixels for p in prepared if not isinstance(p, str)])
        fast, full = [], []
        for start in range(0, len(pixels), 32):
            fast.append(embedder.embed_pixels(pixels[start : start + 32]))  # type: ignore[attr-defined]
            full.append(embedder.embed_pixels(pixels[start : start + 32], precision="fp32"))  # type: ignore[attr-defined]
        cos = (np.concatenate(fast) * np.concatenate(full)).sum(axis=1)
        verdict = (
            ""
            if cos.min() >= COSINE_FLOOR
            else f" — {COSINE_FLOOR} 미만: 이 정밀도는 쓰면 안 됩니다"
        )
        self.stdout.write(
            f"{embedder.precision} ↔ fp32 on {len(cos)} real pictures: "  # type: ignore[attr-defined]
            f"cosine_min={cos.min():.4f} cosine_mean={np.mean(cos):.4f}{verdict}"
        )

    def _profile(self, embedder: object, segmenter: Path | None, pictures: list) -> None:
        """Each stage alone, one picture after another (one thread for the Python stages,
        torch's threads for the model): where the time goes."""
        from django.db import transaction

        from similarity.ml.images import load_image
        from similarity.ml.pipeline import DECODE_MIN_SIDE, prepare
        from similarity.models import ImageEmbedding

        n = len(pictures)
        t = {}
        s = time.perf_counter()
        contents = [p.path.read_bytes() for p in pictures]
        t["read"] = time.perf_counter() - s
        s = time.perf_counter()
        for c in contents:
            hashlib.sha256(c).hexdigest()
        t["hash"] = time.perf_counter() - s
        s = time.perf_counter()
        images = [load_image(c, min_side=DECODE_MIN_SIDE) for c in contents]
        t["decode"] = time.perf_counter() - s
        s = time.perf_counter()
        prepared = [prepare(img, segmenter) for img in images]
        t["background"] = time.perf_counter() - s
        to_pixels = getattr(embedder, "pixels", None)
        if to_pixels is not None:
            s = time.perf_counter()
            pixels = np.stack([to_pixels(p.image) for p in prepared])
            t["resize"] = time.perf_counter() - s
            embed = embedder.embed_pixels  # type: ignore[attr-defined]
            embed(pixels[:32])  # warm-up (oneDNN picks its kernels)
            s = time.perf_counter()
            vectors = np.concatenate([embed(pixels[i : i + 32]) for i in range(0, n, 32)])
        else:
            s = time.perf_counter()
            vectors = embedder.embed([p.image for p in prepared])  # type: ignore[attr-defined]
        t["model"] = time.perf_counter() - s
        s = time.perf_counter()
        with transaction.atomic():
            for i in range(0, n, 32):
                ImageEmbedding.objects.bulk_create(
                    ImageEmbedding(
                        sha256=f"{j:064x}", embedder="profile", vector=vectors[j],
                        background="white", status="indexed", attempts=1,
                    )
                    for j in range(i, min(n, i + 32))
                )  # fmt: skip
            transaction.set_rollback(True)
        t["db"] = time.perf_counter() - s
        self.stdout.write(
            f"단계별 ({n}장, 차례로): "
            + ", ".join(f"{k} {v / n * 1000:.2f}" for k, v in t.items())
            + f" ms/장 (합 {sum(t.values()) / n * 1000:.1f})"
        )
