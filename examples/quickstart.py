"""Quickstart: one neuron, its gradients by backprop, checked by finite differences."""

from __future__ import annotations

from autograd import Value, gradcheck


def main() -> dict[str, float]:
    """Run the README's quickstart and print what backprop found."""
    x = Value(2.0, label="x")
    w = Value(-0.5, label="w")
    b = Value(0.3, label="b")
    y = (w * x + b).tanh()
    y.backward()
    print(f"y = tanh(w·x + b) = {y.data:.4f}")
    print(f"∂y/∂w = {w.grad:.4f}   ∂y/∂x = {x.grad:.4f}   ∂y/∂b = {b.grad:.4f}")
    ok = gradcheck(lambda x, w, b: (w * x + b).tanh(), [x, w, b])
    print(f"central differences agree: {ok}")
    return {"y": y.data, "w": w.grad, "x": x.grad, "b": b.grad}


if __name__ == "__main__":
    main()
