"""PyTorch's ``torch.autograd.functional`` on numbers: jvp, vjp, jacobian, hessian.

``f`` takes one ``Value`` per input and returns a ``Value`` or a tuple of Values.
``inputs`` (and ``v``) are a number or a tuple of numbers; results are floats, shaped
as PyTorch shapes them: a tuple exactly where the input or output was a tuple, so a
jacobian is nested ``[output][input]`` when both are tuples, a bare float when neither is.
Lists and 1-D arrays (numpy's) count as tuples.

``jvp`` runs ``f`` once in forward mode (dual numbers, :mod:`autograd.forward`);
``vjp``, ``jacobian`` and ``hessian`` run it once and then backward (once per output, or
per row of the Hessian through ``grad(create_graph=True)``). Like PyTorch's, they
differentiate inside ``no_grad()`` too: ``f`` always runs with grad enabled.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable
from typing import Any

from .engine import grad
from .forward import forward_mode
from .modes import enable_grad
from .nodes import sum as vsum
from .value import Value

Numbers = Any  # a number, or a tuple (or list) of numbers


def _as_tuple(x: Any, what: str, fn: str) -> tuple[bool, tuple[float, ...]]:
    """(was it a tuple?, the numbers as a tuple of floats)."""
    # A 1-D array is known by its ndim, so numpy need not be imported.
    many = isinstance(x, (tuple, list)) or getattr(x, "ndim", None) == 1
    items = tuple(x) if many else (x,)
    for i, item in enumerate(items):
        if isinstance(item, Value):
            raise TypeError(f"{fn}: {what} are numbers, got a Value at {i} ({item!r}); "
                            "pass .data (f receives fresh Values)")
        if isinstance(item, bool) or not isinstance(item, numbers.Real):
            where = f"{what}[{i}]" if many else what
            raise TypeError(f"{fn}: {where} must be a real number, got {item!r} "
                            f"({type(item).__name__})")
    return many, tuple(float(item) for item in items)


def _leaves(xs: tuple[float, ...]) -> list[Value]:
    return [Value(x, label=f"inputs[{i}]") for i, x in enumerate(xs)]


def _call(f: Callable[..., Any], leaves: list[Value], fn: str) -> tuple[bool, tuple[Value, ...]]:
    with enable_grad():
        out = f(*leaves)
    many = isinstance(out, (tuple, list))
    outs = tuple(out) if many else (out,)
    for i, o in enumerate(outs):
        if not isinstance(o, Value):
            where = f"output {i}" if many else "its output"
            raise TypeError(f"{fn}: f must return a Value or a tuple of Values; {where} is "
                            f"{o!r} ({type(o).__name__})")
    return many, outs


def _shape(rows: Any, many: bool) -> Any:
    return tuple(rows) if many else rows[0]


def _gradient(output: Value, leaves: list[Value]) -> list[float]:
    # An output that is a leaf not among the inputs depends on none of them.
    if output.op is None and all(output is not leaf for leaf in leaves):
        return [0.0] * len(leaves)
    return grad(output, leaves)


def jvp(f: Callable[..., Any], inputs: Numbers, v: Numbers = None) -> tuple[Any, Any]:
    """The outputs of ``f`` and its Jacobian times ``v``, in one forward-mode pass.

    Args:
        f: takes one Value per input, returns a Value or a tuple of Values.
        inputs: the point: a number or a tuple of numbers.
        v: the direction, shaped like ``inputs`` (may be None for a single input: 1.0).

    Returns:
        ``(outputs, jvp)``: each a float, or a tuple of floats when ``f`` returns a tuple.

    Example:
        >>> from autograd.functional import jvp
        >>> jvp(lambda x, y: x * y + y.sin(), (2.0, 0.0), (1.0, 1.0))
        (0.0, 3.0)
    """
    many_in, xs = _as_tuple(inputs, "inputs", "jvp")
    if v is None:
        if len(xs) != 1:
            raise ValueError("jvp: v may be omitted only for a single input")
        vs: tuple[float, ...] = (1.0,)
    else:
        many_v, vs = _as_tuple(v, "v", "jvp")
        if many_v != many_in or len(vs) != len(xs):
            raise ValueError(f"jvp: v must be shaped like inputs ({len(xs)} numbers"
                             f"{', a tuple' if many_in else ''}), got {v!r}")
    leaves = _leaves(xs)
    with forward_mode(dict(zip(leaves, vs))) as fwd:
        many_out, outs = _call(f, leaves, "jvp")
    return _shape([o.data for o in outs], many_out), _shape([fwd.tangent(o) for o in outs],
                                                            many_out)


def vjp(f: Callable[..., Any], inputs: Numbers, v: Numbers = None) -> tuple[Any, Any]:
    """The outputs of ``f`` and ``v`` times its Jacobian (one backward pass).

    Args:
        f: takes one Value per input, returns a Value or a tuple of Values.
        inputs: the point: a number or a tuple of numbers.
        v: one weight per output, shaped like the outputs (None for a single output: 1.0).

    Returns:
        ``(outputs, vjp)``: outputs shaped like ``f``'s, vjp shaped like ``inputs``.

    Example:
        >>> from autograd.functional import vjp
        >>> vjp(lambda x, y: (x * y, x + y), (2.0, 3.0), (1.0, 10.0))
        ((6.0, 5.0), (13.0, 12.0))
    """
    many_in, xs = _as_tuple(inputs, "inputs", "vjp")
    leaves = _leaves(xs)
    many_out, outs = _call(f, leaves, "vjp")
    if v is None:
        if len(outs) != 1:
            raise ValueError("vjp: v may be omitted only when f returns a single Value")
        vs: tuple[float, ...] = (1.0,)
    else:
        many_v, vs = _as_tuple(v, "v", "vjp")
        if many_v != many_out or len(vs) != len(outs):
            raise ValueError(f"vjp: v must be shaped like f's outputs ({len(outs)} numbers"
                             f"{', a tuple' if many_out else ''}), got {v!r}")
    with enable_grad():
        total = vsum([o * w for o, w in zip(outs, vs)])
    return _shape([o.data for o in outs], many_out), _shape(_gradient(total, leaves), many_in)


def jacobian(f: Callable[..., Any], inputs: Numbers) -> Any:
    """∂output/∂input for every output and input: one backward pass per output.

    Returns:
        A float (one input, one output), a tuple over the inputs (one output), a tuple
        over the outputs (one input), or a tuple of tuples ``[output][input]``.

    Example:
        >>> from autograd.functional import jacobian
        >>> jacobian(lambda x, y: (x * y, x + y), (2.0, 3.0))
        ((3.0, 2.0), (1.0, 1.0))
    """
    many_in, xs = _as_tuple(inputs, "inputs", "jacobian")
    leaves = _leaves(xs)
    many_out, outs = _call(f, leaves, "jacobian")
    rows = [_shape(_gradient(o, leaves), many_in) for o in outs]
    return _shape(rows, many_out)


def hessian(f: Callable[..., Any], inputs: Numbers) -> Any:
    """∂²f/∂inputᵢ∂inputⱼ of a function with one output (reverse over reverse).

    Returns:
        A float for a single input, else a tuple of tuples ``[i][j]``.

    Example:
        >>> from autograd.functional import hessian
        >>> hessian(lambda x, y: x * x * y, (2.0, 3.0))
        ((6.0, 4.0), (4.0, 0.0))
    """
    many_in, xs = _as_tuple(inputs, "inputs", "hessian")
    leaves = _leaves(xs)
    many_out, outs = _call(f, leaves, "hessian")
    if many_out or len(outs) != 1:
        raise ValueError(f"hessian: f must return a single Value, got {len(outs)} outputs")
    (out,) = outs
    if out.op is None and all(out is not leaf for leaf in leaves):
        first: list[Value] = []
    else:
        first = grad(out, leaves, create_graph=True)
    rows = [_shape(_gradient(g, leaves) if first else [0.0] * len(leaves), many_in)
            for g in (first or leaves)]
    return _shape(rows, many_in)
