"""viz.names: the names a learner recognises, in pictures and narration alike."""

import pytest

import nn
import viz
from autograd import OPS, Value, apply, record_scopes, topological_order
from viz.names import MAX_EXPRESSION, choose, expression, formula, number

ARGS = {"pow": {"k": 3.0}, "leaky_relu": {"slope": 0.1}}


def names_of(root, scopes=None):
    order = topological_order(root)
    return choose(order, root, scopes or {})


def test_constants_are_named_by_their_value():
    assert [number(x) for x in (0.5, -1.0, 2.0, 0.25, -0.5, 0.1)] == [
        "½",
        "−1",
        "2",
        "¼",
        "−½",
        "0.1",
    ]
    x = Value(3.0, label="x")
    loss = 0.5 * (x - 1.0) ** 2
    full, _ = names_of(loss)
    assert sorted(full[n] for n in topological_order(loss) if n.is_constant) == ["1", "½"]


def test_unlabelled_root_is_L_and_short_expressions_name_intermediates():
    w, x, b = Value(2.0, label="w₁"), Value(3.0, label="x"), Value(1.0, label="b")
    h = (w * x + b).tanh()
    loss = h * h
    full, _ = names_of(loss)
    assert full[loss] == "L"
    assert full[h.parents[0].parents[0]] == "w₁·x"
    assert full[h.parents[0]] == "w₁·x + b"
    assert full[h] == "tanh(w₁·x + b)"


def test_long_expressions_fall_back_to_stable_short_names():
    x = Value(1.0, label="a_rather_long_name")
    y = (x * x).exp()
    loss = y + 1.0
    full, _ = names_of(loss)
    square = y.parents[0]
    assert len(f"{x.label}·{x.label}") > MAX_EXPRESSION
    assert full[square] == "n₁" and full[y] == "exp(n₁)"
    assert names_of(loss)[0] == full


def test_shared_labels_get_their_scope_path_in_narration_only():
    model = nn.MLP(2, [3, 1], seed=0)
    with record_scopes() as scopes:
        loss = (model([0.5, -1.0]) - 1.0) ** 2
    full, short = choose(topological_order(loss), loss, _leaf_scopes(loss, scopes))
    weights = [p for p in model.parameters() if p.label == "w₁"]
    assert len(weights) == 4
    paths = {full[w] for w in weights}
    assert len(paths) == 4 and all(p.endswith(".w₁") and p != "w₁" for p in paths)
    assert {short[w] for w in weights} == {"w₁"}


def _leaf_scopes(root, scopes):
    from viz.groups import node_scopes

    order = topological_order(root)
    children = {}
    for node in order:
        for parent in node.parents:
            children.setdefault(parent, []).append(node)
    return node_scopes(order, children, scopes)


def test_compound_names_are_parenthesised_where_needed():
    d, e, target = Value(2.0, label="d"), Value(0.5, label="e"), Value(1.0, label="ê")
    diff = e - target  # named by its expression, e − ê
    y = d * diff
    _, short = names_of(y * 1.0)
    assert short[diff] == "e − ê"
    assert formula(y, 1, short) == "∂(d·(e − ê))/∂(e − ê) = d"
    w, x = Value(1.0, label="w"), Value(4.0, label="x")
    root = (w * x).sqrt() + (w + x).abs() + (w * x).tanh() - (w + x)
    _, short = names_of(root * 1.0)
    texts = {short[n] for n in topological_order(root)}
    assert {"√(w·x)", "|w + x|", "tanh(w·x)"} <= texts
    labelled = Value(3.0, label="e − ê")  # a label with operators in it is grouped as a sum
    assert formula(labelled * w, 0, {labelled: "e − ê", w: "w"}) == "∂((e − ê)·w)/∂(e − ê) = w"
    assert formula(-(labelled), 0, {labelled: "e − ê"}) == "∂(−(e − ê))/∂(e − ê) = −1"


def test_formula_in_the_nodes_own_names():
    d, f = Value(2.0, label="d"), Value(4.0, label="f")
    loss = d * f
    short = {d: "d", f: "f", loss: "L"}
    assert formula(loss, 1, short) == "∂(d·f)/∂f = d"
    assert formula(loss, 0, short) == "∂(d·f)/∂d = f"
    x = Value(2.0, label="x")
    assert formula(x**3, 0, {x: "x"}) == "∂(x³)/∂x = 3·x²"
    assert formula(x**2, 0, {x: "x"}) == "∂(x²)/∂x = 2·x"


@pytest.mark.parametrize("op", OPS, ids=lambda op: op.name)
def test_every_formula_of_the_table_loses_its_generic_letters(op):
    inputs = [Value(0.7 + 0.4 * i, label=f"p{i}") for i in range(op.arity or 4)]
    y = apply(op, *inputs, **ARGS.get(op.name, {}))
    short = {p: p.label for p in inputs}
    short[y] = "out"
    for i in range(len(inputs)):
        text = formula(y, i, short)
        rhs = text.split(" = ", 1)[1]
        generic = {op.input_name(j, len(inputs)) for j in range(len(inputs))} | {"a", "b"}
        words = set(rhs.replace("(", " ").replace(")", " ").replace("·", " ").split())
        assert not (words & generic), (op.name, text)
        assert f"∂{inputs[i].label} = " in text or f"∂{inputs[i].label})" in text, text
    assert expression(y, short)


def test_draw_graph_and_narration_use_the_same_names():
    x, target = Value(1.0, label="x"), Value(-1.0, label="ê")
    e = Value(0.3, label="w") * x
    e.label = "e"
    loss = 0.5 * (e - target) ** 2
    loss.backward()
    src = viz.draw_graph(loss).source
    assert "<I>½</I>" in src and "c₁" not in src and "n₁" not in src
    text = viz.step_through(loss).to_text()
    assert "∂L/∂(e − ê) +=" in text and "∂L/∂½" not in text  # a constant is no step
