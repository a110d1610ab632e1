"""Figures both surfaces draw, the dashboard and the report: each takes a tidy Polars frame from
takedown.metrics and returns a go.Figure, its labels escaped (escape.escape_figure).

They live here, below both: the report must not import the dashboard's library, nor the dashboard the
report's. Each surface sizes and styles the figure it gets (the report for an A4 page, the dashboard
for Streamlit's theme).
"""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from takedown.escape import escape_figure


def escalation_outcome_figure(shares: pl.DataFrame) -> go.Figure:
    """The share of escalated items that ended removed, per call (x) and escalation kind (one line each;
    "all" the call's every kind), from metrics.escalations.removed_share."""
    figure = go.Figure()
    for (kind,), frame in shares.partition_by("escalation_kind", as_dict=True, maintain_order=True).items():
        figure.add_trace(go.Scatter(
            x=frame.get_column("call_month").to_list(), y=frame.get_column("removed_share").to_list(),
            mode="lines+markers", name=str(kind).replace("_", " "),
            customdata=frame.select("removed_items", "escalated_items").rows(),
            # The kind reaches the hover text through the trace's (escaped) name, never the template.
            hovertemplate="%{x}: %{y:.1%} (%{customdata[0]} of %{customdata[1]})<extra>%{fullData.name}</extra>"))
    figure.update_yaxes(tickformat=".0%", range=[0, 1.05])
    figure.update_xaxes(type="category", title="call (month that raised them)")
    figure.update_layout(title="Escalated items that ended removed, call by call",
                         margin={"l": 10, "r": 10, "t": 60, "b": 10}, height=320, legend={"orientation": "h", "y": -0.2})
    return escape_figure(figure)
