"""Pictures of the chain rule: graphs, step-through lessons of backprop, training plots.

Data flows one way: the engine's graph and backward steps → :mod:`viz.model` (the
picture: names from :mod:`viz.names`, numbers from :func:`viz._text.fmt`) →
:mod:`viz.narrate` (a lesson's frames) → :mod:`viz.dot` (DOT markup) and
:mod:`viz.layout` (``dot`` once, an addressable SVG) → :mod:`viz.html` (the page).
``graphviz`` and ``matplotlib`` are imported by the functions that need them, so
``import viz`` works without them.
"""

from .graph import draw_graph
from .live import Live, live
from .model import MAX_NODES, SHOW
from .narrate import Frame
from .plots import plot_decision_boundary, plot_history, plot_regression
from .render import GraphvizNotFound
from .stepthrough import MAX_STEPS, Lesson, step_through
from .train_gan import TRICKS as GAN_TRICKS
from .train_gan import train_gan_live
from .train_live import TrainLive, train_live
from .train_rules import Rule, Switch

# Other projects use this import name too (HIPS autograd, PyPI's nn and viz): this tells
# ours apart; see the README's "Installing next to other packages".
__distribution__ = "chainrule"

__all__ = [
    "GAN_TRICKS",
    "MAX_NODES",
    "MAX_STEPS",
    "SHOW",
    "Frame",
    "GraphvizNotFound",
    "Lesson",
    "Live",
    "Rule",
    "Switch",
    "TrainLive",
    "draw_graph",
    "live",
    "plot_decision_boundary",
    "plot_history",
    "plot_regression",
    "step_through",
    "train_gan_live",
    "train_live",
]
