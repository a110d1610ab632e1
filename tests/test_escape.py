"""Untrusted text is escaped wherever it is shown or written."""

from __future__ import annotations

import polars as pl
import pytest

from takedown.escape import escape_cell, escape_cells, escape_html


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
