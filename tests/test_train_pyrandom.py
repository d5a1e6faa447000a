"""viz/static/pyrandom.js: Python's random.Random in JavaScript, drawn against Python's own.

A training page reproduces nn.fit's mini-batch order (random.Random(seed).shuffle) and the
gan lesson's draws (gauss) with it, so every seed and size must give Python's numbers.
"""

from __future__ import annotations

import math
import random

from viz import assets

GAUSS_REL = 1e-13  # V8's log, cos and sin against the C library's: the last bits


def test_pyrandom_shuffles_as_python_for_many_seeds_and_sizes(browser):
    page = browser.new_page()
    page.set_content(f"<script>{assets.text('pyrandom.js')}</script>")
    seeds = [0, 1, 2, 7, 42, 12345, 2**31 - 1, 2**32 - 1, 2**32, 2**53 + 1, 2**64 + 3, -1,
             -987654321, 10**40]
    sizes = [1, 2, 3, 5, 16, 17, 100, 1000, 4097]
    cases = [(str(s), n) for s in seeds for n in sizes]
    got = page.evaluate("""cases => cases.map(([seed, n]) => {
        const r = new chainrule.PyRandom(seed);
        const a = [...Array(n).keys()];
        r.shuffle(a); r.shuffle(a);
        return [a, r.random(), r.getrandbits(32)];
    })""", cases)
    for (seed, n), (order, draw, bits) in zip(cases, got):
        rng = random.Random(int(seed))
        want = list(range(n))
        rng.shuffle(want)
        rng.shuffle(want)
        assert order == want, f"seed {seed}, n {n}"
        assert (draw, bits) == (rng.random(), rng.getrandbits(32)), f"seed {seed}, n {n}"
    page.close()


def test_pyrandom_gauss_draws_as_python(browser):
    page = browser.new_page()
    page.set_content(f"<script>{assets.text('pyrandom.js')}</script>")
    got = page.evaluate("""seed => {
        const r = new chainrule.PyRandom(seed), out = [];
        for (let i = 0; i < 501; i++) { out.push(r.gauss(4, 1.25)); }
        out.push(r.random());
        return out;
    }""", "11")
    rng = random.Random(11)
    want = [rng.gauss(4, 1.25) for _ in range(501)] + [rng.random()]
    assert want[-1] == got[-1]  # the same stream: an odd count of gauss calls keeps a spare
    for g, w in zip(got, want):
        assert math.isclose(g, w, rel_tol=GAUSS_REL), (g, w)
    page.close()
