"""autograd.passes (and lowering.gradient): each rewrite keeps every float, in its order."""

from __future__ import annotations

import math
import random

from autograd.code import Tup
from autograd.expr import Bin, Call, Num, Sum, Var
from autograd.instructions import Assign, Def, Return
from autograd.lowering import gradient
from autograd.ops import OPS_BY_NAME
from autograd.passes import (
    INLINE_DEPTH,
    SHARED_BLOCK,
    SHARED_RUN,
    dot_seq_helper,
    inline,
    product_runs,
    shared_blocks,
    split_sums,
)
from autograd.printing import PythonPrinter
from autograd.trace import float_namespace

P = PythonPrinter()


def run(statements, inputs, helpers=()):
    """The statements as a function of ``inputs`` returning every assigned name's value."""
    names = sorted({s.target.name for s in statements
                    if isinstance(s, Assign) and isinstance(s.target, Var)})
    body = [*statements, Return(Tup(tuple(Var(n) for n in names)))]
    namespace = float_namespace(P)
    exec(P.source([*helpers, Def("f", tuple(inputs), body)]), namespace)
    return dict(zip(names, namespace["f"](*inputs.values())))


def test_a_gradient_passed_through_unchanged_shares_the_variable():
    out = []
    assert gradient(Var("g_dot"), [Var("g_add")], out).name == "g_add" and out == []
    term = Bin("*", Var("g_add"), Var("w"))
    assert gradient(Var("g_x"), [term], out).name == "g_x"
    assert P.lines(out) == ["g_x = g_add * w"]


def test_inline_writes_single_use_values_into_their_use():
    a, b, c = Var("a"), Var("b"), Var("c")
    statements = [
        Assign(Var("s"), a + b),            # read twice: keeps its line
        Assign(Var("t"), Var("s") * Var("s")),  # read once: written in
        Assign(Var("u"), Var("t") - c),     # read once but kept (read elsewhere)
        Assign(Var("v"), Var("u") * a),
    ]
    read = set()
    out = inline(statements, keep={"u", "v"}, read=read)
    assert P.lines(out) == ["s = a + b", "u = s * s - c", "v = u * a"]
    assert read == {"a", "b", "c", "s", "u"}
    values = {"a": 0.3, "b": -1.7, "c": 2.0}
    before, after = run(statements, values), run(out, values)
    assert after["v"] == before["v"] and after["u"] == before["u"]


def test_inline_nests_at_most_its_depth_and_keeps_sums_when_asked():
    chain = [Assign(Var("v0"), Var("x") + 1.0)]
    for i in range(1, 9):
        chain.append(Assign(Var(f"v{i}"), Var(f"v{i - 1}") + float(i)))
    out = inline(chain, keep={"v8"})
    assert all(P.text(s.expr).count("+") <= INLINE_DEPTH + 1 for s in out)
    assert run(out, {"x": 0.1})["v8"] == run(chain, {"x": 0.1})["v8"]
    sums = [Assign(Var("g"), Sum((Var("a") * 2.0, Var("b")))), Assign(Var("h"), Var("g") * 3.0)]
    assert len(inline(sums, keep={"h"}, sums=False)) == 2
    assert P.lines(inline(sums, keep={"h"})) == ["h = (a * 2.0 + b) * 3.0"]


def test_shared_blocks_write_a_recurring_block_of_inputs_once():
    dot = OPS_BY_NAME["dot"]
    xs = tuple(Var(f"x{i}") for i in range(SHARED_BLOCK))
    ws = [tuple(Var(f"w{j}_{i}") for i in range(SHARED_BLOCK)) for j in range(2)]
    lonely = tuple(Var(f"y{i}") for i in range(SHARED_BLOCK))
    statements = [Assign(Var(f"d{j}"), Call(dot, (*ws[j], *xs))) for j in range(2)]
    statements.append(Assign(Var("d2"), Call(dot, (*ws[0], *lonely))))
    out = shared_blocks(statements)
    text = P.lines(out)
    assert text[0] == "_t1 = (w0_0, w0_1, w0_2)" and text[1] == "_t2 = (x0, x1, x2)"
    assert text[2] == "d0 = dot(*_t1, *_t2)" and text[-1] == "d2 = dot(*_t1, y0, y1, y2)"
    rng = random.Random(3)
    values = {v.name: rng.uniform(-1, 1) for v in (*xs, *ws[0], *ws[1], *lonely)}
    assert run(out, values) | {"_t1": 0, "_t2": 0} == run(statements, values) | {
        "_t1": 0, "_t2": 0}


def test_product_runs_sum_recurring_tuples_with_a_written_out_helper():
    gs = tuple(Var(f"g{i}") for i in range(SHARED_RUN))
    kinds = {g.name: "dot" for g in gs} | {"h": "mul"}
    rows = [tuple(Var(f"x{j}_{i}") for i in range(SHARED_RUN)) for j in range(2)]
    statements = []
    for j in range(2):
        terms = [Bin("*", g, x) for g, x in zip(gs, rows[j])]
        statements.append(Assign(Var(f"w{j}"), Sum((*terms, Bin("*", Var("h"), Num(2.0))))))
        statements.append(Assign(Var(f"v{j}"), Sum(tuple(terms))))
    out, sizes = product_runs(statements, kinds)
    assert sizes == {SHARED_RUN}
    text = P.lines(out)
    assert "w0 = _dot_seq4(_u1, _u2) + h * 2.0" in text and "v1 = _dot_seq4(_u1, _u3)" in text
    rng = random.Random(5)
    values = {v: rng.uniform(-1e3, 1e3) for v in [g.name for g in gs] + ["h"]
              + [x.name for row in rows for x in row]}
    helpers = [dot_seq_helper(n) for n in sizes]
    after = run(out, values, helpers)
    before = run(statements, values)
    assert all(after[k] == before[k] for k in before)  # the same floats, added in order


def test_a_run_stops_where_the_uses_change_op_and_never_starts_mid_sum():
    gs = tuple(Var(f"g{i}") for i in range(SHARED_RUN))
    terms = tuple(Bin("*", g, Var(f"x{i}")) for i, g in enumerate(gs))
    mixed = {g.name: "dot" if i % 2 else "mul" for i, g in enumerate(gs)}
    late = [Assign(Var(f"w{j}"), Sum((Var("b"), *terms))) for j in range(2)]
    assert product_runs(late, {g.name: "dot" for g in gs})[1] == set()
    early = [Assign(Var(f"w{j}"), Sum(terms)) for j in range(2)]
    assert product_runs(early, mixed)[1] == set()


def test_split_sums_continue_on_the_next_line_in_order():
    terms = tuple(Var(f"t{i}") for i in range(7))
    out = split_sums([Assign(Var("g"), Sum(terms))], limit=3)
    assert P.lines(out) == ["g = t0 + t1 + t2", "g = g + t3 + t4 + t5", "g = g + t6"]
    values = {f"t{i}": v for i, v in enumerate([1e16, 1.0, -1e16, 1.0, 3.5, -2.25, 1e-3])}
    assert run(out, values)["g"] == run([Assign(Var("g"), Sum(terms))], values)["g"]


def test_a_helper_adds_left_to_right_like_the_sum_it_replaces():
    namespace: dict = {}
    exec(P.source([dot_seq_helper(4)]), namespace)
    gs, xs = [1e16, 1.0, -1e16, 1.0], [1.0, 1.0, 1.0, 1.0]
    assert namespace["_dot_seq4"](gs, xs) == ((1e16 + 1.0) - 1e16) + 1.0 == 1.0
    assert math.fsum(gs) == 2.0  # what a compensated sum would give instead
