// The chain rule one click away: a sample's loss at the current weights, every
// parameter's gradient from the tape the page trains with, and the live step-through of
// that loss (viz.live, its leaves set to these weights and this sample); or, for a weight,
// each sample's share of its gradient.
(function () {
  "use strict";
  const cr = window.chainrule;
  const spec = JSON.parse(document.getElementById("train-data").textContent);
  const $ = function (id) { return document.getElementById(id); };
  const panel = $("chain"), frame = $("stepthrough");
  let showing = null;  // {sample: i} or {weight: j}

  function trainer() { return window.chainruleTrain.trainer; }
  function vector(xs) {
    return xs.length === 1 ? cr.short(xs[0]) : "(" + xs.map(cr.short).join(", ") + ")";
  }

  function fillTable(head, rows) {
    const table = $("chain-grads");
    table.tHead.rows[0].innerHTML = "";
    head.forEach(function (h) {
      const th = document.createElement("th");
      th.textContent = h;
      table.tHead.rows[0].appendChild(th);
    });
    const body = table.tBodies[0];
    body.innerHTML = "";
    rows.forEach(function (cells) {
      const tr = document.createElement("tr");
      cells.forEach(function (c) {
        const td = document.createElement("td");
        if (c instanceof Node) { td.appendChild(c); } else {
          td.textContent = typeof c === "number" ? cr.short(c) : c;
          if (typeof c === "number") { td.dataset.value = String(c); }
        }
        tr.appendChild(td);
      });
      body.appendChild(tr);
    });
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
    const out = Array.isArray(s.output) ? vector(s.output) : cr.short(s.output);
    $("chain-title").textContent = "The chain rule for sample " + i;
    $("chain-sample").textContent = "Sample " + i + " at epoch " + t.epoch + ": x = " +
      vector(x) + ", target " + spec.targets[i] + "; the model outputs " + out +
      ", and this sample's loss alone is " + cr.short(s.loss) + ". Its gradient for every " +
      "parameter, at these weights (a batch's update uses the mean of its samples' " +
      "gradients" + (spec.l2 ? ", plus 2\u00b7l2\u00b7p" : "") + "):";
    fillTable(["parameter", "value", "\u2202loss/\u2202parameter"], spec.names.map(function (n, j) {
      return [spec.labels[j] === n ? n : spec.labels[j] + " (" + n + ")", t.w[j], s.grads[j]];
    }));
    if (frame) { frame.hidden = false; setLeaves(i); }
  }

  function showWeight(j) {
    const t = trainer(), shares = [];
    for (let i = 0; i < t.n; i++) { shares.push([i, t.sample(i).grads[j]]); }
    let mean = 0;
    shares.forEach(function (s) { mean += s[1]; });
    mean = spec.reduction === "mean" ? mean / t.n : mean;
    shares.sort(function (a, b) { return Math.abs(b[1]) - Math.abs(a[1]); });
    $("chain-title").textContent = "The gradient of " + spec.labels[j];
    $("chain-sample").textContent = "At epoch " + t.epoch + ", over the whole set as one " +
      "batch, \u2202loss/\u2202" + spec.labels[j] + " = " + cr.short(mean) +
      (spec.reduction === "mean" ? ": the mean" : ": the sum") + " of each sample's " +
      "gradient" + (spec.l2 ? " (plus 2\u00b7l2\u00b7" + spec.labels[j] + ")" : "") +
      ". The samples that pull hardest (open one for its chain rule):";
    fillTable(["sample", "x", "its \u2202loss/\u2202" + spec.labels[j]],
              shares.slice(0, 12).map(function (s) {
                const b = document.createElement("button");
                b.type = "button";
                b.className = "linkish";
                b.textContent = "sample " + s[0];
                b.addEventListener("click", function () { open(s[0]); });
                return [b, vector(spec.inputs[s[0]]), s[1]];
              }));
    if (frame) { frame.hidden = true; }
  }

  function show() {
    window.chainruleTrain.pause();
    panel.hidden = false;
    $("chain-close").focus();
  }
  function open(i) { showing = { sample: i }; showSample(i); show(); }
  function openWeight(j) { showing = { weight: j }; showWeight(j); show(); }
  function close() { panel.hidden = true; showing = null; }

  $("chain-close").addEventListener("click", close);
  panel.addEventListener("keydown", function (e) { if (e.key === "Escape") { close(); } });
  $("open").addEventListener("click", function () {
    const i = Number($("sample").value);
    if (Number.isInteger(i) && i >= 0 && i < spec.rows.length) { open(i); }
  });
  if (frame) {
    // The step-through loads after this script: set its leaves once it can take them.
    frame.addEventListener("load", function () {
      if (showing && showing.sample !== undefined) { setLeaves(showing.sample); }
    });
  }

  cr.chainPanel = {
    open: open,
    openWeight: openWeight,
    refresh: function () {
      if (!showing) { return; }
      if (showing.sample !== undefined) { showSample(showing.sample); } else {
        showWeight(showing.weight);
      }
    },
  };
})();
