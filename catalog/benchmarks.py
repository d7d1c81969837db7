"""Benchmark matching: parsed CPU/GPU names to PassMark rows, with a confidence.

INTERFACE (implemented by the matching work): ``Match``, ``get_matcher``, ``reset_matcher``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Match:
    benchmark_id: int | None
    name: str
    score: int
    confidence: float


class BenchmarkMatcher:
    def match(self, part: str, name: str) -> Match | None:
        raise NotImplementedError


def get_matcher() -> BenchmarkMatcher:
    raise NotImplementedError


def reset_matcher() -> None:
    pass
