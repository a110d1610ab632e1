"""The metric registry and docs/metric_dictionary.md say the same thing: one entry per metric heading."""

from __future__ import annotations

import re
from pathlib import Path

from takedown.metrics.registry import METRIC_NAMES, METRICS, dictionary_link, format_percent, metric

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
