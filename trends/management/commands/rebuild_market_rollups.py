"""``manage.py rebuild_market_rollups``: rebuild the market dashboard's rollups from the prices.

The refresh after each price crawl keeps them up to date incrementally; this rebuilds them from
catalog_pricesnapshot (new deployments, bulk edits that sent no signal) and drops the cached
dashboard so the next page shows the rebuilt numbers. ``--refresh`` folds in only the pending
price notes, as the Celery task does.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser

from trends.dashboard import market_summary
from trends.rollups import rebuild_market_rollups, refresh_market_rollups


class Command(BaseCommand):
    help = "시장 요약용 집계 테이블을 가격 기록에서 다시 만듭니다."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--refresh", action="store_true", help="대기 중인 가격 변경만 반영 (증분 갱신)"
        )

    def handle(self, *args: object, **options: object) -> None:
        report = refresh_market_rollups() if options["refresh"] else rebuild_market_rollups()
        summary = market_summary(refresh=True)
        kind = "전체 재생성" if report.full else "증분 갱신"
        self.stdout.write(
            f"{kind}: 기준일 {report.end or '-'}, 상품 구간 행 {report.window_products:,}개, "
            f"{report.seconds:.2f}초 · 추적 상품 {summary['tracked']:,}개"
        )
