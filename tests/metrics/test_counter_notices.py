"""Missed counter-notice responses: the 72-hour window's edges, what counts as an answer, and as-of."""

from __future__ import annotations

import datetime as dt

import pytest
from metric_frames import T0, event, events_frame, facts, hours, item, items_frame

from takedown.config import DEFAULT_SETTINGS, Settings
from takedown.metrics.kpis import cohort_metrics
from takedown.metrics.summary import metrics_record
from takedown.metrics.status import event_milestones, events_of_items, known_events

NOTICE = T0 + hours(1)
MICROSECOND = dt.timedelta(microseconds=1)


def missed(events, as_of=None, settings=DEFAULT_SETTINGS) -> int:
    as_of = as_of or NOTICE + hours(24 * 10)
    figures = metrics_record(cohort_metrics(facts([item()], events, as_of=as_of, settings=settings)))
    return figures["missed_counter_notice_responses"]


@pytest.mark.parametrize("answer", ["counter_notice_rejected", "counter_notice_accepted", "withdrawn"])
def test_an_answer_exactly_72_hours_later_is_in_time(answer):
    events = [event("C1", "L1", "counter_notice", NOTICE), event("C1", "L1", answer, NOTICE + hours(72))]
    assert missed(events) == 0


@pytest.mark.parametrize("answer", ["counter_notice_rejected", "counter_notice_accepted", "withdrawn"])
def test_an_answer_one_microsecond_after_72_hours_is_missed(answer):
    events = [event("C1", "L1", "counter_notice", NOTICE), event("C1", "L1", answer, NOTICE + hours(72) + MICROSECOND)]
    assert missed(events) == 1


def test_an_answer_on_the_same_instant_as_the_counter_notice_is_in_time():
    events = [event("C1", "L1", "counter_notice", NOTICE), event("C1", "L1", "counter_notice_rejected", NOTICE)]
    assert missed(events) == 0


@pytest.mark.parametrize("other", ["removed", "rejected", "restored"])
def test_only_the_brand_s_answers_count(other):
    events = [event("C1", "L1", "counter_notice", NOTICE), event("C1", "L1", other, NOTICE + hours(1))]
    assert missed(events) == 1


def test_an_answer_before_the_counter_notice_does_not_answer_it():
    events = [event("C1", "L1", "counter_notice_rejected", NOTICE - hours(1)),
              event("C1", "L1", "counter_notice", NOTICE)]
    assert missed(events) == 1


def test_a_counter_notice_is_missed_once_its_deadline_has_come():
    events = [event("C1", "L1", "counter_notice", NOTICE)]
    assert missed(events, as_of=NOTICE + hours(72) - MICROSECOND) == 0  # still time to answer
    assert missed(events, as_of=NOTICE + hours(72)) == 1                # the deadline is now: missed


def test_each_counter_notice_event_counts_and_one_answer_can_serve_two():
    events = [
        event("C1", "L1", "counter_notice", NOTICE),
        event("C1", "L1", "counter_notice", NOTICE + hours(10)),
        event("C1", "L1", "counter_notice_rejected", NOTICE + hours(20)),  # answers both: in both windows
        event("C1", "L1", "counter_notice", NOTICE + hours(100)),          # never answered
        event("C1", "L1", "counter_notice", NOTICE + hours(200)),          # never answered
    ]
    assert missed(events, as_of=NOTICE + hours(272)) == 2
    assert missed(events, as_of=NOTICE + hours(271)) == 1  # the last one's deadline has not come yet


def test_the_response_window_is_a_setting():
    events = [event("C1", "L1", "counter_notice", NOTICE), event("C1", "L1", "withdrawn", NOTICE + hours(30))]
    assert missed(events) == 0
    assert missed(events, settings=Settings(response_window_hours=24.0)) == 1


def test_each_missed_notice_is_listed_and_an_answered_one_is_not():
    events = events_frame(
        event("C1", "L1", "counter_notice", NOTICE),
        event("C1", "L1", "counter_notice_accepted", NOTICE + hours(5)),
        event("C1", "L1", "counter_notice", NOTICE + hours(30)),
    )
    as_of = NOTICE + hours(102)  # the second notice's deadline is exactly now
    items = items_frame(item())
    milestones = event_milestones(known_events(events_of_items(items, events), items, as_of), as_of, 72.0)
    assert milestones.get_column("missed_notices").to_list() == [[NOTICE + hours(30)]]
