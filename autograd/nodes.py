"""Making nodes: every op of the table applied to Values, and installed on ``Value``.

Three small factories, one per shape of op (unary, unary with a number parameter,
binary), turn an op record into the method that computes the forward value and
records the node; ``sum`` and ``dot`` make the n-ary nodes. Every node is made here,
so the hot path (one float op, one object, a mode check) lives in one place.

The few lines that fill a new node's slots are written out in each factory rather than
shared through a helper: a call per op would cost about a tenth of building a graph.
"""

from __future__ import annotations

import builtins
import math
from collections.abc import Callable, Iterable
from typing import Any

from .modes import ANOMALY, NO_GRAD, SCOPES, AnomalyError, state
from .ops import OPS, OPS_BY_NAME, Op
from .value import _CONSTANT, Value, _describe, _new, _to_float


def constant(x: Any, op: Op) -> Value:
    """A leaf for a plain number that ``op`` was given (TypeError for a non-number)."""
    out = _new(Value)
    out.data = x if type(x) is float else _to_float(x, f"{op.name} ({op.expr})")
    out._grad = None
    out.parents = ()
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


def _record(out: Value, op: Op, parents: tuple[Value, ...], arg: Any) -> Value:
    """The slow path of every op: only inside no_grad(), detect_anomaly(), record_scopes()."""
    mode = state.mode
    if mode & ANOMALY and not math.isfinite(out.data):
        names = [op.input_name(i, len(parents)) for i in range(len(parents))]
        given = ", ".join(_describe(v, n) for v, n in zip(parents, names))
        raise AnomalyError(f"{op.name} produced {out.data!r} from {given}")
    if mode & NO_GRAD:
        out.parents = ()
        out.op = None
    else:
        out.parents = parents
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
        out._grad = None
        out.label = ""
        if state.mode:
            return _record(out, op, (a,), None)
        out.parents = (a,)
        out.op = op
        out.arg = None
        return out

    return method


def _with_param(op: Op, promote: Op | None) -> Callable[..., Value]:
    forward = op.forward
    pname, default = op.param  # type: ignore[misc]

    def method(a: Value, k: Any = default) -> Value:
        if isinstance(k, Value):
            if promote is None:
                raise TypeError(f"{op.name}: {pname} must be a number, got a Value ({k!r})")
            return binary_op(promote, a, k)
        if type(k) is not float:
            k = _to_float(k, f"{op.name} ({pname})")
        try:
            data = forward(a.data, k)
        except (ArithmeticError, ValueError) as err:
            raise _forward_error(op, (a,), k, err) from None
        out = _new(Value)
        out.data = data
        out._grad = None
        out.label = ""
        if state.mode:
            return _record(out, op, (a,), k)
        out.parents = (a,)
        out.op = op
        out.arg = k
        return out

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
    out._grad = None
    out.label = ""
    if state.mode:
        return _record(out, op, (a, b), None)
    out.parents = (a, b)
    out.op = op
    out.arg = None
    return out


def _binary(op: Op) -> tuple[Callable[..., Value], Callable[..., Value]]:
    forward = op.forward

    def method(a: Value, b: Any) -> Value:
        if type(b) is not Value:
            if not isinstance(b, Value):
                b = constant(b, op)
        try:
            data = forward(a.data, b.data)
        except (ArithmeticError, ValueError) as err:
            raise _forward_error(op, (a, b), None, err) from None
        out = _new(Value)
        out.data = data
        out._grad = None
        out.label = ""
        if state.mode:
            return _record(out, op, (a, b), None)
        out.parents = (a, b)
        out.op = op
        out.arg = None
        return out

    def reflected(b: Value, a: Any) -> Value:
        # ``2 - x`` arrives as x.__rsub__(2): keep the number on the left, as written.
        return binary_op(op, a, b)

    return method, reflected


_UNARY: dict[str, Callable[..., Value]] = {}


def apply(op: Op, *inputs: Any, **param: float) -> Value:
    """Apply an op record to Values or numbers: ``apply(OPS_BY_NAME["mul"], x, 2)``.

    Unary ops take one input (and their parameter by name, ``k=`` or ``slope=``),
    binary ops two; ``sum`` takes any number of inputs and ``dot`` the weights
    followed by as many inputs. A unary or binary ``Op`` declared outside the table
    works too: that is how a new op is tried before it joins the table.

    Example:
        >>> from autograd import OPS_BY_NAME, Value, apply
        >>> apply(OPS_BY_NAME["pow"], Value(3.0), k=2).data
        9.0
    """
    if op.arity == 0:
        if op.name == "dot":
            half = len(inputs) // 2
            return dot(inputs[:half], inputs[half:])
        return sum(inputs)
    if len(inputs) != op.arity:
        raise TypeError(f"{op.name} takes {op.arity} input(s), got {len(inputs)}")
    if op.arity == 2:
        return binary_op(op, *inputs)
    a = inputs[0] if isinstance(inputs[0], Value) else constant(inputs[0], op)
    method = _UNARY.get(op.name)
    if method is None or OPS_BY_NAME.get(op.name) is not op:  # an op from outside the table
        method = _with_param(op, None) if op.param else _unary(op)
    return method(a, *param.values())


def _install() -> None:
    for op in OPS:
        if op.arity == 1:
            promote = OPS_BY_NAME["vpow"] if op.name == "pow" else None
            method = _with_param(op, promote) if op.param else _unary(op)
            _UNARY[op.name] = method
            method.__doc__ = f"{op.doc}; ∂/∂a = {op.formulas[0]}."
            names = op.methods if op.name == "pow" else (op.name, *op.methods)
            for name in names:
                setattr(Value, name, method)
        elif op.arity == 2:
            method, reflected = _binary(op)
            method.__doc__ = reflected.__doc__ = f"{op.doc}."
            forward_name, *reflected_names = op.methods
            if op.name == "vpow":
                setattr(Value, forward_name, reflected)
                continue
            setattr(Value, forward_name, method)
            for name in reflected_names:
                setattr(Value, name, reflected)


_install()


class VALUE_MATH:
    """The math a rule may call, on Values (so a derivative is itself a graph)."""

    exp = Value.exp
    log = Value.log
    sin = Value.sin
    cos = Value.cos
    sigmoid = Value.sigmoid


_SUM, _DOT = OPS_BY_NAME["sum"], OPS_BY_NAME["dot"]


def _nary(op: Op, nodes: tuple[Value, ...], data: float) -> Value:
    out = _new(Value)
    out.data = data
    out._grad = None
    out.label = ""
    if state.mode:
        return _record(out, op, nodes, None)
    out.parents = nodes
    out.op = op
    out.arg = None
    return out


def _nodes(values: Iterable[Any], op: Op) -> tuple[Value, ...]:
    return tuple(v if isinstance(v, Value) else constant(v, op) for v in values)


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
    try:
        data = builtins.sum([v.data for v in nodes])
    except ArithmeticError as err:  # pragma: no cover - float sums give inf, not errors
        raise _forward_error(_SUM, nodes, None, err) from None
    return _nary(_SUM, nodes, data)


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
    ws, xs = tuple(ws), tuple(xs)
    if len(ws) != len(xs):
        raise ValueError(f"dot needs as many weights as inputs, got {len(ws)} and {len(xs)}")
    if not ws:
        return constant(0.0, _DOT)
    try:  # the common case: every input already a Value
        data = builtins.sum([w.data * x.data for w, x in zip(ws, xs)])
        nodes = ws + xs
    except AttributeError:
        nodes = _nodes(ws, _DOT) + _nodes(xs, _DOT)
        n = len(ws)
        data = _DOT.forward([v.data for v in nodes[:n]], [v.data for v in nodes[n:]])
    return _nary(_DOT, nodes, data)
