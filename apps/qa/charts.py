"""Server-side SVG line charts (no JavaScript: the same markup works in pages and PDFs)."""

from __future__ import annotations

from datetime import date

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

PALETTE = ("#1f6feb", "#d1242f", "#1a7f37", "#9a6700", "#8250df", "#bf3989", "#0a7ea4", "#6e7781")


def line_chart(
    series: dict[str, list[tuple[date, float]]],
    *,
    width: int = 720,
    height: int = 260,
    y_min: float = 0,
    y_max: float = 100,
    title: str = "",
) -> SafeString:
    """One polyline per series over a shared date axis; a legend under the plot."""
    left, right, top, bottom = 40, 20, 20, 30  # right: room for half of the last date label
    legend_h = 18 * ((len(series) + 3) // 4)
    total_h = height + legend_h
    plot_w, plot_h = width - left - right, height - top - bottom
    xs = sorted({d for points in series.values() for d, _v in points})
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="qa-chart" viewBox="0 0 {width} {total_h}" '
        f'width="{width}" height="{total_h}" role="img" aria-label="{escape(title)}">'
    ]
    if title:
        parts.append(f'<text x="{left}" y="14" font-size="12">{escape(title)}</text>')
    span = (y_max - y_min) or 1
    for tick in range(5):
        value = y_min + span * tick / 4
        y = top + plot_h - plot_h * tick / 4
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>')
        parts.append(f'<text x="{left - 4}" y="{y + 4:.1f}" font-size="10" text-anchor="end">{value:.0f}</text>')
    if not xs:
        parts.append(f'<text x="{left + 10}" y="{top + plot_h / 2:.0f}" font-size="12">—</text></svg>')
        return mark_safe("".join(parts))  # noqa: S308 — built from escaped parts only

    def x_of(d: date) -> float:
        if len(xs) == 1:
            return left + plot_w / 2
        return left + plot_w * xs.index(d) / (len(xs) - 1)

    def y_of(v: float) -> float:
        v = min(max(v, y_min), y_max)
        return top + plot_h - plot_h * (v - y_min) / span

    step = max(1, len(xs) // 8)
    for d in xs[::step]:
        parts.append(f'<text x="{x_of(d):.1f}" y="{height - 10}" font-size="10" text-anchor="middle">{d:%m-%d}</text>')
    for i, (name, points) in enumerate(series.items()):
        color = PALETTE[i % len(PALETTE)]
        pts = " ".join(f"{x_of(d):.1f},{y_of(v):.1f}" for d, v in sorted(points))
        parts.append(f'<polyline fill="none" stroke="{color}" stroke-width="2" points="{pts}"/>')
        for d, v in points:
            parts.append(
                f'<circle cx="{x_of(d):.1f}" cy="{y_of(v):.1f}" r="2.5" fill="{color}">'
                f"<title>{escape(name)} {d:%Y-%m-%d}: {v:.1f}</title></circle>"
            )
        lx = left + (i % 4) * (plot_w / 4)
        ly = height + 14 + 18 * (i // 4)
        parts.append(f'<rect x="{lx:.0f}" y="{ly - 9}" width="10" height="10" fill="{color}"/>')
        parts.append(f'<text x="{lx + 14:.0f}" y="{ly}" font-size="11">{escape(name)}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 — built from escaped parts only
