"""Crawl Danawa synchronously (the same services the Celery crawl tasks call).

python manage.py crawl_danawa                          # daily snapshot of DANAWA_CATEGORIES
python manage.py crawl_danawa --category CODE --max-pages 2     # codes: catalog.danawa.categories
python manage.py crawl_danawa --pcode 20157388
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from catalog.danawa.categories import BRAND_PC
from catalog.danawa.crawler import CrawlReport, crawl_category, crawl_daily_prices, crawl_product


class Command(BaseCommand):
    help = (
        "다나와에서 상품과 오늘 가격을 수집합니다 (인자가 없으면 설정된 카테고리의 일일 가격 수집)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--category",
            action="append",
            default=[],
            metavar="CODE",
            help=f"다나와 카테고리 코드 (여러 번 지정 가능), 예: {BRAND_PC}",
        )
        parser.add_argument(
            "--pcode", action="append", default=[], metavar="PCODE", help="상품 코드 (여러 번 가능)"
        )
        parser.add_argument("--max-pages", type=int, default=None, help="카테고리당 최대 페이지 수")

    def handle(self, *args: Any, **options: Any) -> None:
        categories: list[str] = options["category"]
        pcodes: list[str] = options["pcode"]
        max_pages: int | None = options["max_pages"]
        if max_pages is not None and max_pages < 1:
            raise CommandError("--max-pages는 1 이상이어야 합니다.")
        failed = False
        if not categories and not pcodes:
            self.stdout.write("일일 가격 수집 (설정된 카테고리)")
            failed |= self._show(crawl_daily_prices(max_pages=max_pages))
        for code in categories:
            self.stdout.write(f"카테고리 {code} 수집")
            failed |= self._show(crawl_category(code, max_pages=max_pages))
        for pcode in pcodes:
            self.stdout.write(f"상품 {pcode} 수집")
            failed |= self._show(crawl_product(pcode))
        if failed:
            raise CommandError("수집에 실패했습니다. 위 오류를 확인하세요.")

    def _show(self, report: CrawlReport) -> bool:
        for line in report.lines():
            self.stdout.write(f"  {line}")
        return report.failed
