"""Good-Faith standing: each IPP account over its window against the 90% and 5% lines, overall and
per reason, at-risk first, and the items that pulled each account's rates down. Layout only."""

import streamlit as st

from takedown import charts
from takedown import dashboard_state as state
from takedown.escape import terminal_text
from takedown.metrics.periods import month_period


def render(loaded: state.Loaded) -> None:
    snapshot, month = loaded.snapshot, loaded.month
    period = month_period(month, snapshot.timezone)
    window = snapshot.good_faith_window(period)
    settings = snapshot.settings
    st.title(f"Good-Faith standing · {month}")
    state.freshness_badge(loaded)
    st.caption(f"Window {window.start:%Y-%m-%d} to {window.end:%Y-%m-%d} (UTC): an account is at risk below a "
               f"{settings.good_faith_min_takedown_rate:.0%} takedown rate or above "
               f"{settings.good_faith_max_counter_notice_success_rate:.0%} successful counter-notices, overall or "
               "for any reason.")
    verdicts = state.frame(loaded, "account_verdicts", period)
    if verdicts.is_empty():
        st.info("No complaint items in the window.")
        return
    left, right = st.columns(2)
    left.plotly_chart(charts.bar_figure(verdicts, "account", "takedown_rate",
                                        settings.good_faith_min_takedown_rate), width="stretch")
    right.plotly_chart(charts.bar_figure(verdicts, "account", "counter_notice_success_rate",
                                         settings.good_faith_max_counter_notice_success_rate), width="stretch")
    st.subheader("Per account")
    state.table(verdicts, f"good-faith-{month}", key="good-faith-accounts")
    st.subheader("Per account and reason")
    state.table(state.frame(loaded, "good_faith_by_reason", period), f"good-faith-reasons-{month}",
                key="good-faith-reasons")
    st.subheader("What pulled an account down")
    account = st.selectbox("Account", verdicts.get_column("account").to_list(), key="good-faith-account",
                           format_func=terminal_text)
    pulled = state.frame(loaded, "good_faith_pull_downs", period, account)
    st.caption(f"{pulled.height:,} items of the window rejected, restored or won by a counter-notice.")
    state.table(pulled, f"good-faith-pull-downs-{month}", key="good-faith-pulled")


state.live(render)
