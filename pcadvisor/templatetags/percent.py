"""``{% load percent %}``: ``{{ 0.1234|percent }}`` -> ``12.3`` (a fraction shown as percent).

``widthratio`` rounds to a whole number and, used as ``widthratio x 0.001 0.1``, divides by a
"max" that Django turns into 0: every MAPE showed as 0 %. This filter multiplies by 100 and
formats with ``floatformat`` (``{{ x|percent:0 }}`` for whole percent).
"""

from __future__ import annotations

from django import template
from django.template.defaultfilters import floatformat

register = template.Library()


@register.filter
def percent(value: object, digits: int | str = 1) -> str:
    """A fraction (0.1234) as a percent number ("12.3"); "" for a missing or non-number value."""
    if value is None or value == "":
        return ""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return ""
    if number != number:  # NaN (a metric on too few rows)
        return "–"
    return floatformat(number * 100, int(digits))
