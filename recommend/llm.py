"""Reasons from the local LLM (filled in by issue 11.3); until then every entry shows the
template reason built from its facts."""

from __future__ import annotations

from recommend.entries import Entry
from recommend.reasons import template_reason


def attach_reasons(entries: list[Entry]) -> None:
    for e in entries:
        e.reason, e.reason_status = template_reason(e.facts()), "template"
