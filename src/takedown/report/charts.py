"""The report's charts: each takes a section's tidy frame and returns a Plotly figure.

Sized for an A4 page (the PDF prints the same SVG Plotly draws in the page, so it stays sharp).
Every figure ends in `_layout`, which escapes every label from the data (escape.escape_figure):
an account named `<a href=...>` is text, never a link in the page or a /URI in the PDF.
"""

from __future__ import annotations

import math

import plotly.graph_objects as go
import polars as pl
from plotly.subplots import make_subplots

from takedown.config import Settings
from takedown.escape import escape_figure
from takedown.metrics.registry import metric

WIDTH = 700
_FONT = {"family": "DejaVu Sans, Arial, sans-serif", "size": 11}
_RISK, _OK, _GREY = "#C0392B", "#2E86AB", "#7F8C8D"
# Axis ticks: at most this many, at a round step (1, 2 or 5 times a power of ten).
MAX_TICKS = 6
# Below this share of its axis a bar is too short to hold its label, which then goes beside it.
_LABEL_INSIDE_FROM = 0.2


def _layout(figure: go.Figure, height: int) -> go.Figure:
    figure.update_layout(width=WIDTH, height=height, font=_FONT, margin={"l": 10, "r": 10, "t": 40, "b": 10},
                         plot_bgcolor="white", showlegend=False)
    figure.update_xaxes(gridcolor="#EEEEEE", automargin=True)
    figure.update_yaxes(gridcolor="#EEEEEE", automargin=True)
    return escape_figure(figure)


def round_step(span: float, ticks: int = MAX_TICKS) -> float:
    """The smallest round step (1, 2 or 5 x 10^k) that covers `span` in at most `ticks` - 1 steps."""
    if span <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(span / (ticks - 1)))
    return next(factor * power for factor in (1, 2, 5, 10) if span / (factor * power) <= ticks - 1)


def axis_ticks(top: float, name: str, ticks: int = MAX_TICKS) -> dict[str, object]:
    """An axis from 0 to just above `top` with ticks at round values, each written as the registry writes
    metric `name` (a percentage for a rate, a count with separators for items)."""
    step = round_step(top, ticks)
    count = math.ceil(top / step - 1e-9)
    values = [round(index * step, 10) for index in range(count + 1)]
    shown = metric(name).format
    return {"tickmode": "array", "tickvals": values, "ticktext": [shown(value) for value in values],
            "range": [0, values[-1] * 1.02 if values[-1] > 0 else 1]}


def _labels(values: list[float | None], name: str) -> list[str]:
    shown = metric(name).format
    return ["" if value is None else shown(value) for value in values]


def good_faith_chart(accounts: pl.DataFrame, settings: Settings) -> go.Figure:
    """Per account: the takedown rate against its minimum and the counter-notice success rate against its maximum.

    Each bar's figure is written where no threshold line runs: the takedown rate inside its bar at
    the start, the success rate to the right of its bar and of the maximum's line.
    """
    names = accounts.get_column("account").to_list()
    colours = [_RISK if risk else _OK for risk in accounts.get_column("at_risk").to_list()]
    takedown = accounts.get_column("takedown_rate").to_list()
    success = accounts.get_column("counter_notice_success_rate").to_list()
    minimum, maximum = settings.good_faith_min_takedown_rate, settings.good_faith_max_counter_notice_success_rate
    # Two narrow axes side by side: three ticks each, and room between them for their end labels.
    figure = make_subplots(rows=1, cols=2, shared_yaxes=True, horizontal_spacing=0.1,
                           subplot_titles=("takedown rate", "counter-notice success rate"))
    figure.add_bar(y=names, x=takedown, orientation="h", marker_color=colours, row=1, col=1,
                   text=_labels(takedown, "takedown_rate"), texttemplate="%{text}", textposition="inside",
                   insidetextanchor="start", insidetextfont={"color": "white"}, cliponaxis=False)
    figure.add_bar(y=names, x=success, orientation="h", marker_color=colours, row=1, col=2)
    success_axis = axis_ticks(1.45 * max([maximum, *(rate for rate in success if rate is not None)]),
                              "counter_notice_success_rate", ticks=4)
    for name, rate, text in zip(names, success, _labels(success, "counter_notice_success_rate"), strict=True):
        if rate is not None:
            figure.add_annotation(x=max(rate, maximum), y=name, text=text, showarrow=False, xanchor="left",
                                  xshift=4, row=1, col=2)
    figure.add_vline(x=minimum, line_dash="dash", line_color=_RISK, row=1, col=1)
    figure.add_vline(x=maximum, line_dash="dash", line_color=_RISK, row=1, col=2)
    figure.update_xaxes(**axis_ticks(1.0, "takedown_rate", ticks=3), row=1, col=1)
    figure.update_xaxes(**success_axis, row=1, col=2)
    figure.update_yaxes(autorange="reversed")
    return _layout(figure, 80 + 45 * max(len(names), 1))


def trend_chart(trend: pl.DataFrame, settings: Settings) -> go.Figure:
    """Items submitted per month (bars) and the takedown rate (line, right axis) with its Good-Faith minimum."""
    months = trend.get_column("month").to_list()
    submitted = trend.get_column("submitted").to_list()
    figure = make_subplots(specs=[[{"secondary_y": True}]])
    figure.add_bar(x=months, y=submitted, name="submitted", marker_color="#BFD7EA")
    figure.add_scatter(x=months, y=trend.get_column("takedown_rate").to_list(), name="takedown rate",
                       mode="lines+markers", line={"color": _OK, "width": 2}, secondary_y=True)
    figure.add_hline(y=settings.good_faith_min_takedown_rate, line_dash="dash", line_color=_RISK, secondary_y=True)
    figure.update_yaxes(title_text="items submitted", secondary_y=False,
                        **axis_ticks(max([1, *(count for count in submitted if count is not None)]), "submitted"))
    figure.update_yaxes(title_text="takedown rate", secondary_y=True, showgrid=False,
                        **axis_ticks(1.0, "takedown_rate"))
    figure.update_xaxes(type="category", tickangle=-45)
    figure.update_layout(title={"text": "items submitted (bars) and takedown rate (line)", "x": 0})
    return _layout(figure, 300)


def platforms_chart(platforms: pl.DataFrame, settings: Settings) -> go.Figure:
    """The month's takedown rate per platform, with the Good-Faith minimum.

    Each bar's rate is written inside it at its foot, clear of the minimum's line (outside a bar too
    short to hold it).
    """
    rates = platforms.get_column("takedown_rate").to_list()
    inside = [rate is not None and rate >= _LABEL_INSIDE_FROM for rate in rates]
    figure = go.Figure(go.Bar(x=platforms.get_column("platform").to_list(), y=rates, marker_color=_OK,
                              text=_labels(rates, "takedown_rate"), texttemplate="%{text}",
                              textposition=["inside" if fits else "outside" for fits in inside],
                              insidetextanchor="start", insidetextfont={"color": "white"}))
    figure.add_hline(y=settings.good_faith_min_takedown_rate, line_dash="dash", line_color=_RISK)
    figure.update_yaxes(**axis_ticks(1.0, "takedown_rate"))
    figure.update_xaxes(type="category")
    figure.update_layout(title={"text": "takedown rate per platform", "x": 0})
    return _layout(figure, 260)
