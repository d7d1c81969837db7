"""Reads of the front door's requests."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import models

if TYPE_CHECKING:
    from analyze.models import DoorRequest


class DoorRequestQuerySet(models.QuerySet):
    def active(self) -> DoorRequestQuerySet:
        """Queued or running (at most one per pcode)."""
        return self.filter(status__in=["queued", "running"])

    def for_pcode(self, pcode: str) -> DoorRequestQuerySet:
        return self.filter(pcode=pcode)

    def latest_for(self, pcode: str) -> DoorRequest | None:
        """The newest request for ``pcode`` (served by ``doorrequest_pcode_latest``)."""
        return self.for_pcode(pcode).order_by("-created_at", "-id").first()

    def done_since(self, since: dt.datetime) -> DoorRequestQuerySet:
        return self.filter(status="done", finished_at__gte=since)

    def older_than(self, moment: dt.datetime) -> DoorRequestQuerySet:
        return self.filter(created_at__lt=moment)
