"""Pure SVG charts: valid XML, axes with round ticks, legends, Chinese labels, no JavaScript."""

from __future__ import annotations

from xml.etree import ElementTree

from hypothesis import given
from hypothesis import strategies as st

from apps.reports import charts

NS = "{http://www.w3.org/2000/svg}"


def _texts(svg: str) -> list[str]:
    root = ElementTree.fromstring(svg)  # noqa: S314 — our own SVG output
    return [t.text for t in root.iter(f"{NS}text")]


@given(st.floats(-1e6, 1e6, allow_nan=False), st.floats(0.001, 1e6, allow_nan=False))
def test_nice_ticks_cover_the_range_in_equal_steps(low, span):
    ticks = charts.nice_ticks(low, low + span)
    # nice_ticks forgives float error of 1e-9 steps at both ends, so the slack grows with the span
    # (a first tick 6e-5 above the low end on an axis stepping by 200,000 is the same tick)
    slack = 1e-6 * max(1, span, abs(low + span))
    assert ticks[0] <= low + slack and ticks[-1] >= low + span - slack
    steps = {round(b - a, 6) for a, b in zip(ticks, ticks[1:], strict=False)}
    assert len(steps) == 1
    assert len(ticks) <= 12


def test_line_chart_has_legend_axis_labels_and_chinese_text():
    svg = charts.line_chart(
        x_labels=["11/1", "11/2", "11/3"],
        series=[charts.Series("实际会话量", [10, 30, 20]), charts.Series("预测", [12, None, 18], dashed=True)],
        title="会话量：实际与预测",
        y_label="会话（通）",
        bands=[charts.Band(1, 1, "双11")],
    )
    texts = _texts(svg)
    for expected in ["会话量：实际与预测", "实际会话量", "预测", "会话（通）", "双11", "11/1", "0", "30"]:
        assert expected in texts
    assert "<script" not in svg
    assert svg.count("<polyline") == 1  # the forecast has a gap: single points are drawn as dots only


def test_stacked_bars_stack_to_the_total():
    svg = charts.stacked_bar_chart(
        x_labels=["a"], series=[charts.Series("机器人", [30]), charts.Series("人工", [10])], title="机器人与人工承接"
    )
    root = ElementTree.fromstring(svg)  # noqa: S314 — our own SVG output
    bars = [r for r in root.iter(f"{NS}rect") if r.get("fill") in (charts.PALETTE[0], charts.PALETTE[1])]
    heights = [float(r.get("height")) for r in bars]
    assert len(heights) == 2
    assert abs(heights[0] / heights[1] - 3.0) < 0.05


def test_horizontal_bars_print_each_value():
    svg = charts.horizontal_bar_chart(labels=["广告法极限词", "违规承诺"], values=[12, 3], title="违规分布")
    texts = _texts(svg)
    assert {"广告法极限词", "违规承诺", "12", "3", "违规分布"} <= set(texts)


def test_grouped_bars_with_overlay_line_in_legend():
    svg = charts.bar_chart(
        x_labels=["11/1", "11/2"],
        series=[charts.Series("排班工时", [8, 9])],
        overlay=charts.Series("需求工时", [7, 10]),
        title="排班与需求",
    )
    assert {"排班工时", "需求工时"} <= set(_texts(svg))
