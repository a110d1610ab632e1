"""The takedown dashboard's entry file: sign-in, the shared view (sidebar, URL) and the page list.

Served by `takedown dashboard` (or `streamlit run dashboard/app.py` with $TAKEDOWN_DB set).
The page files live in app_pages/, not pages/: a folder named pages/ beside the entry file makes
Streamlit run a deep link's page file on its own (legacy multipage mode), without this file's
sign-in and sidebar.
"""

import streamlit as st

st.set_page_config(page_title="Takedown dashboard", page_icon=":material/shield:", layout="wide")
# A server's first run imports the library and opens the store (seconds at 1M items): a line at once
# says so, instead of a blank page. It holds no figure, so it may show before sign-in.
with st.spinner("Loading the dashboard ..."):
    from takedown.dashboard_lib import state

state.require_sign_in()
with st.spinner("Opening the store ..."):
    problem = state.store_problem()
if problem is not None:
    st.session_state["takedown_store_problem"] = problem
    pages = [st.Page("app_pages/first_run.py", title="Get started", icon=":material/rocket_launch:")]
else:
    state.choose_view()
    pages = [
        st.Page("app_pages/overview.py", title="Overview", icon=":material/dashboard:", default=True),
        st.Page("app_pages/good_faith.py", title="Good-Faith standing", icon=":material/verified:"),
        st.Page("app_pages/action_queue.py", title="Action queue", icon=":material/pending_actions:"),
        st.Page("app_pages/breakdowns.py", title="Platforms and complaint types", icon=":material/storefront:"),
        st.Page("app_pages/repeat_offenders.py", title="Repeat offenders", icon=":material/person_alert:"),
        st.Page("app_pages/escalations.py", title="Escalations", icon=":material/support_agent:"),
        st.Page("app_pages/ip_portfolio.py", title="IP portfolio", icon=":material/license:"),
        st.Page("app_pages/data_quality.py", title="Data quality", icon=":material/fact_check:"),
        st.Page("app_pages/model.py", title="Model", icon=":material/query_stats:"),
        st.Page("app_pages/audit_log.py", title="Audit log", icon=":material/policy:"),
    ]
    # Only the pages the viewer's role opens (access.PAGE_PERMISSIONS; each page checks again).
    pages = [page for page in pages if state.page_allowed(page.title)]
st.navigation(pages).run()
