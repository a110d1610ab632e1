"""What changed since last month: the report's first page in a few sentences, each built from figures.

The movements come from the headline table (sections.headline_figures: this month against the
previous one, both seen as of the report's instant); the standings from Good-Faith standing over
this month's window and over the previous month's; the new repeat offenders from the snapshot's
repeat offenders and the removals of their own items. Nothing is worded unless a figure says it.
"""

from __future__ import annotations

import polars as pl

from takedown.metrics.periods import month_period
from takedown.metrics.registry import format_percent, metric
from takedown.metrics.repeat_offenders import SELLER, removed_listing_items
from takedown.report import sections
from takedown.report.data import ReportData

# The headline movements told: the three largest relative changes (the table below shows them all).
MOVEMENTS = 3
CHANGE_SCHEMA = {"topic": pl.String, "sentence": pl.String}


def _movement(row: dict[str, object]) -> tuple[float, str] | None:
    """(size, sentence) of one headline row's change from the previous month; None when it cannot be told."""
    now, before = row["this_month"], row["previous_month"]
    if now is None or before is None or now == before or before == 0:
        return None
    name = str(row["metric"])
    entry = metric(name)
    verb = "rose" if now > before else "fell"  # type: ignore[operator]
    if entry.unit == "fraction":
        change = f"{(now - before) * 100:+.1f} points"  # type: ignore[operator]
    else:
        change = f"{(now - before) / abs(before):+.1%}"  # type: ignore[operator, arg-type]
    size = abs((now - before) / before)  # type: ignore[operator]
    # A bare status ("rejected") reads as an item count: "Rejected items rose ...".
    label = f"{entry.label} items" if entry.label.isalpha() and not entry.label.endswith("s") else entry.label
    return size, f"{label[0].upper()}{label[1:]} {verb} from {entry.format(before)} to {entry.format(now)} ({change})."


def largest_movements(data: ReportData, count: int = MOVEMENTS) -> list[str]:
    """The `count` headline figures that moved most from the previous month (relative change), as sentences."""
    told = [told for row in sections.headline_figures(data).iter_rows(named=True)
            if (told := _movement(row)) is not None]
    return [sentence for _, sentence in sorted(told, key=lambda pair: -pair[0])[:count]]


def platform_movement(data: ReportData) -> list[str]:
    """The platform whose takedown rate moved most (in points) from the previous month, when one moved."""
    previous, _ = sections.compared_months(data.month)
    before = {row["platform"]: row["takedown_rate"] for row in data.snapshot.breakdown(
        month_period(previous, data.snapshot.timezone), "platform").iter_rows(named=True)}
    moves = [(abs(now - before[platform]), platform, before[platform], now)
             for platform, figures in data.metrics["by_platform"].items()  # type: ignore[union-attr]
             if (now := figures["takedown_rate"]) is not None and before.get(platform) is not None]
    if not moves or max(moves)[0] == 0:
        return []
    _, platform, was, now = max(moves)
    verb = "rose" if now > was else "fell"
    return [f"Of the platforms, {platform}'s takedown rate moved most: it {verb} from {format_percent(was)} to "
            f"{format_percent(now)} ({(now - was) * 100:+.1f} points)."]


def standing_changes(data: ReportData) -> list[str]:
    """Accounts whose Good-Faith standing differs between this month's window and the previous month's."""
    previous, _ = sections.compared_months(data.month)
    snapshot = data.snapshot
    earlier = {row["account"]: row for row in snapshot.good_faith(month_period(previous, snapshot.timezone)).to_dicts()}
    now = {row["account"]: row for row in sections.good_faith_accounts(data).to_dicts()}
    sentences = []
    for account, row in now.items():
        before = earlier.get(account)
        was = None if before is None else bool(before["at_risk"])
        if was == row["at_risk"]:
            continue
        rates = (f"takedown rate {format_percent(row['takedown_rate'])}, counter-notice success "
                 f"{format_percent(row['counter_notice_success_rate'])}")
        if row["at_risk"]:
            since = "new this window" if before is None else (
                f"in good standing over the window ending {previous} at {format_percent(before['takedown_rate'])}")
            sentences.append(f"{account} is now at Good-Faith risk ({rates}; {since}).")
        elif was:
            sentences.append(f"{account} is back in good standing ({rates}; at risk over the window ending {previous}).")
    for account in sorted(set(earlier) - set(now)):
        sentences.append(f"{account} has no items in this window (it had over the window ending {previous}).")
    if not sentences:
        risky = sum(1 for row in now.values() if row["at_risk"])
        sentences.append(f"No account changed Good-Faith standing: {risky} of {len(now)} at risk, as over the "
                         f"window ending {previous}.")
    return sentences


def outlooks(data: ReportData, reasons_named: int = 3) -> list[str]:
    """Per account at risk, where its window can still end, overall and for its reasons at risk
    (sections.projection and sections.reasons_at_risk), in the projection's words."""
    at_risk = set(sections.good_faith_accounts(data).filter(pl.col("at_risk")).get_column("account").to_list())
    reasons = sections.reasons_at_risk(data)
    sentences = []
    for row in sections.projection(data).iter_rows(named=True):
        if row["account"] not in at_risk:
            continue
        own = reasons.filter(pl.col("account") == row["account"]).sort("removals_needed", nulls_last=False)
        named = ", ".join(f"{reason['reason']} ({reason['removals_needed_text']})"
                          for reason in own.head(reasons_named).iter_rows(named=True))
        more = f" and {own.height - reasons_named:,} more" if own.height > reasons_named else ""
        sentences.append(
            f"{row['account']}: removals needed overall {row['removals_needed_text']} ({row['pending']:,} items "
            f"pending; best case {format_percent(row['best_takedown_rate'])}); reasons at risk, removals needed: "
            f"{named}{more}.")
    return sentences


def new_repeat_offenders(data: ReportData) -> pl.DataFrame:
    """The repeat offenders whose threshold-th removed listing (still removed, in the window) was first removed
    in the report's month: platform, seller_id, removed_listings, reached_at. Most removed first."""
    snapshot, settings = data.snapshot, data.snapshot.settings
    offenders = snapshot.repeat_offenders()
    # The facts the rule below reads: the items of the offenders' removed listings of the repeat window (by
    # seller, listing and submission: every item those rows name), which the snapshot already holds.
    named = (snapshot.repeat_window_removed_items().join(offenders.select(SELLER), on=SELLER, how="semi")
             .select(*SELLER, "listing_id", "submitted_at").unique())
    facts = data.item_facts(named)
    removed = removed_listing_items(facts, snapshot.as_of, settings).join(offenders.select(SELLER), on=SELLER,
                                                                          how="semi")
    firsts = (facts.select(*SELLER, "listing_id", "submitted_at", "first_removed_at")
              .join(removed.select(*SELLER, "listing_id", "submitted_at").unique(),
                    on=[*SELLER, "listing_id", "submitted_at"], how="semi")
              .group_by(*SELLER, "listing_id").agg(pl.col("first_removed_at").min()))
    reached = (firsts.sort("first_removed_at", nulls_last=True).group_by(SELLER)
               .agg(pl.col("first_removed_at").get(settings.repeat_offender_threshold - 1).alias("reached_at")))
    period = data.period
    return (offenders.join(reached, on=SELLER, how="inner", maintain_order="left")
            .filter((pl.col("reached_at") >= period.start) & (pl.col("reached_at") < period.end))
            .select(*SELLER, "removed_listings", "reached_at"))


def repeat_offender_changes(data: ReportData) -> list[str]:
    """How many sellers became repeat offenders in the month, of how many, and the one with most removals."""
    figures = data.metrics["repeat_offenders"]  # type: ignore[index]
    new = new_repeat_offenders(data)
    threshold, days = figures["threshold"], figures["window_days"]
    if new.is_empty():
        return [f"No seller became a repeat offender in {data.month}; {figures['count']:,} in all."]
    top = new.row(0, named=True)
    return [f"{new.height:,} sellers became repeat offenders in {data.month} (they reached {threshold} removed "
            f"listings in {days} days this month), {figures['count']:,} in all; the most removed of them: "
            f"{top['seller_id']} on {top['platform']}, {top['removed_listings']:,} removed listings."]


def what_changed(data: ReportData) -> pl.DataFrame:
    """What changed since last month, one sentence a row: topic (movement, standing, outlook, repeat offenders),
    sentence."""
    rows = [*({"topic": "movement", "sentence": sentence} for sentence in largest_movements(data)),
            *({"topic": "movement", "sentence": sentence} for sentence in platform_movement(data)),
            *({"topic": "standing", "sentence": sentence} for sentence in standing_changes(data)),
            *({"topic": "outlook", "sentence": sentence} for sentence in outlooks(data)),
            *({"topic": "repeat offenders", "sentence": sentence} for sentence in repeat_offender_changes(data))]
    return pl.DataFrame(rows, schema=CHANGE_SCHEMA)
