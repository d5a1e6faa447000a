// The figures of a GAN page: the real density, a histogram of G's samples, D's verdict
// over x, and arrows for some of G's samples pointing where G's loss tells them to move
// (a click opens the chain rule behind one); and both players' losses per round.
(function () {
  "use strict";
  const cr = window.chainrule, P = cr.plot, short = P.short;
  const ARROWS = 16, BINS = 48, CURVE = 200;
  const ROW = 12, GAP = 5;  // pixels between rows of arrows, and around an arrow in its row

  const caption = P.caption;
  function surface(figure, height) { return P.surface(figure, height, { right: 58 }); }
  function path(points) {
    return points.map(function (p, k) {
      return (k ? "L" : "M") + p[0].toFixed(1) + " " + p[1].toFixed(1);
    }).join("");
  }
  function density(modes, x) {
    let total = 0;
    modes.forEach(function (m) {
      const u = (x - m[0]) / m[1];
      total += Math.exp(-0.5 * u * u) / (m[1] * Math.sqrt(2 * Math.PI));
    });
    return total / modes.length;
  }

  // Each arrow's row above the x axis: from left to right, the lowest row where it (its
  // dot and its shaft) keeps clear of the arrows already there, so each can be clicked.
  function rows(arrows) {
    const ends = [], row = new Array(arrows.length);
    const order = arrows.map(function (_, k) { return k; })
      .sort(function (i, j) { return Math.min(arrows[i].x, arrows[i].tip) -
                                     Math.min(arrows[j].x, arrows[j].tip); });
    order.forEach(function (k) {
      const left = Math.min(arrows[k].x, arrows[k].tip) - GAP;
      let r = 0;
      while (r < ends.length && ends[r] > left) { r++; }
      ends[r] = Math.max(arrows[k].x, arrows[k].tip) + GAP;
      row[k] = r;
    });
    return row;
  }

  function distributions(spec, gan, figure) {
    caption(figure, "Real density (orange), G's samples (blue histogram), D's verdict " +
            "(black, right axis); arrows: where G's loss pushes some of G's samples");
    const s = surface(figure, 400), b = s.box;
    let lo = Infinity, hi = -Infinity, peak = 0;
    spec.real.forEach(function (r) {
      r.modes.forEach(function (m) {
        lo = Math.min(lo, m[0] - 4 * m[1]); hi = Math.max(hi, m[0] + 4 * m[1]);
        peak = Math.max(peak, density(r.modes, m[0]));
      });
    });
    const xr = [lo, hi], yr = [0, 1.6 * peak];
    const axes = new P.Axes(s.svg, b, xr, yr, { xlabel: "x", ylabel: "density" });
    const right = P.el("g", {}, s.svg);
    [0, 0.5, 1].forEach(function (v) {
      const y = b.y + b.h - v * b.h;
      P.el("line", { x1: b.x + b.w, x2: b.x + b.w + 4, y1: y, y2: y, class: "tick" }, right);
      P.el("text", { x: b.x + b.w + 6, y: y + 4 }, right).textContent = String(v);
    });
    const rightLabel = P.el("text", { class: "label", "text-anchor": "middle",
                                      transform: "translate(" + (b.x + b.w + 36) + " " +
                                      (b.y + b.h / 2) + ") rotate(90)" }, right);
    const realArea = P.el("path", { class: "real" }, s.svg);
    const bars = P.el("path", { class: "bars" }, s.svg);
    const verdict = P.el("path", { class: "verdict" }, s.svg);
    const arrows = P.el("g", { class: "arrows" }, s.svg);
    const marks = [];
    for (let k = 0; k < ARROWS; k++) {
      const g = P.el("g", { tabindex: 0, role: "button", "aria-label": "G's sample " + k }, arrows);
      g.dataset.sample = String(k);
      marks.push({ line: P.el("path", { class: "arrow" }, g),
                   dot: P.el("circle", { r: 4, class: "sample" }, g), g: g });
    }
    function open(e) {
      const k = e.target.closest && e.target.closest("[data-sample]");
      if (k) { cr.chainPanel.open(Number(k.dataset.sample)); }
    }
    arrows.addEventListener("click", open);
    arrows.addEventListener("keydown", function (e) {
      if (e.key === "Enter" || e.key === " ") { e.preventDefault(); open(e); }
    });
    const width = (hi - lo) / BINS;
    return {
      draw: function () {
        const xs = gan.samples(), counts = new Array(BINS).fill(0);
        xs.forEach(function (x) {
          const i = Math.floor((x - lo) / width);
          if (i >= 0 && i < BINS) { counts[i]++; }
        });
        // The density axis reaches over G's tallest bar (G starts narrow: ~1.8 against the
        // real peak 0.32); it moves only when that changes by a quarter, not every frame.
        const top = Math.max(yr[1], 1.1 * Math.max.apply(null, counts) / (xs.length * width));
        if (top > axes.yr[1] || top < 0.75 * axes.yr[1]) { axes.set(xr, [0, top]); }
        const modes = spec.real[gan.real].modes;
        const pts = [[axes.sx(lo), axes.sy(0)]];
        for (let k = 0; k <= CURVE; k++) {
          const x = lo + k / CURVE * (hi - lo);
          pts.push([axes.sx(x), axes.sy(density(modes, x))]);
        }
        pts.push([axes.sx(hi), axes.sy(0)]);
        realArea.setAttribute("d", path(pts) + "Z");
        bars.setAttribute("d", counts.map(function (c, i) {
          const h = c / (xs.length * width);
          const x0 = axes.sx(lo + i * width), x1 = axes.sx(lo + (i + 1) * width);
          return "M" + x0.toFixed(1) + " " + axes.sy(0).toFixed(1) + "V" +
            axes.sy(h).toFixed(1) + "H" + x1.toFixed(1) + "V" + axes.sy(0).toFixed(1) + "Z";
        }).join(""));
        const t = gan.tapes(), v = [];
        for (let k = 0; k <= CURVE; k++) {
          const x = lo + k / CURVE * (hi - lo);
          v.push([x, t.verdict.forward(gan.wD, [x])]);
        }
        const wgan = gan.flags.wasserstein;
        let vlo = 0, vhi = 1;
        if (wgan) {  // a critic's score has no fixed range: drawn between its extremes
          vlo = Math.min.apply(null, v.map(function (p) { return p[1]; }));
          vhi = Math.max.apply(null, v.map(function (p) { return p[1]; }));
          if (!(vhi > vlo)) { vhi = vlo + 1; }
        }
        rightLabel.textContent = wgan ? "critic's score (min to max)" : "D(x): 'real'";
        right.querySelectorAll("text:not(.label)").forEach(function (e) {
          e.style.visibility = wgan ? "hidden" : "visible";
        });
        verdict.setAttribute("d", path(v.map(function (p) {
          return [axes.sx(p[0]), b.y + b.h - (p[1] - vlo) / (vhi - vlo) * b.h];
        })));
        const told = [];
        for (let k = 0; k < ARROWS; k++) {
          const e = gan.explain(gan.look[k]);
          told.push([e.xhat, e.told]);
        }
        const scale = Math.max.apply(null, told.map(function (t) { return Math.abs(t[1]); })) || 1;
        const arrows = told.map(function (t) {
          const x = axes.sx(Math.max(lo, Math.min(hi, t[0])));
          return { x: x, tip: x - t[1] / scale * 40 };  // against the gradient: where x̂ moves
        });
        rows(arrows).forEach(function (row, k) {
          const x = arrows[k].x, tip = arrows[k].tip, y = b.y + b.h - 12 - row * ROW;
          const head = tip >= x ? -4 : 4;
          marks[k].dot.setAttribute("cx", x);
          marks[k].dot.setAttribute("cy", y);
          marks[k].line.setAttribute("d", "M" + x.toFixed(1) + " " + y + "H" + tip.toFixed(1) +
            "M" + (tip + head).toFixed(1) + " " + (y - 3) + "L" + tip.toFixed(1) + " " + y +
            "L" + (tip + head).toFixed(1) + " " + (y + 3));
        });
      },
    };
  }

  // Where each loss settles when G matches the data and D is at its best. Cross-entropy:
  // D*(x) = q = (real label)/2 everywhere (flipping a share of the labels both ways keeps
  // the mean target at q), so D's loss is the binary entropy of q and G's is −ln q. The
  // critic's loss, score(fake) \u2212 score(real), settles at 0; G's, −score(fake), at no
  // particular value.
  function equilibrium(spec, flags) {
    if (flags.wasserstein) { return { d: 0, g: null }; }
    const q = (flags.smooth ? spec.realLabel : 1) / 2;
    return { d: -(q * Math.log(q) + (1 - q) * Math.log(1 - q)), g: -Math.log(q), q: q };
  }

  // A linear axis: the losses stay within a factor of a few of their equilibrium (and the
  // critic's cross zero), so a log scale would only squash the swings a learner watches.
  function losses(spec, gan, figure) {
    caption(figure, "Each player's loss per round (black: D, blue: G); dashed: where each " +
            "settles at the equilibrium, G matching the data");
    const s = surface(figure, 220);
    const axes = new P.Axes(s.svg, s.box, [0, 50], [0, 1], { xlabel: "round", ylabel: "loss" });
    const dEq = P.el("line", { class: "d-loss eq" }, s.svg);
    const gEq = P.el("line", { class: "g-loss eq" }, s.svg);
    const d = P.el("path", { class: "d-loss" }, s.svg);
    const g = P.el("path", { class: "g-loss" }, s.svg);
    const said = document.createElement("p");
    said.className = "hint";
    said.setAttribute("aria-label", "equilibrium");
    figure.appendChild(said);
    function level(line, v) {
      line.style.display = v === null ? "none" : "";
      if (v === null) { return; }
      line.setAttribute("x1", s.box.x); line.setAttribute("x2", s.box.x + s.box.w);
      line.setAttribute("y1", axes.sy(v)); line.setAttribute("y2", axes.sy(v));
    }
    return {
      draw: function () {
        const eq = equilibrium(spec, gan.flags);
        said.textContent = eq.g === null
          ? "At the equilibrium the critic scores real and generated alike: its loss, " +
            "score(fake) \u2212 score(real), is 0; G's has no set value."
          : "At the equilibrium D says " + short(eq.q) + " everywhere (half the real label): " +
            "D's loss " + short(eq.d) + " (the binary entropy of " + short(eq.q) + "), G's " +
            short(eq.g) + " (\u2212ln " + short(eq.q) + "). Neither goes to 0.";
        let top = 50;  // the round axis doubles as training goes on (and after Reset, back)
        while (gan.dHistory.count > top) { top *= 2; }
        const series = [gan.dHistory.points(), gan.gHistory.points()];
        const all = series[0].concat(series[1]).map(function (p) { return p[1]; })
          .filter(Number.isFinite);
        if (eq.g !== null) { all.push(eq.g); }
        const ylo = all.length ? Math.min(0, Math.min.apply(null, all)) : 0;
        const yhi = all.length ? Math.max.apply(null, all) * 1.1 || 1 : 1;
        if (top !== axes.xr[1] || ylo !== axes.yr[0] || Math.abs(yhi / axes.yr[1] - 1) > 0.2) {
          axes.set([0, top], [ylo, yhi]);
        }
        [[series[0], d], [series[1], g]].forEach(function (pair) {
          const points = pair[0], step = Math.max(1, Math.floor(points.length / 500)), pts = [];
          for (let i = 0; i < points.length; i += step) {
            pts.push([axes.sx(points[i][0]), axes.sy(points[i][1])]);
          }
          pair[1].setAttribute("d", path(pts));
        });
        level(dEq, eq.d);
        level(gEq, eq.g);
      },
    };
  }

  // The chain rule that moves G's sample k: ∂L_G/∂θ = ∂L_G/∂x̂ · ∂x̂/∂θ, each factor from
  // its own tape, beside the gradient of G's loss through D.
  function panel(spec, gan) {
    let showing = null;
    function show(k) {
      const z = gan.look[k], e = gan.explain(z);
      const way = e.told < 0 ? "right (larger)" : e.told > 0 ? "left (smaller)" : "nowhere";
      const verdict = gan.flags.wasserstein ? "the critic scores it " : "D says it is real " +
        "with probability ";
      cr.panel.fill("What G is told about its sample " + k,
        "Round " + gan.epoch + ": z = (" + z.map(short).join(", ") + "), x\u0302 = G(z) = " +
        short(e.xhat) + "; " + verdict + short(e.verdict) + ". G's loss for it is " +
        short(e.loss) + " and \u2202L_G/\u2202x\u0302 = " + short(e.told) + ": a step " +
        "moves x\u0302 " + way + ". That one number is all G learns from D. The chain rule " +
        "turns it into every weight's gradient, \u2202L_G/\u2202\u03b8 = \u2202L_G/\u2202x\u0302 " +
        "\u00b7 \u2202x\u0302/\u2202\u03b8, each factor from its own tape; the last column is " +
        "the gradient of G's loss through D, from the tape G trains with:",
        ["weight of G", "\u2202x\u0302/\u2202\u03b8", "\u00d7 \u2202L_G/\u2202x\u0302",
         "G's loss tape: \u2202L_G/\u2202\u03b8"],
        spec.gNames.map(function (name, j) {
          return [spec.gLabels[j] + " (" + name + ")", e.dxdw[j], e.told * e.dxdw[j], e.grads[j]];
        }));
    }
    cr.panel.onClose(function () { showing = null; });
    cr.chainPanel = {
      open: function (k) { showing = k; show(k); cr.panel.open(); },
      refresh: function () { if (showing !== null) { show(showing); } },
    };
  }

  cr.ganFigures = function (spec, gan) {
    panel(spec, gan);
    return [distributions(spec, gan, document.getElementById("picture")),
            losses(spec, gan, document.getElementById("curve"))];
  };
})();
