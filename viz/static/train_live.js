// A training page: controls, readouts and the play loop around a chainrule.Trainer, and
// the figures (the model over the data, the loss curve, the weights) redrawn every frame.
(function () {
  "use strict";
  const cr = window.chainrule, P = cr.plot;
  const spec = JSON.parse(document.getElementById("train-data").textContent);
  const $ = function (id) { return document.getElementById(id); };
  const trainer = new cr.Trainer(spec);
  const BUDGET_MS = 9;  // training time per animation frame at full speed

  // ---- numbers as the page prints them -------------------------------------------------
  function full(x) {  // the loss readout: 12 significant digits (fit's number to 1e-11)
    const a = Math.abs(x);
    return a !== 0 && (a < 1e-4 || a >= 1e6) ? x.toExponential(11) : x.toPrecision(12);
  }
  function short(x) {
    if (!Number.isFinite(x)) { return cr.pyRepr(x); }
    const a = Math.abs(x);
    const text = a !== 0 && (a < 1e-4 || a >= 1e6) ? x.toExponential(3) : String(+x.toPrecision(6));
    return text.replace("-", "\u2212");
  }
  cr.short = short;

  // ---- settings the learner types -------------------------------------------------------
  const lrBox = $("lr"), slider = $("lr-slider"), speedBox = $("speed");
  const batchBox = $("batch"), seedBox = $("seed");
  const lrTop = (function () {
    const top = Math.max(spec.lr, ...spec.marks.map(function (m) { return m.value; })) * 2.2;
    const mag = Math.pow(10, Math.floor(Math.log10(top || 1)));
    return [1, 2, 5, 10].map(function (f) { return f * mag; })
      .find(function (s) { return s >= top; }) || 1;
  })();
  function readLr() {
    const v = lrBox.value.trim() === "" ? NaN : Number(lrBox.value);
    const ok = Number.isFinite(v) && v >= 0;
    lrBox.setAttribute("aria-invalid", ok ? "false" : "true");
    return ok ? v : null;
  }
  function readBatch() {
    if (!batchBox) { return null; }
    const v = Number(batchBox.value);
    const ok = Number.isInteger(v) && v >= 1 && v <= trainer.n;
    batchBox.setAttribute("aria-invalid", ok ? "false" : "true");
    return ok ? v : undefined;
  }
  function readSeed() {
    if (!seedBox) { return spec.seed; }
    const text = seedBox.value.trim();
    const ok = /^-?\d+$/.test(text);
    seedBox.setAttribute("aria-invalid", ok ? "false" : "true");
    return ok ? text : undefined;
  }
  function syncSlider() {
    const v = readLr();
    if (v !== null) { slider.value = String(Math.round(Math.min(1, v / lrTop) * 1000)); }
  }
  lrBox.addEventListener("input", function () { syncSlider(); say(""); });
  slider.addEventListener("input", function () {
    lrBox.value = String(+(slider.value / 1000 * lrTop).toPrecision(3));
    lrBox.dispatchEvent(new Event("input"));
  });
  document.querySelectorAll(".mark").forEach(function (b) {
    b.addEventListener("click", function () {
      lrBox.value = b.dataset.lr;
      lrBox.dispatchEvent(new Event("input"));
    });
  });
  syncSlider();

  // ---- readouts and status --------------------------------------------------------------
  const status = $("status");
  function say(text) { status.textContent = text; status.classList.toggle("alarm", false); }
  function stoppedText(s) {
    return "Training stopped at epoch " + s.epoch + ", batch " + s.batch + ": " + s.culprit +
      "; " + s.state + ". The learning rate is too large for this loss: lower it and " +
      "press Reset.";
  }
  function readouts() {
    $("epoch").textContent = String(trainer.epoch);
    const h = trainer.history;
    $("loss").textContent = h.length ? full(h[h.length - 1]) : "\u2014";
    if ($("accuracy") && trainer.accuracy !== null) {
      $("accuracy").textContent = (100 * trainer.accuracy).toFixed(1) + "%";
    }
    if (trainer.stopped) {
      status.textContent = stoppedText(trainer.stopped);
      status.classList.add("alarm");
    }
    $("step").disabled = $("play").disabled = trainer.stopped !== null;
  }

  // ---- training -------------------------------------------------------------------------
  let playing = false, owed = 0, last = 0;
  const stats = window.chainruleTrain = { trainer: trainer, frames: 0 };
  function settings() {
    const lr = readLr(), batch = readBatch();
    if (lr === null) { say("Type a learning rate: a number ≥ 0."); return null; }
    if (batch === undefined) { say("Type a batch size from 1 to " + trainer.n + "."); return null; }
    return { lr: lr, batch: batch };
  }
  function step() {
    const s = settings();
    if (s) { trainer.runEpoch(s.lr, s.batch, true); }
    draw();
  }
  function setPlaying(on) {
    playing = on;
    $("play").textContent = on ? "Pause" : "Play";
    if (on) { owed = 0; last = performance.now(); requestAnimationFrame(frame); }
  }
  function frame(t) {
    if (!playing) { return; }
    const s = settings();
    if (!s) { setPlaying(false); return; }
    const speed = speedBox.value;
    if (speed === "max") {
      const t0 = performance.now();
      while (performance.now() - t0 < BUDGET_MS && trainer.runEpoch(s.lr, s.batch, false)) {}
      trainer.runEpoch(s.lr, s.batch, true);
    } else {
      owed = Math.min(owed + (t - last) / 1000 * Number(speed), 1000);
      for (; owed >= 1; owed--) { trainer.runEpoch(s.lr, s.batch, owed < 2); }
    }
    last = t;
    draw();
    stats.frames++;
    if (trainer.stopped) { setPlaying(false); return; }
    requestAnimationFrame(frame);
  }
  $("step").addEventListener("click", function () { setPlaying(false); step(); });
  $("play").addEventListener("click", function () { setPlaying(!playing); });
  $("reset").addEventListener("click", function () {
    const seed = readSeed();
    if (seed === undefined) { say("Type a whole number as the shuffle seed."); return; }
    setPlaying(false);
    trainer.reset(seed);
    say("");
    draw();
  });

  // ---- figures --------------------------------------------------------------------------
  const figures = [cr.pictureFigure(spec, trainer, $("picture")),
                   cr.curveFigure(spec, trainer, $("curve")),
                   cr.weightsFigure(spec, trainer, $("weights"))];
  function draw() {
    readouts();
    figures.forEach(function (f) { if (f) { f.draw(); } });
    if (cr.chainPanel) { cr.chainPanel.refresh(); }
  }
  function fitHeader() {
    document.body.style.setProperty("--header", document.querySelector("header").offsetHeight + "px");
  }
  window.addEventListener("resize", fitHeader);
  fitHeader();
  stats.draw = draw;
  stats.pause = function () { setPlaying(false); };
  draw();
})();
