"""The report's charts: ticks at round values in the registry's format, labels clear of the threshold lines."""

from __future__ import annotations

import math

import polars as pl
import pytest

from takedown.config import DEFAULT_SETTINGS
from takedown.metrics.registry import metric
from takedown.report import charts

ACCOUNTS = pl.DataFrame({"account": ["a", "b", "c"], "takedown_rate": [0.799, 0.944, 0.975],
                         "counter_notice_success_rate": [0.054, 0.009, 0.05], "at_risk": [True, False, False]})
# Months whose submitted counts give Plotly's own ticks at odd values (the right axis read 0/23/46/68/91%).
TREND = pl.DataFrame({"month": [f"2026-{month:02d}" for month in range(1, 13)],
                      "submitted": [48_404, 49_904, 46_414, 52_748, 52_493, 55_689, 58_831, 60_156, 58_602, 76_803,
                                    78_833, 84_346],
                      "takedown_rate": [0.957, 0.956, 0.957, 0.952, 0.955, 0.95, 0.949, 0.955, 0.96, 0.93, 0.922,
                                        0.918]})
PLATFORMS = pl.DataFrame({"platform": ["1688", "alibaba", "lazada"], "takedown_rate": [0.965, 0.91, 0.15]})


def _axes(figure):
    layout = figure.to_plotly_json()["layout"]
    return {name: axis for name, axis in layout.items() if name.startswith(("xaxis", "yaxis"))}


@pytest.mark.parametrize(("top", "values"), [
    (1.0, [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]),
    (0.0783, [0.0, 0.02, 0.04, 0.06, 0.08]),
    (84_346, [0, 20_000, 40_000, 60_000, 80_000, 100_000]),
])
def test_axis_ticks_fall_on_round_values_written_as_the_registry_writes_them(top, values):
    name = "submitted" if top > 1 else "takedown_rate"
    ticks = charts.axis_ticks(top, name)
    assert ticks["tickvals"] == pytest.approx(values)
    assert ticks["ticktext"] == [metric(name).format(value) for value in ticks["tickvals"]]
    assert ticks["range"][1] >= top


def _is_round(step: float) -> bool:
    """1, 2 or 5 times a power of ten."""
    mantissa = step / 10 ** math.floor(math.log10(step))
    return any(mantissa == pytest.approx(factor) for factor in (1, 2, 5))


@pytest.mark.parametrize(("figure", "names"), [
    (charts.good_faith_chart(ACCOUNTS, DEFAULT_SETTINGS), ("xaxis", "xaxis2")),
    (charts.trend_chart(TREND, DEFAULT_SETTINGS), ("yaxis", "yaxis2")),
    (charts.platforms_chart(PLATFORMS, DEFAULT_SETTINGS), ("yaxis",)),
], ids=["good_faith", "trend", "platforms"])
def test_every_numeric_axis_ticks_round_values_in_the_registrys_format(figure, names):
    axes = _axes(figure)
    numeric = {name: axes[name] for name in names}
    assert numeric
    for name, axis in numeric.items():
        assert "tickformat" not in axis, name  # the text comes from the registry, never a d3 format
        values = axis["tickvals"]
        step = values[1] - values[0]
        assert values[0] == 0 and _is_round(step), name
        assert values == pytest.approx([index * step for index in range(len(values))]), name
        unit = "takedown_rate" if values[-1] <= 1 else "submitted"
        assert list(axis["ticktext"]) == [metric(unit).format(value) for value in values], name


def test_the_trend_charts_right_axis_ticks_every_20_percent():
    right = _axes(charts.trend_chart(TREND, DEFAULT_SETTINGS))["yaxis2"]
    assert right["ticktext"] == ["0.0%", "20.0%", "40.0%", "60.0%", "80.0%", "100.0%"]


def test_bar_labels_stay_clear_of_the_threshold_lines():
    figure = charts.good_faith_chart(ACCOUNTS, DEFAULT_SETTINGS)
    takedown = figure.data[0]
    # The takedown rates sit inside their bars at the start, far from the 90% line at the other end.
    assert (takedown.textposition, takedown.insidetextanchor) == ("inside", "start")
    assert list(takedown.text) == ["79.9%", "94.4%", "97.5%"]
    # The success rates sit right of both their bar and the 5% line.
    labels = [(annotation.text, annotation.x, annotation.xanchor) for annotation in figure.layout.annotations
              if annotation.text.endswith("%")]
    assert [text for text, _, _ in labels] == ["5.4%", "0.9%", "5.0%"]
    assert all(x >= DEFAULT_SETTINGS.good_faith_max_counter_notice_success_rate and anchor == "left"
               for _, x, anchor in labels)
    platforms = charts.platforms_chart(PLATFORMS, DEFAULT_SETTINGS).data[0]
    # At the foot of the bar, inside; a bar too short to hold its label has it above.
    assert list(platforms.textposition) == ["inside", "inside", "outside"]
    assert platforms.insidetextanchor == "start"
