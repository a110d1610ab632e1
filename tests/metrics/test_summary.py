"""compute_metrics / metrics_json: SPEC section 4's JSON object key for key, empty periods, and input coverage."""

from __future__ import annotations

import datetime as dt
import json
import math

import pytest
from metric_frames import event, hours, inputs, item, listing

from takedown.metrics.inputs import MetricInputs
from takedown.metrics.periods import Period, month_period
from takedown.metrics.repeat_offenders import repeat_window_start
from takedown.metrics.summary import cohort_scope, compute_metrics

AS_OF = dt.datetime(2026, 10, 15)

# SPEC 4, written out: the keys of `takedown metrics --json`.
SPEC_TOP_KEYS = ["period", "as_of", "timezone", "totals", "by_platform", "by_account", "by_reason", "by_ipr_type",
                 "by_brand", "repeat_offenders", "good_faith"]
SPEC_METRIC_KEYS = [
    "submitted", "removed", "rejected", "restored", "withdrawn", "pending", "takedown_rate",
    "median_hours_to_removal", "handled_within_24h_rate", "counter_notices", "counter_notice_rate",
    "successful_counter_notices", "counter_notice_success_rate", "missed_counter_notice_responses",
    "value_removed_usd", "value_unknown_items",
]
SPEC_RATE_KEYS = ["takedown_rate", "handled_within_24h_rate", "counter_notice_rate", "counter_notice_success_rate"]


def small_program() -> MetricInputs:
    sept = dt.datetime(2026, 9, 10)
    return inputs(
        items=[
            item("C1", "L1", account="acct-a", reason="counterfeit", ipr_type="trademark", submitted_at=sept),
            item("C1", "L2", account="acct-a", reason="counterfeit", ipr_type="trademark", submitted_at=sept),
            item("C2", "L3", platform="taobao", account="acct-b", reason="design copy", ipr_type="design",
                 submitted_at=sept),
        ],
        events=[event("C1", "L1", "removed", sept + hours(3)), event("C2", "L3", "rejected", sept + hours(30))],
        listings=[listing("L1", brand="Acme", price=4.0, currency="USD", units_sold=5), listing("L2", brand="Bolt")],
    )


def test_the_json_object_has_spec_s_keys_in_spec_s_order():
    result = compute_metrics(small_program(), month_period("2026-09", "UTC"), AS_OF, "UTC")
    assert list(result) == SPEC_TOP_KEYS
    assert list(result["period"]) == ["start", "end"]
    assert list(result["totals"]) == SPEC_METRIC_KEYS
    for name in ("by_platform", "by_account", "by_reason", "by_ipr_type", "by_brand"):
        assert result[name], name
        for figures in result[name].values():
            assert list(figures) == SPEC_METRIC_KEYS
    assert list(result["repeat_offenders"]) == ["count", "share_of_removed", "threshold", "window_days"]
    assert list(result["good_faith"]) == ["start", "end", "accounts"]
    for account in result["good_faith"]["accounts"].values():
        assert list(account) == ["takedown_rate", "counter_notice_success_rate", "at_risk", "by_reason"]
        for reason in account["by_reason"].values():
            assert list(reason) == ["takedown_rate", "counter_notice_success_rate", "at_risk"]


def test_the_json_object_holds_the_hand_computed_figures():
    result = compute_metrics(small_program(), month_period("2026-09", "UTC"), AS_OF, "UTC")
    assert result["period"] == {"start": "2026-09-01T00:00:00Z", "end": "2026-10-01T00:00:00Z"}
    assert (result["as_of"], result["timezone"]) == ("2026-10-15T00:00:00Z", "UTC")
    assert {key: result["totals"][key] for key in ("submitted", "removed", "rejected", "pending", "takedown_rate",
                                                   "median_hours_to_removal", "handled_within_24h_rate",
                                                   "value_removed_usd")} == {
        "submitted": 3, "removed": 1, "rejected": 1, "pending": 1, "takedown_rate": 0.5,
        "median_hours_to_removal": 3.0, "handled_within_24h_rate": 0.5, "value_removed_usd": 20.0,
    }
    assert list(result["by_platform"]) == ["alibaba", "taobao"]
    assert list(result["by_account"]) == ["acct-a", "acct-b"]
    assert list(result["by_reason"]) == ["counterfeit", "design copy"]
    assert list(result["by_ipr_type"]) == ["design", "trademark"]
    assert list(result["by_brand"]) == ["Acme", "Bolt", "null"]  # C2/L3 has no listing
    assert result["repeat_offenders"] == {"count": 0, "share_of_removed": 0.0, "threshold": 3, "window_days": 365}
    assert result["good_faith"]["start"] == "2026-07-01T00:00:00Z"
    assert result["good_faith"]["accounts"]["acct-b"] == {
        "takedown_rate": 0.0, "counter_notice_success_rate": 0.0, "at_risk": True,
        "by_reason": {"design copy": {"takedown_rate": 0.0, "counter_notice_success_rate": 0.0, "at_risk": True}},
    }


def test_an_empty_period_gives_nulls_not_errors():
    result = compute_metrics(small_program(), month_period("2025-03", "UTC"), AS_OF, "UTC")
    assert result["totals"]["submitted"] == 0
    assert [result["totals"][key] for key in SPEC_RATE_KEYS + ["median_hours_to_removal"]] == [None] * 5
    assert [result[name] for name in ("by_platform", "by_account", "by_reason", "by_ipr_type", "by_brand")] == [{}] * 5
    assert result["good_faith"]["accounts"] == {}


def test_the_json_is_strict_json_with_rates_in_zero_to_one():
    result = compute_metrics(small_program(), month_period("2026-09", "UTC"), AS_OF, "UTC")
    text = json.dumps(result, allow_nan=False)
    rates = [figures[key] for figures in [result["totals"], *result["by_platform"].values()] for key in SPEC_RATE_KEYS]
    assert all(rate is None or (0 <= rate <= 1 and not math.isnan(rate)) for rate in rates)
    assert json.loads(text) == result


def test_the_cohort_scope_spans_the_period_and_its_good_faith_window():
    expected = Period(dt.datetime(2026, 7, 1), dt.datetime(2026, 10, 1))
    assert cohort_scope(month_period("2026-09", "UTC"), "UTC") == expected
    long_period = Period(dt.datetime(2026, 1, 15), dt.datetime(2026, 9, 10))
    assert cohort_scope(long_period, "UTC") == Period(dt.datetime(2026, 1, 15), dt.datetime(2026, 10, 1))
    assert repeat_window_start(AS_OF) == dt.datetime(2025, 10, 15)  # AS_OF - 365 days


def test_inputs_loaded_for_a_narrower_scope_are_refused():
    program = small_program()
    narrow = MetricInputs(program.items, program.events, program.listings, program.rights, program.exchange_rates,
                          as_of=AS_OF, since=dt.datetime(2026, 9, 1))
    # The inputs must reach back to the repeat window (2025-10-15).
    with pytest.raises(ValueError, match="repeat offenders needs every item submitted from 2025-10-15"):
        compute_metrics(narrow, month_period("2026-09", "UTC"), AS_OF, "UTC")
    # Loaded as of an earlier instant: events between then and AS_OF are missing.
    with pytest.raises(ValueError, match="loaded as of 2026-10-14 23:00:00"):
        compute_metrics(MetricInputs(program.items, program.events, program.listings, program.rights,
                                     program.exchange_rates, as_of=AS_OF - hours(1)),
                        month_period("2026-09", "UTC"), AS_OF, "UTC")


def test_a_free_period_is_reported_as_given():
    period = Period(dt.datetime(2026, 9, 10, 2), dt.datetime(2026, 9, 10, 4))
    result = compute_metrics(small_program(), period, AS_OF, "Asia/Shanghai")
    assert result["period"] == {"start": "2026-09-10T02:00:00Z", "end": "2026-09-10T04:00:00Z"}
    assert result["totals"]["submitted"] == 0  # submitted at midnight, before the period
    # Its last instant is September 10th, noon in China: Good-Faith covers July to September there.
    assert (result["good_faith"]["start"], result["good_faith"]["end"]) == ("2026-06-30T16:00:00Z",
                                                                          "2026-09-30T16:00:00Z")
