"""Every chart, the dashboard's, the report's and the ones both draw (charts_common), shows hostile
labels from the data as text: no link, image or tag Plotly would draw, no bidi override obeyed, and
the label still there (escaped)."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator

import plotly.graph_objects as go
import polars as pl
import pytest

from takedown import charts_common
from takedown.dashboard_lib import charts
from takedown.config import DEFAULT_SETTINGS
from takedown.escape import chart_text
from takedown.report import charts as report_charts

HOSTILE = '<a href="https://evil.example/phish">x</a> <img src="https://evil.example/i.png"> invoice\u202egpj.exe &#8238;'
MONTHS = ["2026-08", "2026-09"]


def _dashboard_trend() -> go.Figure:
    trend = pl.DataFrame({"month": MONTHS * 2, "account": [HOSTILE, HOSTILE, "acct-a", "acct-a"],
                          "takedown_rate": [0.5, 0.6, 0.9, 1.0]})
    return charts.trend_figure(trend, "takedown_rate", by="account")


def _dashboard_funnel() -> go.Figure:
    return charts.funnel_figure(pl.DataFrame({"stage": ["detected", HOSTILE, "removed", "restored"],
                                              "count": [10, 5, 3, 1], "share_of_detected": [1.0, 0.5, 0.3, 0.1]}))


def _dashboard_good_faith() -> go.Figure:
    verdicts = pl.DataFrame({"account": [HOSTILE, "acct-a"], "at_risk": [True, False], "takedown_rate": [0.5, 0.95]})
    return charts.good_faith_figure(verdicts, "takedown_rate", 0.9)


def _dashboard_seller_history() -> go.Figure:
    history = pl.DataFrame({"month": MONTHS, "status": [HOSTILE, "removed"], "items": [2, 3]})
    return charts.seller_history_figure(history)


def _dashboard_bar() -> go.Figure:
    frame = pl.DataFrame({"account": [HOSTILE, "acct-a", None], "takedown_rate": [0.5, 0.9, 0.7]})
    return charts.bar_figure(frame, "account", "takedown_rate", threshold=0.9)


def _report_good_faith() -> go.Figure:
    accounts = pl.DataFrame({"account": [HOSTILE, "acct-a"], "at_risk": [True, False],
                             "takedown_rate": [0.5, 0.95], "counter_notice_success_rate": [0.1, None]})
    return report_charts.good_faith_chart(accounts, DEFAULT_SETTINGS)


def _report_trend() -> go.Figure:
    trend = pl.DataFrame({"month": [HOSTILE, "2026-09"], "submitted": [3, 4], "takedown_rate": [0.5, 0.75]})
    return report_charts.trend_chart(trend, DEFAULT_SETTINGS)


def _report_platforms() -> go.Figure:
    return report_charts.platforms_chart(pl.DataFrame({"platform": [HOSTILE, "taobao"], "takedown_rate": [0.5, 0.8]}),
                                         DEFAULT_SETTINGS)


def _common_escalation_outcomes() -> go.Figure:
    shares = pl.DataFrame({"escalation_kind": [HOSTILE, "rejected_to_contest"], "call_month": MONTHS,
                           "removed_share": [0.5, 0.25], "removed_items": [1, 1], "escalated_items": [2, 4]})
    return charts_common.escalation_outcome_figure(shares)


# Every public chart function of both modules, with a hostile label where the data puts one.
BUILDERS: dict[Callable[..., go.Figure], Callable[[], go.Figure]] = {
    charts.trend_figure: _dashboard_trend, charts.funnel_figure: _dashboard_funnel, charts.bar_figure: _dashboard_bar,
    charts.good_faith_figure: _dashboard_good_faith, charts.seller_history_figure: _dashboard_seller_history,
    charts_common.escalation_outcome_figure: _common_escalation_outcomes,
    report_charts.good_faith_chart: _report_good_faith, report_charts.trend_chart: _report_trend,
    report_charts.platforms_chart: _report_platforms,
}


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, (list, tuple)) or hasattr(value, "tolist"):
        for item in (value.tolist() if hasattr(value, "tolist") else value):
            yield from _strings(item)


def test_every_chart_function_is_tested_with_a_hostile_label():
    for module in (charts, report_charts, charts_common):
        public = {function for name, function in inspect.getmembers(module, inspect.isfunction)
                  if not name.startswith("_") and function.__module__ == module.__name__
                  and inspect.signature(function).return_annotation in (go.Figure, "go.Figure")}
        assert len(public) >= (1 if module is charts_common else 3) and public <= set(BUILDERS), f"add a hostile-label case for {public - set(BUILDERS)}"


@pytest.mark.parametrize("build", BUILDERS.values(), ids=[function.__qualname__ for function in BUILDERS])
def test_a_hostile_label_is_shown_as_text(build):
    texts = list(_strings(build().to_plotly_json()))
    joined = "\n".join(texts)
    for markup in ("<a", "<img", "</a>", "\u202e", "&#8238;"):
        assert markup not in joined.replace("&amp;#8238;", ""), markup
    assert chart_text(HOSTILE) in texts, "the label is still shown, escaped"


def test_the_funnel_shows_no_share_of_zero_detected_listings():
    stages = ["detected", "reported", "removed", "restored"]
    figure = charts.funnel_figure(pl.DataFrame({"stage": stages, "count": [0, 4, 2, 0],
                                                "share_of_detected": [None] * 4}, schema_overrides={"share_of_detected": pl.Float64}))
    assert list(figure.data[0].text) == ["0", "4", "2", "0"]
    assert "Infinity" not in figure.to_json() and "NaN" not in figure.to_json()
    shares = charts.funnel_figure(pl.DataFrame({"stage": ["detected", "reported"], "count": [8_000, 2_000],
                                                "share_of_detected": [1.0, 0.25]})).data[0].text
    assert list(shares) == ["8,000 (100.0%)", "2,000 (25.0%)"]
