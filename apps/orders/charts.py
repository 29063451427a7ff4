"""The sales page's daily trend: server-side SVG (no JavaScript, the same markup in pages and PDFs),
drawn like apps.qa.charts, with the promo periods as shaded bands behind the lines."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from apps.qa.charts import PALETTE


def trend_chart(
    series: dict[str, list[tuple[date, float]]],
    *,
    start: date,
    end: date,
    bands: list[tuple[str, date, date]],
    title: str = "",
    width: int = 760,
    height: int = 260,
) -> SafeString:
    """One polyline per series over the local days [start, end); each band (name, first, last day)
    shaded. The y axis runs from 0 to the largest value."""
    left, right, top, bottom = 56, 20, 22, 30
    plot_w, plot_h = width - left - right, height - top - bottom
    days = max((end - start).days, 1)
    y_max = max([v for points in series.values() for _d, v in points] + [1.0])
    legend_h = 18 * ((len(series) + 3) // 4)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="qa-chart" viewBox="0 0 {width} {height + legend_h}" '
        f'width="{width}" height="{height + legend_h}" role="img" aria-label="{escape(title)}">'
    ]
    if title:
        parts.append(f'<text x="{left}" y="14" font-size="12">{escape(title)}</text>')

    def x_of(d: date) -> float:
        return left + plot_w * (d - start).days / max(days - 1, 1)

    for name, first, last in bands:
        x0, x1 = x_of(first), x_of(last) if last > first else x_of(first) + 4
        parts.append(
            f'<rect x="{x0:.1f}" y="{top}" width="{max(x1 - x0, 4):.1f}" height="{plot_h}" fill="#fff4d6">'
            f"<title>{escape(name)}</title></rect>"
        )
        parts.append(f'<text x="{x0 + 2:.1f}" y="{top + 10}" font-size="10" fill="#9a6700">{escape(name)}</text>')
    for tick in range(5):
        value = y_max * tick / 4
        y = top + plot_h - plot_h * tick / 4
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>')
        parts.append(f'<text x="{left - 4}" y="{y + 4:.1f}" font-size="10" text-anchor="end">{value:,.0f}</text>')
    step = max(1, days // 8)
    for i in range(0, days, step):
        d = start + timedelta(days=i)
        parts.append(f'<text x="{x_of(d):.1f}" y="{height - 10}" font-size="10" text-anchor="middle">{d:%m-%d}</text>')
    for i, (name, points) in enumerate(series.items()):
        color = PALETTE[i % len(PALETTE)]
        pts = " ".join(f"{x_of(d):.1f},{top + plot_h - plot_h * v / y_max:.1f}" for d, v in sorted(points))
        parts.append(f'<polyline fill="none" stroke="{color}" stroke-width="2" points="{pts}"/>')
        lx = left + (i % 4) * (plot_w / 4)
        ly = height + 14 + 18 * (i // 4)
        parts.append(f'<rect x="{lx:.0f}" y="{ly - 9}" width="10" height="10" fill="{color}"/>')
        parts.append(f'<text x="{lx + 14:.0f}" y="{ly}" font-size="11">{escape(name)}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 — built from escaped parts only
