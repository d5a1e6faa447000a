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


KINKS = {"relu", "leaky_relu", "abs"}  # not differentiable at 0
TIES = {"maximum", "minimum"}  # not differentiable where a = b


def param(op, k):
    """The parameter an instruction's number ``k`` gives ``op`` (clamp: bounds ±|k|)."""
    if op.param is None:
        return {}
    if isinstance(op.param[1], tuple):
        return {op.param[0]: (-abs(k), abs(k))}
    return {op.param[0]: k}


def usable(op, xs, k):
    """Whether ``op`` at ``xs`` is well inside its domain and away from kinks."""
    extra = list(param(op, k).values())
    for shift in (-SAFE_MARGIN, 0.0, SAFE_MARGIN):  # the domain holds around each input
        for i in range(len(xs)):
            moved = list(xs)
            moved[i] += shift
            if op.domain is not None and not op.domain(*moved, *extra):
                return False
    if op.name in KINKS and abs(xs[0]) < SAFE_MARGIN:
        return False
    if op.name in TIES and abs(xs[0] - xs[1]) < SAFE_MARGIN:
        return False
    if op.name == "clamp" and abs(abs(xs[0]) - abs(k)) < SAFE_MARGIN:
        return False
    if op.name == "pow" and (abs(xs[0]) < SAFE_MARGIN or (xs[0] < 0 and not k.is_integer())):
        return False
    if op.name == "vpow" and xs[0] < SAFE_MARGIN:
        return False
    if op.name in ("atan2", "hypot") and abs(xs[0]) + abs(xs[1]) < SAFE_MARGIN:
        return False
    return not (op.name in ("exp", "expm1", "sinh", "cosh") and xs[0] > 10)


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
        n = op.arity or 2 * len(op.rules)
        args = [k if const[j] and op.arity == 2 else nodes[p % len(nodes)]
                for j, p in enumerate(picks[:n])]
        data = [a.data if isinstance(a, Value) else a for a in args]
        if all(not isinstance(a, Value) for a in args) or not usable(op, data, k):
            continue
        try:
            out = apply(op, *args, **param(op, k))
        except OverflowError:  # e.g. 2 ** exp(8): the engine rightly refuses; not a graph to test
            continue
        if abs(out.data) < BOUND:
            nodes.append(out)
    return leaves, apply(OPS_BY_NAME["sum"], *nodes[-3:])  # shared subexpressions meet here


def rebuild(root, leaves, values, into=None):
    """The same graph built again by the engine, the leaves set to ``values``
    (or replaced by the given leaves ``into``)."""
    fresh = into or [Value(v, label=leaf.label) for v, leaf in zip(values, leaves)]
    new = dict(zip(leaves, fresh))
    for node in topological_order(root):
        if node.op is None:
            new.setdefault(node, Value(node.data))
        else:
            new[node] = apply(node.op, *[new[p] for p in node.parents], **param_of(node))
    return new[root], [new[leaf] for leaf in leaves]


def param_of(node):
    """A node's parameter as ``apply`` takes it."""
    return {node.op.param[0]: node.arg} if node.op.param else {}


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
