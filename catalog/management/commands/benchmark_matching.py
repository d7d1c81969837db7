"""``manage.py benchmark_matching --history-dir D --passmark-dir P``: how many distinct Danawa CPU
and graphics-card names find their PassMark row. Needs no database.

Denominators (both printed):

* ``*_match_rate_all``: matched / names whose part the parser recognised.
* ``*_match_rate``: the same, leaving out parts launched after the PassMark export
  (``catalog.benchmarks.is_newer_than_tables``: RTX 40xx, Arc, Ryzen 7000, Core 13th gen, ...),
  for which "no match" is the correct answer.

Names with no recognisable part (SLI bridges, eGPU boxes) are counted and printed separately.
"""

from __future__ import annotations

import csv
import random
from collections import Counter
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from catalog.benchmarks import BenchmarkMatcher, is_newer_than_tables
from catalog.danawa.categories import HISTORY_FILE_PREFIXES, PART_KINDS
from catalog.passmark import PassmarkFileError, passmark_paths
from catalog.specs import parse_specs

# part -> (history files of its category, parse kind)
PARTS = {part: (f"{HISTORY_FILE_PREFIXES[code]}_*.csv", part) for code, part in PART_KINDS.items()}


def read_names(history_dir: Path, pattern: str) -> list[str]:
    """Distinct product names (column ``Name``) over every monthly file matching ``pattern``."""
    names: set[str] = set()
    for path in sorted(history_dir.glob(pattern)):
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.reader(fh)
            header = next(reader, [])
            if "Name" not in header:
                raise CommandError(f"{path}: 'Name' 열이 없습니다")
            col = header.index("Name")
            names.update(row[col].strip() for row in reader if len(row) > col and row[col].strip())
    return sorted(names)


class Command(BaseCommand):
    help = "다나와 가격 이력의 CPU/그래픽카드 이름이 PassMark 표와 얼마나 매칭되는지 측정합니다."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--history-dir", required=True)
        parser.add_argument("--passmark-dir", required=True)
        parser.add_argument(
            "--show-unmatched", type=int, default=0, metavar="N", help="print N unmatched names"
        )
        parser.add_argument("--seed", type=int, default=0, help="seed for the unmatched sample")

    def handle(self, *args: object, **options: object) -> None:
        history = Path(str(options["history_dir"]))
        passmark = Path(str(options["passmark_dir"]))
        for path in (history, *passmark_paths(passmark).values()):
            if not path.exists():
                raise CommandError(f"없습니다 (not found): {path}")
        try:
            matcher = BenchmarkMatcher.from_passmark_dir(passmark)
        except PassmarkFileError as exc:
            raise CommandError(str(exc)) from exc
        show = int(options["show_unmatched"])
        rng = random.Random(int(options["seed"]))
        summary: dict[str, dict[str, float | int]] = {}
        for part, (pattern, kind) in PARTS.items():
            names = read_names(history, pattern)
            if not names:
                raise CommandError(f"{history}에 {pattern} 파일이 없습니다")
            counts: Counter[str] = Counter()
            confidences: Counter[float] = Counter()
            unmatched: list[str] = []
            for name in names:
                parsed = parse_specs(name, kind=kind)
                model = parsed.cpu_model if part == "cpu" else parsed.gpu_model
                if not model:
                    counts["unparsed"] += 1
                    continue
                counts["parsed"] += 1
                newer = is_newer_than_tables(part, model)
                counts["newer"] += newer
                match = matcher.match(part, model)
                if match:
                    counts["matched"] += 1
                    counts["matched_era"] += not newer
                    confidences[match.confidence] += 1
                elif not newer:
                    unmatched.append(f"{name}  ->  {model}")
            era = counts["parsed"] - counts["newer"]
            rate_all = counts["matched"] / counts["parsed"] if counts["parsed"] else 0.0
            rate = counts["matched_era"] / era if era else 0.0
            summary[part] = {"rate": rate, "rate_all": rate_all, "names": len(names)}
            conf = " ".join(f"{c:.2f}:{n}" for c, n in sorted(confidences.items(), reverse=True))
            self.stdout.write(
                f"{part}: names={len(names)} parsed={counts['parsed']} "
                f"unparsed={counts['unparsed']} newer_than_table={counts['newer']} "
                f"matched={counts['matched']} (table-era {counts['matched_era']}/{era})"
            )
            self.stdout.write(
                f"{part}: match rate table-era={rate:.3f} all-parsed={rate_all:.3f} "
                f"confidence {conf}"
            )
            if show and unmatched:
                self.stdout.write(f"{part}: unmatched sample ({min(show, len(unmatched))}):")
                for line in sorted(rng.sample(unmatched, min(show, len(unmatched)))):
                    self.stdout.write(f"  {line}")
        self.stdout.write(
            f"cpu_match_rate={summary['cpu']['rate']:.3f} "
            f"gpu_match_rate={summary['gpu']['rate']:.3f} "
            f"cpu_match_rate_all={summary['cpu']['rate_all']:.3f} "
            f"gpu_match_rate_all={summary['gpu']['rate_all']:.3f} "
            f"cpu_names={summary['cpu']['names']} gpu_names={summary['gpu']['names']}"
        )
