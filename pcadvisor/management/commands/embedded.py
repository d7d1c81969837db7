"""`python manage.py embedded status|stop`: the embedded PostgreSQL and Redis under var/."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from core import embedded


class Command(BaseCommand):
    help = "Show or stop the embedded PostgreSQL and Redis servers (var/)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["status", "stop"])
        parser.add_argument(
            "--started-after",
            type=float,
            metavar="CREATE_TIME",
            help=(
                "stop only servers started after this moment (psutil.Process().create_time() "
                "of a process started before them): `make test` stops what it started itself"
            ),
        )

    def handle(
        self, *args: object, action: str, started_after: float | None = None, **options: object
    ) -> None:
        var = settings.VAR_DIR
        if action == "status":
            pg = (
                embedded.postgres_status(var)
                if settings.EMBEDDED_POSTGRES
                else "external (DATABASE_URL)"
            )
            rd = embedded.redis_status(var) if settings.EMBEDDED_REDIS else "external (REDIS_URL)"
            self.stdout.write(f"postgres: {pg}\nredis:    {rd}")
            return
        from django.db import connections

        connections.close_all()
        services = [
            ("postgres", settings.EMBEDDED_POSTGRES, embedded.postgres_pid, embedded.stop_postgres),
            ("redis", settings.EMBEDDED_REDIS, embedded.redis_pid, embedded.stop_redis),
        ]
        for name, is_embedded, pid_of, stop in services:
            if not is_embedded:
                continue
            label = f"{name}:".ljust(10)
            pid = pid_of(var)
            if pid is None:
                self.stdout.write(f"{label}was not running")
            elif started_after is not None and not embedded.started_after(pid, started_after):
                self.stdout.write(f"{label}left running (it was running before)")
            else:
                self.stdout.write(label + ("stopped" if stop(var) else "was not running"))
