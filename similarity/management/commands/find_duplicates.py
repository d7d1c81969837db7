"""Find near-duplicate products (near-identical pictures and agreeing titles) and store them
as candidates for staff (admin: 중복 후보); the task of the same name runs the same service."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser

from similarity.curation.duplicates import DISTANCE_THRESHOLD, find_duplicates


class Command(BaseCommand):
    help = "사진이 거의 같고 상품명이 일치하는 중복 상품 후보를 찾아 저장합니다 (관리자: 중복 후보)"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--threshold", type=int, default=DISTANCE_THRESHOLD,
            help=f"같은 사진으로 볼 pHash 거리 (비트, 기본 {DISTANCE_THRESHOLD})",
        )  # fmt: skip

    def handle(self, *args: object, **options: object) -> None:
        report = find_duplicates(threshold=int(options["threshold"]))
        self.stdout.write(
            f"사진 해시 {report.hashed}장 계산 (실패 {report.hash_failed}장), "
            f"거의 같은 사진 {report.picture_pairs}쌍, 상품 비교 {report.compared}쌍"
        )
        for err in report.errors[:20]:
            self.stdout.write(f"  해시 실패 {err}")
        self.stdout.write(
            f"후보 {report.found}쌍: 새로 {report.created}, 갱신 {report.updated}, "
            f"이미 결정됨 {report.skipped_decided}, 없어진 후보 삭제 {report.removed}"
        )
