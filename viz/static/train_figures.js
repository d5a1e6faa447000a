// The figures of a training page, each with draw() called every frame: the model over the
// data (a score field and its boundary for 2-D inputs, the fitted curve for 1-D inputs),
// the loss curve, and the weights (the path over the loss's contours for two parameters,
// a table for a few).
(function () {
  "use strict";
  const cr = window.chainrule, P = cr.plot;

  const surface = P.surface, caption = P.caption;

  function padded(values, fraction, least) {
    let lo = Math.min.apply(null, values), hi = Math.max.apply(null, values);
    const pad = Math.max((hi - lo) * fraction, least);
    return [lo - pad, hi + pad];
  }

  // The data as points a learner can click (or focus and press Enter) to open the chain rule.
  function points(group, spec, axes, xy, colour) {
    spec.inputs.forEach(function (x, i) {
      const p = xy(i);
      const c = P.el("circle", { cx: axes.sx(p[0]), cy: axes.sy(p[1]), r: 4.5, class: "point",
                                 fill: colour(i), tabindex: 0, role: "button",
                                 "aria-label": "sample " + i }, group);
      c.dataset.sample = String(i);
    });
    group.addEventListener("click", function (e) {
      const i = e.target.dataset && e.target.dataset.sample;
      if (i !== undefined && cr.chainPanel) { cr.chainPanel.open(Number(i)); }
    });
    group.addEventListener("keydown", function (e) {
      const i = e.target.dataset && e.target.dataset.sample;
      if ((e.key === "Enter" || e.key === " ") && i !== undefined && cr.chainPanel) {
        e.preventDefault();
        cr.chainPanel.open(Number(i));
      }
    });
  }

  function classColour(spec, t) {
    if (spec.classify && spec.classify.argmax) { return "rgb(" + P.CLASSES[t % 8] + ")"; }
    return "rgb(" + (t === spec.classify.above ? P.ABOVE : P.BELOW) + ")";
  }

  // 2-D inputs: the model's score over the plane, the decision boundary, the data.
  function field(spec, runs, figure) {
    const trainer = runs[0];
    const kind = spec.picture;
    caption(figure, kind === "classes" ? "The classes' probabilities over the inputs " +
              "(softmax, each class's colour weighted by it), and the data"
      : spec.classify ? "The model's score (red above the threshold, blue below), " +
        "its decision boundary (black) and the data"
        : "The model's output over the inputs (colour) and the data");
    const s = surface(figure, 400, { canvas: true });
    const xs = spec.inputs;
    const xr = padded(xs.map(function (x) { return x[0]; }), 0.08, 0.1);
    const yr = padded(xs.map(function (x) { return x[1]; }), 0.08, 0.1);
    const axes = new P.Axes(s.svg, s.box, xr, yr, { xlabel: spec.inputNames[0],
                                                     ylabel: spec.inputNames[1] });
    const grid = new P.Field(s.canvas, spec.initial.length > 2000 ? 24 : 40,
                             spec.initial.length > 2000 ? 24 : 40);
    const boundary = P.el("path", { class: "boundary" }, s.svg);
    const group = P.el("g", {}, s.svg);
    const ts = spec.targets;
    const colour = spec.classify ? function (i) { return classColour(spec, trainer.classes[i]); }
      : (function () {
        const c = P.sequential(Math.min.apply(null, ts), Math.max.apply(null, ts), 0);
        return function (i) { return "rgb(" + c(ts[i]).map(Math.round) + ")"; };
      })();
    points(group, spec, axes, function (i) { return xs[i]; }, colour);
    const at = spec.classify && !spec.classify.argmax ? spec.classify.at : null;
    // Several classes: each cell's colour is the classes' colours weighted by the softmax.
    const blend = new Float64Array(3 * grid.gw * grid.gh);
    const paint = kind === "classes"
      ? function (v, k) { return [blend[3 * k], blend[3 * k + 1], blend[3 * k + 2]]; }
      : at !== null ? P.diverging(at)
        : P.sequential(Math.min.apply(null, ts), Math.max.apply(null, ts), 0.45);
    function mixClasses(o, k) {
      const top = Math.max.apply(null, o);
      let total = 0;
      const e = o.map(function (v) { const u = Math.exp(v - top); total += u; return u; });
      const rgb = [0, 0, 0];
      e.forEach(function (u, c) {
        for (let j = 0; j < 3; j++) { rgb[j] += u / total * P.CLASSES[c % 8][j]; }
      });
      const light = P.mix(rgb, [255, 255, 255], 0.4);
      for (let j = 0; j < 3; j++) { blend[3 * k + j] = light[j]; }
    }
    const x = [0, 0];
    return {
      draw: function () {
        const w = trainer.w, out = trainer.outputs;
        let cell = 0;
        grid.sample(xr, yr, function (a, b) {
          x[0] = a; x[1] = b;
          const o = out.of(w, x);
          if (kind !== "classes") { return o; }
          mixClasses(o, cell++);
          return 0;
        });
        grid.paint(s.box, paint);
        boundary.setAttribute("d", at !== null ? grid.contour(s.box, at) : "");
      },
    };
  }

  // Which run each colour is, for a page with several.
  function legend(runs) {
    return runs.length < 2 ? "" : " (" + runs.map(function (run, r) {
      return P.RUN_NAMES[r] + ": " + run.name;
    }).join("; ") + ")";
  }

  // 1-D inputs: the data and the model's output as a curve over them, one per run.
  function curve(spec, runs, figure) {
    caption(figure, "The data (dots) and the model's output over " + spec.inputNames[0] +
            (runs.length < 2 ? " (red)" : legend(runs)));
    const s = surface(figure, 400, {});
    const xs = spec.inputs.map(function (x) { return x[0]; });
    const ys = spec.targets.map(Number);
    const xr = padded(xs, 0.05, 0.1), yr = padded(ys, 0.15, 0.5);
    const axes = new P.Axes(s.svg, s.box, xr, yr, {
      xlabel: spec.inputNames[0], ylabel: spec.targetName + " (dots), output (lines)" });
    const clip = P.el("clipPath", { id: "plot-clip" }, s.svg);
    P.el("rect", { x: s.box.x, y: s.box.y, width: s.box.w, height: s.box.h }, clip);
    const lines = runs.map(function (_, r) {
      return P.el("path", { class: "fit", stroke: P.RUNS[r],
                            "clip-path": "url(#plot-clip)" }, s.svg);
    });
    const group = P.el("g", {}, s.svg);
    points(group, spec, axes, function (i) { return [xs[i], ys[i]]; },
           function () { return "#444"; });
    const x = [0], far = 4 * (yr[1] - yr[0]);
    return {
      draw: function () {
        runs.forEach(function (run, r) {
          const parts = [];
          for (let k = 0; k <= 200; k++) {
            x[0] = xr[0] + k / 200 * (xr[1] - xr[0]);
            let o = run.outputs.of(run.w, x);
            if (!Number.isFinite(o)) { continue; }
            o = Math.max(yr[0] - far, Math.min(yr[1] + far, o));
            parts.push((parts.length ? "L" : "M") + axes.sx(x[0]).toFixed(1) + " " +
                       axes.sy(o).toFixed(1));
          }
          lines[r].setAttribute("d", parts.join(""));
        });
      },
    };
  }

  cr.legend = legend;
  cr.pictureFigure = function (spec, runs, figure) {
    if (spec.picture === "field" || spec.picture === "classes") {
      return field(spec, runs, figure);
    }
    if (spec.picture === "curve") { return curve(spec, runs, figure); }
    caption(figure, "The inputs have " + spec.inputs[0].length + " dimensions: no picture " +
            "of them here; the loss curve and the chain rule show the training.");
    return null;
  };

  // The loss per epoch on a log scale, one line per run.
  cr.curveFigure = function (spec, runs, figure) {
    caption(figure, "The loss per epoch (log scale)" + legend(runs));
    const s = surface(figure, 190, {});
    const axes = new P.Axes(s.svg, s.box, [0, 20], [-2, 1], { xlabel: "epoch",
                                                             ylabel: "loss", log: true });
    const lines = runs.map(function (_, r) {
      return P.el("path", { class: "loss", stroke: P.RUNS[r] }, s.svg);
    });
    const ends = runs.map(function (_, r) {
      return P.el("text", { class: "stop", fill: P.RUNS[r] }, s.svg);
    });
    const box = s.box;
    return {
      draw: function () {
        const longest = Math.max.apply(null, runs.map(function (r) { return r.history.count; }));
        let top = 20;  // the epoch axis doubles as training goes on (and after Reset, back)
        while (longest > top) { top *= 2; }
        const series = runs.map(function (run) { return run.history.points(); });
        let lo = Infinity, hi = -Infinity;
        series.forEach(function (points) {
          points.forEach(function (p) {
            if (p[1] > 0) { lo = Math.min(lo, p[1]); hi = Math.max(hi, p[1]); }
          });
        });
        const yr = lo <= hi ? [Math.floor(Math.log10(lo) - 0.05), Math.ceil(Math.log10(hi) + 0.05)]
          : [-2, 1];
        if (top !== axes.xr[1] || yr[0] !== axes.yr[0] || yr[1] !== axes.yr[1]) {
          axes.set([0, top], yr);
        }
        const y = function (v) { return axes.sy(v > 0 ? Math.log10(v) : yr[0]); };
        runs.forEach(function (run, r) {
          const points = series[r], step = Math.max(1, Math.floor(points.length / 500));
          const parts = [];
          for (let i = 0; i < points.length; i += step) {
            parts.push((parts.length ? "L" : "M") + axes.sx(points[i][0]).toFixed(1) + " " +
                       y(points[i][1]).toFixed(1));
          }
          if (parts.length === 1) { parts.push("m-3 0h6"); }  // one epoch: a dash, not nothing
          lines[r].setAttribute("d", parts.join(""));
          ends[r].textContent = "";
          if (run.stopped && run.history.count) {
            // Beside the curve's end, on the side with room, inside the frame (the epoch
            // that stopped may lie past the axis's end: the label stays at the frame).
            const x = Math.min(axes.sx(run.history.count + 1), box.x + box.w);
            const at = y(run.history.last);
            const left = x > box.x + box.w / 2;
            ends[r].setAttribute("x", left ? x - 4 : x + 4);
            ends[r].setAttribute("text-anchor", left ? "end" : "start");
            ends[r].setAttribute("y", at - 6 > box.y + 12 ? at - 6 : at + 16);
            ends[r].textContent = "\u2716 stopped";
          }
        });
      },
    };
  };
})();
