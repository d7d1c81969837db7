"""Real-data benchmark: Danawa graphics cards at one date -> product CSV -> evaluate_pricing.

Reads ``VGA_YYYY-MM.csv`` from the Danawa-Crawler history folder (default
``../shared/data/danawa/price_history``), takes each card's lowest new-product price on the
snapshot day, writes a product CSV in the ``import_products`` format and evaluates it with the
same cross-validation as ``evaluate_pricing`` (both protocols, grouped and listing folds;
benchmark scores from the PassMark CSVs) and the same report, whose last line is
``MAPE=… MdAPE=… R2=… coverage=… width=… best_member_MAPE=… listing_MAPE=… listing_MdAPE=…
listing_R2=… n=…`` (see ``evaluate_pricing``).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from pricing.csv_records import records_from_csv, score_counts
from pricing.gpu_snapshot import (
    SnapshotError,
    gpu_snapshot_rows,
    passmark_matcher,
    write_product_csv,
)
from pricing.management.commands.evaluate_pricing import (
    add_protocols_argument,
    protocols_option,
    write_report,
)
from pricing.ml.ensemble import TrainConfig, TrainingError
from pricing.ml.evaluation import evaluate

DATA = Path(settings.BASE_DIR).parent / "shared" / "data"


class Command(BaseCommand):
    help = "다나와 그래픽카드 실제 가격(한 날짜)으로 적정가 파이프라인을 평가합니다"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--history", default=str(DATA / "danawa" / "price_history"))
        parser.add_argument("--passmark", default=str(DATA / "passmark"))
        parser.add_argument(
            "--date", help="스냅샷 날짜 YYYY-MM-DD (기본: 최신 달에서 가장 많은 날)"
        )
        parser.add_argument("--active-days", type=int, default=0,
                            help="이 기간(일) 안에 가격이 한 번도 바뀌지 않은 (방치된) 목록은 제외")  # fmt: skip
        parser.add_argument("--out", default="", help="만든 상품 CSV 경로 (기본: MODEL_DIR 아래)")
        parser.add_argument("--folds", type=int, default=5)
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--epochs", type=int, default=100)
        parser.add_argument("--limit", type=int, default=0, help="앞에서 N개 행만 (빠른 확인용)")
        add_protocols_argument(parser)

    def handle(self, *args: object, **options: object) -> None:
        day = None
        if options["date"]:
            try:
                day = dt.date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError("--date는 YYYY-MM-DD 형식이어야 합니다") from exc
        try:
            rows, day, counts = gpu_snapshot_rows(
                options["history"], day, active_days=options["active_days"]
            )
            matcher = passmark_matcher(options["passmark"])
        except SnapshotError as exc:
            raise CommandError(str(exc)) from exc
        if options["limit"]:
            rows = rows[: options["limit"]]
        out = Path(options["out"] or Path(settings.MODEL_DIR) / "benchmarks" / f"vga-{day}.csv")
        write_product_csv(rows, out)
        self.stdout.write(f"{day} 그래픽카드 {len(rows)}개 → {out} ({counts})")
        records, errors = records_from_csv(out, matcher)
        scored = sum(1 for r in records if r.gpu_score)
        counts = score_counts(records, matcher)
        self.stdout.write(
            f"PassMark 점수 {scored}/{len(records)}개: 매칭 {counts['matched']}개, "
            f"추정 {counts['estimated']}개, 없음 {counts['missing']}개 "
            "(2022년 이후 칩셋은 이름과 비슷한 칩셋으로 추정)"
        )
        # the noise yardstick (the peer median of each card's chipset+VRAM) is in the report
        try:
            report = evaluate(
                records, folds=options["folds"], seed=options["seed"],
                config=TrainConfig(max_epochs=options["epochs"], use_images=False),
                progress=lambda msg: self.stderr.write(msg),
                protocols=protocols_option(options["protocols"]),
            )  # fmt: skip
        except TrainingError as exc:
            raise CommandError(str(exc)) from exc
        write_report(self.stdout, report)
