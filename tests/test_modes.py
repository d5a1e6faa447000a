"""no_grad, enable_grad, detect_anomaly and name scopes."""

from __future__ import annotations

import math
import threading

import pytest

from autograd import (
    AnomalyError,
    Value,
    detect_anomaly,
    enable_grad,
    is_grad_enabled,
    name_scope,
    no_grad,
    record_scopes,
    recording_scopes,
)


def test_no_grad_records_no_parents():
    x = Value(2.0)
    with no_grad():
        y = x * 3 + 1
        assert not is_grad_enabled()
    assert y.data == 7.0 and y.parents == () and y.op is None
    assert is_grad_enabled()


def test_enable_grad_inside_no_grad():
    x = Value(2.0)
    with no_grad(), enable_grad():
        y = x * 3
    assert y.parents[0] is x


def test_no_grad_is_thread_local():
    seen = {}

    def other_thread():
        seen["parents"] = (Value(1.0) * 2).parents

    with no_grad():
        t = threading.Thread(target=other_thread)
        t.start()
        t.join()
    assert len(seen["parents"]) == 2


def test_no_grad_restores_after_an_error():
    with pytest.raises(ZeroDivisionError), no_grad():
        Value(1.0) / 0
    assert is_grad_enabled()


def test_anomaly_in_forward_names_op_and_labels():
    big = Value(1e308, label="big")
    with pytest.raises(AnomalyError) as err, detect_anomaly():
        big * 10
    message = str(err.value)
    assert "mul" in message and "inf" in message and "'big'" in message


def test_anomaly_in_backward_names_the_edge():
    a, b = Value(1e300, label="a"), Value(1e-300, label="b")
    loss = (a * b) * 1e300
    assert math.isfinite(loss.data)
    with pytest.raises(AnomalyError) as err, detect_anomaly():
        loss.backward()
    message = str(err.value)
    assert "mul" in message and "inf" in message and "'b'" in message
    assert not b.grad_computed  # the failed pass left every gradient as it was


def test_without_anomaly_mode_inf_flows_silently():
    assert (Value(1e308) * 10).data == math.inf


def test_anomaly_mode_gives_the_same_gradients():
    x = Value(0.3)
    y = (x * x).tanh() + x.exp()
    y.backward()
    plain = x.grad
    x.grad = 0.0
    with detect_anomaly():
        y.backward()
    assert x.grad == plain


def test_scopes_record_nested_names():
    x = Value(1.0)
    with record_scopes() as scopes:
        assert recording_scopes()
        with name_scope("layer"):
            h = x * 2
            with name_scope("neuron"):
                y = h.tanh()
        z = y + 1
    assert scopes[h] == ("layer",) and scopes[y] == ("layer", "neuron")
    assert z not in scopes and not recording_scopes()
