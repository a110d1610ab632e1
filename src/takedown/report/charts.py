"""The report's charts: each takes a section's tidy frame and returns a Plotly figure.

Sized for an A4 page (the PDF prints the same SVG Plotly draws in the page, so it stays sharp).
Every figure ends in `_layout`, which escapes every label from the data (escape.escape_figure):
an account named `<a href=...>` is text, never a link in the page or a /URI in the PDF.
"""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl
from plotly.subplots import make_subplots

from takedown.config import Settings
from takedown.escape import escape_figure

WIDTH = 700
_FONT = {"family": "DejaVu Sans, Arial, sans-serif", "size": 11}
_RISK, _OK, _GREY = "#C0392B", "#2E86AB", "#7F8C8D"


def _layout(figure: go.Figure, height: int) -> go.Figure:
    figure.update_layout(width=WIDTH, height=height, font=_FONT, margin={"l": 10, "r": 10, "t": 40, "b": 10},
                         plot_bgcolor="white", showlegend=False)
    figure.update_xaxes(gridcolor="#EEEEEE", automargin=True)
    figure.update_yaxes(gridcolor="#EEEEEE", automargin=True)
    return escape_figure(figure)


def good_faith_chart(accounts: pl.DataFrame, settings: Settings) -> go.Figure:
    """Per account: the takedown rate against its minimum and the counter-notice success rate against its maximum."""
    names = accounts.get_column("account").to_list()
    colours = [_RISK if risk else _OK for risk in accounts.get_column("at_risk").to_list()]
    figure = make_subplots(rows=1, cols=2, shared_yaxes=True, horizontal_spacing=0.06,
                           subplot_titles=("takedown rate", "counter-notice success rate"))
    figure.add_bar(y=names, x=accounts.get_column("takedown_rate").to_list(), orientation="h", marker_color=colours,
                   row=1, col=1, texttemplate="%{x:.1%}", textposition="inside")
    figure.add_bar(y=names, x=accounts.get_column("counter_notice_success_rate").to_list(), orientation="h",
                   marker_color=colours, row=1, col=2, texttemplate="%{x:.1%}", textposition="outside")
    figure.add_vline(x=settings.good_faith_min_takedown_rate, line_dash="dash", line_color=_RISK, row=1, col=1)
    figure.add_vline(x=settings.good_faith_max_counter_notice_success_rate, line_dash="dash", line_color=_RISK,
                     row=1, col=2)
    figure.update_xaxes(tickformat=".0%", range=[0, 1], row=1, col=1)
    figure.update_xaxes(tickformat=".0%", range=[0, max(0.1, 1.3 * max(
        (rate for rate in accounts.get_column("counter_notice_success_rate").to_list() if rate is not None),
        default=0))], row=1, col=2)
    figure.update_yaxes(autorange="reversed")
    return _layout(figure, 80 + 45 * max(len(names), 1))


def trend_chart(trend: pl.DataFrame, settings: Settings) -> go.Figure:
    """Items submitted per month (bars) and the takedown rate (line, right axis) with its Good-Faith minimum."""
    months = trend.get_column("month").to_list()
    figure = make_subplots(specs=[[{"secondary_y": True}]])
    figure.add_bar(x=months, y=trend.get_column("submitted").to_list(), name="submitted", marker_color="#BFD7EA")
    figure.add_scatter(x=months, y=trend.get_column("takedown_rate").to_list(), name="takedown rate",
                       mode="lines+markers", line={"color": _OK, "width": 2}, secondary_y=True)
    figure.add_hline(y=settings.good_faith_min_takedown_rate, line_dash="dash", line_color=_RISK, secondary_y=True)
    figure.update_yaxes(title_text="items submitted", secondary_y=False)
    figure.update_yaxes(title_text="takedown rate", tickformat=".0%", range=[0, 1.02], secondary_y=True,
                        showgrid=False)
    figure.update_xaxes(type="category")
    figure.update_layout(title={"text": "items submitted (bars) and takedown rate (line)", "x": 0})
    return _layout(figure, 300)


def platforms_chart(platforms: pl.DataFrame, settings: Settings) -> go.Figure:
    """The month's takedown rate per platform, with the Good-Faith minimum."""
    figure = go.Figure(go.Bar(x=platforms.get_column("platform").to_list(),
                              y=platforms.get_column("takedown_rate").to_list(), marker_color=_OK,
                              texttemplate="%{y:.1%}", textposition="outside"))
    figure.add_hline(y=settings.good_faith_min_takedown_rate, line_dash="dash", line_color=_RISK)
    figure.update_yaxes(tickformat=".0%", range=[0, 1.1])
    figure.update_xaxes(type="category")
    figure.update_layout(title={"text": "takedown rate per platform", "x": 0})
    return _layout(figure, 260)
