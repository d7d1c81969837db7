"""Grouped k-fold evaluation of the fair-price pipeline on a product CSV or the catalog.

The CSV is parsed in memory with the catalog's parser and benchmark matcher; nothing is written
to the catalog. The last line is exactly ``MAPE=<x.xxx> R2=<x.xxx> n=<rows>`` (ensemble).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pricing.csv_records import CsvRecordError, records_from_csv
from pricing.ml.ensemble import TrainConfig, TrainingError
from pricing.ml.evaluation import EvaluationReport, cross_validate
from pricing.ml.features import WEIGHT_BAND_LABELS, WEIGHT_BANDS

METHOD_LABELS = {
    "ensemble": "앙상블",
    "base": "Base",
    "v1": "V1 로그",
    "v2": "V2 로그+드롭아웃",
    "v3": "V3 제조사 임베딩",
    "gbm": "GBM 단독 (기준선)",
    "group_median": "CPU+GPU 그룹 중앙값 (기준선)",
}


def write_report(stdout: object, report: EvaluationReport) -> None:
    """The per-method, per-band table; the exact last line."""
    stdout.write(
        f"{report.rows}개 행, 서로 다른 구성 {report.groups}개, {report.folds}겹 그룹 교차검증 "
        f"(이미지 {report.images_used}개, 사전학습 백본 {'예' if report.backbone_pretrained else '아니오'})"
    )
    header = f"{'방법':<28}" + "".join(
        f"{'전체' if b == 'all' else WEIGHT_BAND_LABELS[b]:>14}" for b in ["all", *WEIGHT_BANDS]
    )
    stdout.write(header)
    for method in ["ensemble", "base", "v1", "v2", "v3", "gbm", "group_median"]:
        bands = report.metrics.get(method)
        if not bands:
            continue
        cells = []
        for b in ["all", *WEIGHT_BANDS]:
            v = bands.get(b)
            cells.append(f"{v['mape']:.3f}/{v['r2']:.2f}" if v else "-")
        stdout.write(f"{METHOD_LABELS[method]:<28}" + "".join(f"{c:>14}" for c in cells))
    stdout.write("(칸: MAPE/R², 가중치 가격대는 실제 가격 기준)")
    stdout.write(
        f"예측 구간 포함률 {report.coverage:.3f} (목표 {report.coverage_target:.2f}), "
        f"평균 폭 {report.mean_interval_width:.2f}×적정가; GBM 사용 {report.gbm_used_folds}/{report.folds}겹; "
        f"기준선이 그룹을 못 찾아 대체한 행 {report.baseline_fallbacks}개; {report.seconds:.0f}s"
    )
    e = report.ensemble
    stdout.write(f"MAPE={e['mape']:.3f} R2={e['r2']:.3f} n={report.rows}")


class Command(BaseCommand):
    help = "상품 CSV(또는 현재 카탈로그)로 적정가 파이프라인을 그룹 k겹 교차검증합니다"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--csv", help="import_products 형식의 상품 CSV (없으면 현재 카탈로그)")
        parser.add_argument("--folds", type=int, default=5)
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--epochs", type=int, default=100, help="멤버별 최대 에포크")
        parser.add_argument("--passmark", help="PassMark CSV 폴더 (없으면 DB의 벤치마크 표)")
        parser.add_argument("--kinds", default="desktop,laptop", help="카탈로그 평가 시 종류")
        parser.add_argument("--no-images", action="store_true")

    def handle(self, *args: object, **options: object) -> None:
        if options["folds"] < 2:
            raise CommandError("--folds는 2 이상이어야 합니다")
        records = self.load(options)
        config = TrainConfig(max_epochs=options["epochs"], use_images=not options["no_images"])
        try:
            report = cross_validate(
                records, folds=options["folds"], seed=options["seed"], config=config,
                progress=lambda msg: self.stderr.write(msg),
            )  # fmt: skip
        except TrainingError as exc:
            raise CommandError(str(exc)) from exc
        write_report(self.stdout, report)

    def load(self, options: dict) -> list:
        if options["csv"]:
            if options["passmark"]:
                from pricing.gpu_snapshot import SnapshotError, passmark_matcher

                try:
                    matcher = passmark_matcher(options["passmark"])
                except SnapshotError as exc:
                    raise CommandError(str(exc)) from exc
            else:
                from catalog.benchmarks import BenchmarkMatcher

                matcher = BenchmarkMatcher.from_db()
            try:
                records, errors = records_from_csv(options["csv"], matcher)
            except CsvRecordError as exc:
                raise CommandError(str(exc)) from exc
            for error in errors[:20]:
                self.stderr.write(error)
            if errors:
                self.stderr.write(f"건너뛴 행 {len(errors)}개")
            priced = [r for r in records if r.price]
            if not priced:
                raise CommandError(f"{options['csv']}: 가격(price)이 있는 행이 없습니다")
            return records
        from pricing.services import catalog_records

        kinds = [k.strip() for k in options["kinds"].split(",") if k.strip()]
        records = catalog_records(kinds)
        if not records:
            raise CommandError(
                "카탈로그에 가격이 있는 상품이 없습니다 (seed_demo 또는 가져오기 먼저)"
            )
        return records
