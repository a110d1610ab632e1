"""`takedown metrics` end to end: the real store, the CLI, its JSON, its tables and its exit codes."""

from __future__ import annotations

import json

import pytest

from takedown.cli import main

SEPTEMBER_IN_CHINA = ["metrics", "--month", "2026-09", "--tz", "Asia/Shanghai", "--as-of", "2026-10-15T00:00:00Z"]


def metrics_json(capsys, argv) -> dict:
    assert main(argv + ["--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_the_json_of_september_in_china_time(program_store, capsys):
    result = metrics_json(capsys, SEPTEMBER_IN_CHINA + ["--db", str(program_store)])
    assert result["period"] == {"start": "2026-08-31T16:00:00Z", "end": "2026-09-30T16:00:00Z"}
    assert (result["as_of"], result["timezone"]) == ("2026-10-15T00:00:00Z", "Asia/Shanghai")
    # K1 (September 1st 00:30 in China), K2, K3, K5; K4 was filed on October 1st in China.
    assert result["totals"] == {
        "submitted": 4, "removed": 3, "rejected": 0, "restored": 0, "withdrawn": 0, "pending": 1,
        "takedown_rate": 1.0,
        "median_hours_to_removal": 10.0,       # K1 7.5 h, K2 10 h, K3 24 h
        "handled_within_24h_rate": 1.0,        # K3's 24 h is within
        "counter_notices": 1, "counter_notice_rate": 0.25,
        "successful_counter_notices": 0, "counter_notice_success_rate": 0.0,
        "missed_counter_notice_responses": 1,  # K5's counter-notice of September 11th was never answered
        "value_removed_usd": 44.0,             # K1 10 x 3 + K2 7 x 2; K3 is priced in VND, which has no rate
        "value_unknown_items": 1,
    }
    assert list(result["by_platform"]) == ["alibaba", "lazada", "taobao"]
    assert {brand: figures["submitted"] for brand, figures in result["by_brand"].items()} == {
        "Acme": 2, "Bolt": 1, "null": 1}
    assert {reason: figures["submitted"] for reason, figures in result["by_reason"].items()} == {
        "counterfeit": 3, "design copy": 1}
    assert result["repeat_offenders"] == {"count": 0, "share_of_removed": 0.0, "threshold": 3, "window_days": 365}
    assert result["good_faith"]["start"] == "2026-06-30T16:00:00Z"
    assert {account: figures["at_risk"] for account, figures in result["good_faith"]["accounts"].items()} == {
        "acct-a": False, "acct-b": False}


def test_the_same_month_in_utc_is_another_cohort(program_store, capsys):
    argv = ["metrics", "--month", "2026-09", "--as-of", "2026-10-15T00:00:00Z", "--db", str(program_store)]
    result = metrics_json(capsys, argv)
    # K2, K3, K4 (storefront, no events yet) and K5; K1 was filed on August 31st in UTC.
    assert (result["totals"]["submitted"], result["totals"]["removed"], result["totals"]["pending"]) == (4, 2, 2)
    assert (result["totals"]["value_removed_usd"], result["totals"]["value_unknown_items"]) == (14.0, 1)


def test_settings_flags_change_the_figures(program_store, capsys):
    argv = SEPTEMBER_IN_CHINA + ["--db", str(program_store), "--response-window-hours", "1000"]
    assert metrics_json(capsys, argv)["totals"]["missed_counter_notice_responses"] == 0  # still within 1000 h


def test_a_start_end_period(program_store, capsys):
    argv = ["metrics", "--start", "2026-09-15", "--end", "2026-09-21T00:00:00Z", "--as-of", "2026-10-15",
            "--db", str(program_store)]
    result = metrics_json(capsys, argv)
    assert result["period"] == {"start": "2026-09-15T00:00:00Z", "end": "2026-09-21T00:00:00Z"}
    assert result["totals"]["submitted"] == 2  # K2 and K3


def test_the_human_output_shows_the_headline_figures(program_store, capsys):
    assert main(SEPTEMBER_IN_CHINA + ["--db", str(program_store)]) == 0
    out = capsys.readouterr().out
    assert "takedown rate" in out and "100.0%" in out
    assert "10.0 h" in out          # median time to removal
    assert "$44" in out             # value removed
    assert "acct-b" in out          # Good-Faith standing


def test_a_missing_store_exits_1(tmp_path, capsys):
    assert main(["metrics", "--month", "2026-09", "--db", str(tmp_path / "none.duckdb")]) == 1
    assert "no store at" in capsys.readouterr().err


@pytest.mark.parametrize(("argv", "message"), [
    (["--month", "2026-13"], "not a month"),
    (["--start", "2026-09-01"], "--start needs --end"),
    (["--month", "2026-09", "--end", "2026-10-01"], "--end goes with --start"),
    (["--start", "2026-09-02", "--end", "2026-09-01"], "must start before it ends"),
    (["--month", "2026-09", "--tz", "Mars/Olympus"], "unknown time zone"),
    (["--month", "2026-09", "--as-of", "yesterday"], "not an ISO 8601 time"),
    (["--month", "2026-09", "--response-window-hours", "0"], "must be positive"),
    (["--month", "2026-09", "--good-faith-min-takedown-rate", "90"], "is a fraction"),
])
def test_usage_errors_exit_2(program_store, capsys, argv, message):
    assert main(["metrics", *argv, "--db", str(program_store)]) == 2
    assert message in capsys.readouterr().err


def test_a_period_is_required():
    with pytest.raises(SystemExit) as stopped:
        main(["metrics"])
    assert stopped.value.code == 2


def test_as_of_may_run_a_few_minutes_ahead_for_clock_skew_but_not_more(program_store, capsys):
    import datetime as dt

    now = dt.datetime.now(dt.UTC)
    ahead = (now + dt.timedelta(minutes=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert main(["metrics", "--month", "2026-09", "--as-of", ahead, "--json", "--db", str(program_store)]) == 0
    capsys.readouterr()
    future = (now + dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert main(["metrics", "--month", "2026-09", "--as-of", future, "--db", str(program_store)]) == 2
    assert "is in the future" in capsys.readouterr().err
