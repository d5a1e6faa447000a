"""The modes lesson: the forward walk is PyTorch's jvp, the reverse walk its vjp, and the
work counts follow one pass per input (forward) or per output (reverse)."""

import pytest

from examples import modes

torch = pytest.importorskip("torch")

SAME = 1e-12  # float64 on both sides, the same formulas
RESULT = modes.run(fast=True)


def _torch_example(x1, x2):
    a = x1 * x2
    b = torch.sin(a)
    return b + x1**2, b * x2


def test_jacobian_matches_torch():
    x = (torch.tensor(modes.X1), torch.tensor(modes.X2))
    jac = torch.autograd.functional.jacobian(_torch_example, x)
    for i in range(2):
        for j in range(2):
            assert abs(RESULT.jacobian_forward[i][j] - float(jac[i][j])) <= SAME
            assert abs(RESULT.jacobian_reverse[i][j] - float(jac[i][j])) <= SAME


def test_forward_pass_is_torchs_jvp_in_any_direction():
    inputs, outputs = modes.example()
    v = (0.3, -1.7)
    tangents, steps = modes.forward_pass(outputs, dict(zip(inputs, v)))
    x = (torch.tensor(modes.X1), torch.tensor(modes.X2))
    _, jvp = torch.autograd.functional.jvp(_torch_example, x, tuple(map(torch.tensor, v)))
    assert [tangents[y] for y in outputs] == pytest.approx([float(t) for t in jvp], abs=SAME)
    assert modes.products(steps) == 8  # a·2, b·1, c·1, y₁·2, y₂·2 edges


def test_many_inputs_reverse_gradient_matches_torch():
    n = 7
    xs, loss = modes.many_inputs(n)
    xt = torch.tensor([x.data for x in xs], requires_grad=True)
    torch.sum(torch.sin(xt) * torch.roll(xt, -1)).backward()
    for x, g in zip(xs, xt.grad):
        tangents, _ = modes.forward_pass([loss], {x: 1.0})
        assert abs(tangents[loss] - float(g)) <= SAME


def test_counts_follow_passes():
    for c in RESULT.counts:
        assert c.largest_difference <= SAME
        if c.shape.startswith("many inputs"):
            assert c.forward_passes == c.size and c.reverse_passes == 1
            assert c.forward_products == c.size * c.reverse_products
        else:
            assert c.forward_passes == 1 and c.reverse_passes == c.size
            if c.size > 1:
                assert c.reverse_products > c.forward_products


def test_forward_walk_is_the_engines_forward_mode():
    from autograd.functional import jvp

    inputs, outputs = modes.example()
    v = (-0.4, 2.5)
    tangents, _ = modes.forward_pass(outputs, dict(zip(inputs, v)))
    _, engine = jvp(modes.f, (modes.X1, modes.X2), v)
    assert [tangents[y] for y in outputs] == pytest.approx(list(engine), abs=SAME)


def test_the_page_says_an_exact_agreement_in_words(tmp_path):
    """A difference of zero reads 'exactly' or 0, never the test-log '0e+00'."""
    modes.run(fast=True, out=tmp_path)
    text = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "e+00" not in text and "exactly" in text
