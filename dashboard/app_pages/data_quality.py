"""Data quality: ingest batches, quarantined rows with their reasons (downloadable), orphans and freshness.

An admin (or anyone, without an access file) sees the store-wide figures; any other viewer sees only
their own rows, as far as a row can be attributed to a brand or an account (takedown.quality_scope)."""

import streamlit as st

from takedown.dashboard_lib import state


def render_store_wide(quality: dict) -> None:
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


def render_own_rows(quality: dict) -> None:
    st.info("Your brands' and accounts' rows only. A quarantined row is yours when it can be attributed: a "
            "listing or a right by its brand, a complaint by its account and its listing's brand, an event by its "
            "complaint item's. Rows that cannot be attributed (a value missing or unreadable, a listing or item "
            "the store does not hold, a vendor's own column names) and events whose complaint item is not loaded "
            "are not shown; neither are the store-wide figures: an admin sees them.")
    reasons, batches = quality["reasons"], quality["batches"]
    columns = st.columns(3)
    columns[0].metric("your quarantined rows", f"{reasons.select('batch_id', 'line').n_unique():,}", border=True)
    columns[1].metric("files with your rows", f"{batches.height:,}", border=True)
    columns[2].metric("your orphan complaint items", f"{quality['orphan_complaint_items'].height:,}", border=True)
    st.subheader("Files with your rows")
    st.caption("Files that loaded or quarantined one of your rows (a stored row names the file that last wrote "
               "it), with your quarantined rows of each.")
    state.table(batches, "ingest-batches", key="quality-batches")
    st.subheader("Your quarantined rows by rule")
    state.table(quality["by_rule"], "quarantine-by-rule", key="quality-by-rule")
    st.subheader("Your quarantined rows with every reason")
    state.table(reasons, "quarantined-rows", key="quality-reasons")
    st.subheader("Your orphan complaint items")
    st.caption("Complaint items of your accounts whose listing is not loaded (without a listing an item has no "
               "brand: shown only when every brand is yours).")
    state.table(quality["orphan_complaint_items"], "orphan-complaint-items", key="quality-orphan-items")


def render(loaded: state.Loaded) -> None:
    quality = state.store_quality(loaded.version)
    if quality is None:
        render_own_rows(state.scoped_quality(loaded.version))
    else:
        render_store_wide(quality)


state.live("Data quality", render, with_month=False, reads="none")
