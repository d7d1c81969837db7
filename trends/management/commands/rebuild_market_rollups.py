"""``manage.py rebuild_market_rollups``: recompute the market dashboard's rollups.

The refresh after each price write keeps them up to date; this recomputes them from the
catalog's daily lowest prices on demand (a new deployment, products moved between categories)
and drops the cached dashboard so the next page shows the new numbers.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser

from trends.dashboard import market_summary
from trends.services import INDEX_DAYS, rebuild_market_rollups


class Command(BaseCommand):
    help = "시장 요약용 집계 테이블을 일별 최저가에서 다시 만듭니다."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days", type=int, default=INDEX_DAYS, help=f"지수 기간(일), 기본 {INDEX_DAYS}"
        )

    def handle(self, *args: object, **options: object) -> None:
        report = rebuild_market_rollups(days=int(options["days"]))
        summary = market_summary(refresh=True)
        self.stdout.write(
            f"전체 재생성: 기준일 {report.end or '-'}, 상품 구간 행 {report.window_products:,}개, "
            f"{report.seconds:.2f}초 · 추적 상품 {summary['tracked']:,}개"
        )
