"""The call's agenda: each escalation sheet ranked, its page capped at the setting, its scope and total stated.

A hand-made program, September 2026 as of 2026-10-15 (Good-Faith window July to September):
- acct-risk, reason "counterfeit": 3 removed (seller SY, August), 5 rejected, 2 restored, 1 pending;
  decided 10, so reversing one rejection raises the reason's rate by 1/10. Rejected: R1 ($10) and
  R2 ($200) on TM-OK (verified, in force: worth contesting), R3 ($1,000) on TM-PEND (not verified),
  R5 ($50) naming no registration, R6 ($20) on TM-EXP (expired before it was filed).
- acct-risk, reason "design" (with a script in its text): 8 removed (seller SX, September), 1 rejected (R7, $1, TM-OK), 1
  pending; decided 9, so a reversal raises its rate by 1/9: more than counterfeit's.
- acct-safe, reason "lookalike": 9 removed, 1 rejected (R4, $5,000, TM-OK): exactly 90%, in good
  standing; and an item pending since May, outside the window.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import re

import pytest
from program_stores import ingest_program

from takedown.metrics.periods import parse_instant
from takedown.metrics.projection import OUT_OF_REACH
from takedown.report import changes, escalations, sections
from takedown.report.data import load_report_data
from takedown.report.html import render_html
from takedown.store import connect_reader

MONTH, AS_OF = "2026-09", "2026-10-15T00:00:00Z"
# The reason is text typed into IPP: the page must show it, never run it.
DESIGN = 'design <script>alert("reason")</script>'
LISTING_HEADER = ["platform", "listing_id", "url", "title", "seller_id", "seller_name", "brand", "infringement_type",
                  "price", "currency", "units_sold", "detected_at"]
COMPLAINT_HEADER = ["complaint_id", "platform", "listing_id", "seller_id", "enforcement_type", "ipr_type",
                    "ipr_registration", "reason", "account", "submitted_at"]
# complaint id, account, reason, registration, seller, value in USD (price x 1 unit), submitted, events (name, days after)
ITEMS = [
    *[(f"C{n}", "acct-risk", "counterfeit", "TM-OK", "SY", 5, f"2026-08-0{n + 4}", [("removed", 1)]) for n in (1, 2, 3)],
    ("R1", "acct-risk", "counterfeit", "TM-OK", "SZ", 10, "2026-09-02", [("rejected", 1)]),
    ("R2", "acct-risk", "counterfeit", "TM-OK", "SZ", 200, "2026-09-03", [("rejected", 1)]),
    ("R3", "acct-risk", "counterfeit", "TM-PEND", "SZ", 1000, "2026-09-04", [("rejected", 1)]),
    ("R5", "acct-risk", "counterfeit", "", "SZ", 50, "2026-09-05", [("rejected", 1)]),
    ("R6", "acct-risk", "counterfeit", "TM-EXP", "SZ", 20, "2026-09-06", [("rejected", 1)]),
    ("X1", "acct-risk", "counterfeit", "TM-OK", "SZ", 30, "2026-09-07", [("removed", 1), ("restored", 3)]),
    ("X2", "acct-risk", "counterfeit", "TM-OK", "SZ", 40, "2026-08-20", [("removed", 1), ("restored", 3)]),
    ("P1", "acct-risk", "counterfeit", "TM-OK", "SZ", 60, "2026-09-10", []),
    *[(f"D{n}", "acct-risk", DESIGN, "TM-OK", "SX", 5, f"2026-09-1{n}", [("removed", 1)]) for n in range(8)],
    ("R7", "acct-risk", DESIGN, "TM-OK", "SZ", 1, "2026-09-20", [("rejected", 1)]),
    ("P2", "acct-risk", DESIGN, "TM-OK", "SZ", 70, "2026-09-12", []),
    *[(f"S{n}", "acct-safe", "lookalike", "TM-OK", "SW", 5, f"2026-09-0{n + 1}", [("removed", 1)]) for n in range(9)],
    ("R4", "acct-safe", "lookalike", "TM-OK", "SZ", 5000, "2026-09-21", [("rejected", 1)]),
    ("P0", "acct-safe", "lookalike", "TM-OK", "SZ", 80, "2026-05-01", []),
]


def _program() -> dict[str, list[list[str]]]:
    listings, complaints, outcomes = [LISTING_HEADER], [COMPLAINT_HEADER], [
        ["complaint_id", "listing_id", "event", "occurred_at", "detail"]]
    for complaint, account, reason, registration, seller, value, submitted, events in ITEMS:
        listing = f"L-{complaint}"
        listings.append(["taobao", listing, f"https://item.taobao.com/{listing}", f"title of {complaint}", seller,
                         f"shop {seller}", "Acme", "counterfeit", str(value), "USD", "1", f"{submitted}T00:00:00Z"])
        complaints.append([complaint, "taobao", listing, seller, "listing", "trademark", registration, reason, account,
                           f"{submitted}T10:00:00Z"])
        day = dt.date.fromisoformat(submitted)
        outcomes += [[complaint, listing, name, f"{day + dt.timedelta(days=after)}T10:00:00Z", f"{name} note"]
                     for name, after in events]
    rights = [["registration", "ipr_type", "brand", "jurisdiction", "expires_on", "ipp_status"],
              ["TM-OK", "trademark", "Acme", "CN", "2030-01-01", "verified"],
              ["TM-PEND", "trademark", "Acme", "CN", "2030-01-01", "pending"],
              ["TM-EXP", "trademark", "Acme", "CN", "2026-01-01", "verified"]]
    return {"ip_rights": rights, "listings": listings, "complaints": complaints, "outcomes": outcomes}


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    db_path, results = ingest_program(tmp_path_factory.mktemp("agenda"), _program(), now=dt.datetime(2026, 11, 1))
    assert [result.rejected for result in results] == [0, 0, 0, 0]
    con = connect_reader(db_path)
    try:
        yield load_report_data(con, MONTH, parse_instant(AS_OF, "UTC"), "UTC")
    finally:
        con.close()


@pytest.fixture(scope="module")
def sheets(data):
    return escalations.escalation_sheets(data)


def _ids(frame, column="complaint_id"):
    return frame.get_column(column).to_list()


def test_every_sheet_is_numbered_by_rank_in_its_first_column(sheets):
    for name, frame in sheets.items():
        assert frame.columns[0] == "rank", name
        assert _ids(frame, "rank") == list(range(1, frame.height + 1)), name


def test_rejections_worth_contesting_come_first_ranked_by_standing_then_rate_gain_then_value(sheets):
    rejected = sheets["Rejected to contest"]
    # R7 (design: 1/9 per reversal) beats R2 and R1 (counterfeit: 1/10) whatever their value; R4's account is
    # in good standing, so it follows despite its $5,000; then those not worth contesting, by value.
    assert _ids(rejected) == ["R7", "R2", "R1", "R4", "R3", "R5", "R6"]
    assert _ids(rejected, "worth_contesting") == [True] * 4 + [False] * 3
    assert _ids(rejected, "why_not") == [None] * 4 + ["not_verified", "no_registration", "expired_when_filed"]
    assert _ids(rejected, "standing")[:4] == ["reason at risk"] * 3 + ["in good standing"]
    assert _ids(rejected, "takedown_rate_gain")[:3] == pytest.approx([1 / 9, 1 / 10, 1 / 10])
    assert _ids(rejected, "value_usd")[:4] == pytest.approx([1, 200, 10, 5000])


def test_restorations_say_which_the_months_figure_counts(data, sheets):
    restored = sheets["Restored after removal"]
    assert sorted(_ids(restored)) == ["X1", "X2"]
    in_month = restored.filter("submitted_in_month")
    assert _ids(in_month) == ["X1"]
    assert in_month.height == data.metrics["totals"]["restored"]


def test_pending_items_of_the_window_come_before_older_ones(sheets):
    pending = sheets["Pending over 7 days"]
    # P2 and P1 still move the window's standing (P2 the higher value); P0 is from May.
    assert _ids(pending) == ["P2", "P1", "P0"]
    assert _ids(pending, "in_window") == [True, True, False]


def test_every_storefront_candidate_is_kept_most_removed_first(data, sheets):
    storefront = sheets["Storefront action"]
    candidates = sections.repeat_offenders(data).filter("storefront_candidate")
    assert storefront.height == candidates.height == 3
    assert _ids(storefront, "seller_id") == ["SW", "SX", "SY"]  # 9, 8 and 3 removed listings


def test_good_faith_risk_projects_each_reason_from_its_own_pending_items(sheets):
    risk = {(row["account"], row["reason"]): row for row in sheets["Good-Faith risk"].to_dicts()}
    assert list(risk) == [("acct-risk", "(all)"), ("acct-risk", "counterfeit"), ("acct-risk", DESIGN)]
    account, counterfeit, design = risk.values()
    assert (account["pending"], counterfeit["pending"], design["pending"]) == (2, 1, 1)
    # counterfeit: 3 removed of 10 decided + 1 pending can reach at most 4 / 11; design: 8 of 9 + 1 pending
    # reaches 9 / 10 = 90% with its one pending item removed.
    assert counterfeit["best_takedown_rate"] == pytest.approx(4 / 11)
    assert (counterfeit["removals_needed"], counterfeit["removals_needed_text"]) == (None, OUT_OF_REACH)
    assert design["best_takedown_rate"] == pytest.approx(9 / 10)
    assert (design["removals_needed"], design["removals_needed_text"]) == (1, "1")
    assert account["removals_needed_text"] == OUT_OF_REACH


def test_the_page_shows_each_sheets_first_rows_with_its_scope_and_total(data, sheets):
    shown = 2
    capped = dataclasses.replace(data, snapshot=dataclasses.replace(
        data.snapshot, settings=dataclasses.replace(data.snapshot.settings, report_agenda_rows=shown)))
    page = render_html(capped, sheets)
    section = page[page.index('<section id="escalations">'):]
    text = re.sub(r"<[^>]+>", "", section)  # dates sit in spans that keep them on one line
    assert "Rejected to contest: the first 2 of 7" in text
    assert "Worth contesting (on a verified right in force when filed): 4; the other 3 come last" in text
    assert "restored after removal as of 2026-10-15 00:00 UTC: 2; 1 of them submitted in 2026-09" in text
    assert "Storefront action: the first 2 of 3" in text
    assert "Good-Faith risk: the first 2 of 3" in text
    assert "Missed CN responses: all 0" in text
    tables = re.findall(r'<table class="agenda">(.*?)</table>', section, re.S)
    # every sheet with rows shows `shown` of them (the missed responses have none: no table)
    assert [table.count("<tr>") - 1 for table in tables] == [shown] * 5
    rejected_table = tables[0]
    assert ">R7<" in rejected_table and ">R2<" in rejected_table and ">R1<" not in rejected_table


def test_out_of_reach_reads_the_same_on_the_good_faith_page_and_in_the_agenda(data, sheets):
    page = render_html(data, sheets)
    standing = page[page.index('<section id="good-faith">'):page.index('<section id="trend">')]
    reasons_table, projection_table = re.findall(r"<table>(.*?)</table>", standing, re.S)[1:3]
    risk_sheet = re.findall(r'<table class="agenda">(.*?)</table>', page, re.S)[-1]
    # The removals needed of acct-risk overall, and of its reasons, read the same on the Good-Faith page
    # (projection and reasons tables) and in the risk sheet.
    assert _removals_needed(projection_table) == {"acct-risk": OUT_OF_REACH, "acct-safe": "0"}
    assert _removals_needed(reasons_table) == {"counterfeit": OUT_OF_REACH, DESIGN: "1"}
    assert _removals_needed(risk_sheet) == {"(all)": OUT_OF_REACH, "counterfeit": OUT_OF_REACH, DESIGN: "1"}


def _removals_needed(table: str) -> dict[str, str]:
    """Per row of an HTML table: its reason (else its account) -> its removals-needed cell."""
    headers = [re.sub("<[^>]+>", "", header) for header in re.findall(r"<th[^>]*>(.*?)</th>", table)]
    column = headers.index("removals needed")
    key = headers.index("reason") if "reason" in headers else headers.index("account")
    rows = [re.findall(r"<td[^>]*>(.*?)</td>", row) for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)]
    return {html.unescape(cells[key]): cells[column] for cells in rows if cells}


def test_dates_and_ids_in_the_agenda_never_wrap(data, sheets):
    page = render_html(data, sheets)
    agenda = page[page.index('<section id="escalations">'):]
    cells = re.findall(r'<td class="([^"]*)">(\d{4}-\d\d-\d\d \d\d:\d\d|[A-Z]\d)</td>', agenda)
    assert cells and {kind for kind, _ in cells} == {"nowrap"}
    assert ".nowrap, code { white-space: nowrap; }" in page
    # and in the sentences: every date and time of a scope sits in an unbreakable span
    scope = re.search(r'<p class="note scope">(.*?)</p>', agenda, re.S).group(1)
    dates = re.findall(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC", scope)
    assert dates and all(f'<span class="nowrap">{date}</span>' in scope for date in dates)


def test_what_changed_is_told_from_the_headline_figures(data):
    told = changes.what_changed(data)
    headline = {row["metric"]: row for row in sections.headline_figures(data).to_dicts()}
    movements = told.filter(told["topic"] == "movement").get_column("sentence").to_list()
    assert movements
    for sentence in movements[:changes.MOVEMENTS]:
        assert any(f"from {row['previous_month_text']} to {row['this_month_text']}" in sentence
                   for row in headline.values()), sentence
    outlook = told.filter(told["topic"] == "outlook").get_column("sentence").to_list()
    assert outlook == ["acct-risk: removals needed overall out of reach (2 items pending; best case 61.9%); reasons "
                       f"at risk, removals needed: counterfeit (out of reach), {DESIGN} (1)."]


def test_new_repeat_offenders_are_those_that_reached_the_threshold_in_the_month(data):
    # SX's and SW's third removals came in September; SY's in August.
    new = changes.new_repeat_offenders(data)
    assert sorted(new.get_column("seller_id").to_list()) == ["SW", "SX"]
    sentence = changes.repeat_offender_changes(data)[0]
    assert sentence.startswith("2 sellers became repeat offenders in 2026-09") and "3 in all" in sentence


def test_untrusted_text_in_the_new_sentences_and_tables_is_escaped(data, sheets):
    page = render_html(data, sheets)
    first_page = page[page.index('<ul class="changes"'):page.index('<section id="good-faith">')]
    # page 1's outlook sentence, the reasons at risk, the agenda's risk sheet and rejected items all show it,
    # as text: never as a tag
    assert DESIGN in html.unescape(first_page)
    assert html.unescape(page).count(DESIGN) >= 4
    assert "<script>alert" not in page
