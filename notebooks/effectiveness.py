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
# # Complaint effectiveness
#
# Which reason x IPR type x platform combinations get listings taken down, and which invite successful
# counter-notices, per IPP account, over last month's Good-Faith window. Each rate comes with a 95%
# Wilson interval, so a combination with three complaints does not look like a crisis; the ones whose whole
# interval is worse than their account's rate are flagged `markedly_worse`. Same function as `takedown report`
# (`takedown.metrics.effectiveness.complaint_effectiveness`). The store is `$TAKEDOWN_DB`.

# %%
import os

import plotly.express as px
import polars as pl

from takedown.config import Settings, resolve_db_path
from takedown.metrics import load_snapshot, month_period, parse_instant, round_as_of, utc_now
from takedown.metrics.effectiveness import complaint_effectiveness
from takedown.metrics.periods import month_label, month_of, shift_month
from takedown.store import Reader

TIMEZONE = os.environ.get("TAKEDOWN_TZ", "UTC")
AS_OF = parse_instant(os.environ["TAKEDOWN_AS_OF"], TIMEZONE) if os.environ.get("TAKEDOWN_AS_OF") else round_as_of(
    utc_now())
LAST_MONTH = month_label(*shift_month(*month_of(AS_OF, TIMEZONE), -1))

con = Reader(resolve_db_path(None)).cursor()
snapshot = load_snapshot(con, AS_OF, settings=Settings(report_timezone=TIMEZONE))
WINDOW = snapshot.good_faith_window(month_period(LAST_MONTH, TIMEZONE))
print(f"store: {resolve_db_path(None)}; Good-Faith window {WINDOW.start:%Y-%m-%d} to {WINDOW.end:%Y-%m-%d}, "
      f"as of {AS_OF:%Y-%m-%d %H:%M} UTC")

# %%
effectiveness = complaint_effectiveness(snapshot.facts, WINDOW)
effectiveness.head(20)

# %% [markdown]
# ## The combinations that do markedly worse than their account

# %%
worse = effectiveness.filter(pl.col("markedly_worse"))
worse

# %% [markdown]
# Takedown rate per combination with its interval; the account's rate is the grey tick.

# %%
shown = (effectiveness.filter(pl.col("decided") > 0)
         .with_columns(pl.concat_str("reason", "ipr_type", "platform", separator=" / ").alias("combination"),
                       (pl.col("takedown_rate_high") - pl.col("takedown_rate")).alias("above"),
                       (pl.col("takedown_rate") - pl.col("takedown_rate_low")).alias("below"))
         .sort("takedown_rate").head(25))
figure = px.scatter(shown.to_pandas(), x="takedown_rate", y="combination", color="account", error_x="above",
                    error_x_minus="below", title="Takedown rate with its 95% interval (the 25 lowest)")
figure.add_scatter(x=shown.get_column("account_takedown_rate").to_list(), y=shown.get_column("combination").to_list(),
                   mode="markers", marker={"symbol": "line-ns-open", "color": "grey", "size": 12}, name="account")
figure.update_xaxes(tickformat=".0%").show()
