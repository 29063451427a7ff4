"""Server-side SVG: required vs scheduled agents per 15-minute interval of a week."""

from __future__ import annotations

from django.utils.html import escape

WIDTH, HEIGHT, PAD_L, PAD_B, PAD_T = 980, 240, 44, 24, 10


def coverage_svg(required: list[int], scheduled: list[int], *, day_labels: list[str], title: str = "") -> str:
    """A step chart of two series over the week (one point per interval), with day gridlines."""
    n = max(len(required), len(scheduled), 1)
    top = max([*required, *scheduled, 1])
    plot_w = WIDTH - PAD_L - 8
    plot_h = HEIGHT - PAD_B - PAD_T

    def x(i: int) -> float:
        return PAD_L + plot_w * i / n

    def y(v: float) -> float:
        return PAD_T + plot_h * (1 - v / top)

    def steps(series: list[int]) -> str:
        pts = []
        for i, v in enumerate(series):
            pts.append(f"{x(i):.1f},{y(v):.1f}")
            pts.append(f"{x(i + 1):.1f},{y(v):.1f}")
        return " ".join(pts)

    short = "".join(
        f'<rect x="{x(i):.1f}" y="{PAD_T}" width="{max(0.5, x(i + 1) - x(i)):.1f}" height="{plot_h}" class="short"/>'
        for i, (r, s) in enumerate(zip(required, scheduled, strict=False))
        if s < r
    )
    grid = []
    per_day = n // max(1, len(day_labels))
    for d, label in enumerate(day_labels):
        gx = x(d * per_day)
        grid.append(f'<line x1="{gx:.1f}" y1="{PAD_T}" x2="{gx:.1f}" y2="{PAD_T + plot_h}" class="grid"/>')
        grid.append(f'<text x="{gx + 4:.1f}" y="{HEIGHT - 6}" class="label">{escape(label)}</text>')
    for frac in (0, 0.5, 1):
        v = top * frac
        grid.append(f'<text x="4" y="{y(v) + 4:.1f}" class="label">{v:.0f}</text>')
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" class="coverage" role="img" '
        f'aria-label="{escape(title)}">'
        f"{short}{''.join(grid)}"
        f'<polyline points="{steps(required)}" class="required"/>'
        f'<polyline points="{steps(scheduled)}" class="scheduled"/>'
        "</svg>"
    )
