"""Untrusted text is escaped wherever it is shown or written."""

from __future__ import annotations

import re

import polars as pl
import pytest

from takedown.escape import WORD_JOINER, chart_text, escape_cell, escape_cells, escape_html, markdown_text, shown_cells, terminal_text


@pytest.mark.parametrize(("text", "expected"), [
    ("=HYPERLINK(\"http://x\",\"y\")", "'=HYPERLINK(\"http://x\",\"y\")"),
    ("+1", "'+1"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("\rx", "'\rx"),
    ("plain", "plain"), ("a=b", "a=b"), ("", ""), (None, None),
])
def test_formula_cells_get_a_quote(text, expected):
    assert escape_cell(text) == expected
    frame = pl.DataFrame({"text": [text], "number": [-1]})
    assert escape_cells(frame).row(0) == (expected, -1)  # numbers stay numbers


def test_html_escape():
    assert escape_html("<script>alert('x')</script> & \"q\"") == (
        "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &#34;q&#34;")
    assert escape_html(None) == ""


@pytest.mark.parametrize(("text", "expected"), [
    ("\x1b[31mred\x1b[0m", "\\x1b[31mred\\x1b[0m"),                 # colour / cursor sequences
    ("evil\u202egpj.exe", "evil\\u202egpj.exe"),                   # right-to-left override
    ("a\u2066b\u2069c\u200e\u200f\u061c\u202a", "a\\u2066b\\u2069c\\u200e\\u200f\\u061c\\u202a"),
    ("line one\nline two\r\x07\x00", "line one\\x0aline two\\x0d\\x07\\x00"),
    ("\x9b31m\x7f", "\\x9b31m\\x7f"),                                # C1 CSI and DEL
    ("\u2028", "\\u2028"),
    ("淘宝 café \U0001f600 tab-free", "淘宝 café \U0001f600 tab-free"),  # ordinary text untouched
    (None, ""), (42, "42"),
])
def test_terminal_text_shows_every_control_character_as_a_visible_escape(text, expected):
    assert terminal_text(text) == expected


def test_html_escape_shows_bidi_controls_instead_of_obeying_them():
    shown = escape_html("invoice\u202egpj.exe <b>\u2067x\u2069")
    assert shown == "invoice\\u202egpj.exe &lt;b&gt;\\u2067x\\u2069"
    assert not any(char in shown for char in "\u202e\u2067\u2069")


# Markdown Streamlit would act on: links, images, colour and icon directives, maths, emphasis, code,
# HTML, headings, lists, autolinks, emoji shortcodes; and a newline that would start a new block.
MARKDOWN = ["[click here](https://evil.example)", "![i](https://evil.example/i.png)", ":red[alarm]",
            ":material/warning:", "$x^2$", "**bold** _it_ ~~gone~~", "`code`", "<b>x</b>", "# heading",
            "- item", "1. item", "www.evil.example", "https://evil.example", "a@evil.example", ":smile:",
            "a | b", "line\n# two", "back\\slash [x](y)"]


@pytest.mark.parametrize("text", MARKDOWN)
def test_markdown_text_escapes_every_markdown_character(text):
    shown = markdown_text(text)
    # Every ASCII punctuation character is backslash-escaped (CommonMark shows it as itself) ...
    unescaped = shown
    for char in "\\!\"#$%&'()*+,-./:;<=>?@[]^_`{|}~":
        unescaped = unescaped.replace("\\" + char, "")
    assert not any(char in unescaped for char in "!\"#$%&'()*+,-./:;<=>?@[]^_`{|}~\\"), shown
    # ... and nothing is lost: removing the escapes gives the text back (line breaks shown visibly).
    assert "\n" not in shown
    assert _unescape_markdown(shown).replace(WORD_JOINER, "") == terminal_text(text)
    # GitHub's autolinks search the text once escapes are read: none finds an address in it.
    assert not re.search(r"(https?://|(^|\s)www\.|@\w)", _unescape_markdown(shown), re.IGNORECASE)
    assert markdown_text(_unescape_markdown(shown)) == shown, "quoting twice adds nothing invisible"


def _unescape_markdown(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def test_markdown_text_shows_bidi_controls_and_none():
    assert markdown_text("invoice\u202egpj.exe") == "invoice\\\\u202egpj\\.exe"
    assert markdown_text(None) == "" and markdown_text(7) == "7" and markdown_text("淘宝 shop") == "淘宝 shop"


def test_chart_text_escapes_tags_and_references_plotly_would_read():
    assert chart_text('<a href="https://evil.example">x</a> &#8238; \u202e') == (
        '&lt;a href="https://evil.example"&gt;x&lt;/a&gt; &amp;#8238; \\u202e')
    assert chart_text(None) == "" and chart_text("acct-a") == "acct-a"


def test_shown_cells_show_controls_for_display_and_leave_the_rest():
    frame = pl.DataFrame({"seller": ["invoice\u202egpj.exe", "two\nlines", None, "plain"], "n": [1, 2, 3, 4],
                          "brand": ["Acme", "Bolt", "Acme", "Bolt"]})
    shown = shown_cells(frame)
    assert shown["seller"].to_list() == ["invoice\\u202egpj.exe", "two\\x0alines", None, "plain"]
    assert shown["n"].to_list() == [1, 2, 3, 4] and shown["brand"].to_list() == frame["brand"].to_list()
    assert frame["seller"][0] == "invoice\u202egpj.exe", "the input frame is not changed"
    assert shown_cells(frame.drop("seller")).equals(frame.drop("seller"))
