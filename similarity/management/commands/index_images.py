"""Embed every pending distinct picture of the catalog (synchronously, with a progress bar);
the ml queue's task calls the same service."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandParser

from similarity.services import (
    BATCH_SIZE,
    active_embedder,
    indexing_status,
    model_report,
    queue_indexing,
    queue_pictures,
)


class Command(BaseCommand):
    help = "카탈로그의 색인되지 않은 사진을 모두 임베딩합니다 (ml 큐 작업과 같은 서비스)"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)
        parser.add_argument(
            "--queue", action="store_true",
            help="색인할 사진이 있으면 ml 큐에 작업을 넣고 바로 끝냄 (실행 명령의 첫 시작)",
        )  # fmt: skip

    def handle(self, *args: object, **options: object) -> None:
        from similarity.services import index_images

        report = model_report()
        for line in report.missing:
            self.stdout.write(f"참고: {line}")
        if options["queue"]:
            key = active_embedder().key  # type: ignore[attr-defined]
            new = queue_pictures(key)
            waiting = indexing_status().get(key, {}).get("pending", 0)
            if waiting and queue_indexing():
                self.stdout.write(
                    f"사진 {waiting}장의 색인을 ml 큐에 넣었습니다 ({key}, 새로 {new}장)."
                )
            else:
                self.stdout.write(f"색인할 사진이 없거나 이미 대기 중입니다 ({key}).")
            return
        self.stdout.write(f"임베더: {report.embedder}")
        result = index_images(batch_size=options["batch_size"], progress=self._bar)
        if result.indexed or result.failed:
            self.stdout.write("")
        paths = ", ".join(f"{k} {v}" for k, v in sorted(result.backgrounds.items())) or "-"
        rate = result.indexed / result.seconds if result.seconds else 0.0
        self.stdout.write(
            f"색인 {result.indexed}장, 실패 {result.failed}장, {result.seconds:.1f}s "
            f"({rate:.1f}장/s); 배경: {paths}"
        )
        for err in result.errors[:20]:
            self.stdout.write(f"  실패 {err}")

    def _bar(self, done: int, total: int) -> None:
        width = 30
        filled = width * done // max(total, 1)
        end = "" if self.stdout.isatty() or sys.stdout.isatty() else "\n"
        self.stdout.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}", ending=end)
        self.stdout.flush()
