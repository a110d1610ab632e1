"""The metric dictionary's "Where" lines, generated from the registry (the registry is the map).

Under each heading of docs/metric_dictionary.md that a registry entry (metric or figure) names by
its anchor, one line gives, one hop each, the function that computes the figure, its SQL, a test
that asserts its number, the dashboard page and the report section that show it. Regenerate after
changing the registry:

    uv run python -m takedown.metrics.dictionary          # rewrite the dictionary's Where lines
    uv run python -m takedown.metrics.dictionary --check  # exit 1 when they differ (the tests do this)
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from takedown.config import REPO_DIR
from takedown.metrics.registry import DICTIONARY, FIGURES, METRICS, Where

# A generated line: "Where: ..." under a metric's heading, "Where (`name`): ..." under a shared one.
_WHERE_LINE = re.compile(r"^Where( \(`[a-z_]+`\))?: ")
_HEADING = re.compile(r"^#{2,4} (.+)$")


def heading_slug(heading: str) -> str:
    """GitHub's anchor of a heading: lower case, punctuation but - and _ dropped, spaces to dashes."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def function_path(function: str) -> str:
    """The source file (from the project's root) of a dotted function name of the takedown package."""
    return "src/" + "/".join(function.split(".")[:-1]) + ".py"


def where_line(where: Where, name: str | None = None) -> str:
    """The dictionary's line for one entry (`name`: written when several entries share a heading)."""
    module, function = where.function.rsplit(".", 1)
    test_file, test_name = where.test.split("::", 1)
    parts = [f"[`{module.rsplit('.', 1)[1]}.{function}`](../{function_path(where.function)})"
             + (f" (facts column `{where.column}`)" if where.column else ""),
             f"SQL [`{where.sql}`](../queries/{where.sql}.sql)",
             f"test [`{Path(test_file).name}::{test_name}`](../{test_file})",
             f"page [`{Path(where.page).name}`](../{where.page})" if where.page else "page: none",
             f"report section `#{where.report_section}`" if where.report_section else "report: none"]
    label = "Where" if name is None else f"Where (`{name}`)"
    return f"{label}: " + " · ".join(parts)


def where_lines() -> dict[str, list[str]]:
    """anchor -> the lines written under that heading, in registry order."""
    lines: dict[str, list[str]] = {}
    for entry in METRICS:
        assert entry.where is not None, entry.name
        lines.setdefault(entry.anchor, []).append(where_line(entry.where))
    shared = {figure.anchor for figure in FIGURES if sum(other.anchor == figure.anchor for other in FIGURES) > 1}
    for figure in FIGURES:
        lines.setdefault(figure.anchor, []).append(
            where_line(figure.where, figure.name if figure.anchor in shared else None))
    return lines


def render(text: str) -> str:
    """The dictionary `text` with every generated line removed and written again from the registry."""
    wanted = where_lines()
    source = text.split("\n")
    out: list[str] = []
    index = 0
    while index < len(source):
        line = source[index]
        index += 1
        if _WHERE_LINE.match(line):
            if index < len(source) and not source[index].strip() and out and _WHERE_LINE.match(out[-1]) is None:
                index += 1  # the blank line written after the block
            continue
        out.append(line)
        heading = _HEADING.match(line)
        if heading and heading_slug(heading.group(1)) in wanted:
            out.extend(wanted[heading_slug(heading.group(1))])
            out.append("")
            while index < len(source) and _WHERE_LINE.match(source[index]):
                index += 1
            if index < len(source) and not source[index].strip():
                index += 1
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m takedown.metrics.dictionary", description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when the dictionary's Where lines differ")
    arguments = parser.parse_args(argv)
    path = REPO_DIR / DICTIONARY
    text = path.read_text(encoding="utf-8")
    rendered = render(text)
    if arguments.check:
        if rendered != text:
            print(f"{DICTIONARY}: its Where lines differ from the registry; run python -m takedown.metrics.dictionary",
                  file=sys.stderr)
            return 1
        return 0
    if rendered != text:
        path.write_text(rendered, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
