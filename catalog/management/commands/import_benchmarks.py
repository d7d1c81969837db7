"""``manage.py import_benchmarks <dir>``: import the PassMark CPU/GPU tables synchronously."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from catalog.importers.benchmarks import BenchmarkImportError, import_benchmarks_dir
from catalog.models import JobKind
from catalog.services import failing_job_on_error, start_job


class Command(BaseCommand):
    help = (
        "PassMark CPU/GPU 벤치마크 CSV(CPU_benchmark_v4.csv, GPU_benchmarks_v7.csv)를 가져옵니다."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", help="folder holding the two PassMark CSV files")
        parser.add_argument(
            "--show-errors", type=int, default=20, help="how many row errors to print (default 20)"
        )

    def handle(self, *args: object, **options: object) -> None:
        directory = str(options["directory"])
        job = start_job(JobKind.IMPORT_BENCHMARKS, params={"directory": directory})
        try:
            with failing_job_on_error(job):  # the importer fails the job with its reason
                report = import_benchmarks_dir(directory, job=job)
        except BenchmarkImportError as exc:
            raise CommandError(str(exc)) from exc
        for part in ("cpu", "gpu"):
            stats = report[part]
            self.stdout.write(
                f"{part}: rows={stats['rows']} created={stats['created']} "
                f"updated={stats['updated']} unchanged={stats['unchanged']}"
            )
        for error in report["errors"][: int(options["show_errors"])]:
            self.stdout.write(f"  {error['file']}:{error['line']}: {error['reason']}")
        self.stdout.write(
            f"created={report['created']} updated={report['updated']} "
            f"unchanged={report['unchanged']} errors={report['error_count']} "
            f"rematched={report['rematched']} job={job.pk}"
        )
