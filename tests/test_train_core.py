"""viz/static/train_core.js over long runs: a run's record stays small, its numbers fit's.

At "as fast as it can" the regression lesson's page trains ~250,000 epochs a second; a
record of every epoch's loss and every update's weights grew ~80 bytes an epoch (2 GB in
ten minutes). The record keeps at most KEEP items, evenly spread, and always the latest.
"""

from __future__ import annotations

import itertools
import math
import random

import nn
import viz

KEEP = 4096  # train_core.js's Record: items kept at most
REL = 1e-9  # the page's epoch loss against nn.fit's (summation order differs by ulps)
EPOCHS = 3 * KEEP  # the record has halved twice


def line():
    """views ≈ w·t + b on 30 days from (w, b) = (−1, 4): a model with two weights."""
    rng = random.Random(0)
    t = [d / 10 for d in range(30)]
    views = [1.1 * a + 1.2 + rng.gauss(0, 0.25) for a in t]
    model = nn.MLP(1, [1], seed=0)
    for p, v in zip(model.parameters(), (-1.0, 4.0)):
        p.data = v
    return model, [[a] for a in t], views


def opened(browser, tmp_path):
    model, X, y = line()
    path = viz.train_live(model, X, y, nn.mse_loss, lr=0.2).to_html(tmp_path / "line.html")
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri())
    return page, errors


def test_a_record_keeps_few_items_evenly_spread_and_the_latest(browser, tmp_path):
    page, errors = opened(browser, tmp_path)
    counts = [1, KEEP - 1, KEEP, KEEP + 1, 3 * KEEP + 7, 100_003]
    got = page.evaluate("""counts => counts.map(n => {
        const r = new chainrule.Record();
        for (let i = 1; i <= n; i++) { r.push(i); }
        return [r.items.length, r.points()];
    })""", counts)
    for n, (kept, points) in zip(counts, got):
        assert kept < KEEP, (n, kept)
        numbers = [k for k, _ in points]
        assert all(k == item for k, item in points), n  # each item under its own number
        assert numbers[0] == 1 and numbers[-1] == n, (n, numbers[:3], numbers[-3:])
        gaps = {b - a for a, b in itertools.pairwise(numbers[:-1])}
        assert len(gaps) <= 1, (n, sorted(gaps))  # evenly spread, then the latest
    assert errors == []
    page.close()


def test_a_long_run_keeps_a_small_record_and_reads_fits_loss(browser, tmp_path):
    page, errors = opened(browser, tmp_path)
    page.evaluate("""epochs => {
        const t = chainruleTrain.trainer;
        for (let e = 0; e < epochs; e++) { t.runEpoch(0.2, null, false); }
        chainruleTrain.draw();
    }""", EPOCHS)
    kept = page.evaluate("[chainruleTrain.trainer.history.items.length, "
                         "chainruleTrain.trainer.path.items.length]")
    assert max(kept) < KEEP, kept
    model, X, y = line()
    history = nn.fit(model, X, y, nn.mse_loss, nn.SGD(model.parameters(), lr=0.2), EPOCHS,
                     progress=False, compile=True)
    loss = float(page.get_by_label("loss", exact=True).text_content())
    assert math.isclose(loss, history["loss"][-1], rel_tol=REL), (loss, history["loss"][-1])
    assert page.get_by_label("epoch", exact=True).text_content() == str(EPOCHS)
    # Reset starts the loss curve's epoch axis over: 0 to 20 again, not 0 to 16384.
    page.get_by_role("button", name="Reset", exact=True).click()
    page.get_by_role("button", name="Step", exact=True).click()
    ticks = page.locator('#curve svg text[text-anchor="middle"]:not(.label)').all_text_contents()
    assert ticks[-1] == "20", ticks  # the epoch axis's ticks, left to right
    assert errors == []
    page.close()
