"""The dashboard's library: what dashboard/app.py and its pages lay out.

`data` computes each widget's frame from a Snapshot (pure, no Streamlit), `charts` draws them
(tidy frame in, go.Figure out), `state` holds the Streamlit side: the view in the URL, the cached
store and snapshot, the live refresh, tables and their on-demand downloads, sign-in.
"""
