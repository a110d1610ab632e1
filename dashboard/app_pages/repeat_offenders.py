"""Repeat offenders: ranked sellers, storefront-enforcement candidates, and one seller's listings,
complaints and outcomes over time. Layout only."""

import streamlit as st

from takedown.dashboard_lib import charts
from takedown.dashboard_lib import state
from takedown.escape import terminal_text
from takedown.metrics.registry import format_percent


def render(loaded: state.Loaded) -> None:
    figures = state.view_frame(loaded, "repeat_offender_figures").row(0, named=True)
    st.caption(f"A seller with at least {figures['threshold']} removed listings in the last "
               f"{figures['window_days']} days, as of the view's as-of.")
    left, right = st.columns(2)
    left.metric("repeat offenders", f"{figures['count']:,}", border=True)
    right.metric("share of removed listing items", format_percent(figures["share_of_removed"]), border=True)
    queue = state.view_frame(loaded, "repeat_offenders_queue")
    if queue.is_empty():
        st.info("No repeat offenders.")
        return
    st.subheader("Ranked sellers")
    state.table(queue, "repeat-offenders", key="repeat-queue")
    candidates = queue.filter(queue.get_column("storefront_candidate"))
    st.subheader("Storefront-enforcement candidates")
    st.caption("Repeat offenders never hit by a storefront complaint.")
    state.table(candidates, "storefront-candidates", key="repeat-candidates")

    st.subheader("One seller")
    sellers = [(row["platform"], row["seller_id"]) for row in queue.iter_rows(named=True)]
    platform, seller = st.selectbox("Seller", sellers, format_func=lambda key: terminal_text(f"{key[1]} on {key[0]}"),
                                    key="repeat-seller")
    history = state.view_frame(loaded, "seller_outcomes_by_month", platform, seller)
    if not history.is_empty():
        st.plotly_chart(charts.seller_history_figure(history), width="stretch", key="repeat-seller-history")
    st.caption("Listings")
    listings = state.seller_listings(loaded.version, platform, seller, loaded.as_of,
                                     tuple(sorted(state.view_filters(loaded).active.items())))
    state.table(listings, f"seller-{seller}-listings",
                key="repeat-seller-listings")
    st.caption("Complaint items and their outcomes")
    state.table(state.view_frame(loaded, "seller_complaints", platform, seller), f"seller-{seller}-complaints",
                key="repeat-seller-complaints")


state.live("Repeat offenders", render, with_month=False, reads="none")
