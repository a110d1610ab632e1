"""Cohort metrics: a September cohort worked out by hand, its breakdowns, cohort edges and empty cohorts."""

from __future__ import annotations

import datetime as dt

import pytest
from metric_frames import event, facts, hours, item, listing, rate, storefront

from takedown.metrics.kpis import METRIC_NAMES, cohort, cohort_metrics
from takedown.metrics.periods import month_period
from takedown.metrics.summary import breakdown_record, metrics_record

SEPT_10 = dt.datetime(2026, 9, 10)
SEPT_11 = dt.datetime(2026, 9, 11)
SEPT_12 = dt.datetime(2026, 9, 12)
AS_OF = dt.datetime(2026, 10, 15)

# The September 2026 cohort (UTC), as of October 15th. Per item: what happens, then its figures.
ITEMS = [
    item("C1", "L1", submitted_at=SEPT_10),                        # A removed after 10 h
    item("C1", "L2", submitted_at=SEPT_10),                        # B removed after exactly 24 h
    item("C2", "L3", platform="taobao", submitted_at=SEPT_11),     # C rejected after 30 h
    item("C2", "L4", platform="taobao", submitted_at=SEPT_11),     # D removed after 2 h, restored after 100 h
    item("C3", "L5", platform="tmall", submitted_at=SEPT_12),      # E counter-notice, never answered
    item("C3", "L6", platform="tmall", submitted_at=SEPT_12),      # F removed, counter-notice answered in time
    storefront("C4", submitted_at=dt.datetime(2026, 9, 13)),       # G storefront, removed after 48 h
    item("C5", "L7", submitted_at=dt.datetime(2026, 9, 14)),       # H no events; its listing is unknown
    item("C6", "L8", platform="aliexpress", submitted_at=dt.datetime(2026, 9, 14)),  # I accepted 73 h late
    item("C7", "L9", submitted_at=dt.datetime(2026, 8, 31, 23, 59, 59)),  # August: not in the cohort
    item("C8", "L9", submitted_at=dt.datetime(2026, 10, 1)),               # October: not in the cohort
]
EVENTS = [
    event("C1", "L1", "removed", SEPT_10 + hours(10)),
    event("C1", "L2", "removed", SEPT_10 + hours(24)),
    event("C2", "L3", "rejected", SEPT_11 + hours(30)),
    event("C2", "L4", "removed", SEPT_11 + hours(2)),
    event("C2", "L4", "restored", SEPT_11 + hours(100)),
    event("C3", "L5", "counter_notice", SEPT_12 + hours(5)),
    event("C3", "L6", "removed", SEPT_12 + hours(20)),
    event("C3", "L6", "counter_notice", SEPT_12 + hours(40)),
    event("C3", "L6", "counter_notice_rejected", SEPT_12 + hours(50)),
    event("C4", "", "removed", dt.datetime(2026, 9, 13) + hours(48)),
    event("C6", "L8", "counter_notice", dt.datetime(2026, 9, 14, 1)),
    event("C6", "L8", "counter_notice_accepted", dt.datetime(2026, 9, 14, 1) + hours(73)),
    event("C7", "L9", "removed", dt.datetime(2026, 9, 1)),
    event("C8", "L9", "removed", dt.datetime(2026, 10, 2)),
]
LISTINGS = [
    listing("L1", brand="Acme", price=10.0, currency="USD", units_sold=100),   # 1,000 USD
    listing("L2", brand="Acme", price=50.0, currency="CNY", units_sold=10),    # 500 CNY x 0.125 = 62.5 USD
    listing("L3", platform="taobao", brand="Bolt"),
    listing("L4", platform="taobao", brand="Bolt", price=1.0, currency="CNY", units_sold=1),
    listing("L5", platform="tmall", brand="Acme"),
    listing("L6", platform="tmall", brand="Acme"),
    listing("L8", platform="aliexpress", brand="Bolt"),
    listing("L9", brand="Acme", price=1.0, currency="USD", units_sold=1),
]
RATES = [rate("2026-09", "CNY", 0.125)]


@pytest.fixture(scope="module")
def september():
    all_facts = facts(ITEMS, EVENTS, LISTINGS, RATES, as_of=AS_OF)
    return cohort(all_facts, month_period("2026-09", "UTC"))


# September's figures counted by hand, one per metric of the registry.
HAND_COUNT = {
    "submitted": 9,                      # A to I
    "removed": 3,                        # A, B, G
    "rejected": 1,                       # C
    "restored": 1,                       # D
    "withdrawn": 1,                      # I (counter-notice accepted)
    "pending": 3,                        # E and F counter-noticed, H submitted
    "takedown_rate": 3 / 5,              # 3 removed / (3 + 1 rejected + 1 restored)
    "median_hours_to_removal": 20.0,     # first removals after 2, 10, 20, 24, 48 h (D's too: it was removed)
    "handled_within_24h_rate": 4 / 6,    # decided: A 10, B 24, C 30, D 2, F 20, G 48 h; within 24 h: A B D F
    "counter_notices": 3,                # E, F, I
    "counter_notice_rate": 3 / 9,
    "successful_counter_notices": 1,     # I ends withdrawn; E and F are still counter-noticed
    "counter_notice_success_rate": 1 / 9,
    "missed_counter_notice_responses": 2,  # E never answered; I answered after 73 h
    "value_removed_usd": 1062.5,         # A 1,000 + B 62.5; G is a storefront
    "value_unknown_items": 1,            # G
}


@pytest.mark.parametrize("name", HAND_COUNT)
def test_metric_equals_the_hand_count(september, name):
    # The registry's test of each metric (registry.Where.test): its number, by hand.
    assert metrics_record(cohort_metrics(september))[name] == HAND_COUNT[name]


def test_the_hand_count_covers_every_metric():
    assert tuple(HAND_COUNT) == METRIC_NAMES


def test_the_brand_breakdown_puts_storefronts_and_unknown_listings_under_null(september):
    by_brand = breakdown_record(cohort_metrics(september, by="brand"), "brand")
    assert list(by_brand) == ["Acme", "Bolt", "null"]
    assert by_brand["Acme"] == {  # A, B, E, F
        "submitted": 4, "removed": 2, "rejected": 0, "restored": 0, "withdrawn": 0, "pending": 2,
        "takedown_rate": 1.0, "median_hours_to_removal": 20.0, "handled_within_24h_rate": 1.0,
        "counter_notices": 2, "counter_notice_rate": 0.5, "successful_counter_notices": 0,
        "counter_notice_success_rate": 0.0, "missed_counter_notice_responses": 1,
        "value_removed_usd": 1062.5, "value_unknown_items": 0,
    }
    assert by_brand["Bolt"] == {  # C, D, I
        "submitted": 3, "removed": 0, "rejected": 1, "restored": 1, "withdrawn": 1, "pending": 0,
        "takedown_rate": 0.0, "median_hours_to_removal": 2.0, "handled_within_24h_rate": 0.5,
        "counter_notices": 1, "counter_notice_rate": 1 / 3, "successful_counter_notices": 1,
        "counter_notice_success_rate": 1 / 3, "missed_counter_notice_responses": 1,
        "value_removed_usd": 0.0, "value_unknown_items": 0,
    }
    assert by_brand["null"] == {  # G (storefront), H (listing never seen)
        "submitted": 2, "removed": 1, "rejected": 0, "restored": 0, "withdrawn": 0, "pending": 1,
        "takedown_rate": 1.0, "median_hours_to_removal": 48.0, "handled_within_24h_rate": 0.0,
        "counter_notices": 0, "counter_notice_rate": 0.0, "successful_counter_notices": 0,
        "counter_notice_success_rate": 0.0, "missed_counter_notice_responses": 0,
        "value_removed_usd": 0.0, "value_unknown_items": 1,
    }


def test_the_platform_breakdown_counts_each_platform_once(september):
    by_platform = breakdown_record(cohort_metrics(september, by="platform"), "platform")
    assert {name: figures["submitted"] for name, figures in by_platform.items()} == {
        "alibaba": 4, "aliexpress": 1, "taobao": 2, "tmall": 2,
    }
    alibaba = by_platform["alibaba"]  # A, B, G, H
    assert (alibaba["removed"], alibaba["pending"], alibaba["median_hours_to_removal"]) == (3, 1, 24.0)
    assert alibaba["handled_within_24h_rate"] == 2 / 3  # A and B within 24 h, G after 48 h
    assert by_platform["taobao"]["takedown_rate"] == 0.0  # C rejected, D restored
    assert by_platform["tmall"]["takedown_rate"] is None  # E and F still counter-noticed: nothing decided


def test_median_hours_to_removal_of_an_even_count_is_the_mean_of_the_middle_two():
    items = [item(f"C{n}", submitted_at=SEPT_10) for n in range(4)]
    events = [event(f"C{n}", "L1", "removed", SEPT_10 + hours(h)) for n, h in enumerate([2, 4, 10, 20])]
    assert metrics_record(cohort_metrics(facts(items, events, as_of=AS_OF)))["median_hours_to_removal"] == 7.0


def test_handled_within_24h_rate_counts_exactly_24_hours_as_in_time():
    items = [item("C1", submitted_at=SEPT_10), item("C2", submitted_at=SEPT_10), item("C3", submitted_at=SEPT_10)]
    events = [
        event("C1", "L1", "removed", SEPT_10 + hours(24)),
        event("C2", "L1", "rejected", SEPT_10 + hours(24)),
        event("C3", "L1", "removed", SEPT_10 + hours(24) + dt.timedelta(microseconds=1)),
    ]
    figures = metrics_record(cohort_metrics(facts(items, events, as_of=AS_OF)))
    assert figures["handled_within_24h_rate"] == 2 / 3


def test_handled_within_24h_rate_looks_at_the_first_decision_only():
    # Rejected after 30 h, then removed on appeal after 10 more: the first decision came after 30 h.
    events = [event("C1", "L1", "rejected", SEPT_10 + hours(30)), event("C1", "L1", "removed", SEPT_10 + hours(40))]
    figures = metrics_record(cohort_metrics(facts([item(submitted_at=SEPT_10)], events, as_of=AS_OF)))
    assert (figures["handled_within_24h_rate"], figures["median_hours_to_removal"]) == (0.0, 40.0)


def test_a_decision_after_as_of_is_not_yet_a_decision():
    events = [event("C1", "L1", "removed", SEPT_10 + hours(5))]
    figures = metrics_record(cohort_metrics(facts([item(submitted_at=SEPT_10)], events, as_of=SEPT_10 + hours(4))))
    assert figures == {
        "submitted": 1, "removed": 0, "rejected": 0, "restored": 0, "withdrawn": 0, "pending": 1,
        "takedown_rate": None, "median_hours_to_removal": None, "handled_within_24h_rate": None,
        "counter_notices": 0, "counter_notice_rate": 0.0, "successful_counter_notices": 0,
        "counter_notice_success_rate": 0.0, "missed_counter_notice_responses": 0,
        "value_removed_usd": 0.0, "value_unknown_items": 0,
    }


EMPTY = {
    "submitted": 0, "removed": 0, "rejected": 0, "restored": 0, "withdrawn": 0, "pending": 0,
    "takedown_rate": None, "median_hours_to_removal": None, "handled_within_24h_rate": None,
    "counter_notices": 0, "counter_notice_rate": None, "successful_counter_notices": 0,
    "counter_notice_success_rate": None, "missed_counter_notice_responses": 0,
    "value_removed_usd": 0.0, "value_unknown_items": 0,
}


def test_an_empty_cohort_gives_zero_counts_and_null_rates(september):
    empty = cohort(september, month_period("2025-01", "UTC"))
    assert empty.height == 0
    assert metrics_record(cohort_metrics(empty)) == EMPTY
    assert breakdown_record(cohort_metrics(empty, by="platform"), "platform") == {}


def test_an_empty_store_gives_zero_counts_and_null_rates():
    assert metrics_record(cohort_metrics(facts([], as_of=AS_OF))) == EMPTY


@pytest.mark.parametrize(("submitted_at", "in_september"), [
    (dt.datetime(2026, 8, 31, 15, 59, 59, 999999), False),  # Aug 31st 23:59:59.999999 in China
    (dt.datetime(2026, 8, 31, 16), True),                    # Sep 1st 00:00 in China
    (dt.datetime(2026, 9, 30, 15, 59, 59), True),            # Sep 30th 23:59:59 in China
    (dt.datetime(2026, 9, 30, 16), False),                   # Oct 1st 00:00 in China
])
def test_cohort_edges_follow_the_report_time_zone(submitted_at, in_september):
    september_in_china = month_period("2026-09", "Asia/Shanghai")
    chosen = cohort(facts([item(submitted_at=submitted_at)], as_of=AS_OF), september_in_china)
    assert chosen.height == (1 if in_september else 0)


def test_the_cohort_leaves_out_items_submitted_after_as_of():
    items = [item("C1", submitted_at=SEPT_10), item("C2", submitted_at=SEPT_12)]
    chosen = cohort(facts(items, as_of=SEPT_11), month_period("2026-09", "UTC"))
    assert chosen.get_column("complaint_id").to_list() == ["C1"]


def test_every_metric_has_a_column():
    assert cohort_metrics(facts([], as_of=AS_OF)).columns == list(METRIC_NAMES)


def test_hours_and_medians_are_exactly_what_a_hand_computation_gives():
    # 24,878 s is 6.910555...6 h when divided (Python: 24878 / 3600); a multiplication by 1/3600 gives ...55.
    items = [item("C1", submitted_at=SEPT_10)]
    events = [event("C1", "L1", "removed", SEPT_10 + dt.timedelta(seconds=24_878))]
    single = metrics_record(cohort_metrics(facts(items, events, as_of=AS_OF)))["median_hours_to_removal"]
    assert single == 24_878 / 3600
    # The mean of the middle two is (a + b) / 2; interpolating a + (b - a) / 2 gives 62.0275 here.
    items = [item("C1", submitted_at=SEPT_10), item("C2", submitted_at=SEPT_10)]
    events = [event("C1", "L1", "removed", SEPT_10 + dt.timedelta(seconds=113_678)),
              event("C2", "L1", "removed", SEPT_10 + dt.timedelta(seconds=332_920))]
    pair = metrics_record(cohort_metrics(facts(items, events, as_of=AS_OF)))["median_hours_to_removal"]
    assert pair == (113_678 / 3600 + 332_920 / 3600) / 2 == 62.027499999999996
