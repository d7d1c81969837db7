"""Spec parsing: Korean and English product names and spec summaries to structured specs.

INTERFACE (implemented by the spec-parsing work): ``parse_specs`` below.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class ParsedSpecs:
    cpu_model: str = ""  # canonical English, e.g. "Intel Core i5-12400F"
    gpu_model: str = ""  # canonical English, e.g. "GeForce RTX 3060"
    ram_gb: int | None = None
    ssd_gb: int | None = None
    hdd_gb: int | None = None
    vram_gb: int | None = None
    os: str = ""
    form_factor: str = ""
    integrated_gpu: bool = False
    brand: str = ""


def parse_specs(
    name: str, summary: str = "", table: dict[str, str] | None = None, kind: str = ""
) -> ParsedSpecs:
    raise NotImplementedError
