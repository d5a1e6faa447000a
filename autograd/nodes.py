"""Making nodes: every op of the table applied to Values, and installed on ``Value``.

Three small factories, one per shape of op (unary, unary with a parameter, binary),
turn an op record into the method that computes the forward value and records the
node; n-ary ops (``sum``, ``dot``) make their nodes in :func:`nary`. Every node is made
here, so the hot path (one float op, one object, a mode check) lives in one place.

The few lines that fill a new node's slots are written out in each factory rather than
shared through a helper: a call per op would cost about a tenth of building a graph.
"""

from __future__ import annotations

import builtins
import math
from collections.abc import Callable, Iterable
from typing import Any

from .interpret import Interpretation
from .modes import ANOMALY, FORWARD, NO_GRAD, SCOPES, AnomalyError, state
from .ops import OPS, OPS_BY_NAME, Op
from .value import _CONSTANT, Value, _describe, _new, _short, _to_float


def constant(x: Any, op: Op) -> Value:
    """A leaf for a plain number that ``op`` was given (TypeError for a non-number)."""
    out = _new(Value)
    out.data = x if type(x) is float else _to_float(x, f"{op.name} ({op.expr})")
    out._grad = out._total = None
    out._a = out._b = None
    out.op = None
    out.arg = _CONSTANT
    out.label = ""
    return out


_WHAT: dict[type, str] = {ZeroDivisionError: "divides by zero", OverflowError: "overflows a float"}


def _forward_error(op: Op, inputs: tuple[Value, ...], arg: Any, err: Exception) -> Exception:
    names = [op.input_name(i, len(inputs)) for i in range(len(inputs))]
    given = ", ".join(_describe(v, n) for v, n in zip(inputs, names))
    if op.param:
        given += f", {op.param[0]} = {arg!r}"
    need = f"; {op.name} needs {op.domain_text}" if op.domain_text else ""
    what = _WHAT.get(type(err), "is undefined")
    return type(err)(f"{op.name}: {op.expr} {what} for {given}{need}")


def _record(out: Value, op: Op, a: Value | None, b: Any, arg: Any) -> Value:
    """The slow path of every op: only inside no_grad(), detect_anomaly(), record_scopes(),
    forward mode. ``a``, ``b``: the inputs as the node's slots hold them (see Value)."""
    mode = state.mode
    parents: tuple[Value, ...] = (
        tuple(p for row in b for p in row) if a is None else (a,) if b is None else (a, b))
    if mode & ANOMALY and not math.isfinite(out.data):
        names = [op.input_name(i, len(parents)) for i in range(len(parents))]
        given = ", ".join(_describe(v, n) for v, n in zip(parents, names))
        raise AnomalyError(f"{op.name} produced {out.data!r} from {given}")
    if mode & FORWARD:
        state.forward.push(out, op, parents, arg)
    if mode & NO_GRAD:
        out._a = out._b = None
        out.op = None
    else:
        out._a = a
        out._b = b
        out.op = op
        if mode & SCOPES and state.scope_path and state.scope_map is not None:
            state.scope_map[out] = state.scope_path
    out.arg = arg
    return out


def _unary(op: Op) -> Callable[..., Value]:
    forward = op.forward

    def method(a: Value) -> Value:
        try:
            data = forward(a.data)
        except (ArithmeticError, ValueError) as err:
            raise _forward_error(op, (a,), None, err) from None
        out = _new(Value)
        out.data = data
        out._grad = out._total = None
        out.label = ""
        if state.mode:
            return _record(out, op, a, None, None)
        out._a = a
        out._b = None
        out.op = op
        out.arg = None
        return out

    return method


def _param(op: Op, k: Any) -> Any:
    """A parameter as the op's forward takes it: a float, or a tuple of floats and Nones."""
    pname = op.param[0]  # type: ignore[index]
    if isinstance(op.param[1], tuple):  # type: ignore[index]
        return tuple(None if x is None else _param_float(op, x, pname) for x in k)
    return _param_float(op, k, pname)


def _param_float(op: Op, k: Any, pname: str) -> float:
    if type(k) is float:
        return k
    if isinstance(k, Value):
        raise TypeError(f"{op.name}: {pname} must be a number, got a Value ({k!r})")
    try:
        return _to_float(k, f"{op.name} ({pname})")
    except OverflowError:
        raise OverflowError(f"{op.name}: {pname} = {_short(k)} is too large for a float") from None


def _with_param(op: Op, promote: Op | None) -> Callable[..., Value]:
    forward = op.forward
    default = op.param[1]  # type: ignore[index]

    def method(a: Value, k: Any = default) -> Value:
        if type(k) is not float:
            if promote is not None and isinstance(k, Value):
                return binary_op(promote, a, k)
            k = _param(op, k)
        try:
            data = forward(a.data, k)
        except (ArithmeticError, ValueError) as err:
            raise _forward_error(op, (a,), k, err) from None
        out = _new(Value)
        out.data = data
        out._grad = out._total = None
        out.label = ""
        if state.mode:
            return _record(out, op, a, None, k)
        out._a = a
        out._b = None
        out.op = op
        out.arg = k
        return out

    # Callers name the parameter as the table does (x.leaky_relu(slope=0.2)): the same
    # function with its second local renamed, which costs no call (locals go by index).
    pname = op.param[0]  # type: ignore[index]
    names = method.__code__.co_varnames
    method.__code__ = method.__code__.replace(co_varnames=(names[0], pname, *names[2:]))
    method.__annotations__[pname] = method.__annotations__.pop("k")
    return method


def _bounds(op: Op) -> Callable[..., Value]:
    # A parameter of two optional bounds, taken as ``min=`` and ``max=`` (clamp).
    inner = _with_param(op, None)

    def method(a: Value, min: Any = None, max: Any = None) -> Value:
        return inner(a, (min, max))

    return method


def binary_op(op: Op, a: Any, b: Any) -> Value:
    """Apply a two-input op to Values or numbers (numbers become constant leaves)."""
    if not isinstance(a, Value):
        a = constant(a, op)
    if not isinstance(b, Value):
        b = constant(b, op)
    try:
        data = op.forward(a.data, b.data)
    except (ArithmeticError, ValueError) as err:
        raise _forward_error(op, (a, b), None, err) from None
    out = _new(Value)
    out.data = data
    out._grad = out._total = None
    out.label = ""
    if state.mode:
        return _record(out, op, a, b, None)
    out._a = a
    out._b = b
    out.op = op
    out.arg = None
    return out


def _binary(op: Op) -> tuple[Callable[..., Value], Callable[..., Value]]:
    forward = op.forward

    def method(a: Value, b: Any) -> Value:
        if type(b) is not Value:
            if type(b) is float:  # x * 2.0: the constant leaf, made here (no call)
                b, c = _new(Value), b
                b.data = c
                b._grad = b._total = None
                b._a = b._b = None
                b.op = None
                b.arg = _CONSTANT
                b.label = ""
            elif not isinstance(b, Value):
                b = constant(b, op)
        try:
            data = forward(a.data, b.data)
        except (ArithmeticError, ValueError) as err:
            raise _forward_error(op, (a, b), None, err) from None
        out = _new(Value)
        out.data = data
        out._grad = out._total = None
        out.label = ""
        if state.mode:
            return _record(out, op, a, b, None)
        out._a = a
        out._b = b
        out.op = op
        out.arg = None
        return out

    def reflected(b: Value, a: Any) -> Value:
        # ``2 - x`` arrives as x.__rsub__(2): keep the number on the left, as written.
        return binary_op(op, a, b)

    return method, reflected


def nary(op: Op, nodes: tuple[Value, ...], data: float | None = None) -> Value:
    """An n-ary node over ``nodes`` (its output computed by the op unless given)."""
    if data is None:
        try:
            data = op.forward(*[v.data for v in nodes])
        except (ArithmeticError, ValueError) as err:
            raise _forward_error(op, nodes, None, err) from None
    out = _new(Value)
    out.data = data
    out._grad = out._total = None
    out.label = ""
    rows = len(op.rules)
    size = len(nodes) // rows
    grouped = (nodes,) if rows == 1 else tuple(nodes[r * size:(r + 1) * size]
                                              for r in range(rows))
    if state.mode:
        return _record(out, op, None, grouped, None)
    out._a = None
    out._b = grouped
    out.op = op
    out.arg = None
    return out


def _nodes(values: Iterable[Any], op: Op) -> tuple[Value, ...]:
    return tuple(v if isinstance(v, Value) else constant(v, op) for v in values)


def apply(op: Op, *inputs: Any, **param: Any) -> Value:
    """Apply an op record to Values or numbers: ``apply(OPS_BY_NAME["mul"], x, 2)``.

    Unary ops take one input (and their parameter by name, ``k=`` or ``slope=``),
    binary ops two; n-ary ops take whole rows (``sum`` any number of inputs, ``dot``
    the weights followed by as many inputs). An ``Op`` declared outside the table
    works too: that is how a new op is tried before it joins the table.

    Example:
        >>> from autograd import OPS_BY_NAME, Value, apply
        >>> apply(OPS_BY_NAME["pow"], Value(3.0), k=2).data
        9.0
    """
    if op.arity == 0:
        rows = len(op.rules)
        if len(inputs) % rows:
            raise ValueError(f"{op.name} takes its inputs in rows of {rows}, got {len(inputs)}")
        if not inputs:
            return constant(0.0, op)
        return nary(op, _nodes(inputs, op))
    if len(inputs) != op.arity:
        raise TypeError(f"{op.name} takes {op.arity} input(s), got {len(inputs)}")
    if op.arity == 2:
        return binary_op(op, *inputs)
    a = inputs[0] if isinstance(inputs[0], Value) else constant(inputs[0], op)
    if op.param:
        k = param.get(op.param[0], op.param[1]) if param else op.param[1]
        return _with_param(op, None)(a, k)
    return _unary(op)(a)


FUNCTIONS: dict[str, Callable[..., Value]] = {}


def method_doc(op: Op) -> str:
    """The docstring of the methods ``op`` installs on Value."""
    return f"{op.doc}; ∂/∂a = {op.formulas[0]}." if op.arity == 1 else f"{op.doc}."


def _install() -> None:
    for op in OPS:
        if op.arity == 1:
            if op.param and isinstance(op.param[1], tuple):
                method = _bounds(op)
            elif op.param:
                method = _with_param(op, OPS_BY_NAME[op.promote] if op.promote else None)
            else:
                method = _unary(op)
            method.__doc__ = method_doc(op)
            for name in op.methods:
                setattr(Value, name, method)
        elif op.arity == 2:
            method, reflected = _binary(op)
            method.__doc__ = reflected.__doc__ = method_doc(op)
            for name in op.methods:
                setattr(Value, name, method)
            for name in op.reflected:
                setattr(Value, name, reflected)
            if op.function:
                FUNCTIONS[op.name] = _function(op)


def _function(op: Op) -> Callable[..., Value]:
    def function(a: Any, b: Any) -> Value:
        return binary_op(op, a, b)

    function.__name__ = function.__qualname__ = op.name
    function.__doc__ = (f"{op.doc}: ``autograd.{op.name}(a, b)``, numbers or Values on "
                        f"either side; ∂/∂a = {op.formulas[0]}, ∂/∂b = {op.formulas[1]}.")
    return function


_install()
atan2 = FUNCTIONS["atan2"]
hypot = FUNCTIONS["hypot"]
maximum = FUNCTIONS["maximum"]
minimum = FUNCTIONS["minimum"]


class Values(Interpretation):
    """Rules on Values: ``m.cos`` builds a cos node, so a derivative is itself a graph."""

    def lift(self, op: Op) -> Callable[..., Any]:
        """The op applied to Values (numbers become constants)."""
        if op.arity == 2:
            return lambda a, b: binary_op(op, a, b)
        if op.arity == 1:
            method = _with_param(op, None) if op.param else _unary(op)

            def unary(a: Any, *k: Any) -> Value:
                return method(a if isinstance(a, Value) else constant(a, op), *k)

            return unary
        return lambda *ins: nary(op, _nodes(ins, op))

    # Branches and comparisons read the data: the derivative of a piecewise rule is the
    # derivative of the piece chosen at this point.
    def primal(self, x: Any) -> float:
        """A Value's data."""
        return _data(x)


def _data(x: Any) -> float:
    return x.data if isinstance(x, Value) else x


VALUES = Values()

_SUM, _DOT = OPS_BY_NAME["sum"], OPS_BY_NAME["dot"]


def sum(values: Iterable[Any]) -> Value:
    """x₁ + x₂ + … + xₙ as ONE node with n edges (numbers become constants).

    Example:
        >>> from autograd import Value, sum
        >>> xs = [Value(1.0), Value(2.0), 3.0]
        >>> s = sum(xs)
        >>> s.data, len(s.parents)
        (6.0, 3)
    """
    nodes = _nodes(values, _SUM)
    if not nodes:
        return constant(0.0, _SUM)
    return nary(_SUM, nodes, builtins.sum([v.data for v in nodes]))


def dot(ws: Iterable[Any], xs: Iterable[Any]) -> Value:
    """w₁·x₁ + … + wₙ·xₙ as ONE node with 2n edges: a neuron's weighted sum.

    Example:
        >>> from autograd import Value, dot
        >>> w = [Value(0.5), Value(-1.0)]
        >>> z = dot(w, [2.0, 3.0])
        >>> z.backward()
        >>> z.data, [wi.grad for wi in w]
        (-2.0, [2.0, 3.0])
    """
    if type(ws) is not tuple:
        ws = tuple(ws)
    if type(xs) is not tuple:
        xs = tuple(xs)
    if len(ws) != len(xs):
        raise ValueError(f"dot needs as many weights as inputs, got {len(ws)} and {len(xs)}")
    if not ws:
        return constant(0.0, _DOT)
    try:  # the common case: every input already a Value
        data = 0.0  # the same sum, term by term, as builtins.sum of the products
        for w, x in zip(ws, xs):
            data += w.data * x.data
    except AttributeError:  # numbers among the inputs
        return nary(_DOT, _nodes(ws, _DOT) + _nodes(xs, _DOT))
    except TypeError:  # a numpy scalar: its .data is a buffer
        return nary(_DOT, _nodes(ws, _DOT) + _nodes(xs, _DOT))
    if type(data) is not float:  # something else with a .data: a tensor's is a tensor
        return nary(_DOT, _nodes(ws, _DOT) + _nodes(xs, _DOT))
    # nary(), written out: a neuron makes one of these per sample.
    out = _new(Value)
    out.data = data
    out._grad = out._total = None
    out.label = ""
    if state.mode:
        return _record(out, _DOT, None, (ws, xs), None)
    out._a = None
    out._b = (ws, xs)  # its two rows, as given
    out.op = _DOT
    out.arg = None
    return out
