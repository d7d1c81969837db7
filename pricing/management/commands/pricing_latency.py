"""Latency of one estimate (with explanation) from the active model: p50/p95 over N runs."""

from __future__ import annotations

import statistics
import time

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pricing.product_records import record_from_product
from pricing.services import NoActiveModel, get_active, image_features_for


class Command(BaseCommand):
    help = "적정가 한 건 추정(설명 포함)의 지연 시간을 잽니다 (p50/p95)"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--runs", type=int, default=200)

    def handle(self, *args: object, **options: object) -> None:
        from catalog.models import Product

        try:
            model, ensemble = get_active()
        except NoActiveModel as exc:
            raise CommandError(f"{exc}: 먼저 python manage.py train_pricing") from exc
        products = list(
            Product.objects.active().with_related().filter(current_price__isnull=False)
            .order_by("?")[: options["runs"]]
        )  # fmt: skip
        if not products:
            raise CommandError("가격이 있는 상품이 없습니다")
        records = [record_from_product(p) for p in products]
        features = image_features_for(records, ensemble)  # cached per image hash after the first
        ensemble.estimate(records[:1], features, explain=True)  # warm-up
        times = []
        for i in range(options["runs"]):
            record = records[i % len(records)]
            started = time.perf_counter()
            ensemble.estimate([record], features, explain=True)
            times.append((time.perf_counter() - started) * 1000)
        times.sort()
        p95 = times[max(0, round(0.95 * len(times)) - 1)]
        self.stdout.write(
            f"모델 v{model.version}, {len(times)}회 (설명 포함): p50={statistics.median(times):.1f}ms "
            f"p95={p95:.1f}ms max={times[-1]:.1f}ms"
        )
