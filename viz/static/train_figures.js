// The figures of a training page, each with draw() called every frame: the model over the
// data (a score field and its boundary for 2-D inputs, the fitted curve for 1-D inputs),
// the loss curve, and the weights (the path over the loss's contours for two parameters,
// a table for a few).
(function () {
  "use strict";
  const cr = window.chainrule, P = cr.plot;

  // An SVG (and a canvas under it) filling a figure; box: the plot area inside margins.
  function surface(figure, height, withCanvas) {
    const width = Math.max(260, figure.clientWidth || 420);
    const wrap = document.createElement("div");
    wrap.className = "surface";
    wrap.style.height = height + "px";
    let canvas = null;
    if (withCanvas) {
      canvas = document.createElement("canvas");
      const ratio = window.devicePixelRatio || 1;
      canvas.width = width * ratio; canvas.height = height * ratio;
      canvas.style.width = width + "px"; canvas.style.height = height + "px";
      canvas.getContext("2d").scale(ratio, ratio);
      wrap.appendChild(canvas);
    }
    const svg = P.el("svg", { width: width, height: height, viewBox: "0 0 " + width + " " + height });
    wrap.appendChild(svg);
    figure.appendChild(wrap);
    const box = { x: 58, y: 10, w: width - 72, h: height - 58 };
    return { svg: svg, canvas: canvas, box: box };
  }

  function caption(figure, text) {
    const c = document.createElement("figcaption");
    c.textContent = text;
    figure.insertBefore(c, figure.firstChild);
    return c;
  }

  function padded(values, fraction, least) {
    let lo = Math.min.apply(null, values), hi = Math.max.apply(null, values);
    const pad = Math.max((hi - lo) * fraction, least);
    return [lo - pad, hi + pad];
  }

  function inputName(spec, j) {
    return spec.inputs[0].length === 1 ? "x" : "x" + "\u2081\u2082\u2083\u2084\u2085\u2086\u2087\u2088\u2089"[j];
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
  function field(spec, trainer, figure) {
    const kind = spec.picture;
    caption(figure, kind === "classes" ? "Predicted class over the inputs, and the data"
      : spec.classify ? "The model's score (orange above the threshold, blue below), " +
        "its decision boundary (black) and the data"
        : "The model's output over the inputs (colour) and the data");
    const s = surface(figure, 400, true);
    const xs = spec.inputs;
    const xr = padded(xs.map(function (x) { return x[0]; }), 0.08, 0.1);
    const yr = padded(xs.map(function (x) { return x[1]; }), 0.08, 0.1);
    const axes = new P.Axes(s.svg, s.box, xr, yr, { xlabel: inputName(spec, 0),
                                                     ylabel: inputName(spec, 1) });
    const grid = new P.Field(s.canvas, spec.initial.length > 2000 ? 24 : 40,
                             spec.initial.length > 2000 ? 24 : 40);
    const boundary = P.el("path", { class: "boundary" }, s.svg);
    const group = P.el("g", {}, s.svg);
    const ts = spec.targets;
    const colour = spec.classify ? function (i) { return classColour(spec, ts[i]); }
      : (function () {
        const c = P.sequential(Math.min.apply(null, ts), Math.max.apply(null, ts), 0);
        return function (i) { return "rgb(" + c(ts[i]).map(Math.round) + ")"; };
      })();
    points(group, spec, axes, function (i) { return xs[i]; }, colour);
    const at = spec.classify && !spec.classify.argmax ? spec.classify.at : null;
    const paint = kind === "classes"
      ? function (v) { return P.mix(P.CLASSES[v % 8], [255, 255, 255], 0.55); }
      : at !== null ? P.diverging(at)
        : P.sequential(Math.min.apply(null, ts), Math.max.apply(null, ts), 0.45);
    const x = [0, 0];
    return {
      draw: function () {
        const w = trainer.w, out = trainer.outputs;
        grid.sample(xr, yr, function (a, b) {
          x[0] = a; x[1] = b;
          const o = out.of(w, x);
          if (kind !== "classes") { return o; }
          let best = 0;
          for (let c = 1; c < o.length; c++) { if (o[c] > o[best]) { best = c; } }
          return best;
        });
        grid.paint(s.box, paint);
        boundary.setAttribute("d", at !== null ? grid.contour(s.box, at) : "");
      },
    };
  }

  // 1-D inputs: the data and the model's output as a curve over them.
  function curve(spec, trainer, figure) {
    caption(figure, "The data and the model's output over x");
    const s = surface(figure, 400, false);
    const xs = spec.inputs.map(function (x) { return x[0]; });
    const ys = spec.targets.map(Number);
    const xr = padded(xs, 0.05, 0.1), yr = padded(ys, 0.15, 0.5);
    const axes = new P.Axes(s.svg, s.box, xr, yr, { xlabel: "x", ylabel: "y and the output" });
    const clip = P.el("clipPath", { id: "plot-clip" }, s.svg);
    P.el("rect", { x: s.box.x, y: s.box.y, width: s.box.w, height: s.box.h }, clip);
    const line = P.el("path", { class: "fit", "clip-path": "url(#plot-clip)" }, s.svg);
    const group = P.el("g", {}, s.svg);
    points(group, spec, axes, function (i) { return [xs[i], ys[i]]; },
           function () { return "#444"; });
    const x = [0], far = 4 * (yr[1] - yr[0]);
    return {
      draw: function () {
        const parts = [];
        for (let k = 0; k <= 200; k++) {
          x[0] = xr[0] + k / 200 * (xr[1] - xr[0]);
          let o = trainer.outputs.of(trainer.w, x);
          if (!Number.isFinite(o)) { continue; }
          o = Math.max(yr[0] - far, Math.min(yr[1] + far, o));
          parts.push((parts.length ? "L" : "M") + axes.sx(x[0]).toFixed(1) + " " +
                     axes.sy(o).toFixed(1));
        }
        line.setAttribute("d", parts.join(""));
      },
    };
  }

  cr.pictureFigure = function (spec, trainer, figure) {
    if (spec.picture === "field" || spec.picture === "classes") {
      return field(spec, trainer, figure);
    }
    if (spec.picture === "curve") { return curve(spec, trainer, figure); }
    caption(figure, "The inputs have " + spec.inputs[0].length + " dimensions: no picture " +
            "of them here; the loss curve and the chain rule show the training.");
    return null;
  };

  // The loss per epoch on a log scale; the epoch axis doubles as training goes on.
  cr.curveFigure = function (spec, trainer, figure) {
    caption(figure, "The loss per epoch (log scale)");
    const s = surface(figure, 190, false);
    const axes = new P.Axes(s.svg, s.box, [0, 20], [-2, 1], { xlabel: "epoch",
                                                             ylabel: "loss", log: true });
    const line = P.el("path", { class: "loss" }, s.svg);
    const end = P.el("text", { class: "stop", "text-anchor": "middle" }, s.svg);
    return {
      draw: function () {
        const h = trainer.history;
        let top = axes.xr[1];
        while (h.length > top) { top *= 2; }
        if (h.length < top / 4 && top > 20) { top = Math.max(20, top / 2); }
        let lo = Infinity, hi = -Infinity;
        for (let i = 0; i < h.length; i++) {
          if (h[i] > 0) { lo = Math.min(lo, h[i]); hi = Math.max(hi, h[i]); }
        }
        const yr = lo <= hi ? [Math.floor(Math.log10(lo) - 0.05), Math.ceil(Math.log10(hi) + 0.05)]
          : [-2, 1];
        if (top !== axes.xr[1] || yr[0] !== axes.yr[0] || yr[1] !== axes.yr[1]) {
          axes.set([0, top], yr);
        }
        const step = Math.max(1, Math.floor(h.length / 500)), parts = [];
        for (let i = 0; i < h.length; i += step) {
          const v = h[i] > 0 ? Math.log10(h[i]) : yr[0];
          parts.push((parts.length ? "L" : "M") + axes.sx(i + 1).toFixed(1) + " " +
                     axes.sy(v).toFixed(1));
        }
        line.setAttribute("d", parts.join(""));
        end.textContent = "";
        if (trainer.stopped && h.length) {
          const v = h[h.length - 1];
          end.setAttribute("x", axes.sx(h.length + 1));
          end.setAttribute("y", axes.sy(v > 0 ? Math.log10(v) : yr[0]) + 4);
          end.textContent = "\u2716 stopped";
        }
      },
    };
  };
})();
