"""Template filters of the trends templates."""

from __future__ import annotations

from django import template

from trends.ml.forecast import format_percent

register = template.Library()


@register.filter
def pct(value: float | None, digits: int = 1) -> str:
    """0.0234 → "+2.3%" (signed); None → "-". Rounded exactly as ``direction_of`` rounds
    before it classifies, so a shown "+2.1%" is always an 오름."""
    return format_percent(value, int(digits))


@register.filter
def share(value: float | None) -> str:
    """0.72 → "72%" (unsigned)."""
    if value is None:
        return "-"
    return f"{value * 100:.0f}%"
