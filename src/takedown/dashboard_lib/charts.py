"""Plotly figures of the dashboard: each takes a tidy Polars frame and returns a go.Figure.

No colours or templates are fixed, so Streamlit's theme (light or dark) styles the figures;
axis formats follow the metric registry's units. Every figure ends in `_layout`, which escapes
every label from the data (escape.escape_figure): builders pass raw values, and show a trace's
name in hover text with `%{fullData.name}`, never by writing it into a template.
"""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from takedown.escape import escape_figure
from takedown.metrics.registry import metric

# Plotly's tick and hover formats per registry unit.
_TICK_FORMAT = {"fraction": ".0%", "usd": "$,.0f", "hours": ".1f", "items": ",d", "events": ",d"}
_TICK_SUFFIX = {"fraction": "", "usd": "", "hours": " h", "items": "", "events": ""}
_HOVER_FORMAT = {"fraction": ".1%", "usd": "$,.0f", "hours": ".1f", "items": ",d", "events": ",d"}


def _layout(figure: go.Figure, title: str) -> go.Figure:
    # Last step of every chart: Plotly reads HTML in labels (a seller named <a href=...> is a link).
    figure.update_layout(title=title, margin={"l": 10, "r": 10, "t": 60, "b": 10}, height=320,
                         legend={"orientation": "h", "y": -0.2})
    return escape_figure(figure)


def trend_figure(trend: pl.DataFrame, name: str, by: str | None = None) -> go.Figure:
    """A line per breakdown key (or one line) of metric `name` over the trend's months (Snapshot.trend)."""
    entry = metric(name)
    figure = go.Figure()
    groups = [(None, trend)] if by is None else trend.partition_by(by, as_dict=True, maintain_order=True).items()
    for key, frame in groups:
        label = entry.label if by is None else str(key[0] if isinstance(key, tuple) else key)
        figure.add_trace(go.Scatter(x=frame.get_column("month").to_list(), y=frame.get_column(name).to_list(),
                                    mode="lines+markers", name=label,
                                    hovertemplate=f"%{{x}}: %{{y:{_HOVER_FORMAT[entry.unit]}}}<extra>%{{fullData.name}}</extra>"))
    figure.update_yaxes(tickformat=_TICK_FORMAT[entry.unit], rangemode="tozero")
    figure.update_xaxes(type="category")
    return _layout(figure, f"{entry.label}, month by month")


def funnel_figure(stages: pl.DataFrame) -> go.Figure:
    """The funnel of dashboard_data.funnel: one bar per stage, widest first, each with its count
    (thousands separated) and its share of the detected listings (left out when none were detected)."""
    shares = stages.get_column("share_of_detected").to_list()
    text = [f"{count:,}" + ("" if share is None else f" ({share:.1%})")
            for count, share in zip(stages.get_column("count").to_list(), shares, strict=True)]
    figure = go.Figure(go.Funnel(y=stages.get_column("stage").to_list(), x=stages.get_column("count").to_list(),
                                 text=text, textinfo="text", hovertemplate="%{y}: %{text}<extra></extra>"))
    return _layout(figure, "detected → reported → removed → restored")


def bar_figure(frame: pl.DataFrame, key: str, name: str, threshold: float | None = None,
               title: str | None = None) -> go.Figure:
    """One horizontal bar per row of `frame` (its `key` column) for metric `name`, each labelled with its
    value, with an optional dashed line at `threshold` (labelled above the plot, clear of the bars)."""
    entry = metric(name)
    keys = ["(none)" if value is None else str(value) for value in frame.get_column(key).to_list()]
    figure = go.Figure(go.Bar(y=keys, x=frame.get_column(name).to_list(), orientation="h", name=entry.label,
                              texttemplate=f"%{{x:{_HOVER_FORMAT[entry.unit]}}}{_TICK_SUFFIX[entry.unit]}", textposition="outside",
                              cliponaxis=False,
                              hovertemplate=f"%{{y}}: %{{x:{_HOVER_FORMAT[entry.unit]}}}<extra></extra>"))
    if threshold is not None:
        _threshold_line(figure, threshold, entry.unit)
    # Room right of the longest bar (or the line) for its label, which would be cut at the plot's edge.
    values = [value for value in [*frame.get_column(name).to_list(), threshold] if value is not None]
    widest = max(values, default=0) or 1
    figure.update_xaxes(tickformat=_TICK_FORMAT[entry.unit], ticksuffix=_TICK_SUFFIX[entry.unit],
                        range=[0, widest * 1.2])
    figure.update_yaxes(type="category", autorange="reversed")
    return _layout(figure, title or f"{entry.label} by {key.replace('_', ' ')}")


# The report's colours (report/charts.py): a breach in red, the rest in the report's blue.
AT_RISK_COLOUR, IN_STANDING_COLOUR = "#C0392B", "#2E86AB"


def good_faith_figure(verdicts: pl.DataFrame, name: str, threshold: float) -> go.Figure:
    """One bar per account (dashboard_data.account_verdicts) of a Good-Faith rate, at-risk accounts in red
    as in the report, with the rate's line labelled above the plot."""
    figure = bar_figure(verdicts, "account", name, threshold)
    colours = [AT_RISK_COLOUR if risk else IN_STANDING_COLOUR for risk in verdicts.get_column("at_risk").to_list()]
    figure.update_traces(marker_color=colours)
    return figure


def _threshold_line(figure: go.Figure, threshold: float, unit: str) -> None:
    # Labelled above the plot area: inside it the label sat behind a bar ending near the line.
    figure.add_vline(x=threshold, line_dash="dash", line_color=AT_RISK_COLOUR)
    figure.add_annotation(x=threshold, xref="x", y=1, yref="paper", yanchor="bottom", showarrow=False,
                          text=f"{threshold:{_HOVER_FORMAT[unit]}}", font={"color": AT_RISK_COLOUR})


def seller_history_figure(history: pl.DataFrame) -> go.Figure:
    """The seller's complaint items per month (dashboard_data.seller_outcomes_by_month), stacked by status,
    months in calendar order whichever status a month first appears under."""
    months = sorted(set(history.get_column("month").to_list()))
    figure = go.Figure()
    for (status,), frame in history.partition_by("status", as_dict=True, maintain_order=True).items():
        figure.add_trace(go.Bar(x=frame.get_column("month").to_list(), y=frame.get_column("items").to_list(),
                                name=str(status), hovertemplate="%{x}: %{y:,d}<extra>%{fullData.name}</extra>"))
    figure.update_layout(barmode="stack")
    figure.update_xaxes(type="category", categoryorder="array", categoryarray=months)
    figure.update_yaxes(tickformat=",d", rangemode="tozero")
    return _layout(figure, "complaint items by month")
