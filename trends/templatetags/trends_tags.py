"""Template filters of the trends templates."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def pct(value: float | None, digits: int = 1) -> str:
    """0.0234 → "+2.3%" (signed); None → "-"."""
    if value is None:
        return "-"
    return f"{value * 100:+.{int(digits)}f}%"


@register.filter
def share(value: float | None) -> str:
    """0.72 → "72%" (unsigned)."""
    if value is None:
        return "-"
    return f"{value * 100:.0f}%"
