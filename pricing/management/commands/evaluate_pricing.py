"""k-fold evaluation of the fair-price pipeline on a product CSV or the catalog, under both
protocols (grouped folds, listing folds; ``pricing.ml.evaluation``).

The CSV is parsed in memory with the catalog's parser and benchmark matcher; nothing is written
to the catalog. The last line is exactly ``MAPE=<x.xxx> MdAPE=<x.xxx> R2=<x.xxx>
coverage=<x.xxx> width=<x.xxx> best_member_MAPE=<x.xxx> listing_MAPE=<x.xxx>
listing_MdAPE=<x.xxx> listing_R2=<x.xxx> n=<rows>``: the unprefixed figures are the grouped
protocol's ensemble (coverage and width: its 90 % interval, width as a fraction of the fair
price; best_member_MAPE: the lowest grouped MAPE among its members), the listing_ ones the
listing protocol's. With ``--protocols grouped`` (or ``listing``) alone, the other protocol's
figures print as ``nan``; the line keeps its shape.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pricing.csv_records import CsvRecordError, records_from_csv
from pricing.ml.ensemble import TrainConfig, TrainingError
from pricing.ml.evaluation import PROTOCOLS, EvaluationReport, evaluate
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


PROTOCOL_LABELS = {
    "grouped": "그룹 교차검증 (처음 보는 구성)",
    "listing": "목록 교차검증 (같은 구성의 다른 목록은 학습에 있음)",
}


def _f(value: float) -> str:
    return f"{value:.3f}"


def last_line(reports: dict[str, EvaluationReport]) -> str:
    """``MAPE=… MdAPE=… R2=… coverage=… width=… best_member_MAPE=… listing_MAPE=…
    listing_MdAPE=… listing_R2=… n=…``: unprefixed = grouped; a protocol not run prints nan."""
    nan = float("nan")
    grouped, listing = reports.get("grouped"), reports.get("listing")
    g = grouped.ensemble if grouped else {}
    li = listing.ensemble if listing else {}
    rows = next(iter(reports.values())).rows
    return (
        f"MAPE={_f(g.get('mape', nan))} MdAPE={_f(g.get('mdape', nan))} R2={_f(g.get('r2', nan))} "
        f"coverage={_f(grouped.coverage if grouped else nan)} "
        f"width={_f(grouped.mean_interval_width if grouped else nan)} "
        f"best_member_MAPE={_f(grouped.best_member[1] if grouped else nan)} "
        f"listing_MAPE={_f(li.get('mape', nan))} listing_MdAPE={_f(li.get('mdape', nan))} "
        f"listing_R2={_f(li.get('r2', nan))} n={rows}"
    )


def write_report(stdout: object, reports: dict[str, EvaluationReport] | EvaluationReport) -> None:
    """Per protocol: the per-method, per-band table, the interval per band; then the exact last
    line (``last_line``)."""
    if isinstance(reports, EvaluationReport):
        reports = {reports.protocol: reports}
    bands = ["all", *WEIGHT_BANDS]
    band_names = {b: "전체" if b == "all" else WEIGHT_BAND_LABELS[b] for b in bands}
    for protocol, report in reports.items():
        stdout.write(
            f"[{PROTOCOL_LABELS[protocol]}] {report.rows}개 행, 서로 다른 구성 {report.groups}개, "
            f"{report.folds}겹 (이미지 {report.images_used}개, "
            f"사전학습 백본 {'예' if report.backbone_pretrained else '아니오'})"
        )
        stdout.write(f"{'방법':<28}" + "".join(f"{band_names[b]:>24}" for b in bands))
        for method in ["ensemble", "base", "v1", "v2", "v3", "gbm", "group_median"]:
            cells_by_band = report.metrics.get(method)
            if not cells_by_band:
                continue
            cells = []
            for b in bands:
                v = cells_by_band.get(b)
                cells.append(
                    f"{v['mape']:.3f}/{v['mdape']:.3f}/{100 * v['within10']:.0f}%/{v['r2']:.2f}"
                    if v
                    else "-"
                )
            stdout.write(f"{METHOD_LABELS[method]:<28}" + "".join(f"{c:>24}" for c in cells))
        stdout.write("(칸: MAPE/MdAPE/±10% 안 비율/R², 가중치 가격대는 실제 가격 기준)")
        cells = []
        for b in bands:
            v = report.interval.get(b)
            cells.append(f"{v['coverage']:.3f}/{v['width']:.2f}" if v else "-")
        stdout.write(f"{'예측 구간 포함률/평균 폭':<28}" + "".join(f"{c:>24}" for c in cells))
        member, member_mape = report.best_member
        stdout.write(
            f"예측 구간 포함률 {report.coverage:.3f} (목표 {report.coverage_target:.2f}), "
            f"평균 폭 {report.mean_interval_width:.2f}×적정가; 가장 나은 멤버 "
            f"{METHOD_LABELS.get(member, member)} MAPE {member_mape:.3f}; 가중치 선택 "
            + ", ".join(f"{k} {v}겹" for k, v in sorted(report.weightings.items()))
            + f"; 기준선이 그룹을 못 찾아 대체한 행 {report.baseline_fallbacks}개; "
            f"{report.seconds:.0f}s"
        )
    report = next(iter(reports.values()))
    stdout.write(
        f"잡음 기준: 같은 CPU+GPU(+VRAM)의 다른 모든 행 중앙값으로 맞히면 MAPE "
        f"{report.peer_median:.3f} ({report.peer_median_rows}개 행; 그룹 교차검증에서는 "
        f"쓸 수 없는 정보)"
    )
    stdout.write(last_line(reports))


def add_protocols_argument(parser: CommandParser) -> None:
    parser.add_argument(
        "--protocols", default=",".join(PROTOCOLS),
        help="평가 방식: grouped(처음 보는 구성), listing(무작위 목록), 쉼표로 여러 개 (기본: 둘 다)",
    )  # fmt: skip


def protocols_option(value: str) -> tuple[str, ...]:
    protocols = tuple(p.strip() for p in value.split(",") if p.strip())
    unknown = [p for p in protocols if p not in PROTOCOLS]
    if unknown or not protocols:
        raise CommandError(f"--protocols는 {', '.join(PROTOCOLS)} 중에서 고릅니다")
    return protocols


class Command(BaseCommand):
    help = "상품 CSV(또는 현재 카탈로그)로 적정가 파이프라인을 그룹·목록 k겹 교차검증합니다"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--csv", help="import_products 형식의 상품 CSV (없으면 현재 카탈로그)")
        parser.add_argument("--folds", type=int, default=5)
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--epochs", type=int, default=100, help="멤버별 최대 에포크")
        parser.add_argument("--passmark", help="PassMark CSV 폴더 (없으면 DB의 벤치마크 표)")
        parser.add_argument("--kinds", default="desktop,laptop", help="카탈로그 평가 시 종류")
        parser.add_argument("--no-images", action="store_true")
        add_protocols_argument(parser)

    def handle(self, *args: object, **options: object) -> None:
        if options["folds"] < 2:
            raise CommandError("--folds는 2 이상이어야 합니다")
        records = self.load(options)
        config = TrainConfig(max_epochs=options["epochs"], use_images=not options["no_images"])
        try:
            report = evaluate(
                records, folds=options["folds"], seed=options["seed"], config=config,
                progress=lambda msg: self.stderr.write(msg),
                protocols=protocols_option(options["protocols"]),
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
