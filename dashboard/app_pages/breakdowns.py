"""Platforms and complaint types: every KPI side by side per platform, per reason and per ipr_type,
with the rows behind any cell. Layout only: the Snapshot's breakdowns."""

import streamlit as st

from takedown.dashboard_lib import charts
from takedown.dashboard_lib import state
from takedown.dashboard_lib import data as dashboard_data
from takedown.dashboard_lib.data import HEADLINE_KPIS
from takedown.escape import terminal_text
from takedown.metrics.periods import month_period
from takedown.metrics.registry import metric

BREAKDOWNS = {"platform": "Platforms", "reason": "Reasons", "ipr_type": "IPR types", "account": "IPP accounts",
              "brand": "Brands"}
BREAKDOWN_NOUNS = {"platform": "platform", "reason": "reason", "ipr_type": "IPR type", "account": "IPP account",
                   "brand": "brand"}


def render(loaded: state.Loaded) -> None:
    month = loaded.month
    period = month_period(month, loaded.snapshot.timezone)
    titles = list(BREAKDOWNS.values())
    chosen = state.page_choice("tab", titles, titles[0])
    tabs = st.tabs(titles, default=chosen, key="tab", on_change=state.keep_choice, args=("tab",))
    for tab, by in zip(tabs, BREAKDOWNS, strict=True):
        if tab.open is False:
            continue  # only the open tab is computed and drawn; choosing another reruns the page
        with tab:
            frame = state.frame(loaded, "breakdown", period, by)
            if frame.is_empty():
                st.info("No complaint items in this month.")
                continue
            left, right = st.columns(2)
            left.plotly_chart(charts.bar_figure(frame, by, "takedown_rate"), width="stretch", key=f"chart-{by}")
            right.plotly_chart(charts.bar_figure(dashboard_data.slowest_first(frame, by), by,
                                                 "median_hours_to_removal",
                                                 title=f"Which {BREAKDOWN_NOUNS[by]} is slowest: median time to removal"),
                               width="stretch", key=f"speed-{by}")
            state.table(frame, f"{by}-{month}", key=f"breakdown-{by}")
            if not state.rows_allowed(f"each {BREAKDOWN_NOUNS[by]}'s figures"):
                continue
            keys = frame.get_column(by).to_list()
            left, right = st.columns(2)
            value = left.selectbox(f"Rows behind one {by.replace('_', ' ')}", keys, key=f"breakdown-{by}-key",
                                   format_func=lambda key: "(none)" if key is None else terminal_text(key))
            name = right.selectbox("Figure", HEADLINE_KPIS, format_func=lambda name: metric(name).label,
                                   key=f"breakdown-{by}-metric")
            rows = state.frame(loaded, "breakdown_rows", period, name, by, value)
            st.caption(f"{rows.height:,} rows")
            state.table(rows, f"{by}-{name}-{month}", key=f"breakdown-{by}-rows")


state.live("Platforms and complaint types", render, reads="month")
