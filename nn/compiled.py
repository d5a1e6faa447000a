"""Training through a tape: ``fit(compile=True)`` traces one sample's loss once and replays it.

Eager ``fit`` rebuilds the whole batch's graph every step. Here the graph of ONE sample
is traced once with :func:`autograd.compile`: the inputs and the target are *data*
leaves, the model's weights are *params*. Each step replays that tape for every row of
the batch at once (numpy along the batch axis; a pure-Python loop over the rows when
numpy is missing) and gets the batch's loss and ∂loss/∂param, which land in ``.grad``
where the optimizer finds them, exactly as after ``loss.backward()``.

What eager ``fit`` computes, and how the replay matches it (to rounding):

- batch loss ``L = reduce(ℓ₁ … ℓₙ) + l2·Σp²``: the tape reduces the per-sample losses
  ℓᵢ with the loss's own reduction (mean: seed 1/n per row, as the engine's division
  by n gives; sum: seed 1); the penalty is added on floats, ∂(l2·Σp²)/∂p = l2·p + l2·p
  (the two edges of ``dot(params, params)``);
- targets as data: ±1 labels, 0/1 labels and real targets are one data leaf; a class
  index becomes a one-hot row of k data leaves, and ``cross_entropy`` takes them as
  class probabilities (−Σ yₖ·log softmaxₖ = −log softmax[t] for one-hot y), as it takes
  targets given as probabilities;
- accuracy reads the model's outputs: a second tape of the model alone (for k outputs,
  ``Σ sₖ·outₖ`` with a one-hot selector s, run once per class in one batch).

The traced structure is fixed: the model's forward must make no Python choice on the
data (an ``if`` on a value, a loop whose length depends on the input). MLP makes none.

Example:
    >>> import nn
    >>> X, y = nn.make_moons(40, noise=0.1, seed=0)
    >>> runs = []
    >>> for compile in (False, True):
    ...     model = nn.MLP(2, [8, 1], activation="relu", seed=0)
    ...     opt = nn.SGD(model.parameters(), lr=0.5)
    ...     h = nn.fit(model, X, y, nn.hinge_loss, opt, 5, progress=False, compile=compile)
    ...     runs.append([p.data for p in model.parameters()])
    >>> max(abs(a - b) for a, b in zip(*runs)) < 1e-12
    True
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from typing import Any

import autograd
from autograd import Value

from .losses import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    hinge_loss,
    l1_loss,
    mse_loss,
)
from .module import Module
from .optim import SGD, Adam, AdamW, Optimizer, finish

COMPILABLE = (hinge_loss, mse_loss, l1_loss, binary_cross_entropy_with_logits, cross_entropy)
# A Python branch on the data inside the loss: a tape would freeze the trace's choice.
NOT_COMPILABLE = {
    binary_cross_entropy: "it clamps log p at −100 with a Python branch on p, which a tape "
    "would freeze; use binary_cross_entropy_with_logits on raw scores (exact, and it "
    "compiles)",
}


def _name(fn: Any) -> str:
    return getattr(fn, "__name__", None) or repr(fn)


class NotCompilable(ValueError):
    """A loss (or model output) that ``fit(compile=True)`` cannot trace.

    The message is fit's, with its advice; ``reason`` says only why (another trainer of
    the same tapes, ``viz.train_live``, gives its own advice).
    """

    def __init__(self, reason: str, advice: str = "") -> None:
        super().__init__(f"fit(compile=True): {reason}" + (f"; {advice}" if advice else ""))
        self.reason = reason


def loss_parts(loss_fn: Callable[..., Any]) -> tuple[Callable[..., Any], str]:
    """The loss function behind ``functools.partial`` wrappers, and its reduction.

    Raises :class:`NotCompilable` naming the loss when ``fit(compile=True)`` cannot trace it.
    """
    base, keywords = loss_fn, dict[str, Any]()
    while isinstance(base, functools.partial):
        if base.args:
            raise NotCompilable(f"cannot compile {loss_fn!r}: it binds positional arguments",
                                "pass compile=False to train eagerly")
        keywords = {**base.keywords, **keywords}
        base = base.func
    if base in NOT_COMPILABLE:
        raise NotCompilable(f"cannot compile {_name(base)}: {NOT_COMPILABLE[base]}",
                            "or pass compile=False")
    if base not in COMPILABLE:
        known = ", ".join(_name(f) for f in COMPILABLE)
        raise NotCompilable(f"cannot compile the loss {_name(base)}; fit knows how to trace "
                            f"{known}", "pass compile=False to train eagerly")
    extra = set(keywords) - {"reduction"}
    if extra:
        raise NotCompilable(f"cannot compile {loss_fn!r}: unknown arguments {sorted(extra)}",
                            "pass compile=False")
    reduction = keywords.get("reduction", "mean")
    if reduction not in ("mean", "sum"):
        raise NotCompilable(f"a batch loss needs reduction 'mean' or 'sum', got {reduction!r}")
    return base, reduction


def _numpy_available() -> bool:
    # nn needs no numpy; batched replay (autograd.batched) uses it when it is there.
    try:
        import numpy  # noqa: F401
    except ImportError:
        return False
    return True


class CompiledStep:
    """``step(X_batch, y_batch) -> (loss, outputs)`` like eager fit's, by tape replay.

    Args:
        model: the module; traced once on ``nin`` data leaves.
        loss_fn: one of :data:`COMPILABLE` (optionally a partial setting ``reduction``).
        params: the parameters to differentiate (``model.parameters()``).
        l2: the weight of ``Σp²`` added to the loss.
        nin: inputs per sample.
        outputs: also replay the model for its outputs (fit needs them for accuracy).
        vectorized: numpy batches (True), the pure-Python row loop (False), or None to
            use numpy when it is installed.
    """

    def __init__(self, model: Module, loss_fn: Callable[..., Any], params: Sequence[Value],
                 l2: float, nin: int, outputs: bool = True,
                 vectorized: bool | None = None) -> None:
        self.base, self.reduction = loss_parts(loss_fn)
        self.params, self.l2 = list(params), l2
        self.vectorized = _numpy_available() if vectorized is None else vectorized
        self._np: Any = None
        if self.vectorized:
            import numpy

            self._np = numpy
        xs = [Value(0.0, label=f"x{j}") for j in range(nin)]
        out = model(xs)
        self.classes = 0
        if self.base is cross_entropy:
            if isinstance(out, Value):
                raise ValueError("fit: cross_entropy needs one output per class; the model "
                                 "gives a single output")
            self.classes = len(out)
            targets = [Value(1.0 if k == 0 else 0.0, label=f"y{k}") for k in range(self.classes)]
            loss = cross_entropy(out, targets)
        else:
            targets = [Value(1.0, label="y")]  # a valid label for every loss here
            loss = self.base([out], targets, reduction="none")[0]
        self.loss_tape = autograd.compile(loss, params=self.params, data=[*xs, *targets])
        self.output_tape, self.picks = None, 0
        self.kept = [out] if isinstance(out, Value) else list(out)  # the outputs, in the loss
        if outputs:
            if isinstance(out, Value):
                self.output_tape = autograd.compile(out, params=self.params, data=xs)
            else:  # Σ sₖ·outₖ with a one-hot selector s reads output k exactly
                self.picks = len(out)
                pick = [Value(0.0, label=f"s{k}") for k in range(len(out))]
                self.output_tape = autograd.compile(autograd.dot(pick, out), params=self.params,
                                                    data=[*xs, *pick])

    def _target(self, t: Any) -> list[float]:
        if isinstance(t, list):  # class probabilities, already the tape's form
            return t
        if self.classes:
            return [1.0 if k == t else 0.0 for k in range(self.classes)]
        return [t]

    def __call__(self, xb: Sequence[Any], yb: Sequence[Any]) -> tuple[float, list[Any]]:
        """Add the batch's ∂loss/∂param to each ``.grad``; return (loss, outputs)."""
        tape = self.loss_tape
        run = tape.grad_batch if self.vectorized else tape.grad_rows
        loss, grads = run(self.rows(xb, yb), reduction=self.reduction)
        l2 = self.l2
        if l2:
            # l2·Σp², and its gradient along dot(params, params)'s two edges: l2·p + l2·p.
            loss += l2 * sum([p.data * p.data for p in self.params])
            for p, g in zip(self.params, grads):
                p.grad = p.grad + g + l2 * p.data + l2 * p.data
        else:
            for p, g in zip(self.params, grads):
                p.grad = p.grad + g
        return loss, self.outputs(self.inputs(xb)) if self.output_tape is not None else []

    def evaluate(self, X: Sequence[Any], y: Sequence[Any],
                 values: list[float] | None = None) -> tuple[float, list[Any]]:
        """Like ``nn.evaluate``, without gradients: the loss (plus the l2 penalty) and the
        outputs (an empty list when this step replays no outputs).

        ``values`` are the parameters' values (default: their current ``.data``).
        """
        rows = self.rows(X, y)
        tape = self.loss_tape
        if values is None:
            values = [p.data for p in self.params]
        if self.vectorized:
            terms = tape.forward_batch(rows, params=values).tolist()
        else:
            terms = [tape.forward(params=values, data=r) for r in rows]
        loss = sum(terms) / len(terms) if self.reduction == "mean" else sum(terms)
        if self.l2:
            loss += self.l2 * sum([v * v for v in values])
        return loss, self.outputs(self.inputs(X), values) if self.output_tape is not None else []

    def rows(self, X: Sequence[Any], y: Sequence[Any]) -> Any:
        """The loss tape's data rows, inputs then target(s): a numpy array when vectorized."""
        rows = [[*x, *self._target(t)] for x, t in zip(X, y)]
        return self._np.array(rows, dtype=float) if self.vectorized else rows

    def inputs(self, X: Sequence[Any]) -> Any:
        """The output tape's data rows (inputs, then one-hot selectors for k outputs)."""
        k = self.picks
        if k:
            X = [[*x, *(1.0 if j == c else 0.0 for j in range(k))] for c in range(k) for x in X]
        return self._np.array(X, dtype=float) if self.vectorized else X

    def outputs(self, rows: Any, values: list[float] | None = None) -> list[Any]:
        """The model's output data for each input row of :meth:`inputs`: a float, or a
        list of floats per class."""
        tape, k = self.output_tape, self.picks
        if tape is None:  # built with outputs=False: this step replays no outputs
            return []
        if values is None:
            values = [p.data for p in self.params]
        if self.vectorized:
            flat = tape.forward_batch(rows, params=values).tolist()
        else:
            flat = [tape.forward(params=values, data=x) for x in rows]
        if not k:
            return flat
        n = len(flat) // k
        return [[flat[c * n + i] for c in range(k)] for i in range(n)]


class _SGDArrays:
    """``nn.SGD``'s update on a whole parameter array, term for term (see nn/optim.py).

    Like every update here it changes no array in place: it returns new ones, which
    :class:`CompiledTraining` makes current in one assignment.
    """

    def __init__(self, opt: SGD, np: Any) -> None:
        self.opt, self.np = opt, np
        known = [b for b in opt.velocity if b is not None]
        if opt.momentum and known and len(known) != len(opt.velocity):
            raise _Unsupported("some parameters have a velocity, others not")
        self.start = np.array(known, dtype=float) if known and opt.momentum else None

    def step(self, w: Any, g: Any, velocity: Any) -> tuple[Any, Any]:
        """The weights and the velocity after one step from ``w`` with gradients ``g``."""
        opt = self.opt
        lr, mu, wd = opt.lr, opt.momentum, opt.weight_decay
        if wd:
            g = g + wd * w
        if mu:
            velocity = g if velocity is None else mu * velocity + (1.0 - opt.dampening) * g
            g = g + mu * velocity if opt.nesterov else velocity
        return w - lr * g, velocity

    def write_back(self, velocity: Any) -> None:
        if velocity is not None:
            self.opt.velocity = velocity.tolist()


class _AdamArrays:
    """``nn.Adam``'s and ``nn.AdamW``'s update on a whole parameter array (nn/optim.py)."""

    def __init__(self, opt: Adam, np: Any) -> None:
        self.opt, self.np = opt, np
        if len(set(opt.steps)) != 1:
            raise _Unsupported("its parameters have taken different numbers of steps")
        self.start = (opt.steps[0], np.array(opt.m, dtype=float), np.array(opt.v, dtype=float))

    def step(self, w: Any, g: Any, state: tuple[int, Any, Any]) -> tuple[Any, Any]:
        """The weights and (t, m, v) after one step from ``w`` with gradients ``g``."""
        opt, np = self.opt, self.np
        lr, wd, eps = opt.lr, opt.weight_decay, opt.eps
        beta1, beta2 = opt.betas
        t, m, v = state
        if wd:
            if opt._decoupled:
                w = w * (1.0 - lr * wd)
            else:
                g = g + wd * w
        t += 1
        step_size, bias2_sqrt = lr / (1.0 - beta1**t), math.sqrt(1.0 - beta2**t)
        m = beta1 * m + (1.0 - beta1) * g
        v = beta2 * v + (1.0 - beta2) * g * g
        return w - step_size * (m / (np.sqrt(v) / bias2_sqrt + eps)), (t, m, v)

    def write_back(self, state: tuple[int, Any, Any]) -> None:
        t, m, v = state
        opt = self.opt
        opt.m, opt.v, opt.steps = m.tolist(), v.tolist(), [t] * len(opt.params)


class _Unsupported(Exception):
    """This optimizer's state cannot be held in arrays: train through the Values."""


ARRAY_OPTIMIZERS: dict[type, Callable[..., Any]] = {SGD: _SGDArrays, Adam: _AdamArrays,
                                                    AdamW: _AdamArrays}


class CompiledTraining:
    """``fit(compile=True)``'s step: zero_grad, tape replay, optimizer update, all at once.

    With numpy, and an optimizer of nn.optim over exactly the traced parameters, the
    weights, gradients and optimizer state live in arrays for the whole fit: one replay
    and a few array operations per step, no Python loop over the parameters. A step
    makes new arrays and makes them current in one assignment (``now``), so a step
    interrupted anywhere has happened whole or not at all. :meth:`close` (fit calls it
    however it ends) writes them back into the Values and the optimizer, so an
    interrupted fit leaves the model and the optimizer as the last finished step left
    them. Otherwise (no numpy, another optimizer) each step goes through the Values:
    replay into ``.grad``, then ``optimizer.step()``.

    ``check``, when set, is called as ``check(loss, grads)`` after the replay and before
    the update (``grads`` in the order of the parameters, the l2 term included): a check
    that raises (say, on a non-finite loss) leaves the weights as the previous step left
    them.
    """

    def __init__(self, step: CompiledStep, optimizer: Optimizer, X: Sequence[Any],
                 y: Sequence[Any]) -> None:
        self.step, self.optimizer = step, optimizer
        self.check: Callable[[float, Sequence[float]], None] | None = None
        self.update: Any = None
        if step.vectorized and _same_list(optimizer.params, step.params):
            maker = ARRAY_OPTIMIZERS.get(type(optimizer))
            try:
                self.update = maker(optimizer, step._np) if maker else None
            except _Unsupported:
                self.update = None
        if self.update is not None:
            np = step._np
            # (weights, the last step's gradients, the optimizer's state), all arrays
            self.now: tuple[Any, Any, Any] = (
                np.array([p.data for p in step.params], dtype=float), None, self.update.start)
            # The full batch comes back every epoch: its arrays are made once.
            self._full = (X, y, step.rows(X, y),
                          step.inputs(X) if step.output_tape is not None else None)

    def as_array(self, values: Sequence[Any]) -> Any:
        """``values`` as a numpy array when the step runs on arrays (fit's accuracy then
        reads the targets at once), else as they are."""
        return self.step._np.asarray(values) if self.update is not None else values

    def train(self, xb: Sequence[Any], yb: Sequence[Any]) -> tuple[float, Any]:
        """One training step on a batch: the loss (before the update) and the outputs (a
        list, or a numpy array when the step runs on arrays)."""
        if self.update is None:
            self.optimizer.zero_grad()
            result = self.step(xb, yb)
            if self.check is not None:
                self.check(result[0], [p.grad for p in self.step.params])
            self.optimizer.step()
            return result
        step = self.step
        w, _, state = self.now
        X, y, rows, inputs = self._full
        if xb is not X or yb is not y:
            rows = step.rows(xb, yb)
            inputs = step.inputs(xb) if step.output_tape is not None else None
        outputs: Any = None
        if inputs is not None:  # the outputs, read off the loss's own replay
            loss, grads, kept = step.loss_tape.grad_batch_keeping(rows, step.kept, w,
                                                                  step.reduction)
            # as arrays: fit's accuracy reads them at once
            outputs = kept[0] if not step.picks else step._np.stack(kept, axis=1)
        else:
            loss, grads = step.loss_tape.grad_batch(rows, params=w, reduction=step.reduction)
        g = step._np.array(grads)
        l2 = step.l2
        # As eager training's float arithmetic: an overflow gives inf and 0/0 nan, without a
        # warning (fit's checks name the loss, gradient or weight that is not finite).
        with step._np.errstate(all="ignore"):
            if l2:
                # l2·Σp², and its gradient along dot(params, params)'s two edges: l2·p + l2·p.
                loss += l2 * float(w @ w)
                g += l2 * w
                g += l2 * w
            if self.check is not None:
                self.check(loss, g)
            w, state = self.update.step(w, g, state)
        self.now = (w, g, state)  # one assignment: the step happens whole or not at all
        return loss, [] if outputs is None else outputs

    def weights(self) -> Any:
        """The current weights in the parameters' order (an array while fit runs)."""
        return self.now[0] if self.update is not None else [p.data for p in self.step.params]

    def evaluate(self, X: Sequence[Any], y: Sequence[Any]) -> tuple[float, list[Any]]:
        """:meth:`CompiledStep.evaluate` at the current weights."""
        values = self.now[0].tolist() if self.update is not None else None
        return self.step.evaluate(X, y, values)

    def close(self) -> None:
        """Write the weights, the last gradients and the optimizer's state back, all of
        them even when interrupted (see :func:`nn.optim.finish`)."""
        if self.update is None:
            return
        params, (w, g, state) = self.step.params, self.now

        def write() -> None:
            for p, v in zip(params, w.tolist()):
                p.data = v
            if g is not None:
                for p, v in zip(params, g.tolist()):
                    p.grad = v
            self.update.write_back(state)

        finish(write)


def _same_list(a: Sequence[Value], b: Sequence[Value]) -> bool:
    return len(a) == len(b) and all(p is q for p, q in zip(a, b))


def make_compiled_step(model: Module, loss_fn: Callable[..., Any], params: Sequence[Value],
                       l2: float, X: Sequence[Any], outputs: bool) -> CompiledStep:
    """Trace the step ``fit(compile=True)`` runs, for data ``fit`` has already checked
    (``nn.checks.check_data``: every sample as wide as the model's input)."""
    return CompiledStep(model, loss_fn, params, l2, len(X[0]), outputs)


def make_compiled_training(model: Module, loss_fn: Callable[..., Any], params: Sequence[Value],
                           l2: float, X: Sequence[Any], y: Sequence[Any], outputs: bool,
                           optimizer: Optimizer) -> CompiledTraining:
    """:func:`make_compiled_step`, trained by ``optimizer``: what ``fit(compile=True)`` runs."""
    step = make_compiled_step(model, loss_fn, params, l2, X, outputs)
    return CompiledTraining(step, optimizer, X, y)
