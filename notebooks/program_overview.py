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

from takedown.config import Settings, resolve_db_path
from takedown.metrics import Filters, load_snapshot, metrics_json, month_period, parse_instant, round_as_of, utc_now
from takedown.metrics.periods import month_label, month_of, shift_month
from takedown.store import Reader

TIMEZONE = os.environ.get("TAKEDOWN_TZ", "UTC")
# As of now (to the minute), unless TAKEDOWN_AS_OF fixes the instant (ISO 8601) for a reproducible run.
AS_OF = parse_instant(os.environ["TAKEDOWN_AS_OF"], TIMEZONE) if os.environ.get("TAKEDOWN_AS_OF") else round_as_of(
    utc_now())
LAST_MONTH = month_label(*shift_month(*month_of(AS_OF, TIMEZONE), -1))
PERIOD = month_period(LAST_MONTH, TIMEZONE)
# Narrow every figure below to one platform, brand, account, reason or ipr_type, e.g. Filters(platform="taobao").
FILTERS = Filters()

con = Reader(resolve_db_path(None)).cursor()
# The one snapshot every figure, trend and queue below comes from: the whole store as known at AS_OF.
snapshot = load_snapshot(con, AS_OF, FILTERS, settings=Settings(report_timezone=TIMEZONE))
print(f"store: {resolve_db_path(None)}; month {LAST_MONTH} in {TIMEZONE}, as of {AS_OF:%Y-%m-%d %H:%M} UTC")

# %% [markdown]
# ## Last month, as `takedown metrics --month` reports it

# %%
snapshot.totals(PERIOD).transpose(include_header=True, header_name="metric", column_names=["value"])

# %%
snapshot.breakdown(PERIOD, "platform").select(
    "platform", "submitted", "removed", "takedown_rate", "median_hours_to_removal", "handled_within_24h_rate",
    "counter_notice_success_rate", "value_removed_usd",
)

# %% [markdown]
# The rows behind a figure (here: last month's removed items on the busiest platform) add up to it:

# %%
busiest = snapshot.breakdown(PERIOD, "platform").sort("submitted", descending=True).get_column("platform")[0]
snapshot.rows(PERIOD, "removed", by=("platform", busiest)).head(10)

# %% [markdown]
# ## Good-Faith standing over the 3 months ending with last month

# %%
snapshot.good_faith(PERIOD)

# %%
snapshot.good_faith_by_reason(PERIOD).filter(pl.col("at_risk"))

# %% [markdown]
# ## The trend: 12 months of headline figures

# %%
trend = snapshot.trend(LAST_MONTH, 12)
px.line(trend.to_pandas(), x="month", y=["takedown_rate", "handled_within_24h_rate", "counter_notice_success_rate"],
        title="Rates by month of submission", markers=True).show()
trend.select("month", "submitted", "removed", "takedown_rate", "takedown_rate_change", "value_removed_usd")

# %%
by_platform = snapshot.trend(LAST_MONTH, 12, metrics=["takedown_rate"], by="platform")
px.line(by_platform.to_pandas(), x="month", y="takedown_rate", color="platform", title="Takedown rate by platform",
        markers=True).show()

# %% [markdown]
# ## Work queues
# Counter-notices waiting for the brand's answer (the earliest deadline first):

# %%
snapshot.counter_notices_awaiting_response().head(20)

# %% [markdown]
# The high-risk backlog: listings detected and not reported yet, the riskiest first.

# %%
snapshot.high_risk_backlog().head(20)

# %% [markdown]
# Repeat offenders, with the ones never hit by a storefront complaint flagged as candidates:

# %%
snapshot.repeat_offenders_queue().head(20)

# %% [markdown]
# Rights expiring within 90 days, and complaints filed on a right that was expired or not verified:

# %%
snapshot.expiring_rights()

# %%
snapshot.complaint_items_on_weak_rights().head(20)

# %% [markdown]
# SPEC's JSON object for the month, built from the same snapshot (what `takedown metrics --json` prints):

# %%
metrics = metrics_json(snapshot, PERIOD)
{key: metrics[key] for key in ("period", "as_of", "timezone", "repeat_offenders")}
