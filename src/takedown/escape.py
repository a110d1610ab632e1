"""Escaping untrusted text (titles, seller names, details, account and brand values, URL parameters)
wherever the project shows or writes it: one function per surface, each showing bidi and control
characters as visible escapes (`\\u202e`) instead of obeying them.

- terminal_text: the terminal (and anything one line of plain text).
- escape_html: HTML pages (report.html's Jinja `finalize` calls it for every value).
- markdown_text: anything Streamlit reads as Markdown (warnings, captions, labels, help, titles).
- chart_text / escape_figure: Plotly's text (ticks, hover, legends, annotations), which reads HTML tags.
- shown_cells: a frame's text for display (st.dataframe); downloads keep the raw text.
- escape_cell / escape_cells: CSV and XLSX cells a spreadsheet would run as a formula.
"""

from __future__ import annotations

import html
import re

import markupsafe
import polars as pl

# A spreadsheet treats a cell starting with one of these as a formula (CSV/XLSX injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

# Characters that reorder the text around them (bidi overrides, embeddings, isolates and marks):
# "invoice\u202egpj.exe" shows as "invoiceexe.jpg". Shown as visible escapes, never obeyed.
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_BIDI = re.compile(f"[{BIDI_CONTROLS}]")
# What a terminal would act on instead of showing: C0 controls (ESC starts colour and cursor
# sequences, \r and \n rewrite or add lines), DEL, C1 controls, the line/paragraph separators,
# and the bidi controls above.
_TERMINAL_CONTROLS = re.compile(f"[\x00-\x1f\x7f-\x9f\u2028\u2029{BIDI_CONTROLS}]")


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal_text(value: object) -> str:
    """Any value as text safe to print on a terminal, on one line (None -> '').

    Each control, line-break or bidi character becomes its visible escape (ESC -> `\\x1b`,
    U+202E -> `\\u202e`), so nothing is hidden and nothing is dropped.
    """
    return "" if value is None else _TERMINAL_CONTROLS.sub(_visible, str(value))


def escape_html(text: object) -> str:
    """HTML-escape any value for a page or report (None -> '').

    The same references as Jinja's autoescape (MarkupSafe: `&#34;`, `&#39;`), and bidi controls become
    visible escapes too: a character reference would still reorder the text.
    """
    return "" if text is None else _BIDI.sub(_visible, str(markupsafe.escape(str(text))))


# Every ASCII punctuation character: Markdown gives each a meaning somewhere (links, images, emphasis,
# code, HTML, headings, lists, tables, GitHub's autolinks, Streamlit's :red[...] and :material/x:
# directives, $maths$), and CommonMark lets a backslash make any of them plain text.
_MARKDOWN_SPECIAL = re.compile(r"([!-/:-@\[-`{-~])")
# GitHub's autolinks (https://..., www.x, a@b.c) are found in the text after escapes are read, so a
# backslash cannot stop them: an invisible WORD JOINER (U+2060) after `:`, `www` and `@` does.
WORD_JOINER = "\u2060"
_AUTOLINK = re.compile(r"(:(?=//)|(?<![^\W_])www(?=\.)|@)(?!\u2060)", re.IGNORECASE)


def markdown_text(value: object) -> str:
    """Any value as Markdown that shows exactly its text, on one line (None -> '').

    No link, image, colour, maths, emphasis or HTML: every punctuation character is backslash-escaped,
    controls, line breaks and bidi characters become visible escapes first (terminal_text), and a
    WORD JOINER (invisible) keeps GitHub's autolinks from finding an address in it.
    """
    text = _AUTOLINK.sub(lambda match: match.group() + WORD_JOINER, terminal_text(value))
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def chart_text(value: object) -> str:
    """Any value as Plotly text that shows exactly its text (None -> '').

    Plotly reads `<a href>`, `<br>`, `<b>` and character references in every label; `&`, `<` and `>`
    become references it shows literally (quotes mean nothing outside a tag), bidi controls become
    visible escapes.
    """
    return "" if value is None else _BIDI.sub(_visible, html.escape(str(value), quote=False))


# The trace properties that carry text from the data (category values, names, labels, hover text, and
# customdata, which a hovertemplate may show).
_TRACE_TEXT = ("x", "y", "z", "labels", "parents", "ids", "text", "hovertext", "customdata", "name", "legendgroup")


def _chart_values(values: object) -> object:
    # A string, or a sequence (list, tuple, NumPy array from Plotly Express) of them, possibly nested.
    if isinstance(values, str):
        return chart_text(values)
    if getattr(values, "dtype", None) is not None and values.dtype.kind in "OUS":
        values = values.tolist()
    if isinstance(values, (list, tuple)):
        escaped = [_chart_values(value) for value in values]
        return values if all(new is old for new, old in zip(escaped, values, strict=True)) else escaped
    return values


def escape_figure(figure):
    """Every text of a Plotly figure made inert with chart_text, in place; returns the figure.

    The one place chart labels are escaped: each chart module's shared layout function calls it
    last, so chart builders pass raw values (never escaped twice) and nothing from the data
    reaches Plotly as markup: trace categories, names, labels and hover text, axis tick texts,
    titles, legend titles and annotations. Templates (hovertemplate, texttemplate) are the code's own:
    a builder shows a trace's name with `%{fullData.name}`, never by writing it into the template;
    a name Plotly Express wrote into one (`status=...`) is escaped there too.
    """
    for trace in figure.data:
        name = trace["name"] if "name" in trace else None
        template = trace["hovertemplate"] if "hovertemplate" in trace else None
        if isinstance(name, str) and isinstance(template, str) and name in template and chart_text(name) != name:
            trace["hovertemplate"] = template.replace(name, chart_text(name))
        for name in _TRACE_TEXT:
            if name in trace and trace[name] is not None:
                escaped = _chart_values(trace[name])
                if escaped is not trace[name]:
                    trace[name] = escaped
    layout = figure.layout
    if layout.title.text is not None:
        layout.title.text = chart_text(layout.title.text)
    if layout.legend.title.text is not None:
        layout.legend.title.text = chart_text(layout.legend.title.text)
    for annotation in layout.annotations:
        if annotation.text is not None:
            annotation.text = chart_text(annotation.text)
        # An annotation placed on a category (a bar's name) must name it as the escaped axis does.
        for position in ("x", "y"):
            if isinstance(annotation[position], str):
                annotation[position] = chart_text(annotation[position])
    figure.for_each_xaxis(_escape_axis)
    figure.for_each_yaxis(_escape_axis)
    return figure


def _escape_axis(axis) -> None:
    if axis.title.text is not None:
        axis.title.text = chart_text(axis.title.text)
    if axis.ticktext is not None:
        axis.ticktext = [chart_text(value) for value in axis.ticktext]
    if axis.categoryarray is not None:
        axis.categoryarray = _chart_values(list(axis.categoryarray))


def shown_cells(frame: pl.DataFrame) -> pl.DataFrame:
    """A frame for display (st.dataframe): controls, line breaks and bidi characters in its text as visible
    escapes, as terminal_text shows them. Display only: downloads keep the raw text."""
    hidden = _TERMINAL_CONTROLS.pattern
    columns = {name: frame.get_column(name).filter(frame.get_column(name).str.contains(hidden))
               for name, dtype in frame.schema.items() if dtype == pl.Utf8}
    columns = {name: texts for name, texts in columns.items() if len(texts)}
    if not columns:
        return frame
    present = {char for texts in columns.values() for text in texts for char in _TERMINAL_CONTROLS.findall(text)}

    def shown(name: str) -> pl.Expr:
        expression = pl.col(name)
        for char in sorted(present):
            expression = expression.str.replace_all(char, _visible(_TERMINAL_CONTROLS.match(char)), literal=True)
        return expression

    return frame.with_columns(shown(name) for name in columns)


def escape_cell(text: str | None) -> str | None:
    """Prefix a cell that a spreadsheet would run as a formula with `'`."""
    if text is not None and text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def escape_cells(frame: pl.DataFrame) -> pl.DataFrame:
    """Every text column of a frame made safe for CSV/XLSX (other columns untouched)."""
    pattern = "^[" + "".join(re.escape(prefix) for prefix in FORMULA_PREFIXES) + "]"
    return frame.with_columns(
        pl.when(pl.col(name).str.contains(pattern)).then(pl.lit("'") + pl.col(name)).otherwise(pl.col(name))
        .alias(name)
        for name, dtype in frame.schema.items()
        if dtype == pl.Utf8
    )
