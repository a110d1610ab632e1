"""Action queue: counter-notices awaiting the brand's answer (soonest deadline first, overdue marked),
the high-risk unreported backlog, rights expiring or expired, and complaints on weak rights. Layout only."""

import streamlit as st

from takedown.dashboard_lib import predictions as predicted
from takedown.dashboard_lib import state
from takedown.metrics.prices import only_abnormal_prices
from takedown.metrics.queues import with_time_left
from takedown.prediction.backlog import only_likely_rejected


def render(loaded: state.Loaded) -> None:
    st.caption("The whole store as of the view's as-of (filters apply; the month does not): each queue reads only "
               "its own items.")

    # Hours left and overdue are seen at this render's clock (the queue is cached per store version).
    awaiting = with_time_left(state.view_frame(loaded, "action_queue", "counter_notices_awaiting_response"),
                              state.clock(loaded))
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
    version, as_of, timezone, filters = predicted.view_key(loaded)
    training = predicted.training(version, as_of)
    backlog = predicted.predicted_backlog(version, as_of, timezone, filters)
    if training.model is None:
        st.caption(f"{backlog.height:,} listings detected and not reported, the riskiest first. "
                   f"{training.unavailable or 'No prediction.'} So no probability is shown.")
    else:
        settings = state.view_settings(loaded)
        st.caption(f"{backlog.height:,} listings detected and not reported, the largest expected value removed "
                   "first (the probability that the complaint the team would file ends removed x the listing's "
                   "value), then the riskiest. Probability: filed as the team files its brand's listings of that "
                   f"kind (account, reason, right). Likely rejected: below {settings.backlog_likely_rejected_below:.0%}"
                   "; the better right is the brand's right that raises it by "
                   f"{settings.backlog_better_right_margin:.0%} or more.")
    if st.checkbox("likely rejected only", key="queue-backlog-likely-rejected", disabled=training.model is None,
                   help="The complaint the team would file is more likely rejected than removed"):
        backlog = only_likely_rejected(backlog)
        st.caption(f"{backlog.height:,} of them likely rejected under the right the team would cite.")
    if st.checkbox("abnormal price only", key="queue-backlog-abnormal-price",
                   help="Priced far below the listings of its platform and category (metric dictionary: abnormal_price)"):
        backlog = only_abnormal_prices(backlog)
        st.caption(f"{backlog.height:,} of them at an abnormal price.")
    state.table(backlog, "high-risk-backlog", key="queue-backlog", column_config={
        "url": st.column_config.TextColumn("url"),
        "value_usd": st.column_config.NumberColumn("value (USD)", format="dollar"),
        "abnormal_price": st.column_config.CheckboxColumn("abnormal price"),
        "days_waiting": st.column_config.NumberColumn("days waiting", format="%.1f"),
        "probability": st.column_config.NumberColumn("probability removed", format="%.2f"),
        "expected_value_removed_usd": st.column_config.NumberColumn("expected value removed (USD)", format="dollar"),
        "likely_rejected": st.column_config.CheckboxColumn("likely rejected"),
        "better_probability": st.column_config.NumberColumn("better right's probability", format="%.2f"),
    })

    st.subheader("Rights expiring or expired")
    state.table(state.view_frame(loaded, "action_queue", "expiring_rights"), "expiring-rights", key="queue-rights")
    st.subheader("Complaints filed on an expired, unverified or unknown right")
    state.table(state.view_frame(loaded, "action_queue", "complaint_items_on_weak_rights"), "weak-rights",
                key="queue-weak-rights")


state.live("Action queue", render, with_month=False, reads="none")
