"""The metric registry and docs/metric_dictionary.md say the same thing: one entry per metric heading, and
the registry's map (function, SQL, test, page, report section) names real things."""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest

from takedown.dashboard_lib import data as dashboard_data
from takedown.metrics.dictionary import heading_slug, render, where_lines
from takedown.metrics.registry import FIGURES, METRIC_NAMES, METRICS, dictionary_link, format_percent, metric
from takedown.report import sections

DICTIONARY = Path(__file__).resolve().parents[2] / "docs" / "metric_dictionary.md"
SECTION = "## Cohort metrics"


def _github_slug(heading: str) -> str:
    # GitHub's anchor of a heading: lower case, punctuation but - and _ dropped, spaces to dashes.
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def metric_headings() -> dict[str, str]:
    """The ### headings of the cohort-metrics section, slug -> heading text."""
    text = DICTIONARY.read_text(encoding="utf-8")
    section = text[text.index(SECTION) + len(SECTION):]
    section = section[:section.index("\n## ")]
    section = section[:section.index("### Breakdowns")]
    headings = re.findall(r"^### (.+)$", section, flags=re.MULTILINE)
    return {_github_slug(heading): heading for heading in headings}


def test_every_registry_entry_has_its_heading_in_the_dictionary():
    headings = metric_headings()
    missing = [entry.name for entry in METRICS if entry.anchor not in headings]
    assert missing == [], f"metrics without a heading in {DICTIONARY.name}: {missing}"


def test_every_metric_heading_has_a_registry_entry():
    anchors = {entry.anchor for entry in METRICS}
    orphans = [heading for slug, heading in metric_headings().items() if slug not in anchors]
    assert orphans == [], f"headings without a registry entry: {orphans}"


def test_the_registry_lists_spec_s_metrics_in_spec_s_order():
    assert METRIC_NAMES == (
        "submitted", "removed", "rejected", "restored", "withdrawn", "pending", "takedown_rate",
        "median_hours_to_removal", "handled_within_24h_rate", "counter_notices", "counter_notice_rate",
        "successful_counter_notices", "counter_notice_success_rate", "missed_counter_notice_responses",
        "value_removed_usd", "value_unknown_items")
    assert dictionary_link("takedown_rate") == "docs/metric_dictionary.md#takedown_rate"
    assert metric("takedown_rate").format(0.9) == format_percent(0.9) == "90.0%"
    assert metric("value_removed_usd").format(1234.5) == "$1,234"


# --- the registry as the map: every entry names real things, and the dictionary's Where lines are its ---

ROOT = Path(__file__).resolve().parents[2]
ENTRIES = [(entry.name, entry.where) for entry in METRICS] + [(figure.name, figure.where) for figure in FIGURES]


def _parameters(module: ast.Module, decorator: ast.expr) -> list[object]:
    # The values of @pytest.mark.parametrize("x", VALUES): a literal, or a module-level constant's keys.
    values = decorator.args[1]  # type: ignore[attr-defined]
    if isinstance(values, ast.Name):
        values = next(node.value for node in module.body if isinstance(node, ast.Assign)
                      and any(isinstance(target, ast.Name) and target.id == values.id for target in node.targets))
    if isinstance(values, ast.Dict):  # its keys (the values may be expressions such as 3 / 5)
        return [ast.literal_eval(key) for key in values.keys if key is not None]
    return list(ast.literal_eval(values))


@pytest.mark.parametrize(("name", "where"), ENTRIES, ids=[name for name, _ in ENTRIES])
def test_every_entry_names_a_function_a_query_a_page_and_a_report_section_that_exist(name, where):
    module, function = where.function.rsplit(".", 1)
    assert callable(getattr(importlib.import_module(module), function))
    assert (ROOT / "queries" / f"{where.sql}.sql").is_file()
    if where.page is not None:
        assert (ROOT / where.page).is_file()
    if where.report_section is not None:
        template = (ROOT / "src/takedown/report/templates/report.html.j2").read_text(encoding="utf-8")
        assert f'id="{where.report_section}"' in template


@pytest.mark.parametrize(("name", "where"), ENTRIES, ids=[name for name, _ in ENTRIES])
def test_every_entry_names_a_test_that_asserts_its_number(name, where):
    test_file, test_id = where.test.split("::")
    test_name, _, parameter = test_id.partition("[")
    module = ast.parse((ROOT / test_file).read_text(encoding="utf-8"))
    found = [node for node in module.body if isinstance(node, ast.FunctionDef) and node.name == test_name]
    assert found, f"{where.test}: no such test"
    assert any(isinstance(node, ast.Assert) for node in ast.walk(found[0])), f"{where.test} asserts nothing"
    if parameter:
        decorators = [decorator for decorator in found[0].decorator_list
                      if isinstance(decorator, ast.Call) and ast.unparse(decorator.func) == "pytest.mark.parametrize"]
        assert parameter.rstrip("]") in [value for decorator in decorators for value in _parameters(module, decorator)]


def test_a_metric_is_on_the_page_and_in_the_report_section_its_entry_names():
    for entry in METRICS:
        assert entry.where is not None
        on_overview = entry.name in dashboard_data.HEADLINE_KPIS
        # The breakdowns page shows every metric (its table has a column per metric).
        assert (entry.where.page == "dashboard/app_pages/overview.py") == on_overview, entry.name
        assert (entry.where.report_section == "headline") == (entry.name in sections.HEADLINE), entry.name


def test_the_dictionary_s_where_lines_are_the_registry_s():
    text = DICTIONARY.read_text(encoding="utf-8")
    assert render(text) == text, "run: uv run python -m takedown.metrics.dictionary"
    headings = [heading_slug(line.lstrip("#")) for line in text.splitlines() if line.startswith("##")]
    for anchor in where_lines():
        assert headings.count(anchor) == 1, f"the anchor {anchor} names {headings.count(anchor)} headings"


def test_a_where_line_the_registry_does_not_make_is_removed_and_one_it_makes_is_written():
    text = DICTIONARY.read_text(encoding="utf-8")
    stray = text.replace("### `pending`\n", "### `pending`\nWhere: somewhere else\n", 1)
    missing = text.replace(where_lines()["pending"][0] + "\n\n", "", 1)
    assert stray != text and missing != text
    assert render(stray) == text and render(missing) == text


def test_lower_is_better_is_set_where_a_fall_is_good_news():
    better_lower = {entry.name for entry in METRICS if entry.lower_is_better}
    assert {"median_hours_to_removal", "counter_notice_success_rate", "missed_counter_notice_responses",
            "rejected", "restored"} <= better_lower
    assert not {"submitted", "removed", "takedown_rate", "handled_within_24h_rate", "value_removed_usd"} & better_lower
