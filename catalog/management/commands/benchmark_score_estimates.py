"""``manage.py benchmark_score_estimates [--passmark DIR] [--names FILE ...]``: how far the
estimated scores (``catalog.score_estimates``) are from the truth, on parts the tables do know.

For every CPU and GPU of the PassMark tables whose name the estimator reads, the part is hidden,
estimated from all the others and compared with its real score (leave-one-out). Printed per part
kind: MAPE, median APE, the share within 25 % and n, for

* ``loo``: the part alone hidden (its siblings, e.g. 12400 for 12400F, stay known);
* ``siblings``: the part hidden with every sibling of the same model number;
* ``newgen``: the real case of a new generation — each family's newest generation in the table
  (RTX 30, RX 6000, Core 12th, Ryzen 5000) hidden whole and estimated from the older ones along
  the measured uplift.

With ``--names`` (Danawa history CSVs, e.g. ``VGA_2022-12.csv``) it also counts, over the
files' distinct product names, the parts with no PassMark row and how many of those get an
estimate. Reads the PassMark CSVs with ``--passmark``, else the CpuBenchmark/GpuBenchmark tables.
The last line is ``cpu_mape=… cpu_mdape=… cpu_n=… gpu_mape=… gpu_mdape=… gpu_n=…`` (loo).
"""

from __future__ import annotations

import csv
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from catalog.benchmarks import BenchmarkMatcher
from catalog.passmark import PassmarkFileError
from catalog.score_estimates import ScoreEstimator, error_summary
from catalog.specs import parse_specs


def _line(label: str, s: dict[str, float]) -> str:
    return (
        f"{label}: MAPE {s['mape']:.3f}, 중앙 APE {s['mdape']:.3f}, "
        f"25% 이내 {s['within_25']:.3f}, n={s['n']}"
    )


class Command(BaseCommand):
    help = "추정 점수의 오차를 PassMark 표에 있는 부품으로 잽니다 (하나씩 빼고 추정)"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--passmark", default="", help="PassMark CSV 폴더 (기본: DB의 표)")
        parser.add_argument(
            "--names", nargs="*", default=[], help="다나와 가격 이력 CSV (VGA_*.csv, CPU_*.csv)"
        )
        parser.add_argument("--worst", type=int, default=0, help="오차가 큰 부품 N개 출력")

    def handle(self, *args: object, **options: object) -> None:
        started = time.monotonic()
        try:
            matcher = (
                BenchmarkMatcher.from_passmark_dir(options["passmark"])
                if options["passmark"]
                else BenchmarkMatcher.from_db()
            )
        except (OSError, PassmarkFileError) as exc:
            raise CommandError(str(exc)) from exc
        summary: dict[str, dict[str, float]] = {}
        for part in ("cpu", "gpu"):
            estimator: ScoreEstimator = matcher.estimator(part)
            loo = estimator.leave_one_out()
            siblings = estimator.leave_one_out(group_siblings=True)
            newgen = estimator.leave_generation_out()
            summary[part] = error_summary(loo)
            uplift = ", ".join(
                f"{family} 세대당 {100 * (estimator.uplift(family) or 0):.0f}% 향상"
                for family in estimator.families
            )
            self.stdout.write(f"{part.upper()} 추정 가능 부품 {estimator.families} ({uplift})")
            self.stdout.write("  " + _line("하나씩 빼고", summary[part]))
            self.stdout.write("  " + _line("같은 모델번호 함께 빼고", error_summary(siblings)))
            self.stdout.write("  " + _line("최신 세대 통째로 빼고", error_summary(newgen)))
            if options["worst"]:
                worst = sorted(loo, key=lambda r: -abs(r[2] - r[1]) / r[1])[: options["worst"]]
                for name, true, guess in worst:
                    self.stdout.write(f"    {name}: 실제 {true:,}, 추정 {guess:,}")
        for path in options["names"]:
            self._names(Path(path), matcher)
        self.stdout.write(f"{time.monotonic() - started:.1f}s")
        c, g = summary["cpu"], summary["gpu"]
        self.stdout.write(
            f"cpu_mape={c['mape']:.3f} cpu_mdape={c['mdape']:.3f} cpu_n={c['n']} "
            f"gpu_mape={g['mape']:.3f} gpu_mdape={g['mdape']:.3f} gpu_n={g['n']}"
        )

    def _names(self, path: Path, matcher: BenchmarkMatcher) -> None:
        """Distinct product names of one history file: parts without a row, and estimated."""
        part = "cpu" if path.name.upper().startswith("CPU") else "gpu"
        try:
            with path.open(encoding="utf-8-sig", newline="") as fh:
                names = {row["Name"] for row in csv.DictReader(fh) if row.get("Name")}
        except (OSError, KeyError) as exc:
            raise CommandError(f"{path}: {exc}") from exc
        counts = {"products": 0, "matched": 0, "no_row": 0, "estimated": 0}
        unknown: dict[str, int] = {}
        for name in names:
            specs = parse_specs(name, kind=part)
            model = specs.cpu_model if part == "cpu" else specs.gpu_model
            if not model:
                continue
            counts["products"] += 1
            if matcher.match(part, model) is not None:
                counts["matched"] += 1
                continue
            counts["no_row"] += 1
            if matcher.estimate(part, model) is not None:
                counts["estimated"] += 1
            else:
                unknown[model] = unknown.get(model, 0) + 1
        self.stdout.write(
            f"{path.name}: 부품을 읽은 상품 {counts['products']}개, PassMark 매칭 "
            f"{counts['matched']}개, 표에 없음 {counts['no_row']}개 중 추정 {counts['estimated']}개"
        )
        if unknown:
            top = sorted(unknown.items(), key=lambda kv: (-kv[1], kv[0]))[:8]
            self.stdout.write("  추정 못 함: " + ", ".join(f"{m} ({n})" for m, n in top))
