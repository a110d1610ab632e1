"""The Great Expectations suite of each export kind, and the per-row reasons it finds.

One suite per kind, named after the table the kind loads into, built from the contract
(`takedown.contract`). Each expectation carries, in its `meta`, the column and the rule it checks,
so every failing row can be quarantined with the exact rule and column that rejected it.
Great Expectations is imported lazily: it costs seconds, and only ingest needs it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import polars as pl

from takedown.contract import DECIMAL_PRECISION, DECIMAL_SCALE, Column, country_codes, currency_codes
from takedown.ingest.deferred_imports import DEFERRED_MODULES, collection_paused, deferred_imports
from takedown.ingest.normalize import Prepared
from takedown.ingest.reasons import Reason

# Every character Python's `\s` matches (str.isspace), spelled out as themselves: with `\S`, or
# with `\u` escapes, pandas runs the pattern through Python's re row by row (about 10x slower on a
# big export) instead of pyarrow's RE2, whose own `\s` misses some of them (e.g. \x0b).
_BLANKS = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
           "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
_URL = f"^(?i:https?)://[^{_BLANKS}]"  # the scheme, then something that is not blank
TIMESTAMP_FORMS = "ISO 8601, YYYY-MM-DD HH:MM[:SS], YYYY/MM/DD HH:MM[:SS] or YYYY-MM-DD"

# Rows validated at a time; pandas copies what it checks, so this bounds the memory it needs. Each
# slice also costs Great Expectations a fixed 0.2-0.3 s of bookkeeping per suite: a 1M-row export
# goes in one slice, and its peak memory is still the load's, not this copy's (1.5 GB vs 1.9 GB).
VALIDATION_SLICE_ROWS = 1_000_000
# Every failing row's position (COMPLETE), and nothing ingest does not read: the failing values
# themselves, their counts and a query to find them again cost time on a file with many bad rows.
_RESULT_FORMAT = {"result_format": "COMPLETE", "partial_unexpected_count": 0, "exclude_unexpected_values": True,
                  "return_unexpected_index_query": False}

_context_lock = threading.Lock()
_context_state: dict[str, Any] = {}
_warm_up_lock = threading.Lock()
_warm_up_threads: list[threading.Thread] = []


def warm_up() -> threading.Thread:
    """Set up Great Expectations in the background (once per process) while other work goes on."""
    with _warm_up_lock:
        if not _warm_up_threads:
            thread = threading.Thread(target=_batch_definition, daemon=True, name="takedown-warm-up")
            thread.start()
            _warm_up_threads.append(thread)
        return _warm_up_threads[0]


def _batch_definition() -> Any:
    """One ephemeral context and pandas asset for the process, progress bars off."""
    with _context_lock:
        if "batch_definition" not in _context_state:
            for noisy in ("great_expectations", "great_expectations.core", "great_expectations.data_context"):
                logging.getLogger(noisy).setLevel(logging.ERROR)
            with deferred_imports(DEFERRED_MODULES), collection_paused():
                import great_expectations as gx
            from great_expectations.data_context.types.base import ProgressBarsConfig
            from great_expectations.execution_engine import pandas_execution_engine

            # Great Expectations fingerprints every in-memory batch by hashing the whole frame, twice
            # per validation: most of its run time on a big export. The fingerprint only labels the
            # batch (nothing is cached or compared by it), so a cheap label does the same job.
            pandas_execution_engine.hash_pandas_dataframe = _batch_label
            _keep_configurations()

            context = gx.get_context(mode="ephemeral")
            context.variables.progress_bars = ProgressBarsConfig(globally=False)
            source = context.data_sources.add_pandas("exports")
            asset = source.add_dataframe_asset("export")
            _context_state["context"] = context
            _context_state["batch_definition"] = asset.add_batch_definition_whole_dataframe("whole_file")
        return _context_state["batch_definition"]


def _batch_label(frame: Any) -> str:
    """A unique label for one in-memory batch (see _batch_definition)."""
    return f"takedown-{id(frame):x}-{frame.shape[0]}x{frame.shape[1]}"


# Great Expectations rebuilds an expectation's configuration (a pydantic dump of its fields) each time
# it is asked for it: some 45 times per expectation per validation, a sixth of a small file's
# validation. During one of ingest's validations (see _configurations_kept) each expectation's is built
# once; the expectations are made for that validation and not changed during it. Elsewhere (other
# threads, other callers) the property behaves as Great Expectations wrote it.
_kept = threading.local()


def _keep_configurations() -> None:
    from great_expectations.expectations.expectation import Expectation

    build = Expectation.configuration.fget

    def configuration(expectation: Any) -> Any:
        kept = getattr(_kept, "configurations", None)
        if kept is None:
            return build(expectation)
        entry = kept.get(id(expectation))
        if entry is None or entry[0] is not expectation:
            # The expectation is held with its configuration: its id cannot be reused during the run.
            entry = kept[id(expectation)] = (expectation, build(expectation))
        return entry[1]

    Expectation.configuration = property(configuration, doc=Expectation.configuration.__doc__)


@contextlib.contextmanager
def _configurations_kept() -> Iterator[None]:
    """Each expectation's configuration built once during the block (in this thread)."""
    _kept.configurations = {}
    try:
        yield
    finally:
        _kept.configurations = None


@dataclass(frozen=True)
class Rule:
    """One check: the expectation to run, what it means, and how to say it for one row."""

    column: str
    rule: str
    expectation: str  # the Great Expectations class name
    kwargs: dict[str, Any]
    message: str  # formatted with {value} (and {other_value}); {column} and {other} are filled when built
    value_column: str  # the check frame's column whose text goes into the message
    condition_column: str | None = None  # the column a row_condition reads, if any
    other_column: str | None = None  # a second column whose text goes into the message, if any
    # Values that change from one ingest to the next (the not_in_future limit): the kwargs name them as
    # {"$PARAMETER": name} and they are passed to Great Expectations at validation, so the built suite
    # is the same for every ingest of a kind with the same columns and can be kept (see _suite).
    parameters: tuple[tuple[str, Any], ...] = ()

    def suite_key(self) -> tuple[str, str, str, str]:
        """What makes this rule's expectation: equal keys build equal expectations."""
        return self.column, self.rule, self.expectation, repr(sorted(self.kwargs.items()))


def rules_for(prepared: Prepared) -> list[Rule]:
    """Every rule of the contract for this kind, as expectations on the check frame."""
    rules: list[Rule] = []
    for column in prepared.kind.columns:
        rules.extend(_column_rules(column, prepared))
    return rules


def _column_rules(column: Column, prepared: Prepared) -> list[Rule]:
    name = column.name
    rules: list[Rule] = []
    if column.required:
        rules.append(Rule(name, "required", "ExpectColumnValuesToNotBeNull", {"column": name},
                          f"{name} is required", name))
    if column.required_when:
        other, other_value = column.required_when
        from great_expectations.expectations.row_conditions import Column as Where

        if other_value is None:
            read, because = other, f"when {other} is given"
            condition = Where(name=read).is_not_null()
        else:
            read, because = f"{other}__value", f"when {other} is {other_value}"
            condition = Where(name=read) == other_value
        rules.append(Rule(name, f"required_when_{other}", "ExpectColumnValuesToNotBeNull",
                          {"column": name, "row_condition": condition},
                          f"{name} is required {because}", name, condition_column=read))
    if name not in prepared.present:
        return rules  # nothing more to check in a column the file does not have
    value, parsed = f"{name}__value", f"{name}__parsed"
    if column.type == "enum":
        allowed = sorted(set(prepared.enums[name].values()))
        rules.append(Rule(name, "allowed_values", "ExpectColumnValuesToBeInSet",
                          {"column": parsed, "value_set": [True]},
                          f"{name}: unknown value {{value!r}}; expected one of {', '.join(allowed)}", name))
    elif column.type == "url":
        rules.append(Rule(name, "url_scheme", "ExpectColumnValuesToMatchRegex", {"column": name, "regex": _URL},
                          f"{name} must be an http or https URL, got {{value!r}}", name))
    elif column.type in ("decimal", "number"):
        rules.append(Rule(name, "number", "ExpectColumnValuesToBeInSet", {"column": parsed, "value_set": [True]},
                          f"{name}: {{value!r}} is not a number", name))
        if column.type == "decimal":
            rules.append(Rule(name, "decimal_precision", "ExpectColumnValuesToBeInSet",
                              {"column": f"{name}__exact", "value_set": [True]},
                              f"{name}: {{value!r}} has more digits than the store keeps exactly (at most "
                              f"{DECIMAL_PRECISION - DECIMAL_SCALE} before the decimal point and "
                              f"{DECIMAL_SCALE} after it)", name))
    elif column.type == "integer":
        rules.append(Rule(name, "integer", "ExpectColumnValuesToBeInSet", {"column": parsed, "value_set": [True]},
                          f"{name}: {{value!r}} is not a whole number", name))
        rules.append(Rule(name, "integer_range", "ExpectColumnValuesToBeInSet",
                          {"column": f"{name}__exact", "value_set": [True]},
                          f"{name}: {{value!r}} is too large to store (at most {2**63 - 1})", name))
    elif column.type == "timestamp":
        rules.append(Rule(name, "timestamp", "ExpectColumnValuesToBeInSet", {"column": parsed, "value_set": [True]},
                          f"{name}: {{value!r}} is not a valid timestamp in {prepared.timezone} "
                          f"({TIMESTAMP_FORMS})", name))
        # Compared as epoch microseconds: the same instant, and integer comparisons are fast in pandas.
        limit = int((prepared.future_limit - dt.datetime(1970, 1, 1)) / dt.timedelta(microseconds=1))
        parameter = f"{name}__future_limit_us"
        rules.append(Rule(name, "not_in_future", "ExpectColumnValuesToBeBetween",
                          {"column": f"{name}__epoch_us", "max_value": {"$PARAMETER": parameter}},
                          f"{name}: {{value!r}} is more than one day after the ingest "
                          f"({prepared.now:%Y-%m-%d %H:%M} UTC)", name, parameters=((parameter, limit),)))
        if column.not_before:
            other = column.not_before
            rules.append(Rule(name, f"not_before_{other}", "ExpectColumnValuesToBeInSet",
                              {"column": f"{name}__not_before_{other}", "value_set": [True]},
                              f"{name}: {{value!r}} is before the row's {other} ({{other_value!r}})", name,
                              other_column=other))
    elif column.type == "date":
        rules.append(Rule(name, "date", "ExpectColumnValuesToBeInSet", {"column": parsed, "value_set": [True]},
                          f"{name}: {{value!r}} is not a date (YYYY-MM-DD)", name))
    elif column.type == "currency":
        rules.append(Rule(name, "iso_4217", "ExpectColumnValuesToBeInSet",
                          {"column": value, "value_set": sorted(currency_codes())},
                          f"{name}: {{value!r}} is not an ISO 4217 currency code", name))
    elif column.type == "country":
        rules.append(Rule(name, "iso_3166_alpha_2", "ExpectColumnValuesToBeInSet",
                          {"column": value, "value_set": sorted(country_codes())},
                          f"{name}: {{value!r}} is not an ISO 3166 alpha-2 country code", name))
    if column.minimum is not None or column.maximum is not None:
        low, high = column.minimum, column.maximum
        if low is not None and high is not None:
            rule, words = "range", f"between {low:g} and {high:g}"
        elif low is not None:
            rule, words = "minimum", f">= {low:g}"
        else:
            rule, words = "maximum", f"<= {high:g}"
        rules.append(Rule(name, rule, "ExpectColumnValuesToBeBetween",
                          {"column": value, "min_value": low, "max_value": high},
                          f"{name} must be {words}, got {{value!r}}", name))
    return rules


def build_suite(prepared: Prepared, rules: list[Rule]) -> Any:
    """The kind's suite, named after its table."""
    import great_expectations as gx

    suite = gx.ExpectationSuite(name=prepared.kind.table)
    for index, rule in enumerate(rules):
        expectation_class = getattr(gx.expectations, rule.expectation)
        suite.add_expectation(expectation_class(**rule.kwargs, meta={"rule_index": index}))
    return suite


# Built suites by (table, every rule's key): building one costs Great Expectations a few hundred
# milliseconds of bookkeeping, a large share of a small file's ingest. Validation only reads a suite.
_SUITES_KEPT = 64
_suite_lock = threading.Lock()
_suites: dict[tuple[Any, ...], Any] = {}


def _suite(prepared: Prepared, rules: list[Rule]) -> Any:
    """The suite of these rules, built once per process (see build_suite)."""
    key = (prepared.kind.table, *(rule.suite_key() for rule in rules))
    with _suite_lock:
        suite = _suites.get(key)
    if suite is None:
        suite = build_suite(prepared, rules)
        with _suite_lock:
            if len(_suites) >= _SUITES_KEPT:
                _suites.pop(next(iter(_suites)))
            suite = _suites.setdefault(key, suite)
    return suite


def validate(prepared: Prepared) -> tuple[pl.Series, dict[int, list[Reason]]]:
    """Run the suite; return a mask of valid rows and the reasons of each failing row (by position)."""
    # First wait for the background import (see warm_up): importing Great Expectations from two
    # threads at once breaks its circular imports.
    batch_definition = _batch_definition()  # also makes the context the suite belongs to
    rules = rules_for(prepared)
    checks = prepared.checks
    reasons: dict[int, list[Reason]] = {}
    if checks.height == 0:
        return pl.Series("valid", [], dtype=pl.Boolean), reasons
    needed = {rule.kwargs["column"] for rule in rules} | {rule.condition_column for rule in rules} - {None}
    suite = _suite(prepared, rules)
    parameters = dict(parameter for rule in rules for parameter in rule.parameters)
    failing: dict[int, list[int]] = {}
    # Validate in slices: pandas holds a copy of what it checks, so this bounds ingest's memory.
    for offset in range(0, checks.height, VALIDATION_SLICE_ROWS):
        frame = checks.slice(offset, VALIDATION_SLICE_ROWS).select(sorted(needed)).to_pandas()
        frame.index += offset
        batch = batch_definition.get_batch(batch_parameters={"dataframe": frame})
        with _configurations_kept():
            result = batch.validate(suite, result_format=_RESULT_FORMAT, expectation_parameters=parameters)
        for outcome in result.results:
            index = outcome.expectation_config.meta["rule_index"]
            if outcome.exception_info and outcome.exception_info.get("raised_exception"):
                raise RuntimeError(f"the check {rules[index].rule} of {rules[index].column} failed to run: "
                                   f"{outcome.exception_info.get('exception_message')}")
            if not outcome.success:
                failing.setdefault(index, []).extend(outcome.result.get("unexpected_index_list") or [])
        del frame, batch, result
    for index, positions in sorted(failing.items()):
        rule = rules[index]
        values = checks[rule.value_column].gather(positions).to_list() if positions else []
        others = (checks[rule.other_column].gather(positions).to_list() if rule.other_column and positions
                  else [None] * len(values))
        for position, value, other_value in zip(positions, values, others):
            reasons.setdefault(int(position), []).append(Reason(
                rule.column, rule.rule, rule.expectation, rule.message.format(value=value, other_value=other_value)))
    bad = pl.Series("bad", sorted(reasons), dtype=pl.Int64)
    valid = ~pl.int_range(checks.height, eager=True).is_in(bad.implode())
    return valid.alias("valid"), reasons
