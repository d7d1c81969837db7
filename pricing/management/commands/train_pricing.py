"""Train, register and activate a fair-price model on the catalog (synchronously)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pricing.ml.ensemble import TrainConfig, TrainingError
from pricing.models import PricingModel, TrainingRun
from pricing.services import TRAIN_KINDS, TrainingInProgress, queue_training, train_model


class Command(BaseCommand):
    help = "적정가 모델을 학습하고 등록합니다 (ml 큐 작업과 같은 서비스를 동기로 실행)"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--epochs", type=int, default=100, help="멤버별 최대 에포크 (기본 100)")
        parser.add_argument("--kinds", default=",".join(TRAIN_KINDS), help="학습할 카테고리 종류")
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--no-images", action="store_true", help="이미지 분기를 쓰지 않음")
        parser.add_argument("--no-activate", action="store_true", help="등록만 하고 사용하지 않음")
        parser.add_argument(
            "--queue-if-missing",
            action="store_true",
            help="사용 중인 모델도 대기/진행 중인 학습도 없을 때만 ml 큐에 학습을 넣고 바로 끝냄",
        )

    def handle(self, *args: object, **options: object) -> None:
        if options["queue_if_missing"]:
            self._queue_if_missing()
            return
        config = TrainConfig(
            max_epochs=options["epochs"], seed=options["seed"], test_fraction=0.1,
            use_images=not options["no_images"],
        )  # fmt: skip
        kinds = [k.strip() for k in str(options["kinds"]).split(",") if k.strip()]
        run = TrainingRun.objects.create(requested_by="train_pricing", params={"kinds": kinds})
        started = time.perf_counter()
        try:
            model = train_model(
                config=config, kinds=kinds, run=run, activate=not options["no_activate"]
            )
        except TrainingError as exc:
            raise CommandError(str(exc)) from exc
        m = model.metrics
        test = m.get("test") or {}
        self.stdout.write(
            f"모델 v{model.version}: {model.trained_rows}개 상품 (이미지 {model.images_used}개, "
            f"사전학습 백본 {'예' if model.pretrained_backbone else '아니오'}), "
            f"GBM {'사용' if model.gbm_used else '제외'}"
        )
        for key, log in (m.get("members") or {}).items():
            self.stdout.write(f"  {key}: {log['epochs']} epochs (best {log['best_epoch']})")
        if test:
            e = test["ensemble"]["all"]
            self.stdout.write(
                f"시험 데이터 {e['n']}개: MAPE={e['mape']:.3f} R2={e['r2']:.3f} "
                f"구간 포함률={test['coverage']:.3f} (목표 {model.coverage_target:.2f}) "
                f"평균 폭={test.get('width', float('nan')):.2f}×적정가; 가중치 {m.get('weighting')}"
            )
            for key, v in test["members"].items():
                self.stdout.write(f"  {key}: MAPE={v['mape']:.3f} R2={v['r2']:.3f}")
        self.stdout.write(
            f"학습 {model.training_seconds:.1f}s, 전체(예측 저장 포함) {time.perf_counter() - started:.1f}s"
        )

    def _queue_if_missing(self) -> None:
        """The run command's start: train in the background when there is no usable model (none
        yet, so the demo gets fair prices; or the active one's artifact is gone or of a format
        this code no longer reads, as after an upgrade)."""
        from pricing.ml.ensemble.artifact import FORMAT_VERSION
        from pricing.services.active import artifact_path

        active = PricingModel.objects.current()
        if active is not None:
            if active.format_version == FORMAT_VERSION and artifact_path(active).exists():
                self.stdout.write("사용 중인 적정가 모델이 있습니다: 학습을 넣지 않습니다.")
                return
            self.stdout.write(
                f"사용 중인 적정가 모델 v{active.version}을 이 코드가 읽을 수 없습니다 "
                f"(형식 {active.format_version}, 필요 {FORMAT_VERSION}, 또는 파일 없음): 다시 학습합니다."
            )
        try:
            run = queue_training(requested_by="run command")
        except TrainingInProgress:
            self.stdout.write("이미 대기/진행 중인 학습이 있습니다.")
            return
        self.stdout.write(f"적정가 모델 학습을 ml 큐에 넣었습니다 (학습 #{run.pk}).")
