"""Untrusted text is escaped wherever it is shown or written."""

from __future__ import annotations

import polars as pl
import pytest

from takedown.escape import escape_cell, escape_cells, escape_html, terminal_text


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
        "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &quot;q&quot;")
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
