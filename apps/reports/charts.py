"""Server-side SVG charts for the PDF reports (WeasyPrint runs no JavaScript).

Pure functions: plain numbers and labels in, an SVG document (str) out. Geometry is in CSS pixels
(96 per inch), so a 680 px wide chart fills the 180 mm text column of an A4 page. Every text
element names the CJK font explicitly, because an SVG drawn by WeasyPrint does not inherit the
page's font and would otherwise print boxes for Chinese labels.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from xml.sax.saxutils import escape

FONT = "Noto Sans CJK SC"
INK = "#1d2733"
MUTED = "#6b7785"
GRID = "#e3e8ee"
AXIS = "#9aa6b2"
PALETTE = ["#0b4f6c", "#2a9d8f", "#e9a23b", "#c0392b", "#7b5ea7", "#5d6d7e"]

Number = int | float | Decimal


@dataclass(frozen=True)
class Series:
    """One named data series. `values` align with the chart's x labels; None is a gap."""

    name: str
    values: Sequence[Number | None]
    color: str | None = None
    dashed: bool = False


@dataclass(frozen=True)
class Band:
    """A shaded stretch of the x axis (e.g. the Double 11 peak), indexes inclusive."""

    start: int
    end: int
    label: str


@dataclass
class _Frame:
    width: int
    height: int
    left: int = 56
    right: int = 16
    top: int = 40
    bottom: int = 44
    parts: list[str] = field(default_factory=list)

    @property
    def plot_w(self) -> float:
        return self.width - self.left - self.right

    @property
    def plot_h(self) -> float:
        return self.height - self.top - self.bottom


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values (1, 2, 2.5 or 5 × 10^k steps) covering [low, high], at most ~count+1 of them."""
    if high < low:
        low, high = high, low
    if high == low:
        high = low + 1
    raw = (high - low) / max(count, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = magnitude
    for factor in (1, 2, 2.5, 5, 10):
        step = factor * magnitude
        if raw <= step:
            break
    first = math.floor(low / step + 1e-9)
    last = math.ceil(high / step - 1e-9)
    return [round(k * step, 10) for k in range(first, last + 1)]


def format_number(value: float, *, percent: bool = False) -> str:
    """Axis label: '12,000', '1.5万' style is avoided on purpose so figures match the tables."""
    if percent:
        return f"{value * 100:.0f}%"
    if abs(value - round(value)) < 1e-9:
        return f"{round(value):,}"
    return f"{value:,.1f}"


def _text(x: float, y: float, text: str, *, size: int = 11, anchor: str = "start", fill: str = INK, weight="normal"):
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-family="{FONT}" font-size="{size}" text-anchor="{anchor}" '
        f'font-weight="{weight}" fill="{fill}">{escape(text)}</text>'
    )


def _open(width: int, height: int) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="{FONT}">',
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>',
    ]


def _color(series: Series, index: int) -> str:
    return series.color or PALETTE[index % len(PALETTE)]


def _legend(frame: _Frame, series: Sequence[Series], title: str) -> None:
    if title:
        frame.parts.append(_text(frame.left, 16, title, size=13, weight="bold"))
    # Legend entries right-aligned on the title row, laid out from the right edge.
    x = frame.width - frame.right
    for index in reversed(range(len(series))):
        s = series[index]
        label_w = _text_width(s.name, 11)
        x -= label_w
        frame.parts.append(_text(x, 16, s.name, size=11, fill=INK))
        x -= 18
        dash = ' stroke-dasharray="5 3"' if s.dashed else ""
        frame.parts.append(
            f'<line x1="{x:.1f}" y1="12" x2="{x + 14:.1f}" y2="12" stroke="{_color(s, index)}" stroke-width="6"{dash}/>'
        )
        x -= 14


def _text_width(text: str, size: int) -> float:
    """Approximate rendered width: CJK glyphs are one em, Latin about 0.58 em."""
    wide = sum(1 for ch in text if ord(ch) > 0x2E80)
    return (wide + (len(text) - wide) * 0.58) * size


def _y_axis(frame: _Frame, ticks: list[float], lo: float, hi: float, *, percent: bool, y_label: str) -> callable:
    def y_of(value: float) -> float:
        return frame.top + frame.plot_h * (1 - (value - lo) / (hi - lo))

    for tick in ticks:
        y = y_of(tick)
        frame.parts.append(
            f'<line x1="{frame.left}" y1="{y:.1f}" x2="{frame.width - frame.right}" y2="{y:.1f}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        frame.parts.append(_text(frame.left - 6, y + 4, format_number(tick, percent=percent), size=10, anchor="end"))
    frame.parts.append(
        f'<line x1="{frame.left}" y1="{frame.top}" x2="{frame.left}" y2="{frame.top + frame.plot_h}" '
        f'stroke="{AXIS}" stroke-width="1"/>'
    )
    if y_label:
        frame.parts.append(_text(2, frame.top - 10, y_label, size=10, anchor="start", fill=MUTED))
    return y_of


def _x_axis(frame: _Frame, labels: Sequence[str], x_of, *, every: int) -> None:
    base = frame.top + frame.plot_h
    frame.parts.append(
        f'<line x1="{frame.left}" y1="{base:.1f}" x2="{frame.width - frame.right}" y2="{base:.1f}" '
        f'stroke="{AXIS}" stroke-width="1"/>'
    )
    for index, label in enumerate(labels):
        x = x_of(index)
        if index % every == 0 or index == len(labels) - 1:
            frame.parts.append(f'<line x1="{x:.1f}" y1="{base:.1f}" x2="{x:.1f}" y2="{base + 4:.1f}" stroke="{AXIS}"/>')
            if index % every == 0:
                frame.parts.append(_text(x, base + 16, label, size=10, anchor="middle", fill=MUTED))


def _tick_every(count: int, plot_w: float, label_w: float = 40) -> int:
    fits = max(1, int(plot_w // label_w))
    return max(1, math.ceil(count / fits))


def _bounds(values: list[float], *, start_at_zero: bool = True) -> tuple[list[float], float, float]:
    if not values:
        values = [0.0, 1.0]
    lo = min(values + [0.0]) if start_at_zero else min(values)
    hi = max(values)
    ticks = nice_ticks(lo, hi if hi > lo else lo + 1)
    return ticks, ticks[0], ticks[-1]


def _floats(values: Sequence[Number | None]) -> list[float | None]:
    return [None if v is None else float(v) for v in values]


def _bands(frame: _Frame, bands: Sequence[Band], n: int) -> None:
    """Shaded stretches of the x axis (indexes inclusive) with their label at the top."""
    for band in bands:
        x0 = frame.left + frame.plot_w * band.start / n
        x1 = frame.left + frame.plot_w * (band.end + 1) / n
        frame.parts.append(
            f'<rect x="{x0:.1f}" y="{frame.top}" width="{x1 - x0:.1f}" height="{frame.plot_h:.1f}" fill="#fdf1dc"/>'
        )
        frame.parts.append(_text((x0 + x1) / 2, frame.top + 12, band.label, size=10, anchor="middle", fill="#9a6a12"))


def line_chart(
    *,
    x_labels: Sequence[str],
    series: Sequence[Series],
    title: str = "",
    y_label: str = "",
    percent: bool = False,
    bands: Sequence[Band] = (),
    width: int = 680,
    height: int = 250,
    y_min: float | None = None,
    y_max: float | None = None,
) -> str:
    """A line chart with gridlines, y ticks, sparse x ticks, a legend and optional shaded bands."""
    frame = _Frame(width, height)
    frame.parts = _open(width, height)
    data = [_floats(s.values) for s in series]
    flat = [v for values in data for v in values if v is not None]
    ticks, lo, hi = _bounds(flat, start_at_zero=y_min is None)
    if y_min is not None or y_max is not None:
        ticks = nice_ticks(y_min if y_min is not None else lo, y_max if y_max is not None else hi)
        lo, hi = ticks[0], ticks[-1]
    n = max(len(x_labels), 1)

    def x_of(index: int) -> float:
        return frame.left + (frame.plot_w * (index + 0.5) / n)

    _bands(frame, bands, n)
    y_of = _y_axis(frame, ticks, lo, hi, percent=percent, y_label=y_label)
    _x_axis(frame, x_labels, x_of, every=_tick_every(len(x_labels), frame.plot_w))
    for index, (s, values) in enumerate(zip(series, data, strict=True)):
        color = _color(s, index)
        runs: list[list[tuple[float, float]]] = [[]]
        for i, v in enumerate(values):
            if v is None:
                runs.append([])
            else:
                runs[-1].append((x_of(i), y_of(v)))
        dash = ' stroke-dasharray="6 4"' if s.dashed else ""
        for run in runs:
            if len(run) > 1:
                points = " ".join(f"{x:.1f},{y:.1f}" for x, y in run)
                frame.parts.append(
                    f'<polyline points="{points}" fill="none" stroke="{color}" stroke-width="2"{dash} '
                    f'stroke-linejoin="round"/>'
                )
            # Markers only where they help reading (short series); long series stay plain lines.
            for x, y in run if len(values) <= 14 else run[-1:]:
                frame.parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.4" fill="{color}"/>')
    _legend(frame, series, title)
    frame.parts.append("</svg>")
    return "".join(frame.parts)


def stacked_bar_chart(
    *,
    x_labels: Sequence[str],
    series: Sequence[Series],
    title: str = "",
    y_label: str = "",
    width: int = 680,
    height: int = 250,
    bands: Sequence[Band] = (),
) -> str:
    """Vertical bars stacked per x label (e.g. bot-handled under human-handled conversations), with
    optional shaded bands behind them (e.g. a promotion)."""
    frame = _Frame(width, height)
    frame.parts = _open(width, height)
    data = [[v or 0.0 for v in _floats(s.values)] for s in series]
    totals = [sum(col) for col in zip(*data, strict=True)] if data else []
    ticks, lo, hi = _bounds(totals)
    n = max(len(x_labels), 1)
    slot = frame.plot_w / n
    bar_w = max(2.0, slot * 0.7)

    def x_of(index: int) -> float:
        return frame.left + slot * (index + 0.5)

    _bands(frame, bands, n)

    y_of = _y_axis(frame, ticks, lo, hi, percent=False, y_label=y_label)
    for i in range(len(x_labels)):
        bottom = 0.0
        for index, values in enumerate(data):
            value = values[i]
            if value <= 0:
                continue
            y_top, y_bottom = y_of(bottom + value), y_of(bottom)
            frame.parts.append(
                f'<rect x="{x_of(i) - bar_w / 2:.1f}" y="{y_top:.1f}" width="{bar_w:.1f}" '
                f'height="{max(0.0, y_bottom - y_top):.1f}" fill="{_color(series[index], index)}"/>'
            )
            bottom += value
    _x_axis(frame, x_labels, x_of, every=_tick_every(len(x_labels), frame.plot_w))
    _legend(frame, series, title)
    frame.parts.append("</svg>")
    return "".join(frame.parts)


def bar_chart(
    *,
    x_labels: Sequence[str],
    series: Sequence[Series],
    title: str = "",
    y_label: str = "",
    width: int = 680,
    height: int = 250,
    overlay: Series | None = None,
) -> str:
    """Grouped vertical bars (one bar per series per label); `overlay` draws a line across them
    (e.g. scheduled hours bars with the required hours as a line)."""
    frame = _Frame(width, height)
    frame.parts = _open(width, height)
    data = [[v or 0.0 for v in _floats(s.values)] for s in series]
    flat = [v for values in data for v in values]
    if overlay is not None:
        flat += [v for v in _floats(overlay.values) if v is not None]
    ticks, lo, hi = _bounds(flat)
    n = max(len(x_labels), 1)
    slot = frame.plot_w / n
    group_w = slot * 0.78
    bar_w = max(1.5, group_w / max(len(series), 1))

    def x_of(index: int) -> float:
        return frame.left + slot * (index + 0.5)

    y_of = _y_axis(frame, ticks, lo, hi, percent=False, y_label=y_label)
    for i in range(len(x_labels)):
        for index, values in enumerate(data):
            x = x_of(i) - group_w / 2 + bar_w * index
            y = y_of(values[i])
            frame.parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w * 0.92:.1f}" height="{y_of(0) - y:.1f}" '
                f'fill="{_color(series[index], index)}"/>'
            )
    legend_series = list(series)
    if overlay is not None:
        color = overlay.color or PALETTE[3]
        points = [(x_of(i), y_of(v)) for i, v in enumerate(_floats(overlay.values)) if v is not None]
        if len(points) > 1:
            frame.parts.append(
                f'<polyline points="{" ".join(f"{x:.1f},{y:.1f}" for x, y in points)}" fill="none" '
                f'stroke="{color}" stroke-width="2" stroke-dasharray="5 3"/>'
            )
        legend_series.append(Series(overlay.name, overlay.values, color=color, dashed=True))
    _x_axis(frame, x_labels, x_of, every=_tick_every(len(x_labels), frame.plot_w))
    _legend(frame, legend_series, title)
    frame.parts.append("</svg>")
    return "".join(frame.parts)


def horizontal_bar_chart(
    *,
    labels: Sequence[str],
    values: Sequence[Number],
    title: str = "",
    colors: Sequence[str] | None = None,
    width: int = 680,
    value_suffix: str = "",
    legend: Sequence[tuple[str, str]] = (),
) -> str:
    """One bar per category with its value printed at the bar's end (e.g. the violation mix);
    `legend` names what the bar colours mean, as (label, colour) pairs."""
    row_h = 24
    label_w = int(max([_text_width(label, 11) for label in labels] + [60])) + 12
    height = 40 + row_h * max(len(labels), 1) + 10
    frame = _Frame(width, height, left=label_w, right=70, top=34, bottom=10)
    frame.parts = _open(width, height)
    floats = [float(v) for v in values]
    hi = max(floats + [1.0])
    for i, (label, value) in enumerate(zip(labels, floats, strict=True)):
        y = frame.top + i * row_h
        bar = frame.plot_w * value / hi
        color = colors[i] if colors else PALETTE[0]
        frame.parts.append(_text(frame.left - 8, y + 15, label, size=11, anchor="end"))
        frame.parts.append(
            f'<rect x="{frame.left}" y="{y + 4:.1f}" width="{bar:.1f}" height="{row_h - 8}" fill="{color}" rx="2"/>'
        )
        frame.parts.append(_text(frame.left + bar + 6, y + 15, f"{format_number(value)}{value_suffix}", size=11))
    frame.parts.append(
        f'<line x1="{frame.left}" y1="{frame.top}" x2="{frame.left}" y2="{frame.top + row_h * len(labels)}" '
        f'stroke="{AXIS}"/>'
    )
    if title:
        frame.parts.append(_text(0, 16, title, size=13, weight="bold"))
    _legend(frame, [Series(label, (), color=color) for label, color in legend], "")
    frame.parts.append("</svg>")
    return "".join(frame.parts)
