"""`python manage.py restore FILE [--yes]`: replace the database's contents with a backup."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from pcadvisor.backup import BackupError, check_dump, restore


class Command(BaseCommand):
    help = "pg_restore로 백업을 복원합니다. 지금 데이터베이스의 내용은 백업의 내용으로 바뀝니다."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--yes", action="store_true", help="묻지 않고 복원")
        parser.add_argument("--database-name", help="다른 데이터베이스에 복원 (같은 서버)")

    def handle(
        self,
        *args: object,
        file: Path,
        yes: bool = False,
        database_name: str | None = None,
        **options: object,
    ) -> None:
        target = database_name or connection.settings_dict["NAME"]
        try:
            entries = check_dump(file)
            if not yes:
                answer = input(
                    f"{target} 데이터베이스의 내용을 {file}의 내용({entries}개 항목)으로 바꿉니다. "
                    "계속할까요? [y/N] "
                )
                if answer.strip().lower() not in ("y", "yes"):
                    raise CommandError("복원을 취소했습니다.")
            restore(file, database=database_name)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"복원 완료: {file} → {target} ({entries}개 항목)")
