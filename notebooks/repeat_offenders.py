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
# # Repeat offenders and seller networks
#
# Who keeps coming back: the sellers with three or more listings removed in a year, and the networks of
# sellers that share a name, a storefront, images or listing pages, prices or titles. Every figure comes from
# `takedown.metrics` (the snapshot, `networks.seller_networks`), the functions behind `takedown report`.
# The store is `$TAKEDOWN_DB`, else `data/takedown.duckdb` (run `make demo` first).

# %%
import os

import plotly.express as px
import polars as pl

from takedown.config import Settings, resolve_db_path
from takedown.metrics import load_snapshot, parse_instant, round_as_of, utc_now
from takedown.metrics.inputs import load_listings_and_rights
from takedown.metrics.snapshot import plain
from takedown.metrics.networks import network_members, seller_networks
from takedown.sql import load_query
from takedown.store import Reader

TIMEZONE = os.environ.get("TAKEDOWN_TZ", "UTC")
# As of now (to the minute), unless TAKEDOWN_AS_OF fixes the instant (ISO 8601) for a reproducible run.
AS_OF = parse_instant(os.environ["TAKEDOWN_AS_OF"], TIMEZONE) if os.environ.get("TAKEDOWN_AS_OF") else round_as_of(
    utc_now())

con = Reader(resolve_db_path(None)).cursor()
snapshot = load_snapshot(con, AS_OF, settings=Settings(report_timezone=TIMEZONE))
# Every listing detected by then, with its text (a snapshot holds only the backlog's listings) and the
# product photo when its export carried one (the networks compare photos).
images = con.sql(load_query("report/listing_images")).pl()
listings = (plain(load_listings_and_rights(con)[0]).filter(pl.col("detected_at") <= AS_OF)
            .join(images, on=["platform", "listing_id"], how="left"))
print(f"store: {resolve_db_path(None)}; as of {AS_OF:%Y-%m-%d %H:%M} UTC")

# %% [markdown]
# ## Repeat offenders
# The SPEC figures (count and share of removed listing items), then the sellers, most removals first;
# `storefront_candidate` marks those never hit by a storefront complaint: the next step up.

# %%
snapshot.repeat_offender_figures()

# %%
offenders = snapshot.repeat_offenders_queue()
offenders.head(20)

# %%
px.histogram(offenders.to_pandas(), x="removed_listings", color="storefront_candidate", nbins=30,
             title="Repeat offenders by listings removed in the past year").show()

# %% [markdown]
# ## Seller networks
# Sellers one operator runs, linked by evidence of it: one storefront id on two platforms, one product photo,
# one listing page, or a distinctive shop name; never a price or a title (the metric dictionary lists the
# rules). Each network with its listings, removals and relists after takedown, the biggest by removals
# first. A linked group of more than 50 sellers is too large to act on: counted apart, not a network.

# %%
networks = seller_networks(listings, snapshot.facts)
too_large = networks.filter(pl.col("too_large_to_act_on"))
networks = networks.filter(~pl.col("too_large_to_act_on"))
print(f"{networks.height} networks of two or more sellers; {too_large.height} linked groups too large to act on")
networks.head(20)

# %% [markdown]
# The sellers of the network with most removals, and what linked them:

# %%
members = network_members(listings).filter(~pl.col("too_large_to_act_on"))
if networks.height:
    top = networks.get_column("network_id")[0]
    display(members.filter(pl.col("network_id") == top))  # noqa: F821 (IPython's display)

# %%
if networks.height:
    px.scatter(networks.to_pandas(), x="sellers", y="removed_listings", size="listings",
               color="relists_after_takedown", hover_name="network_id", title="Networks: size and removals").show()
