"""docs/benchmarks.md from a benchmark run's cells: the tables side by side, growth, and the targets.

A cell is {"stage", "variant", "size", "n", "seconds", "peak_mib", "runs"} (see stages.py); a table
is {"title", "floor" (a variant name or None), "note", "cells"}. Pure functions of those, no I/O.
"""

from __future__ import annotations

from common import growth_exponent, growth_verdict, size_label

TEN_MILLION = 10_000_000
ONE_MILLION = 1_000_000


def _seconds(value: float) -> str:
    return f"{value:.3f}" if value < 0.1 else f"{value:.2f}" if value < 100 else f"{value:.0f}"


def _peak(value: float | None) -> str:
    return "" if value is None else f"{value:,.0f}"


def rows_of(cells: list[dict]) -> dict[tuple[str, str], dict[int, dict]]:
    """(stage, variant) -> {size: cell}, in the order the rows first appear."""
    rows: dict[tuple[str, str], dict[int, dict]] = {}
    for cell in cells:
        rows.setdefault((cell["stage"], cell["variant"]), {})[cell["size"]] = cell
    return rows


def row_growth(by_size: dict[int, dict]) -> float | None:
    """A row's exponent k in time ~ n^k between its smallest and largest measured n."""
    ordered = sorted(by_size.values(), key=lambda cell: (cell["n"], cell["size"]))
    first, last = ordered[0], ordered[-1]
    return growth_exponent((first["n"], first["seconds"]), (last["n"], last["seconds"]))


def render_table(table: dict, sizes: list[int]) -> str:
    """One markdown table: a row per stage and variant, each size's seconds, ratio to the floor and
    peak memory side by side, then the growth exponent and its verdict."""
    floor = table.get("floor")
    rows = rows_of(table["cells"])
    header = ["stage", "variant"]
    for size in sizes:
        header += [f"{size_label(size)} s"] + (["x floor"] if floor else []) + [f"{size_label(size)} peak MiB"]
    header += ["k", "growth"]
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * 2 + " ---: |" * (len(header) - 4) + " --- | --- |"]
    for (stage, variant), by_size in rows.items():
        line = [stage, variant]
        for size in sizes:
            cell = by_size.get(size)
            floor_cell = rows.get((stage, floor), {}).get(size) if floor else None
            if cell is None:
                line += [""] * (3 if floor else 2)
                continue
            line.append(_seconds(cell["seconds"]))
            if floor:
                line.append(f"{cell['seconds'] / floor_cell['seconds']:.2f}x" if floor_cell and floor_cell["seconds"]
                            else "")
            line.append(_peak(cell["peak_mib"]))
        exponent = row_growth(by_size)
        line += ["" if exponent is None else f"{exponent:.2f}", growth_verdict(exponent)]
        lines.append("| " + " | ".join(line) + " |")
    text = f"### {table['title']}\n\n" + "\n".join(lines) + "\n"
    return text + (f"\n{table['note']}\n" if table.get("note") else "")


def _find(cells: list[dict], stage: str, variant: str) -> dict[int, dict]:
    return rows_of(cells).get((stage, variant), {})


def evaluate_targets(cells: list[dict], names: dict[str, str]) -> list[tuple[str, str, str]]:
    """Each target of the issue beside its measured figure: (target, measured, met / missed).

    `names` gives the stage and variant names the targets read (see stages.TARGET_NAMES). A target at
    10M on a run without 10M is judged on the largest size measured and says so."""
    targets = []

    def at_largest(by_size: dict[int, dict]) -> tuple[dict | None, str]:
        if not by_size:
            return None, "not measured"
        largest = max(by_size)
        return by_size[largest], "" if largest >= TEN_MILLION else f" (at {size_label(largest)}, not 10M)"

    def judge(target: str, by_size: dict[int, dict], limit: float, figure: str = "seconds", unit: str = "s"):
        cell, caveat = at_largest(by_size)
        if cell is None or cell[figure] is None:
            targets.append((target, "not measured", "not measured"))
            return
        value = cell[figure]
        shown = f"{value:.2f} s" if unit == "s" else f"{value:,.0f} MiB"
        verdict = "met" if value <= limit else "missed"
        targets.append((target, shown + caveat, verdict + (" so far" if caveat else "")))

    watch = _find(cells, names["live_stage"], names["live_watch"])
    judge("1,000-row file visible to a Reader within 5 s of landing at 10M (`watch` running)", watch, 5.0)
    exponent = row_growth(watch) if len(watch) > 1 else None
    if exponent is None:
        targets.append(("... and that cost flat from 100k to 10M (k < 0.3)", "not measured", "not measured"))
    else:
        span = f"{size_label(min(watch))} to {size_label(max(watch))}"
        verdict = "met" if exponent < 0.3 else "missed"
        targets.append(("... and that cost flat from 100k to 10M (k < 0.3)", f"k = {exponent:.2f} ({span})",
                        verdict + ("" if max(watch) >= TEN_MILLION else " so far")))
    judge("CLI `takedown ingest` of that file under 4 s at 10M", _find(cells, names["live_stage"], names["live_cli"]),
          4.0)
    metrics_cli = _find(cells, names["metrics_stage"], names["metrics_cli"])
    judge("`takedown metrics --month` under 5 s at 10M", metrics_cli, 5.0)
    judge("`takedown metrics --month` under 2 GB at 10M", metrics_cli, 2048, figure="peak_mib", unit="MiB")
    for stage in dict.fromkeys(cell["stage"] for cell in cells if cell["stage"].startswith(names["ingest_prefix"])):
        ours, floor = _find(cells, stage, names["ingest_ours"]), _find(cells, stage, names["ingest_floor"])
        sizes = [size for size in ours if ours[size]["n"] == ONE_MILLION and size in floor]
        if not sizes:
            continue
        ratio = ours[sizes[0]]["seconds"] / floor[sizes[0]]["seconds"]
        targets.append((f"{stage} of a 1M-row export within 3x of DuckDB `read_csv`, end to end",
                        f"{ratio:.2f}x ({_seconds(ours[sizes[0]]['seconds'])} s vs "
                        f"{_seconds(floor[sizes[0]]['seconds'])} s)", "met" if ratio <= 3 else "missed"))
    if not any(target.startswith(names["ingest_prefix"]) for target, _, _ in targets):
        targets.append(("ingest of a 1M-row export within 3x of DuckDB `read_csv`, end to end",
                        "not measured (no export of 1M rows in this run)", "not measured"))
    return targets


def render_targets(targets: list[tuple[str, str, str]]) -> str:
    lines = ["| target | measured | verdict |", "| --- | --- | --- |"]
    lines += [f"| {target} | {measured} | {verdict} |" for target, measured, verdict in targets]
    return "\n".join(lines) + "\n"


def render_generation(generated: dict[int, dict]) -> str:
    """How long each size's data took to generate, or that it came from the cache."""
    lines = ["| size | generation s | cached | rows per export (listings, complaints, outcomes, ip_rights) |",
             "| --- | ---: | --- | --- |"]
    for size, record in sorted(generated.items()):
        rows = ", ".join(f"{record['rows'][kind]:,}" for kind in ("listings", "complaints", "outcomes", "ip_rights"))
        lines.append(f"| {size_label(size)} ({size:,} complaint items) | {record['seconds']:.1f} | "
                     f"{'yes (generated earlier)' if record['cached'] else 'no'} | {rows} |")
    return "\n".join(lines) + "\n"


def render_stage_costs(costs: dict[str, dict[int, tuple[float, int]]], sizes: list[int]) -> str:
    """Each stage's whole wall time at each size (all its variants and runs): where the run's time goes."""
    lines = ["### Where the run's time goes", "",
             "| stage | " + " | ".join(f"{size_label(size)} s (runs per variant)" for size in sizes) + " |",
             "| --- |" + " ---: |" * len(sizes)]
    for stage, by_size in costs.items():
        cells = [f"{by_size[size][0]:.0f} ({by_size[size][1]})" if size in by_size else "" for size in sizes]
        lines.append(f"| {stage} | " + " | ".join(cells) + " |")
    totals = [sum(by_size[size][0] for by_size in costs.values() if size in by_size) for size in sizes]
    lines.append("| all | " + " | ".join(f"{total:.0f}" for total in totals) + " |")
    return "\n".join(lines) + "\n\ngenerate is 0 where the data came from the cache.\n"


def render_facts(facts: dict[str, str]) -> str:
    lines = ["| | |", "| --- | --- |"] + [f"| {label} | {value} |" for label, value in facts.items()]
    return "\n".join(lines) + "\n"


def render_results(tables: list[dict], sizes: list[int], names: dict[str, str]) -> str:
    """The targets, then every table (what the driver prints to stdout and puts in the document)."""
    cells = [cell for table in tables for cell in table["cells"]]
    parts = ["### Earlier targets (issue 11)\n", render_targets(evaluate_targets(cells, names)), "## Results\n",
             "Seconds are medians of the runs (see each table's note); peak MiB is the process's max RSS; "
             "x floor is the ratio to the table's floor variant at the same size; k is the exponent in "
             "time ~ n^k between the smallest and largest n measured (n: complaint items in the store, or "
             "rows in the file for ingest): below 0.3 flat, about 1 linear, above 1.15 worse than linear.\n"]
    parts += [render_table(table, sizes) for table in tables]
    return "\n".join(parts)


HUNDRED_MILLION = 100_000_000


def _verdict(value: float | None, limit: float, unit: str, detail: str = "") -> str:
    if value is None:
        return "not measured"
    shown = f"{value:.2f} s" if unit == "s" else f"{value:,.0f} MiB"
    return f"{shown}{detail}: {'met' if value <= limit else 'missed'}"


def _largest_page(cells: list[dict], names: dict[str, str], variant: str, size: int) -> tuple[float | None, str]:
    """The slowest page of `variant` at `size`, and which page it is."""
    pages = [cell for cell in cells if cell["size"] == size and cell["variant"] == variant
             and cell["stage"].startswith(names["page_prefix"])]
    if not pages:
        return None, ""
    slowest = max(pages, key=lambda cell: cell["seconds"])
    return slowest["seconds"], f" ({slowest['stage'].removeprefix(names['page_prefix'])})"


def _figure(cells: list[dict], stage: str, variant: str, size: int, figure: str = "seconds") -> float | None:
    cell = _find(cells, stage, variant).get(size)
    return None if cell is None else cell[figure]


def _memory(memory: list[dict], processes: tuple[str, ...], size: int) -> float | None:
    """The largest peak of any of `processes` at `size`."""
    peaks = [record["peak_mib"] for record in memory if record["process"] in processes and record["size"] == size]
    return max(peaks) if peaks else None


def issue19_targets(cells: list[dict], memory: list[dict], names: dict[str, str], size: int
                    ) -> list[tuple[str, str]]:
    """(target, "figure: met / missed") of each target of issue 19 at one size."""
    first_page = _figure(cells, names["first_page"], names["drawn_cold"], size)
    warm, warm_page = _largest_page(cells, names, names["drawn_warm"], size)
    metrics = (names["metrics_stage"], names["metrics_cli"], size)
    report = (names["report_stage"], names["report_variant"], size)
    return [
        ("first page (Overview) drawn in Chromium, fresh server: under 3 s", _verdict(first_page, 3, "s")),
        ("every page drawn warm (after one page): under 300 ms (the slowest page)",
         _verdict(warm, 0.3, "s", warm_page)),
        ("dashboard server memory (process tree; every page opened, two sessions on different months): "
         "under 1.5 GB", _verdict(_memory(memory, (names["server_process"], names["server_any"]), size), 1536, "MiB")),
        ("`takedown metrics --month --json`: under 2 s", _verdict(_figure(cells, *metrics), 2, "s")),
        ("`takedown metrics --month --json`: under 1 GB", _verdict(_figure(cells, *metrics, "peak_mib"), 1024, "MiB")),
        ("`takedown report --month`: under 20 s", _verdict(_figure(cells, *report), 20, "s")),
        ("`takedown report --month`: under 2 GB, Python and Chromium together",
         _verdict(_figure(cells, *report, "peak_mib"), 2048, "MiB")),
        ("a 1,000-row file, landing to visible (`watch` running): under 5 s",
         _verdict(_figure(cells, names["live_stage"], names["live_watch"], size), 5, "s")),
    ]


def issue100m_targets(cells: list[dict], memory: list[dict], names: dict[str, str], size: int
                      ) -> list[tuple[str, str]]:
    """(target, "figure: met / missed") of each target of issue 19 at 100M (a 24 GB, 2-core machine)."""
    cold, cold_page = _largest_page(cells, names, names["drawn_cold"], size)
    warm, warm_page = _largest_page(cells, names, names["drawn_warm"], size)
    peaks = [(cell["peak_mib"], f"{cell['stage']}, {cell['variant']}") for cell in cells
             if cell["size"] == size and cell["peak_mib"] is not None]
    peaks += [(record["peak_mib"], record["process"]) for record in memory if record["size"] == size]
    largest = max(peaks, default=(None, ""))
    return [
        ("a month's metrics (`takedown metrics --month --json`): under 10 s",
         _verdict(_figure(cells, names["metrics_stage"], names["metrics_cli"], size), 10, "s")),
        ("every page drawn warm: under 1 s (the slowest page)", _verdict(warm, 1, "s", warm_page)),
        ("every page drawn cold (fresh server): under 10 s (the slowest page)", _verdict(cold, 10, "s", cold_page)),
        ("no process over 4 GB (the largest peak measured)",
         _verdict(largest[0], 4096, "MiB", f" ({largest[1]})" if largest[1] else "")),
        ("a 1,000-row file, landing to visible (`watch` running): under 5 s",
         _verdict(_figure(cells, names["live_stage"], names["live_watch"], size), 5, "s")),
    ]


def render_issue19_targets(cells: list[dict], memory: list[dict], names: dict[str, str], sizes: list[int]) -> str:
    """The issue 19 targets, a column per size below 100M, each cell the figure and met / missed; the
    landing-to-visible cost's growth over the sizes as a last row."""
    shown = [size for size in sizes if size < HUNDRED_MILLION]
    if not shown:
        return ""
    by_size = {size: issue19_targets(cells, memory, names, size) for size in shown}
    lines = ["| target | " + " | ".join(size_label(size) for size in shown) + " |",
             "| --- |" + " --- |" * len(shown)]
    for index, (target, _) in enumerate(by_size[shown[0]]):
        lines.append(f"| {target} | " + " | ".join(by_size[size][index][1] for size in shown) + " |")
    watch = {size: cell for size, cell in _find(cells, names["live_stage"], names["live_watch"]).items()
             if size in shown}
    exponent = row_growth(watch) if len(watch) > 1 else None
    flat = ("not measured (one size)" if exponent is None else
            f"k = {exponent:.2f} from {size_label(min(watch))} to {size_label(max(watch))}: "
            f"{'met' if exponent < 0.3 else 'missed'}")
    lines.append("| ... that landing-to-visible time flat (k < 0.3) | " + flat + " |" + " |" * (len(shown) - 1))
    return "\n".join(lines) + "\n"


def render_100m_targets(cells: list[dict], memory: list[dict], names: dict[str, str], size: int) -> str:
    lines = ["| target | " + size_label(size) + " |", "| --- | --- |"]
    lines += [f"| {target} | {verdict} |" for target, verdict in issue100m_targets(cells, memory, names, size)]
    return "\n".join(lines) + "\n"


def render_memory(cells: list[dict], memory: list[dict], sizes: list[int]) -> str:
    """Peak memory of every process measured, a row per process and a column per size (MiB)."""
    rows: dict[str, dict[int, float]] = {}
    for cell in cells:
        if cell["peak_mib"] is not None:
            # One process measured for several rows (every page of a data-only run) names itself once.
            by_size = rows.setdefault(cell.get("process") or f"{cell['stage']}: {cell['variant']}", {})
            by_size[cell["size"]] = max(by_size.get(cell["size"], 0), cell["peak_mib"])
    for record in memory:
        by_size = rows.setdefault(record["process"], {})
        by_size[record["size"]] = max(by_size.get(record["size"], 0), record["peak_mib"])
    lines = ["| process | " + " | ".join(f"{size_label(size)} peak MiB" for size in sizes) + " |",
             "| --- |" + " ---: |" * len(sizes)]
    for process, by_size in rows.items():
        lines.append(f"| {process} | " + " | ".join(_peak(by_size.get(size)) for size in sizes) + " |")
    return "\n".join(lines) + "\n"
