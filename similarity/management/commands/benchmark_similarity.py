"""``manage.py benchmark_similarity --images ../shared/data/danawa/images``: quality of the active
embedder on the distinct real pictures of the four categories.

Every picture is indexed as the catalog indexes it (``similarity.ml.pipeline``); each query is a
photo-like copy of one of them (``similarity.ml.augment``: a non-white backdrop, a small
rotation, a random crop, colour/brightness/contrast changes, JPEG re-encoding) sent through the
same pipeline. Ranking is exact cosine over all pictures, so the figures are the embedder's, not
the index's (``benchmark_search`` measures that). Reported: recall@10 of the original, category
precision@10, and the same for a plain RGB colour-histogram baseline.

``--embedder active|trained|descriptor`` picks which embedder is measured (default: the active
one); the trained one's manifest gets the figures. ``--half`` also measures generalisation: a
throwaway trained embedder learns from one half of the pictures (``--half-epochs``) and is
measured on the other half, next to the descriptor on that half. The queries' random stream
(``--seed``) is not the one training draws its photo-like copies from.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from similarity.benchmarks import CATEGORIES, real_images


def trained_epochs() -> int:
    from similarity.ml.trained import TrainConfig

    return TrainConfig.epochs


def _scores(queries: np.ndarray, index: np.ndarray, cats: np.ndarray) -> tuple[float, float, dict]:
    hits, precision = 0, []
    for start in range(0, len(queries), 512):
        sims = queries[start : start + 512] @ index.T
        top = (
            np.argpartition(-sims, 10, axis=1)[:, :10]
            if sims.shape[1] > 10
            else np.argsort(-sims, axis=1)  # a tiny set (tests): every picture is in the top 10
        )
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
        parser.add_argument(
            "--embedder", choices=("active", "trained", "descriptor"), default="active"
        )
        parser.add_argument(
            "--half", action="store_true",
            help="절반으로 학습한 임베더를 나머지 절반에서도 잼 (일반화)",
        )  # fmt: skip
        parser.add_argument("--half-epochs", type=int, default=trained_epochs())

    def handle(self, *args: object, **options: object) -> None:
        from similarity.ml import descriptor, embedders, trained
        from similarity.ml.augment import photo_like
        from similarity.ml.images import load_image

        model_dir = Path(settings.MODEL_DIR)
        embedder = self._chosen(options["embedder"], model_dir)
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
        contents = [p.path.read_bytes() for p in pictures]
        rng = np.random.default_rng(options["seed"])
        started = time.perf_counter()
        query_bytes = [photo_like(load_image(c), rng) for c in contents]
        self.stdout.write(f"변형 질의 {len(query_bytes)}장 {time.perf_counter() - started:.1f}s")
        started = time.perf_counter()
        index = self._embed(contents, embedder, segmenter)
        self.stdout.write(f"색인 {time.perf_counter() - started:.1f}s")
        started = time.perf_counter()
        queries = self._embed(query_bytes, embedder, segmenter)
        self.stdout.write(f"질의 임베딩 {time.perf_counter() - started:.1f}s")
        base_index = np.stack([descriptor.color_histogram(load_image(c)) for c in contents])
        base_queries = np.stack([descriptor.color_histogram(load_image(q)) for q in query_bytes])
        recall, cat_p, per_cat = _scores(queries, index, cats)
        b_recall, b_cat_p, b_per_cat = _scores(base_queries, base_index, cats)
        if options["half"]:
            self._half(pictures, contents, query_bytes, cats, segmenter, options)
        for c in per_cat:
            self.stdout.write(
                f"  {c}: category_p@10={per_cat[c]:.3f} (baseline {b_per_cat[c]:.3f})"
            )
        self.stdout.write(
            f"baseline (RGB 8x8x8 colour histogram): recall@10={b_recall:.3f} "
            f"category_p@10={b_cat_p:.3f}"
        )
        if isinstance(embedder, trained.TrainedEmbedder):
            trained.update_manifest(
                model_dir / trained.DIRNAME,
                benchmark={
                    "images": len(pictures), "seed": options["seed"],
                    "recall_at_10": round(recall, 3), "category_p_at_10": round(cat_p, 3),
                    "baseline_recall_at_10": round(b_recall, 3),
                },
            )  # fmt: skip
        self.stdout.write(
            f"recall_at_10={recall:.3f} category_p_at_10={cat_p:.3f} "
            f"baseline_recall_at_10={b_recall:.3f} embedder={embedder.key}"
        )

    def _chosen(self, which: str, model_dir: Path) -> object:
        from similarity.ml import descriptor, embedders, trained

        if which == "descriptor":
            return descriptor.DescriptorEmbedder()
        if which == "trained":
            try:
                return trained.TrainedEmbedder(model_dir / trained.DIRNAME)
            except trained.TrainedUnavailable as exc:
                raise CommandError(f"{exc} (manage.py train_image_embedder로 만드세요)") from exc
        return embedders.active_embedder(model_dir)

    def _half(
        self,
        pictures: list,
        contents: list[bytes],
        query_bytes: list[bytes],
        cats: np.ndarray,
        segmenter: Path | None,
        options: dict,
    ) -> None:
        """Train a throwaway embedder on one half (a seeded permutation), measure it and the
        descriptor on the other half's pictures and queries."""
        import tempfile

        from similarity.ml import descriptor, trained

        rng = np.random.default_rng([options["seed"], 0x68616C66])
        order = rng.permutation(len(pictures))
        train_idx = np.sort(order[: len(order) // 2])
        test_idx = np.sort(order[len(order) // 2 :])
        started = time.perf_counter()
        samples = [
            trained.Sample(trained.image_from_bytes(contents[i], segmenter), cats[i])
            for i in train_idx
        ]
        config = trained.TrainConfig(epochs=options["half_epochs"], seed=options["seed"])
        result = trained.train(samples, config, segmenter=segmenter)
        with tempfile.TemporaryDirectory() as tmp:
            trained.save(Path(tmp), result)
            half = trained.TrainedEmbedder(Path(tmp) / trained.DIRNAME)
        self.stdout.write(
            f"절반 학습: 사진 {len(train_idx)}장, {time.perf_counter() - started:.1f}s; "
            f"나머지 {len(test_idx)}장에서 측정"
        )
        test_c = [contents[i] for i in test_idx]
        test_q = [query_bytes[i] for i in test_idx]
        figures = {}
        for name, emb in (("half", half), ("half_descriptor", descriptor.DescriptorEmbedder())):
            r, p, _ = _scores(
                self._embed(test_q, emb, segmenter), self._embed(test_c, emb, segmenter),
                cats[test_idx],
            )  # fmt: skip
            figures[name] = (r, p)
        self.stdout.write(
            f"half_recall_at_10={figures['half'][0]:.3f} "
            f"half_category_p_at_10={figures['half'][1]:.3f} "
            f"half_descriptor_recall_at_10={figures['half_descriptor'][0]:.3f} "
            f"half_descriptor_category_p_at_10={figures['half_descriptor'][1]:.3f}"
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
