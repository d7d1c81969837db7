"""python manage.py seed_demo: build the demo catalog (no network needed)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser

from catalog.demo.service import seed_demo


class Command(BaseCommand):
    help = "데모 카탈로그 생성: 브랜드PC·일체형PC, 소파·패딩·신발, 일별 가격 이력, 그린 이미지"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--products", type=int, default=3600, help="브랜드PC 수 (기본 3600)")
        parser.add_argument("--days", type=int, default=90, help="가격 이력 일수 (기본 90)")
        parser.add_argument("--seed", type=int, default=42, help="난수 시드 (기본 42)")
        parser.add_argument(
            "--others", type=int, default=150, help="소파·패딩·신발 카테고리별 상품 수 (기본 150)"
        )
        parser.add_argument(
            "--if-empty", action="store_true", help="상품이 하나라도 있으면 아무것도 하지 않음"
        )
        parser.add_argument("--reset", action="store_true", help="이전 데모 데이터를 먼저 삭제")

    def handle(self, *args: object, **opts: object) -> None:
        for key in ("products", "days", "others"):
            if opts[key] < 0 or (key == "days" and opts[key] < 1):
                self.stderr.write(f"--{key} 값이 올바르지 않습니다: {opts[key]}")
                raise SystemExit(2)
        report = seed_demo(
            products=opts["products"],
            days=opts["days"],
            seed=opts["seed"],
            others_per_category=opts["others"],
            reset=opts["reset"],
            if_empty=opts["if_empty"],
            log=lambda msg: self.stdout.write(msg),
        )
        if report.skipped:
            return
        prices = report.prices
        self.stdout.write(
            self.style.SUCCESS(
                f"데모 데이터 완료: 상품 {report.products:,}개 "
                f"(브랜드PC {report.desktops:,}, 일체형PC {report.all_in_ones:,}, "
                + ", ".join(f"{k} {v:,}" for k, v in report.others.items())
                + "".join(f", {k} {v:,}" for k, v in report.components.items())
                + f"; 새로 {report.products_created:,}, 갱신 {report.products_updated:,}), "
                f"가격 {report.price_rows:,}행 (추가 {prices.get('inserted', 0):,}, "
                f"변경 {prices.get('updated', 0):,}, 그대로 {prices.get('unchanged', 0):,}; "
                f"{report.first_day}~{report.last_day}), "
                f"이미지 {report.images_distinct:,}개 (새로 저장 {report.images_stored:,}), "
                f"{report.seconds:.1f}초"
            )
        )
