"""``manage.py sweep_jobs``: fail the running jobs whose worker stopped signalling past their lease
(what beat runs every minute: ``catalog.tasks.sweep_jobs``), and say how many of each kind."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from catalog.services import sweep_lapsed


class Command(BaseCommand):
    help = "응답이 끊긴 실행 중 작업을 실패로 표시합니다 (beat가 1분마다 실행하는 것과 같음)."

    def handle(self, *args: object, **options: object) -> None:
        swept = sweep_lapsed()
        if not swept:
            self.stdout.write("응답이 끊긴 작업이 없습니다.")
        for label, count in swept.items():
            self.stdout.write(f"{label}: {count}개를 실패로 표시했습니다.")
