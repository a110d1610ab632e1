# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # The monthly Good-Faith call report
#
# Every section of `takedown report`, computed by the same functions (`takedown.report.sections`,
# `takedown.report.escalations`) from one snapshot, to explore before the call. Set the month in the
# parameters cell (papermill: `-p MONTH 2026-10`); `OUT` writes the report's three files as the command does.

# %% tags=["parameters"]
MONTH = None  # YYYY-MM; None: last month
AS_OF = None  # ISO 8601; None: $TAKEDOWN_AS_OF, else now
TIMEZONE = "UTC"
OUT = None  # a folder to write report.html, report.pdf and escalations.xlsx into; None: only show

# %%
import os
from pathlib import Path

from takedown.config import resolve_db_path
from takedown.metrics import parse_instant, round_as_of, utc_now
from takedown.metrics.periods import month_label, month_of, shift_month
from takedown.report import changes, charts, escalations, sections
from takedown.report.build import write_report
from takedown.report.data import load_report_data
from takedown.store import Reader

as_of_text = AS_OF or os.environ.get("TAKEDOWN_AS_OF")
as_of = parse_instant(as_of_text, TIMEZONE) if as_of_text else round_as_of(utc_now())
month = MONTH or month_label(*shift_month(*month_of(as_of, TIMEZONE), -1))
con = Reader(resolve_db_path(None)).cursor()
data = load_report_data(con, month, as_of, TIMEZONE)
settings = data.snapshot.settings
print(f"store: {resolve_db_path(None)}; report of {month} in {TIMEZONE}, as of {as_of:%Y-%m-%d %H:%M} UTC; "
      f"{'has data' if data.has_data else 'no complaint items in the month or its Good-Faith window'}")

# %% [markdown]
# ## Headline figures against the previous month and the same month last year

# %%
sections.headline_figures(data).select("label", "this_month_text", "previous_month_text", "same_month_last_year_text")

# %% [markdown]
# ## What changed since last month (page 1's sentences, each from the figures)

# %%
for sentence in changes.what_changed(data).get_column("sentence"):
    print(sentence)

# %% [markdown]
# ## Good-Faith standing and the projection

# %%
accounts = sections.good_faith_accounts(data)
charts.good_faith_chart(accounts, settings).show()
accounts

# %%
sections.projection(data)

# %%
sections.reasons_at_risk(data)

# %% [markdown]
# ## The 12-month trend and the platforms

# %%
charts.trend_chart(sections.trend(data), settings).show()
charts.platforms_chart(sections.platforms(data), settings).show()
sections.platforms(data)

# %% [markdown]
# ## Repeat offenders, seller networks, and what does not work

# %%
sections.repeat_offenders(data).head(15)

# %%
sections.networks(data).head(10)

# %%
sections.effectiveness(data).filter("markedly_worse")

# %% [markdown]
# ## Open escalations: the rows of escalations.xlsx, ranked; the report shows each sheet's first rows

# %%
sheets = escalations.escalation_sheets(data)
for section in escalations.agenda(data, sheets):
    print(f"{section.name}: {section.rows.height:,} rows. {section.scope} Ranked: {section.ranking}")

# %%
sheets["Rejected to contest"].head(settings.report_agenda_rows)

# %%
if OUT:
    files = write_report(data, Path(OUT))
    print(files)
