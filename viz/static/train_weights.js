// The weights of a training page: for a model with two parameters, their path over the
// contours of the full-batch loss; for a few, a table of values and last gradients (a row
// opens each sample's share of that gradient); for many, a count.
(function () {
  "use strict";
  const cr = window.chainrule, P = cr.plot;
  const MAX_TABLE = 16, MAX_PATH = 1500;

  // Where training from the initial weights goes (at the page's rate, halved until it
  // converges): the box the contours are drawn over.
  function box(spec) {
    let lr = spec.lr, path = null;
    for (let attempt = 0; attempt < 8 && lr > 0; attempt++, lr /= 2) {
      const pilot = new cr.Trainer(spec);
      for (let e = 0; e < 300 && pilot.runEpoch(lr, spec.batchSize, false);) { e++; }
      const h = pilot.history;
      if (!pilot.stopped && h.count && h.last < h.items[0]) { path = pilot.path.items; break; }
    }
    path = path || [spec.initial];
    const range = function (k) {
      let lo = Math.min.apply(null, path.map(function (p) { return p[k]; }));
      let hi = Math.max.apply(null, path.map(function (p) { return p[k]; }));
      const pad = Math.max((hi - lo) * 0.25, 0.25 * (Math.abs(spec.initial[k]) + 1));
      return [lo - pad, hi + pad];
    };
    return [range(0), range(1)];
  }

  function contours(spec, runs, figure) {
    const trainer = runs[0];
    P.caption(figure, "The weights' path over the contours of the loss (" + spec.labels[0] +
      ", " + spec.labels[1] + "): \u25a0 start, \u25cf now" + cr.legend(runs));
    const s = P.surface(figure, 250, { canvas: true }), svg = s.svg, canvas = s.canvas;
    const b = s.box;
    const [xr, yr] = box(spec);
    const axes = new P.Axes(svg, b, xr, yr, { xlabel: spec.labels[0], ylabel: spec.labels[1] });
    const n = Math.max(20, Math.min(60, Math.round(Math.sqrt(3e5 / spec.rows.length))));
    const field = new P.Field(canvas, n, n);
    const w = new Float64Array(2);
    field.sample(xr, yr, function (a, c) {
      w[0] = a; w[1] = c;
      return Math.log10(trainer.lossAt(w));
    });
    const finite = Array.from(field.values).filter(Number.isFinite);
    const lo = Math.min.apply(null, finite), hi = Math.max.apply(null, finite);
    field.paint(b, P.sequential(lo, hi, 0.55));
    const levels = [];
    for (let k = 1; k < 12; k++) { levels.push(field.contour(b, lo + (hi - lo) * k / 12)); }
    P.el("path", { class: "level", d: levels.join("") }, svg);
    const clip = P.el("clipPath", { id: "weights-clip" }, svg);
    P.el("rect", { x: b.x, y: b.y, width: b.w, height: b.h }, clip);
    const lines = runs.map(function (_, r) {
      return P.el("path", { class: "path", stroke: P.RUNS[r], "clip-path": "url(#weights-clip)" },
                  svg);
    });
    const sx = function (v) { return Math.max(b.x - b.w, Math.min(b.x + 2 * b.w, axes.sx(v))); };
    const sy = function (v) { return Math.max(b.y - b.h, Math.min(b.y + 2 * b.h, axes.sy(v))); };
    P.el("rect", { x: axes.sx(spec.initial[0]) - 4, y: axes.sy(spec.initial[1]) - 4,
                   width: 8, height: 8, class: "start" }, svg);
    const nows = runs.map(function (_, r) {
      return P.el("circle", { r: 4.5, class: "now", fill: P.RUNS[r],
                              "clip-path": "url(#weights-clip)" }, svg);
    });
    return {
      draw: function () {
        runs.forEach(function (run, r) {
          const path = run.path.points(), step = Math.max(1, Math.ceil(path.length / MAX_PATH));
          const parts = [];
          for (let i = 0; i < path.length; i += step) {
            const p = path[i][1];
            if (!Number.isFinite(p[0]) || !Number.isFinite(p[1])) { break; }
            parts.push((parts.length ? "L" : "M") + sx(p[0]).toFixed(1) + " " +
                       sy(p[1]).toFixed(1));
          }
          lines[r].setAttribute("d", parts.join(""));
          nows[r].setAttribute("cx", sx(run.w[0]));
          nows[r].setAttribute("cy", sy(run.w[1]));
        });
      },
    };
  }

  function table(spec, runs, figure) {
    P.caption(figure, runs.length < 2
      ? "The weights and their gradient in the last update (click a weight: each " +
        "sample's share of it)"
      : "The weights of each run (click a weight: each sample's share of its gradient " +
        "under gradient descent)");
    const t = document.createElement("table");
    t.setAttribute("aria-label", "weights");
    const head = runs.length < 2 ? ["weight", "value", "gradient"]
      : ["weight"].concat(runs.map(function (run) { return run.name; }));
    t.innerHTML = "<thead><tr>" + head.map(function () { return "<th></th>"; }).join("") +
      "</tr></thead>";
    head.forEach(function (h, k) { t.tHead.rows[0].cells[k].textContent = h; });
    const body = document.createElement("tbody");
    const cells = spec.initial.map(function (_, j) {
      const row = body.insertRow();
      const button = document.createElement("button");
      button.type = "button";
      button.className = "linkish";
      button.textContent = spec.labels[j];
      button.title = spec.names[j];
      button.setAttribute("aria-label", "weight " + spec.names[j]);
      button.addEventListener("click", function () {
        if (cr.chainPanel) { cr.chainPanel.openWeight(j); }
      });
      row.insertCell().appendChild(button);
      return head.slice(1).map(function () { return row.insertCell(); });
    });
    t.appendChild(body);
    figure.appendChild(t);
    return {
      draw: function () {
        cells.forEach(function (c, j) {
          if (runs.length < 2) {
            c[0].textContent = P.short(runs[0].w[j]);
            c[1].textContent = runs[0].lastGrad ? P.short(runs[0].lastGrad[j]) : "\u2014";
            return;
          }
          runs.forEach(function (run, r) { c[r].textContent = P.short(run.w[j]); });
        });
      },
    };
  }

  cr.weightsFigure = function (spec, runs, figure) {
    if (spec.contours) {
      const parts = [contours(spec, runs, figure), table(spec, runs, figure)];
      return { draw: function () { parts.forEach(function (f) { f.draw(); }); } };
    }
    if (spec.initial.length <= MAX_TABLE) { return table(spec, runs, figure); }
    P.caption(figure, spec.initial.length + " weights: too many to list; the chain rule " +
      "panel gives each one's gradient for a sample.");
    return null;
  };
})();
