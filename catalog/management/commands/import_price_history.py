"""`python manage.py import_price_history <dir>`: Danawa-Crawler daily price CSVs."""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from catalog.importers.price_history import import_price_history_dir
from catalog.models import JobKind
from catalog.services import failing_job_on_error, start_job


class Command(BaseCommand):
    help = "Import Danawa daily price history CSVs (CPU_YYYY-MM.csv, VGA_YYYY-MM.csv, ...). Idempotent."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", help="folder holding the <PREFIX>_YYYY-MM.csv files")

    def handle(self, *args: object, directory: str, **options: object) -> None:
        job = start_job(JobKind.IMPORT_HISTORY, {"directory": directory})
        try:
            with failing_job_on_error(job, expected=(FileNotFoundError,)):
                report = import_price_history_dir(directory, job=job)
        except FileNotFoundError as exc:
            raise CommandError(str(exc)) from exc
        for err in report.errors[:50]:
            self.stderr.write(f"  ! {err}")
        if len(report.errors) > 50:
            self.stderr.write(f"  ! ... {len(report.errors) - 50} more (see the job in admin)")
        self.stdout.write(
            f"files={report.files} products={report.products_seen} "
            f"(new {report.products_created}, renamed {report.products_renamed}) cells={report.cells:,}\n"
            f"not_listed={report.not_listed:,} out_of_stock={report.out_of_stock:,} "
            f"used_skipped={report.used_skipped:,} rejected={report.rejected_nonpositive + report.rejected_absurd:,} "
            f"merged_duplicates={report.merged_duplicates:,} errors={len(report.errors)}\n"
            f"price rows={report.rows:,} new={report.inserted:,} already_present={report.already_present:,}\n"
            f"stages: {' '.join(f'{k}={v}s' for k, v in report.stage_seconds.items())}\n"
            f"seconds={report.seconds:.1f} rows_per_second={report.rows_per_second:,.0f}"
        )
