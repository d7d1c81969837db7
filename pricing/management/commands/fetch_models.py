"""Download the pretrained image backbone weights into MODEL_DIR."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pricing.ml.backbone import DEFAULT_BACKBONE, WEIGHT_URLS, fetch_weights, weights_path


class Command(BaseCommand):
    help = "사전학습된 EfficientNet-B2 가중치를 MODEL_DIR에 내려받습니다"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--backbone", default=DEFAULT_BACKBONE, choices=sorted(WEIGHT_URLS))
        parser.add_argument("--timeout", type=float, default=15.0, help="연결 제한 시간(초)")
        parser.add_argument("--force", action="store_true", help="이미 있어도 다시 받기")

    def handle(self, *args: object, **options: object) -> None:
        target = weights_path(options["backbone"])
        if target.is_file() and not options["force"]:
            self.stdout.write(f"이미 있습니다: {target}")
            return
        self.stdout.write(f"{WEIGHT_URLS[options['backbone']]} → {target}")
        try:
            path = fetch_weights(options["backbone"], timeout=options["timeout"])
        except OSError as exc:
            raise CommandError(
                f"{exc}\n네트워크가 막힌 곳에서는 다른 곳에서 받은 파일을 {target}에 두면 됩니다. "
                "가중치가 없으면 이미지 백본은 무작위 초기화 상태로 동작합니다."
            ) from exc
        self.stdout.write(self.style.SUCCESS(f"저장했습니다: {path} (다음 학습부터 사용)"))
