(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("viz-data").textContent);
  const view = document.getElementById("view");
  const camera = document.getElementById("camera");
  const byId = function (id) { return document.getElementById(id); };
  const frames = data.frames;
  const reduced = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  const cam = { s: 1, x: 0, y: 0 };
  let anim = null;
  function place() {
    camera.setAttribute("transform",
      "translate(" + cam.x + " " + cam.y + ") scale(" + cam.s + ")");
  }
  function stopMoving() {
    if (anim !== null) { cancelAnimationFrame(anim); anim = null; }
    delete view.dataset.moving;
  }
  function moveTo(x, y, smooth) {
    stopMoving();
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
    const w = view.clientWidth / 2, h = view.clientHeight / 2;
    zoomAt(w, h, 1 / cam.s);
    reveal(true, false);
  }
  // Bring the current elements into view (centred) unless they are already well inside.
  function reveal(force, smooth) {
    const els = current.map(byId).filter(Boolean);
    if (!els.length) { return; }
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
    const at = index === 0 ? data.anchor : [0.5, 0.5];
    const dx = (v.left + v.width * at[0]) - (r.l + r.r) / 2;
    const dy = (v.top + v.height * at[1]) - (r.t + r.b) / 2;
    moveTo(cam.x + dx, cam.y + dy, smooth);
  }
  // The one function that writes a text of the picture.
  const room = {};
  function setText(id, text) {
    const el = byId(id);
    if (!el) { return; }
    el.textContent = text;
    el.removeAttribute("textLength");
    if (room[id] && text && el.getComputedTextLength() > room[id]) {
      el.setAttribute("textLength", room[id]);
      el.setAttribute("lengthAdjust", "spacingAndGlyphs");
    }
  }
  Object.keys(data.initial).forEach(function (id) {
    const el = byId(id);
    if (el) { room[id] = el.getComputedTextLength(); }
  });
  const reached = {};
  frames.forEach(function (f, k) {
    f.current.forEach(function (id) { if (!(id in reached)) { reached[id] = k; } });
  });
  let current = [];
  let index = 0;
  let shown = {};
  const hooks = [];
  function show(k, smooth) {
    index = Math.max(0, Math.min(frames.length - 1, k));
    const texts = Object.assign({}, data.initial);
    for (let i = 0; i <= index; i++) { Object.assign(texts, frames[i].texts); }
    Object.keys(texts).forEach(function (id) {
      if (shown[id] !== texts[id]) { setText(id, texts[id]); }
    });
    shown = texts;
    const f = frames[index];
    current.forEach(function (id) {
      const el = byId(id);
      if (el) { el.removeAttribute("aria-current"); el.classList.remove("current"); }
    });
    current = f.current.slice();
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
    reveal(false, smooth);
  }
  // For scripts that extend a page (live lessons): rewrite data, then show(k) again.
  window.chainrulePage = { data: data, setText: setText, hooks: hooks,
                           index: function () { return index; },
                           show: function (k) { show(k, false); } };
  // Pan (drag), zoom (wheel, pinch), fit.
  const pointers = new Map();
  let pinch = null;
  view.addEventListener("pointerdown", function (e) {
    stopMoving();
    try { view.setPointerCapture(e.pointerId); } catch (err) { /* a pointer already gone */ }
    pointers.set(e.pointerId, { x: e.clientX, y: e.clientY });
    view.classList.add("dragging");
  });
  view.addEventListener("pointermove", function (e) {
    const p = pointers.get(e.pointerId);
    if (!p) { return; }
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
  function release(e) {
    pointers.delete(e.pointerId);
    pinch = null;
    if (!pointers.size) { view.classList.remove("dragging"); }
  }
  view.addEventListener("pointerup", release);
  view.addEventListener("pointercancel", release);
  view.addEventListener("wheel", function (e) {
    e.preventDefault();
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
      if (e.target === slider) { return; }
      if (e.key === "ArrowLeft") { step(-1); e.preventDefault(); }
      if (e.key === "ArrowRight") { step(1); e.preventDefault(); }
    });
  }
  place();
  show(0, false);
  reveal(true, false);
})();
