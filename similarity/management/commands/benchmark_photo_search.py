"""``manage.py benchmark_photo_search --images ../shared/data/danawa/images``: search by photo
end to end, in a throwaway database.

A sample of the distinct real pictures of the four categories is indexed with the active
embedder (as ``index_images`` would: ``similarity.ml.pipeline``), one product each. Then real
photos are POSTed to ``/api/v1/similarity/search`` with Django's test client, through the whole
middleware stack and the real API view: multipart parsing (in memory), decoding, background,
embedding, the filtered HNSW search and serialization. Each query is a photo-like copy of one
indexed picture (``similarity.ml.augment``: backdrop, rotation, crop, colour, JPEG), enlarged to
a phone camera's size (4032 px by default, 12 MP) and, every other one, stored sideways with an
EXIF orientation tag as phones do. The time of each request is measured around
``client.post`` (so it includes building the multipart body too); the last line is
``p95_ms=<x> n=<n> embedder=<name>``.
"""

from __future__ import annotations

import io
import os
import time
from pathlib import Path

import numpy as np
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.urls import reverse

from core.benchmarks import percentile, throwaway_database
from similarity.benchmarks import CATEGORIES, peak_rss_mb, real_images

KINDS = {"desktop": "desktop"}  # the other three are not PC categories


class Command(BaseCommand):
    help = "실제 사진으로 '사진으로 찾기' API의 응답 시간을 잽니다 (임시 DB, 처음부터 끝까지)"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--images", type=Path, required=True)
        parser.add_argument("--pictures", type=int, default=400, help="색인할 서로 다른 사진 수")
        parser.add_argument("--queries", type=int, default=100, help="보낼 사진 수")
        parser.add_argument("--k", type=int, default=10)
        parser.add_argument(
            "--phone-size", type=int, default=4032, help="질의 사진의 긴 변 (0: 원본 크기)"
        )
        parser.add_argument(
            "--embedder",
            choices=["active", "clip-random"],
            default="active",
            help="active: 이 서버의 임베더; clip-random: 무작위 가중치 CLIP ViT-B/32 (속도만)",
        )
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--db-name", default="test_pcadvisor_photo_bench")
        parser.add_argument("--keep", action="store_true")

    def handle(self, *args: object, **options: object) -> None:
        pictures, files = real_images(Path(options["images"]))
        rng = np.random.default_rng(int(options["seed"]))
        n = min(int(options["pictures"]), len(pictures))
        if n < 1 or int(options["queries"]) < 1:
            raise CommandError("--pictures와 --queries는 1 이상이어야 합니다")
        sample = [pictures[i] for i in sorted(rng.permutation(len(pictures))[:n])]
        with throwaway_database(
            str(options["db_name"]), keep=bool(options["keep"]), say=self.stdout.write
        ):
            if options["embedder"] == "clip-random":
                self._random_clip()
            try:
                self._bench(sample, files, rng, options)
            finally:
                from similarity.ml import embedders

                embedders.reset_cache()

    def _random_clip(self) -> None:
        """Make CLIP ViT-B/32 with random weights this process's embedder (no weights are
        downloaded here: the timing is the architecture's, the ranking meaningless)."""
        import torch

        from similarity.ml import clip, embedders

        torch.manual_seed(0)
        emb = clip.ClipEmbedder.from_model(clip.random_vit_b32())
        emb.key = "clip-vit-b32-random"
        embedders.reset_cache()
        with embedders._lock:
            embedders._cache[str(Path(settings.MODEL_DIR))] = emb

    def _index(self, sample: list, rng: np.random.Generator) -> tuple[object, dict[str, int]]:
        from catalog.models import Category, CategoryKind, Product
        from similarity import services
        from similarity.ml.embedders import rembg_model_path
        from similarity.ml.pipeline import embed_contents
        from similarity.models import ImageEmbedding

        embedder = services.active_embedder()
        segmenter = rembg_model_path(Path(settings.MODEL_DIR))
        cats = {
            c: Category.objects.create(
                code=f"bench-{c}", name=c, kind=KINDS.get(c, CategoryKind.OTHER)
            )
            for c in CATEGORIES
        }
        started = time.perf_counter()
        product_of: dict[str, int] = {}
        for start in range(0, len(sample), 32):
            chunk = sample[start : start + 32]
            outcomes = embed_contents([p.path.read_bytes() for p in chunk], embedder, segmenter)
            ImageEmbedding.objects.bulk_create(
                ImageEmbedding(
                    sha256=p.sha256, embedder=embedder.key, vector=o.vector,  # type: ignore[attr-defined]
                    background=o.background, attempts=1, error=o.error,
                    status="indexed" if o.vector is not None else "failed",
                )
                for p, o in zip(chunk, outcomes, strict=True)
            )  # fmt: skip
            # The image names are what the serializer turns into URLs; no file is written.
            made = Product.objects.bulk_create(
                Product(
                    pcode=f"photo-bench-{start + j}", name=f"{p.category} {p.path.stem}",
                    category=cats[p.category], image=f"products/bench/{p.sha256}.jpg",
                    image_sha256=p.sha256, current_price=int(rng.integers(10_000, 3_000_000)),
                )
                for j, p in enumerate(chunk)
            )  # fmt: skip
            product_of.update({p.sha256: m.pk for p, m in zip(chunk, made, strict=True)})
        from django.db import connection

        with connection.cursor() as cur:
            cur.execute("ANALYZE")
        self.stdout.write(
            f"색인: 사진 {len(sample)}장, 임베더 {embedder.key} "  # type: ignore[attr-defined]
            f"{time.perf_counter() - started:.1f}s"
        )
        return embedder, product_of

    def _queries(self, sample: list, rng: np.random.Generator, options: dict) -> list[tuple]:
        from PIL import Image

        from similarity.ml.augment import photo_like
        from similarity.ml.images import load_image

        picks = rng.choice(len(sample), size=int(options["queries"]), replace=True)
        size = int(options["phone_size"])
        out = []
        for q, i in enumerate(picks):
            photo = Image.open(io.BytesIO(photo_like(load_image(sample[i].path.read_bytes()), rng)))
            if size:
                scale = size / max(photo.size)
                photo = photo.resize(
                    (round(photo.width * scale), round(photo.height * scale)),
                    Image.Resampling.BICUBIC,
                )
            exif = Image.Exif()
            if q % 2:  # stored sideways, turned upright by its EXIF tag (orientation 6)
                photo = photo.rotate(90, expand=True)
                exif[0x0112] = 6
            buf = io.BytesIO()
            photo.save(buf, "JPEG", quality=88, exif=exif)
            out.append((sample[i].sha256, buf.getvalue()))
        return out

    def _bench(self, sample: list, files: int, rng: np.random.Generator, options: dict) -> None:
        from django.test import Client

        embedder, product_of = self._index(sample, rng)
        started = time.perf_counter()
        queries = self._queries(sample, rng, options)
        sizes = [len(c) for _, c in queries]
        self.stdout.write(
            f"질의 사진 {len(queries)}장 만듦 {time.perf_counter() - started:.1f}s: "
            f"평균 {np.mean(sizes) / 1e6:.2f}MB, 긴 변 {options['phone_size'] or '원본'}px, "
            f"절반은 EXIF 회전"
        )
        client = Client()
        url = reverse("similarity-api:photo-search")

        def post(content: bytes) -> object:
            upload = io.BytesIO(content)
            upload.name = "phone.jpg"
            return client.post(url, {"image": upload, "k": int(options["k"])})

        post(queries[0][1])  # warm-up: the embedder and sessions load once per process
        times, top1, top10, used = [], 0, 0, ""
        parts: dict[str, list[float]] = {}
        for sha, content in queries:
            t = time.perf_counter()
            response = post(content)
            times.append((time.perf_counter() - t) * 1000)
            if response.status_code != 200:
                raise CommandError(f"HTTP {response.status_code}: {response.content[:300]!r}")
            for item in response.headers.get("Server-Timing", "").split(","):
                name, _, dur = item.strip().partition(";dur=")
                if dur:
                    parts.setdefault(name, []).append(float(dur))
            body = response.json()
            used = body["embedder"]
            ids = [r["id"] for r in body["results"]]
            top1 += bool(ids) and ids[0] == product_of[sha]
            top10 += product_of[sha] in ids
        n = len(times)
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        self.stdout.write(
            f"요청 {n}개 (k={options['k']}): p50 {percentile(times, 0.5):.1f} ms, "
            f"p95 {percentile(times, 0.95):.1f} ms, 최대 {max(times):.1f} ms, "
            f"평균 {np.mean(times):.1f} ms; 원래 상품 1위 {top1 / n:.2f}, 10위 안 {top10 / n:.2f}; "
            f"CPU {os.cpu_count()}개, 부하 {load:.1f}, peak_rss_mb={peak_rss_mb()}"
        )
        self.stdout.write(
            "서버 안 (Server-Timing) 중앙값: "
            + ", ".join(f"{k} {np.median(v):.1f} ms" for k, v in parts.items())
            + "; 나머지는 multipart 만들기·파싱, 미들웨어, 직렬화"
        )
        self.stdout.write(f"p95_ms={percentile(times, 0.95):.1f} n={n} embedder={used}")
