"""Server-side SVG line charts: no JavaScript, no external assets, no dependencies.

``line_chart_svg`` is a pure function from (date, value) series to an SVG string that a template
inlines with ``|safe``. Every piece of text that ends up in the SVG is escaped here, so callers
may pass product names and labels as they are. Prices are labelled the Korean way ("123만원").

The optional ``extra`` series (dashed, e.g. a forecast) and ``band`` (a shaded low/high range,
e.g. an uncertainty interval) exist for the trend forecast pages.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

Point = tuple[dt.date, float]
BandPoint = tuple[dt.date, float, float]

_MAN = 10_000
_EOK = 100_000_000


def won_label(value: float) -> str:
    """A compact Korean won label: 9,800원, 12.5만원, 123만원, 1억 2,300만원."""
    sign = "-" if value < 0 else ""
    value = abs(value)
    if value >= _EOK:
        eok, rest = divmod(round(value / _MAN), _EOK // _MAN)
        return f"{sign}{eok:,}억" + (f" {rest:,}만원" if rest else "원")
    if value >= _MAN:
        man = value / _MAN
        if man >= 100 or abs(man - round(man)) < 0.05:
            return f"{sign}{round(man):,}만원"
        return f"{sign}{man:.1f}만원"
    return f"{sign}{round(value):,}원"


def won(value: float | None) -> str:
    """A full won amount with thousands separators ("1,234,500원"); "-" for None."""
    return "-" if value is None else f"{round(value):,}원"


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """About ``count`` round tick values covering [low, high] (steps of 1, 2, 2.5 or 5 × 10^k)."""
    if not (math.isfinite(low) and math.isfinite(high)):
        return []
    if high < low:
        low, high = high, low
    if high == low:
        pad = abs(high) * 0.05 or 1.0
        low, high = low - pad, high + pad
    raw_step = (high - low) / max(count - 1, 1)
    magnitude = 10 ** math.floor(math.log10(raw_step))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw_step)
    first = math.floor(low / step) * step
    ticks = []
    value = first
    while value <= high + step * 0.5 and len(ticks) < 50:
        ticks.append(round(value, 6))
        value += step
    return ticks


@dataclass(frozen=True)
class Series:
    """A line: points sorted by date, a legend label and a CSS class (``chart-line-<css>``)."""

    points: Sequence[Point]
    label: str = ""
    css: str = "main"
    color: str = "#2563eb"
    dashed: bool = False


@dataclass(frozen=True)
class Band:
    """A shaded range between a low and a high value per date (e.g. a forecast interval)."""

    points: Sequence[BandPoint]
    label: str = ""
    color: str = "#93c5fd"


def _date_label(day: dt.date, span_days: int) -> str:
    return day.strftime("%y.%m") if span_days > 400 else f"{day.month}.{day.day}"


def _fmt(value: float) -> str:
    return f"{value:.1f}"


def line_chart_svg(
    points: Sequence[Point],
    *,
    title: str = "",
    label: str = "가격",
    extra: Sequence[Series] = (),
    band: Band | None = None,
    width: int = 720,
    height: int = 260,
    mark_min_max: bool = True,
    value_label: Callable[[float], str] = won_label,
) -> str:
    """An inline SVG line chart of ``points`` ((date, value) pairs, any order).

    Axes carry round value ticks formatted by ``value_label`` and a few date labels; the lowest
    and highest points of the main series are marked. ``extra`` lines and the ``band`` share the
    axes. With no points at all the chart says so instead of drawing empty axes.
    """
    main = Series(points=sorted(points), label=label)
    all_series = [
        main,
        *(Series(sorted(s.points), s.label, s.css, s.color, s.dashed) for s in extra),
    ]
    band_points = sorted(band.points) if band else []
    title_text = escape(title or label)
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMidYMid meet" '
        f'aria-label="{title_text}"><title>{title_text}</title>'
    )
    days = [p[0] for s in all_series for p in s.points] + [b[0] for b in band_points]
    values = [p[1] for s in all_series for p in s.points]
    values += [v for b in band_points for v in (b[1], b[2])]
    if not days:
        return (
            head + f'<text x="{width / 2:.0f}" y="{height / 2:.0f}" text-anchor="middle" '
            f'fill="#6b7280" font-size="14">가격 기록이 없습니다</text></svg>'
        )

    left, right, top, bottom = 72, 16, 16 + (18 if len(all_series) > 1 or band else 0), 30
    plot_w, plot_h = width - left - right, height - top - bottom
    # a little room below the lowest and above the highest point so markers clear the axes
    pad = (max(values) - min(values)) * 0.06
    ticks = nice_ticks(min(values) - pad, max(values) + pad)
    y_low, y_high = min(ticks[0], min(values)), max(ticks[-1], max(values))
    d_first, d_last = min(days), max(days)
    span = (d_last - d_first).days

    def x(day: dt.date) -> float:
        if span == 0:
            return left + plot_w / 2
        return left + plot_w * (day - d_first).days / span

    def y(value: float) -> float:
        return top + plot_h * (1 - (value - y_low) / (y_high - y_low))

    parts = [head]
    # grid and value axis
    parts.append('<g class="chart-grid" font-size="11" fill="#6b7280">')
    for tick in ticks:
        ty = y(tick)
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{_fmt(ty)}" y2="{_fmt(ty)}" '
            f'stroke="#e5e7eb" stroke-width="1"/>'
            f'<text x="{left - 6}" y="{_fmt(ty + 4)}" text-anchor="end">'
            f"{escape(value_label(tick))}</text>"
        )
    # date axis: about five labels, always the first and the last day
    n_labels = min(5, span + 1)
    label_days = sorted(
        {
            d_first + dt.timedelta(days=round(i * span / max(n_labels - 1, 1)))
            for i in range(n_labels)
        }
    )
    for day in label_days:
        anchor = (
            "start" if day == d_first and span else "end" if day == d_last and span else "middle"
        )
        parts.append(
            f'<text x="{_fmt(x(day))}" y="{height - 10}" text-anchor="{anchor}">'
            f"{escape(_date_label(day, span))}</text>"
        )
    parts.append(
        f'<line x1="{left}" x2="{width - right}" y1="{top + plot_h}" y2="{top + plot_h}" '
        f'stroke="#9ca3af" stroke-width="1"/></g>'
    )

    if band_points:
        upper = " ".join(f"{_fmt(x(d))},{_fmt(y(hi))}" for d, _lo, hi in band_points)
        lower = " ".join(f"{_fmt(x(d))},{_fmt(y(lo))}" for d, lo, _hi in reversed(band_points))
        parts.append(
            f'<polygon class="chart-band" points="{upper} {lower}" fill="{escape(band.color)}" '
            f'fill-opacity="0.35" stroke="none"><title>{escape(band.label)}</title></polygon>'
        )

    for series in all_series:
        if not series.points:
            continue
        dash = ' stroke-dasharray="6 4"' if series.dashed else ""
        css = escape(series.css)
        if len(series.points) == 1:
            d, v = series.points[0]
            parts.append(
                f'<circle class="chart-line-{css}" cx="{_fmt(x(d))}" cy="{_fmt(y(v))}" r="3" '
                f'fill="{escape(series.color)}"/>'
            )
            continue
        path = " ".join(
            f"{'M' if i == 0 else 'L'}{_fmt(x(d))},{_fmt(y(v))}"
            for i, (d, v) in enumerate(series.points)
        )
        parts.append(
            f'<path class="chart-line-{css}" d="{path}" fill="none" stroke="{escape(series.color)}" '
            f'stroke-width="2" stroke-linejoin="round"{dash}/>'
        )

    if mark_min_max and main.points:
        # the latest occurrence of the extreme is the one people care about
        low_pt = min(reversed(main.points), key=lambda p: p[1])
        high_pt = max(reversed(main.points), key=lambda p: p[1])
        marks = [("min", "최저", low_pt, "#dc2626", 14)]
        if high_pt[1] != low_pt[1]:
            marks.append(("max", "최고", high_pt, "#6b7280", -8))
        for css, word, (d, v), color, dy in marks:
            cx, cy = x(d), y(v)
            text_y = min(max(cy + dy, top + 10), top + plot_h - 4)
            anchor = "start" if cx < left + plot_w * 0.7 else "end"
            dx = 6 if anchor == "start" else -6
            text = escape(f"{word} {value_label(v)} ({d.month}.{d.day})")
            parts.append(
                f'<g class="chart-mark chart-{css}"><circle cx="{_fmt(cx)}" cy="{_fmt(cy)}" r="4" '
                f'fill="{color}"/><text x="{_fmt(cx + dx)}" y="{_fmt(text_y)}" '
                f'text-anchor="{anchor}" font-size="11" fill="{color}">{text}</text></g>'
            )

    legend = [(s.label, s.color, s.dashed) for s in all_series if s.label]
    if band and band.label:
        legend.append((band.label, band.color, False))
    if len(legend) > 1:
        parts.append('<g class="chart-legend" font-size="11" fill="#374151">')
        lx = left
        for text, color, dashed in legend:
            dash = ' stroke-dasharray="4 3"' if dashed else ""
            parts.append(
                f'<line x1="{lx}" x2="{lx + 16}" y1="10" y2="10" stroke="{escape(color)}" '
                f'stroke-width="3"{dash}/><text x="{lx + 20}" y="14">{escape(text)}</text>'
            )
            lx += 32 + 11 * len(text)
        parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)
