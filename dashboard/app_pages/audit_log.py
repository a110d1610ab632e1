"""Audit log (admins): who signed in, viewed which page with which filters, and downloaded what, newest
first, from the store's audit log (takedown.audit). Layout only."""

import streamlit as st

from takedown.dashboard_lib import state
from takedown.escape import markdown_text


def render(loaded: state.Loaded) -> None:
    events = state.audit_events()
    st.caption(markdown_text(f"{events.height:,} events in {state.audit_log()}, newest first (times in UTC). The "
                             "addresses, pages and filters are shown as they were logged: a URL parameter may hold "
                             "any text."))
    if events.is_empty():
        st.info("Nothing logged yet.")
        return
    columns = st.columns(3)
    for column, event in zip(columns, ("sign_in", "page_view", "download"), strict=True):
        count = events.filter(events.get_column("event") == event).height
        column.metric(event.replace("_", " ") + "s", f"{count:,}", border=True)
    state.table(events, "audit-log", key="audit-log")


state.live("Audit log", render, with_month=False)
