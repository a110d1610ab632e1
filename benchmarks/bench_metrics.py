"""Metrics benchmark: the engine against hand-written DuckDB SQL (the floor) and a plain pandas version.

    uv run python benchmarks/bench_metrics.py [--sizes 1000000 10000000] [--repeat 3]

For each size N it takes the store of N complaint items over 24 months with their listings and
outcome events that benchmarks/generate.py writes with DuckDB SQL (fast, deterministic, cached under
benchmarks/out/), then runs, side by side in one run, each variant in its own fresh process:
  sql     - one hand-written DuckDB query for the month's totals and by_platform (the floor)
  engine  - takedown.metrics computing just those: load_metric_inputs for the month, then
            complaint_item_facts and cohort_summary(totals, by_platform)
  pandas  - what an analyst would write today: the tables read into pandas DataFrames, the month
            picked out, then sort/groupby/merge for the same figures
  pandas_sql - the same pandas code on rows DuckDB has already filtered to the month (shown for
            fairness: it is the pandas variant with the engine's I/O)
  cli     - the full `takedown metrics --month ... --json` (every breakdown, the 365-day repeat
            offenders and the 3-month Good-Faith window), as a user runs it
Compute seconds are timed inside each process from opening the store to holding the figures
(median of --repeat runs); the cli row is the command's whole wall time, start-up included. Peak
memory is each process's max RSS (os.wait4), which counts DuckDB's and Arrow's memory too.
The figures of sql, engine, pandas and pandas_sql are compared and must agree.
Targets (issue 3): engine within 2x of sql, at least 5x faster than pandas, peak memory < 4 GB at 10M.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import statistics
import sys
import time
from pathlib import Path

from common import measured
from generate import ensure_data, store_path

MONTH = "2026-10"
AS_OF = "2026-11-01T00:00:00Z"
PERIOD_START = dt.datetime(2026, 10, 1)
PERIOD_END = dt.datetime(2026, 11, 1)
AS_OF_UTC = dt.datetime(2026, 11, 1)
WINDOW_HOURS = 72
METRICS = ("submitted", "removed", "rejected", "restored", "withdrawn", "pending", "takedown_rate",
           "median_hours_to_removal", "handled_within_24h_rate", "counter_notices", "counter_notice_rate",
           "successful_counter_notices", "counter_notice_success_rate", "missed_counter_notice_responses",
           "value_removed_usd", "value_unknown_items")

# --- the floor: one hand-written DuckDB query for the month's totals and by_platform ---

FLOOR_SQL = """
with items as (
    select complaint_id, listing_id, platform, submitted_at
    from complaint_items
    where submitted_at >= $start and submitted_at < $end and submitted_at <= $as_of
),
events as (
    select complaint_id, listing_id, event, occurred_at,
        list_position(['counter_notice', 'counter_notice_rejected', 'counter_notice_accepted', 'withdrawn',
                       'rejected', 'removed', 'restored'], event) as tie_rank
    from outcome_events semi join items using (complaint_id, listing_id)
    where occurred_at <= $as_of
),
per_item as (
    select complaint_id, listing_id,
        arg_max(event, epoch_us(occurred_at) * 8 + tie_rank) as last_event,
        min(occurred_at) filter (where event = 'removed') as first_removed_at,
        min(occurred_at) filter (where event in ('removed', 'rejected')) as first_decision_at,
        bool_or(event = 'counter_notice') as has_counter_notice
    from events group by complaint_id, listing_id
),
notices as (
    select complaint_id, listing_id, occurred_at as noticed_at from events
    where event = 'counter_notice' and occurred_at + to_hours($window) <= $as_of
),
missed as (
    select complaint_id, listing_id, count(*) as missed from notices
    where not exists (
        select 1 from events as answers
        where answers.complaint_id = notices.complaint_id and answers.listing_id = notices.listing_id
            and answers.event in ('counter_notice_accepted', 'counter_notice_rejected', 'withdrawn')
            and answers.occurred_at between notices.noticed_at and notices.noticed_at + to_hours($window))
    group by complaint_id, listing_id
),
rates as (
    select strptime(month, '%Y-%m') as month, currency, usd_per_unit
    from read_csv($rates, columns = {'month': 'varchar', 'currency': 'varchar', 'usd_per_unit': 'double',
                                     'basis': 'varchar'}, header = true)
),
facts as (
    select items.platform,
        case per_item.last_event
            when 'counter_notice' then 'counter_noticed' when 'counter_notice_rejected' then 'counter_noticed'
            when 'counter_notice_accepted' then 'withdrawn' when 'withdrawn' then 'withdrawn'
            when 'removed' then 'removed' when 'rejected' then 'rejected' when 'restored' then 'restored'
            else 'submitted' end as status,
        epoch_us(per_item.first_removed_at - items.submitted_at) / 3600e6 as hours_to_removal,
        epoch_us(per_item.first_decision_at - items.submitted_at) / 3600e6 as hours_to_decision,
        coalesce(per_item.has_counter_notice, false) as has_counter_notice,
        coalesce(missed.missed, 0) as missed,
        cast(listings.price as double) * listings.units_sold
            * case when listings.currency = 'USD' then 1.0 else rates.usd_per_unit end as value_usd
    from items
    left join per_item using (complaint_id, listing_id)
    left join missed using (complaint_id, listing_id)
    left join listings using (platform, listing_id)
    left join rates on rates.month = date_trunc('month', items.submitted_at) and rates.currency = listings.currency
),
counted as (
    select grouping(platform) as is_total, platform,
        count(*) as submitted,
        count(*) filter (where status = 'removed') as removed,
        count(*) filter (where status = 'rejected') as rejected,
        count(*) filter (where status = 'restored') as restored,
        count(*) filter (where status = 'withdrawn') as withdrawn,
        count(*) filter (where status in ('submitted', 'counter_noticed')) as pending,
        median(hours_to_removal) as median_hours_to_removal,
        count(*) filter (where hours_to_decision <= 24) as handled,
        count(hours_to_decision) as decided,
        count(*) filter (where has_counter_notice) as counter_notices,
        count(*) filter (where has_counter_notice and status in ('restored', 'withdrawn', 'rejected')) as successful,
        sum(missed) as missed_counter_notice_responses,
        coalesce(sum(value_usd) filter (where status = 'removed'), 0) as value_removed_usd,
        count(*) filter (where status = 'removed' and value_usd is null) as value_unknown_items
    from facts
    group by grouping sets ((), (platform))
)
select is_total, platform, submitted, removed, rejected, restored, withdrawn, pending,
    removed / nullif(removed + rejected + restored, 0) as takedown_rate,
    median_hours_to_removal,
    handled / nullif(decided, 0) as handled_within_24h_rate,
    counter_notices, counter_notices / nullif(submitted, 0) as counter_notice_rate,
    successful as successful_counter_notices, successful / nullif(submitted, 0) as counter_notice_success_rate,
    missed_counter_notice_responses, value_removed_usd, value_unknown_items
from counted
"""


def run_sql(db: Path) -> dict:
    import duckdb

    from takedown.config import exchange_rates_path

    con = duckdb.connect(str(db), read_only=True)
    con.execute("set TimeZone = 'UTC'")
    rows = con.sql(FLOOR_SQL, params={"start": PERIOD_START, "end": PERIOD_END, "as_of": AS_OF_UTC,
                                      "window": WINDOW_HOURS, "rates": str(exchange_rates_path())}).fetchall()
    names = ["is_total", "platform", *METRICS]
    figures: dict = {"totals": None, "by_platform": {}}
    for row in rows:
        record = dict(zip(names, row))
        is_total, platform = record.pop("is_total"), record.pop("platform")
        if is_total:
            figures["totals"] = record
        else:
            figures["by_platform"][platform] = record
    con.close()
    return figures


# --- the engine computing just those figures ---

def run_engine(db: Path) -> dict:
    from takedown.metrics import cohort, cohort_summary, complaint_item_facts, load_metric_inputs
    from takedown.metrics.periods import Period
    from takedown.store import connect_reader

    con = connect_reader(db)
    period = Period(PERIOD_START, PERIOD_END)
    inputs = load_metric_inputs(con, AS_OF_UTC, since=period.start, until=period.end)
    facts = complaint_item_facts(inputs.items, inputs.events, inputs.exchange_rates, AS_OF_UTC)
    figures = cohort_summary(cohort(facts, period), {"by_platform": "platform"})
    con.close()
    return figures


# --- what an analyst would write in pandas ---

TIE_ORDER = ["counter_notice", "counter_notice_rejected", "counter_notice_accepted", "withdrawn", "rejected",
             "removed", "restored"]
STATUS = {"counter_notice": "counter_noticed", "counter_notice_rejected": "counter_noticed",
          "counter_notice_accepted": "withdrawn", "withdrawn": "withdrawn", "removed": "removed",
          "rejected": "rejected", "restored": "restored"}


def pandas_summary(df) -> dict:
    status = df["status"]
    removed, rejected = (status == "removed").sum(), (status == "rejected").sum()
    restored = (status == "restored").sum()
    decided = df["hours_to_decision"].notna()
    submitted = len(df)
    counter_notices = df["has_counter_notice"].sum()
    successful = (df["has_counter_notice"] & status.isin(["restored", "withdrawn", "rejected"])).sum()
    median = df["hours_to_removal"].median()
    return {
        "submitted": submitted, "removed": removed, "rejected": rejected, "restored": restored,
        "withdrawn": (status == "withdrawn").sum(), "pending": status.isin(["submitted", "counter_noticed"]).sum(),
        "takedown_rate": removed / (removed + rejected + restored) if removed + rejected + restored else None,
        "median_hours_to_removal": None if math.isnan(median) else median,
        "handled_within_24h_rate": ((df["hours_to_decision"] <= 24).sum() / decided.sum()) if decided.sum() else None,
        "counter_notices": counter_notices, "counter_notice_rate": counter_notices / submitted if submitted else None,
        "successful_counter_notices": successful,
        "counter_notice_success_rate": successful / submitted if submitted else None,
        "missed_counter_notice_responses": df["missed"].sum(),
        "value_removed_usd": df.loc[status == "removed", "value_usd"].sum(),
        "value_unknown_items": ((status == "removed") & df["value_usd"].isna()).sum(),
    }


def pandas_rows_whole(db: Path):
    """The analyst's usual start: the three tables into pandas, then the month picked out in pandas."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    con.execute("set TimeZone = 'UTC'")
    items = con.sql("select complaint_id, listing_id, platform, submitted_at from complaint_items").df()
    events = con.sql("select complaint_id, listing_id, event, occurred_at from outcome_events").df()
    listings = con.sql("select platform, listing_id, cast(price as double) as price, currency, units_sold "
                       "from listings").df()
    con.close()
    key = ["complaint_id", "listing_id"]
    in_month = ((items["submitted_at"] >= PERIOD_START) & (items["submitted_at"] < PERIOD_END)
                & (items["submitted_at"] <= AS_OF_UTC))
    items = items[in_month]
    events = events[events["occurred_at"] <= AS_OF_UTC].merge(items[key], on=key)
    return items, events, listings


def pandas_rows_pushed_down(db: Path):
    """The same rows, filtered by DuckDB before they reach pandas."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    con.execute("set TimeZone = 'UTC'")
    bounds = {"start": PERIOD_START, "end": PERIOD_END, "as_of": AS_OF_UTC}
    scope = "submitted_at >= $start and submitted_at < $end and submitted_at <= $as_of"
    items = con.sql(f"select complaint_id, listing_id, platform, submitted_at from complaint_items where {scope}",
                    params=bounds).df()
    events = con.sql("select complaint_id, listing_id, event, occurred_at from outcome_events "
                     f"semi join (select complaint_id, listing_id from complaint_items where {scope}) "
                     "using (complaint_id, listing_id) where occurred_at <= $as_of", params=bounds).df()
    listings = con.sql("select platform, listing_id, cast(price as double) as price, currency, units_sold "
                       f"from listings semi join (select platform, listing_id from complaint_items where {scope}) "
                       "using (platform, listing_id)", params=bounds).df()
    con.close()
    return items, events, listings


def run_pandas(db: Path, pushed_down: bool = False) -> dict:
    import pandas as pd

    from takedown.config import exchange_rates_path

    items, events, listings = (pandas_rows_pushed_down if pushed_down else pandas_rows_whole)(db)
    rates = pd.read_csv(exchange_rates_path())
    key = ["complaint_id", "listing_id"]

    events["tie_rank"] = events["event"].map({name: rank for rank, name in enumerate(TIE_ORDER)})
    ordered = events.sort_values(key + ["occurred_at", "tie_rank"])
    last = ordered.groupby(key, as_index=False).tail(1)[key + ["event"]].rename(columns={"event": "last_event"})
    first_removed = (events[events["event"] == "removed"].groupby(key)["occurred_at"].min()
                     .rename("first_removed_at").reset_index())
    first_decision = (events[events["event"].isin(["removed", "rejected"])].groupby(key)["occurred_at"].min()
                      .rename("first_decision_at").reset_index())
    noticed = (events[events["event"] == "counter_notice"][key + ["occurred_at"]]
               .rename(columns={"occurred_at": "noticed_at"}))
    window = pd.Timedelta(hours=WINDOW_HOURS)
    due = noticed[noticed["noticed_at"] + window <= pd.Timestamp(AS_OF_UTC)]
    answers = events[events["event"].isin(["counter_notice_accepted", "counter_notice_rejected", "withdrawn"])]
    pairs = due.merge(answers[key + ["occurred_at"]], on=key)
    in_time = pairs[(pairs["occurred_at"] >= pairs["noticed_at"])
                    & (pairs["occurred_at"] <= pairs["noticed_at"] + window)]
    answered = in_time[key + ["noticed_at"]].drop_duplicates()
    missed = due.merge(answered, on=key + ["noticed_at"], how="left", indicator=True)
    missed = missed[missed["_merge"] == "left_only"].groupby(key).size().rename("missed").reset_index()
    has_notice = noticed[key].drop_duplicates().assign(has_counter_notice=True)

    df = (items.merge(last, on=key, how="left").merge(first_removed, on=key, how="left")
          .merge(first_decision, on=key, how="left").merge(missed, on=key, how="left")
          .merge(has_notice, on=key, how="left").merge(listings, on=["platform", "listing_id"], how="left"))
    df["status"] = df["last_event"].map(STATUS).fillna("submitted")
    df["hours_to_removal"] = (df["first_removed_at"] - df["submitted_at"]).dt.total_seconds() / 3600
    df["hours_to_decision"] = (df["first_decision_at"] - df["submitted_at"]).dt.total_seconds() / 3600
    df["has_counter_notice"] = df["has_counter_notice"].fillna(False).astype(bool)
    df["missed"] = df["missed"].fillna(0)
    df["month"] = df["submitted_at"].dt.strftime("%Y-%m")
    df = df.merge(rates[["month", "currency", "usd_per_unit"]], on=["month", "currency"], how="left")
    df.loc[df["currency"] == "USD", "usd_per_unit"] = 1.0
    df["value_usd"] = df["price"] * df["units_sold"] * df["usd_per_unit"]
    return {"totals": pandas_summary(df),
            "by_platform": {platform: pandas_summary(group) for platform, group in df.groupby("platform")}}


# --- running and measuring ---

VARIANTS = {"sql": run_sql, "engine": run_engine, "pandas": run_pandas,
            "pandas_sql": lambda db: run_pandas(db, pushed_down=True)}
# Imported before the clock starts: start-up is not what the variants are compared on.
IMPORTS = {"sql": ("duckdb", "takedown.config"), "engine": ("duckdb", "polars", "takedown.metrics", "takedown.store"),
           "pandas": ("duckdb", "pandas", "takedown.config"), "pandas_sql": ("duckdb", "pandas", "takedown.config")}


def child(variant: str, db: Path) -> None:
    """Run one variant once in this process; print its compute seconds and figures as JSON."""
    import importlib

    for module in IMPORTS[variant]:
        importlib.import_module(module)
    start = time.perf_counter()
    figures = VARIANTS[variant](db)
    elapsed = time.perf_counter() - start
    print(json.dumps({"seconds": elapsed, "figures": figures}, default=float))


def same(left: dict, right: dict) -> bool:
    """Figures equal, floats to 1e-9 relative."""
    for name in METRICS:
        a, b = left[name], right[name]
        if (a is None) != (b is None):
            return False
        if a is not None and not math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9):
            return False
    return True


def agree(first: dict, second: dict) -> bool:
    return (same(first["totals"], second["totals"]) and first["by_platform"].keys() == second["by_platform"].keys()
            and all(same(first["by_platform"][p], second["by_platform"][p]) for p in first["by_platform"]))


def bench(size: int, repeat: int) -> dict:
    ensure_data(size, log=lambda line: print(line, file=sys.stderr, flush=True))
    db = store_path(size)
    python = sys.executable
    takedown = str(Path(python).with_name("takedown"))
    results: dict = {}
    for variant in (*VARIANTS, "cli"):
        seconds, peaks, figures = [], [], None
        for _ in range(repeat):
            if variant == "cli":
                run = measured([takedown, "metrics", "--month", MONTH, "--as-of", AS_OF, "--json", "--db", str(db)])
                seconds.append(run.seconds)
            else:
                run = measured([python, __file__, "--child", variant, "--db", str(db)])
                report = json.loads(run.stdout)
                seconds.append(report["seconds"])
                figures = report["figures"]
            peaks.append(run.peak_mib)
            print(f"  {size:,} {variant}: {seconds[-1]:.2f} s, {run.peak_mib:.0f} MiB", file=sys.stderr, flush=True)
        results[variant] = {"seconds": statistics.median(seconds), "peak": max(peaks), "figures": figures}
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--repeat", type=int, default=3, help="runs per variant; the median time is reported")
    parser.add_argument("--child", choices=VARIANTS, help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.db)
        return
    table = {size: bench(size, args.repeat) for size in args.sizes}
    print(f"\nmetrics benchmark: totals + by_platform of {MONTH} as of {AS_OF}; median of {args.repeat} runs, "
          "each in a fresh process")
    header = f"{'variant':<10}" + "".join(f" | {f'{size:,} items':>29}" for size in args.sizes)
    subheader = f"{'':<10}" + "".join(f" | {'seconds':>9} {'vs sql':>7} {'peak MiB':>10}" for _ in args.sizes)
    print(header)
    print(subheader)
    print("-" * len(subheader))
    for variant in (*VARIANTS, "cli"):
        cells = []
        for size in args.sizes:
            result, floor = table[size][variant], table[size]["sql"]["seconds"]
            cells.append(f" | {result['seconds']:>9.2f} {result['seconds'] / floor:>6.2f}x {result['peak']:>10.0f}")
        print(f"{variant:<10}" + "".join(cells))
    for size in args.sizes:
        results = table[size]
        engine, floor, pandas, pandas_sql = (results[v]["seconds"] for v in ("engine", "sql", "pandas", "pandas_sql"))
        agreed = all(agree(results["engine"]["figures"], results[other]["figures"])
                     for other in ("sql", "pandas", "pandas_sql"))
        print(f"{size:,}: engine/sql {engine / floor:.2f}x (target <= 2x), pandas/engine {pandas / engine:.1f}x "
              f"(target >= 5x; pandas_sql/engine {pandas_sql / engine:.1f}x), peak engine "
              f"{results['engine']['peak']:.0f} MiB, cli {results['cli']['peak']:.0f} MiB (target < 4096), "
              f"figures agree: {'yes' if agreed else 'NO'}")
    print("cli = the whole `takedown metrics --json` process (start-up, every breakdown, repeat offenders, Good-Faith)")


if __name__ == "__main__":
    main()
