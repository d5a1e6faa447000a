// The sum over paths you can click: a click on a node (or Enter on it) opens a panel with
// ∂L/∂NAME as the sum, over every path from the output L to the node, of the product of
// the local derivatives along it: each path's factors and product, then their sum, which
// is the node's gradient. The paths light up in the picture. The data come from
// viz/paths.py; a live page replaces graph.paths.locals and .contributions with the ones
// it recomputes and calls chainrulePaths.refresh().
(function () {
  "use strict";
  const page = window.chainrulePage, numbers = window.chainruleNumbers;
  const graph = page.data.graph.paths;
  const panel = document.getElementById("paths-panel");
  if (!graph || !panel) { return; }
  const nodes = graph.nodes, edges = graph.edges;
  const fmt = function (x) { return numbers.fmt(x); };
  const term = function (x) { return numbers.term(x); };
  const d = function (name) {  // the name after a ∂, bracketed unless it is one symbol
    return /^[^\s+\u2212\-·/^*×=<>()[\]|]+$/.test(name) ? "∂" + name : "∂(" + name + ")";
  };
  // The edges leaving each node towards the output (its uses).
  const uses = nodes.map(function () { return []; });
  edges.forEach(function (e, j) { uses[e.i].push(j); });
  const root = graph.root;
  // Paths from node i up to the output: counted for all, listed for the first few.
  function count(i, memo) {
    if (i === root) { return 1; }
    if (memo[i] !== undefined) { return memo[i]; }
    let n = 0;
    uses[i].forEach(function (j) { n += count(edges[j].o, memo); });
    memo[i] = n;
    return n;
  }
  // The sum over every path of its product, without listing them: the paths from node i
  // start with one of its uses, so the sum is Σ over uses of local × the sum from there.
  function everyPath(i, memo) {
    if (i === root) { return graph.seed; }
    if (memo[i] !== undefined) { return memo[i]; }
    let s = 0;
    uses[i].forEach(function (j) { s = s + graph.locals[j] * everyPath(edges[j].o, memo); });
    memo[i] = s;
    return s;
  }
  function list(i, most) {
    const found = [];
    const walk = function (at, trail) {
      if (found.length >= most) { return; }
      if (at === root) { found.push(trail.slice().reverse()); return; }
      uses[at].forEach(function (j) { trail.push(j); walk(edges[j].o, trail); trail.pop(); });
    };
    walk(i, []);
    return found;  // each: the edges from the output down to node i
  }
  let open = null;  // the node whose panel is open
  function clear() {
    document.querySelectorAll(".on-path").forEach(function (e) {
      e.classList.remove("on-path");
    });
  }
  function light(path) {
    path.forEach(function (j) {
      const e = edges[j];
      [e.el, e.arrow, nodes[e.i].el, nodes[e.o].el].forEach(function (id) {
        const el = id && document.getElementById(id);
        if (el) { el.classList.add("on-path"); }
      });
    });
  }
  function close() {
    open = null; panel.hidden = true; clear();
  }
  function text(tag, content, cls) {
    const el = document.createElement(tag);
    el.textContent = content;
    if (cls) { el.className = cls; }
    return el;
  }
  function render() {
    const i = open, name = nodes[i].name, top = nodes[root].name;
    const locals = graph.locals;
    panel.setAttribute("aria-label", "chain rule for " + name);
    panel.replaceChildren();
    const head = document.createElement("header");
    head.appendChild(text("h2", d(top) + "/" + d(name) + " as a sum over paths"));
    const shut = text("button", "×", "close");
    shut.type = "button";
    shut.setAttribute("aria-label", "close");
    shut.addEventListener("click", function () { close(); });
    head.appendChild(shut);
    panel.appendChild(head);
    clear();
    if (i === root) {
      panel.appendChild(text("p", d(top) + "/" + d(top) + " = " + fmt(graph.seed) +
                             ": the seed, where every path starts."));
      return;
    }
    const total = count(i, {});
    if (!total) {
      panel.appendChild(text("p", "No path leads from " + top + " to " + name +
                             ": the backward pass does not reach it."));
      return;
    }
    const shown = list(i, graph.most);
    const ol = document.createElement("ol");
    ol.className = "paths";
    const products = [];
    shown.forEach(function (path, p) {
      let product = graph.seed;
      const factors = [fmt(graph.seed)];
      const names = [top];
      path.forEach(function (j) {
        product = product * locals[j];
        factors.push(term(locals[j]));
        names.push(nodes[edges[j].i].name);
      });
      products.push(product);
      const li = document.createElement("li");
      li.dataset.value = String(product);
      li.appendChild(text("span", names.join(" → "), "route"));
      li.appendChild(text("span", factors.join(" × ") + " = " + fmt(product), "product"));
      li.addEventListener("mouseenter", function () { clear(); light(path); });
      li.addEventListener("mouseleave", function () { clear(); shown.forEach(light); });
      ol.appendChild(li);
      if (p === 0) { ol.setAttribute("aria-label", total + " paths"); }
    });
    panel.appendChild(text("p", (total === 1 ? "One path" : total + " paths") + " from " +
                           top + " to " + name + (total > shown.length ? " (the first " +
                           shown.length + " shown)" : "") +
                           "; each starts at the seed " + d(top) + "/" + d(top) + " = " +
                           fmt(graph.seed) + " and multiplies the local derivatives along it:"));
    panel.appendChild(ol);
    let sum = 0;
    products.forEach(function (x) { sum = sum + x; });
    // What backward() adds up for this node: its uses' contributions, in the engine's order.
    let grad = 0;
    uses[i].forEach(function (j, k) {
      grad = k ? grad + graph.contributions[j] : graph.contributions[j];
    });
    if (total > shown.length) { sum = everyPath(i, {}); }
    const line = total === shown.length
      ? (products.length > 1 ? products.map(term).join(" + ") + " = " : "") + fmt(sum)
      : "the sum over all " + total + " paths = " + fmt(sum);
    const result = text("p", d(top) + "/" + d(name) + " = " + line, "sum");
    result.dataset.value = String(sum);
    panel.appendChild(result);
    const engine = text("p", "backward() gives " + name + " the gradient " + fmt(grad) +
                        (uses[i].length > 1 ? ", summing what its " + uses[i].length +
                         " uses passed back" : "") + ".", "grad");
    engine.dataset.value = String(grad);
    panel.appendChild(engine);
    shown.forEach(light);
  }
  // The panel must not hide the node it explains: move the graph so the node sits in the
  // free part of the view, right of the panel or above it, wherever it fits.
  const MARGIN = 16;
  function uncover(el) {
    const p = panel.getBoundingClientRect(), n = el.getBoundingClientRect();
    const v = panel.parentElement.getBoundingClientRect();
    if (n.left >= p.right || n.right <= p.left || n.top >= p.bottom || n.bottom <= p.top) {
      return;
    }
    const regions = [{ l: p.right, t: v.top, r: v.right, b: v.bottom },
                     { l: v.left, t: v.top, r: v.right, b: p.top }];
    const fits = regions.filter(function (r) {
      return n.width + 2 * MARGIN <= r.r - r.l && n.height + 2 * MARGIN <= r.b - r.t;
    });
    if (!fits.length) { return; }
    const r = fits[0];
    const shift = function (lo, hi, from, to) {  // the least move that puts [lo, hi] in it
      return lo < from + MARGIN ? from + MARGIN - lo : hi > to - MARGIN ? to - MARGIN - hi : 0;
    };
    page.pan(shift(n.left, n.right, r.l, r.r), shift(n.top, n.bottom, r.t, r.b));
  }
  function openAt(i) {
    open = i; panel.hidden = false; render();
    const el = nodes[i].el && document.getElementById(nodes[i].el);
    if (el) { uncover(el); }
  }
  // Each drawn node answers a click and Enter.
  nodes.forEach(function (n, i) {
    const el = n.el && document.getElementById(n.el);
    if (!el) { return; }
    el.setAttribute("tabindex", "0");
    el.setAttribute("role", "button");
    el.setAttribute("aria-label", n.name + ": its gradient as a sum over paths");
    el.classList.add("clickable");
    el.addEventListener("click", function () { openAt(i); });
    el.addEventListener("keydown", function (e) {
      if (e.key === "Enter" || e.key === " ") { e.preventDefault(); openAt(i); }
    });
  });
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && open !== null) { close(); }
  });
  window.chainrulePaths = {
    open: openAt,
    refresh: function () { if (open !== null) { render(); } },
    close: close,
  };
})();
