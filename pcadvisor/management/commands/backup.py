"""`python manage.py backup [--output FILE]`: dump the database with pg_dump (custom format)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pcadvisor.backup import BackupError, backup


class Command(BaseCommand):
    help = "데이터베이스를 pg_dump로 백업합니다 (기본: var/backups/pcadvisor-<UTC 시각>.dump)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", type=Path, help="백업 파일 경로")

    def handle(self, *args: object, output: Path | None = None, **options: object) -> None:
        try:
            result = backup(output)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"백업 완료: {result.path} ({result.size_bytes / 1e6:.1f} MB, {result.seconds:.1f}초)"
        )
