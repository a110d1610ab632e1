"""One function per report section: each returns tidy frames from what the report read (report.data).

Figures that `takedown metrics --json` also prints are read from `data.metrics` (that JSON, built
from the report's snapshot), never recomputed; the rest come from the snapshot's own functions, the
trend and queues the report read, and the metrics library (projection, networks, effectiveness).
"""

from __future__ import annotations

import polars as pl


from takedown.metrics.effectiveness import complaint_effectiveness
from takedown.metrics.kpis import cohort
from takedown.metrics.networks import SELLER, network_members, seller_networks
from takedown.metrics.projection import good_faith_projection, with_removals_needed_text
from takedown.metrics.registry import metric
from takedown.prediction.expected import with_expected_takedown_rate
from takedown.report.data import ReportData, compared_months

# The headline figures of the report's first page, in the order shown.
HEADLINE = (
    "submitted", "removed", "rejected", "restored", "pending", "takedown_rate", "median_hours_to_removal",
    "handled_within_24h_rate", "counter_notices", "counter_notice_success_rate", "missed_counter_notice_responses",
    "value_removed_usd",
)
PLATFORM_METRICS = ("submitted", "removed", "takedown_rate", "median_hours_to_removal", "handled_within_24h_rate",
                    "counter_notice_success_rate", "value_removed_usd")
# Enough rows for a page; the workbook holds them all.
TOP_ROWS = 15


def formatted(name: str, value: object) -> str:
    """A figure of metric `name` as the registry shows it to a person."""
    return metric(name).format(value)


def headline_figures(data: ReportData) -> pl.DataFrame:
    """One row per headline metric: metric, label, this_month (the metrics JSON's), previous_month,
    same_month_last_year (each that month's cohort as of the same instant), and each as text."""
    previous, last_year = compared_months(data.month)
    earlier = {key: data.totals(label).row(0, named=True)
               for key, label in (("previous_month", previous), ("same_month_last_year", last_year))}
    totals = data.metrics["totals"]
    rows = [{"metric": name, "label": metric(name).label, "this_month": totals[name],  # type: ignore[index]
             "previous_month": earlier["previous_month"][name],
             "same_month_last_year": earlier["same_month_last_year"][name]} for name in HEADLINE]
    return pl.DataFrame(rows, schema={"metric": pl.String, "label": pl.String, "this_month": pl.Float64,
                                      "previous_month": pl.Float64, "same_month_last_year": pl.Float64}).with_columns(
        pl.struct("metric", column).map_elements(lambda row, column=column: formatted(row["metric"], row[column]),
                                                 return_dtype=pl.String).alias(f"{column}_text")
        for column in ("this_month", "previous_month", "same_month_last_year"))


def good_faith_accounts(data: ReportData) -> pl.DataFrame:
    """Good-Faith standing per account (the metrics JSON's): the two rates, at_risk and the reasons at risk."""
    accounts = data.metrics["good_faith"]["accounts"]  # type: ignore[index]
    rows = [{"account": account, "takedown_rate": figures["takedown_rate"],
             "counter_notice_success_rate": figures["counter_notice_success_rate"], "at_risk": figures["at_risk"],
             "reasons_at_risk": ", ".join(reason for reason, by_reason in figures["by_reason"].items()
                                          if by_reason["at_risk"])}
            for account, figures in accounts.items()]
    return pl.DataFrame(rows, schema={"account": pl.String, "takedown_rate": pl.Float64,
                                      "counter_notice_success_rate": pl.Float64, "at_risk": pl.Boolean,
                                      "reasons_at_risk": pl.String})


def good_faith_reasons(data: ReportData) -> pl.DataFrame:
    """Good-Faith standing per account and reason (the metrics JSON's)."""
    accounts = data.metrics["good_faith"]["accounts"]  # type: ignore[index]
    rows = [{"account": account, "reason": reason, **{key: figures[key] for key in
                                                       ("takedown_rate", "counter_notice_success_rate", "at_risk")}}
            for account, standing in accounts.items() for reason, figures in standing["by_reason"].items()]
    return pl.DataFrame(rows, schema={"account": pl.String, "reason": pl.String, "takedown_rate": pl.Float64,
                                      "counter_notice_success_rate": pl.Float64, "at_risk": pl.Boolean})


def projection(data: ReportData) -> pl.DataFrame:
    """The Good-Faith projection per account over the month's window (projection.good_faith_projection),
    with removals_needed_text (projection.removals_needed_text: "out of reach" when null) and the
    expected takedown rate with its interval from the pending items' probabilities
    (prediction.expected.with_expected_takedown_rate; null without a model)."""
    def compute() -> pl.DataFrame:
        facts, window = data.facts(), data.window
        projected = with_removals_needed_text(good_faith_projection(facts, window, data.snapshot.settings))
        return with_expected_takedown_rate(projected, cohort(facts, window), data.window_probabilities)

    return data.once("projection", compute)


def reason_projection(data: ReportData) -> pl.DataFrame:
    """The Good-Faith projection per account and reason, each from its own items of the window (pending,
    best, worst, removals needed: the reason's, never its account's), with removals_needed_text."""
    return data.once("reason_projection", lambda: with_removals_needed_text(
        good_faith_projection(data.facts(), data.window, data.snapshot.settings, by=("account", "reason"))))


def reasons_at_risk(data: ReportData) -> pl.DataFrame:
    """The reasons at Good-Faith risk (the metrics JSON's) with the projection of their own items of the window
    (reason_projection): account, reason, the two rates, pending, best and worst takedown rates,
    removals_needed, removals_needed_text, counter_notice_headroom."""
    outlook = reason_projection(data).select("account", "reason", "pending", "best_takedown_rate",
                                             "worst_takedown_rate", "removals_needed", "removals_needed_text",
                                             "counter_notice_headroom")
    return (good_faith_reasons(data).filter(pl.col("at_risk")).drop("at_risk")
            .join(outlook, on=["account", "reason"], how="left", maintain_order="left"))


def trend(data: ReportData) -> pl.DataFrame:
    """The 12 calendar months ending with the report's month (Snapshot.trend's frame: data.trend)."""
    return data.trend


def platforms(data: ReportData) -> pl.DataFrame:
    """The month per platform side by side (the metrics JSON's by_platform)."""
    by_platform = data.metrics["by_platform"]  # type: ignore[index]
    rows = [{"platform": platform, **{name: figures[name] for name in PLATFORM_METRICS}}
            for platform, figures in by_platform.items()]
    schema = {"platform": pl.String, **{name: pl.Float64 for name in PLATFORM_METRICS}}
    return pl.DataFrame(rows, schema=schema)


def seller_names(data: ReportData, sellers: pl.DataFrame) -> pl.DataFrame:
    """One seller name per seller of `sellers` (platform, seller_id): the one on its latest detected listing
    that has a name (the latest listing_id among listings detected at the same instant)."""
    seller = ["platform", "seller_id"]
    listings = data.listings.select("platform", "listing_id", "seller_id", "detected_at")
    listings = (listings.join(sellers.select(seller), on=seller, how="semi")
                .sort("detected_at", "listing_id"))
    # The text of each seller's latest listing only; a seller whose latest listing has no name tries
    # its next latest (rarely more than one round), so text is fetched for about one listing per seller.
    found = []
    while not listings.is_empty():
        latest = listings.group_by(seller).last()
        named = data.listings_with_text(latest).filter(pl.col("seller_name").is_not_null())
        found.append(named.select(*seller, "seller_name"))
        listings = (listings.join(named.select(seller), on=seller, how="anti")
                    .join(latest.select("platform", "listing_id"), on=["platform", "listing_id"], how="anti"))
    if not found:
        return pl.DataFrame(schema={"platform": pl.String, "seller_id": pl.String, "seller_name": pl.String})
    return pl.concat(found)


def repeat_offenders(data: ReportData) -> pl.DataFrame:
    """The repeat offenders (Snapshot.repeat_offenders_queue of the whole store) with their seller name, most
    removed first."""
    def compute() -> pl.DataFrame:
        offenders = data.repeat_offenders_queue()
        return offenders.join(seller_names(data, offenders), on=["platform", "seller_id"], how="left",
                              maintain_order="left")
    return data.once("repeat_offenders", compute)


def networks(data: ReportData) -> pl.DataFrame:
    """Seller networks (networks.seller_networks) over the store's listings detected by the report's as-of, with
    the facts of their members' items only."""
    def compute() -> pl.DataFrame:
        listings = data.listings_with_text().filter(pl.col("detected_at") <= data.snapshot.as_of)
        members = network_members(listings)
        return seller_networks(listings, data.item_facts(members.select(SELLER).unique()), members=members)
    return data.once("networks", compute)


def effectiveness(data: ReportData) -> pl.DataFrame:
    """Complaint effectiveness over the month's Good-Faith window (effectiveness.complaint_effectiveness)."""
    return complaint_effectiveness(data.facts(), data.window)
