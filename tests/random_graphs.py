"""Random graphs over every op of the table, and the engine as the oracle for replays.

Shared by the tests of the compiler (``test_compile``) and of batched replay
(``test_batched``): a compiled tape must give what the engine gives on the same graph.
"""

from __future__ import annotations

import math

from hypothesis import strategies as st

from autograd import OPS_BY_NAME, Value, apply, topological_order

NUDGE_ROWS = 0.05  # batch rows move each data leaf by up to this fraction
SAFE_MARGIN = 0.1  # keep inputs this far from domain edges and kinks, values bounded
BOUND = 1e4


def usable(op, xs, k):
    """Whether ``op`` at ``xs`` is well inside its domain and away from kinks."""
    a = xs[0]
    if op.name in ("relu", "leaky_relu", "abs") and abs(a) < SAFE_MARGIN:
        return False
    if op.name in ("log", "sqrt") and a < SAFE_MARGIN:
        return False
    if op.name == "div" and abs(xs[1]) < SAFE_MARGIN:
        return False
    if op.name == "pow" and (abs(a) < SAFE_MARGIN or (a < 0 and not k.is_integer())):
        return False
    if op.name == "vpow" and a < SAFE_MARGIN:
        return False
    return not (op.name == "exp" and a > 10)


instruction = st.tuples(
    st.sampled_from(sorted(OPS_BY_NAME)),
    st.lists(st.integers(0, 10_000), min_size=6, max_size=6),  # which earlier nodes
    st.lists(st.booleans(), min_size=6, max_size=6),  # a constant instead of a node?
    st.sampled_from([2.0, 3.0, 0.5, -1.0, 0.2]),  # a parameter or constant value
)
start_values = st.lists(
    st.floats(-2, 2).filter(lambda v: abs(v) > SAFE_MARGIN), min_size=3, max_size=3
)


def build(start, program):
    """Leaves (labelled x0, x1, x2) and a root over them, one node per usable instruction."""
    leaves = [Value(v, label=f"x{i}") for i, v in enumerate(start)]
    nodes = list(leaves)
    for name, picks, const, k in program:
        op = OPS_BY_NAME[name]
        n = op.arity or 4
        args = [k if const[j] and op.arity == 2 else nodes[p % len(nodes)]
                for j, p in enumerate(picks[:n])]
        data = [a.data if isinstance(a, Value) else a for a in args]
        if all(not isinstance(a, Value) for a in args) or not usable(op, data, k):
            continue
        out = apply(op, *args, **({op.param[0]: k} if op.param else {}))
        if abs(out.data) < BOUND:
            nodes.append(out)
    return leaves, apply(OPS_BY_NAME["sum"], *nodes[-3:])  # shared subexpressions meet here


def rebuild(root, leaves, values):
    """The same graph built again by the engine, the leaves set to ``values``."""
    new = dict(zip(leaves, (Value(v, label=leaf.label) for v, leaf in zip(values, leaves))))
    for node in topological_order(root):
        if node.op is None:
            new.setdefault(node, Value(node.data))
        else:
            param = {node.op.param[0]: node.arg} if node.op.param else {}
            new[node] = apply(node.op, *[new[p] for p in node.parents], **param)
    return new[root], [new[leaf] for leaf in leaves]


def eager(root, leaves, values):
    """(output, gradients) from the engine at ``values``, or the exception it raises."""
    try:
        new_root, new_leaves = rebuild(root, leaves, values)
        new_root.backward()
    except (ArithmeticError, ValueError) as err:
        return err
    return new_root.data, [leaf.grad for leaf in new_leaves]


def same(a, b):
    """Bit-for-bit equal floats (nan equals nan; the sign of a zero is not compared)."""
    return a == b or (math.isnan(a) and math.isnan(b))
