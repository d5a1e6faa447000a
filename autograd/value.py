"""``Value``: one float in a computation graph.

``Value`` holds no per-op code: every operator and method is installed on it from the
op table (``ops.py``) by ``nodes.py``, and ``backward`` by ``engine.py``; so this module
imports neither of them. Type checkers see the table's methods in its base class,
``methods.TableMethods``, generated from the table (:mod:`autograd.signatures`).
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, SupportsIndex

from .graph import deep_copy, reduce_node, shallow_copy
from .methods import TableMethods
from .ops import Op

_new = object.__new__


class _Constant:
    """The mark, in a leaf's unused ``arg`` slot, of a leaf made from a number.

    One object, compared by identity; copies and pickles of a graph keep it.
    """

    __slots__ = ()

    def __repr__(self) -> str:
        return "<constant>"

    def __reduce__(self) -> str:
        return "_CONSTANT"

    def __copy__(self) -> _Constant:
        return self

    def __deepcopy__(self, memo: dict) -> _Constant:
        return self


_CONSTANT = _Constant()


def _describe(v: Value, name: str = "") -> str:
    label = f" (node {v.label!r})" if v.label else ""
    return f"{name + ' = ' if name else ''}{v.data!r}{label}"


def local_error(how: str, op: Op, inputs: Sequence[Value], err: Exception) -> Exception:
    """``err`` from an op's rule, restated with the op, its inputs and their nodes' labels."""
    n = len(inputs)
    given = ", ".join(_describe(p, op.input_name(i, n)) for i, p in enumerate(inputs))
    formulas = "; ".join(op.formula(i, n) for i in range(min(n, len(op.rules) if op.arity else n)))
    return type(err)(
        f"{how} through {op.name} ({op.expr}): the local derivative is undefined "
        f"for {given} ({formulas}): {err}"
    )


def _to_float(x: Any, where: str) -> float:
    if isinstance(x, numbers.Real):
        try:
            return float(x)
        except OverflowError:
            raise OverflowError(f"{where}: {_short(x)} is too large for a float") from None
    raise TypeError(
        f"{where} needs a real number or a Value, got {x!r} ({type(x).__name__})"
        + _advice(x)
    )


def _short(x: Any) -> str:
    text = repr(x)
    return text if len(text) <= 40 else f"{text[:12]}…{text[-6:]} ({len(text)} digits)"


def _advice(x: Any) -> str:
    if isinstance(x, complex):
        return "; take .real or abs() first"
    if hasattr(x, "__array__") or hasattr(x, "shape"):
        return ("; Values and arrays do not mix: a Value holds one number, so apply the "
                "operator to each element ([v * a for a in array.tolist()])")
    return ""


class Value(TableMethods):
    """One float in a computation graph, with the gradient that backward() gives it.

    Args:
        data: the number (int, float, or any real number type).
        label: a name shown in pictures and error messages.

    Example:
        >>> from autograd import Value
        >>> a, b = Value(2.0, label="a"), Value(-3.0, label="b")
        >>> c = a * b + a
        >>> c.backward()
        >>> c.data, a.grad, b.grad
        (-4.0, -2.0, 2.0)
    """

    # A node's inputs live in two slots rather than a tuple: one object per node
    # instead of two, so building a graph allocates half as many objects for the
    # garbage collector to track. ``_a`` is the first input of a unary or binary node and
    # ``_b`` the second; an n-ary node keeps in ``_b`` its rows (``dot``: the weights'
    # tuple and the inputs' tuple, as given: nothing copied) and ``_a`` None; a leaf has
    # neither. ``parents`` reads them back as one ordered tuple.
    # ``_total`` is what ``.grad`` reads; ``_grad`` is backward's working slot (the walk's
    # marks, then the pass's gradient as its steps add into it), added to ``_total`` once
    # the pass is done: no reader, in any thread, sees anything but a float or None.
    __slots__ = ("_a", "_b", "_grad", "_total", "arg", "data", "label", "op")

    _grad: Any  # backward's working slot: None, a mark, or a float
    _total: float | None  # the gradient; None before any backward pass reaches the node
    _a: Value | None
    _b: Any  # Value, tuple of Values (n-ary) or None
    data: float
    op: Op | None
    arg: Any
    label: str

    def __init__(self, data: float | numbers.Real, label: str = "") -> None:
        if not isinstance(label, str):
            raise TypeError(f"Value label must be a str, got {label!r} ({type(label).__name__})")
        if isinstance(data, Value):
            raise TypeError(f"Value() takes a number, got a Value ({data!r}): use it as it is, "
                            "or v.detach() / Value(v.data) for a new leaf")
        self.data = data if type(data) is float else _to_float(data, "Value()")
        self._grad = self._total = None
        self._a = self._b = None
        self.op = None
        self.arg = None
        self.label = label

    @property
    def parents(self) -> tuple[Value, ...]:
        """The node's inputs in order (``a * a`` has ``(a, a)``); ``()`` for a leaf."""
        a, b = self._a, self._b
        if a is None:
            if b is None:
                return ()
            return b[0] if len(b) == 1 else tuple(p for row in b for p in row)
        return (a,) if b is None else (a, b)

    @parents.setter
    def parents(self, inputs: tuple[Value, ...]) -> None:
        # For ops tried out by hand (``y.parents, y.op = (x,), cube``): one or two inputs
        # go in the slots, any other number in ``_b`` as one row.
        inputs = tuple(inputs)
        if 0 < len(inputs) <= 2:
            self._a, self._b = inputs[0], (inputs[1] if len(inputs) == 2 else None)
        else:
            self._a, self._b = None, ((inputs,) if inputs else None)

    @property
    def grad(self) -> float:
        """∂root/∂self from the backward passes so far (0.0 until one reaches this node)."""
        g = self._total
        return 0.0 if g is None else g

    @grad.setter
    def grad(self, value: float | None) -> None:
        # None forgets the gradient (grad_computed is False again), as in PyTorch.
        if type(value) is float or value is None:
            self._total = value
        else:
            self._total = _to_float(value, "Value.grad")

    @property
    def grad_computed(self) -> bool:
        """True once a backward pass has reached this node (or ``grad`` was set)."""
        return self._total is not None

    @property
    def is_leaf(self) -> bool:
        """True for a node no op produced: an input, a parameter or a constant."""
        return self.op is None

    @property
    def is_constant(self) -> bool:
        """True for a leaf an operator made from a plain number (``x * 2``'s 2)."""
        return self.arg is _CONSTANT

    if TYPE_CHECKING:  # installed by engine.py, where the chain rule lives (see its docs)

        def backward(self, gradient: float = 1.0) -> None:
            """Add ∂self/∂node · gradient to ``.grad`` of every node reachable from here."""

    def item(self) -> float:
        """The number this node holds, as a float (``v.data``; PyTorch's ``tensor.item()``)."""
        return self.data

    def zero_grad(self) -> None:
        """Set this node's gradient back to 0.0."""
        self._total = 0.0

    def detach(self) -> Value:
        """A new leaf with the same data and label, cut off from this graph."""
        return Value(self.data, self.label)

    # float(v) and math.exp(v) would hand back a plain number and silently cut the graph.
    def __float__(self) -> float:
        raise TypeError(
            f"float() of a Value would cut the graph ({self!r}): use v.exp(), v.log(), ... "
            "to stay in the graph, or v.data for the number itself"
        )

    def __format__(self, spec: str) -> str:
        return format(self.data, spec) if spec else repr(self)

    # Copies and pickles walk the graph inputs first (autograd.graph): a graph of any
    # depth copies and pickles, without recursion.
    def __copy__(self) -> Value:
        return shallow_copy(self)

    def __deepcopy__(self, memo: dict) -> Value:
        return deep_copy(self, memo)

    def __reduce_ex__(self, protocol: SupportsIndex) -> tuple[Any, ...]:
        return reduce_node(self)

    # numpy: never turn a Value into an object array; arrays on either side of an
    # operator end in Value's own TypeError, with advice.
    __array_ufunc__ = None

    # Ordering compares data, for user code (rules branch with m.where instead). Equality
    # and hashing stay by identity: graphs key dicts by node.
    def __lt__(self, other: Any) -> bool:
        return self.data < _data(other)

    def __le__(self, other: Any) -> bool:
        return self.data <= _data(other)

    def __gt__(self, other: Any) -> bool:
        return self.data > _data(other)

    def __ge__(self, other: Any) -> bool:
        return self.data >= _data(other)

    __hash__ = object.__hash__

    def __repr__(self) -> str:
        grad = f", grad={self._total!r}" if self._total is not None else ""
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data!r}{grad}{label})"


def _data(x: Any) -> float:
    return x.data if isinstance(x, Value) else x
