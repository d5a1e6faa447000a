"""What the chain rule has done so far: the engine's backward steps, indexed for drawing.

A picture after ``backward()`` shows every step of a pass; a lesson's frame shows the
first few. Both read :func:`autograd.backward_steps`, never a second implementation.
"""

from __future__ import annotations

from autograd import Step, Value

from ._text import fmt

MAX_TERMS = 4
"""A gradient with more contributions than this lists the first few and the count."""


class Flow:
    """The steps taken so far from ``root``, by edge and by receiving node.

    Args:
        seed: ∂root/∂root, the gradient the pass started from.
        steps: the steps done, in the engine's order.
        total: how many steps reach each node in the whole pass (to tell a finished
            gradient from one still accumulating); None means the pass is complete.
        current: the step a lesson frame is showing, highlighted.
    """

    def __init__(
        self,
        root: Value,
        seed: float,
        steps: list[Step],
        total: dict[Value, int] | None = None,
        current: Step | None = None,
    ) -> None:
        self.root = root
        self.seed = seed
        self.current = current
        self.total = total
        self.by_edge: dict[tuple[Value, int], Step] = {}
        self.terms: dict[Value, list[float]] = {}
        for step in steps:
            self.by_edge[(step.node, step.index)] = step
            self.terms.setdefault(step.input, []).append(step.contribution)

    def sum_text(self, node: Value, digits: int) -> str:
        """``2.0 + 2.0 = 4.0`` for a node several paths reach ('' for fewer than two)."""
        terms = self.terms.get(node, [])
        if len(terms) < 2:
            return ""
        shown = " + ".join(fmt(t, digits) for t in terms[:MAX_TERMS])
        if len(terms) > MAX_TERMS:
            shown += f" + … ({len(terms)} terms)"
        return f"{shown} = {fmt(sum(terms), digits)}"

    def lesson_grad(self, node: Value, digits: int) -> str:
        """The gradient line of a lesson frame: what the steps so far have accumulated."""
        if node is self.root:
            return f"grad {fmt(self.seed, digits)} (seed)"
        terms = self.terms.get(node)
        if not terms:
            return "grad: not computed"
        complete = self.total is None or len(terms) == self.total.get(node, 0)
        breakdown = self.sum_text(node, digits)
        text = f"grad = {breakdown}" if breakdown else f"grad {fmt(terms[0], digits)}"
        return text if complete else text + " (so far)"

    def live_grad(self, node: Value, digits: int, tolerance: float) -> str:
        """The gradient line after ``backward()``: ``.grad``, and how this root's paths sum."""
        if not node.grad_computed:
            return "grad: not computed"
        terms = self.terms.get(node, [])
        breakdown = self.sum_text(node, digits)
        if terms and abs(sum(terms) - node.grad) > tolerance * max(1.0, abs(node.grad)):
            # .grad also holds other passes or roots: say which part flowed from here.
            only = breakdown or fmt(terms[0], digits)
            return f"grad {fmt(node.grad, digits)} (from this root: {only})"
        if breakdown:
            return f"grad = {breakdown}"
        return f"grad {fmt(node.grad, digits)}"
