"""Every command, given bad arguments and hostile inputs, answers with one line and its exit code.

Exit codes (README): 2 for a usage error, 1 for a file or store that cannot be read or written,
130 when interrupted. Never a traceback.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from takedown import cli
from takedown.cli import COMMANDS, main
from takedown.ingest import ingest_files
from takedown.store import connect_reader

LISTINGS = ("platform,listing_id,url,seller_id,brand,infringement_type,detected_at\n"
            "alibaba,L1,https://a/1,S1,Acme,counterfeit,2026-03-01\n")


@pytest.fixture(scope="module")
def place(tmp_path_factory) -> Path:
    """A folder with a real store, an export, a plain file, a bad mapping and an empty folder."""
    root = tmp_path_factory.mktemp("hostile")
    (root / "listings.csv").write_text(LISTINGS)
    (root / "notes.txt").write_text("not a store, not a folder")
    (root / "folder").mkdir()
    (root / "bad.toml").write_text('[columns]\n"Case No" = "complaint_idd"\n')
    (root / "list.toml").write_text('[platforms]\nshopee = "shopee.com"\n')
    (root / "tz.toml").write_text("timezone = 8\n")
    # Files that are not files, and files that never end a line (issue 15).
    os.mkfifo(root / "pipe.csv")
    (root / "null.csv").symlink_to("/dev/null")
    (root / "dangling.csv").symlink_to(root / "gone.csv")
    (root / "array.json").write_text('[\n{"listing_id": "L1"},\n{"listing_id": "L2"}\n]\n')
    (root / "wide.csv").write_text(",".join(f"n{i}" for i in range(20_000)) + "\nx\n")
    ingest_files([root / "listings.csv"], root / "store.duckdb")
    return root


# (argv with {root} for the folder above, exit code, words the one line must hold)
CASES = [
    # --- ingest
    ("ingest {root}/missing.csv --db {root}/s1.duckdb", 1, "cannot open the file"),
    ("ingest {root}/folder --db {root}/s1.duckdb", 1, "refused, nothing loaded"),
    ("ingest {root}/pipe.csv --db {root}/s1.duckdb", 1, "not an export file: it is a named pipe (FIFO)"),
    ("ingest {root}/null.csv --db {root}/s1.duckdb", 1, "it is a character device (the link leads to /dev/null)"),
    ("ingest {root}/dangling.csv --db {root}/s1.duckdb", 1, "gone.csv, which does not exist"),
    ("ingest {root}/array.json --db {root}/s1.duckdb", 1, "a JSON array, not JSON Lines"),
    ("ingest {root}/wide.csv --db {root}/s1.duckdb", 1, "the header has 20,000 columns, more than the 16,384"),
    ("ingest {root}/listings.csv --tz Mars/Olympus --db {root}/s1.duckdb", 2, "unknown time zone 'Mars/Olympus'"),
    ("ingest {root}/listings.csv --kind sellers --db {root}/s1.duckdb", 2, "invalid choice: 'sellers'"),
    ("ingest --db {root}/s1.duckdb", 2, "the following arguments are required: FILE"),
    ("ingest {root}/listings.csv --mapping {root}/bad.toml --db {root}/s1.duckdb", 2, "'complaint_idd' is not one"),
    ("ingest {root}/listings.csv --mapping {root}/list.toml --db {root}/s1.duckdb", 2, "must be a list of aliases"),
    ("ingest {root}/listings.csv --mapping {root}/tz.toml --db {root}/s1.duckdb", 2, "timezone: must be text"),
    ("ingest {root}/listings.csv --mapping {root}/missing.toml --db {root}/s1.duckdb", 2, "cannot read the mapping"),
    ("ingest {root}/listings.csv --mapping {root}/folder --db {root}/s1.duckdb", 2, "cannot read the mapping"),
    ("ingest {root}/listings.csv --db /dev/null/x.duckdb", 1, "/dev/null is not a folder"),
    ("ingest {root}/listings.csv --db {root}/notes.txt/x.duckdb", 1, "notes.txt is not a folder"),
    ("ingest {root}/listings.csv --db {root}/folder", 1, "is a folder; name the store file"),
    ("ingest {root}/listings.csv --db {root}/notes.txt", 1, "notes"),  # a file that is not a store
    # --- rejects
    ("rejects --db {root}/missing.duckdb", 1, "no store at"),
    # --- compact (a DuckLake's small files)
    ("compact --db {root}/s1.duckdb", 2, "compact applies to a ducklake:... store"),
    ("compact --db ducklake:{root}/missing.ducklake", 1, "no store at ducklake:"),
    ("metrics --month 2026-05 --db ducklake:sqlite:{root}/missing.sqlite", 1, "no store at ducklake:sqlite:"),
    ("rejects --db {root}/folder", 1, "is a folder, not a store"),
    ("rejects --db {root}/notes.txt", 1, "is a text file, not a takedown store"),
    ("rejects --db /dev/null/x.duckdb", 1, "no store at /dev/null/x.duckdb"),
    ("rejects --db {root}/store.duckdb --out {root}/folder", 2, "is a folder; name a .csv or .xlsx file"),
    ("rejects --db {root}/store.duckdb --out {root}/rejects.txt", 2, "must end in .csv or .xlsx"),
    ("rejects --db {root}/store.duckdb --out /proc/no/such/rejects.csv", 1, "cannot write --out /proc/no/such"),
    ("rejects --db {root}/store.duckdb --out {root}/notes.txt/rejects.csv", 1, "cannot write --out"),
    # --- metrics
    *[(f"metrics --month 2026-09 --response-window-hours={value} --db {{root}}/store.duckdb", 2,
       f"--response-window-hours must be positive and at most 8,760, not {shown}")
      for value, shown in (("inf", "inf"), ("-inf", "-inf"), ("nan", "nan"), ("0", "0"), ("1e9", "1e+09"))],
    ("metrics --month 2026-09 --repeat-offender-window-days 99999999 --db {root}/store.duckdb", 2,
     "--repeat-offender-window-days must be at least 1 and at most 3,660, not 99,999,999"),
    ("metrics --month 2026-09 --repeat-offender-threshold 100000000000000000000 --db {root}/store.duckdb", 2,
     "--repeat-offender-threshold must be at least 1 and at most 1,000,000, not 100,000,000,000,000,000,000"),
    ("metrics --month 2026-09 --good-faith-months 99999999 --db {root}/store.duckdb", 2,
     "--good-faith-months must be at least 1 and at most 120"),
    ("metrics --month 2026-09 --good-faith-months 1.5 --db {root}/store.duckdb", 2, "invalid int value: '1.5'"),
    ("metrics --month 2026-09 --good-faith-min-takedown-rate nan --db {root}/store.duckdb", 2, "is a fraction"),
    ("metrics --month 2026-09 --good-faith-max-counter-notice-success-rate inf --db {root}/store.duckdb", 2,
     "is a fraction"),
    ("metrics --month 2026-09 --as-of 2999-01-01 --db {root}/store.duckdb", 2, "--as-of 2999-01-01 is in the future"),
    ("metrics --month 9999-12 --db {root}/store.duckdb", 2, "months lie between 1971 and 2999"),
    ("metrics --month 0001-01 --db {root}/store.duckdb", 2, "months lie between"),
    ("metrics --month 2026-13 --db {root}/store.duckdb", 2, "not a month"),
    ("metrics --start 0001-01-01 --end 0001-01-02 --db {root}/store.duckdb", 2, "--start 0001-01-01: times lie"),
    ("metrics --start 2026-01-01 --end 9999-12-31T23:00:00-05:00 --db {root}/store.duckdb", 2, "out of range"),
    ("metrics --start 2026-01-01 --end yesterday --db {root}/store.duckdb", 2, "not an ISO 8601 time"),
    ("metrics --month 2026-09 --tz Mars/Olympus --db {root}/store.duckdb", 2, "unknown time zone"),
    ("metrics --month 2026-09 --db {root}/missing.duckdb", 1, "no store at"),
    ("metrics --month 2026-09 --db {root}/folder", 1, "is a folder, not a store"),
    ("metrics --month 2026-09 --db {root}/notes.txt", 1, "is a text file, not a takedown store"),
    ("metrics --month 2026-09 --db /dev/null/x.duckdb", 1, "no store at"),
    ("metrics", 2, "one of the arguments --month --start is required"),
    # --- items (the metrics flags, plus --metric and --out)
    ("items --month 2026-09 --metric removal --db {root}/store.duckdb", 2, "--metric 'removal' is not a metric"),
    ("items --month 2026-09 --ipr-type logo --db {root}/store.duckdb", 2, "logo"),
    ("items --month 2026-09 --as-of 2999-01-01 --db {root}/store.duckdb", 2, "is in the future"),
    ("items --month 13-2026 --db {root}/store.duckdb", 2, "13-2026"),
    ("items --month 2026-09 --db {root}/notes.txt", 1, "is a text file, not a takedown store"),
    ("items --month 2026-09 --db {root}/missing.duckdb", 1, "no store at"),
    ("items --month 2026-09 --out {root}/folder --db {root}/store.duckdb", 2, "folder"),
    ("items --month 2026-09 --out {root}/rows.pdf --db {root}/store.duckdb", 2, ".csv or .xlsx"),
    # --- report (refused before anything is written)
    ("report --db {root}/store.duckdb --out {root}/r", 2, "the following arguments are required: --month"),
    ("report --month 2026-13 --db {root}/store.duckdb --out {root}/r", 2, "not a month: '2026-13'"),
    ("report --month 2026-09 --as-of 2999-01-01 --db {root}/store.duckdb --out {root}/r", 2, "is in the future"),
    ("report --month 2026-09 --tz Mars/Olympus --db {root}/store.duckdb --out {root}/r", 2, "unknown time zone"),
    ("report --month 2026-09 --out {root}/notes.txt --db {root}/store.duckdb", 2, "is a file"),
    ("report --month 2026-09 --db {root}/notes.txt --out {root}/r", 1, "is a text file, not a takedown store"),
    ("report --month 2026-09 --db {root}/missing.duckdb --out {root}/r", 1, "no store at"),
    # --- dashboard (refused before anything is served)
    ("dashboard --port 99999 --db {root}/store.duckdb", 2, "a port is between 1 and 65535"),
    ("dashboard --port http --db {root}/store.duckdb", 2, "not a port number"),
    *[(f"dashboard --refresh={value} --db {{root}}/store.duckdb", 2, "--refresh must be positive")
      for value in ("nan", "inf", "0", "-5")],
    ("dashboard --host 0.0.0.0 --db {root}/store.duckdb", 2, "without sign-in"),
    # --- watch
    ("watch {root}/listings.csv --db {root}/w.duckdb", 2, "is a file, not a folder"),
    *[(f"watch {{root}}/inbox --interval={value} --db {{root}}/w.duckdb", 2, "--interval must be positive")
      for value in ("nan", "inf", "0", "-1", "1e9")],
    *[(f"watch {{root}}/inbox --timeout={value} --db {{root}}/w.duckdb", 2, "--timeout must be at least 0")
      for value in ("nan", "inf", "-1")],
    ("watch {root}/inbox --max-files 0 --db {root}/w.duckdb", 2, "--max-files must be at least 1"),
    ("watch {root}/inbox --interval soon --db {root}/w.duckdb", 2, "invalid float value: 'soon'"),
    ("watch {root}/inbox --tz Mars/Olympus --db {root}/w.duckdb", 2, "unknown time zone"),
    ("watch {root}/inbox --mapping {root}/bad.toml --db {root}/w.duckdb", 2, "'complaint_idd' is not one"),
    ("watch {root}/inbox --db /dev/null/x.duckdb", 1, "/dev/null is not a folder"),
    ("watch {root}/inbox --db {root}/folder", 1, "is a folder"),
    ("watch {root}/inbox --db {root}/notes.txt", 1, "is a text file, not a takedown store"),
    ("watch /dev/null/inbox --db {root}/w.duckdb", 1, "cannot create the inbox /dev/null/inbox"),
    # --- demo (all refused before anything is generated)
    ("demo --seed -1 --db {root}/d.duckdb", 2, "--seed: must be between 0"),
    ("demo --scale 0 --db {root}/d.duckdb", 2, "--scale must be between 1"),
    ("demo --scale lots --db {root}/d.duckdb", 2, "invalid scale value"),
    ("demo --end 0001-01-01 --db {root}/d.duckdb", 2, "--end: must lie between 2000 and 2999"),
    ("demo --end someday --db {root}/d.duckdb", 2, "not an ISO 8601 time"),
    ("demo --interval nan --db {root}/d.duckdb", 2, "--interval must be positive"),
    ("demo --out {root}/notes.txt --db {root}/d.duckdb", 2, "--out {root}/notes.txt is a file"),
    ("demo --inbox {root}/notes.txt --db {root}/d.duckdb", 2, "--inbox {root}/notes.txt is a file"),
    ("demo --db /dev/null/x.duckdb", 1, "/dev/null is not a folder"),
    ("demo --db {root}/folder", 1, "is a folder"),
    # --- predict and train (issue 21)
    ("predict --month 2026-09 --as-of 2999-01-01 --db {root}/store.duckdb", 2, "--as-of 2999-01-01 is in the future"),
    ("predict --month 2026-09 --out {root}/p.txt --db {root}/store.duckdb", 2, "must end in .csv or .xlsx"),
    ("predict --month 2026-09 --db {root}/missing.duckdb", 1, "no store at"),
    ("train --as-of 2999-01-01 --db {root}/store.duckdb", 2, "--as-of 2999-01-01 is in the future"),
    ("train --db {root}/notes.txt", 1, "notes"),
    # --- the command itself
    ("", 2, "the following arguments are required: COMMAND"),
    ("sellers", 2, "invalid choice: 'sellers'"),
]


def run_main(argv: list[str], capsys) -> tuple[int, str, str]:
    try:
        code = main(argv)
    except SystemExit as stopped:  # argparse
        code = stopped.code
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize(("argv", "code", "words"), CASES, ids=[case[0][:70] for case in CASES])
def test_hostile_arguments_get_one_line_and_the_documented_exit_code(place, capsys, argv, code, words):
    argv = argv.format(root=place)
    status, out, err = run_main(argv.split(), capsys)
    assert "Traceback" not in out + err
    assert err.endswith("\n") and err.count("\n") == 1, err  # one line
    assert err.startswith("takedown")
    assert words.format(root=place) in err
    assert status == code, err


def test_every_command_is_walked():
    walked = {case[0].split()[0] for case in CASES if case[0]}
    assert set(COMMANDS) <= walked


def test_the_store_is_unchanged_by_refused_commands(place, capsys):
    def snapshot() -> list[tuple]:
        con = connect_reader(place / "store.duckdb")
        try:
            return con.sql("select name, row_count from store_summary order by name").fetchall()
        finally:
            con.close()

    before = snapshot()
    for argv in ("ingest {root}/listings.csv --tz Mars/Olympus --db {root}/store.duckdb",
                 "ingest {root}/listings.csv --mapping {root}/bad.toml --db {root}/store.duckdb"):
        assert run_main(argv.format(root=place).split(), capsys)[0] == 2
    assert snapshot() == before


def test_an_unexpected_error_is_one_line_asking_for_a_report(place, capsys, monkeypatch):
    from takedown.commands import rejects

    def broken(*args: object) -> None:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(rejects, "quarantined_rows", broken, raising=False)
    monkeypatch.setattr("takedown.quality.quarantined_rows", broken)
    status, out, err = run_main(["rejects", "--db", str(place / "store.duckdb")], capsys)
    assert status == 1
    assert err == "takedown rejects: internal error: ZeroDivisionError: division by zero; please report it\n"


@pytest.mark.parametrize("error", [OSError(28, "No space left on device", "/data/x"), KeyboardInterrupt()])
def test_errors_that_escape_a_command_are_one_line(place, capsys, monkeypatch, error):
    def fails(*args: object) -> None:
        raise error

    monkeypatch.setattr("takedown.quality.quarantined_rows", fails)
    status, out, err = run_main(["rejects", "--db", str(place / "store.duckdb")], capsys)
    expected = ((1, "takedown rejects: /data/x: No space left on device\n") if isinstance(error, OSError)
                else (130, "takedown rejects: interrupted\n"))
    assert (status, err) == expected


def test_control_characters_in_a_file_name_are_shown_escaped(tmp_path, capsys):
    hostile = tmp_path / "evil\x1b[2J\u202egpj.csv"
    status, out, err = run_main(["ingest", str(hostile), "--db", str(tmp_path / "s.duckdb"), "--json"], capsys)
    assert status == 1
    assert "\x1b" not in err and "\u202e" not in err
    assert "evil\\x1b[2J\\u202egpj.csv: refused" in err


# --- Ctrl-C during ingest: a real process, a real SIGINT

# Runs the CLI, saying on stderr when a file's validation starts (where a long ingest spends its time).
SIGNALLING_CLI = textwrap.dedent("""
    import sys
    from takedown.ingest import pipeline
    real_validate = pipeline.validate
    def announced(prepared):
        print("VALIDATING", file=sys.stderr, flush=True)
        return real_validate(prepared)
    pipeline.validate = announced
    from takedown.cli import main
    sys.exit(main(sys.argv[1:]))
""")


def big_listings(path: Path, rows: int) -> None:
    lines = [LISTINGS.splitlines()[0]]
    lines += [f"alibaba,B{i},https://a/{i},S{i % 97},Acme,counterfeit,2026-03-01" for i in range(rows)]
    path.write_text("\n".join(lines) + "\n")


def test_ctrl_c_during_ingest_exits_130_and_loads_nothing_of_that_file(tmp_path):
    db = tmp_path / "store.duckdb"
    small, big = tmp_path / "small.csv", tmp_path / "big.csv"
    small.write_text(LISTINGS.replace("L1", "SMALL-1"))
    big_listings(big, 50_000)
    seed = tmp_path / "seed.csv"
    seed.write_text(LISTINGS)
    ingest_files([seed], db)  # the store as it was before
    process = subprocess.Popen([sys.executable, "-c", SIGNALLING_CLI, "ingest", "--json", "--db", str(db),
                                str(small), str(big)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        seen = 0
        while seen < 2:  # the second file's validation has started
            line = process.stderr.readline()
            assert line, process.communicate()
            seen += line.strip() == "VALIDATING"
        os.kill(process.pid, signal.SIGINT)
        out, err = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130, err
    assert "Traceback" not in err
    assert err.strip().splitlines() == [
        f"takedown ingest: interrupted: nothing of {big} was loaded; files before it were"]
    con = connect_reader(db)
    try:
        ids = [row[0] for row in con.sql("select listing_id from listings").fetchall()]
        files = [row[0] for row in con.sql("select file from ingest_batches order by loaded_at").fetchall()]
    finally:
        con.close()
    assert sorted(ids) == ["L1", "SMALL-1"] and files == [str(seed), str(small)]  # nothing of big.csv


def test_the_internal_error_guard_is_the_last_resort_not_the_answer(place, capsys):
    """Every case above has its own message: none of them reaches the guard."""
    for argv, _, _ in CASES[:5]:
        _, _, err = run_main(argv.format(root=place).split(), capsys)
        assert "internal error" not in err


def test_the_cli_module_documents_the_exit_codes():
    assert (cli.EXIT_FAILED, cli.EXIT_USAGE, cli.EXIT_INTERRUPTED) == (1, 2, 130)
