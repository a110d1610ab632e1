"""The dashboard's figures (takedown.dashboard_lib.charts): what a person reads off them."""

from __future__ import annotations

import polars as pl

from takedown.dashboard_lib import charts


def test_a_sellers_months_are_in_calendar_order_whatever_status_comes_first():
    # 2025-07 appears only under a status listed after the one holding 2025-06 and 2025-08: Plotly
    # would draw the months in order of first appearance (06, 08, 07).
    history = pl.DataFrame({"month": ["2025-06", "2025-08", "2025-07"], "status": ["removed", "removed", "rejected"],
                            "items": [3, 1, 2]})
    figure = charts.seller_history_figure(history)
    assert list(figure.layout.xaxis.categoryarray) == ["2025-06", "2025-07", "2025-08"]
    assert figure.layout.xaxis.categoryorder == "array"
    assert figure.layout.barmode == "stack"


def test_at_risk_accounts_are_red_and_the_line_is_labelled_above_the_bars():
    verdicts = pl.DataFrame({"account": ["b", "a"], "at_risk": [True, False],
                             "counter_notice_success_rate": [0.2, 0.01]})
    figure = charts.good_faith_figure(verdicts, "counter_notice_success_rate", 0.05)
    assert list(figure.data[0].marker.color) == [charts.AT_RISK_COLOUR, charts.IN_STANDING_COLOUR]
    [label] = figure.layout.annotations
    assert (label.text, label.yref, label.y, label.yanchor) == ("5.0%", "paper", 1, "bottom")
    # The axis leaves room for the longest bar's label.
    assert figure.layout.xaxis.range[1] > 0.2


def test_the_funnel_shows_counts_with_separators_and_no_infinite_share():
    stages = pl.DataFrame({"stage": ["detected", "reported", "removed", "restored"], "count": [87532, 6619, 5000, 10],
                           "share_of_detected": [1.0, 6619 / 87532, 5000 / 87532, 10 / 87532]})
    assert list(charts.funnel_figure(stages).data[0].text) == ["87,532 (100.0%)", "6,619 (7.6%)", "5,000 (5.7%)",
                                                                "10 (0.0%)"]
    nothing = stages.with_columns(pl.lit(0).alias("count"), pl.lit(None, pl.Float64).alias("share_of_detected"))
    assert list(charts.funnel_figure(nothing).data[0].text) == ["0"] * 4


def test_the_speed_chart_labels_hours():
    frame = pl.DataFrame({"platform": ["taobao", "alibaba", "1688"], "median_hours_to_removal": [30.5, 12.0, None]})
    figure = charts.bar_figure(frame, "platform", "median_hours_to_removal", title="Which platform is slowest")
    assert list(figure.data[0].y) == ["taobao", "alibaba", "1688"]
    assert figure.layout.xaxis.ticksuffix == " h"
    assert figure.data[0].texttemplate.endswith(" h")
