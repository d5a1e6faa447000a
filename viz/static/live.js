// A live lesson: every number of the step-through recomputed in the browser when an input
// changes, by run() (the graph lowered to JavaScript from the op table, inlined before
// this), every text rendered from the parts Python wrote (viz/template.py). A nudge
// explains itself by its control; practice mode asks for each step's numbers; the tape
// panel follows the steps; where the engine would refuse the inputs, the page says so.
(function () {
  "use strict";
  const page = window.chainrulePage, data = page.data, numbers = window.chainruleNumbers;
  const byId = page.byId;
  const LIVE = JSON.parse(byId("page-extra").textContent);
  const D = LIVE.digits, N = LIVE.leaves.length;
  const fmt = function (x) { return numbers.fmt(x, D); };
  const term = function (x) { return numbers.term(x, D); };
  const signed = function (x) { return x > 0 ? "+" + fmt(x) : fmt(x); };
  const last = function (res) { return res.values[res.values.length - 1]; };
  const p = LIVE.leaves.slice();
  let r = null;  // the current run: values, locals, upstreams, contributions, grads
  // ---- texts from parts: strings and number slots (viz/template.py) ----
  function number(slot, res) {
    if ("v" in slot) { return fmt(res.values[slot.v]); }
    if ("l" in slot) { return fmt(res.locals[slot.l]); }
    if ("u" in slot) { return fmt(res.upstreams[slot.u]); }
    if ("c" in slot) { return fmt(res.contributions[slot.c]); }
    if ("t" in slot) { return term(res.contributions[slot.t]); }
    let s = 0;
    slot.s.forEach(function (k) { s = s + res.contributions[k]; });
    return fmt(s);
  }
  function render(parts, res) {
    let out = "";
    for (let i = 0; i < parts.length; i++) {
      out += typeof parts[i] === "string" ? parts[i] : number(parts[i], res);
    }
    return out;
  }
  // ---- where the engine would refuse (autograd/jschecked.py, viz/static/domains.js) ----
  function refusal(res) {
    for (let i = 0; i < LIVE.nodes.length; i++) {
      const n = LIVE.nodes[i];
      if (n.check < 0) { continue; }
      const c = CHECKS[n.check];
      const x = n.parents.map(function (j) { return res.values[j]; });
      const given = n.parents.map(function (j) {
        return LIVE.nodes[j].name + " = " + fmt(res.values[j]);
      }).join(", ");
      try { c.forward(x); } catch (e) {
        if (!(e instanceof PyRefusal)) { throw e; }
        return { node: i, text: "The engine refuses these inputs: " + n.name + " = " +
                 n.op + "(…) " + e.what + " for " + given +
                 (n.domain ? " (" + n.op + " needs " + n.domain + ")." : ".") };
      }
    }
    for (let i = LIVE.nodes.length - 1; i >= 0; i--) {  // backward meets them in this order
      const n = LIVE.nodes[i];
      if (n.check < 0) { continue; }
      const c = CHECKS[n.check];
      const x = n.parents.map(function (j) { return res.values[j]; });
      for (let k = 0; k < n.parents.length; k++) {
        if (!n.need[k]) { continue; }
        try { c.rules[k](x, res.values[i]); } catch (e) {
          if (!(e instanceof PyRefusal)) { throw e; }
          const given = n.parents.map(function (j) {
            return LIVE.nodes[j].name + " = " + fmt(res.values[j]);
          }).join(", ");
          return { node: i, backward: true,
                   text: "backward() refuses these inputs: at " + n.name + ", the local " +
                   "derivative " + n.formulas[k] + " " + e.what + " for " + given + "." };
        }
      }
    }
    return null;
  }
  // ---- recompute: one run, then every number on the page ----
  const cellTexts = {};
  let frameCache = [];
  function recompute() {
    r = run(p, LIVE.seed);
    Object.keys(LIVE.cells).forEach(function (id) { cellTexts[id] = render(LIVE.cells[id], r); });
    frameCache = [];
    const out = last(r);
    const o = byId("live-output");
    o.textContent = fmt(out);
    o.title = String(out);
    o.dataset.value = String(out);
    const bad = refusal(r);
    document.querySelectorAll(".refused").forEach(function (e) { e.classList.remove("refused"); });
    byId("live-status").textContent = bad ? bad.text : "";
    if (bad && LIVE.nodes[bad.node].el) {
      const el = byId(LIVE.nodes[bad.node].el);
      if (el) { el.classList.add("refused"); }
    }
    for (let i = 0; i < N; i++) {
      const g = byId("leaf-" + i + "-grad");
      g.textContent = "∂" + LIVE.root + "/∂" + LIVE.leafNames[i] + " = " + fmt(r.grads[i]) +
        (bad && bad.backward ? " (backward() refuses)" : "");
      g.dataset.value = String(r.grads[i]);
    }
    const paths = data.graph.paths;
    if (paths) {
      paths.locals = LIVE.pathSteps.map(function (k) { return r.locals[k]; });
      paths.contributions = LIVE.pathSteps.map(function (k) { return r.contributions[k]; });
      if (window.chainrulePaths) { window.chainrulePaths.refresh(); }
    }
    explain();
    page.redraw();
  }
  // What frame k shows, rendered from this run (and masked in practice mode).
  function frame(k) {
    const texts = Object.assign({}, data.initial, cellTexts);
    for (let i = 1; i <= k; i++) {
      if (!frameCache[i]) {
        const t = LIVE.frames[i - 1], out = {};
        Object.keys(t.texts).forEach(function (id) { out[id] = render(t.texts[id], r); });
        frameCache[i] = out;
      }
      Object.assign(texts, frameCache[i]);
    }
    let sentence = data.frames[0].sentence, detail = data.frames[0].detail;
    if (k > 0) {
      sentence = render(LIVE.frames[k - 1].sentence, r);
      detail = render(LIVE.frames[k - 1].detail, r);
    }
    const shown = { texts: texts, sentence: sentence, detail: detail };
    return practice.on() ? practice.mask(shown, k) : shown;
  }
  page.frame = frame;
  // ---- the inputs: a number box and a slider, one value ----
  let anchor = null;  // where the current nudge started: {leaf, values, run}
  // A number box shows BOX_DIGITS significant digits, so nothing is cut off (the leaf keeps
  // its exact value until the box is edited); it holds finite numbers only: ∞ and nan are
  // shown greyed, as its placeholder.
  function setBox(i, v) {
    const box = byId("leaf-" + i);
    box.value = isFinite(v) ? String(Number(v.toPrecision(LIVE.boxDigits))) : "";
    box.placeholder = isFinite(v) ? "" : fmt(v);
  }
  function setRange(i, v) {
    const range = byId("leaf-" + i + "-range");
    if (!isFinite(v)) { return; }
    const lo = Number(range.min), hi = Number(range.max);
    if (v < lo || v > hi) {  // typed beyond the slider: centre it on the new value
      const step = Number(range.step), span = Math.max(1, 2 * Math.abs(v));
      const places = Math.max(0, -Math.round(Math.log10(step)));
      range.min = (Math.floor((v - span) / step) * step).toFixed(places);
      range.max = (Math.ceil((v + span) / step) * step).toFixed(places);
    }
    range.value = String(v);
  }
  function nudge(i, v) {
    if (anchor === null || anchor.leaf !== i) {
      anchor = { leaf: i, values: p.slice(), run: r };
    }
    p[i] = v;
    recompute();
  }
  for (let i = 0; i < N; i++) {
    const box = byId("leaf-" + i), range = byId("leaf-" + i + "-range");
    box.addEventListener("input", function () {
      const v = Number(box.value);
      if (box.value.trim() === "" || Number.isNaN(v)) { return; }
      setRange(i, v);
      nudge(i, v);
    });
    range.addEventListener("input", function () {
      const v = Number(range.value);
      setBox(i, v);
      nudge(i, v);
    });
    // A nudge ends when the control is let go (slider released, Enter, focus moved).
    box.addEventListener("change", function () { anchor = null; });
    range.addEventListener("change", function () { anchor = null; });
  }
  function setLeaves(values) {
    if (values.length !== N) {
      throw new RangeError("chainruleLive.setLeaves: " + N + " values needed, got " +
                           values.length);
    }
    values.forEach(function (v, i) { p[i] = Number(v); setBox(i, p[i]); setRange(i, p[i]); });
    anchor = null;
    shown = null;
    recompute();
  }
  byId("reset").addEventListener("click", function () { setLeaves(LIVE.leaves); });
  // For pages that embed this one (a live trainer shows one sample at its current weights):
  // the leaves in the order of Live.program.leaves.
  window.chainruleLive = { setLeaves: setLeaves, leaves: function () { return p.slice(); } };
  // ---- a nudge explains itself, by its control ----
  const box = byId("nudge");
  let shown = null;  // the nudge on display: {leaf, values, run}
  function put(id, x, text) {
    const e = byId(id);
    e.dataset.value = String(x);
    e.textContent = text;
  }
  function explain() {
    if (anchor !== null) { shown = anchor; }
    if (shown === null) { box.hidden = true; later(function () { plot(null); }); return; }
    const i = shown.leaf, before = shown.values[i], after = p[i], delta = after - before;
    const out0 = last(shown.run), out1 = last(r), slope = shown.run.grads[i];
    const actual = out1 - out0, predicted = slope * delta;
    byId("leaf-" + i + "-row").appendChild(box);
    box.hidden = false;
    byId("nudge-leaf").textContent = LIVE.leafNames[i];
    document.querySelectorAll(".sens-name").forEach(function (e) {
      e.textContent = LIVE.leafNames[i];
    });
    put("nudge-from", before, fmt(before));
    put("nudge-to", after, fmt(after));
    put("nudge-delta", delta, signed(delta));
    put("nudge-before", out0, fmt(out0));
    put("nudge-after", out1, fmt(out1));
    put("nudge-actual", actual, signed(actual));
    put("nudge-slope", slope, fmt(slope));
    put("nudge-by", delta, term(delta));
    put("nudge-predicted", predicted, signed(predicted));
    put("nudge-gap", actual - predicted, signed(actual - predicted));
    later(function () { keepInView(byId("leaf-" + i + "-row")); plot(shown); });
  }
  // The plot and the scroll wait for the next frame: a slider fires many inputs a frame,
  // and the picture is drawn once for the last (the numbers are written at once).
  let pending = null;
  function later(work) {
    if (pending === null) {
      requestAnimationFrame(function () { const w = pending; pending = null; w(); });
    }
    pending = work;
  }
  // The nudged row, readout included, stays in view in the list of inputs (only the list
  // scrolls: never the lesson that frames this page).
  function keepInView(row) {
    const list = byId("leaves"), r = row.getBoundingClientRect(), l = list.getBoundingClientRect();
    if (r.bottom > l.bottom) { list.scrollTop += Math.min(r.bottom - l.bottom, r.top - l.top); }
    if (r.top < l.top) { list.scrollTop -= l.top - r.top; }
  }
  // ---- the sensitivity plot (viz/static/sensitivity.js): the nudge on display, else the
  // first input listed whose gradient is not 0 (a flat line teaches nothing: a trainer's
  // sample with t = 0 gives ∂L/∂w = 0), else the first listed ----
  function plot(nudged) {
    const svg = byId("sens-plot");
    if (!N) { svg.replaceChildren(); return; }
    const moving = LIVE.shown.filter(function (k) { return r.grads[k] !== 0; });
    const i = nudged ? nudged.leaf : moving.length ? moving[0] : LIVE.shown[0];
    const base = nudged ? nudged.values : p, res = nudged ? nudged.run : r, out0 = last(res);
    window.chainruleSensitivity.draw({
      svg: svg, caption: byId("sens-caption"), name: LIVE.leafNames[i], root: LIVE.root,
      at: base[i], out: out0, slope: res.grads[i], fmt: fmt,
      nudge: nudged ? { delta: p[i] - base[i], actual: last(r) - out0 } : null,
      change: function (dx) {
        const q = base.slice();
        q[i] = base[i] + dx;
        return last(run(q, LIVE.seed)) - out0;
      },
    });
  }
  // ---- practice (viz/static/practice.js) ----
  const practice = window.chainrulePractice({
    data: LIVE, page: page, fmt: fmt, run: function () { return r; },
    open: function () { tab("practice"); },
  });
  // ---- the tape, line by line ----
  function code(k) {
    document.querySelectorAll("#code .current, #code .forward").forEach(function (e) {
      e.classList.remove("current", "forward"); e.removeAttribute("aria-current");
    });
    const K = k === 0 ? null : LIVE.frames[k - 1].k;
    // The forward line of the node this step differentiates: where its out came from.
    const fwdLine = K === null ? null : LIVE.forwardLine[LIVE.stepNode[K]];
    const forward = fwdLine === null || fwdLine === undefined ? null : byId("code-" + fwdLine);
    if (forward) { forward.classList.add("forward"); }
    const lineNo = K === null ? LIVE.seedLine : LIVE.stepLine[K];
    const line = lineNo === null || lineNo === undefined ? null : byId("code-" + lineNo);
    const numbersLine = byId("code-numbers");
    if (line) {
      line.classList.add("current"); line.setAttribute("aria-current", "true");
      const pre = byId("code");
      const top = line.offsetTop - pre.offsetTop;
      if (top < pre.scrollTop || top + line.offsetHeight > pre.scrollTop + pre.clientHeight) {
        pre.scrollTop = Math.max(0, top - pre.clientHeight / 2);
      }
    }
    if (K === null) {
      numbersLine.textContent = line ? line.textContent.trim() + "   → " + fmt(LIVE.seed) : "";
      return;
    }
    const hide = practice.hides(k);
    const c = hide.product ? "?" : fmt(r.contributions[K]);
    const l = hide.local ? "?" : fmt(r.locals[K]);
    numbersLine.textContent = line ? line.textContent.trim() + "   → " + fmt(r.upstreams[K]) +
      " × " + l + " = " + c : "";
  }
  page.hooks.push(code);
  // ---- tabs ----
  const tabs = ["nudge", "practice", "code"];
  function tab(name) {
    tabs.forEach(function (t) {
      const b = byId("tab-" + t), on = t === name;
      b.setAttribute("aria-selected", on ? "true" : "false");
      b.tabIndex = on ? 0 : -1;
      byId("panel-" + t).hidden = !on;
    });
    if (name === "code") { code(page.index()); }  // a hidden panel could not scroll its line
  }
  tabs.forEach(function (t, j) {
    const b = byId("tab-" + t);
    b.addEventListener("click", function () { tab(t); });
    b.addEventListener("keydown", function (e) {
      const by = e.key === "ArrowRight" ? 1 : e.key === "ArrowLeft" ? -1 : 0;
      if (!by) { return; }
      const next = tabs[(j + by + tabs.length) % tabs.length];
      tab(next); byId("tab-" + next).focus(); e.preventDefault();
    });
  });
  if (LIVE.predict) { tab("practice"); }
  recompute();
  performance.mark("chainrule-live-ready");  // the first frame, live (make bench reads it)
})();
