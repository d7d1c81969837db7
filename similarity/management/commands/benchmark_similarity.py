"""``manage.py benchmark_similarity --images ../shared/data/danawa/images``: quality of the active
embedder on the distinct real pictures of the four categories.

Every picture is indexed as the catalog indexes it (``similarity.ml.pipeline``); each query is a
photo-like copy of one of them (``similarity.ml.augment``: a non-white backdrop, a small
rotation, a random crop, colour/brightness/contrast changes, JPEG re-encoding) sent through the
same pipeline. Ranking is exact cosine over all pictures, so the figures are the embedder's, not
the index's (``benchmark_search`` measures that). Reported: recall@10 of the original, category
precision@10, and the same for a plain RGB colour-histogram baseline.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from similarity.benchmarks import CATEGORIES, real_images


def _scores(queries: np.ndarray, index: np.ndarray, cats: np.ndarray) -> tuple[float, float, dict]:
    hits, precision = 0, []
    for start in range(0, len(queries), 512):
        sims = queries[start : start + 512] @ index.T
        top = np.argpartition(-sims, 10, axis=1)[:, :10]
        for row, i in enumerate(range(start, min(start + 512, len(queries)))):
            hits += int(i in top[row])
            precision.append(cats[top[row]] == cats[i])
    p = np.array(precision)
    per_cat = {c: float(p[cats == c].mean()) for c in CATEGORIES if (cats == c).any()}
    return hits / len(queries), float(p.mean()), per_cat


class Command(BaseCommand):
    help = "실제 사진의 변형본으로 유사 이미지 임베더의 품질을 잽니다"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--images", type=Path, required=True)
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--limit", type=int, default=0, help="사진 수 제한 (0: 전부)")

    def handle(self, *args: object, **options: object) -> None:
        from similarity.ml import descriptor, embedders
        from similarity.ml.augment import photo_like
        from similarity.ml.images import load_image

        model_dir = Path(settings.MODEL_DIR)
        embedder = embedders.active_embedder(model_dir)
        segmenter = embedders.rembg_model_path(model_dir)
        for line in embedders.model_report(model_dir).missing:
            self.stdout.write(f"참고: {line}")
        pictures, files = real_images(Path(options["images"]))
        if options["limit"]:
            rng = np.random.default_rng(options["seed"])
            pictures = [
                pictures[i] for i in sorted(rng.permutation(len(pictures))[: options["limit"]])
            ]
        cats = np.array([p.category for p in pictures])
        self.stdout.write(
            f"임베더 {embedder.key}, 서로 다른 사진 {len(pictures)}장 (파일 {files}개): "
            + ", ".join(f"{c} {(cats == c).sum()}" for c in CATEGORIES)
        )
        started = time.perf_counter()
        contents = [p.path.read_bytes() for p in pictures]
        index = self._embed(contents, embedder, segmenter)
        self.stdout.write(f"색인 {time.perf_counter() - started:.1f}s")
        rng = np.random.default_rng(options["seed"])
        started = time.perf_counter()
        query_bytes = [photo_like(load_image(c), rng) for c in contents]
        queries = self._embed(query_bytes, embedder, segmenter)
        self.stdout.write(f"변형 질의 {len(query_bytes)}장 {time.perf_counter() - started:.1f}s")
        base_index = np.stack([descriptor.color_histogram(load_image(c)) for c in contents])
        base_queries = np.stack([descriptor.color_histogram(load_image(q)) for q in query_bytes])
        recall, cat_p, per_cat = _scores(queries, index, cats)
        b_recall, b_cat_p, b_per_cat = _scores(base_queries, base_index, cats)
        for c in per_cat:
            self.stdout.write(
                f"  {c}: category_p@10={per_cat[c]:.3f} (baseline {b_per_cat[c]:.3f})"
            )
        self.stdout.write(
            f"baseline (RGB 8x8x8 colour histogram): recall@10={b_recall:.3f} "
            f"category_p@10={b_cat_p:.3f}"
        )
        self.stdout.write(
            f"recall_at_10={recall:.3f} category_p_at_10={cat_p:.3f} "
            f"baseline_recall_at_10={b_recall:.3f} embedder={embedder.key}"
        )

    def _embed(self, contents: list[bytes], embedder: object, segmenter: Path | None) -> np.ndarray:
        from similarity.ml.pipeline import embed_contents

        dim = 512
        out = np.zeros((len(contents), dim), dtype=np.float32)
        for start in range(0, len(contents), 32):
            for j, o in enumerate(
                embed_contents(contents[start : start + 32], embedder, segmenter)
            ):
                if o.vector is not None:
                    out[start + j] = o.vector
        return out
