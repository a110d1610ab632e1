"""The view a URL asks for (dashboard_state.parse_view): any text in any parameter gives a View and
warnings, never an exception; the bounds are the CLI's (no month or as-of a page cannot compute,
no as-of in the future); and the warnings reach the page as plain text, never Markdown."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from takedown.dashboard_lib.state import View, parse_view
from takedown.metrics.filters import FILTER_COLUMNS
from takedown.metrics.periods import AS_OF_CLOCK_SKEW, EARLIEST, LATEST, good_faith_window, month_period

NOW = dt.datetime(2026, 12, 2, 0, 30)
PARAMETERS = ("month", "tz", "as_of", *FILTER_COLUMNS)
# Text that looks like each parameter's values and their edges, and anything at all.
NEAR = st.sampled_from(["0001-01", "9999-12", "2026-09", "1970-12", "1971-01", "2999-12", "3000-01", "2026-13",
                        "0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-05:00", "2999-01-01T00:00:00Z",
                        "2026-10-15", "America", "Etc/GMT+12", "Asia/Shanghai", "UTC", "../etc", "taobao.com",
                        "trademark", ""])
TEXT = st.one_of(NEAR, st.text(), st.from_regex(r"\d{1,5}-\d{1,3}(-\d{1,3}(T\d\d:\d\d(:\d\d)?([+-]\d\d:\d\d|Z)?)?)?",
                                                 fullmatch=True))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(PARAMETERS), TEXT))
def test_any_text_in_any_parameter_gives_a_view_and_warnings(params):
    view, warnings = parse_view(params, now=NOW)
    assert isinstance(view, View) and all(isinstance(warning, str) for warning in warnings)
    # Whatever was kept, a page can compute with it: the month, its Good-Faith window and trend ...
    period = month_period(view.month or "2026-09", view.timezone)
    good_faith_window(period, view.timezone, 3)
    month_period(f"{int((view.month or '2026-09')[:4]) - 1:04d}-01", view.timezone)
    # ... an as-of the CLI would accept ...
    assert view.as_of is None or EARLIEST <= view.as_of <= NOW + AS_OF_CLOCK_SKEW
    view.filters.normalised()
    # ... and the URL written back reads as the same view, without a warning.
    assert parse_view(view.query_params(), now=NOW) == (view, [])


@pytest.mark.parametrize("params, name", [
    ({"month": "0001-01"}, "month"), ({"month": "9999-12"}, "month"), ({"month": "1970-12"}, "month"),
    ({"as_of": "0001-01-01T00:00:00+01:00"}, "as_of"), ({"as_of": "9999-12-31T23:59:59-05:00"}, "as_of"),
    ({"as_of": "2999-01-01T00:00:00Z"}, "as_of"), ({"as_of": "2026-12-02T00:40:00Z"}, "as_of"),
    ({"tz": "America"}, "tz"),
])
def test_what_the_cli_refuses_the_url_falls_back_from(params, name):
    view, [warning] = parse_view(params, now=NOW)
    assert view == View() and warning.startswith(f"{name}: ")


def test_a_future_as_of_is_refused_as_the_cli_refuses_it():
    _, [warning] = parse_view({"as_of": "2999-01-01T00:00:00Z"}, now=NOW)
    assert "is in the future" in warning
    # A few minutes of another machine's clock running ahead are allowed, as on the CLI.
    view, warnings = parse_view({"as_of": "2026-12-02T00:33:00Z"}, now=NOW)
    assert warnings == [] and view.as_of == dt.datetime(2026, 12, 2, 0, 33)
