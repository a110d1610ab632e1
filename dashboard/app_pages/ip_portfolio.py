"""IP portfolio: the rights, their IPP status and expiry, and how often and how well each is used. Layout only."""

import streamlit as st

from takedown.dashboard_lib import state
from takedown.metrics.rights import rights_summary


def render(loaded: state.Loaded) -> None:
    rights = state.view_frame(loaded, "rights_portfolio")
    if rights.is_empty():
        st.info("No IP rights loaded: ingest an ip_rights export.")
        return
    counts = rights_summary(rights, loaded.as_of)
    columns = st.columns(3)
    columns[0].metric("rights", f"{counts['rights']:,}", border=True)
    columns[1].metric("expired", f"{counts['expired']:,}", border=True)
    columns[2].metric("not verified in IPP", f"{counts['not_verified']:,}", border=True)
    st.caption("Use: every complaint item filed on the right, as of the view's as-of (all months).")
    state.table(rights, "ip-portfolio", key="ip-portfolio", column_config={
        "days_to_expiry": st.column_config.NumberColumn("days to expiry", format="%d"),
    })


state.live("IP portfolio", render, with_month=False, reads="none")
