// A live lesson: every number of the step-through recomputed in the browser when an input
// changes, by run() (the graph lowered to JavaScript from the op table, inlined before this).
(function () {
  "use strict";
  const page = window.chainrulePage, data = page.data, numbers = window.chainruleNumbers;
  const byId = function (id) { return document.getElementById(id); };
  const LIVE = JSON.parse(byId("page-extra").textContent);
  const D = LIVE.digits;
  function fmt(x) { return numbers.fmt(x, D); }
  function term(x) { return numbers.term(x, D); }
  function total(ts) { let s = 0; ts.forEach(function (t) { s = s + t; }); return s; }
  function sumText(ts) {
    if (ts.length === 1) { return fmt(ts[0]); }
    let shown = ts.slice(0, LIVE.maxSumTerms).map(term).join(" + ");
    if (ts.length > LIVE.maxSumTerms) { shown += " + … (" + ts.length + " terms)"; }
    return shown + " = " + fmt(total(ts));
  }
  function gradText(ts, done) {
    if (!ts.length) { return LIVE.notComputed; }
    let text;
    if (ts.length === 1) { text = "grad " + fmt(ts[0]); } else {
      let shown = ts.slice(0, LIVE.maxTerms).map(term).join(" + ");
      if (ts.length > LIVE.maxTerms) { shown += " + … (" + ts.length + " terms)"; }
      text = "grad = " + shown + " = " + fmt(total(ts));
    }
    return done ? text : text + " (so far)";
  }
  let r = null;
  function render(parts) {
    return parts.map(function (p) {
      if (typeof p === "string") { return p; }
      if ("sum" in p) { return sumText(p.sum.map(function (k) { return r.contributions[k]; })); }
      if ("grad" in p) {
        return gradText(p.grad.map(function (k) { return r.contributions[k]; }), p.done);
      }
      if ("v" in p) { return fmt(r.values[p.v]); }
      if ("l" in p) { return fmt(r.locals[p.l]); }
      if ("u" in p) { return fmt(r.upstreams[p.u]); }
      return fmt(r.contributions[p.c]);
    }).join("");
  }
  const p = LIVE.leaves.slice();
  const rootName = LIVE.root;
  function status() {
    const bad = [];
    LIVE.nodes.forEach(function (n, i) {
      if (n.op === null || isFinite(r.values[i])) { return; }
      if (n.parents.every(function (j) { return isFinite(r.values[j]); })) {
        bad.push(n.name + ": " + n.op + " is outside its domain (" + (n.domain || "all reals") +
                 ") here; the engine would refuse these inputs");
      }
    });
    byId("live-status").textContent = bad.join(". ");
  }
  function recompute() {
    r = run(p, LIVE.seed);
    Object.keys(LIVE.cells).forEach(function (id) { data.initial[id] = render(LIVE.cells[id]); });
    LIVE.frames.forEach(function (t, k) {
      const f = data.frames[k + 1];
      f.sentence = render(t.sentence);
      f.detail = render(t.detail);
      Object.keys(t.texts).forEach(function (id) { f.texts[id] = render(t.texts[id]); });
    });
    const out = r.values[r.values.length - 1];
    const o = byId("live-output");
    o.textContent = fmt(out) + "   (" + String(out) + ")";
    o.dataset.value = String(out);
    LIVE.leaves.forEach(function (_, i) {
      const g = byId("leaf-" + i + "-grad");
      g.textContent = "∂" + rootName + "/∂" + LIVE.leafNames[i] + " = " + fmt(r.grads[i]);
      g.dataset.value = String(r.grads[i]);
    });
    status();
    sensitivity();
    page.show(page.index());
  }
  // ---- the inputs ----
  LIVE.leaves.forEach(function (_, i) {
    const box = byId("leaf-" + i), range = byId("leaf-" + i + "-range");
    box.addEventListener("input", function () {
      const v = Number(box.value);
      if (box.value.trim() === "" || !isFinite(v)) { return; }
      p[i] = v; range.value = String(v); recompute();
    });
    range.addEventListener("input", function () {
      p[i] = Number(range.value); box.value = String(p[i]); recompute();
    });
  });
  function setLeaves(values) {
    if (values.length !== p.length) {
      throw new RangeError("chainruleLive.setLeaves: " + p.length + " values needed, got " +
                           values.length);
    }
    values.forEach(function (v, i) {
      p[i] = Number(v);
      byId("leaf-" + i).value = String(p[i]); byId("leaf-" + i + "-range").value = String(p[i]);
    });
    recompute();
  }
  byId("reset").addEventListener("click", function () { setLeaves(LIVE.leaves); });
  // For pages that embed this one (a live trainer shows one sample at its current weights):
  // the leaves in the order of Live.program.leaves.
  window.chainruleLive = { setLeaves: setLeaves,
                           leaves: function () { return p.slice(); } };
  // ---- sensitivity: grad·Δ against the actual change ----
  const leafSel = byId("sens-leaf"), deltaBox = byId("sens-delta"), deltaRange = byId("sens-range");
  let delta = null;
  function spanOf(i) { return Math.max(1, Math.abs(p[i])); }
  function setRange() {
    const s = spanOf(Number(leafSel.value));
    deltaRange.min = String(-s); deltaRange.max = String(s); deltaRange.step = String(s / 200);
  }
  function outputAt(i, d) {
    const q = p.slice(); q[i] = q[i] + d;
    const res = run(q, LIVE.seed);
    return res.values[res.values.length - 1];
  }
  function sensitivity() {
    if (!LIVE.leaves.length) { return; }
    const i = Number(leafSel.value);
    if (delta === null) { delta = spanOf(i) / 10; deltaBox.value = String(delta); }
    setRange();
    deltaRange.value = String(delta);
    const out = r.values[r.values.length - 1], g = r.grads[i];
    const predicted = g * delta, actual = outputAt(i, delta) - out;
    document.querySelectorAll(".sens-name").forEach(function (e) {
      e.textContent = LIVE.leafNames[i];
    });
    const set = function (id, x, text) {
      const e = byId(id); e.dataset.value = String(x); e.textContent = text;
    };
    set("sens-predicted", predicted, fmt(g) + " × " + fmt(delta) + " = " + fmt(predicted));
    set("sens-actual", actual, fmt(actual));
    set("sens-gap", actual - predicted, fmt(actual - predicted));
    plot(i, out, g);
  }
  function plot(i, out, g) {
    const svg = byId("sens-plot"), W = 360, H = 150, pad = 22, s = spanOf(i), n = 80;
    const xs = [], ys = [];
    for (let k = 0; k <= n; k++) {
      const d = -s + 2 * s * k / n;
      xs.push(d); ys.push(outputAt(i, d) - out);
    }
    const lin = xs.map(function (d) { return g * d; });
    let lo = Infinity, hi = -Infinity;
    lin.concat(ys).forEach(function (y) {
      if (isFinite(y)) { lo = Math.min(lo, y); hi = Math.max(hi, y); }
    });
    if (!isFinite(lo)) { lo = -1; hi = 1; }  // nothing finite: outside the domain
    if (!(hi > lo)) { lo -= 1; hi += 1; }
    const X = function (d) { return pad + (d + s) / (2 * s) * (W - 2 * pad); };
    const Y = function (y) { return H - pad - (y - lo) / (hi - lo) * (H - 2 * pad); };
    const path = function (vals) {
      let text = "", pen = "M";
      vals.forEach(function (y, k) {
        if (!isFinite(y)) { pen = "M"; return; }
        text += pen + X(xs[k]).toFixed(1) + " " + Y(y).toFixed(1) + " "; pen = "L";
      });
      return text;
    };
    const mark = X(delta);
    svg.innerHTML =
      '<line x1="' + pad + '" x2="' + (W - pad) + '" y1="' + Y(0) + '" y2="' + Y(0) +
      '" stroke="#bbb"/>' +
      '<line x1="' + X(0) + '" x2="' + X(0) + '" y1="' + pad + '" y2="' + (H - pad) +
      '" stroke="#bbb"/>' +
      '<path d="' + path(lin) +
      '" fill="none" stroke="#d62728" stroke-dasharray="5 3" stroke-width="1.5"/>' +
      '<path d="' + path(ys) + '" fill="none" stroke="#1f4e9c" stroke-width="2"/>' +
      '<line x1="' + mark + '" x2="' + mark + '" y1="' + pad + '" y2="' + (H - pad) +
      '" stroke="#555" stroke-dasharray="2 2"/>' +
      '<text x="' + (W - pad) + '" y="14" text-anchor="end">Δ = ' + fmt(delta) + '</text>' +
      '<text x="' + pad + '" y="14">actual (blue), grad·Δ (red, dashed)</text>' +
      '<text x="' + pad + '" y="' + (H - 6) + '">' + fmt(-s) + '</text>' +
      '<text x="' + (W - pad) + '" y="' + (H - 6) + '" text-anchor="end">' + fmt(s) + '</text>';
  }
  leafSel.addEventListener("change", function () {
    delta = spanOf(Number(leafSel.value)) / 10; deltaBox.value = String(delta); sensitivity();
  });
  deltaBox.addEventListener("input", function () {
    const v = Number(deltaBox.value);
    if (deltaBox.value.trim() === "" || !isFinite(v)) { return; }
    delta = v; sensitivity();
  });
  deltaRange.addEventListener("input", function () {
    delta = Number(deltaRange.value); deltaBox.value = String(delta); sensitivity();
  });
  // ---- maths and code in step, and predict-then-reveal ----
  const predict = byId("predict"), guess = byId("guess"), guessValue = byId("guess-value");
  const revealed = {};
  let hidden = [];
  let lastShown = -1;
  function textsAt(k) {
    const texts = Object.assign({}, data.initial);
    for (let i = 0; i <= k; i++) { Object.assign(texts, data.frames[i].texts); }
    return texts;
  }
  function onShow(k) {
    const texts = textsAt(k);
    hidden.forEach(function (id) { page.setText(id, texts[id]); });
    hidden = [];
    document.querySelectorAll("#code .current, #code .forward").forEach(function (e) {
      e.classList.remove("current", "forward"); e.removeAttribute("aria-current");
    });
    // The forward line of the node this step differentiates: where its out came from.
    const forward = k === 0 ? null : byId("code-" + LIVE.forwardLine[k - 1]);
    if (forward) { forward.classList.add("forward"); }
    const lineNo = k === 0 ? LIVE.seedLine : LIVE.stepLine[k - 1];
    const line = lineNo === null || lineNo === undefined ? null : byId("code-" + lineNo);
    if (line) {
      line.classList.add("current"); line.setAttribute("aria-current", "true");
      const pre = byId("code");
      const top = line.offsetTop - pre.offsetTop;
      if (top < pre.scrollTop || top + line.offsetHeight > pre.scrollTop + pre.clientHeight) {
        pre.scrollTop = Math.max(0, top - pre.clientHeight / 2);
      }
    }
    const hide = LIVE.live && predict.checked && k > 0 && !revealed[k];
    guess.hidden = !hide;
    if (k === 0) {
      lastShown = k;
      byId("maths-term").textContent = LIVE.seedTerm + " = " + fmt(LIVE.seed);
      byId("maths-numbers").textContent = "the seed: backprop starts at the output";
      byId("maths-local").textContent = "";
      byId("code-numbers").textContent = line ? line.textContent.trim() + "   → " +
        fmt(LIVE.seed) : "";
      return;
    }
    const t = LIVE.frames[k - 1], K = k - 1;
    const u = fmt(r.upstreams[K]), l = fmt(r.locals[K]);
    const c = hide ? "?" : fmt(r.contributions[K]);
    byId("maths-term").textContent = t.term;
    byId("maths-numbers").textContent = "= " + u + " · " + l + " = " + c;
    byId("maths-local").textContent = "local: " + render(t.local);
    byId("code-numbers").textContent = line ?
      line.textContent.trim() + "   → " + u + " × " + l + " = " + c :
      "(a constant's input: no line, the tape needs no gradient here)";
    if (hide) {
      byId("narration").textContent = t.term + " = " + u + " · " + l + " = ?";
      byId("detail").textContent = "Your turn: type upstream × local, then Check (or Reveal).";
      if (t.flow) { page.setText(t.flow, u + " × " + l + " = ?"); hidden.push(t.flow); }
      if (t.grad) { page.setText(t.grad, "grad: ?"); hidden.push(t.grad); }
    }
    if (k !== lastShown) { byId("guess-result").textContent = ""; }
    lastShown = k;
  }
  page.hooks.push(onShow);
  page.fmt = fmt;
  guess.addEventListener("submit", function (e) {
    e.preventDefault();
    const k = page.index(), want = r.contributions[k - 1], got = Number(guessValue.value);
    const ok = guessValue.value.trim() !== "" &&
      (fmt(got) === fmt(want) || Math.abs(got - want) <= 1e-3 * Math.abs(want));
    revealed[k] = true;
    guessValue.value = "";
    page.show(k);
    const res = byId("guess-result");
    res.textContent = ok ? "✓ right: " + fmt(want) : "✗ not quite (you typed " + fmt(got) +
      "): the engine's product is " + fmt(want);
    res.dataset.ok = ok ? "true" : "false";
  });
  byId("reveal").addEventListener("click", function () {
    revealed[page.index()] = true; page.show(page.index());
  });
  predict.addEventListener("change", function () { page.show(page.index()); });
  recompute();
})();
