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
# # Predicted success: can the probabilities be trusted?
#
# The probability that a complaint item ends `removed`, from what was known when it was filed
# (`takedown predict`; the metric dictionary's "Predicted success"). The model is checked on the
# latest decided items, which it never saw: Brier score and log loss against the base rate and the
# account-by-reason rate, the expected calibration error, and the reliability diagram. Every number
# comes from `takedown.prediction`, the same functions the CLI and the dashboard's Model page call.
# The store is `$TAKEDOWN_DB`, else `data/takedown.duckdb`; the as-of instant is set below.

# %%
import os

import polars as pl

from takedown.config import resolve_db_path
from takedown.metrics import Filters, month_period, parse_instant, round_as_of, utc_now
from takedown.metrics.periods import month_label, month_of
from takedown.prediction.charts import reliability_figure, reliability_frame
from takedown.prediction.features import load_filing_features
from takedown.prediction.registry import predict_items, training_for
from takedown.prediction.summary import describe_training, probabilities_by
from takedown.store import Reader

TIMEZONE = os.environ.get("TAKEDOWN_TZ", "UTC")
# As of now (to the minute), unless TAKEDOWN_AS_OF fixes the instant (ISO 8601) for a reproducible run.
AS_OF = parse_instant(os.environ["TAKEDOWN_AS_OF"], TIMEZONE) if os.environ.get("TAKEDOWN_AS_OF") else round_as_of(
    utc_now())
MONTH = month_label(*month_of(AS_OF, TIMEZONE))
FILTERS = Filters()

db_path = resolve_db_path(None)
con = Reader(db_path).cursor()
print(f"store: {db_path}")
# The store's newest model trained as of <= AS_OF, else one trained now in memory.
training = training_for(con, AS_OF)
print(describe_training(training))

# %% [markdown]
# ## Scores on the latest decided items
# Lower is better for both scores; the model is worth using when it beats both baselines.

# %%
pl.DataFrame([{"score": name, "value": value} for name, value in training.scores.items()])

# %% [markdown]
# ## Reliability diagram
# A calibrated model's points lie on the diagonal: of the items given 0.8, eight in ten were removed.

# %%
if training.model is None:
    print("No reliability diagram:", training.unavailable)
else:
    reliability_figure(reliability_frame(training.reliability)).show()

# %% [markdown]
# ## This month's items, per platform and reason

# %%
period = month_period(MONTH, TIMEZONE)
_, predictions = predict_items(con, AS_OF, period.start, period.end, FILTERS, training=training)
print(f"{predictions.height:,} items submitted in {MONTH}")
probabilities_by(predictions, "platform")

# %%
probabilities_by(predictions, "reason")

# %% [markdown]
# ## What the model sees of an item: its features at filing
# Nothing here is dated after the item's submission (or after AS_OF); see the dictionary's as-of rule.

# %%
load_filing_features(con, AS_OF, period.start, period.end, FILTERS).drop("title", "words").head(5)
