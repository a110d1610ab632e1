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
# # Program overview and work queues
#
# Last month's figures, the trend behind them, Good-Faith standing, and the queues an operator
# works through. Every number comes from `takedown.metrics`, the functions behind
# `takedown metrics --json`, so this notebook, the CLI and the report always agree.
# The store is `$TAKEDOWN_DB`, else `data/takedown.duckdb` (run `make demo` first); the report time
# zone and the as-of instant are set in the next cell.

# %%
import os

import plotly.express as px
import polars as pl

from takedown.config import resolve_db_path
from takedown.metrics import (
    complaint_item_facts,
    complaint_items_on_weak_rights,
    counter_notices_awaiting_response,
    expiring_rights,
    high_risk_backlog,
    load_metric_inputs,
    metrics_from_store,
    month_period,
    monthly_trend,
    parse_instant,
    repeat_offenders_queue,
    utc_now,
)
from takedown.metrics.periods import month_label, month_of, shift_month
from takedown.store import Reader

TIMEZONE = os.environ.get("TAKEDOWN_TZ", "UTC")
# As of now, unless TAKEDOWN_AS_OF fixes the instant (ISO 8601) for a reproducible run.
AS_OF = parse_instant(os.environ["TAKEDOWN_AS_OF"], TIMEZONE) if os.environ.get("TAKEDOWN_AS_OF") else utc_now()
LAST_MONTH = month_label(*shift_month(*month_of(AS_OF, TIMEZONE), -1))

con = Reader(resolve_db_path(None)).cursor()
print(f"store: {resolve_db_path(None)}; month {LAST_MONTH} in {TIMEZONE}, as of {AS_OF:%Y-%m-%d %H:%M} UTC")

# %% [markdown]
# ## Last month, as `takedown metrics --month` reports it

# %%
metrics = metrics_from_store(con, month_period(LAST_MONTH, TIMEZONE), AS_OF, TIMEZONE)
pl.DataFrame([metrics["totals"]]).transpose(include_header=True, header_name="metric", column_names=["value"])

# %%
pl.DataFrame([{"platform": name, **figures} for name, figures in metrics["by_platform"].items()]).select(
    "platform", "submitted", "removed", "takedown_rate", "median_hours_to_removal", "handled_within_24h_rate",
    "counter_notice_success_rate", "value_removed_usd",
)

# %% [markdown]
# ## Good-Faith standing over the 3 months ending with last month

# %%
standing = pl.DataFrame([
    {"account": account, "takedown_rate": figures["takedown_rate"],
     "counter_notice_success_rate": figures["counter_notice_success_rate"], "at_risk": figures["at_risk"],
     "reasons_at_risk": ", ".join(reason for reason, r in figures["by_reason"].items() if r["at_risk"])}
    for account, figures in metrics["good_faith"]["accounts"].items()
])
standing

# %% [markdown]
# ## The trend: 12 months of headline figures

# %%
inputs = load_metric_inputs(con, AS_OF)  # the whole store as known at AS_OF: the queues need it
facts = complaint_item_facts(inputs.items, inputs.events, inputs.exchange_rates, AS_OF)
trend = monthly_trend(facts, LAST_MONTH, 12, TIMEZONE)
px.line(trend.to_pandas(), x="month", y=["takedown_rate", "handled_within_24h_rate", "counter_notice_success_rate"],
        title="Rates by month of submission", markers=True).show()
trend.select("month", "submitted", "removed", "takedown_rate", "takedown_rate_change", "value_removed_usd")

# %% [markdown]
# ## Work queues
# Counter-notices waiting for the brand's answer (the earliest deadline first):

# %%
counter_notices_awaiting_response(facts, AS_OF).head(20)

# %% [markdown]
# The high-risk backlog: listings detected and not reported yet, the riskiest first.

# %%
high_risk_backlog(inputs.listings, facts, inputs.exchange_rates, AS_OF).head(20)

# %% [markdown]
# Repeat offenders, with the ones never hit by a storefront complaint flagged as candidates:

# %%
repeat_offenders_queue(facts, inputs.listings, AS_OF).head(20)

# %% [markdown]
# Rights expiring within 90 days, and complaints filed on a right that was expired or not verified:

# %%
expiring_rights(inputs.rights, facts, AS_OF)

# %%
complaint_items_on_weak_rights(facts, inputs.rights).head(20)
