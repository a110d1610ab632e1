"""Good-Faith standing: each IPP account over its window against the 90% and 5% lines (at-risk accounts
in red), overall and per reason, where each window can still end (the projection the report shows),
and the items that pulled each account's rates down. Layout only."""

import streamlit as st

from takedown.dashboard_lib import charts
from takedown.dashboard_lib import predictions as predicted
from takedown.dashboard_lib import state
from takedown.escape import terminal_text
from takedown.metrics.periods import month_period


PROJECTION_HEADINGS = {"takedown_rate": "takedown now", "best_takedown_rate": "best", "worst_takedown_rate": "worst",
                       "expected_takedown_rate": "expected", "low_expected_takedown_rate": "expected low (90%)",
                       "high_expected_takedown_rate": "expected high (90%)",
                       "counter_notice_success_rate": "CN success now", "worst_counter_notice_success_rate": "CN worst",
                       "counter_notice_headroom": "CN headroom", "can_stay_in_good_faith": "can stay"}


def render(loaded: state.Loaded) -> None:
    snapshot, month = loaded.snapshot, loaded.month
    period = month_period(month, snapshot.timezone)
    window = snapshot.good_faith_window(period)
    settings = snapshot.settings
    st.caption(f"Window {window.start:%Y-%m-%d} to {window.end:%Y-%m-%d} (UTC): an account is at risk below a "
               f"{settings.good_faith_min_takedown_rate:.0%} takedown rate or above "
               f"{settings.good_faith_max_counter_notice_success_rate:.0%} successful counter-notices, overall or "
               "for any reason. At-risk accounts in red.")
    verdicts = state.frame(loaded, "account_verdicts", period)
    if verdicts.is_empty():
        st.info("No complaint items in the window.")
        return
    left, right = st.columns(2)
    left.plotly_chart(charts.good_faith_figure(verdicts, "takedown_rate", settings.good_faith_min_takedown_rate),
                      width="stretch", key="good-faith-takedown-chart")
    right.plotly_chart(charts.good_faith_figure(verdicts, "counter_notice_success_rate",
                                                settings.good_faith_max_counter_notice_success_rate),
                       width="stretch", key="good-faith-success-chart")
    st.subheader("Per account")
    state.table(verdicts, f"good-faith-{month}", key="good-faith-accounts", column_config={"at_risk": None})

    st.subheader("Projection: where each account's window can still end")
    st.caption(f"Best case: every pending item ends removed. Worst case: every pending item ends rejected after a "
               f"successful counter-notice. Removals needed: the fewest pending items that must end removed to hold "
               f"{settings.good_faith_min_takedown_rate:.0%} (\"out of reach\" when even the best case falls short). "
               "Headroom: successful counter-notices the window still takes (negative: already over). "
               "Expected: the takedown rate the window ends at if each pending item ends removed with its predicted "
               "probability, with the central 90% of the outcomes.")
    projection, model = predicted.with_expected_rate(loaded, period, state.frame(loaded, "good_faith_projection", period))
    st.caption(model)
    # The report's short headings, so the nine columns fit a laptop's width without scrolling sideways.
    state.table(projection, f"good-faith-projection-{month}", key="good-faith-projection", column_config={
        name: state.relabel(projection, name, label) for name, label in PROJECTION_HEADINGS.items()})

    st.subheader("Per account and reason")
    state.table(state.frame(loaded, "good_faith_by_reason", period), f"good-faith-reasons-{month}",
                key="good-faith-reasons")
    st.subheader("What pulled an account down")
    if not state.rows_allowed("an account's rates"):
        return
    accounts = verdicts.get_column("account").to_list()
    account = st.selectbox("Account", accounts, index=accounts.index(state.page_choice("account_shown", accounts,
                                                                                        accounts[0])),
                           key="account_shown", on_change=state.keep_choice, args=("account_shown",),
                           format_func=terminal_text)
    pulled = state.frame(loaded, "good_faith_pull_downs", period, account)
    st.caption(f"{pulled.height:,} items of the window rejected, restored or won by a counter-notice.")
    state.table(pulled, f"good-faith-pull-downs-{month}", key="good-faith-pulled")


state.live("Good-Faith standing", render, reads="good_faith")
