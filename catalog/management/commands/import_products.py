"""`python manage.py import_products <file.csv>`: a product catalog a user brings."""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from catalog.importers.products import ProductCsvError, import_products_csv
from catalog.models import JobKind
from catalog.services import failing_job_on_error, start_job


class Command(BaseCommand):
    help = (
        "Import products from a CSV: name, category (desktop/cpu/gpu/laptop/...), price, "
        "and optional pcode, manufacturer, specs, image, date. Idempotent."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="CSV file (UTF-8)")

    def handle(self, *args: object, path: str, **options: object) -> None:
        job = start_job(JobKind.IMPORT_PRODUCTS, {"path": path})
        try:
            with failing_job_on_error(job, expected=(ProductCsvError,)):
                report = import_products_csv(path, job=job)
        except ProductCsvError as exc:
            raise CommandError(str(exc)) from exc
        for warning in report.warnings:
            self.stderr.write(f"  ~ {warning}")
        for err in report.errors:
            self.stderr.write(f"  ! {err}")
        p = report.prices
        self.stdout.write(
            f"rows={report.rows} failed={report.rows_failed} products: new={report.products_created} "
            f"updated={report.products_updated} unchanged={report.products_unchanged} "
            f"images={report.images_stored}\n"
            f"prices: new={p.inserted} updated={p.updated} unchanged={p.unchanged} "
            f"merged_duplicates={p.merged_duplicates} seconds={report.seconds:.1f}"
        )
