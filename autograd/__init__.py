"""chainrule's engine: scalar reverse-mode automatic differentiation.

A :class:`Value` holds one float and remembers the op and inputs that made it; every
op's forward function and local derivatives come from one table (:mod:`autograd.ops`);
:meth:`Value.backward` applies the chain rule from the output back to every node.
"""

from . import functional
from .check import GradcheckError, GradcheckRow, check_graph, gradcheck, replay
from .compile import Tape, compile
from .engine import Step, backward_steps, grad, local_derivatives
from .graph import topological_order
from .modes import (
    AnomalyError,
    detect_anomaly,
    enable_grad,
    is_grad_enabled,
    name_scope,
    no_grad,
    record_scopes,
    recording_scopes,
)
from .nodes import apply, atan2, dot, hypot, maximum, minimum, sum
from .ops import OPS, OPS_BY_NAME, Op
from .value import Value

# Other projects use this import name too (HIPS autograd, PyPI's nn and viz): this tells
# ours apart; see the README's "Installing next to other packages".
__distribution__ = "chainrule"

__all__ = [
    "OPS",
    "OPS_BY_NAME",
    "AnomalyError",
    "GradcheckError",
    "GradcheckRow",
    "Op",
    "Step",
    "Tape",
    "Value",
    "apply",
    "atan2",
    "backward_steps",
    "check_graph",
    "compile",
    "detect_anomaly",
    "dot",
    "enable_grad",
    "functional",
    "grad",
    "gradcheck",
    "hypot",
    "is_grad_enabled",
    "local_derivatives",
    "maximum",
    "minimum",
    "name_scope",
    "no_grad",
    "record_scopes",
    "recording_scopes",
    "replay",
    "sum",
    "topological_order",
]
