"""`manage.py parts_sum_report`: 조립하면 얼마? over the catalog's desktops — how many lines come
from catalog component prices, how many sums are complete, the brand premium's spread and the
time per desktop. Reads only. Last line:
``parts_sum desktops=<n> cpu_catalog=<n> gpu_catalog=<n> complete=<n> premium_median_pct=<x>``."""

from __future__ import annotations

import statistics
import time

from django.core.management.base import BaseCommand

from catalog.models import CategoryKind, Product
from pricing.parts_sum import NotApplicable, parts_sum


class Command(BaseCommand):
    help = "조립하면 얼마?: 데스크톱의 부품가 합과 브랜드 프리미엄 요약 (읽기만 합니다)"

    def handle(self, *args: object, **options: object) -> None:
        desktops = Product.objects.active().with_related().of_kind(CategoryKind.DESKTOP)
        counts = {"applicable": 0, "not_applicable": 0, "cpu": 0, "gpu": 0, "igpu": 0, "done": 0}
        premiums: list[float] = []
        seconds: list[float] = []
        for product in desktops.iterator(chunk_size=500):
            started = time.perf_counter()
            try:
                result = parts_sum(product)
            except NotApplicable:
                counts["not_applicable"] += 1
                continue
            seconds.append(time.perf_counter() - started)
            counts["applicable"] += 1
            sources = {line.part: line.source for line in result.lines}
            counts["cpu"] += sources.get("cpu") == "catalog"
            counts["gpu"] += sources.get("gpu") == "catalog"
            counts["igpu"] += sources.get("gpu") == "included"
            if result.complete:
                counts["done"] += 1
                if result.premium_pct is not None:
                    premiums.append(result.premium_pct)
        if not seconds:
            self.stdout.write("parts_sum desktops=0")
            return
        seconds.sort()
        self.stdout.write(
            f"데스크톱 {counts['applicable']:,}개 (해당 없음 {counts['not_applicable']:,}개: 애플 등); "
            f"CPU 카탈로그 가격 {counts['cpu']:,}, 그래픽카드 카탈로그 가격 {counts['gpu']:,}, "
            f"내장 그래픽 {counts['igpu']:,}; 모든 부품 가격 있음 {counts['done']:,}"
        )
        if len(premiums) >= 10:
            deciles = statistics.quantiles(premiums, n=10)
            self.stdout.write(
                f"브랜드 프리미엄 (부품가 대비 %): 중앙값 {statistics.median(premiums):.1f}, "
                f"하위 10% {deciles[0]:.1f}, 상위 10% {deciles[-1]:.1f}"
            )
        self.stdout.write(
            f"한 데스크톱 계산: p50 {1000 * seconds[len(seconds) // 2]:.1f} ms, "
            f"p95 {1000 * seconds[int(len(seconds) * 0.95)]:.1f} ms"
        )
        median = statistics.median(premiums) if premiums else float("nan")
        self.stdout.write(
            f"parts_sum desktops={counts['applicable']} cpu_catalog={counts['cpu']} "
            f"gpu_catalog={counts['gpu']} complete={counts['done']} "
            f"premium_median_pct={median:.1f}"
        )
