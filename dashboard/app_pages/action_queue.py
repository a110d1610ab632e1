"""Action queue: counter-notices awaiting the brand's answer (soonest deadline first, overdue marked),
the high-risk unreported backlog, rights expiring or expired, and complaints on weak rights. Layout only."""

import streamlit as st

from takedown.dashboard_lib import state
from takedown.metrics.prices import only_abnormal_prices


def render(loaded: state.Loaded) -> None:
    st.caption("The whole store as of the view's as-of (filters apply; the month does not).")

    awaiting = state.frame(loaded, "action_queue", "counter_notices_awaiting_response")
    overdue = awaiting.filter(awaiting.get_column("overdue")).height if awaiting.height else 0
    st.subheader("Counter-notices awaiting the brand's answer")
    left, right = st.columns(2)
    left.metric("awaiting an answer", f"{awaiting.height:,}", border=True)
    right.metric("overdue", f"{overdue:,}", border=True)
    state.table(awaiting, "counter-notices-awaiting", key="queue-counter-notices", column_config={
        "hours_left": st.column_config.NumberColumn("hours left", format="%.1f h"),
        "overdue": st.column_config.CheckboxColumn("overdue"),
    })

    st.subheader("High-risk listings not reported yet")
    backlog = state.frame(loaded, "action_queue", "high_risk_backlog")
    st.caption(f"{backlog.height:,} listings detected and not reported, the riskiest first.")
    if st.checkbox("abnormal price only", key="queue-backlog-abnormal-price",
                   help="Priced far below the listings of its platform and category (metric dictionary: abnormal_price)"):
        backlog = only_abnormal_prices(backlog)
        st.caption(f"{backlog.height:,} of them at an abnormal price.")
    state.table(backlog, "high-risk-backlog", key="queue-backlog", column_config={
        "url": st.column_config.TextColumn("url"),
        "value_usd": st.column_config.NumberColumn("value (USD)", format="dollar"),
        "abnormal_price": st.column_config.CheckboxColumn("abnormal price"),
        "days_waiting": st.column_config.NumberColumn("days waiting", format="%.1f"),
    })

    st.subheader("Rights expiring or expired")
    state.table(state.frame(loaded, "action_queue", "expiring_rights"), "expiring-rights", key="queue-rights")
    st.subheader("Complaints filed on an expired, unverified or unknown right")
    state.table(state.frame(loaded, "action_queue", "complaint_items_on_weak_rights"), "weak-rights",
                key="queue-weak-rights")


state.live("Action queue", render, with_month=False)
