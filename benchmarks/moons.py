"""The classic demo's data and weights, shared by every variant so their losses agree."""

from __future__ import annotations

import math
import random

SIZES = [2, 16, 16, 1]  # MLP 2-16-16-1, ReLU hidden layers, linear output
N_POINTS, NOISE, ALPHA, LR = 100, 0.1, 1e-4, 1.0


def make_moons(n: int = N_POINTS, noise: float = NOISE, seed: int = 1):
    """Two interleaving half circles, labels ±1 (the same recipe as scikit-learn's)."""
    rng = random.Random(seed)
    X, y = [], []
    for i in range(n):
        upper = i < n // 2
        t = math.pi * (i if upper else i - n // 2) / (n // 2 - 1)
        px, py = (math.cos(t), math.sin(t)) if upper else (1 - math.cos(t), 0.5 - math.sin(t))
        X.append([px + rng.gauss(0, noise), py + rng.gauss(0, noise)])
        y.append(-1.0 if upper else 1.0)
    return X, y


def initial_weights(seed: int = 1337):
    """Per layer, per neuron: (weights, bias), uniform(-1, 1) like micrograd (bias 0)."""
    rng = random.Random(seed)
    return [[([rng.uniform(-1, 1) for _ in range(SIZES[i])], 0.0) for _ in range(SIZES[i + 1])]
            for i in range(len(SIZES) - 1)]
