"""viz.train_gan_live in headless Chromium: the page plays the gan lesson's rounds.

The oracle is the lesson's own machinery in Python: examples.gan.Players (its tapes and
nn.Adam optimizers), driven round by round with the draws of random.Random(seed) in the
page's order, so the page's weights after k rounds are compared with the engine's.
"""

from __future__ import annotations

import math
import random
import re
from dataclasses import replace

import numpy as np
import pytest

import nn
import viz
from examples import gan

REL = 1e-9  # summation order, and V8's log/cos/sin in the Gaussian draws (last bits)
BATCH, ROUNDS, SEED = 8, 3, 5
ARROWS = 16  # train_gan_figures.js: G's samples drawn as arrows
REAL = {"N(4, 1.25²)": [(gan.MEAN, gan.STD)], "two modes": list(gan.MIXTURE)}


def players_and_page(tricks):
    players = gan.Players.build(0, gan.LR, tricks)
    g = nn.MLP(gan.NOISE, [gan.HIDDEN, 1], activation="tanh", seed=0)
    d = nn.MLP(1, [gan.HIDDEN_D, gan.HIDDEN_D, 1], activation="leaky_relu", seed=1)
    widget = viz.train_gan_live(
        g, d, REAL, noise=gan.NOISE, lr=gan.LR, batch_size=BATCH, rounds=gan.STEPS,
        final_lr=gan.FINAL_LR, tricks={k: getattr(tricks, k) for k in viz.GAN_TRICKS},
        center=gan.CENTER, spread=gan.SPREAD, real_label=tricks.real_label or 1.0,
        flip=gan.FLIP, input_noise=gan.INPUT_NOISE, clip=gan.CLIP, seed=SEED)
    return players, widget


def oracle(players, tricks, rounds, modes):
    """The gan lesson's round (examples.gan.train), its draws from random.Random(SEED)."""
    rng = random.Random(SEED)
    g_params = players.generator.parameters()
    d_params = players.discriminator.parameters()
    wgan = tricks.wasserstein
    real_t, fake_t = (-1.0, 1.0) if wgan else (tricks.real_label, 0.0)
    for r in range(rounds):
        lr = gan.LR * (1 + (gan.FINAL_LR - 1) * min(r, gan.STEPS) / gan.STEPS)
        players.opt_g.lr = players.opt_d.lr = lr
        sd = gan.INPUT_NOISE * max(0.0, 1 - r / gan.STEPS) if tricks.noise else 0.0
        picks = [rng.randrange(len(modes)) for _ in range(BATCH)] if len(modes) > 1 \
            else [0] * BATCH
        real = [rng.gauss(*modes[m]) for m in picks]
        zs = [[rng.gauss(0, 1) for _ in range(gan.NOISE)] for _ in range(BATCH)]
        fake = [players.sample.forward(data=z) for z in zs]
        targets = [real_t] * BATCH + [fake_t] * BATCH
        if tricks.flip and not wgan:
            targets = [(real_t if t == fake_t else fake_t) if rng.random() < gan.FLIP else t
                       for t in targets]
        seen = [v + rng.gauss(0, 1) * sd for v in real + fake]
        noise = [[rng.gauss(0, 1) for _ in range(gan.NOISE)] for _ in range(BATCH)]
        eps = [rng.gauss(0, 1) * sd for _ in range(BATCH)]
        g_rows = np.array([[*z, e] for z, e in zip(noise, eps)])
        if not tricks.alternate:
            _, g_grads = players.g_loss.grad_batch(g_rows)
        _, d_grads = players.d_loss.grad_batch(np.array([seen, targets]).T)
        for p, g in zip(d_params, d_grads):
            p.grad = g
        players.opt_d.step()
        if wgan:
            for p in d_params:
                p.data = min(gan.CLIP, max(-gan.CLIP, p.data))
        if tricks.alternate:
            _, g_grads = players.g_loss.grad_batch(g_rows)
        for p, g in zip(g_params + d_params, g_grads):
            p.grad = g
        players.opt_g.step()
        if not tricks.freeze:
            players.opt_d.step()
    return [p.data for p in g_params], [p.data for p in d_params]


SETTINGS = {
    "lesson": gan.Tricks(),
    "flip, noise, simultaneous, D not frozen": replace(
        gan.Tricks(), flip=True, noise=True, alternate=False, freeze=False),
    "normalised WGAN critic": replace(gan.Tricks(), normalize=True, wasserstein=True),
}


@pytest.mark.parametrize("name", list(SETTINGS))
def test_rounds_on_the_page_are_the_lessons_rounds(browser, tmp_path, name):
    tricks = SETTINGS[name]
    players, widget = players_and_page(tricks)
    mixture = name == "lesson"
    page = browser.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(widget.to_html(tmp_path / "gan.html").as_uri())
    if mixture:
        page.get_by_label("real data", exact=True).select_option(label="two modes")
    for _ in range(ROUNDS):
        page.get_by_role("button", name="Step", exact=True).click()
    assert page.get_by_label("round", exact=True).text_content() == str(ROUNDS)
    got_g, got_d = page.evaluate("[Array.from(chainruleGan.wG), Array.from(chainruleGan.wD)]")
    want_g, want_d = oracle(players, tricks, ROUNDS, gan.MIXTURE if mixture
                            else ((gan.MEAN, gan.STD),))
    for got, want in ((got_g, want_g), (got_d, want_d)):
        worst = max(abs(a - b) / max(abs(b), 1e-3) for a, b in zip(got, want))
        assert worst < REL, worst
    assert errors == []
    page.close()


def test_a_switch_changes_the_next_round_and_the_chain_rule_adds_up(browser, tmp_path):
    players, widget = players_and_page(gan.Tricks())
    page = browser.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(widget.to_html(tmp_path / "gan.html").as_uri())
    smoothing, flipping = (page.get_by_label(name, exact=False)
                           for name in ("label smoothing", "of D's labels"))
    assert smoothing.is_enabled() and flipping.is_enabled()
    page.get_by_label("Wasserstein", exact=False).check()
    # the critic has no labels: the switches that change them are greyed, kept as set
    assert not smoothing.is_enabled() and not flipping.is_enabled() and smoothing.is_checked()
    page.get_by_role("button", name="Step", exact=True).click()
    assert page.evaluate("chainruleGan.flags.wasserstein") is True
    page.get_by_label("G's sample 2", exact=True).focus()
    page.keyboard.press("Enter")
    panel = page.get_by_label("chain rule", exact=True)
    assert panel.is_visible()
    rows = panel.locator("tbody tr").all()
    assert len(rows) == len(players.generator.parameters())
    for row in rows:
        product, whole = (float(c.get_attribute("data-value"))
                          for c in row.locator("td").all()[2:])
        assert math.isclose(product, whole, rel_tol=1e-12, abs_tol=1e-15), (product, whole)
    assert errors == []
    page.close()


@pytest.mark.parametrize("change, match", [
    ({"noise": 0}, "noise must be a positive whole number"),
    ({"tricks": {"dropout": True}}, "tricks maps"),
    ({"real": {}}, "real must map names"),
    ({"real": {"bad": [(0.0, -1.0)]}}, "std of 'bad'"),
    ({"lr": -1.0}, "lr must be a finite number"),
    ({"betas": (0.5,)}, "betas must be a pair"),
])
def test_bad_arguments_are_refused(change, match):
    g = nn.MLP(2, [4, 1], seed=0)
    d = nn.MLP(1, [4, 1], seed=1)
    options = {"real": REAL, "noise": 2, **change}
    with pytest.raises(ValueError, match=match):
        viz.train_gan_live(g, d, options.pop("real"), **options)


def test_every_arrow_can_be_clicked(browser, tmp_path):
    """G's samples start bunched near 0: their arrows take rows so none covers another."""
    _, widget = players_and_page(gan.Tricks())
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto(widget.to_html(tmp_path / "gan.html").as_uri())
    for rounds in (0, 40):
        for _ in range(rounds):
            page.get_by_role("button", name="Step", exact=True).click()
        boxes = [page.get_by_label(f"G's sample {k}", exact=True).bounding_box()
                 for k in range(ARROWS)]
        for i, a in enumerate(boxes):
            for b in boxes[i + 1:]:
                apart = (a["x"] + a["width"] <= b["x"] or b["x"] + b["width"] <= a["x"] or
                         a["y"] + a["height"] <= b["y"] or b["y"] + b["height"] <= a["y"])
                assert apart, (rounds, a, b)
        for k in range(ARROWS):
            page.get_by_label(f"G's sample {k}", exact=True).locator("circle").click()
            assert page.locator("#chain-title").text_content().endswith(f"its sample {k}")
            page.get_by_role("button", name="Close", exact=True).click()
    page.close()


def test_gs_histogram_stays_inside_its_frame(browser, tmp_path):
    """G starts narrow (its histogram peaks ~5 times higher than the real density): the
    density axis grows to hold it rather than cutting the bars at the frame."""
    _, widget = players_and_page(gan.Tricks())
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto(widget.to_html(tmp_path / "gan.html").as_uri())
    for rounds in (0, 60):
        for _ in range(rounds):
            page.get_by_role("button", name="Step", exact=True).click()
        frame = page.locator("#picture svg rect.frame").bounding_box()
        bars = page.locator("#picture svg path.bars").bounding_box()
        assert bars["y"] > frame["y"] + 2, (rounds, bars, frame)  # under the frame's stroke
    page.close()


def test_the_loss_chart_marks_each_players_equilibrium(browser, tmp_path):
    """Dashed levels where each loss settles once G matches the data: D says q = (real
    label)/2 everywhere, so each loss is the engine's cross-entropy of that verdict — D's
    over a real row and a fake row, G's against 'real'. The critic's loss settles at 0."""
    _, widget = players_and_page(gan.Tricks())
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(widget.to_html(tmp_path / "gan.html").as_uri())

    def shown():
        said = page.get_by_label("equilibrium", exact=True).text_content()
        lines = page.evaluate("""() => [...document.querySelectorAll('#curve line.eq')]
            .map(l => l.style.display === 'none' ? null : Number(l.getAttribute('y1')))""")
        return said, lines

    def bce(score, target):
        return nn.binary_cross_entropy_with_logits([score], [target]).data

    for label, smooth in ((gan.Tricks().real_label, True), (1.0, False)):
        if not smooth:
            page.get_by_label("label smoothing", exact=False).uncheck()
        page.get_by_role("button", name="Step", exact=True).click()
        q = label / 2
        logit = math.log(q / (1 - q))
        want_d = (bce(logit, label) + bce(logit, 0.0)) / 2
        want_g = bce(logit, 1.0)
        said, lines = shown()
        got = [float(v.replace("\u2212", "-")) for v in
               re.findall(r"D's loss ([\d.]+).*G's (?:loss )?([\d.]+)", said)[0]]
        assert math.isclose(got[0], want_d, rel_tol=1e-5), (said, want_d)
        assert math.isclose(got[1], want_g, rel_tol=1e-5), (said, want_g)
        frame = page.locator("#curve svg rect.frame").bounding_box()
        svg = page.locator("#curve svg").bounding_box()
        d_y, g_y = lines
        assert frame["y"] - svg["y"] < g_y <= d_y < frame["y"] - svg["y"] + frame["height"], lines
    page.get_by_label("Wasserstein", exact=False).check()
    page.get_by_role("button", name="Step", exact=True).click()
    said, lines = shown()
    assert "is 0" in said and lines[1] is None and lines[0] is not None, (said, lines)
    assert errors == []
    page.close()
