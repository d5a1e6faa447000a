// The viewer of every chainrule page: the graph (drawn once) in a pan-and-zoom view with
// an overview, and, on a lesson, the frames of the backward pass (texts and highlights).
// Drag pans; Ctrl/⌘ + wheel or a pinch zooms, a plain wheel scrolls the page; a click on
// the overview moves the view there; "#show=NAME" in the address (a lesson's caption
// links here) brings that node or edge ("w₃ → z³") into view.
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("viz-data").textContent);
  const view = document.getElementById("view");
  const camera = document.getElementById("camera");
  const overview = document.getElementById("overview");
  const byId = function (id) { return document.getElementById(id); };
  const frames = data.frames;
  const reduced = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  const cam = { s: 1, x: 0, y: 0 };
  // The smallest zoom a first view may use: the graph's smallest text stays ≥ 11 px.
  const LEGIBLE = 11 / Math.min.apply(null, [12].concat(Array.from(
    camera.querySelectorAll("text[font-size]"),
    function (t) { return Number(t.getAttribute("font-size")) || 12; })));
  let anim = null, target = null;
  if (window.self !== window.top) { document.body.classList.add("framed"); }
  // ---- the camera ----
  function place() {
    camera.setAttribute("transform",
      "translate(" + cam.x + " " + cam.y + ") scale(" + cam.s + ")");
    drawRegion();
  }
  function stopMoving() {
    if (anim !== null) { cancelAnimationFrame(anim); anim = null; }
    delete view.dataset.moving;
  }
  // A move still under way jumps to where it was going: what is in view is measured there.
  function finish() {
    if (anim === null) { return; }
    stopMoving();
    cam.x = target.x; cam.y = target.y; place();
  }
  function moveTo(x, y, smooth) {
    stopMoving();
    target = { x: x, y: y };
    if (!smooth || reduced) { cam.x = x; cam.y = y; place(); return; }
    const x0 = cam.x, y0 = cam.y, t0 = performance.now(), ms = 350;
    view.dataset.moving = "1";
    function tick(t) {
      const u = Math.min(1, (t - t0) / ms);
      const e = u < 0.5 ? 2 * u * u : 1 - Math.pow(-2 * u + 2, 2) / 2;
      cam.x = x0 + (x - x0) * e; cam.y = y0 + (y - y0) * e; place();
      if (u < 1) { anim = requestAnimationFrame(tick); return; }
      anim = null;
      delete view.dataset.moving;
    }
    anim = requestAnimationFrame(tick);
  }
  function zoomAt(px, py, factor) {
    stopMoving();
    const s = Math.max(0.05, Math.min(4, cam.s * factor));
    const f = s / cam.s;
    cam.x = px - (px - cam.x) * f; cam.y = py - (py - cam.y) * f; cam.s = s; place();
  }
  function fit() {
    const w = view.clientWidth, h = view.clientHeight;
    stopMoving();
    cam.s = Math.min(w / data.width, h / data.height);
    cam.x = (w - data.width * cam.s) / 2; cam.y = (h - data.height * cam.s) / 2; place();
  }
  function actual() {
    zoomAt(view.clientWidth / 2, view.clientHeight / 2, 1 / cam.s);
    reveal(current, true, false);
  }
  // Bring elements into view (centred) unless they are already well inside.
  function reveal(ids, force, smooth) {
    const els = ids.map(byId).filter(Boolean);
    if (!els.length) { return; }
    finish();
    const v = view.getBoundingClientRect();
    const margin = 24;
    function box(list) {
      const rs = list.map(function (e) { return e.getBoundingClientRect(); });
      return { l: Math.min.apply(null, rs.map(function (r) { return r.left; })),
               t: Math.min.apply(null, rs.map(function (r) { return r.top; })),
               r: Math.max.apply(null, rs.map(function (r) { return r.right; })),
               b: Math.max.apply(null, rs.map(function (r) { return r.bottom; })) };
    }
    let r = box(els);
    if (r.r - r.l > v.width - 2 * margin || r.b - r.t > v.height - 2 * margin) {
      r = box([els[0]]);
      const label = els[0].querySelector("text");
      if ((r.r - r.l > v.width - 2 * margin || r.b - r.t > v.height - 2 * margin) && label) {
        r = box([label]);
      }
    }
    const inside = r.l >= v.left + margin && r.r <= v.right - margin &&
                   r.t >= v.top + margin && r.b <= v.bottom - margin;
    if (inside && !force) { return; }
    // The first frame puts the output against the view's far side (data.anchor says
    // which), so the steps to come, towards the inputs, fill the rest; else centred.
    const at = index === 0 && ids === current ? data.anchor : [0.5, 0.5];
    function shift(lo, hi, from, size, a) {
      if (a > 0.5) { return from + size - margin - hi; }
      if (a < 0.5) { return from + margin - lo; }
      return from + size / 2 - (lo + hi) / 2;
    }
    const dx = shift(r.l, r.r, v.left, v.width, at[0]);
    const dy = shift(r.t, r.b, v.top, v.height, at[1]);
    moveTo(cam.x + dx, cam.y + dy, smooth);
  }
  // ---- texts: written in one batch, then measured once ----
  const room = {};
  function setTexts(texts) {
    const written = [];
    Object.keys(texts).forEach(function (id) {
      const el = byId(id);
      if (!el) { return; }
      el.textContent = texts[id];
      if (el.hasAttribute("textLength")) { el.removeAttribute("textLength"); }
      if (room[id] && texts[id]) { written.push(el); }
    });
    // Reads after all the writes: one layout, however many texts changed.
    const long = written.filter(function (el) { return el.getComputedTextLength() > room[el.id]; });
    long.forEach(function (el) {
      el.setAttribute("textLength", room[el.id]);
      el.setAttribute("lengthAdjust", "spacingAndGlyphs");
    });
  }
  Object.keys(data.initial).forEach(function (id) {
    const el = byId(id);
    if (el) { room[id] = el.getComputedTextLength(); }
  });
  const reached = {};
  frames.forEach(function (f, k) {
    f.current.forEach(function (id) { if (!(id in reached)) { reached[id] = k; } });
  });
  // What frame k shows: every changing text, the sentence and its detail. A live page
  // replaces this (it renders texts from the numbers it recomputes).
  function framed(k) {
    const texts = Object.assign({}, data.initial);
    for (let i = 0; i <= k; i++) { Object.assign(texts, frames[i].texts); }
    return { texts: texts, sentence: frames[k].sentence, detail: frames[k].detail };
  }
  let current = [];
  let index = 0;
  let shown = {};
  const hooks = [];
  const api = { data: data, hooks: hooks, frame: framed,
                index: function () { return index; },
                // The current frame again, its texts rewritten; the view stays where the
                // learner put it (a nudge must not pull it back to the current step).
                redraw: function () { show(index, false, true); },
                reveal: function (ids) { reveal(ids, false, true); },
                pan: function (dx, dy) { finish(); moveTo(cam.x + dx, cam.y + dy, true); },
                byId: byId };
  function show(k, smooth, stay) {
    index = Math.max(0, Math.min(frames.length - 1, k));
    const f = api.frame(index);
    const changed = {};
    Object.keys(f.texts).forEach(function (id) {
      if (shown[id] !== f.texts[id]) { changed[id] = f.texts[id]; }
    });
    setTexts(changed);
    shown = f.texts;
    current.forEach(function (id) {
      const el = byId(id);
      if (el) { el.removeAttribute("aria-current"); el.classList.remove("current"); }
    });
    current = frames[index].current.slice();
    Object.keys(reached).forEach(function (id) {
      const el = byId(id);
      if (!el) { return; }
      el.classList.toggle("done", reached[id] < index);
      el.classList.toggle("pending", reached[id] > index);
    });
    current.forEach(function (id) {
      const el = byId(id);
      if (el) { el.setAttribute("aria-current", "step"); el.classList.add("current"); }
    });
    if (data.lesson) {
      byId("slider").value = String(index);
      byId("counter").textContent = "Step " + index + " / " + (frames.length - 1);
      byId("narration").textContent = f.sentence;
      byId("detail").textContent = f.detail;
    }
    hooks.forEach(function (hook) { hook(index); });
    drawCurrent();
    if (!stay) { reveal(current, false, smooth); }
  }
  // For scripts that extend a page (paths, live lessons): they reach the viewer here.
  window.chainrulePage = api;
  // ---- the overview: the whole graph small, the visible region, the current step ----
  const SVG = "http://www.w3.org/2000/svg";
  const drawing = camera.firstElementChild;
  let region = null, marker = null;
  if (overview && drawing) {
    const copy = drawing.cloneNode(true);
    copy.removeAttribute("id");
    copy.querySelectorAll("[id]").forEach(function (e) { e.removeAttribute("id"); });
    copy.querySelectorAll("text").forEach(function (e) { e.remove(); });
    overview.appendChild(copy);
    marker = document.createElementNS(SVG, "rect");
    marker.setAttribute("class", "ov-current");
    copy.appendChild(marker);
    region = document.createElementNS(SVG, "rect");
    region.setAttribute("class", "ov-region");
    overview.appendChild(region);
    const ratio = data.width / Math.max(1, data.height);
    overview.style.aspectRatio = String(ratio);
    overview.addEventListener("pointerdown", function (e) { e.stopPropagation(); });
    overview.addEventListener("click", function (e) {
      const m = overview.getScreenCTM();
      if (!m) { return; }
      const pt = new DOMPoint(e.clientX, e.clientY).matrixTransform(m.inverse());
      moveTo(view.clientWidth / 2 - pt.x * cam.s, view.clientHeight / 2 - pt.y * cam.s, true);
    });
  }
  function drawRegion() {
    if (!region) { return; }
    const x = -cam.x / cam.s, y = -cam.y / cam.s;
    const w = view.clientWidth / cam.s, h = view.clientHeight / cam.s;
    region.setAttribute("x", String(x)); region.setAttribute("y", String(y));
    region.setAttribute("width", String(Math.max(0, w)));
    region.setAttribute("height", String(Math.max(0, h)));
  }
  function drawCurrent() {
    if (!marker) { return; }
    const els = current.map(byId).filter(Boolean);
    if (!els.length) { marker.setAttribute("width", "0"); return; }
    let l = Infinity, t = Infinity, r = -Infinity, b = -Infinity;
    els.forEach(function (el) {
      const bb = el.getBBox();
      l = Math.min(l, bb.x); t = Math.min(t, bb.y);
      r = Math.max(r, bb.x + bb.width); b = Math.max(b, bb.y + bb.height);
    });
    const pad = Math.max(6, (data.width + data.height) / 150);
    marker.setAttribute("x", String(l - pad)); marker.setAttribute("y", String(t - pad));
    marker.setAttribute("width", String(r - l + 2 * pad));
    marker.setAttribute("height", String(b - t + 2 * pad));
  }
  // ---- pan (drag), zoom (Ctrl/⌘ + wheel, pinch), fit ----
  const pointers = new Map();
  let pinch = null;
  const DRAG = 4;  // pixels a pointer moves before a press becomes a drag (else a click)
  view.addEventListener("pointerdown", function (e) {
    if (e.button !== 0 && e.pointerType === "mouse") { return; }
    stopMoving();
    pointers.set(e.pointerId, { x: e.clientX, y: e.clientY, x0: e.clientX, y0: e.clientY,
                                dragging: false });
  });
  view.addEventListener("pointermove", function (e) {
    const p = pointers.get(e.pointerId);
    if (!p) { return; }
    if (!p.dragging && Math.hypot(e.clientX - p.x0, e.clientY - p.y0) < DRAG &&
        pointers.size === 1) { return; }
    if (!p.dragging) {
      p.dragging = true;
      try { view.setPointerCapture(e.pointerId); } catch (err) { /* a pointer already gone */ }
      view.classList.add("dragging");
    }
    if (pointers.size === 1) {
      cam.x += e.clientX - p.x; cam.y += e.clientY - p.y; place();
    }
    p.x = e.clientX; p.y = e.clientY;
    if (pointers.size === 2) {
      const [a, b] = Array.from(pointers.values());
      const d = Math.hypot(a.x - b.x, a.y - b.y);
      const v = view.getBoundingClientRect();
      const mx = (a.x + b.x) / 2 - v.left, my = (a.y + b.y) / 2 - v.top;
      if (pinch !== null && pinch > 0) { zoomAt(mx, my, d / pinch); }
      pinch = d;
    }
  });
  let dragged = false;
  function release(e) {
    const p = pointers.get(e.pointerId);
    dragged = Boolean(p && p.dragging);
    pointers.delete(e.pointerId);
    pinch = null;
    if (!pointers.size) { view.classList.remove("dragging"); }
  }
  view.addEventListener("pointerup", release);
  view.addEventListener("pointercancel", release);
  // A drag ends with a click on what is under the pointer: that click is not a click.
  view.addEventListener("click", function (e) {
    if (dragged) { e.stopPropagation(); dragged = false; }
  }, true);
  const hint = byId("zoom-hint");
  let hintTimer = null;
  view.addEventListener("wheel", function (e) {
    if (!(e.ctrlKey || e.metaKey)) {  // a plain wheel scrolls the page, as everywhere else
      if (hint) {
        hint.hidden = false;
        clearTimeout(hintTimer);
        hintTimer = setTimeout(function () { hint.hidden = true; }, 1500);
      }
      return;
    }
    e.preventDefault();  // Ctrl + wheel (and a trackpad pinch, which Chromium sends so)
    const v = view.getBoundingClientRect();
    zoomAt(e.clientX - v.left, e.clientY - v.top, Math.exp(-e.deltaY * 0.0015));
  }, { passive: false });
  byId("fit").addEventListener("click", fit);
  byId("actual").addEventListener("click", actual);
  byId("zoom-in").addEventListener("click", function () {
    zoomAt(view.clientWidth / 2, view.clientHeight / 2, 1.25);
  });
  byId("zoom-out").addEventListener("click", function () {
    zoomAt(view.clientWidth / 2, view.clientHeight / 2, 0.8);
  });
  // ---- citations: "#show=w₃ → z³" brings that edge (or node) into view ----
  const labels = (data.graph && data.graph.labels) || {};
  const spaced = function (s) { return s.replace(/\s+/g, "").replace(/->/g, "→"); };
  function cite() {
    const m = /(?:^#|&)show=([^&]*)/.exec(window.location.hash);
    document.querySelectorAll(".cited").forEach(function (e) { e.classList.remove("cited"); });
    if (!m) { return; }
    const want = spaced(decodeURIComponent(m[1]));
    const ids = Object.keys(labels).filter(function (id) { return spaced(labels[id]) === want; });
    ids.forEach(function (id) { const el = byId(id); if (el) { el.classList.add("cited"); } });
    if (ids.length) { reveal(ids, true, true); }
  }
  window.addEventListener("hashchange", cite);
  if (data.lesson) {
    const play = byId("play");
    const slider = byId("slider");
    let timer = null;
    const stop = function () {
      if (timer !== null) { clearInterval(timer); timer = null; }
      play.setAttribute("aria-pressed", "false");
    };
    const step = function (by) { stop(); show(index + by, true); };
    byId("prev").addEventListener("click", function () { step(-1); });
    byId("next").addEventListener("click", function () { step(1); });
    play.addEventListener("click", function () {
      if (timer !== null) { stop(); return; }
      if (index === frames.length - 1) { show(0, true); }
      play.setAttribute("aria-pressed", "true");
      timer = setInterval(function () {
        if (index >= frames.length - 1) { stop(); } else { show(index + 1, true); }
      }, data.interval);
    });
    slider.addEventListener("input", function () { stop(); show(Number(slider.value), true); });
    document.addEventListener("keydown", function (e) {
      const t = e.target;
      if (t && t.closest && t.closest("input, select, textarea, [role=tab], #overview")) {
        return;
      }
      if (e.key === "ArrowLeft") { step(-1); e.preventDefault(); }
      if (e.key === "ArrowRight") { step(1); e.preventDefault(); }
    });
  }
  // The first view: the whole graph when its text stays legible so, else 100% around the
  // output (the steps to come fill the rest of the view).
  const whole = Math.min(view.clientWidth / data.width, view.clientHeight / data.height);
  place();
  show(0, false);
  if (whole >= LEGIBLE) {
    cam.s = Math.min(1, whole);
    cam.x = (view.clientWidth - data.width * cam.s) / 2;
    cam.y = (view.clientHeight - data.height * cam.s) / 2;
    place();
  } else {
    reveal(current, true, false);
  }
  cite();
})();
