"""The facts ingest keeps (takedown.item_facts) give the figures the events give, to the last digit.

Stores are built by many small ingests in a random order (outcome files before their complaints,
complaints restated with another portal status, orphans, events before their submission, ties,
counter-notices answered on the deadline's last microsecond); each `takedown metrics --json` and
`takedown items --json` answer is then compared with the same command computed from the events
alone (the loader told the store keeps no facts), at random as-of times (before any event, on an
event, on a response deadline, after all), filters and time zones. Also: the table a writer builds
from nothing equals the one ingest kept file by file, on the DuckDB file store and on a DuckLake.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import shutil
from pathlib import Path

import duckdb
import pytest

from program_stores import write_csv

from takedown import item_facts, lake
from takedown.cli import main
from takedown.ingest import ingest_files
from takedown.metrics import inputs
from takedown.metrics.snapshot import load_snapshot
from takedown.store import mark_changing, open_writer, publish

START = dt.datetime(2026, 7, 1)
EVENTS = ("counter_notice", "counter_notice_rejected", "counter_notice_accepted", "removed", "rejected",
          "restored", "withdrawn")
PLATFORMS = ("alibaba", "taobao", "tmall")
ACCOUNTS = ("acct-a", "acct-b")
BRANDS = ("Acme", "Bolt")
WINDOW = dt.timedelta(hours=72)


def _iso(moment: dt.datetime) -> str:
    return moment.isoformat(timespec="microseconds") + "Z"


def _random_instant(rng: random.Random, days: int = 100) -> dt.datetime:
    # Whole minutes mostly, so that events often tie; a few odd microseconds.
    moment = START + dt.timedelta(minutes=rng.randrange(days * 24 * 60))
    return moment + dt.timedelta(microseconds=rng.choice([0, 0, 0, 1, 999_999]))


def _program(rng: random.Random, items: int, complaint_files: int = 2, outcome_files: int = 3) -> tuple[dict[str, list[list[list[str]]]], list[dt.datetime]]:
    """Files of each kind (each a header and rows), and the instants worth asking about."""
    listings = [["platform", "listing_id", "url", "title", "seller_id", "seller_name", "brand", "infringement_type",
                 "price", "currency", "units_sold", "risk_score", "detected_at"]]
    complaints = [["complaint_id", "platform", "listing_id", "seller_id", "enforcement_type", "ipr_type",
                   "ipr_registration", "reason", "account", "submitted_at", "status", "status_at"]]
    outcomes = [["complaint_id", "listing_id", "event", "occurred_at", "detail"]]
    instants: list[dt.datetime] = []
    restated = []
    for number in range(items):
        # Few sellers, mostly on one platform: some are repeat offenders at some times, not at others.
        platform, storefront = rng.choice([PLATFORMS[0], *PLATFORMS]), rng.random() < 0.15
        listing_id = "" if storefront else f"L{number}"
        submitted = _random_instant(rng)
        if not storefront:
            listings.append([platform, listing_id, f"https://example.com/{listing_id}", "t", f"S{number % 2}", "s",
                             rng.choice(BRANDS), "counterfeit", str(rng.randrange(1, 50)), "USD",
                             str(rng.randrange(0, 9)), "50", _iso(submitted - dt.timedelta(days=2))])
        status = rng.choice([None, None, "removed", "rejected", "counter_notice"])
        status_at = submitted + dt.timedelta(hours=rng.randrange(1, 200)) if status else None
        row = [f"K{number}", platform, listing_id, f"S{number % 2}", "storefront" if storefront else "listing",
               "trademark", "TM-1", "counterfeit", rng.choice(ACCOUNTS), _iso(submitted),
               status or "", _iso(status_at) if status_at else ""]
        complaints.append(row)
        if status_at:
            instants.append(status_at)
        if rng.random() < 0.2:  # restated by a later file with another portal status
            later = submitted + dt.timedelta(hours=rng.randrange(1, 400))
            restated.append([*row[:10], rng.choice(EVENTS), _iso(later)])
        moment = submitted - dt.timedelta(hours=rng.choice([0, 0, 0, 5]))  # sometimes before its submission
        for _ in range(rng.randrange(0, 6)):
            event = rng.choice(EVENTS)
            if event.startswith("counter_notice_") or event == "withdrawn":
                # An answer, often exactly on a counter-notice's deadline (or a microsecond past it).
                moment = moment + rng.choice([WINDOW, WINDOW + dt.timedelta(microseconds=1),
                                              dt.timedelta(hours=rng.randrange(1, 100))])
            else:
                moment = moment + dt.timedelta(hours=rng.choice([0, 1, 30, 80]))  # 0: a tie
            outcomes.append([f"K{number}", listing_id, event, _iso(moment), ""])
            instants.append(moment)
            if event == "counter_notice":
                instants.append(moment + WINDOW)
        if rng.random() < 0.4:  # ends removed: sellers become repeat offenders at some as-of times
            moment = moment + dt.timedelta(hours=rng.randrange(1, 300))
            outcomes.append([f"K{number}", listing_id, "removed", _iso(moment), ""])
            instants.append(moment)
    outcomes.append(["K-orphan", "X1", "removed", _iso(_random_instant(rng)), ""])  # never gets a complaint
    # Few files (Great Expectations' validation costs a second or two per file on a busy machine),
    # each a random part of its kind.
    files = {
        "listings": [listings],
        "complaints": [*_split(rng, complaints, complaint_files), [complaints[0], *restated]],
        "outcomes": _split(rng, outcomes, outcome_files),
    }
    return files, sorted(instants)


def _split(rng: random.Random, rows: list[list[str]], parts: int) -> list[list[list[str]]]:
    header, body = rows[0], rows[1:]
    rng.shuffle(body)
    return [[header, *body[part::parts]] for part in range(parts)]


def _ingest_in_random_order(rng: random.Random, folder: Path, files: dict[str, list[list[list[str]]]],
                            store: str) -> None:
    paths = [write_csv(folder / f"{kind}-{index}.csv", rows)
             for kind, kind_files in files.items() for index, rows in enumerate(kind_files)]
    rng.shuffle(paths)  # outcome files before their complaints, restatements before the originals...
    for results in (ingest_files(paths[start:start + 3], _location(store), timezone="UTC") for start in range(0, len(paths), 3)):
        assert all(result.rejected == 0 and not result.error for result in results), results


def _location(store: str) -> str | Path:
    # The library takes a file store as a Path, a lake as its location text (the CLI takes either).
    return store if lake.is_lake(store) else Path(store)


def _answers(capsys, store: str, argv: list[str], monkeypatch, kept: bool) -> str:
    with monkeypatch.context() as patch:
        if not kept:
            # The figures from the events alone: the loaders are told the store keeps no facts.
            patch.setattr(inputs, "has_item_facts", lambda con: False)
            patch.setattr(item_facts, "has_item_facts", lambda con: False)
        assert main([*argv, "--db", store]) == 0
    return capsys.readouterr().out


def _cases(rng: random.Random, instants: list[dt.datetime], at_events: int) -> list[list[str]]:
    as_ofs = [START - dt.timedelta(days=1), instants[0], instants[-1] + dt.timedelta(days=20),
              *rng.sample(instants, at_events)]
    cases = []
    for as_of in as_ofs:
        month = (as_of - dt.timedelta(days=rng.randrange(0, 40))).strftime("%Y-%m")
        tz = rng.choice(["UTC", "Asia/Shanghai", "America/New_York"])
        period = rng.choice([["--month", month], ["--start", "2026-06-01", "--end", max(month, "2026-06") + "-15"]])
        filters = rng.choice([[], ["--platform", rng.choice(PLATFORMS)], ["--account", rng.choice(ACCOUNTS)],
                              ["--brand", rng.choice(BRANDS)]])
        common = [*period, "--as-of", _iso(as_of), "--tz", tz, *filters]
        # Another response window: rows kept under the default one are recomputed, never read.
        window = rng.choice([[], [], ["--response-window-hours", "48"]])
        cases.append(["metrics", *common, *window, "--json"])
        cases.append(["items", *common, "--metric", rng.choice(["submitted", "removed", "pending",
                                                                "missed_counter_notice_responses"]), "--json"])
    return cases


def _kept_and_rebuilt_rows(store: str) -> tuple[list[tuple], list[tuple]]:
    """The table ingest kept, and the one a writer builds from nothing on the same store (the
    migration of an older store; rolled back)."""
    query = "select * exclude (definition) from item_facts order by all"
    with open_writer(_location(store)) as con:
        kept = con.sql(query).fetchall()
        con.execute("begin transaction")
        item_facts.rebuild_item_facts(con, in_transaction=True)
        rebuilt = con.sql(query).fetchall()
        con.execute("rollback")
    return kept, rebuilt


def _check_store(store: str, rng: random.Random, instants, capsys, monkeypatch, at_events: int = 3) -> None:
    kept, rebuilt = _kept_and_rebuilt_rows(store)
    assert kept == rebuilt
    assert any(row[0] == "K-orphan" for row in kept)  # an orphan's facts wait for its complaint
    compared = 0
    for argv in _cases(rng, instants, at_events):
        from_facts = _answers(capsys, store, argv, monkeypatch, kept=True)
        from_events = _answers(capsys, store, argv, monkeypatch, kept=False)
        assert from_facts == from_events, argv
        compared += len(from_facts) > 2
    assert compared >= 4  # most runs have rows or figures to compare


@pytest.fixture(scope="module")
def built_store(tmp_path_factory) -> tuple[Path, list[dt.datetime]]:
    """A store of 40 items built by small ingests in a random order, and the instants worth asking about."""
    rng = random.Random(19)
    files, instants = _program(rng, 40)
    folder = tmp_path_factory.mktemp("facts")
    _ingest_in_random_order(rng, folder, files, str(folder / "takedown.duckdb"))
    return folder / "takedown.duckdb", instants


@pytest.mark.parametrize("seed", [19, 20])
def test_kept_facts_give_the_figures_of_the_events(seed, built_store, capsys, monkeypatch):
    store, instants = built_store
    _check_store(str(store), random.Random(seed), instants, capsys, monkeypatch)


def test_kept_facts_on_a_ducklake(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv(lake.DATA_PATH_VARIABLE, str(tmp_path / "lake-data"))
    monkeypatch.delenv(lake.AS_OF_VARIABLE, raising=False)
    rng = random.Random(7)
    files, instants = _program(rng, 20, complaint_files=1, outcome_files=2)  # a lake's ingest costs more
    store = f"ducklake:{tmp_path / 'catalog.ducklake'}"
    _ingest_in_random_order(rng, tmp_path, files, store)
    _check_store(store, rng, instants, capsys, monkeypatch, at_events=1)


def _change(store: Path, statement: str) -> None:
    """Run `statement` on the store and publish it (what another version of takedown would leave)."""
    with open_writer(store) as con:
        mark_changing(store)
        con.execute(statement)
        publish(con, store)


def test_a_store_made_before_the_facts_gets_them_from_its_first_writer(built_store, tmp_path, capsys, monkeypatch):
    store = tmp_path / "takedown.duckdb"
    shutil.copyfile(built_store[0], store)
    kept, _ = _kept_and_rebuilt_rows(str(store))
    _change(store, "drop table item_facts")  # the store as an older version left it
    # A reader of such a store computes every item from its events (nothing to read yet) ...
    month = ["metrics", "--month", "2026-08", "--as-of", _iso(built_store[1][-1]), "--json"]
    before = _answers(capsys, str(store), month, monkeypatch, kept=True)
    assert before == _answers(capsys, str(store), month, monkeypatch, kept=False)
    # ... and the next writer builds the table whole, as ingest would have kept it.
    write_csv(tmp_path / "rights.csv", [["registration", "ipr_type", "brand", "jurisdiction", "expires_on",
                                         "ipp_status"], ["TM-2", "trademark", "Bolt", "EU", "2028-01-01", "pending"]])
    ingest_files([tmp_path / "rights.csv"], store, timezone="UTC")
    assert _kept_and_rebuilt_rows(str(store))[0] == kept
    assert _answers(capsys, str(store), month, monkeypatch, kept=True) == before
    # Rows kept by another definition (the rule's text or parameters changed) are never read, and
    # the next writer computes them again.
    _change(store, "update item_facts set definition = definition + 1, last_rank = 0")
    assert _answers(capsys, str(store), month, monkeypatch, kept=True) == before
    ingest_files([tmp_path / "rights.csv"], store, timezone="UTC")
    assert _kept_and_rebuilt_rows(str(store))[0] == kept


def test_a_view_of_now_recomputes_no_item(built_store, monkeypatch):
    store, instants = built_store
    recomputed: list[int] = []
    original = inputs._milestones_from_events

    def counting(con, keys, *args):
        recomputed.append(keys.height)
        return original(con, keys, *args)
    monkeypatch.setattr(inputs, "_milestones_from_events", counting)
    con = duckdb.connect(str(store), read_only=True)
    try:
        load_snapshot(con, instants[-1] + dt.timedelta(days=4))
        assert recomputed == []
        load_snapshot(con, instants[len(instants) // 2])  # the middle: only the items still changing
        assert 0 < sum(recomputed) < con.sql("select count(*) from item_facts").fetchall()[0][0]
    finally:
        con.close()
