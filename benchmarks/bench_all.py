"""One benchmark run: every stage at every size, side by side, written to docs/benchmarks.md.

    make bench                                   # 100k, 1M and 10M complaint items
    make bench SIZES=100k,1M                     # or: uv run python benchmarks/bench_all.py --sizes 100k,1M
    make bench SIZES=100M                        # on request only: its own targets table, kept for later runs
    uv run python benchmarks/bench_all.py --sizes 100k --stages metrics,live --no-write

What it measures, at each size (complaint items in the store; data from benchmarks/generate.py,
generated once with DuckDB SQL and cached under benchmarks/out/):
  ingest     - each export kind (listings, complaints, outcomes, ip_rights CSV) loaded by `takedown
               ingest`, by DuckDB `read_csv` into a table (the floor) and by pandas `read_csv` +
               `to_sql`, process start to exit, into a new store
  metrics    - a month's totals and by-platform figures from hand-written DuckDB SQL (the floor), from
               takedown.metrics and from plain pandas (their figures must agree), in-process and end
               to end, plus the whole `takedown metrics --month --json`
  dashboard  - each page's data (the takedown.dashboard_lib.data calls it makes): cold, in a fresh process
               with the page's own reads, and warm, the page's widgets again on what it read
  browser    - each page as a person sees it (bench_browser.py): Playwright on Chromium, navigation to
               the page drawn, on a fresh server (cold) and after one page (warm); the server's process
               tree memory with two browser sessions on different months
  report     - `takedown report --month --out DIR`, HTML, workbook and PDF (Chromium); memory of the
               whole process tree (Python and Chromium)
  live       - a 1,000-row complaints file on a copy of the store: `takedown ingest FILE` start to
               exit, and with `takedown watch` running, its rename into the inbox to a
               takedown.store.Reader seeing it
  lake       - the DuckLake backend beside the file (issue 18): a throw-away PostgreSQL catalog, the
               store copied into a lake; metrics, each page's data, a 1,000-row file landing to
               visible and (up to 1M items) a 1M-row export's ingest, on both
How: every measured variant runs in its own fresh process (wall time; peak memory is its max RSS
from os.wait4, or the process tree's resident memory polled every 50 ms where it starts others);
stores are copied and scratch folders made outside the timing; each figure is the median of
--repeat runs (one run for the browser and lake stages, and for the dashboard and report stages at 10M:
see PLAN_NOTE). For each row, k in time ~ n^k between the smallest and largest size shows how its
cost grows.
Targets (issue 19), a column per size, each met or missed with its figure: the first page drawn
cold in Chromium under 3 s; every page warm under 300 ms; the dashboard server under 1.5 GB;
`takedown metrics --month --json` under 2 s and 1 GB; `takedown report` under 20 s and 2 GB
(Python and Chromium); a 1,000-row file landing to visible under 5 s, flat. At 100M (SIZES=100M, a
table of its own): metrics under 10 s, every page warm under 1 s and cold under 10 s, no process
over 4 GB. The earlier targets (issue 11) follow.
Progress goes to stderr, the tables to stdout and (unless --no-write) to docs/benchmarks.md with the
machine they ran on.
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
import time
from pathlib import Path

import render
import stages
from common import OUT, ROOT, ChildFailed, load_average, machine_facts, parse_sizes, size_label
from bench_browser import app_pages
from generate import EXPORT_ROWS_MAX, GENERATE_MEMORY, ensure_data, store_path

STAGES = ("ingest", "metrics", "dashboard", "browser", "report", "live", "lake", "predict")
DEFAULT_SIZES = "100k,1M,10M"
# At and above this size the long stages run each variant once (a second 10M report or dashboard pass
# would not fit the budget); the stages the targets read keep their median of --repeat.
SINGLE_RUN_FROM = 10_000_000
SINGLE_RUN_STAGES = ("dashboard", "report")
# Stages run once at every size: the browser pass starts a fresh server per page (eight servers); the
# lake stage measures every command on both backends (its 1M-row ingest into a lake took 8 minutes on
# this machine under load, docs/ducklake.md).
ONE_RUN_STAGES = ("browser", "lake", "predict")
# At and above this size (100M, on request: SIZES=100M) the stages below are left out: ingest loads the
# same 1M-row files as at 10M, and copying 100M items into a DuckLake would take longer than the rest.
HUNDRED_MILLION = 100_000_000
LEFT_OUT_FROM_100M = ("ingest", "lake")
# The targets at 100M are kept from the last run that measured it, so that a default run (without
# 100M) still shows them, with the date of their run.
SAVED_100M = OUT / "targets_100M.json"
# pandas reads the three tables whole: at 10M about 28M rows, projected ~40 s and ~6-7 GB (PLAN_NOTE).
# Lower this to 1_000_000 on a machine with less than 16 GB of memory.
PANDAS_METRICS_MAX = 10_000_000

PLAN_NOTE = f"""\
**What runs at each size, and why.** Issue 19 added the browser stage (every page drawn in Chromium,
eight fresh servers per size) and issue 18 the lake stage: the default run no longer fits the
20 minutes it was planned on below; both run once per size. At 100k, on this machine under load
average 7-35 from seven other engineers, the browser pass took 7 minutes (page draws of 20-80 s
cold) and the report 87 s: a quiet machine takes far less. The plan for the other stages,
unchanged: the default run (100k, 1M, 10M) had to finish within 20 minutes
on a 2-core machine, first generation of the 10M data included. Before choosing, each stage's whole
cost was measured at 100k and 1M during development (3 runs per variant, 29 Nov 2026, while two other
engineers kept the machine busy, load average 4-6): ingest 90 s and 186 s, metrics 8 s and 30 s,
dashboard 4 s and 37 s, report 14 s and 98 s, the 1,000-row file 26 s and 29 s; generation 1 s, 4 s
and, at 10M, 50 s. Extrapolated to one run per variant at 10M with each stage's growth from 100k to
1M (k 0.5-0.9), 10M costs about 7 minutes and the whole default run about 15 minutes on that busy
machine, less on a quiet one; only if every stage grew linearly and the machine stayed busy would it
reach 20. Hence:
- Each variant's figure is the median of 3 runs, except the dashboard and report stages at 10M
  (a single run: together about 3 minutes a pass there); the stages the targets read (ingest,
  metrics, the 1,000-row file) keep their median at 10M too. The whole default run took 9 minutes
  with one run of everything at 10M, and about 12 this way, on a quiet machine.
- The ingest stage loads files of at most {EXPORT_ROWS_MAX:,} rows per kind (the first rows of the
  size's own data): a 10M-row export per kind and variant would take the budget on its own, and
  the per-row cost shows from 100k to 1M. At 10M the ingest rows therefore load 1M-row files cut
  from the 10M data; the 10M store's effect on a load is what the 1,000-row file stage shows.
- pandas computes the month's metrics up to {size_label(PANDAS_METRICS_MAX)} (at 10M projected about
  40 s and 6-7 GB: it fits); above that its row is empty. If a run must be shorter, lower
  PANDAS_METRICS_MAX first, then use fewer sizes.
- pandas `to_sql` writes to SQLite (pandas has no DuckDB writer without SQLAlchemy, not a dependency).
- 100M runs only on request (`SIZES=100M`): generated the same way (DuckDB SQL, DuckDB capped at
  {GENERATE_MEMORY} of memory and spilling to disk, about 7 GB of store); every stage runs once there, but ingest
  (the same 1M-row files as at 10M) and the lake (a 100M copy into Parquet) are left out. Its targets
  table is kept in benchmarks/out/ and shown by later runs with its date.
- A variant that fails is reported under "Failures" and the run goes on with the next stage.
"""


def sizes_argument(text: str) -> list[int]:
    """--sizes for argparse: a bad size is a usage error naming it."""
    try:
        return parse_sizes(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def run_plan(size: int, repeat: int) -> dict:
    """How many runs each variant gets at this size, and which optional variants run."""
    single = size >= SINGLE_RUN_FROM
    if size >= HUNDRED_MILLION:
        return {"repeat": dict.fromkeys(STAGES, 1), "pandas_metrics": False, "left_out": LEFT_OUT_FROM_100M}
    return {"repeat": {stage: 1 if (single and stage in SINGLE_RUN_STAGES) or stage in ONE_RUN_STAGES else repeat
                       for stage in STAGES},
            "pandas_metrics": size <= PANDAS_METRICS_MAX, "left_out": ()}


TABLES = {
    "ingest": ("Ingest of each export kind, process start to exit", stages.INGEST_FLOOR,
               "Each file into a new, empty store (DuckDB file, or SQLite for pandas); n is the file's rows. "
               "`takedown ingest` reads, maps, validates with Great Expectations, upserts with counts, "
               "quarantines and publishes; the floor only parses and stores. End to end includes start-up "
               "(the ip_rights rows, 50 rows, are almost nothing else), so k understates the per-row growth."),
    "metrics_compute": ("A month's metrics, compute in-process", stages.METRIC_VARIANTS["sql"],
                        "Totals and by-platform figures of the month; timed inside each fresh process "
                        "from opening the store to holding the figures (imports done before the clock)."),
    "metrics_wall": ("A month's metrics, end to end", stages.METRIC_VARIANTS["sql"],
                     "The same processes' wall time, start-up included, and the whole "
                     "`takedown metrics --month --json` (every breakdown, repeat offenders, Good-Faith)."),
    "dashboard": ("Dashboard: each page drawn in Chromium beside its data alone, cold and warm", None,
                  "Drawn (benchmarks/bench_browser.py): Playwright on Chromium, from navigation to the page "
                  "drawn (Streamlit's running indicator, spinners and skeletons gone, the page's title and "
                  "the sidebar's \"Link to this view\", drawn after the page's body, present and not stale, "
                  "every chart's SVG in); cold: a fresh `takedown dashboard` server, the page opened first "
                  "(the server's start-up before the clock); warm: the same server, a click on this page's "
                  "link after one other page. One pass (eight servers) per size. Data only "
                  "(benchmarks/bench_dashboard.py): the takedown.dashboard_lib calls the page makes, without "
                  "Streamlit, one process per size; cold: the store opened with the filter choices, then the "
                  "page's own reads (a snapshot of its span, or for the whole-store queues the frames "
                  "dashboard_lib.narrow reads from the items each shows) and first computation; warm: the "
                  "page's widgets again on what it read (a filter change). Peak MiB is the data-only "
                  "process's; the server's and the browser's are in the memory table."),
    "report": ("Monthly report", None, "`takedown report --month --out DIR`; peak MiB is the whole process "
                                       "tree's resident memory at once (Python, Playwright's driver and "
                                       "Chromium), polled every 50 ms."),
    "live": ("A 1,000-row file: landing to visible", None,
             "On a copy of each size's store, after one untimed ingest. The watch figure is from the "
             "rename into the inbox to a takedown.store.Reader seeing the file's batch (the watcher's "
             "memory, its process tree, is in the memory table)."),
    "predict": ("Predicted success: features, training, predicting a month (issue 21)", None,
                "benchmarks/bench_predict.py on each size's store (read-only), one process: T is the first of "
                "the month two months before the store's last submission; the model is fitted, calibrated "
                "and checked on the items decided by T (HistGradientBoosting + CalibratedClassifierCV, "
                "two threads) and predicts the month after T. Peak MiB is the process's after each step "
                "(it only grows); n is the step's rows."),
    "lake": ("DuckLake beside the DuckDB file (issue 18)", stages.LAKE_FILE,
             "On each size's store: a throw-away PostgreSQL 15 catalog started as tests/lake_postgres.py does "
             "(a temp folder, a free port, fsync off) and the store copied into a new DuckLake with "
             "Parquet data on the same disk; the file rows on a copy of the same store, in the same stage. "
             "x floor is the lake's time over the file's. The 1,000-row file lands after one untimed landing "
             "on each (a copied file store's first writer makes its working copy). The ingest row loads the size's complaints export "
             "(its n: rows; up to 1M items) into an empty store."),
}


def run_stage(stage: str, size: int, plan: dict, tables: dict, agreement: dict, rows: dict, memory: list,
              log) -> list[str]:
    """Measure one stage at one size; its cells go into their table (and peaks of processes that are no
    table cell into `memory`). Returns the variants that failed."""
    db = store_path(size)
    failed: list[str] = []
    if stage == "ingest":
        tables["ingest"]["cells"] += stages.ingest(size, rows, plan["repeat"][stage], log)
    elif stage in ("browser", "live"):
        cells, records = getattr(stages, stage)(size, db, plan["repeat"][stage], log)
        tables["dashboard" if stage == "browser" else stage]["cells"] += cells
        memory += records
    elif stage == "metrics":
        cells, agreement[size], failed = stages.metrics(size, db, plan["repeat"][stage], log,
                                                        plan["pandas_metrics"])
        log(f"figures of the floor, the engine and pandas agree: {'yes' if agreement[size] else 'NO'}")
        for key, name in (("metrics_compute", stages.METRICS_COMPUTE_STAGE),
                          ("metrics_wall", stages.METRICS_WALL_STAGE)):
            tables[key]["cells"] += [cell for cell in cells if cell["stage"] == name]
    else:
        tables[stage]["cells"] += getattr(stages, stage)(size, db, plan["repeat"][stage], log)
    return failed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=sizes_argument, default=parse_sizes(DEFAULT_SIZES),
                        help=f"comma-separated sizes such as 100k,1M,10M (default {DEFAULT_SIZES})")
    parser.add_argument("--stages", default=",".join(STAGES), help=f"comma-separated, of {','.join(STAGES)}")
    parser.add_argument("--repeat", type=int, default=3, help="runs per variant, the median reported (the dashboard and report stages run once at 10M)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    parser.add_argument("--no-write", action="store_true", help="print the tables, leave docs/benchmarks.md")
    args = parser.parse_args(argv)
    chosen = [name.strip() for name in args.stages.split(",") if name.strip()]
    unknown = sorted(set(chosen) - set(STAGES))
    if unknown or args.repeat < 1:
        parser.error(f"unknown stage {', '.join(unknown)}" if unknown else "--repeat must be at least 1")

    started = time.perf_counter()
    load_at_start = load_average()
    facts = machine_facts(OUT)
    context = {"stage": "generate", "size": ""}

    def log(message: str) -> None:
        print(f"[{time.perf_counter() - started:7.1f} s] {context['stage']} {context['size']}: {message}",
              file=sys.stderr, flush=True)

    generated = {}
    for size in args.sizes:
        context["size"] = size_label(size)
        generated[size] = ensure_data(size, log)
        log(f"{'cached' if generated[size]['cached'] else 'generated'}, generation took "
            f"{generated[size]['seconds']:.1f} s")

    tables = {key: {"title": title, "floor": floor, "note": note, "cells": []}
              for key, (title, floor, note) in TABLES.items()}
    agreement: dict[int, bool] = {}
    memory: list[dict] = []
    failures: list[str] = []
    # stage -> size -> (the whole stage's wall seconds, runs per variant): what the budget is planned on.
    stage_costs: dict[str, dict[int, tuple[float, int]]] = {
        "generate": {size: (0.0 if record["cached"] else record["seconds"], 1) for size, record in generated.items()}}
    for size in args.sizes:
        plan = run_plan(size, args.repeat)
        context["size"] = size_label(size)
        for stage in chosen:
            if stage in plan["left_out"]:
                continue
            context["stage"] = stage
            stage_started = time.perf_counter()
            try:
                failures += [f"{stage} at {size_label(size)}: {failure}" for failure in
                             run_stage(stage, size, plan, tables, agreement, generated[size]["rows"], memory,
                                       log)]
            except (ChildFailed, RuntimeError) as error:
                # One failed variant (e.g. out of memory at 10M) must not throw away the rest of the run.
                failures.append(f"{stage} at {size_label(size)}: {error}")
                log(f"FAILED: {error}")
            stage_costs.setdefault(stage, {})[size] = (time.perf_counter() - stage_started, plan["repeat"][stage])

    tables["dashboard"]["cells"].sort(key=dashboard_order)
    if tables["lake"]["cells"]:
        tables["lake"]["cells"] = lake_order(tables["lake"]["cells"])
        tables["lake"]["note"] += "\n\n" + lake_slower(tables["lake"]["cells"])
    used = [table for table in tables.values() if table["cells"]]
    if agreement:
        tables["metrics_compute"]["note"] += " Figures agree (floor, engine, pandas): " + ", ".join(
            f"{size_label(size)} {'yes' if agreed else 'NO'}" for size, agreed in agreement.items()) + "."
    results = results_text(used, memory, args.sizes, facts)
    results += "\n" + render.render_stage_costs(stage_costs, args.sizes)
    if failures:
        results += "\n### Failures\n\n" + "\n".join(f"- {failure}" for failure in failures) + "\n"
    total = time.perf_counter() - started
    facts.update({"load average (1, 5, 15 min)": f"{load_at_start} at start; {load_average()} at end",
                  "command": shlex.join(["python", "benchmarks/bench_all.py", *(argv if argv is not None
                                                                                else sys.argv[1:])]),
                  "sizes": ", ".join(size_label(size) for size in args.sizes),
                  "total wall time": f"{total / 60:.1f} min ({total:.0f} s)"})
    print(results)
    print(f"total wall time {total:.0f} s", file=sys.stderr)
    (OUT / "results.json").write_text(json.dumps({"facts": facts, "tables": used, "memory": memory,
                                                  "stage_costs": stage_costs}, indent=1))
    if not args.no_write:
        args.out.write_text(document(facts, generated, results), encoding="utf-8")
        print(f"wrote {args.out}", file=sys.stderr)
    return 0 if all(agreement.values()) and not failures else 1


def results_text(tables: list[dict], memory: list[dict], sizes: list[int], facts: dict[str, str]) -> str:
    """The targets (issue 19, then 100M), every table, and the peak memory of every process."""
    cells = [cell for table in tables for cell in table["cells"]]
    return (targets_19(cells, memory, sizes, facts) + render.render_results(tables, sizes, stages.TARGET_NAMES)
            + "\n### Peak memory of every process\n\n" + render.render_memory(cells, memory, sizes) + (
                "\nEach process's max RSS (os.wait4: the largest of the process and the children it waited "
                "for) unless named a process tree: then the resident memory of the whole tree at once, "
                "polled every 50 ms. The dashboard server is `takedown dashboard` (Streamlit) with every "
                "page opened and a second browser session on another month; the browser is Playwright's "
                "driver and Chromium.\n"))


def dashboard_order(cell: dict) -> tuple[int, int]:
    """Each page's rows together, drawn beside data only: pages in the dashboard's order."""
    page = cell["stage"].removeprefix("dashboard: ")
    pages = [stages.DASHBOARD_OPEN, *(name or "overview" for name, _ in app_pages())]
    variant = cell["variant"]
    return (pages.index(page) if page in pages else len(pages),
            stages.DASHBOARD_VARIANTS.index(variant) if variant in stages.DASHBOARD_VARIANTS else 0)


def lake_order(cells: list[dict]) -> list[dict]:
    """The lake table's rows: each stage's file row beside its lake row, stages in the order measured."""
    stages_seen = list(dict.fromkeys(cell["stage"] for cell in cells))
    return sorted(cells, key=lambda cell: (stages_seen.index(cell["stage"]), cell["variant"] != stages.LAKE_FILE))


def lake_slower(cells: list[dict]) -> str:
    """Where the lake is slower than the file: by how much at each size, and why (the dashboard's pages
    in one line, cold and warm apart)."""
    rows = render.rows_of(cells)
    slower: dict[str, dict[int, list[float]]] = {}
    for (stage, variant), by_size in rows.items():
        file = rows.get((stage, stages.LAKE_FILE), {})
        if variant != stages.LAKE_LAKE:
            continue
        group = stage.split(":")[0] if stage.startswith("dashboard") else stage
        for size, lake_cell in by_size.items():
            if size in file and file[size]["seconds"] and lake_cell["seconds"] > file[size]["seconds"]:
                slower.setdefault(group, {}).setdefault(size, []).append(lake_cell["seconds"] / file[size]["seconds"])
    lines = []
    for group, by_size in slower.items():
        ratios = ", ".join(
            (f"{min(found):.1f}-{max(found):.1f}x" if len(found) > 1 else f"{found[0]:.1f}x")
            + f" at {size_label(size)}" + (f" ({len(found)} pages)" if len(found) > 1 else "")
            for size, found in sorted(by_size.items()))
        why = stages.LAKE_WHY.get("dashboard" if group.startswith("dashboard") else group, "")
        lines.append(f"- {group}: the lake is slower, {ratios}" + (f": {why}." if why else "."))
    return ("Where the lake is slower than the file, by how much and why:\n\n" + "\n".join(lines)
            if lines else "The lake is nowhere slower than the file in this run.") + (
        "\n\nWhat the lake buys for that: several writers at once on several machines, readers anywhere, "
        "and every past state readable (docs/ducklake.md).")


def targets_19(cells: list[dict], memory: list[dict], sizes: list[int], facts: dict[str, str]) -> str:
    """The issue 19 targets at each size below 100M, then the 100M targets: this run's, else those saved
    by the last run that measured 100M (with its date and commit)."""
    text = "## Targets\n\n" + render.render_issue19_targets(cells, memory, stages.TARGET_NAMES, sizes)
    large = [size for size in sizes if size >= HUNDRED_MILLION]
    text += "\n## Targets at 100M (on request: `make bench SIZES=100M`)\n\n"
    if large:
        section = render.render_100m_targets(cells, memory, stages.TARGET_NAMES, large[-1])
        SAVED_100M.write_text(json.dumps({"date": facts["date"], "commit": facts["git commit"], "table": section}))
        text += section
    elif SAVED_100M.exists():
        saved = json.loads(SAVED_100M.read_text())
        text += (f"From the run of {saved['date']} (commit {saved['commit']}); this run did not measure "
                 f"100M.\n\n" + saved["table"])
    else:
        text += "Not measured yet on this machine: run `make bench SIZES=100M` (see the plan above).\n"
    return text + "\n"


def document(facts: dict[str, str], generated: dict[int, dict], results: str) -> str:
    """docs/benchmarks.md: how the figures were made, the machine, the data, the targets and tables."""
    return "\n".join([
        "# Benchmarks",
        "",
        "Written by `make bench` (`benchmarks/bench_all.py`); do not edit by hand: run it again. What each "
        "stage measures and how is in that script's docstring; the README's Benchmarks section says how "
        "to run it.",
        "",
        PLAN_NOTE,
        "## Machine",
        "",
        render.render_facts(facts),
        "## Data",
        "",
        "Generated by `benchmarks/generate.py` with DuckDB SQL (24 months of complaint items, 0.8 listings "
        "per item, 85% removed, counter-notices, 50 rights), cached under `benchmarks/out/`.",
        "",
        render.render_generation(generated),
        results,
    ])


if __name__ == "__main__":
    sys.exit(main())
