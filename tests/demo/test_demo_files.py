"""The demo's files are what they claim to be, and survive ingest as a user's exports would."""

from __future__ import annotations

import html
import json
import re
import zipfile
from collections import Counter
from pathlib import Path

from takedown.demo.program import MANUAL_REVIEW_FILE, PORTAL_FILE
from takedown.demo.text import HOSTILE_SELLER_NAMES, HOSTILE_TITLES


def test_formats_are_a_mix_of_csv_xlsx_and_json_lines(demo):
    suffixes = Counter(file.path.suffix for file in demo.program.files)
    assert suffixes[".csv"] >= 3 and suffixes[".xlsx"] == 2 and suffixes[".jsonl"] >= 1
    assert all(result.error is None for result in demo.results)


def test_portal_export_is_gb18030_in_china_time(demo, demo_query):
    path = demo.program.out_dir / PORTAL_FILE
    data = path.read_bytes()
    try:
        data.decode("utf-8")
        raise AssertionError("the portal export decodes as UTF-8: it should be GB18030")
    except UnicodeDecodeError:
        pass
    text = data.decode("gb18030")
    assert "淘宝" in text or "天猫" in text
    lines = text.splitlines()
    assert lines[0].startswith("Complaint ID,")
    first = dict(zip(lines[0].split(","), lines[1].split(",")))
    # China time as the portal shows it: slashes, no offset.
    assert re.fullmatch(r"\d{4}/\d{2}/\d{2} \d{2}:\d{2}:\d{2}", first["Submitted At"])
    stored = demo_query("select strftime(submitted_at, '%Y/%m/%d %H:%M:%S') as utc, "
                        "strftime(submitted_at + interval 8 hours, '%Y/%m/%d %H:%M:%S') as china "
                        "from complaint_items where complaint_id = ? limit 1", [first["Complaint ID"]])
    assert stored["china"][0] == first["Submitted At"] != stored["utc"][0]
    zone = demo_query("select timezone from ingest_batches where file = ?", [str(path)])["timezone"][0]
    assert zone == "Asia/Shanghai"


def test_portal_status_matches_the_items_events_to_the_second(demo_query):
    """The portal's status (China time) is the item's last event (UTC): a wrong zone would miss by 8 hours."""
    figures = demo_query("""
        select count(*) as with_status,
            count(*) filter (where exists (
                select 1 from outcome_events as events
                where events.complaint_id = items.complaint_id and events.listing_id = items.listing_id
                    and events.event = items.portal_status and events.occurred_at = items.portal_status_at
            )) as matching
        from complaint_items as items where portal_status is not null
    """).row(0, named=True)
    assert figures["with_status"] > 50
    assert figures["matching"] == figures["with_status"]


def test_hostile_titles_and_seller_names_survive_ingest_verbatim(demo_query):
    titles = set(demo_query("select title from listings where title in ?", [list(HOSTILE_TITLES)])["title"])
    assert titles == set(HOSTILE_TITLES)
    names = set(demo_query("select seller_name from listings where seller_name in ?",
                           [list(HOSTILE_SELLER_NAMES)])["seller_name"])
    assert names == set(HOSTILE_SELLER_NAMES)
    sources = demo_query("select distinct source from listings where title in ?", [list(HOSTILE_TITLES)])
    assert set(sources["source"]) == {"marketplace-crawler", "manual review"}  # both the CSV and the workbook


def test_workbook_holds_hostile_titles_as_text_never_formulas(demo):
    with zipfile.ZipFile(demo.program.out_dir / MANUAL_REVIEW_FILE) as book:
        parts = [book.read(name).decode("utf-8") for name in book.namelist()
                 if name.startswith("xl/worksheets/") or name == "xl/sharedStrings.xml"]
    content = "".join(parts)
    assert "<f>" not in content and "<f " not in content  # no cell is a formula
    # The workbook's two hostile titles are there as text (XML-escaped like any string).
    for title in HOSTILE_TITLES[2:]:
        assert f">{html.escape(title, quote=False)}</t>" in content


def test_every_bad_row_is_quarantined_for_its_reason(demo, demo_query):
    quarantined = demo_query("select file, reasons from quarantined_rows")
    found = Counter()
    for file, reasons in quarantined.iter_rows():
        for reason in json.loads(reasons):
            found[(Path(file).name, reason["column"], reason["rule"])] += 1
    expected = Counter((bad.file, bad.column, bad.rule) for bad in demo.program.bad_rows)
    assert len(demo.program.bad_rows) >= 8
    assert found == expected
    assert sum(result.rejected for result in demo.results) == len(demo.program.bad_rows)


def test_every_good_row_is_loaded(demo, demo_query):
    counts = dict(demo_query("select name, row_count from store_summary").iter_rows())
    assert counts["complaint_items"] == demo.program.plan.scale == demo.program.rows["complaints"]
    assert counts["listings"] == demo.program.rows["listings"]
    assert counts["outcome_events"] == demo.program.rows["outcomes"]
    assert counts["orphan_outcome_events"] == 0
    # About 1% of complained-about listings were found by hand and are in no monitoring export.
    assert 0 < counts["orphan_complaint_items"] < 0.03 * counts["complaint_items"]


def test_a_demo_file_appears_whole_or_not_at_all(tmp_path: Path):
    # write_atomically and Workbook go through takedown.atomic: a writer that fails part way leaves
    # the old file and no temporary; a finished one leaves only the final name.
    import datetime as dt

    import pytest

    from takedown.demo.files import Workbook, write_atomically

    target = tmp_path / "listings.csv"
    target.write_bytes(b"old")

    def half_then_fail(handle):
        handle.write(b"half")
        raise RuntimeError("killed")

    with pytest.raises(RuntimeError):
        write_atomically(target, half_then_fail)
    assert target.read_bytes() == b"old" and sorted(p.name for p in tmp_path.iterdir()) == ["listings.csv"]
    write_atomically(target, lambda handle: handle.write(b"new"))
    assert target.read_bytes() == b"new" and sorted(p.name for p in tmp_path.iterdir()) == ["listings.csv"]

    book = Workbook(tmp_path / "items.xlsx", ["a"], dt.datetime(2026, 1, 1))
    assert not (tmp_path / "items.xlsx").exists()  # written under its temporary name until closed
    book.close()
    assert zipfile.is_zipfile(tmp_path / "items.xlsx")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["items.xlsx", "listings.csv"]
