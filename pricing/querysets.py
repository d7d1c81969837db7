"""Reads over the pricing tables."""

from __future__ import annotations

from django.db import models


class PricingModelQuerySet(models.QuerySet):
    def active(self) -> PricingModelQuerySet:
        return self.filter(is_active=True)

    def current(self) -> object | None:
        """The active model row, or None when none has been trained."""
        return self.filter(is_active=True).first()


class TrainingRunQuerySet(models.QuerySet):
    def running(self) -> TrainingRunQuerySet:
        return self.filter(status__in=["queued", "running"])


class PricePredictionQuerySet(models.QuerySet):
    def of_active_model(self) -> PricePredictionQuerySet:
        return self.filter(model__is_active=True)

    def for_product(self, product_id: int) -> PricePredictionQuerySet:
        return self.filter(product_id=product_id)
