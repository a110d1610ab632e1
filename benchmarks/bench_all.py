"""One benchmark run: every stage at every size, side by side, written to docs/benchmarks.md.

    make bench                                   # 100k, 1M and 10M complaint items (within 20 minutes)
    make bench SIZES=100k,1M                     # or: uv run python benchmarks/bench_all.py --sizes 100k,1M
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
               with the snapshot load, and warm, the page again on the loaded snapshot
  report     - `takedown report --month --out DIR`, HTML, workbook and PDF (Chromium)
  live       - a 1,000-row complaints file on a copy of the store: `takedown ingest FILE` start to
               exit, and with `takedown watch` running, its rename into the inbox to a
               takedown.store.Reader seeing it
How: every measured variant runs in its own fresh process (wall time; peak memory is its max RSS
from os.wait4); stores are copied and scratch folders made outside the timing; each figure is the
median of --repeat runs (one run for the dashboard and report stages at 10M: see PLAN_NOTE). For each row, k in
time ~ n^k between the smallest and largest size shows how its cost grows.
Targets (issue 11), printed beside their figures: a 1,000-row file visible to readers within 5 s of
landing at 10M with `watch` running, that cost flat from 100k to 10M; CLI ingest of that file under
4 s at 10M; `takedown metrics --month` under 5 s and 2 GB at 10M; ingest of a 1M-row export within 3x
of `read_csv` end to end.
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
from generate import EXPORT_ROWS_MAX, ensure_data, store_path

STAGES = ("ingest", "metrics", "dashboard", "report", "live")
DEFAULT_SIZES = "100k,1M,10M"
# At and above this size the long stages run each variant once (a second 10M report or dashboard pass
# would not fit the 20-minute budget); the stages the targets read keep their median of --repeat.
SINGLE_RUN_FROM = 10_000_000
SINGLE_RUN_STAGES = ("dashboard", "report")
# pandas reads the three tables whole: at 10M about 28M rows, projected ~40 s and ~6-7 GB (PLAN_NOTE).
# Lower this to 1_000_000 on a machine with less than 16 GB of memory.
PANDAS_METRICS_MAX = 10_000_000

PLAN_NOTE = f"""\
**What runs at each size, and why.** The default run (100k, 1M, 10M) has to finish within 20 minutes
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
    return {"repeat": {stage: 1 if single and stage in SINGLE_RUN_STAGES else repeat for stage in STAGES},
            "pandas_metrics": size <= PANDAS_METRICS_MAX}


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
    "dashboard": ("Dashboard: each page's data, cold and warm", None,
                  "Cold: a fresh process, snapshot load + the page's first computation; warm: the page "
                  "again on the loaded snapshot (a filter change). Peak MiB is the whole process's."),
    "report": ("Monthly report", None, "`takedown report --month --out DIR` (peak MiB: the Python "
                                       "process; Chromium's own memory is not counted)."),
    "live": ("A 1,000-row file: landing to visible", None,
             "On a copy of each size's store, after one untimed ingest. The watch figure is from the "
             "rename into the inbox to a takedown.store.Reader seeing the file's batch (its process's "
             "memory is not measured)."),
}


def run_stage(stage: str, size: int, plan: dict, tables: dict, agreement: dict, rows: dict, log) -> list[str]:
    """Measure one stage at one size; its cells go into their table. Returns the variants that failed."""
    db = store_path(size)
    failed: list[str] = []
    if stage == "ingest":
        tables["ingest"]["cells"] += stages.ingest(size, rows, plan["repeat"][stage], log)
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
    failures: list[str] = []
    # stage -> size -> (the whole stage's wall seconds, runs per variant): what the budget is planned on.
    stage_costs: dict[str, dict[int, tuple[float, int]]] = {
        "generate": {size: (0.0 if record["cached"] else record["seconds"], 1) for size, record in generated.items()}}
    for size in args.sizes:
        plan = run_plan(size, args.repeat)
        context["size"] = size_label(size)
        for stage in chosen:
            context["stage"] = stage
            stage_started = time.perf_counter()
            try:
                failures += [f"{stage} at {size_label(size)}: {failure}" for failure in
                             run_stage(stage, size, plan, tables, agreement, generated[size]["rows"], log)]
            except (ChildFailed, RuntimeError) as error:
                # One failed variant (e.g. out of memory at 10M) must not throw away the rest of the run.
                failures.append(f"{stage} at {size_label(size)}: {error}")
                log(f"FAILED: {error}")
            stage_costs.setdefault(stage, {})[size] = (time.perf_counter() - stage_started, plan["repeat"][stage])

    used = [table for table in tables.values() if table["cells"]]
    if agreement:
        tables["metrics_compute"]["note"] += " Figures agree (floor, engine, pandas): " + ", ".join(
            f"{size_label(size)} {'yes' if agreed else 'NO'}" for size, agreed in agreement.items()) + "."
    results = render.render_results(used, args.sizes, stages.TARGET_NAMES)
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
    (OUT / "results.json").write_text(json.dumps({"facts": facts, "tables": used, "stage_costs": stage_costs},
                                                 indent=1))
    if not args.no_write:
        args.out.write_text(document(facts, generated, results), encoding="utf-8")
        print(f"wrote {args.out}", file=sys.stderr)
    return 0 if all(agreement.values()) and not failures else 1


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
