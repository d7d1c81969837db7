"""Benchmark matching: parsed CPU/GPU names to PassMark rows, with a confidence.

The matcher never guesses the nearest name. A part matches only when its name and a PassMark
name are *the same model* after removing things that do not name a different part. The rules, by
confidence:

1.0   the normalised names are equal. Normalising lower-cases, removes the vendor words
      ("Intel", "AMD", "NVIDIA"), ``(R)``/``(TM)``, the clock (``@ 3.70GHz``), the word
      "Graphics" (GPU) and treats ``-`` like a space: "Intel Core i7-8700K @ 3.70GHz" and
      "Intel Core i7-8700K" are equal.
0.9   equal after also dropping marketing words that PassMark appends to some names and that do
      not name another part: "APU", "Eight-Core" (``AMD FX-8300 Eight-Core``), "Processor",
      "with Radeon Graphics", "LP PCIe x16" (Matrox); or the part is one half of a PassMark row
      that names two rebadged models ("Radeon RX 470/570" stands for the RX 570).
0.85  memory-size variant of the same GPU model: "GeForce RTX 3060 8GB" (not in the table) falls
      back to "GeForce RTX 3060"; a plain "Quadro M6000" when the table had only sized rows takes
      the largest size. When several rows qualify the highest score is taken, so the choice is
      the same on every run.
0.8   several rows are equal under rule 0.9 (e.g. "Apple M1 Pro" -> "Apple M1 Pro 8 Core" and
      "10 Core"): the highest-scoring one.

Model numbers and suffixes are compared exactly: ``12400`` never matches ``12400F`` (F = no iGPU,
a different part), ``RTX 3080`` never matches ``RTX 3080 Ti``, ``RX 6700`` never ``RX 6700 XT``.
A part that is not in the table (PassMark's tables end in 2022: RTX 4060, i5-13400F, Arc A770)
returns ``None``.

``BenchmarkMatcher.score(part, name)`` is the one rule for "the score of this part": the matched
row's score, else an estimate from the name and the known neighbours (``catalog.score_estimates``,
marked ``estimated``), else None. An estimate never replaces a match.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from catalog.score_estimates import Estimate, ScoreEstimator

logger = logging.getLogger(__name__)

EXACT = 1.0
NOISE = 0.9
MEMORY_VARIANT = 0.85
AMBIGUOUS = 0.8


@dataclass(frozen=True)
class Match:
    benchmark_id: int | None
    name: str
    score: int
    confidence: float


# A row as the matcher sees it: (database id or None, PassMark name, score).
Row = tuple[int | None, str, int]

# --------------------------------------------------------------------------- normalisation

_VENDOR_WORDS = re.compile(r"\b(?:intel|amd|nvidia|ati)\b")
_TRADEMARKS = re.compile(r"\((?:r|tm)\)|[®™]")


def _tidy(text: str) -> str:
    text = text.replace("-", " ").replace("_", " ")
    return re.sub(r"\s+", " ", text).strip()


def normalize_cpu_name(name: str) -> str:
    """Lower-case, vendor-prefix- and clock-free CPU name: "core i7 8700k", "xeon e3 1230 v2"."""
    text = _TRADEMARKS.sub(" ", (name or "").lower())
    text = re.sub(r"@.*$", " ", text)  # "@ 3.70GHz"
    text = re.sub(r"\bcpu\b", " ", text)
    text = _VENDOR_WORDS.sub(" ", text)
    text = re.sub(r"(\d)v(\d)\b", r"\1 v\2", text)  # "e3-1230v2" -> "e3-1230 v2"
    return _tidy(text)


def normalize_gpu_name(name: str) -> str:
    """Lower-case, vendor-free GPU name: "geforce rtx 3060", "radeon rx 6700 xt", "intel uhd 730"
    (Intel's integrated graphics keep "intel": "uhd 730" alone would be ambiguous to a reader)."""
    text = _TRADEMARKS.sub(" ", (name or "").lower())
    text = text.replace("radeont", "radeon")  # PassMark's mangled "Radeon™"
    intel = text.strip().startswith("intel")
    text = _VENDOR_WORDS.sub(" ", text)
    text = re.sub(r"\bgraphics\b", " ", text)
    text = re.sub(r"\bquadro nvs\b", "nvs", text)
    text = re.sub(r"\b(rx|gtx|gts|rtx|gt)\s*(\d)", r"\1 \2", text)
    text = re.sub(r"(\d)(xtx|xt|ti)\b", r"\1 \2", text)
    text = _tidy(text)
    return f"intel {text}" if intel else text


def normalize_benchmark_name(part: str, name: str) -> str:
    """The ``normalized_name`` a benchmark row of ``part`` ("cpu" or "gpu") is stored with,
    whoever writes the row (the PassMark importer, the demo seeder)."""
    normalize = normalize_cpu_name if part == "cpu" else normalize_gpu_name
    return normalize(name)[:200]


_CPU_NOISE = [
    re.compile(r"\([^)]*\)"),
    re.compile(r"\b(?:apu|processor|black edition)\b"),
    re.compile(r"\b(?:dual|triple|quad|hexa|six|eight|octa|twelve|sixteen) ?core\b"),
    re.compile(r"\b\d+ core\b"),
    re.compile(r"\b\d+ mhz\b"),
    re.compile(r"\bwith radeon(?: vega)?(?: graphics)?\b"),
]
_GPU_NOISE = [
    re.compile(r"\blp\b"),
    re.compile(r"\bpcie? x\d+\b|\bpcie?\b"),
]
_GPU_MEMORY = re.compile(r"\s*\b(\d+) ?gb\b")


def _loose(norm: str, patterns: list[re.Pattern]) -> str:
    for pattern in patterns:
        norm = pattern.sub(" ", norm)
    return _tidy(norm)


def _memory(norm: str) -> tuple[str, int | None]:
    """("geforce gtx 1060", 3) from "geforce gtx 1060 3gb"."""
    m = _GPU_MEMORY.search(norm)
    if not m:
        return norm, None
    return _tidy(norm[: m.start()] + " " + norm[m.end() :]), int(m.group(1))


def _slash_aliases(name: str) -> list[str]:
    """Names a "/"-joined PassMark row stands for: "Radeon RX 470/570" -> RX 470, RX 570;
    "Radeon HD 7970 / R9 280X" -> HD 7970, R9 280X."""
    if "/" not in name:
        return []
    parts = [p.strip() for p in name.split("/") if p.strip()]
    first_words = parts[0].split()
    if len(first_words) < 2:
        return []
    family = first_words[0]
    aliases = [parts[0]]
    for part in parts[1:]:
        if part[0].isdigit():
            aliases.append(" ".join(first_words[:-1] + [part]))
        elif part.split()[0].lower() == family.lower():
            aliases.append(part)
        else:
            aliases.append(f"{family} {part}")
    return aliases


# --------------------------------------------------------------------------- matcher


class _Table:
    """Lookup structures for one part kind."""

    def __init__(self, rows: Iterable[Row], part: str) -> None:
        self.part = part
        self.normalize = normalize_cpu_name if part == "cpu" else normalize_gpu_name
        self.noise = _CPU_NOISE if part == "cpu" else _GPU_NOISE
        self.exact: dict[str, list[Row]] = {}
        self.loose: dict[str, list[Row]] = {}
        self.alias: dict[str, list[Row]] = {}
        self.by_base: dict[str, list[tuple[int, Row]]] = {}  # gpu: base name -> (gb, row)
        self.size = 0
        for row in rows:
            self.size += 1
            norm = self.normalize(row[1])
            if not norm:
                continue
            self.exact.setdefault(norm, []).append(row)
            loose = _loose(norm, self.noise)
            self.loose.setdefault(loose, []).append(row)
            for alias in _slash_aliases(row[1]):
                key = _loose(self.normalize(alias), self.noise)
                self.alias.setdefault(key, []).append(row)
            if part == "gpu":
                base, gb = _memory(loose)
                if gb is not None:
                    self.by_base.setdefault(base, []).append((gb, row))

    @staticmethod
    def _best(rows: list[Row]) -> Row:
        # Highest score, then name: the same choice on every run.
        return sorted(rows, key=lambda r: (-r[2], r[1]))[0]

    def match(self, name: str) -> Match | None:
        norm = self.normalize(name)
        if not norm:
            return None
        if norm in self.exact:
            return self._match(self._best(self.exact[norm]), EXACT)
        loose = _loose(norm, self.noise)
        if loose in self.loose:
            rows = self.loose[loose]
            # Several distinct names equal only after dropping marketing words: ambiguous.
            names = {self.normalize(r[1]) for r in rows}
            return self._match(self._best(rows), NOISE if len(names) == 1 else AMBIGUOUS)
        if loose in self.alias:
            return self._match(self._best(self.alias[loose]), NOISE)
        if self.part == "gpu":
            base, gb = _memory(loose)
            if gb is not None and base in self.loose:
                return self._match(self._best(self.loose[base]), MEMORY_VARIANT)
            if gb is None and base in self.by_base:
                sized = self.by_base[base]
                top = max(g for g, _ in sized)
                return self._match(self._best([r for g, r in sized if g == top]), MEMORY_VARIANT)
        return None

    @staticmethod
    def _match(row: Row, confidence: float) -> Match:
        return Match(benchmark_id=row[0], name=row[1], score=int(row[2]), confidence=confidence)


@dataclass(frozen=True)
class PartScore:
    """A part's score: from its PassMark row (``match``) or estimated (``estimate``)."""

    score: int
    estimated: bool
    match: Match | None = None
    estimate: Estimate | None = None

    @property
    def note(self) -> str:
        """How an estimate was made (Korean, for tooltips and the admin); "" for a match."""
        return self.estimate.how if self.estimate else ""


class BenchmarkMatcher:
    """Matches canonical part names (from ``catalog.specs``) to PassMark rows (see module doc)."""

    def __init__(self, cpu_rows: Iterable[Row], gpu_rows: Iterable[Row]) -> None:
        self._rows = {"cpu": list(cpu_rows), "gpu": list(gpu_rows)}
        self._tables = {part: _Table(rows, part) for part, rows in self._rows.items()}
        self._estimators: dict[str, ScoreEstimator] = {}
        self._estimator_lock = threading.Lock()

    @classmethod
    def from_rows(cls, cpu_rows: Iterable[Row], gpu_rows: Iterable[Row]) -> BenchmarkMatcher:
        """A matcher over raw ``(id_or_None, name, score)`` rows (no database needed)."""
        return cls(cpu_rows, gpu_rows)

    @classmethod
    def from_passmark_dir(cls, folder: str | Path) -> BenchmarkMatcher:
        """A matcher over the PassMark CSVs in ``folder`` (no database), read like the importer
        reads them (``catalog.passmark``)."""
        from catalog.passmark import matcher_rows

        rows = matcher_rows(folder)
        return cls(rows["cpu"], rows["gpu"])

    @classmethod
    def from_db(cls) -> BenchmarkMatcher:
        """A matcher over the CpuBenchmark/GpuBenchmark tables."""
        from catalog.models import CpuBenchmark, GpuBenchmark

        cpu = CpuBenchmark.objects.values_list("id", "name", "score")
        gpu = GpuBenchmark.objects.values_list("id", "name", "score")
        return cls(list(cpu), list(gpu))

    @property
    def sizes(self) -> dict[str, int]:
        return {part: table.size for part, table in self._tables.items()}

    def match(self, part: str, name: str) -> Match | None:
        """The PassMark row for ``name`` (part "cpu" or "gpu"), or None when it is not there."""
        table = self._tables.get(part)
        if table is None:
            raise ValueError(f"unknown part {part!r}: expected 'cpu' or 'gpu'")
        if not name or not name.strip():
            return None
        return table.match(name)

    def estimator(self, part: str) -> ScoreEstimator:
        """The score estimator over this matcher's rows of ``part`` (built on first use)."""
        with self._estimator_lock:
            if part not in self._estimators:
                rows = [(name, score) for _, name, score in self._rows[part]]
                self._estimators[part] = ScoreEstimator(part, rows)
            return self._estimators[part]

    def estimate(self, part: str, name: str) -> Estimate | None:
        """An estimated score for a part with no PassMark row (None when it has one, or when
        its name is not one the estimator reads)."""
        if not name or not name.strip() or self.match(part, name) is not None:
            return None
        return self.estimator(part).estimate(name)

    def score(self, part: str, name: str) -> PartScore | None:
        """The part's score: its PassMark row's, else an estimate, else None (module doc)."""
        match = self.match(part, name)
        if match is not None:
            return PartScore(score=match.score, estimated=False, match=match)
        estimate = self.estimate(part, name)
        if estimate is not None:
            return PartScore(score=estimate.score, estimated=True, estimate=estimate)
        return None


_matcher: BenchmarkMatcher | None = None
_lock = threading.Lock()


def get_matcher() -> BenchmarkMatcher:
    """The per-process matcher built from the database (cached until ``reset_matcher``)."""
    global _matcher
    with _lock:
        if _matcher is None:
            _matcher = BenchmarkMatcher.from_db()
            logger.info("benchmark matcher built: %s rows", _matcher.sizes)
        return _matcher


def reset_matcher() -> None:
    """Forget the cached matcher (after a benchmark import, or between tests)."""
    global _matcher
    with _lock:
        _matcher = None


# --------------------------------------------------------------------------- table era

# Part families launched after the PassMark export was taken (its newest rows are from spring
# 2022). A part named here is expected to have no row: "no match" is the right answer for it, and
# match-rate reports count it separately instead of as a failure.
_NEWER_THAN_TABLES: dict[str, list[re.Pattern]] = {
    "cpu": [
        re.compile(r"core i[3579]-1[3-9]\d{3}", re.I),  # Raptor Lake and later (Oct 2022-)
        re.compile(r"core ultra", re.I),
        re.compile(r"ryzen [3579] (?:pro )?[789]\d{3}(?!u|h)", re.I),  # Zen 4 desktop (Sep 2022-)
        re.compile(r"threadripper (?:pro )?[79]\d{3}", re.I),
        re.compile(r"epyc [89]\d{3}|epyc \d{3}4", re.I),  # Genoa and later
        re.compile(r"apple m[2-9]", re.I),
    ],
    "gpu": [
        re.compile(r"geforce rtx [45]0\d0", re.I),  # Ada (Oct 2022-)
        re.compile(r"geforce gtx 1630", re.I),  # Jun 2022
        re.compile(r"radeon rx [6]\d50 xt", re.I),  # RX 6650/6750/6950 XT (May 2022)
        re.compile(r"radeon rx [789]\d{3}", re.I),  # RDNA 3 and later
        re.compile(r"intel arc", re.I),  # Oct 2022
        re.compile(r"rtx [a-z]?[46]000 ada|rtx a5500|rtx a[0-9]+ ada", re.I),
    ],
}


def is_newer_than_tables(part: str, name: str) -> bool:
    """True for a part launched after the PassMark export (see ``_NEWER_THAN_TABLES``)."""
    return any(p.search(name or "") for p in _NEWER_THAN_TABLES.get(part, []))
