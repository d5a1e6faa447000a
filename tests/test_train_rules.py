"""viz.Rule: a hand-written update run beside gradient descent on a training page.

The oracle for the post's rule is the chain lesson's own float implementation
(examples.chain.hand_update); for the rule without slips, nn.fit's gradient descent.
"""

from __future__ import annotations

import math

import pytest

import nn
import viz
from autograd import Value
from examples import chain
from examples.live_training import POST, Chain, post_update

REL = 1e-12  # the same float operations in another order at most
DATA = chain.DATA
X, Y = [[x] for x, _ in DATA], [t for _, t in DATA]
ETA = chain.LR / 2  # η on (e − ê)² is the post's α on ½(e − ê)²


def page_for(browser, tmp_path, **changes):
    options = {"lr": ETA, "batch_size": 1, "rules": [POST], **changes}
    widget = viz.train_live(Chain(chain.WEIGHTS), X, Y, nn.mse_loss, **options)
    page = browser.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(widget.to_html(tmp_path / "rules.html").as_uri())
    return page, errors


def weights(page):
    return page.evaluate("chainruleTrain.runs.map(r => Array.from(r.w))")


def step(page, k):
    for _ in range(k):
        page.get_by_role("button", name="Step", exact=True).click()


def test_the_rule_on_values_is_the_lessons_algorithm():
    for slip1 in (False, True):
        for slip2 in (False, True):
            w = list(chain.WEIGHTS)
            for _ in range(3):
                for x, t in DATA:
                    new = post_update([Value(v) for v in w], [Value(x)], Value(t), Value(ETA),
                                      slip1=slip1, slip2=slip2)
                    want = chain.hand_update(tuple(w), x, t, slip1, slip2, check=False).after
                    w = [v.data for v in new]
                    assert all(math.isclose(a, b, rel_tol=REL) for a, b in zip(w, want))


def test_the_page_runs_the_post_beside_fits_gradient_descent(browser, tmp_path):
    page, errors = page_for(browser, tmp_path)
    k = 12
    step(page, k)
    engine, post = weights(page)
    model = Chain(chain.WEIGHTS)
    nn.fit(model, X, Y, nn.mse_loss, nn.SGD(model.parameters(), lr=ETA), k, batch_size=1,
           progress=False)
    want = chain.train_hand(k, True, True, check=False)[-1].after
    assert all(math.isclose(a, p.data, rel_tol=REL) for a, p in zip(engine, model.parameters()))
    assert all(math.isclose(a, b, rel_tol=REL) for a, b in zip(post, want))
    assert errors == []


def test_switches_take_effect_at_once_and_without_slips_the_runs_agree(browser, tmp_path):
    page, errors = page_for(browser, tmp_path)
    step(page, 2)
    for label in ("slip 1", "slip 2"):
        page.get_by_label(label, exact=False).uncheck()
    step(page, 3)
    engine, post = weights(page)
    start = chain.train_hand(2, True, True, check=False)[-1].after
    want = chain.train_hand(3, False, False, start, check=False)[-1].after
    assert all(math.isclose(a, b, rel_tol=REL) for a, b in zip(post, want))
    page.get_by_role("button", name="Reset", exact=True).click()
    step(page, 4)
    engine, post = weights(page)
    assert all(math.isclose(a, b, rel_tol=REL, abs_tol=1e-15) for a, b in zip(engine, post))
    assert errors == []


def test_play_pauses_at_pause_at_and_goes_on(browser, tmp_path):
    page, errors = page_for(browser, tmp_path, pause_at=15, speed=None)
    page.get_by_role("button", name="Play", exact=True).click()
    page.wait_for_function("document.querySelector('#status').textContent.includes('Paused')")
    assert page.get_by_label("epoch", exact=True).text_content() == "15"
    page.get_by_role("button", name="Play", exact=True).click()
    page.wait_for_function("Number(document.querySelector('[aria-label=epoch]').textContent)"
                           " > 40")
    page.get_by_role("button", name="Pause", exact=True).click()
    assert errors == []


@pytest.mark.parametrize("change, match", [
    ({"batch_size": 2}, "batch_size=1"),
    ({"l2": 0.1}, "l2=0"),
    ({"rules": [POST, POST]}, "its own name"),
    ({"rules": [viz.Rule("short", lambda w, x, t, lr, **s: w[:2])]}, "3 Values"),
    ({"rules": [viz.Rule("no switch", post_update)]}, "failed"),
    ({"rules": ["not a rule"]}, "viz.Rule"),
])
def test_rules_a_page_cannot_run_are_refused(change, match):
    options = {"lr": ETA, "batch_size": 1, "rules": [POST], **change}
    with pytest.raises(ValueError, match=match):
        viz.train_live(Chain(chain.WEIGHTS), X, Y, nn.mse_loss, **options)
