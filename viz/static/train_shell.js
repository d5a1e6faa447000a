// The controls every training page shares: the learning rate (number, slider, marked
// rates), batch size, seed and speed; Step, Play/Pause and Reset; the play loop, which
// trains for part of each animation frame and redraws; and the status line that says why
// training stopped. A page hands it its runs (objects with runEpoch, reset, epoch and
// stopped) and its own readouts and figures.
(function () {
  "use strict";
  const cr = window.chainrule;
  const $ = function (id) { return document.getElementById(id); };
  const BUDGET_MS = 9;  // training time per animation frame at full speed

  // page: {spec, runs, size (samples, for the batch size), unit ("epoch" / "round"),
  //        readouts(), figures: [{draw()}], stoppedText(run)}
  cr.shell = function (page) {
    if (window.self !== window.top) { document.body.classList.add("framed"); }
    const spec = page.spec, runs = page.runs, main = runs[0];
    const lrBox = $("lr"), slider = $("lr-slider"), speedBox = $("speed");
    const batchBox = $("batch"), seedBox = $("seed"), status = $("status");

    // ---- settings the learner types -----------------------------------------------------
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
      if (!batchBox) { return spec.batchSize; }
      const v = Number(batchBox.value);
      const ok = Number.isInteger(v) && v >= 1 && v <= page.size;
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
    // The seed orders the batches from the first epoch: a new one starts at Reset.
    if (seedBox) {
      seedBox.addEventListener("input", function () {
        say(readSeed() === undefined ? "Type a whole number as the seed."
          : "Press Reset to start again with this seed.");
      });
    }
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

    // ---- status -------------------------------------------------------------------------
    function say(text) { status.textContent = text; status.classList.remove("alarm"); }
    function readouts() {
      page.readouts();
      const stopped = runs.filter(function (run) { return run.stopped; });
      if (stopped.length) {
        status.textContent = stopped.map(page.stoppedText).join(" ");
        status.classList.add("alarm");
      }
      $("step").disabled = $("play").disabled = stopped.length === runs.length;
    }

    // ---- training -----------------------------------------------------------------------
    let playing = false, owed = 0, last = 0, resumed = false;
    const stats = window.chainruleTrain = { trainer: main, runs: runs, frames: 0 };
    function settings() {
      const lr = readLr(), batch = readBatch();
      if (lr === null) { say("Type a learning rate: a number ≥ 0."); return null; }
      if (batch === undefined) {
        say("Type a batch size from 1 to " + page.size + ".");
        return null;
      }
      return { lr: lr, batch: batch };
    }
    // One epoch of every run; false once every run has stopped.
    function epoch(s, withAccuracy) {
      let going = false;
      runs.forEach(function (run) { going = run.runEpoch(s.lr, s.batch, withAccuracy) || going; });
      return going;
    }
    // pause_at: Play stops when training reaches that epoch (once: Play again goes on).
    function due() { return spec.pauseAt !== null && main.epoch === spec.pauseAt && !resumed; }
    function setPlaying(on) {
      if (on && due()) { resumed = true; }
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
        while (performance.now() - t0 < BUDGET_MS && !due() && epoch(s, false)) {}
        if (!due()) { epoch(s, true); }
      } else {
        owed = Math.min(owed + (t - last) / 1000 * Number(speed), 1000);
        for (; owed >= 1 && !due(); owed--) { epoch(s, owed < 2); }
      }
      last = t;
      draw();
      stats.frames++;
      if (runs.every(function (run) { return run.stopped; })) { setPlaying(false); return; }
      if (due()) {
        setPlaying(false);
        say("Paused at " + page.unit + " " + spec.pauseAt + ". Play goes on.");
        return;
      }
      requestAnimationFrame(frame);
    }
    $("step").addEventListener("click", function () {
      setPlaying(false);
      const s = settings();
      if (s) { epoch(s, true); }
      draw();
    });
    $("play").addEventListener("click", function () { setPlaying(!playing); });
    $("reset").addEventListener("click", function () {
      const seed = readSeed();
      if (seed === undefined) { say("Type a whole number as the seed."); return; }
      setPlaying(false);
      runs.forEach(function (run) { run.reset(seed); });
      resumed = false;
      say("");
      draw();
    });

    function draw() {
      readouts();
      page.figures.forEach(function (f) { if (f) { f.draw(); } });
      if (cr.chainPanel) { cr.chainPanel.refresh(); }
    }
    stats.draw = draw;
    stats.pause = function () { setPlaying(false); };
    draw();
    return stats;
  };
})();
