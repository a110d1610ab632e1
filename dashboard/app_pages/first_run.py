"""First run: the store is missing or empty; say how to load exports or the demo."""

import streamlit as st

from takedown.dashboard_lib import state
from takedown.escape import markdown_text

st.title("Takedown dashboard: get started")
st.info(markdown_text(st.session_state.get("takedown_store_problem", "The store holds nothing to show yet.")), icon="ℹ️")
st.markdown("Load your exports, or a demo program, and this page turns into the dashboard by itself.")
st.code("takedown ingest exports/*.csv exports/portal.xlsx --tz Asia/Shanghai", language="bash")
st.markdown("or generate and load an 18-month demo program:")
st.code("make demo            # or: takedown demo --no-serve", language="bash")
st.caption(markdown_text(f"Store: {state.db_path()} (takedown dashboard --db PATH, or $TAKEDOWN_DB)."))


@st.fragment(run_every=state.refresh_seconds())
def wait_for_data() -> None:
    # A store published while this page is open turns it into the dashboard.
    if state.store_problem() is None:
        st.rerun(scope="app")


wait_for_data()
