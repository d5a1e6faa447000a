"""The op table's operators and methods on ``Value``, for type checkers and readers.

Generated from autograd/ops.py by ``python -m autograd.signatures --write`` (edit the
table, not this file); autograd.nodes installs the methods themselves.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .value import Value


class TableMethods:
    """What every op of the table installs on Value (its base class)."""

    __slots__ = ()

    if TYPE_CHECKING:

        def __add__(self, b: Value | float) -> Value:
            """a + b."""

        def __radd__(self, a: float) -> Value:
            """a + b."""

        def __sub__(self, b: Value | float) -> Value:
            """a − b."""

        def __rsub__(self, a: float) -> Value:
            """a − b."""

        def __mul__(self, b: Value | float) -> Value:
            """a · b."""

        def __rmul__(self, a: float) -> Value:
            """a · b."""

        def __truediv__(self, b: Value | float) -> Value:
            """a / b."""

        def __rtruediv__(self, a: float) -> Value:
            """a / b."""

        def __neg__(self) -> Value:
            """−a; ∂/∂a = −1."""

        def __pow__(self, k: Value | float) -> Value:
            """a ** k with a number exponent k; ∂/∂a = k·aᵏ⁻¹."""

        def __rpow__(self, a: float) -> Value:
            """a ** b with a Value exponent b."""

        def exp(self) -> Value:
            """eᵃ; ∂/∂a = exp(a)."""

        def log(self) -> Value:
            """natural logarithm; ∂/∂a = 1/a."""

        def tanh(self) -> Value:
            """hyperbolic tangent; ∂/∂a = 1 − tanh(a)²."""

        def sigmoid(self) -> Value:
            """logistic sigmoid 1/(1 + e⁻ᵃ); ∂/∂a = σ(a)·(1 − σ(a))."""

        def relu(self) -> Value:
            """max(a, 0); ∂/∂a = 0 if a ≤ 0 else 1."""

        def leaky_relu(self, slope: float = 0.01) -> Value:
            """a if a > 0 else slope·a; ∂/∂a = 1 if a > 0 else slope."""

        def softplus(self) -> Value:
            """log(1 + eᵃ); ∂/∂a = σ(a)."""

        def sin(self) -> Value:
            """sine; ∂/∂a = cos(a)."""

        def cos(self) -> Value:
            """cosine; ∂/∂a = −sin(a)."""

        def tan(self) -> Value:
            """tangent; ∂/∂a = 1 + tan(a)²."""

        def sinh(self) -> Value:
            """hyperbolic sine; ∂/∂a = cosh(a)."""

        def cosh(self) -> Value:
            """hyperbolic cosine; ∂/∂a = sinh(a)."""

        def asin(self) -> Value:
            """inverse sine; ∂/∂a = 1/√(1 − a²)."""

        def acos(self) -> Value:
            """inverse cosine; ∂/∂a = −1/√(1 − a²)."""

        def atan(self) -> Value:
            """inverse tangent; ∂/∂a = 1/(1 + a²)."""

        def sqrt(self) -> Value:
            """square root; ∂/∂a = 1/(2·√a)."""

        def log1p(self) -> Value:
            """log(1 + a), exact for small a; ∂/∂a = 1/(1 + a)."""

        def expm1(self) -> Value:
            """eᵃ − 1, exact for small a; ∂/∂a = exp(a)."""

        def log2(self) -> Value:
            """base-2 logarithm; ∂/∂a = 1/(a·log(2))."""

        def log10(self) -> Value:
            """base-10 logarithm; ∂/∂a = 1/(a·log(10))."""

        def abs(self) -> Value:
            """absolute value; ∂/∂a = 1 if a > 0, −1 if a < 0, else 0."""

        def __abs__(self) -> Value:
            """absolute value; ∂/∂a = 1 if a > 0, −1 if a < 0, else 0."""

        def clamp(self, min: float | None = None, max: float | None = None) -> Value:
            """a limited to [min, max] (either bound optional); ∂/∂a = 1 if min ≤ a ≤ max else 0."""
