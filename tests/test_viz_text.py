"""viz._text: the two escapings of user text and the one number format."""

import math
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd import Value
from viz._text import DIGITS, REPLACEMENT, clean, dot_text, fmt, html_text, parse, term

# fmt keeps DIGITS significant digits: reading back is off by at most half a unit there.
FORMAT_RTOL = 0.5 * 10 ** (1 - DIGITS)
# What no XML, HTML or DOT file of ours may hold (tab and line breaks aside).
XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
XML_INVALID = ["\x00", "\x08", "\x0b", "\x1f", "\ud800", "\udfff", "\ufffe", "\uffff"]


def test_html_text_escapes_xml_specials():
    assert html_text('<script>alert(1)</script>"]; x -> y [') == (
        "&lt;script&gt;alert(1)&lt;/script&gt;&quot;]; x -&gt; y ["
    )
    assert html_text("a & b's") == "a &amp; b&#39;s"


def test_html_text_leaves_backslashes_alone_and_dot_text_doubles_them():
    assert html_text("a\\N") == "a\\N"
    assert dot_text("a\\N") == "a\\\\N"
    assert dot_text("<\\>") == "&lt;\\\\&gt;"


def test_xml_invalid_characters_become_a_visible_replacement():
    for char in XML_INVALID:
        assert clean(f"a{char}b") == f"a{REPLACEMENT}b"
    assert clean("line\r\nbreak\ttab\n") == "line break tab "


@given(st.text())
def test_escaped_text_has_no_markup_or_invalid_characters(text):
    for out in (html_text(text), dot_text(text)):
        for char in "<>\"'\n\r\x00":
            assert char not in out
        rest = out
        for entity in ("&amp;", "&lt;", "&gt;", "&quot;", "&#39;"):
            rest = rest.replace(entity, "")
        assert "&" not in rest
        assert not any(c in out for c in XML_INVALID)
        out.encode("utf-8")  # no lone surrogate left


def test_fmt_uses_real_minus_and_marks_floats():
    assert fmt(-3.0) == "−3.0"
    assert fmt(2.0) == "2.0"
    assert fmt(0.7615941559557649) == "0.7616"
    assert fmt(1234.5) == "1234"
    assert fmt(-2.5e-7) == "−2.5e−07"
    assert fmt(math.inf) == "∞" and fmt(-math.inf) == "−∞" and fmt(math.nan) == "nan"


def test_term_parenthesises_negative_numbers():
    assert term(-0.7384) == "(−0.7384)" and term(0.2461) == "0.2461"
    assert parse(term(-0.7384)) == -0.7384


@given(st.floats(min_value=-1e300, max_value=1e300))  # rounding 1.7976e308 up overflows
def test_fmt_reads_back_within_its_precision(x):
    assert math.isclose(parse(fmt(x)), x, rel_tol=FORMAT_RTOL, abs_tol=0.0)


def test_fmt_keeps_the_sign_of_zero_whichever_zero_came_first():
    assert (fmt(0.0), fmt(-0.0)) == ("0.0", "−0.0")
    assert (fmt(-0.0), fmt(0.0)) == ("−0.0", "0.0")


# Text a user controls, as hostile as Python strings get: both halves of a surrogate pair
# alone, the XML non-characters, controls, and what ends a script or a CDATA section.
HOSTILE_TEXT = ["x\ud800", "\udfffy", "\ud83d\ude00 paired", "a\ufffeb\uffff", "nul\x00",
                "esc\x1b[31m", "line\nbreak\r\n", "</script><!--", "]]>", "\\N \\G", "\u2028"]


def _outputs(label: str, scope: str, title: str, tmp_path) -> dict[str, str]:
    """Every text chainrule writes for a graph whose nodes and scope carry ``label`` and
    ``scope``, and whose pages carry ``title``: DOT, SVG, plain text, the pages' HTML."""
    import autograd
    import viz

    x = Value(0.5, label=label)
    with autograd.record_scopes() as scopes:
        with autograd.name_scope(scope):
            y = (x * x).tanh()
    y.label = label + "out"
    y.backward()
    graph = viz.draw_graph(y, scopes=scopes)
    boxes = viz.draw_graph(y, scopes=scopes, collapse=True)
    lesson = viz.step_through(y, scopes=scopes)
    lesson.to_html(tmp_path / "lesson.html", title=title)
    viz.live(y, scopes=scopes).to_html(tmp_path / "live.html", title=title)
    graph.to_html(tmp_path / "graph.html")
    return {
        "DOT": graph.source,
        "DOT, collapsed": boxes.source,
        "SVG": graph.pipe(format="svg", encoding="utf-8"),
        "SVG, collapsed": boxes.pipe(format="svg", encoding="utf-8"),
        "text": lesson.to_text(),
        **{name: (tmp_path / name).read_bytes().decode("utf-8")
           for name in ("lesson.html", "live.html", "graph.html")},
    }


@pytest.mark.parametrize("text", HOSTILE_TEXT, ids=ascii)
def test_hostile_text_leaves_for_every_file_as_valid_utf8_with_u_fffd(tmp_path, text):
    # A lone surrogate had crashed step_through(y).to_html and live(y).save with a
    # UnicodeEncodeError while draw_graph showed U+FFFD: every output shows it now.
    shown = clean(text)
    for where, output in _outputs(text, text, text, tmp_path).items():
        assert output.encode("utf-8"), where  # strict UTF-8: no lone surrogate left
        assert not XML_FORBIDDEN.search(output), (where, XML_FORBIDDEN.search(output))
        if REPLACEMENT in shown:
            assert REPLACEMENT in output, where
