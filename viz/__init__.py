"""Pictures of the chain rule: graphs, step-through lessons of backprop, training plots.

``graphviz`` and ``matplotlib`` are imported by the functions that need them, so
``import viz`` works without them.
"""

from .graph import SHOW, draw_graph
from .plots import plot_decision_boundary, plot_history, plot_regression
from .render import GraphvizNotFound
from .stepthrough import Frame, Lesson, step_through

# Other projects use this import name too (HIPS autograd, PyPI's nn and viz): this tells
# ours apart; see the README's "Installing next to other packages".
__distribution__ = "chainrule"

__all__ = [
    "SHOW",
    "Frame",
    "GraphvizNotFound",
    "Lesson",
    "draw_graph",
    "plot_decision_boundary",
    "plot_history",
    "plot_regression",
    "step_through",
]
