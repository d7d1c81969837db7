"""``manage.py train_image_embedder [--epochs N] [--images DIR]``: train the offline embedder
on the catalog's pictures (or on ``DIR/<category>/`` files), make it the active embedder and
queue the catalog's re-index; the ml queue's task calls the same service."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from similarity.ml import trained


class Command(BaseCommand):
    help = "카탈로그 사진으로 오프라인 임베더를 학습하고 쓰기 시작합니다 (ml 큐 작업과 같은 서비스)"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--epochs", type=int, default=trained.TrainConfig.epochs)
        parser.add_argument(
            "--images", type=Path, default=None,
            help="카탈로그 대신 이 폴더의 사진으로 학습 (하위 폴더 이름이 카테고리)",
        )  # fmt: skip
        parser.add_argument("--limit", type=int, default=None, help="사진 수 제한")
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument(
            "--no-reindex", action="store_true", help="학습 후 카탈로그 재색인을 큐에 넣지 않음"
        )
        parser.add_argument(
            "--queue-if-missing", action="store_true",
            help="학습된 임베더도 대기 중인 학습도 없을 때만 ml 큐에 학습을 넣고 바로 끝냄",
        )  # fmt: skip

    def handle(self, *args: object, **options: object) -> None:
        from similarity.training import queue_training, train_embedder

        if options["epochs"] < 1:
            raise CommandError("--epochs는 1 이상이어야 합니다")
        if options["queue_if_missing"]:
            if queue_training(epochs=options["epochs"], if_missing=True):
                self.stdout.write("오프라인 임베더 학습을 ml 큐에 넣었습니다.")
            else:
                self.stdout.write(
                    "학습된 오프라인 임베더(또는 CLIP)가 있거나 학습이 이미 대기 중입니다."
                )
            return
        self._started = time.perf_counter()
        try:
            report = train_embedder(
                epochs=options["epochs"], images=options["images"], limit=options["limit"],
                seed=options["seed"], progress=self._bar, reindex=not options["no_reindex"],
            )  # fmt: skip
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write("")
        cats = ", ".join(f"{c} {n}" for c, n in report.categories.items())
        self.stdout.write(f"사진 {report.images}장 ({cats}), {report.seconds:.1f}s")
        if not options["no_reindex"]:
            self.stdout.write(
                f"재색인 대기 {report.queued}장 (검색은 그동안 이전 임베더로 답합니다)"
            )
        self.stdout.write(
            f"embedder={report.key} images={report.images} seconds={report.seconds:.1f} "
            f"loss={report.final_loss:.4f}"
        )

    def _bar(self, done: int, total: int) -> None:
        width = 30
        filled = width * done // max(total, 1)
        elapsed = time.perf_counter() - self._started
        end = "" if self.stdout.isatty() or sys.stdout.isatty() else "\n"
        self.stdout.write(
            f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {elapsed:.0f}s", ending=end
        )
        self.stdout.flush()
