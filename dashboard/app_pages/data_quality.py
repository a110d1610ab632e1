"""Data quality: ingest batches, quarantined rows with their reasons (downloadable), orphans and freshness."""

import streamlit as st

from takedown.dashboard_lib import state


def render(loaded: state.Loaded) -> None:
    quality = state.store_quality(loaded.version)
    counts = dict(zip(quality["summary"].get_column("name"), quality["summary"].get_column("row_count"), strict=True))
    columns = st.columns(4)
    for column, (label, name) in zip(columns, (("complaint items", "complaint_items"), ("listings", "listings"),
                                                ("quarantined rows", "quarantined_rows"),
                                                ("orphan complaint items", "orphan_complaint_items")), strict=True):
        column.metric(label, f"{int(counts.get(name, 0)):,}", border=True)
    st.subheader("Store contents")
    state.table(quality["summary"], "store-summary", key="quality-summary")
    st.subheader("Files loaded")
    state.table(quality["batches"], "ingest-batches", key="quality-batches")
    st.subheader("Quarantined rows by rule")
    state.table(quality["by_rule"], "quarantine-by-rule", key="quality-by-rule")
    st.subheader("Quarantined rows with every reason")
    state.table(quality["reasons"], "quarantined-rows", key="quality-reasons")
    st.subheader("Orphans")
    st.caption("Complaint items whose listing is not loaded, and events whose complaint item is not loaded.")
    state.table(quality["orphan_complaint_items"], "orphan-complaint-items", key="quality-orphan-items")
    state.table(quality["orphan_outcome_events"], "orphan-outcome-events", key="quality-orphan-events")


state.live("Data quality", render, with_month=False, reads="none")
