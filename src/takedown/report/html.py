"""report.html: the sections laid out by a Jinja2 template (autoescaped), Plotly inlined once.

The page needs no network: plotly.js is inlined with the first chart. Each figure the metrics JSON
also holds carries `data-metric` (its JSON path) and `data-value` (the JSON value), and the JSON
itself is embedded, so a reader or a test can check the page against `takedown metrics --json`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import jinja2
import plotly.graph_objects as go
import polars as pl

from takedown.metrics.periods import iso_utc
from takedown.metrics.registry import format_count, format_percent, metric
from takedown.report import charts, escalations, sections
from takedown.report.data import ReportData

# Rows of each escalation sheet shown in the report (the workbook holds them all).
ESCALATION_ROWS = 10
ESCALATION_COLUMNS = {
    "Rejected to contest": ("complaint_id", "platform", "reason", "worth_contesting", "platform_reason", "title"),
    "Missed CN responses": ("complaint_id", "platform", "account", "response_deadline", "title"),
    "Restored after removal": ("complaint_id", "platform", "account", "restored_at", "restoration_note", "title"),
    f"Pending over {escalations.PENDING_DAYS} days": ("complaint_id", "platform", "account", "status",
                                                      "days_pending", "title"),
    "Storefront action": ("platform", "seller_id", "seller_name", "removed_listings", "complaint_items"),
    "Good-Faith risk": ("account", "reason", "takedown_rate", "counter_notice_success_rate", "removals_needed"),
}


def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(loader=jinja2.PackageLoader("takedown.report", "templates"),
                                     autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True,
                                     lstrip_blocks=True)
    environment.filters["metric"] = lambda value, name: metric(name).format(value)
    environment.filters["percent"] = format_percent
    environment.filters["count"] = lambda value: "-" if value is None else format_count(value)
    environment.filters["cell"] = cell
    environment.filters["utc"] = lambda instant: f"{instant:%Y-%m-%d %H:%M} UTC"
    return environment


# The most characters of untrusted text a table cell shows: a 40,000-character title laid out in
# full took Chromium a minute to print (the workbook keeps the whole text).
CELL_CHARACTERS = 300


def cell(value: Any, column: str = "") -> str:
    """A table cell's text: rates as percentages, counts with separators, times in UTC to the minute,
    text past CELL_CHARACTERS cut with a mark saying how much more the workbook holds."""
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.datetime):
        return f"{value:%Y-%m-%d %H:%M}"
    if isinstance(value, float) and (column.endswith("_rate") or "_rate_" in column):
        return format_percent(value)
    if isinstance(value, float):
        return f"{value:,.1f}"
    if isinstance(value, int):
        return format_count(value)
    text = str(value)
    if len(text) > CELL_CHARACTERS:
        return f"{text[:CELL_CHARACTERS]}… [{len(text) - CELL_CHARACTERS:,} more characters in escalations.xlsx]"
    return text


def _figure_html(figure: go.Figure, first: bool) -> str:
    # plotly.js goes inline with the first figure only; static plots print the same as they show.
    return figure.to_html(full_html=False, include_plotlyjs=True if first else False,
                          config={"staticPlot": True, "displayModeBar": False})


def render_html(data: ReportData, sheets: dict[str, pl.DataFrame] | None = None) -> str:
    """The whole report as one self-contained HTML page (a short one when the month has no data)."""
    template = _environment().get_template("report.html.j2")
    settings = data.snapshot.settings
    context: dict[str, Any] = {
        "month": data.month, "as_of": data.snapshot.as_of, "as_of_iso": iso_utc(data.snapshot.as_of),
        "timezone": data.snapshot.timezone, "period": data.period, "window": data.window, "settings": settings,
        "metrics": data.metrics, "has_data": data.has_data,
    }
    if not data.has_data:
        return template.render(**context)
    previous, last_year = sections.compared_months(data.month)
    accounts = sections.good_faith_accounts(data)
    trend = sections.trend(data)
    platforms = sections.platforms(data)
    offenders = sections.repeat_offenders(data)
    sheets = escalations.escalation_sheets(data) if sheets is None else sheets
    figures = [charts.good_faith_chart(accounts, settings), charts.trend_chart(trend, settings),
               charts.platforms_chart(platforms, settings)]
    charts_html = [_figure_html(figure, index == 0) for index, figure in enumerate(figures)]
    context.update(
        previous_month=previous, last_year_month=last_year,
        headline=sections.headline_figures(data).to_dicts(),
        accounts=accounts.to_dicts(),
        reasons_at_risk=sections.good_faith_reasons(data).filter(pl.col("at_risk")).to_dicts(),
        projection=sections.projection(data).to_dicts(),
        trend=trend.to_dicts(), platforms=platforms.to_dicts(),
        repeat_figures=data.metrics["repeat_offenders"],
        offenders=offenders.head(sections.TOP_ROWS).to_dicts(), offender_count=offenders.height,
        networks=sections.networks(data).head(sections.TOP_ROWS).to_dicts(),
        effectiveness=sections.effectiveness(data).filter(pl.col("markedly_worse")).head(sections.TOP_ROWS).to_dicts(),
        escalations=[{"name": name, "rows": frame.height, "columns": ESCALATION_COLUMNS[name],
                      "top": frame.head(ESCALATION_ROWS).to_dicts()} for name, frame in sheets.items()],
        good_faith_chart=charts_html[0], trend_chart=charts_html[1], platforms_chart=charts_html[2],
    )
    return template.render(**context)
