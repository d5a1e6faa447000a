// Drawing for training pages: axes with ticks and labels (SVG), a smooth field of values
// (a small canvas image scaled up with bilinear smoothing) and its level lines
// (marching squares, interpolated along the cell edges), and colour scales.
(function (root) {
  "use strict";
  const cr = root.chainrule = root.chainrule || {};
  const SVG = "http://www.w3.org/2000/svg";

  function el(name, attrs, parent) {
    const node = document.createElementNS(SVG, name);
    for (const k in attrs) { node.setAttribute(k, attrs[k]); }
    if (parent) { parent.appendChild(node); }
    return node;
  }

  // A tick label: short, and with the minus sign the rest of chainrule prints.
  function tick(v) {
    if (v === 0) { return "0"; }
    const a = Math.abs(v);
    const text = Number.isInteger(v) && a < 1e7 ? String(v)
      : a >= 1e4 || a < 1e-3 ? v.toExponential(0) : String(+v.toPrecision(3));
    return text.replace("-", "\u2212");
  }

  // A power of ten on a log axis: 0.01 … 1000 written out, 10⁻⁵ and 10⁸ as powers.
  function power(e) {
    if (Math.abs(e) <= 3) { return String(+Math.pow(10, e).toPrecision(1)); }
    const sup = "\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079";
    return "10" + (e < 0 ? "\u207b" : "") + String(Math.abs(e)).split("").map(function (d) {
      return sup[Number(d)];
    }).join("");
  }

  function niceTicks(lo, hi, count) {
    const span = hi - lo;
    if (!(span > 0) || !Number.isFinite(span)) { return [lo]; }
    const raw = span / count, mag = Math.pow(10, Math.floor(Math.log10(raw)));
    const step = [1, 2, 5, 10].map(function (f) { return f * mag; })
      .find(function (s) { return span / s <= count; });
    const out = [];
    for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) {
      out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
    }
    return out;
  }

  // A plot area inside an SVG: scales, a frame, ticks and axis labels. log: y on a log scale.
  function Axes(svg, box, xr, yr, opts) {
    this.svg = svg; this.box = box; this.opts = opts || {};
    this.group = el("g", { class: "axes" }, svg);
    this.set(xr, yr);
  }
  Axes.prototype.set = function (xr, yr) {
    this.xr = xr; this.yr = yr;
    const b = this.box, log = this.opts.log, g = this.group;
    while (g.firstChild) { g.removeChild(g.firstChild); }
    el("rect", { x: b.x, y: b.y, width: b.w, height: b.h, class: "frame" }, g);
    const self = this;
    niceTicks(xr[0], xr[1], Math.max(2, Math.floor(b.w / 70))).forEach(function (v) {
      const x = self.sx(v);
      el("line", { x1: x, x2: x, y1: b.y + b.h, y2: b.y + b.h + 4, class: "tick" }, g);
      el("text", { x: x, y: b.y + b.h + 16, "text-anchor": "middle" }, g).textContent = tick(v);
    });
    let ys;
    if (log) {
      ys = [];
      for (let e = Math.ceil(yr[0]); e <= Math.floor(yr[1]); e++) { ys.push(e); }
      const every = Math.max(1, Math.ceil(ys.length / Math.max(2, Math.floor(b.h / 24))));
      ys = ys.filter(function (e) { return e % every === 0; });
    } else {
      ys = niceTicks(yr[0], yr[1], Math.max(2, Math.floor(b.h / 40)));
    }
    ys.forEach(function (v) {
      const y = self.sy(v);
      el("line", { x1: b.x - 4, x2: b.x, y1: y, y2: y, class: "tick" }, g);
      el("text", { x: b.x - 6, y: y + 4, "text-anchor": "end" }, g).textContent =
        log ? power(v) : tick(v);
    });
    if (this.opts.xlabel) {
      el("text", { x: b.x + b.w / 2, y: b.y + b.h + 32, "text-anchor": "middle",
                   class: "label" }, g).textContent = this.opts.xlabel;
    }
    if (this.opts.ylabel) {
      el("text", { x: 0, y: 0, "text-anchor": "middle", class: "label",
                   transform: "translate(" + (b.x - 44) + " " + (b.y + b.h / 2) + ") rotate(-90)" },
         g).textContent = this.opts.ylabel;
    }
  };
  Axes.prototype.sx = function (v) {
    const b = this.box;
    return b.x + (v - this.xr[0]) / (this.xr[1] - this.xr[0]) * b.w;
  };
  Axes.prototype.sy = function (v) {
    const b = this.box;
    return b.y + b.h - (v - this.yr[0]) / (this.yr[1] - this.yr[0]) * b.h;
  };
  Axes.prototype.fromX = function (px) {
    const b = this.box;
    return this.xr[0] + (px - b.x) / b.w * (this.xr[1] - this.xr[0]);
  };
  Axes.prototype.fromY = function (py) {
    const b = this.box;
    return this.yr[0] + (b.y + b.h - py) / b.h * (this.yr[1] - this.yr[0]);
  };

  // A field of gw × gh values sampled at cell centres over the axes' area: coloured by
  // colour(v, cell) → [r, g, b], drawn smooth (bilinear) on a canvas laid under the SVG.
  function Field(canvas, gw, gh) {
    this.canvas = canvas;
    this.gw = gw; this.gh = gh;
    this.values = new Float64Array(gw * gh);
    this.small = document.createElement("canvas");
    this.small.width = gw; this.small.height = gh;
    this.image = this.small.getContext("2d").createImageData(gw, gh);
  }
  // Fill values[j·gw + i] = f(x_i, y_j) with x, y at the centres of the cells.
  Field.prototype.sample = function (xr, yr, f) {
    const gw = this.gw, gh = this.gh, v = this.values;
    for (let j = 0; j < gh; j++) {
      const y = yr[1] - (j + 0.5) / gh * (yr[1] - yr[0]);
      for (let i = 0; i < gw; i++) {
        v[j * gw + i] = f(xr[0] + (i + 0.5) / gw * (xr[1] - xr[0]), y);
      }
    }
  };
  Field.prototype.paint = function (box, colour) {
    const data = this.image.data, v = this.values;
    for (let k = 0; k < v.length; k++) {
      const c = colour(v[k], k);
      data[4 * k] = c[0]; data[4 * k + 1] = c[1]; data[4 * k + 2] = c[2]; data[4 * k + 3] = 255;
    }
    this.small.getContext("2d").putImageData(this.image, 0, 0);
    const ctx = this.canvas.getContext("2d");
    ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
    ctx.imageSmoothingEnabled = true;
    ctx.imageSmoothingQuality = "high";
    // Cell centres sit half a cell in from the edges: stretch the image so they land there.
    const cw = box.w / this.gw, ch = box.h / this.gh;
    ctx.save();
    ctx.beginPath(); ctx.rect(box.x, box.y, box.w, box.h); ctx.clip();
    ctx.drawImage(this.small, box.x - cw / 2, box.y - ch / 2, box.w + cw, box.h + ch);
    ctx.restore();
  };
  // The level line values = level, as SVG path data in the box's pixels.
  Field.prototype.contour = function (box, level) {
    const gw = this.gw, gh = this.gh, v = this.values, parts = [];
    const cx = function (i) { return box.x + (i + 0.5) / gw * box.w; };
    const cy = function (j) { return box.y + (j + 0.5) / gh * box.h; };
    function cut(a, b) { return (level - a) / (b - a); }
    for (let j = 0; j + 1 < gh; j++) {
      for (let i = 0; i + 1 < gw; i++) {
        const a = v[j * gw + i], b = v[j * gw + i + 1];
        const c = v[(j + 1) * gw + i + 1], d = v[(j + 1) * gw + i];
        const pts = [];
        if ((a > level) !== (b > level)) { pts.push([cx(i + cut(a, b)), cy(j)]); }
        if ((b > level) !== (c > level)) { pts.push([cx(i + 1), cy(j + cut(b, c))]); }
        if ((d > level) !== (c > level)) { pts.push([cx(i + cut(d, c)), cy(j + 1)]); }
        if ((a > level) !== (d > level)) { pts.push([cx(i), cy(j + cut(a, d))]); }
        for (let k = 0; k + 1 < pts.length; k += 2) {
          parts.push("M" + pts[k][0].toFixed(1) + " " + pts[k][1].toFixed(1) +
                     "L" + pts[k + 1][0].toFixed(1) + " " + pts[k + 1][1].toFixed(1));
        }
      }
    }
    return parts.join("");
  };

  function mix(a, b, t) {
    return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
  }
  const WHITE = [255, 255, 255];
  // A score's two sides in matplotlib's coolwarm, as viz.plot_decision_boundary colours them.
  const BELOW = [59, 76, 192], ABOVE = [180, 4, 38];
  const CLASSES = [[8, 119, 189], [245, 147, 34], [44, 160, 44], [214, 39, 40],
                   [148, 103, 189], [140, 86, 75], [227, 119, 194], [127, 127, 127]];
  const SEQUENTIAL = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];

  // A score around a threshold: blue below, red above, white on the boundary.
  function diverging(at) {
    return function (v) {
      const t = Math.tanh(v - at);
      return Number.isFinite(t) ? mix(WHITE, t > 0 ? ABOVE : BELOW, 0.6 * Math.abs(t))
        : [200, 200, 200];
    };
  }
  // A value within [lo, hi] on viridis' stops (pale: the colours are lightened by `fade`).
  function sequential(lo, hi, fade) {
    return function (v) {
      let t = (v - lo) / (hi - lo);
      if (!Number.isFinite(t)) { return [200, 200, 200]; }
      t = Math.max(0, Math.min(1, t)) * (SEQUENTIAL.length - 1);
      const k = Math.min(SEQUENTIAL.length - 2, Math.floor(t));
      return mix(mix(SEQUENTIAL[k], SEQUENTIAL[k + 1], t - k), WHITE, fade);
    };
  }

  // A figure's drawing area as wide as the figure: an SVG, with a canvas under it for a
  // field (opts.canvas); box is the plot area inside the margins (opts.right: room for a
  // second axis on the right).
  function surface(figure, height, opts) {
    const width = Math.max(260, figure.clientWidth || 420), right = opts.right || 14;
    const wrap = document.createElement("div");
    wrap.className = "surface";
    wrap.style.height = height + "px";
    let canvas = null;
    if (opts.canvas) {
      canvas = document.createElement("canvas");
      const ratio = window.devicePixelRatio || 1;
      canvas.width = width * ratio; canvas.height = height * ratio;
      canvas.style.width = width + "px"; canvas.style.height = height + "px";
      canvas.getContext("2d").scale(ratio, ratio);
      wrap.appendChild(canvas);
    }
    const svg = el("svg", { width: width, height: height }, wrap);
    figure.appendChild(wrap);
    const box = { x: 58, y: 10, w: width - 58 - right, h: height - 58 };
    return { svg: svg, canvas: canvas, box: box };
  }

  function caption(figure, text) {
    const c = document.createElement("figcaption");
    c.textContent = text;
    figure.appendChild(c);
  }

  // Tables and sentences print six significant digits in chainrule's number format
  // (viz._text.fmt): the readouts that must equal fit's print more.
  function short(x) { return root.chainruleNumbers.fmt(x, 6); }

  // Each run's colour on a page with several (gradient descent first), and its name.
  const RUNS = ["#c0392b", "#1f4e9c", "#2ca02c", "#9467bd"];
  const RUN_NAMES = ["red", "blue", "green", "purple"];

  cr.plot = {
    RUNS: RUNS, RUN_NAMES: RUN_NAMES,
    el: el, tick: tick, niceTicks: niceTicks, Axes: Axes, Field: Field, mix: mix,
    surface: surface, caption: caption, short: short,
    diverging: diverging, sequential: sequential, BELOW: BELOW, ABOVE: ABOVE, CLASSES: CLASSES,
  };
})(typeof window !== "undefined" ? window : globalThis);
