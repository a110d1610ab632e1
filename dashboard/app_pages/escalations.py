"""Escalations: what came of each escalation the account-manager calls raised (the report's "Since the
last call"), the share of escalated items that ended removed per call and kind, and the rows behind
each figure, filterable by kind, state and account. Layout only: metrics.escalations computes."""

import polars as pl
import streamlit as st

from takedown.charts_common import escalation_outcome_figure
from takedown.dashboard_lib import state
from takedown.escape import terminal_text
from takedown.metrics import escalations as calls
from takedown.metrics.registry import format_percent
from takedown.report.data import load_escalation_record


@st.cache_data(show_spinner=False, max_entries=8)
def escalation_record(version: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The store's escalations and escalation log (report.data.load_escalation_record), cached per version."""
    return load_escalation_record(state.cursor())


def render(loaded: state.Loaded) -> None:
    month = loaded.month
    st.caption(f"Calls up to {month}.")
    # Only the escalations about what the view holds (its items, their sellers and accounts), within
    # the viewer's scope and the view's filters: read from the escalated items' facts (narrow.escalation_view).
    escalations, log = escalation_record(loaded.version)
    status = state.escalation_view(loaded.version, loaded.as_of, loaded.timezone, loaded.filters, month,
                                   escalations, log)
    if state.view_filters(loaded).active:
        st.caption("The view is filtered: only the escalations of the complaint items it holds, their sellers "
                   "and their accounts are shown.")
    if escalations.is_empty():
        st.info("No escalation recorded yet: fill in the report's escalations.xlsx during the call and load it "
                "with `takedown ingest escalations.xlsx`.")
        return
    if status.is_empty():
        st.info(f"No escalation raised by the calls up to {month} is about the complaint items, sellers or "
                "accounts of this view.")
        return
    st.caption(f"Escalations raised by the calls up to {month}, with the latest response loaded and each item's "
               f"status as of {loaded.as_of:%Y-%m-%d %H:%M} UTC.")
    left, middle, right = st.columns(3)
    kinds = left.multiselect("Escalation kind", sorted(status.get_column("escalation_kind").unique()),
                             key="escalations-kind")
    states = middle.multiselect("State", sorted(status.get_column("state").unique()), key="escalations-state")
    accounts = right.multiselect("Account", sorted(status.get_column("account").drop_nulls().unique()),
                                 key="escalations-account", format_func=terminal_text)
    shown = status
    for column, chosen in (("escalation_kind", kinds), ("state", states), ("account", accounts)):
        if chosen:
            shown = shown.filter(pl.col(column).is_in(chosen))

    shares = calls.removed_share(shown)
    unresolved = shown.filter(pl.col("state").is_in(calls.UNRESOLVED_STATES))
    first, second, third = st.columns(3)
    first.metric("escalations", f"{shown.height:,}", border=True)
    second.metric("still open or in progress", f"{unresolved.height:,}", border=True)
    third.metric("overdue follow-ups", f"{int(shown.get_column('overdue').sum()):,}", border=True)
    if not shares.is_empty():
        st.plotly_chart(escalation_outcome_figure(shares), width="stretch")
        st.subheader("Escalated items that ended removed, per call and kind")
        state.table(shares, f"escalation-outcomes-{month}", key="escalations-shares",
                    column_config={"removed_share": st.column_config.NumberColumn("share removed", format="percent")})
    if not state.rows_allowed("these figures (each escalation)"):
        return
    if not shares.is_empty():
        pick = st.selectbox("Rows behind a figure", shares.select("call_month", "escalation_kind").rows(),
                            format_func=lambda key: f"{key[1].replace('_', ' ')} escalations of the {key[0]} call",
                            key="escalations-figure")
        call, kind = pick
        behind = shown.filter((pl.col("first_call_month") == call)
                              & pl.col("escalation_kind").is_in(calls.ITEM_KINDS if kind == "all" else [kind]))
        figure = shares.filter((pl.col("call_month") == call) & (pl.col("escalation_kind") == kind)).row(0, named=True)
        st.caption(f"{figure['removed_items']:,} of {figure['escalated_items']:,} items ended removed "
                   f"({format_percent(figure['removed_share'])}).")
        state.table(behind, f"escalations-{call}-{kind}", key="escalations-behind")
    st.subheader("Every escalation")
    state.table(shown, f"escalations-{month}", key="escalations-all")


state.live("Escalations", render, reads="none")
