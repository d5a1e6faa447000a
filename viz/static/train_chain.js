// The chain rule one click away: a sample's loss at the current weights, every
// parameter's gradient from the tape the page trains with, and the live step-through of
// that loss (viz.live, its leaves set to these weights and this sample); or, for a weight,
// each sample's share of its gradient.
(function () {
  "use strict";
  const cr = window.chainrule, short = cr.plot.short;
  const spec = JSON.parse(document.getElementById("train-data").textContent);
  const $ = function (id) { return document.getElementById(id); };
  const frame = $("stepthrough");
  let showing = null;  // {sample: i} or {weight: j}

  function trainer() { return window.chainruleTrain.trainer; }
  function vector(xs) {
    return xs.length === 1 ? short(xs[0]) : "(" + xs.map(short).join(", ") + ")";
  }

  // The step-through's leaves, in the order viz.live reads them, at these numbers.
  function setLeaves(i) {
    if (!frame || !spec.chain.leaves) { return; }
    const t = trainer(), row = spec.rows[i];
    const values = spec.chain.leaves.map(function (where) {
      return where[0] === "param" ? t.w[where[1]] : row[where[1]];
    });
    const live = frame.contentWindow && frame.contentWindow.chainruleLive;
    if (live) { live.setLeaves(values); }
  }

  function showSample(i) {
    const t = trainer(), s = t.sample(i), x = spec.inputs[i];
    const out = Array.isArray(s.output) ? vector(s.output) : short(s.output);
    const names = spec.inputNames.length === 1 ? spec.inputNames[0]
      : "(" + spec.inputNames.join(", ") + ")";
    const y = spec.targets[i];
    const target = Array.isArray(y) ? vector(y) : Number.isInteger(y) ? String(y) : short(y);
    const text = "Sample " + i + " at epoch " + t.epoch + ": " + names +
      " = " + vector(x) + ", " + spec.targetName + " = " + target + "; the model outputs " + out +
      ", and this sample's loss alone is " + short(s.loss) + ". Its gradient for every " +
      "parameter, at these weights (a batch's update uses the mean of its samples' " +
      "gradients" + (spec.l2 ? ", plus 2\u00b7l2\u00b7p" : "") + "):";
    cr.panel.fill("The chain rule for sample " + i, text,
                  ["parameter", "value", "\u2202loss/\u2202parameter"],
                  spec.names.map(function (n, j) {
                    return [spec.labels[j] === n ? n : spec.labels[j] + " (" + n + ")", t.w[j],
                            s.grads[j]];
                  }));
    setLeaves(i);
  }

  function showWeight(j) {
    const t = trainer(), shares = [];
    for (let i = 0; i < t.n; i++) { shares.push([i, t.sample(i).grads[j]]); }
    let mean = 0;
    shares.forEach(function (s) { mean += s[1]; });
    mean = spec.reduction === "mean" ? mean / t.n : mean;
    shares.sort(function (a, b) { return Math.abs(b[1]) - Math.abs(a[1]); });
    const text = "At epoch " + t.epoch + ", over the whole set as one " +
      "batch, \u2202loss/\u2202" + spec.labels[j] + " = " + short(mean) +
      (spec.reduction === "mean" ? ": the mean" : ": the sum") + " of each sample's " +
      "gradient" + (spec.l2 ? " (plus 2\u00b7l2\u00b7" + spec.labels[j] + ")" : "") +
      ". The samples that pull hardest (open one for its chain rule)" +
      (frame ? "; the step-through shows the first, sample " + shares[0][0] : "") + ":";
    cr.panel.fill("The gradient of " + spec.labels[j], text,
                  ["sample", spec.inputNames.join(", "), "its \u2202loss/\u2202" + spec.labels[j]],
                  shares.slice(0, 12).map(function (s) {
                    return [cr.panel.link("sample " + s[0], function () { open(s[0]); }),
                            vector(spec.inputs[s[0]]), s[1]];
                  }));
    setLeaves(shares[0][0]);
  }

  // The step-through loads the first time the panel opens, once the table and the sentence
  // are in: it frames its first view (its output, at a legible zoom) for the room it has
  // then. Loaded hidden beside the empty table, it framed a wider view and showed the
  // wrong part of the graph. aria-busy until it can take its leaves.
  function load() {
    if (!frame || frame.hasAttribute("srcdoc")) { return; }
    frame.setAttribute("aria-busy", "true");
    frame.srcdoc = frame.dataset.srcdoc;
  }
  function open(i) { showing = { sample: i }; showSample(i); cr.panel.open(); load(); }
  function openWeight(j) { showing = { weight: j }; showWeight(j); cr.panel.open(); load(); }
  function refresh() {
    if (!showing) { return; }
    if (showing.sample !== undefined) { showSample(showing.sample); } else {
      showWeight(showing.weight);
    }
  }
  cr.panel.onClose(function () { showing = null; });
  $("open").addEventListener("click", function () {
    const i = Number($("sample").value);
    if (Number.isInteger(i) && i >= 0 && i < spec.rows.length) { open(i); }
  });
  // In a short frame (a lesson's 700 px) the step-through's legend starts folded under its
  // summary: the graph gets its two lines.
  const SHORT = 640;
  if (frame) {
    frame.addEventListener("load", function () {
      if (!frame.hasAttribute("srcdoc")) { return; }
      frame.removeAttribute("aria-busy");
      const fold = frame.contentDocument.querySelector(".legend-fold");
      if (fold && frame.clientHeight < SHORT) { fold.classList.add("folds"); fold.open = false; }
      refresh();
    });
  }

  cr.chainPanel = { open: open, openWeight: openWeight, refresh: refresh };
})();
