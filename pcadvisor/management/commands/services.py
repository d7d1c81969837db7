"""`python manage.py services status|stop`: the embedded PostgreSQL and Redis under var/."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from pcadvisor.lib import embedded


class Command(BaseCommand):
    help = "Show or stop the embedded PostgreSQL and Redis servers (var/)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["status", "stop"])

    def handle(self, *args: object, action: str, **options: object) -> None:
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
        if settings.EMBEDDED_POSTGRES:
            self.stdout.write(
                "postgres: " + ("stopped" if embedded.stop_postgres(var) else "was not running")
            )
        if settings.EMBEDDED_REDIS:
            self.stdout.write(
                "redis:    " + ("stopped" if embedded.stop_redis(var) else "was not running")
            )
