"""Charts of the model: the reliability diagram (a tidy frame in, a go.Figure out)."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl


def reliability_frame(bins: list[dict[str, float | int]]) -> pl.DataFrame:
    """The reliability diagram's bins as a frame: bin_low, bin_high, mean_probability, observed_share, items."""
    schema = {"bin_low": pl.Float64, "bin_high": pl.Float64, "mean_probability": pl.Float64,
              "observed_share": pl.Float64, "items": pl.Int64}
    return pl.DataFrame(bins, schema=schema)


def reliability_figure(bins: pl.DataFrame) -> go.Figure:
    """Observed removal share against mean predicted probability per bin (marker size: items), with
    the diagonal a calibrated model follows."""
    figure = go.Figure()
    figure.add_trace(go.Scatter(x=[0, 1], y=[0, 1], mode="lines", name="calibrated",
                                line={"dash": "dash", "color": "gray"}))
    figure.add_trace(go.Scatter(
        x=bins.get_column("mean_probability").to_list(), y=bins.get_column("observed_share").to_list(),
        mode="lines+markers", name="model (checked items)",
        customdata=bins.get_column("items").to_list(),
        hovertemplate="predicted %{x:.3f}<br>observed %{y:.3f}<br>%{customdata:,} items<extra></extra>"))
    figure.update_layout(xaxis_title="mean predicted probability of removal", yaxis_title="observed share removed",
                         xaxis_range=[0, 1], yaxis_range=[0, 1.02], title="Reliability diagram")
    return figure
