"""nn.pytorch: MLP.to_torch() and MLP.from_torch(), checked against PyTorch itself."""

import math
import os
import random
import subprocess
import sys

import pytest
import torch

import nn
from nn.pytorch import TORCH_ACTIVATIONS

TOL = 1e-12  # float64 end to end; only the order of additions may differ
LR = 0.1
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

SHAPES = [
    # (nin, nouts, activation, last_activation)
    (2, [4, 4, 1], "tanh", "linear"),
    (3, [5, 2], "relu", "linear"),
    (2, [3, 3, 2], "sigmoid", "sigmoid"),
    (4, [6, 1], "leaky_relu", "tanh"),
    (1, [3, 1], "linear", "relu"),
    (3, [2], "tanh", "linear"),
]


def shape_id(shape):
    nin, nouts, act, last = shape
    return f"{nin}-{'-'.join(map(str, nouts))}-{act}-{last}"


def inputs(nin, n, seed):
    rng = random.Random(seed)
    return [[rng.uniform(-2.0, 2.0) for _ in range(nin)] for _ in range(n)]


def torch_state(net):
    return {k: v.detach().clone() for k, v in net.state_dict().items()}


def outputs(model, x):
    out = model(x)
    return [v.data for v in out] if isinstance(out, list) else [out.data]


def assert_close(ours, theirs, what):
    assert len(ours) == len(theirs), f"{what}: {len(ours)} vs {len(theirs)} numbers"
    for i, (a, b) in enumerate(zip(ours, theirs)):
        assert math.isclose(a, b, rel_tol=TOL, abs_tol=TOL), f"{what}[{i}]: ours {a!r}, torch {b!r}"


def torch_params(net):
    """The torch parameters flattened in nn.MLP's named_parameters order (neuron by neuron)."""
    values = []
    for m in net:
        if isinstance(m, torch.nn.Linear):
            for w_row, b in zip(m.weight, m.bias):
                values.extend([*w_row.tolist(), b.item()])
    return values


def torch_grads(net):
    values = []
    for m in net:
        if isinstance(m, torch.nn.Linear):
            for w_row, b in zip(m.weight.grad, m.bias.grad):
                values.extend([*w_row.tolist(), b.item()])
    return values


@pytest.mark.parametrize("shape", SHAPES, ids=shape_id)
def test_to_torch_has_the_layers_weights_and_outputs(shape):
    nin, nouts, act, last = shape
    model = nn.MLP(nin, nouts, activation=act, last_activation=last, seed=3)
    net = model.to_torch()
    assert isinstance(net, torch.nn.Sequential)
    acts = [act] * (len(nouts) - 1) + [last]
    expected = []
    for a in acts:
        expected.append(torch.nn.Linear)
        if a != "linear":
            expected.append(getattr(torch.nn, TORCH_ACTIVATIONS[a]))
    assert [type(m) for m in net] == expected
    assert all(p.dtype == torch.float64 for p in net.parameters())
    assert [m.out_features for m in net if isinstance(m, torch.nn.Linear)] == nouts
    assert_close([p.data for p in model.parameters()], torch_params(net), "weights")
    for x in inputs(nin, 5, seed=1):
        assert_close(outputs(model, x), net(torch.tensor(x)).tolist(), f"outputs at {x}")


@pytest.mark.parametrize("shape", SHAPES, ids=shape_id)
def test_round_trip_keeps_config_and_every_weight_exactly(shape):
    nin, nouts, act, last = shape
    model = nn.MLP(nin, nouts, activation=act, last_activation=last, seed=7)
    back = nn.MLP.from_torch(model.to_torch())
    assert back.config()["nouts"] == nouts
    assert back.config()["last_activation"] == last
    if len(nouts) > 1:
        assert back.config()["activation"] == act
    assert back.state_dict() == model.state_dict()
    for x in inputs(nin, 3, seed=2):
        assert outputs(back, x) == outputs(model, x)


def test_torch_module_round_trips_through_mlp():
    torch.manual_seed(0)
    net = torch.nn.Sequential(
        torch.nn.Linear(3, 5), torch.nn.LeakyReLU(), torch.nn.Linear(5, 5), torch.nn.LeakyReLU(),
        torch.nn.Linear(5, 2), torch.nn.Sigmoid(),
    ).double()
    again = nn.MLP.from_torch(net).to_torch()
    assert [type(m) for m in again] == [type(m) for m in net]
    for key, value in net.state_dict().items():
        assert torch.equal(again.state_dict()[key], value), key


def test_float32_module_reads_its_weights_exactly():
    torch.manual_seed(1)
    net = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.Tanh(), torch.nn.Linear(3, 1)).float()
    model = nn.MLP.from_torch(net)
    assert [p.data for p in model.parameters()] == torch_params(net)  # float32 → float64 exact
    assert all(p.dtype == torch.float32 for p in net.parameters())  # the module is untouched


@pytest.mark.parametrize("shape", SHAPES, ids=shape_id)
def test_one_training_step_gives_the_same_loss_gradients_and_weights(shape):
    nin, nouts, act, last = shape
    model = nn.MLP(nin, nouts, activation=act, last_activation=last, seed=11)
    net = model.to_torch()
    X = inputs(nin, 6, seed=5)
    rng = random.Random(6)
    Y = [[rng.uniform(-1.0, 1.0) for _ in range(nouts[-1])] for _ in X]

    preds = [model(x) for x in X]
    flat_preds = [v for p in preds for v in (p if isinstance(p, list) else [p])]
    loss = nn.mse_loss(flat_preds, [t for row in Y for t in row])
    model.zero_grad()
    loss.backward()
    opt = nn.SGD(model.parameters(), lr=LR)
    grads = [p.grad for p in model.parameters()]
    opt.step()

    torch_opt = torch.optim.SGD(net.parameters(), lr=LR)
    torch_opt.zero_grad()
    torch_loss = torch.nn.functional.mse_loss(net(torch.tensor(X)), torch.tensor(Y))
    torch_loss.backward()
    torch_opt.step()

    assert_close([loss.data], [torch_loss.item()], "loss")
    assert_close(grads, torch_grads(net), "gradients")
    assert_close([p.data for p in model.parameters()], torch_params(net), "weights after step")


def sequential(*modules):
    return torch.nn.Sequential(*modules).double()


BAD = [
    (lambda: sequential(), "no Linear layer"),
    (lambda: sequential(torch.nn.Linear(2, 3), torch.nn.Dropout(0.5), torch.nn.Linear(3, 1)),
     "module 1 is Dropout"),
    (lambda: sequential(torch.nn.Linear(2, 3, bias=False), torch.nn.Linear(3, 1)),
     "module 0 is Linear without a bias"),
    (lambda: sequential(torch.nn.Linear(2, 3), torch.nn.Tanh(), torch.nn.Linear(4, 1)),
     r"layer 1 has weight \(1, 4\)"),
    (lambda: sequential(torch.nn.Tanh(), torch.nn.Linear(2, 1)), "must follow a Linear"),
    (lambda: sequential(torch.nn.Linear(2, 3), torch.nn.Tanh(), torch.nn.ReLU()),
     "module 2 \\(ReLU\\) must follow a Linear"),
    (lambda: sequential(torch.nn.Linear(2, 3), torch.nn.Tanh(), torch.nn.Linear(3, 3),
                        torch.nn.ReLU(), torch.nn.Linear(3, 1)),
     r"different activations \['relu', 'tanh'\]"),
    (lambda: sequential(torch.nn.Linear(2, 3), torch.nn.LeakyReLU(0.2), torch.nn.Linear(3, 1)),
     "negative_slope=0.2"),
]


@pytest.mark.parametrize("make, message", BAD, ids=[m for _, m in BAD])
def test_from_torch_refuses_what_mlp_cannot_be_and_changes_nothing(make, message):
    torch.manual_seed(2)
    net = make()
    before = torch_state(net)
    with pytest.raises(ValueError, match=message):
        nn.MLP.from_torch(net)
    after = net.state_dict()
    assert before.keys() == after.keys()
    assert all(torch.equal(before[k], after[k]) for k in before)


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_from_torch_refuses_non_finite_weights_and_changes_nothing(bad):
    net = sequential(torch.nn.Linear(2, 3), torch.nn.Tanh(), torch.nn.Linear(3, 1))
    with torch.no_grad():
        net[2].weight[0, 1] = bad
    before = torch_state(net)
    with pytest.raises(ValueError, match=r"layer 1: weight row 0\[1\] is"):
        nn.MLP.from_torch(net)
    for key, value in net.state_dict().items():
        torch.testing.assert_close(value, before[key], rtol=0, atol=0, equal_nan=True)


def test_from_torch_needs_a_sequential():
    with pytest.raises(TypeError, match=r"needs a torch\.nn\.Sequential, got Linear"):
        nn.MLP.from_torch(torch.nn.Linear(2, 1))


def test_to_torch_refuses_non_finite_weights():
    model = nn.MLP(2, [3, 1], seed=0)
    model.layers[1].neurons[0].b.data = math.nan
    with pytest.raises(ValueError, match=r"to_torch: layer 1: bias\[0\] is nan"):
        model.to_torch()


def test_nn_imports_without_torch_and_says_how_to_install_it():
    code = (
        "import sys; sys.modules['torch'] = None\n"
        "import nn, nn.pytorch\n"
        "try:\n"
        "    nn.MLP(2, [1], seed=0).to_torch()\n"
        "except ImportError as err:\n"
        "    sys.stdout.write(str(err))\n"
    )
    env = {**os.environ, "PYTHONPATH": ROOT}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                          cwd=ROOT, check=True)
    assert done.stdout == (
        "MLP.to_torch() needs PyTorch: pip install torch (or chainrule's torch extra, "
        "from a checkout: pip install -e '.[torch]')"
    )
