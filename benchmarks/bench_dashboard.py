"""Benchmark: each dashboard page's data at 1M and 10M complaint items, cold and warm.

The pages only lay out what `takedown.dashboard_lib` computes; this times exactly those calls, without
Streamlit. Each page reads only what it shows: a snapshot of its span (the month, the Good-Faith window;
the Overview's trend a calendar block at a time) or, for the whole-store queues, the frames
dashboard_lib.narrow reads from the items each shows (PAGE_READS):
- cold: the store opened with the filter choices (every page's start), then the page's own reads and widgets;
- warm: the page's widgets again on what it read (what a filter change within the same view costs:
  cache_data misses; the narrow pages read their items again);
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


# What each page reads before its widgets (the `reads=` of dashboard/app_pages/<page>.py): a snapshot of
# its span (dashboard_lib.data.view_span) or none (its frames come from dashboard_lib.narrow).
PAGE_READS = {"overview": "overview", "good_faith": "good_faith", "breakdowns": "month", "action_queue": "none",
              "repeat_offenders": "none", "ip_portfolio": "none", "data_quality": "none"}
NARROW_QUEUES = ("counter_notices_awaiting_response", "high_risk_backlog", "expiring_rights",
                 "complaint_items_on_weak_rights")


def page_snapshot(page: str, con, as_of, month: str, settings):
    """The snapshot the page loads (dashboard_lib.state.load): its span's items only, or None."""
    from takedown.dashboard_lib.data import view_span
    from takedown.metrics.snapshot import load_snapshot

    if PAGE_READS[page] == "none":
        return None
    since, until = view_span(PAGE_READS[page], month, settings)
    return load_snapshot(con, as_of, since=since, until=until, settings=settings, strict=False)


def overview_trend(snapshot, con, as_of, month: str, settings):
    """state.trend's work: the months the page's snapshot holds from it, the others a calendar block
    (data.trend_block) at a time from a snapshot of that block alone."""
    from takedown.dashboard_lib import data
    from takedown.metrics.periods import months_ending
    from takedown.metrics.snapshot import load_snapshot

    span = data.view_span("overview", month, settings)
    rows, blocks = [], {}
    for label in months_ending(month, 12):
        since, until = data.view_span("month", label, settings)
        if span[0] <= since and until <= span[1]:
            rows.append(data.trend_month(snapshot, label))
            continue
        block = data.trend_block(label)
        if block not in blocks:
            start, end = data.trend_block_span(block, settings)
            blocks[block] = load_snapshot(con, as_of, since=start, until=end, settings=settings, strict=False,
                                          listings=False)
        rows.append(data.trend_month(blocks[block], label))
    return data.trend_of_months(rows)


def page_widgets(page: str, snapshot, month: str, con, as_of, settings):
    """The dashboard_lib calls a page makes on first render (as dashboard/app_pages/<page>.py does)."""
    from takedown.dashboard_lib import data, narrow
    from takedown.metrics.filters import Filters
    from takedown.metrics.periods import month_period

    period = month_period(month, settings.report_timezone)
    if page == "overview":
        return [lambda: data.headline_kpis(snapshot, month),
                lambda: overview_trend(snapshot, con, as_of, month, settings),
                lambda: data.funnel(snapshot, period, data.listings_detected(con, period, snapshot.as_of,
                                                                             snapshot.filters)),
                lambda: data.account_verdicts(snapshot, period),
                lambda: data.kpi_rows(snapshot, period, "removed")]
    if page == "good_faith":
        verdicts = data.account_verdicts(snapshot, period)
        account = verdicts["account"][0] if verdicts.height else ""
        return [lambda: data.account_verdicts(snapshot, period), lambda: data.good_faith_by_reason(snapshot, period),
                lambda: data.good_faith_pull_downs(snapshot, period, account)]
    if page == "breakdowns":
        return [lambda by=by: data.breakdown(snapshot, period, by) for by in ("platform", "reason", "ipr_type")]
    filters = Filters()
    if page == "action_queue":
        return [lambda queue=queue: narrow.action_queue(con, as_of, filters, settings, queue) for queue in NARROW_QUEUES]
    if page == "repeat_offenders":
        queue = narrow.repeat_offenders_queue(con, as_of, filters, settings)
        platform, seller = (queue["platform"][0], queue["seller_id"][0]) if queue.height else ("", "")
        return [lambda: narrow.repeat_offender_figures(con, as_of, filters, settings),
                lambda: narrow.repeat_offenders_queue(con, as_of, filters, settings),
                lambda: narrow.seller_outcomes_by_month(con, as_of, filters, settings, platform, seller),
                lambda: data.seller_listings(con, platform, seller, as_of, filters),
                lambda: narrow.seller_complaints(con, as_of, filters, settings, platform, seller)]
    if page == "ip_portfolio":
        return [lambda: narrow.rights_portfolio(con, as_of, filters, settings)]
    raise ValueError(page)


def measure(store: str, as_of_text: str | None = None, month: str | None = None) -> dict[str, object]:
    """One store, in this process: opening it with the filter choices (what every page does first),
    then each page cold (its own reads: the snapshot of its span, or its narrow frames, and its widgets)
    and warm (its widgets again: a filter change's cache misses), in milliseconds.

    Without `as_of_text` the pages see the store as of now, and without `month` the month a page
    shows by default; the benchmark driver fixes both so that runs on other days compare."""
    from takedown import quality
    from takedown.config import DEFAULT_SETTINGS
    from takedown.dashboard_lib.data import default_month, filter_choices
    from takedown.metrics.periods import parse_instant, utc_now
    from takedown.metrics.snapshot import round_as_of
    from takedown.store import Reader

    as_of = parse_instant(as_of_text, "UTC") if as_of_text else round_as_of(utc_now())
    settings = DEFAULT_SETTINGS
    started = time.perf_counter()
    reader = Reader(store)
    con = reader.cursor()
    choices = filter_choices(con)
    month = month or default_month(choices["month"], as_of, "UTC")
    load_ms = (time.perf_counter() - started) * 1000
    result: dict[str, object] = {"load_ms": load_ms, "pages": {}}
    for page in PAGES:
        timings = []
        started = time.perf_counter()
        snapshot = None if page == "data_quality" else page_snapshot(page, con, as_of, month, settings)
        widgets = None if page == "data_quality" else page_widgets(page, snapshot, month, con, as_of, settings)
        for _ in range(2):  # the first pass is the page's cold part (after its reads), the second warm
            if timings:
                started = time.perf_counter()
            if page == "data_quality":
                quality.store_summary(con), quality.ingest_batches(con), quality.quarantine_by_rule(con)
                quality.orphans(con)
            else:
                for widget in widgets:
                    widget()
            timings.append((time.perf_counter() - started) * 1000)
        result["pages"][page] = timings
        del snapshot, widgets
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
    print(f"{'open + filter choices':<22}" + "".join(f"{results[label]['load_ms']:>14.0f}{'':>14}" for label in labels))
    for page in PAGES:
        row = "".join(f"{results[label]['load_ms'] + results[label]['pages'][page][0]:>14.0f}"
                      f"{results[label]['pages'][page][1]:>14.0f}" for label in labels)
        print(f"{page:<22}{row}")
    print(f"{'peak memory (MiB)':<22}" + "".join(f"{results[label]['peak_mib']:>14.0f}{'':>14}" for label in labels))
    print("cold = open + filter choices + the page's own reads (its span's snapshot or its narrow frames) and first "
          "computation; warm = the page's widgets again on what it read")


if __name__ == "__main__":
    main()
