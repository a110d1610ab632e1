"""report.html: the sections laid out by a Jinja2 template, Plotly inlined once.

Every value the template prints goes through escape.escape_html (the environment's `finalize`), so
markup and bidi controls from the data (a seller named `invoice\u202egpj.exe`) are shown, never
obeyed; only what the code marks safe (the charts' HTML, `tojson`) is printed as it is.

The page needs no network: plotly.js is inlined with the first chart. Each figure the metrics JSON
also holds carries `data-metric` (its JSON path) and `data-value` (the JSON value), and the JSON
itself is embedded, so a reader or a test can check the page against `takedown metrics --json`.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import jinja2
import markupsafe
import plotly.graph_objects as go
import polars as pl

from takedown.escape import escape_html
from takedown.metrics.periods import iso_utc
from takedown.metrics.registry import format_count, format_percent, format_usd, metric
from takedown.report import calls, changes, charts, escalations, sections
from takedown.report.data import ReportData


def _escaped(value: Any) -> Any:
    # Jinja's autoescape would leave bidi controls in the page: every printed value goes through the
    # project's one HTML escaping (autoescape stays on, so anything finalize misses is still escaped).
    return value if isinstance(value, markupsafe.Markup) else markupsafe.Markup(escape_html(value))


def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(loader=jinja2.PackageLoader("takedown.report", "templates"),
                                     autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True,
                                     lstrip_blocks=True, finalize=_escaped)
    environment.filters["metric"] = lambda value, name: metric(name).format(value)
    environment.filters["percent"] = format_percent
    environment.filters["count"] = lambda value: "-" if value is None else format_count(value)
    environment.filters["cell"] = cell
    environment.filters["utc"] = lambda instant: f"{instant:%Y-%m-%d %H:%M} UTC"
    environment.filters["unbroken_times"] = unbroken_times
    return environment


# The most characters of untrusted text a table cell shows: a 40,000-character title laid out in
# full took Chromium a minute to print (the workbook keeps the whole text).
CELL_CHARACTERS = 300


# A month, date or time in a sentence: kept on one line (Chromium breaks "2026-12-01" after a hyphen).
_TIME = re.compile(r"\d{4}-\d\d(?:-\d\d(?: \d\d:\d\d(?: UTC)?)?)?")


def unbroken_times(text: str) -> markupsafe.Markup:
    """`text` HTML-escaped (escape.escape_html), each month, date or time in it in a span that never wraps."""
    return markupsafe.Markup(_TIME.sub(lambda match: f'<span class="nowrap">{match.group(0)}</span>',
                                       escape_html(text)))


def cell(value: Any, column: str = "") -> str:
    """A table cell's text: rates as percentages, counts with separators, times in UTC to the minute,
    text past CELL_CHARACTERS cut with a mark saying how much more the workbook holds."""
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.datetime):
        return f"{value:%Y-%m-%d %H:%M}"
    if isinstance(value, float) and column.endswith("_gain"):
        return f"+{value * 100:.2f} pt"
    if isinstance(value, float) and (column.endswith("_rate") or "_rate_" in column):
        return format_percent(value)
    if isinstance(value, float) and column.endswith("_usd"):
        return format_usd(value)
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
    since = calls.since_last_call(data)
    since_shown, since_hidden = calls.since_last_call_shown(data)
    since_chart = calls.removed_share_chart(data)
    context.update(last_call=calls.last_call(data), since_total=since.height, since_hidden=since_hidden,
                   since_unanswered_shown=calls.UNANSWERED_ROWS_SHOWN,
                   since_last_call=since_shown.select(calls.SINCE_COLUMNS).to_dicts(),
                   since_overdue=int(since.get_column("overdue").sum()), removed_share=calls.removed_share(data).to_dicts(),
                   since_chart=None if since_chart is None else _figure_html(since_chart, True))
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
    # plotly.js goes with the page's first chart: "Since the last call"'s when it has one.
    charts_html = [_figure_html(figure, index == 0 and since_chart is None) for index, figure in enumerate(figures)]
    context.update(
        previous_month=previous, last_year_month=last_year,
        headline=sections.headline_figures(data).to_dicts(),
        changes=changes.what_changed(data).to_dicts(),
        accounts=accounts.to_dicts(),
        reasons_at_risk=sections.reasons_at_risk(data).to_dicts(),
        projection=sections.projection(data).to_dicts(), prediction_note=data.prediction_note,
        trend=trend.to_dicts(), platforms=platforms.to_dicts(),
        repeat_figures=data.metrics["repeat_offenders"],
        offenders=offenders.head(sections.TOP_ROWS).to_dicts(), offender_count=offenders.height,
        networks=sections.networks(data).head(sections.TOP_ROWS).to_dicts(),
        effectiveness=sections.effectiveness(data).filter(pl.col("markedly_worse")).head(sections.TOP_ROWS).to_dicts(),
        escalations=[{"name": section.name, "rows": section.rows.height, "scope": section.scope,
                      "ranking": section.ranking, "columns": section.columns, "top": section.top.to_dicts()}
                     for section in escalations.agenda(data, sheets)],
        good_faith_chart=charts_html[0], trend_chart=charts_html[1], platforms_chart=charts_html[2],
    )
    return template.render(**context)
