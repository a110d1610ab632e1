"""Overview: the month's headline KPIs against the previous month, the 12-month trend, the funnel,
a verdict per IPP account, and the rows behind any KPI. Layout only: figures come from the Snapshot."""

import streamlit as st

from takedown.dashboard_lib import charts
from takedown.dashboard_lib import data as dashboard_data
from takedown.dashboard_lib import state
from takedown.metrics.periods import month_period
from takedown.metrics.registry import metric


FIRST_ROW = ("takedown_rate", "removed", "median_hours_to_removal", "handled_within_24h_rate")
SECOND_ROW = ("submitted", "value_removed_usd", "counter_notice_success_rate")


def render(loaded: state.Loaded) -> None:
    month, snapshot = loaded.month, loaded.snapshot
    period = month_period(month, snapshot.timezone)
    kpis = state.frame(loaded, "headline_kpis", month)
    # Short labels and values four abreast, the long ones three abreast, so no tile truncates on a laptop.
    tiles = dict(zip(FIRST_ROW + SECOND_ROW, [*st.columns(4), *st.columns(3)], strict=True))
    for row in kpis.iter_rows(named=True):
        column = tiles[row["name"]]
        entry = metric(row["name"])
        help_text = f"{month} against {dashboard_data.previous_month(month)} ({entry.format(row['previous'])})."
        if row["name"] == "handled_within_24h_rate":
            low, high = dashboard_data.ALIBABA_HANDLED_WITHIN_24H
            help_text += f" Alibaba publishes {low:.0%}-{high:.0%} handled within 24 h."
        unchanged = dashboard_data.is_no_change(row["unit"], row["change"])
        column.metric(entry.label, entry.format(row["value"]),
                      delta=dashboard_data.format_change(row["unit"], row["change"]),
                      delta_color="off" if unchanged else "inverse" if entry.lower_is_better else "normal",
                      delta_arrow="off" if unchanged else "auto", help=help_text, border=True)
    low, high = dashboard_data.ALIBABA_HANDLED_WITHIN_24H
    st.caption(f"Handled within 24 h: Alibaba publishes {low:.0%}-{high:.0%}. Arrows: the change from "
               f"{dashboard_data.previous_month(month)}.")

    names = kpis.get_column("name").to_list()
    name = None
    if state.rows_allowed("a KPI"):
        name = st.pills("Show the rows behind a KPI", names, format_func=lambda name: metric(name).label,
                        default=state.page_choice("kpi", names), key="kpi", on_change=state.keep_choice, args=("kpi",))
    if name:
        chosen = metric(name).label
        rows = state.frame(loaded, "kpi_rows", period, name)
        behind = dashboard_data.ROWS_OF_KPI.get(name, name)
        st.caption(f"{rows.height:,} rows behind {chosen}" +
                   (f" (the {metric(behind).label} items it is computed from)" if behind != name else ""))
        state.table(rows, f"{month}-{behind}", key=f"overview-rows-{name}")

    left, right = st.columns([3, 2])
    with left:
        trend = state.trend(loaded, 12)
        trends = ["takedown_rate", "submitted", "removed", "median_hours_to_removal", "handled_within_24h_rate",
                  "value_removed_usd", "counter_notice_success_rate"]
        shown = st.selectbox("Trend of", trends, index=trends.index(state.page_choice("trend", trends, trends[0])),
                             format_func=lambda name: metric(name).label, key="trend",
                             on_change=state.keep_choice, args=("trend",))
        st.plotly_chart(charts.trend_figure(trend, shown), width="stretch")
    with right:
        detected = state.listings_detected(loaded.version, period, snapshot.as_of,
                                           tuple(sorted(snapshot.filters.active.items())))
        st.plotly_chart(charts.funnel_figure(state.frame(loaded, "funnel", period, detected)), width="stretch")

    st.subheader("Good-Faith standing per IPP account")
    verdicts = state.frame(loaded, "account_verdicts", period)
    window = snapshot.good_faith_window(period)
    st.caption(f"Over {window.start:%Y-%m-%d} to {window.end:%Y-%m-%d} (UTC); at risk below "
               f"{snapshot.settings.good_faith_min_takedown_rate:.0%} takedown rate or above "
               f"{snapshot.settings.good_faith_max_counter_notice_success_rate:.0%} successful counter-notices.")
    state.table(verdicts, f"good-faith-{month}", key="overview-verdicts",
                column_config={"at_risk": None})


state.live("Overview", render, reads="overview")
