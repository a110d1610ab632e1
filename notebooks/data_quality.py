# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Data quality of the store
#
# What was loaded, what was quarantined and why, and which references are still waiting for their
# other half. Every frame here comes from `takedown.quality`, the same functions the CLI uses.
# The store is `$TAKEDOWN_DB`, else `data/takedown.duckdb` (run `make demo` first).

# %%
import polars as pl

from takedown import quality
from takedown.config import resolve_db_path
from takedown.store import Reader

db_path = resolve_db_path(None)
reader = Reader(db_path)
con = reader.cursor()
print(f"store: {db_path}")

# %% [markdown]
# ## Tables

# %%
quality.store_summary(con)

# %% [markdown]
# ## Files loaded, newest first
# `rows = inserted + updated + unchanged + rejected`; a refused file loaded nothing and says why.

# %%
batches = quality.ingest_batches(con)
batches.select("loaded_at", "file", "kind", "rows", "inserted", "updated", "unchanged", "rejected", "error")

# %% [markdown]
# ## Why rows were quarantined
# Export the rows themselves with `takedown rejects --out rejects.csv`.

# %%
by_rule = quality.quarantine_by_rule(con)
by_rule

# %%
import plotly.express as px

if by_rule.height:
    figure = px.bar(
        by_rule.with_columns(pl.concat_str("kind", pl.lit("."), "column_name", pl.lit(" "), "rule").alias("check")),
        x="rows_broken", y="check", orientation="h", title="Quarantined rows by broken rule",
    )
    figure.show()

# %% [markdown]
# ## Orphans
# Stored and counted, never dropped: they resolve when the other export arrives.

# %%
orphans = quality.orphans(con)
print({name: frame.height for name, frame in orphans.items()})
orphans["complaint_items"].head(20)

# %% [markdown]
# ## Events before their item's submission
# An outcome event that precedes its own complaint item's `submitted_at` is kept and counted as SPEC
# defines the metrics (it may arrive in another file), but it usually means a wrong time zone or a
# wrong submission time in one export. Largest gap first.

# %%
early_events = quality.events_before_submission(con)
print(f"{early_events.height} event(s) before their item's submission")
early_events.head(20)
