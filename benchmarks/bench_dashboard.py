"""Benchmark: each dashboard page's data at 1M and 10M complaint items, cold and warm.

The pages only lay out what `takedown.dashboard_lib.data` computes from a Snapshot; this times exactly
those calls, without Streamlit:
- cold: the page opened on a store nobody has opened yet: the snapshot loaded, then the page's widgets;
- warm: the snapshot already loaded (Streamlit's cache_resource), the page's widgets computed again
  (what a filter change within the same snapshot costs: cache_data misses);
Streamlit's cache_data hit on an unchanged view costs less still and is not timed.
Targets (issue 9): warm under 300 ms at 1M and under 1 s at 10M; cold under 3 s at 1M.

    uv run python benchmarks/bench_dashboard.py --store 1M=/tmp/snap1m.duckdb --store 10M=/tmp/snap10m.duckdb

Each store is measured in a fresh process (peak memory is the process's). Prints one table.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time

PAGES = ("overview", "good_faith", "action_queue", "breakdowns", "repeat_offenders", "ip_portfolio", "data_quality")


def page_widgets(page: str, snapshot, month: str, con):
    """The dashboard_data calls a page makes on first render (the same as dashboard/app_pages/<page>.py)."""
    from takedown.dashboard_lib import data
    from takedown.metrics.periods import month_period

    period = month_period(month, snapshot.timezone)
    if page == "overview":
        return [lambda: data.headline_kpis(snapshot, month), lambda: data.trend(snapshot, month, 12),
                lambda: data.funnel(snapshot, period, data.listings_detected(con, period, snapshot.as_of,
                                                                             snapshot.filters)),
                lambda: data.account_verdicts(snapshot, period),
                lambda: data.kpi_rows(snapshot, period, "removed")]
    if page == "good_faith":
        verdicts = data.account_verdicts(snapshot, period)
        account = verdicts["account"][0] if verdicts.height else ""
        return [lambda: data.account_verdicts(snapshot, period), lambda: data.good_faith_by_reason(snapshot, period),
                lambda: data.good_faith_pull_downs(snapshot, period, account)]
    if page == "action_queue":
        return [lambda queue=queue: data.action_queue(snapshot, queue)
                for queue in ("counter_notices_awaiting_response", "high_risk_backlog", "expiring_rights",
                              "complaint_items_on_weak_rights")]
    if page == "breakdowns":
        return [lambda by=by: data.breakdown(snapshot, period, by) for by in ("platform", "reason", "ipr_type")]
    if page == "repeat_offenders":
        queue = data.repeat_offenders_queue(snapshot)
        platform, seller = (queue["platform"][0], queue["seller_id"][0]) if queue.height else ("", "")
        return [lambda: data.repeat_offender_figures(snapshot), lambda: data.repeat_offenders_queue(snapshot),
                lambda: data.seller_outcomes_by_month(snapshot, platform, seller),
                lambda: data.seller_listings(con, platform, seller, snapshot.as_of, snapshot.filters),
                lambda: data.seller_complaints(snapshot, platform, seller)]
    if page == "ip_portfolio":
        return [lambda: data.rights_portfolio(snapshot)]
    raise ValueError(page)


def measure(store: str, as_of_text: str | None = None, month: str | None = None) -> dict[str, object]:
    """One store, in this process: the cold load, then each page cold and warm, in milliseconds.

    Without `as_of_text` the pages see the store as of now, and without `month` the month a page
    shows by default; the benchmark driver fixes both so that runs on other days compare."""
    from takedown import quality
    from takedown.dashboard_lib.data import default_month, filter_choices
    from takedown.metrics.periods import parse_instant, utc_now
    from takedown.metrics.snapshot import load_snapshot, round_as_of
    from takedown.store import Reader

    as_of = parse_instant(as_of_text, "UTC") if as_of_text else round_as_of(utc_now())
    started = time.perf_counter()
    reader = Reader(store)
    con = reader.cursor()
    choices = filter_choices(con)
    month = month or default_month(choices["month"], as_of, "UTC")
    snapshot = load_snapshot(con, as_of)
    load_ms = (time.perf_counter() - started) * 1000
    result: dict[str, object] = {"load_ms": load_ms, "pages": {}}
    for page in PAGES:
        timings = []
        for _ in range(2):  # the first pass is the page's cold part (after the load), the second warm
            started = time.perf_counter()
            if page == "data_quality":
                quality.store_summary(con), quality.ingest_batches(con), quality.quarantine_by_rule(con)
                quality.orphans(con)
            else:
                for widget in page_widgets(page, snapshot, month, con):
                    widget()
            timings.append((time.perf_counter() - started) * 1000)
        result["pages"][page] = timings
    result["peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", action="append", required=True, metavar="LABEL=PATH")
    parser.add_argument("--as-of", help="ISO instant the pages see the store as of (default: now)")
    parser.add_argument("--month", help="YYYY-MM the pages show (default: the pages' own default)")
    parser.add_argument("--one", help=argparse.SUPPRESS)  # internal: measure one store, print JSON
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.one, args.as_of, args.month)))
        return
    results = {}
    for spec in args.store:
        label, _, path = spec.partition("=")
        flags = [f"--{name}={value}" for name, value in (("as-of", args.as_of), ("month", args.month)) if value]
        done = subprocess.run([sys.executable, __file__, "--store", spec, "--one", path, *flags],
                              capture_output=True, text=True)
        if done.returncode:
            sys.exit(f"bench_dashboard: {label} failed:\n{done.stderr}")
        results[label] = json.loads(done.stdout.strip().splitlines()[-1])
    labels = list(results)
    print(f"{'page data (ms)':<22}" + "".join(f"{label + ' cold':>14}{label + ' warm':>14}" for label in labels))
    print(f"{'snapshot load':<22}" + "".join(f"{results[label]['load_ms']:>14.0f}{'':>14}" for label in labels))
    for page in PAGES:
        row = "".join(f"{results[label]['load_ms'] + results[label]['pages'][page][0]:>14.0f}"
                      f"{results[label]['pages'][page][1]:>14.0f}" for label in labels)
        print(f"{page:<22}{row}")
    print(f"{'peak memory (MiB)':<22}" + "".join(f"{results[label]['peak_mib']:>14.0f}{'':>14}" for label in labels))
    print("cold = snapshot load + the page's first computation; warm = the page again on the loaded snapshot")


if __name__ == "__main__":
    main()
