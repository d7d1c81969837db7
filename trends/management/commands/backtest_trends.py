"""``manage.py backtest_trends``: the walk-forward backtest of the 10-day forecaster.

Reads the catalog's price history, or Danawa history CSV folders with ``--history-dir``
(repeatable). Decisions and the saving are defined in ``trends.ml.backtest``. The last line is
``accuracy=… macro_f1=… always_flat=… momentum=… saving_pct=… oracle_saving_pct=…
rule_saving_pct=… wait_win_rate=… n=…``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from catalog.models import PC_KINDS
from trends import adapters, services
from trends.ml.backtest import MODELS, run_backtest

# forecasts are made for PC categories only, so only they are tested
KINDS = tuple(str(kind) for kind in PC_KINDS)


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"날짜 형식이 잘못되었습니다 (YYYY-MM-DD): {value!r}") from exc


class Command(BaseCommand):
    help = "10일 가격 예측을 과거 가격으로 검증합니다 (walk-forward, 미래 정보 없이)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--history-dir",
            action="append",
            default=[],
            help="다나와 가격 이력 CSV 폴더 (여러 번 가능). 없으면 카탈로그 DB의 가격 이력 "
            "(PC 카테고리만)",
        )
        parser.add_argument("--from", dest="date_from", help="첫 결정일 YYYY-MM-DD")
        parser.add_argument("--to", dest="date_to", help="마지막 결정일 YYYY-MM-DD")
        parser.add_argument("--step", type=int, default=7, help="결정일 간격(일), 기본 7")
        parser.add_argument(
            "--kind", action="append", default=[], choices=KINDS, help="상품 종류 (여러 번 가능)"
        )
        parser.add_argument(
            "--passmark-dir",
            help="PassMark CSV 폴더 (--history-dir와 함께; 없으면 DB의 벤치마크 표)",
        )
        parser.add_argument(
            "--model",
            choices=MODELS,
            default="knn",
            help="knn: 예측기 (기본), gbm: 도전자 (gradient boosting, walk-forward 재학습)",
        )
        parser.add_argument("--no-save", action="store_true", help="결과를 DB에 저장하지 않음")
        parser.add_argument(
            "--queue-if-missing",
            action="store_true",
            help="저장된 백테스트가 하나도 없을 때만 카탈로그 전체 백테스트를 작업 큐에 넣고 바로 끝냄",
        )

    def handle(self, *args: object, **options: object) -> None:
        if options["queue_if_missing"]:
            self._queue_if_missing()
            return
        step = int(options["step"])
        if step < 1:
            raise CommandError("--step은 1 이상이어야 합니다")
        date_from = _date(options["date_from"]) if options["date_from"] else None
        date_to = _date(options["date_to"]) if options["date_to"] else None
        if date_from and date_to and date_from > date_to:
            raise CommandError(f"--from({date_from})이 --to({date_to})보다 늦습니다")
        kinds = list(dict.fromkeys(options["kind"]))
        dirs = [Path(d) for d in options["history_dir"]]
        for d in dirs:
            if not d.is_dir():
                raise CommandError(f"폴더가 없습니다: {d}")
        if dirs:
            matcher = self._matcher(options.get("passmark_dir"))
            panel, static = adapters.panel_from_history_dirs(dirs, kinds=kinds, matcher=matcher)
            source = ",".join(str(d) for d in dirs)
        else:
            panel, static = adapters.panel_from_db(kinds=kinds)
            source = "db"
        if not panel.keys:
            raise CommandError("가격 이력이 없습니다 (상품 0개)")
        date_from = date_from or panel.start
        date_to = date_to or panel.end
        if date_from > panel.end or date_to < panel.start:
            raise CommandError(
                f"기간 {date_from} ~ {date_to}이 가격 이력({panel.start} ~ {panel.end})과 "
                f"겹치지 않습니다"
            )
        self.stdout.write(
            f"가격 이력 {len(panel.keys)}개 상품, {panel.start} ~ {panel.end} ({source})"
        )
        result = run_backtest(
            panel, static, date_from, date_to, step=step, model=str(options["model"])
        )
        if not options["no_save"]:
            services.record_backtest(result, source=source, kinds=kinds)
        for line in result.report_lines():
            self.stdout.write(line)

    def _queue_if_missing(self) -> None:
        from trends.models import BacktestRun
        from trends.tasks import backtest_catalog

        if BacktestRun.objects.exists():
            self.stdout.write("저장된 백테스트가 있어 새로 넣지 않습니다")
            return
        backtest_catalog.delay()
        self.stdout.write("카탈로그 백테스트를 작업 큐에 넣었습니다 (판정 옆 과거 기록에 쓰입니다)")

    def _matcher(self, passmark_dir: object) -> object | None:
        if passmark_dir:
            from catalog.benchmarks import BenchmarkMatcher
            from catalog.passmark import PassmarkFileError, passmark_paths

            folder = Path(str(passmark_dir))
            for path in passmark_paths(folder).values():
                if not path.exists():
                    raise CommandError(f"PassMark 파일이 없습니다: {path}")
            try:
                return BenchmarkMatcher.from_passmark_dir(folder)
            except PassmarkFileError as exc:
                raise CommandError(str(exc)) from exc
        from catalog.benchmarks import get_matcher

        matcher = get_matcher()
        if not any(matcher.sizes.values()):
            self.stderr.write(
                "벤치마크 표가 비어 있어 CPU/GPU 점수 없이 계산합니다 (--passmark-dir 참고)"
            )
        return matcher
