"""The stages `make bench` measures at one size, each variant in its own fresh process.

Every function returns a list of cells: {"stage", "variant", "size", "n", "seconds", "peak_mib",
"runs"} where `n` is what the cost is expected to grow with (rows in the file for ingest, complaint
items in the store elsewhere), `seconds` the median of the runs and `peak_mib` the largest max RSS.
Stores are copied, and scratch folders made, outside the timed part.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

import bench_live
from bench_metrics import AS_OF, MONTH, agree
from common import BENCHMARKS, OUT, ChildFailed, measured, measured_tree
from generate import EXPORT_ROWS_MAX, export_path

PYTHON = sys.executable
TAKEDOWN = str(Path(PYTHON).with_name("takedown"))
# The kinds whose exports the ingest stage loads (ip_rights has 50 rows: its cost is start-up alone).
INGEST_KINDS = ("listings", "complaints", "outcomes", "ip_rights")

# Row names (render.evaluate_targets reads the targets from some of them, through TARGET_NAMES).
INGEST_FLOOR = "DuckDB read_csv into a table (floor)"
INGEST_OURS = "takedown ingest"
INGEST_PANDAS = "pandas read_csv + to_sql (sqlite3)"
METRICS_COMPUTE_STAGE = "month's metrics, compute (in-process)"
METRICS_WALL_STAGE = "month's metrics, end to end (process wall)"
METRICS_CLI = "takedown metrics --month --json (CLI, every figure)"
LIVE_STAGE = f"{bench_live.ROWS:,}-row complaints file"
LIVE_CLI = "takedown ingest FILE, start to exit"
LIVE_WATCH = "takedown watch: landing to visible to a Reader"
TARGET_NAMES = {"live_stage": LIVE_STAGE, "live_watch": LIVE_WATCH, "live_cli": LIVE_CLI,
                "metrics_stage": METRICS_WALL_STAGE, "metrics_cli": METRICS_CLI,
                "ingest_prefix": "ingest ", "ingest_ours": INGEST_OURS, "ingest_floor": INGEST_FLOOR}

FLOOR_INGEST = """
import sys, duckdb
con = duckdb.connect(sys.argv[2])
con.execute("create table t as select * from read_csv(?)", [sys.argv[1]])
con.close()
"""
# What an analyst without our tool would write: pandas has no DuckDB writer of its own, and its
# to_sql takes a sqlite3 connection without SQLAlchemy (not a dependency here).
PANDAS_INGEST = """
import sqlite3, sys
import pandas as pd
frame = pd.read_csv(sys.argv[1])
with sqlite3.connect(sys.argv[2]) as con:
    frame.to_sql("t", con, index=False)
"""


def cell(stage: str, variant: str, size: int, n: int, runs: list) -> dict:
    """One table cell from the runs of one variant (a list of (seconds, peak MiB or None))."""
    peaks = [peak for _, peak in runs if peak is not None]
    return {"stage": stage, "variant": variant, "size": size, "n": n,
            "seconds": statistics.median(seconds for seconds, _ in runs),
            "peak_mib": max(peaks) if peaks else None, "runs": len(runs)}


def _scratch(name: str) -> Path:
    folder = OUT / "scratch" / name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


def _check_loaded_whole(json_lines: str, rows: int, path: Path) -> None:
    """A benchmark of a load that quarantined rows (or loaded fewer) would flatter it: refuse it."""
    [summary] = [json.loads(line) for line in json_lines.splitlines() if line.startswith("{")]
    if summary["inserted"] != rows or summary["rejected"]:
        raise RuntimeError(f"takedown ingest {path}: {summary['inserted']} of {rows} rows inserted, "
                           f"{summary['rejected']} rejected (the generated export breaks a rule)")


def ingest(size: int, rows: dict[str, int], repeat: int, log) -> list[dict]:
    """Each export kind loaded three ways, end to end (process start to exit), into a new store."""
    cells = []
    for kind in INGEST_KINDS:
        path = export_path(size, kind)
        variants = {
            INGEST_FLOOR: lambda db: [PYTHON, "-c", FLOOR_INGEST, str(path), str(db)],
            INGEST_OURS: lambda db: [TAKEDOWN, "ingest", "--json", "--kind", kind, "--db", str(db), str(path)],
            INGEST_PANDAS: lambda db: [PYTHON, "-c", PANDAS_INGEST, str(path),
                                                              str(db.with_suffix(".sqlite"))],
        }
        for variant, command in variants.items():
            runs = []
            for _ in range(repeat):
                db = _scratch("ingest") / "store.duckdb"
                run = measured(command(db))
                if variant == INGEST_OURS:
                    _check_loaded_whole(run.stdout, rows[kind], path)
                # A big store's working copy is refilled by a detached process after the command:
                # let it finish so that it does not slow the next measurement.
                bench_live.wait_for_writer(db)
                runs.append((run.seconds, run.peak_mib))
                log(f"ingest {kind} {variant}: {run.seconds:.2f} s, {run.peak_mib:.0f} MiB")
            cells.append(cell(f"ingest {kind}", variant, size, rows[kind], runs))
    shutil.rmtree(OUT / "scratch", ignore_errors=True)
    return cells


METRIC_VARIANTS = {"sql": "hand-written DuckDB SQL (floor)", "engine": "takedown.metrics",
                   "pandas": "pandas (tables read whole)"}


def metrics(size: int, db: Path, repeat: int, log, with_pandas: bool = True
            ) -> tuple[list[dict], bool, list[str]]:
    """A month's totals and by-platform figures three ways, plus the whole `takedown metrics --json`.

    Returns the cells, whether the figures of the floor, the engine and pandas agree, and what failed:
    pandas failing (out of memory at 10M) leaves its rows empty, not the others."""
    compute, wall, figures, failed = {}, {}, {}, []
    for variant in METRIC_VARIANTS if with_pandas else ("sql", "engine"):
        compute[variant], wall[variant] = [], []
        for _ in range(repeat):
            command = [PYTHON, str(BENCHMARKS / "bench_metrics.py"), "--child", variant, "--db", str(db)]
            try:
                run = measured(command)
            except ChildFailed as error:
                if variant != "pandas":
                    raise
                failed.append(f"{METRIC_VARIANTS[variant]}: {error}")
                log(f"FAILED: {error}")
                del compute[variant], wall[variant]
                break
            report = json.loads(run.stdout)
            figures[variant] = report["figures"]
            compute[variant].append((report["seconds"], run.peak_mib))
            wall[variant].append((run.seconds, run.peak_mib))
            log(f"metrics {METRIC_VARIANTS[variant]}: {report['seconds']:.2f} s compute, {run.seconds:.2f} s wall, "
                f"{run.peak_mib:.0f} MiB")
    wall["cli"] = []
    for _ in range(repeat):
        run = measured([TAKEDOWN, "metrics", "--month", MONTH, "--as-of", AS_OF, "--json", "--db", str(db)])
        wall["cli"].append((run.seconds, run.peak_mib))
        log(f"metrics takedown metrics --month --json: {run.seconds:.2f} s, {run.peak_mib:.0f} MiB")
    agreed = all(agree(figures["engine"], figures[other]) for other in figures if other != "engine")
    cells = [cell(METRICS_COMPUTE_STAGE, METRIC_VARIANTS[v], size, size, runs)
             for v, runs in compute.items()]
    cells += [cell(METRICS_WALL_STAGE, METRIC_VARIANTS.get(v, METRICS_CLI), size, size, runs)
              for v, runs in wall.items()]
    return cells, agreed, failed


DATA_COLD = "data only, cold (store open + the page's own reads + page)"
DATA_WARM = "data only, warm (the page again)"
DRAWN_COLD = "drawn in Chromium, cold (fresh server, first page)"
DRAWN_WARM = "drawn in Chromium, warm (after one page)"
# The dashboard stage's first row: what every page does before its own reads.
DASHBOARD_OPEN = "store open and filter choices"
DATA_PROCESS = "dashboard data only (bench_dashboard.py: one process, the load and every page)"
DASHBOARD_VARIANTS = (DRAWN_COLD, DATA_COLD, DRAWN_WARM, DATA_WARM)
DASHBOARD_PAGES = ("overview", "good_faith", "action_queue", "breakdowns", "repeat_offenders", "ip_portfolio",
                   "data_quality")


def dashboard(size: int, db: Path, repeat: int, log) -> list[dict]:
    """Each page's data: cold (store open + the page's own reads + the page) and warm (the page again)."""
    runs = []
    for _ in range(repeat):
        run = measured([PYTHON, str(BENCHMARKS / "bench_dashboard.py"), "--store", f"x={db}", "--one", str(db),
                        f"--as-of={AS_OF}", f"--month={MONTH}"])
        runs.append((json.loads(run.stdout.strip().splitlines()[-1]), run.peak_mib))
        log(f"dashboard: {DASHBOARD_OPEN} {runs[-1][0]['load_ms'] / 1000:.2f} s, {run.peak_mib:.0f} MiB")
    cells = [cell(f"dashboard: {DASHBOARD_OPEN}", DATA_COLD, size, size,
                  [(result["load_ms"] / 1000, peak) for result, peak in runs])]
    for page in DASHBOARD_PAGES:
        for variant, index in ((DATA_COLD, 0), (DATA_WARM, 1)):
            load = (lambda result: result["load_ms"]) if variant == DATA_COLD else (lambda result: 0)
            cells.append(cell(f"dashboard: {page}", variant, size, size,
                              [((load(result) + result["pages"][page][index]) / 1000, peak) for result, peak in runs]))
    for each in cells:
        each["process"] = DATA_PROCESS
    return cells


REPORT_STAGE = "takedown report (HTML, XLSX, PDF)"
REPORT_VARIANT = "takedown report --month (peak: Python + Chromium)"


def report(size: int, db: Path, repeat: int, log) -> list[dict]:
    """`takedown report --month` into a new folder: HTML, XLSX and the PDF (Chromium) included; its
    peak is the resident memory of the whole process tree (Python, Playwright's driver, Chromium)."""
    runs = []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory(dir=OUT) as folder:
            run = measured_tree([TAKEDOWN, "report", "--month", MONTH, "--as-of", AS_OF, "--out", folder,
                            "--db", str(db)])
            if not (Path(folder) / "report.pdf").exists():
                raise RuntimeError("takedown report wrote no report.pdf")
        runs.append((run.seconds, run.peak_mib))
        log(f"report: {run.seconds:.2f} s, {run.peak_mib:.0f} MiB")
    return [cell(REPORT_STAGE, REPORT_VARIANT, size, size, runs)]


WATCH_PROCESS = "takedown watch (process tree, loading 1,000-row files into the store)"


def live(size: int, db: Path, repeat: int, log) -> tuple[list[dict], list[dict]]:
    """A 1,000-row complaints file on a copy of the store: `takedown ingest FILE` start to exit, and
    with `takedown watch` running, its rename into the inbox to a Reader seeing it. Returns the cells
    and the watcher's peak memory."""
    source = export_path(size, "complaints")
    copy = bench_live.copy_store(db, f"bench_all_{size}")
    folder = copy.parent
    try:
        # Untimed: the first writer of a copied store makes its working copy.
        bench_live.cli_ingest_run(copy, bench_live.sample_file(source, folder / "first.csv", "BENCH-FIRST"))
        cli = []
        for run_number in range(repeat):
            path = bench_live.sample_file(source, folder / f"cli-{run_number}.csv", f"BENCH-C{run_number}")
            run = bench_live.cli_ingest_run(copy, path)
            cli.append((run.seconds, run.peak_mib))
            log(f"live: takedown ingest of {bench_live.ROWS:,} rows: {run.seconds:.2f} s, {run.peak_mib:.0f} MiB")
        bench_live.wait_for_writer(copy)
        peaks: list[float] = []
        latencies = bench_live.watch_latency(copy, folder, source, repeat, None, None, peaks)
        log(f"live: watch, landing to visible: {', '.join(f'{seconds:.2f}' for seconds in latencies)} s")
    finally:
        bench_live.wait_for_writer(copy)
        shutil.rmtree(folder, ignore_errors=True)
    return ([cell(LIVE_STAGE, LIVE_CLI, size, size, cli),
             cell(LIVE_STAGE, LIVE_WATCH, size, size, [(seconds, None) for seconds in latencies])],
            [memory_record(WATCH_PROCESS, size, max(peaks))])



OTHER_MONTH = "2026-09"  # the second browser session's month (MONTH is the first's)
SERVER_PROCESS = "dashboard server (Streamlit, process tree), two browser sessions on different months"
SERVER_ANY = "dashboard server (Streamlit, process tree), the largest of the fresh servers (a page cold, one warm)"
BROWSER_PROCESS = "Chromium and Playwright (the browser stage's sessions)"


def browser(size: int, db: Path, repeat: int, log) -> tuple[list[dict], list[dict]]:
    """Every page as a person sees it (benchmarks/bench_browser.py): drawn in Chromium on a fresh server
    (cold) and after one page (warm). Returns the cells and the memory records (the server's process
    tree with two sessions open, the browser's)."""
    results = []
    for _ in range(repeat):
        run = measured([PYTHON, str(BENCHMARKS / "bench_browser.py"), "--db", str(db), "--month", MONTH,
                        "--other-month", OTHER_MONTH, f"--as-of={AS_OF}"])
        results.append(json.loads(run.stdout.strip().splitlines()[-1]))
        log(f"browser: {json.dumps(results[-1]['pages'])}")
    cells = []
    for page in results[0]["pages"]:
        for variant, key in ((DRAWN_COLD, "cold"), (DRAWN_WARM, "warm")):
            cells.append(cell(f"dashboard: {page}", variant, size, size,
                              [(result["pages"][page][key], None) for result in results]))
    servers = [server for result in results for server in result["servers"]]
    two_sessions = [server["peak_mib"] for server in servers if server["two_sessions_mib"] is not None]
    memory = [memory_record(SERVER_PROCESS, size, max(two_sessions)),
              memory_record(SERVER_ANY, size, max(server["peak_mib"] for server in servers)),
              memory_record(BROWSER_PROCESS, size, max(result["browser_peak_mib"] for result in results))]
    return cells, memory


def memory_record(process: str, size: int, peak_mib: float) -> dict:
    """A peak of a process (or process tree) that is not a table cell of its own: {"process", "size", "peak_mib"}."""
    return {"process": process, "size": size, "peak_mib": peak_mib}


LAKE_FILE = "DuckDB file"
LAKE_LAKE = "DuckLake (PostgreSQL catalog, Parquet data)"
LAKE_COPY = "the size's store copied into a new DuckLake (SQL, one commit per table)"
LAKE_INGEST = "ingest of the complaints export into an empty store"
LAKE_OPEN = "open the store and count its complaint items (a fresh process)"
LAKE_METRICS = "takedown metrics --month --json"
LAKE_LANDING = f"a {bench_live.ROWS:,}-row file: `takedown ingest` start to a reader seeing it"
# Why the lake is slower where it is, per stage (from docs/ducklake.md, checked on these runs).
LAKE_WHY = {
    LAKE_OPEN: "opening a lake loads the ducklake and postgres extensions, attaches the catalog over a "
               "PostgreSQL connection and reads the latest snapshot's file list before the first row",
    LAKE_INGEST: "each upsert reads the existing keys from Parquet through the catalog instead of DuckDB's "
                 "own indexed pages, and the commit writes Parquet files and catalog rows in PostgreSQL",
    LAKE_METRICS: "the opening (the row above) comes first; then each query reads the snapshot's file list "
                  "from PostgreSQL and scans Parquet files instead of DuckDB's own cached pages",
    LAKE_LANDING: "the same start-up, then a commit in PostgreSQL (catalog rows, a new Parquet file) instead "
                  "of a checkpoint and a rename; a second process attaches the lake again to see it",
    "dashboard": "the snapshot's and each page's queries read Parquet through the catalog (the extension "
                 "start-up and the catalog's file list come first)",
}


COUNT_ITEMS = """
import sys
from takedown.store import connect_reader
con = connect_reader(sys.argv[1])
con.sql("select count(*) from complaint_items").fetchone()
"""


def lake(size: int, db: Path, repeat: int, log) -> list[dict]:
    """The DuckLake backend beside the file (issue 18) at one size: a throw-away PostgreSQL catalog
    (tests/lake_postgres.py), the size's store copied into a lake, then on both backends in fresh
    processes: a month's metrics, each dashboard page's data (cold and warm), a 1,000-row file's
    landing to visible, and (up to EXPORT_ROWS_MAX items) the complaints export into an empty store."""
    import bench_lake

    work = Path(tempfile.mkdtemp(prefix="lake-", dir=OUT))
    file_store = bench_live.copy_store(db, f"bench_lake_{size}")
    server = bench_lake.start_postgres()
    cells = []
    try:
        location = server.new_lake()
        # In a child process: the driver stays small (and its environment without the data path).
        copy_seconds = float(measured([PYTHON, str(BENCHMARKS / "bench_lake.py"), "--copy", str(db), location,
                                       str(work / "lake-data")]).stdout.strip().splitlines()[-1])
        log(f"lake: store copied into the lake in {copy_seconds:.1f} s")
        cells.append(cell(LAKE_COPY, LAKE_LAKE, size, size, [(copy_seconds, None)]))
        stores = {LAKE_FILE: str(file_store), LAKE_LAKE: location}
        for variant, store in stores.items():
            runs = [(run.seconds, run.peak_mib) for run in (measured([PYTHON, "-c", COUNT_ITEMS, store])
                                                             for _ in range(repeat))]
            cells.append(cell(LAKE_OPEN, variant, size, size, runs))
        figures = {}
        for variant, store in stores.items():
            runs = []
            for _ in range(repeat):
                run = measured([TAKEDOWN, "metrics", "--month", MONTH, "--as-of", AS_OF, "--json", "--db", store])
                runs.append((run.seconds, run.peak_mib))
                figures[variant] = json.loads(run.stdout)
            log(f"lake: metrics on the {variant}: {runs[-1][0]:.2f} s")
            cells.append(cell(LAKE_METRICS, variant, size, size, runs))
        if figures[LAKE_FILE] != figures[LAKE_LAKE]:
            raise RuntimeError(f"takedown metrics --json differs between the file and the lake at {size:,} items")
        for variant, store in stores.items():
            dashboard_runs = []
            for _ in range(repeat):
                run = measured([PYTHON, str(BENCHMARKS / "bench_dashboard.py"), "--store", f"x={store}",
                                "--one", store, f"--as-of={AS_OF}", f"--month={MONTH}"])
                dashboard_runs.append((json.loads(run.stdout.strip().splitlines()[-1]), run.peak_mib))
            log(f"lake: dashboard data on the {variant}: load {dashboard_runs[-1][0]['load_ms'] / 1000:.2f} s")
            for page in DASHBOARD_PAGES:
                for label, index, with_load in (("cold", 0, True), ("warm", 1, False)):
                    cells.append({**cell(f"dashboard page data, {label}: {page}", variant, size, size, [
                        (((result["load_ms"] if with_load else 0) + result["pages"][page][index]) / 1000, peak)
                        for result, peak in dashboard_runs]), "process": f"{DATA_PROCESS}, on the {variant}"})
        for variant, store in stores.items():
            name = "file" if variant == LAKE_FILE else "lake"
            # Untimed, as in the live stage: the first writer of a copied file store makes its working copy.
            bench_lake.landing(store, work, f"first-{name}")
            runs = []
            for number in range(repeat):
                bench_live.wait_for_writer(file_store)  # the file's background refill done first
                runs.append((bench_lake.landing(store, work, f"landed-{name}-{number}"), None))
            log(f"lake: landing on the {variant}: {', '.join(f'{seconds:.2f}' for seconds, _ in runs)} s")
            cells.append(cell(LAKE_LANDING, variant, size, size, runs))
        if size <= EXPORT_ROWS_MAX:
            export = export_path(size, "complaints")
            rows = sum(1 for _ in export.open(encoding="utf-8")) - 1
            for variant in stores:
                runs = []
                for _ in range(repeat):
                    target = (str(_scratch("lake-ingest") / "store.duckdb") if variant == LAKE_FILE
                              else server.new_lake())
                    env = {**os.environ, bench_lake.lake.DATA_PATH_VARIABLE: str(work / f"ingest-{len(runs)}")}
                    run = measured([TAKEDOWN, "ingest", "--json", "--kind", "complaints", "--db", target,
                                    str(export)], env=env)
                    _check_loaded_whole(run.stdout, rows, export)
                    if variant == LAKE_FILE:
                        bench_live.wait_for_writer(Path(target))  # its background refill, as in the ingest stage
                    runs.append((run.seconds, run.peak_mib))
                log(f"lake: ingest of {rows:,} complaint rows on the {variant}: {runs[-1][0]:.2f} s")
                cells.append(cell(LAKE_INGEST, variant, size, rows, runs))
    finally:
        bench_lake.remove_postgres(server)
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(OUT / "scratch", ignore_errors=True)
        bench_live.wait_for_writer(file_store)
        shutil.rmtree(file_store.parent, ignore_errors=True)
    return cells


# What the issue 19 targets read (render.evaluate_targets_19).
TARGET_NAMES.update({"drawn_cold": DRAWN_COLD, "drawn_warm": DRAWN_WARM, "first_page": "dashboard: overview",
                     "page_prefix": "dashboard: ", "server_process": SERVER_PROCESS,
                     "server_any": SERVER_ANY,
                     "report_stage": REPORT_STAGE, "report_variant": REPORT_VARIANT})


PREDICT_VARIANT = "takedown.prediction (benchmarks/bench_predict.py, one process)"


def predict(size: int, db: Path, repeat: int, log) -> list[dict]:
    """Predicted success on the size's store, read-only (benchmarks/bench_predict.py): the features of the
    items submitted by T, fitting, calibrating and checking the model, and predicting the month after T.
    One process: each step's wall seconds and the process's peak memory after it (it only grows); n is
    the step's rows."""
    cells = []
    for _ in range(repeat):
        run = measured([PYTHON, str(BENCHMARKS / "bench_predict.py"), str(db)])
        for line in run.stdout.splitlines():
            parts = [part.strip() for part in line.strip().strip("|").split("|")]
            if len(parts) != 5 or not parts[1].replace(".", "", 1).isdigit():
                continue
            name, wall, cpu, peak_gb, rows = parts
            cells.append(cell(name, PREDICT_VARIANT, size, int(rows.replace(",", "")),
                              [(float(wall), float(peak_gb) * 1024)]))
            log(f"predict: {name}: {wall} s ({cpu} CPU-s), peak {peak_gb} GB")
        for line in run.stdout.splitlines():
            if line.startswith(("checked on", "No prediction")):
                log(f"predict: {line}")
    if not cells:
        raise RuntimeError("benchmarks/bench_predict.py printed no step")
    return cells
