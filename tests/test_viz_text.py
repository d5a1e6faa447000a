"""viz._text: escaping of user text and the one number format of pictures and lessons."""

import math

from hypothesis import given
from hypothesis import strategies as st

from autograd import Value
from viz._text import DIGITS, escape, fmt, node_names, parse

# fmt keeps DIGITS significant digits: reading back is off by at most half a unit there.
FORMAT_RTOL = 0.5 * 10 ** (1 - DIGITS)


def test_escape_xml_specials():
    assert escape('<script>alert(1)</script>"]; x -> y [') == (
        "&lt;script&gt;alert(1)&lt;/script&gt;&quot;]; x -&gt; y ["
    )
    assert escape("a & b's") == "a &amp; b&#39;s"


@given(st.text())
def test_escaped_text_has_no_markup_or_control_characters(text):
    out = escape(text)
    for char in "<>\"'\n\r\x00":
        assert char not in out
    assert "&" not in out.replace("&amp;", "").replace("&lt;", "").replace("&gt;", "").replace(
        "&quot;", ""
    ).replace("&#39;", "")


def test_fmt_uses_real_minus_and_marks_floats():
    assert fmt(-3.0) == "−3.0"
    assert fmt(2.0) == "2.0"
    assert fmt(0.7615941559557649) == "0.7616"
    assert fmt(1234.5) == "1234"
    assert fmt(-2.5e-7) == "−2.5e−07"
    assert fmt(math.inf) == "∞" and fmt(-math.inf) == "−∞" and fmt(math.nan) == "nan"


@given(st.floats(min_value=-1e300, max_value=1e300))  # rounding 1.7976e308 up overflows
def test_fmt_reads_back_within_its_precision(x):
    assert math.isclose(parse(fmt(x)), x, rel_tol=FORMAT_RTOL, abs_tol=0.0)


def test_node_names_labels_then_stable_fallbacks():
    x = Value(2.0, label="x")
    y = x * 3 + x
    order = [x, y.parents[0].parents[1], y.parents[0], y]
    names = node_names(order, y)
    assert [names[n] for n in order] == ["x", "c₁", "n₂", "L"]
