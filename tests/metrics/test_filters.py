"""Filter values the store does not hold (issue 16): an error in Python unless asked otherwise, a
warning naming the flag and the values the store holds on the command line, never silent zeros.
A value is unknown only after normalisation (a platform's alias, a reason's case and spaces)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from takedown.cli import main
from takedown.metrics import Filters, UnknownFilterValue, load_snapshot, metrics_from_store, month_period
from takedown.metrics.filters import SHOWN_KNOWN_VALUES, UnknownValue, unknown_filter_values
from takedown.store import connect_reader

AS_OF = dt.datetime(2026, 10, 15)
SEPTEMBER = ["--month", "2026-09", "--as-of", "2026-10-15T00:00:00Z"]


@pytest.fixture
def con(program_store):
    con = connect_reader(program_store)
    yield con
    con.close()


def test_a_value_the_store_does_not_hold_is_an_error_listing_the_values_it_holds(con):
    with pytest.raises(UnknownFilterValue) as caught:
        load_snapshot(con, AS_OF, Filters(platform="tb"))
    assert str(caught.value).startswith("platform 'tb' is not in the store; it holds 3 values: alibaba, lazada, taobao")
    assert "strict=False" in str(caught.value)
    assert [(u.name, u.value, u.known) for u in caught.value.unknown] == [
        ("platform", "tb", ("alibaba", "lazada", "taobao"))]


def test_every_unknown_value_is_named_and_a_close_one_suggested(con):
    with pytest.raises(UnknownFilterValue) as caught:
        metrics_from_store(con, month_period("2026-09", "UTC"), AS_OF, "UTC",
                           filters=Filters(platform="taboa", account="acct-c", brand="acme", ipr_type="patent"))
    assert [unknown.name for unknown in caught.value.unknown] == ["platform", "account", "ipr_type", "brand"]
    message = str(caught.value)
    assert "platform 'taboa' is not in the store (did you mean 'taobao'?)" in message
    assert "brand 'acme' is not in the store (did you mean 'Acme'?); it holds 2 values: Acme, Bolt" in message
    assert "ipr_type 'patent' is not in the store; it holds 2 values: design, trademark" in message


@pytest.mark.parametrize("filters", [
    Filters(platform="taobao.com"), Filters(platform=" TAOBAO "), Filters(reason="  Counterfeit"),
    Filters(ipr_type="TradeMark"), Filters(account="acct-a", brand="Bolt"),
])
def test_a_value_held_after_normalisation_is_not_unknown(con, filters):
    assert unknown_filter_values(con, filters) == []
    assert load_snapshot(con, AS_OF, filters).facts.height > 0


def test_strict_false_loads_the_empty_selection(con):
    snapshot = load_snapshot(con, AS_OF, Filters(reason="typo"), strict=False)
    assert snapshot.facts.height == 0
    figures = metrics_from_store(con, month_period("2026-09", "UTC"), AS_OF, "UTC", filters=Filters(reason="typo"),
                                 strict=False)
    assert figures["totals"]["submitted"] == 0


def test_a_long_list_of_held_values_is_capped():
    known = tuple(f"acct-{number:03d}" for number in range(40))
    message = UnknownValue("account", "north", "north", known).describe("--account")
    assert message.startswith("--account 'north' is not in the store; it holds")
    assert f"it holds 40 values: {', '.join(known[:SHOWN_KNOWN_VALUES])}, ... (28 more)" in message
    assert "acct-039" not in message


def test_an_aware_as_of_is_read_as_the_same_instant(con):
    china = dt.timezone(dt.timedelta(hours=8))
    aware = load_snapshot(con, dt.datetime(2026, 10, 15, 8, tzinfo=china))
    assert aware.as_of == AS_OF
    assert aware.facts.equals(load_snapshot(con, AS_OF).facts)


# --- the command line: a warning, the figures, exit 0 ------------------------------------------

def test_metrics_warns_names_the_flag_and_still_prints_the_figures(program_store, capsys):
    argv = ["metrics", *SEPTEMBER, "--platform", "taboa", "--reason", "COUNTERFEIT", "--db", str(program_store)]
    assert main(argv + ["--json"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["totals"]["submitted"] == 0
    assert captured.err.splitlines() == [
        "takedown metrics: warning: --platform 'taboa' is not in the store (did you mean 'taobao'?); it holds "
        "3 values: alibaba, lazada, taobao; so no item is counted"]


def test_metrics_with_held_values_gives_no_warning(program_store, capsys):
    argv = ["metrics", *SEPTEMBER, "--platform", "taobao.com", "--ipr-type", "design", "--db", str(program_store)]
    assert main(argv + ["--json"]) == 0
    captured = capsys.readouterr()
    assert captured.err == "" and json.loads(captured.out)["totals"]["submitted"] == 1


def test_items_warns_with_the_flag_spelled_as_typed(program_store, capsys):
    argv = ["items", *SEPTEMBER, "--ipr-type", "patent", "--brand", "\x1b[31mAcme", "--db", str(program_store)]
    assert main(argv) == 0
    err = capsys.readouterr().err.splitlines()
    assert err[0] == ("takedown items: warning: --ipr-type 'patent' is not in the store; it holds 2 values: "
                      "design, trademark; no item matches it")
    # The value typed is shown, its control characters visible, never obeyed by the terminal.
    assert err[1].startswith("takedown items: warning: --brand '\\x1b[31mAcme' is not in the store")
    assert "\x1b" not in "".join(err)
    assert err[2] == "0 rows behind submitted"
