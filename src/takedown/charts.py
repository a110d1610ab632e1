"""Plotly figures of the dashboard: each takes a tidy Polars frame and returns a go.Figure.

No colours or templates are fixed, so Streamlit's theme (light or dark) styles the figures;
axis formats follow the metric registry's units.
"""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from takedown.metrics.registry import metric

# Plotly's tick and hover formats per registry unit.
_TICK_FORMAT = {"fraction": ".0%", "usd": "$,.0f", "hours": ".1f", "items": ",d", "events": ",d"}
_HOVER_FORMAT = {"fraction": ".1%", "usd": "$,.0f", "hours": ".1f", "items": ",d", "events": ",d"}


def _layout(figure: go.Figure, title: str) -> go.Figure:
    figure.update_layout(title=title, margin={"l": 10, "r": 10, "t": 40, "b": 10}, height=320,
                         legend={"orientation": "h", "y": -0.2})
    return figure


def trend_figure(trend: pl.DataFrame, name: str, by: str | None = None) -> go.Figure:
    """A line per breakdown key (or one line) of metric `name` over the trend's months (Snapshot.trend)."""
    entry = metric(name)
    figure = go.Figure()
    groups = [(None, trend)] if by is None else trend.partition_by(by, as_dict=True, maintain_order=True).items()
    for key, frame in groups:
        label = entry.label if by is None else str(key[0] if isinstance(key, tuple) else key)
        figure.add_trace(go.Scatter(x=frame.get_column("month").to_list(), y=frame.get_column(name).to_list(),
                                    mode="lines+markers", name=label,
                                    hovertemplate=f"%{{x}}: %{{y:{_HOVER_FORMAT[entry.unit]}}}<extra>{label}</extra>"))
    figure.update_yaxes(tickformat=_TICK_FORMAT[entry.unit], rangemode="tozero")
    figure.update_xaxes(type="category")
    return _layout(figure, f"{entry.label}, month by month")


def funnel_figure(stages: pl.DataFrame) -> go.Figure:
    """The funnel of dashboard_data.funnel: one bar per stage, widest first."""
    figure = go.Figure(go.Funnel(y=stages.get_column("stage").to_list(), x=stages.get_column("count").to_list(),
                                 textinfo="value+percent initial"))
    return _layout(figure, "detected → reported → removed → restored")


def bar_figure(frame: pl.DataFrame, key: str, name: str, threshold: float | None = None) -> go.Figure:
    """One horizontal bar per row of `frame` (its `key` column) for metric `name`, with an optional line."""
    entry = metric(name)
    keys = ["(none)" if value is None else str(value) for value in frame.get_column(key).to_list()]
    figure = go.Figure(go.Bar(y=keys, x=frame.get_column(name).to_list(), orientation="h", name=entry.label,
                              hovertemplate=f"%{{y}}: %{{x:{_HOVER_FORMAT[entry.unit]}}}<extra></extra>"))
    if threshold is not None:
        figure.add_vline(x=threshold, line_dash="dash", annotation_text=f"{threshold:{_HOVER_FORMAT[entry.unit]}}")
    figure.update_xaxes(tickformat=_TICK_FORMAT[entry.unit])
    figure.update_yaxes(type="category", autorange="reversed")
    return _layout(figure, f"{entry.label} by {key.replace('_', ' ')}")


def escalation_outcome_figure(shares: pl.DataFrame) -> go.Figure:
    """The share of escalated items that ended removed, per call (x) and escalation kind (one line each;
    "all" the call's every kind), from metrics.escalations.removed_share."""
    figure = go.Figure()
    for (kind,), frame in shares.partition_by("escalation_kind", as_dict=True, maintain_order=True).items():
        label = str(kind).replace("_", " ")
        figure.add_trace(go.Scatter(
            x=frame.get_column("call_month").to_list(), y=frame.get_column("removed_share").to_list(),
            mode="lines+markers", name=label, customdata=frame.select("removed_items", "escalated_items").rows(),
            hovertemplate=f"%{{x}}: %{{y:.1%}} (%{{customdata[0]}} of %{{customdata[1]}})<extra>{label}</extra>"))
    figure.update_yaxes(tickformat=".0%", range=[0, 1.05])
    figure.update_xaxes(type="category", title="call (month that raised them)")
    return _layout(figure, "Escalated items that ended removed, call by call")
