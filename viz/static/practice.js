// Practice in a live lesson: at each step the learner types the local derivative, then the
// product upstream × local, before the page shows them. A wrong answer may be tried again,
// "Show me" reveals, and a running score counts the answers right on the first try. The
// texts it hides are the ones live.js renders; the numbers are the page's current run.
(function () {
  "use strict";
  // live: data (the page-extra JSON), page (window.chainrulePage), fmt, run() (the current
  // run: locals, upstreams, contributions), open() (shows the practice panel).
  window.chainrulePractice = function (live) {
    const LIVE = live.data, page = live.page, fmt = live.fmt, byId = page.byId;
    const toggle = byId("predict"), form = byId("guess"), guess = byId("guess-value");
    const state = {};  // frame k → "product" (local answered) or "done"
    const tried = {};
    let asked = 0, first = 0, lastShown = -1;
    function on() { return LIVE.live && toggle.checked; }
    // What frame k may show of its own numbers.
    function hides(k) {
      return { product: on() && state[k] !== "done", local: on() && state[k] === undefined };
    }
    function mask(shown, k) {
      const texts = shown.texts, r = live.run();
      // The local derivatives of this step and those to come stay hidden until answered; a
      // step already passed shows its numbers (its product is on the picture).
      LIVE.frames.forEach(function (t, j) {
        if (j + 1 >= k && state[j + 1] === undefined && t.localCell) {
          texts[t.localCell] = t.formula + " = ?";
        }
      });
      if (k === 0 || state[k] === "done") { return shown; }
      const t = LIVE.frames[k - 1], K = t.k, u = fmt(r.upstreams[K]);
      const l = state[k] === "product" ? fmt(r.locals[K]) : "?";
      if (t.flow) { texts[t.flow] = u + " × " + l + " = ?"; }
      if (t.grad) { texts[t.grad] = "grad: ?"; }
      if (t.localCell && state[k] === "product") { texts[t.localCell] = t.formula + " = " + l; }
      return { texts: texts, sentence: t.term + " = " + u + " · " + l + " = ?",
               detail: "Your turn: see the Practice panel." };
    }
    function ask(k) {
      const q = byId("quiz-question"), label = byId("guess-label"), r = live.run();
      if (k !== lastShown) { byId("guess-result").textContent = ""; }
      lastShown = k;
      form.hidden = !on() || k === 0 || state[k] === "done";
      if (!on()) { q.textContent = "Turn practice on, then step with Next."; return; }
      if (k === 0) { q.textContent = "Press Next: each step asks for two numbers."; return; }
      const t = LIVE.frames[k - 1], K = t.k;
      if (state[k] === "done") {
        q.textContent = "Step " + k + " done: " + t.term + " = " + fmt(r.upstreams[K]) + " · " +
          fmt(r.locals[K]) + " = " + fmt(r.contributions[K]) + ". Press Next.";
        return;
      }
      if (state[k] === "product") {
        q.textContent = "Step " + k + ": the product upstream × local, " +
          fmt(r.upstreams[K]) + " × " + fmt(r.locals[K]) + ".";
        label.textContent = t.term + " =";
      } else {
        q.textContent = "Step " + k + ": the local derivative " + t.formula +
          ", with the numbers in the picture.";
        label.textContent = t.local + " =";
      }
    }
    function score() {
      const el = byId("score");
      el.textContent = asked ? first + " of " + asked + " answers right on the first try"
        : "No answers yet.";
      el.dataset.right = String(first);
      el.dataset.asked = String(asked);
    }
    // Right when it reads as the page writes the number, or within 0.5 % of it (a learner
    // rounds; near 0, within 5·10⁻⁴).
    function close(got, want) {
      const tol = 5e-3 * Math.abs(want) + 5e-4 * Math.min(1, Math.abs(want) + 1e-3);
      return isFinite(got) && (fmt(got) === fmt(want) || Math.abs(got - want) <= tol);
    }
    function answer(show) {
      const k = page.index();
      if (!on() || k === 0 || state[k] === "done") { return; }  // no question is asked
      const t = LIVE.frames[k - 1], K = t.k, r = live.run();
      const stage = state[k] === "product" ? "product" : "local";
      const want = stage === "local" ? r.locals[K] : r.contributions[K];
      const got = Number(guess.value), res = byId("guess-result");
      const key = k + stage;
      if (!show && (guess.value.trim() === "" || Number.isNaN(got))) { return; }
      if (!(key in tried)) { tried[key] = 0; asked += 1; }
      const right = !show && close(got, want);
      if (right && tried[key] === 0) { first += 1; }
      tried[key] += 1;
      guess.value = "";
      if (!show && !right) {
        res.textContent = "✗ not " + fmt(got) + ": try again, or Show me.";
        res.dataset.ok = "false";
        score();
        return;
      }
      res.textContent = (show ? "It is " : "✓ right: ") + fmt(want) + ".";
      res.dataset.ok = show ? "shown" : "true";
      state[k] = stage === "local" ? "product" : "done";
      score();
      page.redraw();
      guess.focus();
    }
    form.addEventListener("submit", function (e) { e.preventDefault(); answer(false); });
    byId("reveal").addEventListener("click", function () { answer(true); });
    toggle.addEventListener("change", function () {
      if (toggle.checked) { live.open(); }
      page.redraw();
    });
    page.hooks.push(ask);
    score();
    return { on: on, hides: hides, mask: mask };
  };
})();
