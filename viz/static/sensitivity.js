// The sensitivity plot of a live lesson: how the output changes as one input moves by Δ
// (blue), beside the gradient's prediction ∂out/∂input · Δ (red, dashed), on labelled axes
// with a scale; a nudge on display is marked by its two points and the gap between them.
(function () {
  "use strict";
  const W = 380, H = 165, R = 12, T = 10, B = 38, SAMPLES = 60;
  const CHAR = 6.5;  // px a character of an 11 px tick label takes, at most (digits, −, e)
  function nice(span) {  // a round tick step: 1, 2 or 5 times a power of ten
    const raw = span / 4, p10 = Math.pow(10, Math.floor(Math.log10(raw)));
    const m = raw / p10;
    return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p10;
  }
  function ticks(lo, hi) {
    const step = nice(hi - lo), out = [];
    if (!(step > 0) || !isFinite(step) || (hi - lo) / step > 20) { return out; }
    for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) {
      out.push(Math.abs(t) < step * 1e-9 ? 0 : t);
    }
    return out;
  }
  // o: svg, caption; name (the input), root (the output); at (the input's value), out (the
  // output there), slope (∂out/∂input there); change(dx), the output's actual change when
  // the input moves by dx; nudge: {delta, actual} or null; fmt, how numbers are written.
  function draw(o) {
    const svg = o.svg, cap = o.caption, fmt = o.fmt, slope = o.slope;
    const delta = o.nudge ? o.nudge.delta : 0;
    const span = Math.max(1.25 * Math.abs(delta), 0.25 * Math.max(1, Math.abs(o.at)));
    if (!isFinite(span) || !isFinite(o.out)) {
      svg.replaceChildren();
      cap.textContent = "No plot: the output is not a finite number here.";
      return;
    }
    const xs = [], actual = [], line = [];
    for (let k = 0; k <= SAMPLES; k++) {
      const dx = -span + 2 * span * k / SAMPLES;
      xs.push(dx);
      actual.push(o.change(dx));
      line.push(slope * dx);
    }
    let lo = Infinity, hi = -Infinity;
    actual.concat(line, [0]).forEach(function (y) {
      if (isFinite(y)) { lo = Math.min(lo, y); hi = Math.max(hi, y); }
    });
    if (!(hi > lo)) { lo -= 1; hi += 1; }
    if (!isFinite(hi - lo)) {
      svg.replaceChildren();
      cap.textContent = "No plot: the change of " + o.root + " is too large to draw here.";
      return;
    }
    const pad = (hi - lo) * 0.06;
    lo -= pad; hi += pad;
    // The left margin holds the longest number of the y axis, then the axis's own label.
    const yTicks = ticks(lo, hi);
    const widest = Math.max.apply(null, [1].concat(yTicks.map(function (t) {
      return fmt(t).length;
    })));
    const L = 26 + CHAR * widest;
    const X = function (x) { return L + (x + span) / (2 * span) * (W - L - R); };
    const Y = function (y) { return T + (hi - y) / (hi - lo) * (H - T - B); };
    const ok = function (x, y) { return isFinite(x) && isFinite(y) && Math.abs(y) < 1e7; };
    const path = function (ys) {
      let d = "", pen = "M";
      ys.forEach(function (y, k) {
        const px = X(xs[k]), py = Y(Math.max(lo, Math.min(hi, y)));
        if (!isFinite(y) || !ok(px, py)) { pen = "M"; return; }
        d += pen + px.toFixed(1) + " " + py.toFixed(1) + " "; pen = "L";
      });
      return d;
    };
    const parts = [];
    const add = function (tag, attrs, content) {
      // Never a NaN or ∞ in an SVG attribute: a shape that cannot be placed is left out.
      if (Object.keys(attrs).some(function (a) {
        return typeof attrs[a] === "number" && !isFinite(attrs[a]);
      })) { return; }
      const e = document.createElementNS("http://www.w3.org/2000/svg", tag);
      Object.keys(attrs).forEach(function (a) { e.setAttribute(a, attrs[a]); });
      if (content !== undefined) { e.textContent = content; }
      parts.push(e);
    };
    ticks(-span, span).forEach(function (t) {
      add("line", { x1: X(t), x2: X(t), y1: T, y2: H - B, class: "grid" });
      add("text", { x: X(t), y: H - B + 14, "text-anchor": "middle" }, fmt(t));
    });
    yTicks.forEach(function (t) {
      add("line", { x1: L, x2: W - R, y1: Y(t), y2: Y(t), class: "grid" });
      add("text", { x: L - 4, y: Y(t) + 4, "text-anchor": "end" }, fmt(t));
    });
    add("line", { x1: L, x2: W - R, y1: Y(0), y2: Y(0), class: "axis" });
    add("line", { x1: X(0), x2: X(0), y1: T, y2: H - B, class: "axis" });
    add("path", { d: path(line), class: "predicted" });
    add("path", { d: path(actual), class: "actual" });
    if (o.nudge) {
      const ya = o.nudge.actual, yp = slope * delta;
      if (ok(X(delta), Y(ya)) && ok(X(delta), Y(yp)) && ya <= hi && ya >= lo) {
        add("line", { x1: X(delta), x2: X(delta), y1: Y(yp), y2: Y(ya), class: "gap" });
        add("circle", { cx: X(delta), cy: Y(ya), r: 3.5, class: "actual" });
        add("circle", { cx: X(delta), cy: Y(Math.max(lo, Math.min(hi, yp))), r: 3,
                        class: "predicted" });
      }
    }
    add("text", { x: (L + W - R) / 2, y: H - 6, "text-anchor": "middle", class: "label" },
        "Δ, the nudge of " + o.name);
    add("text", { x: 12, y: (T + H - B) / 2, "text-anchor": "middle", class: "label",
                  transform: "rotate(-90 12 " + (T + H - B) / 2 + ")" },
        "change of " + o.root);
    svg.replaceChildren.apply(svg, parts);
    cap.textContent = (o.nudge ? "" : "Nudge an input for its own plot. ") +
      "Blue: the actual change of " + o.root + " as " + o.name + " moves by Δ from " +
      fmt(o.at) + "; red, dashed: the prediction " + fmt(slope) + " · Δ.";
  }
  window.chainruleSensitivity = { draw: draw };
})();
