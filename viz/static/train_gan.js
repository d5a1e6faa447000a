// A viz.train_gan_live page: a GAN's rounds (D's turn, then G's through D) with the tapes
// of viz/train_gan.py, Adam as nn.Adam, the tricks as switches; the real and generated
// distributions with D's verdict and the direction each of G's samples is told to move;
// and, on a click, the chain rule that moves a sample.
(function () {
  "use strict";
  const cr = window.chainrule, P = cr.plot, short = P.short;
  const spec = JSON.parse(document.getElementById("train-data").textContent);
  const $ = function (id) { return document.getElementById(id); };
  const LOOK = 600;  // noise vectors whose samples draw G's distribution

  function Gan() {
    this.G = spec.gInitial.length; this.D = spec.dInitial.length;
    this.loaded = {};
    this.flags = {};
    const flags = this.flags;
    spec.tricks.forEach(function (t) { flags[t.key] = t.on; });
    this.real = 0;
    this.gGrads = new Float64Array(this.G + this.D);
    this.dGrads = new Float64Array(this.D);
    this.both = new Float64Array(this.G + this.D);
    const B = spec.batchSize;
    this.pairs = Array.from({ length: 2 * B }, function (_, i) { return i; });
    this.dRows = Array.from({ length: 2 * B }, function () { return [0, 0]; });
    this.gRows = Array.from({ length: B }, function () { return new Array(spec.noise + 1); });
    // The noise G's drawn samples come from: fixed, so the picture moves only with G.
    const look = new cr.PyRandom(2718281828);
    this.look = Array.from({ length: LOOK }, function () {
      return Array.from({ length: spec.noise }, function () { return look.gauss(0, 1); });
    });
    this.reset(spec.seed);
  }
  Gan.prototype.tapes = function () {
    const key = "n" + (this.flags.normalize ? 1 : 0) + "w" + (this.flags.wasserstein ? 1 : 0);
    if (!this.loaded[key]) {
      const t = spec.tapes[key], out = {};
      Object.keys(t).forEach(function (k) { out[k] = cr.loadTape(t[k]); });
      this.loaded[key] = out;
    }
    return this.loaded[key];
  };
  Gan.prototype.reset = function (seed) {
    this.wG = Float64Array.from(spec.gInitial);
    this.wD = Float64Array.from(spec.dInitial);
    this.adamG = new cr.Adam(this.G, spec.betas, spec.eps);
    this.adamD = new cr.Adam(this.D, spec.betas, spec.eps);
    this.rng = new cr.PyRandom(seed);
    this.epoch = 0;
    this.dHistory = new cr.Record(); this.gHistory = new cr.Record();
    this.stopped = null;
  };
  Gan.prototype.stop = function (culprit, state) {
    this.stopped = { epoch: this.epoch + 1, culprit: culprit, state: state };
    return false;
  };
  // G's loss and gradient over the batch's noise rows (at the current D), into gGrads.
  Gan.prototype.gTurn = function (tapes) {
    const B = spec.batchSize;
    this.both.set(this.wG, 0);
    this.both.set(this.wD, this.G);
    return cr.batchGrad(tapes.gLoss.grad, this.both, this.gRows, this.pairs, 0, B, 1 / B,
                        this.gGrads) / B;
  };
  Gan.prototype.check = function (who, loss, grads, names) {
    if (!Number.isFinite(loss)) {
      return this.stop(who + "'s loss is " + cr.pyRepr(loss), "the weights are as they were " +
                       "before this round");
    }
    const bad = cr.firstBad(grads);
    if (bad >= 0) {
      return this.stop("the gradient of " + names[bad] + " is " + cr.pyRepr(grads[bad]),
                       "the weights are as they were before this round");
    }
    return true;
  };
  // One round of examples/gan.py's loop, its random draws from Python's random.Random.
  Gan.prototype.runEpoch = function (lr0) {
    if (this.stopped) { return false; }
    const f = this.flags, rng = this.rng, B = spec.batchSize, K = spec.noise, T = spec.rounds;
    const r = this.epoch, tapes = this.tapes(), wgan = f.wasserstein;
    const lr = lr0 * (1 + (spec.finalLr - 1) * Math.min(r, T) / T);
    const sd = f.noise ? spec.inputNoise * Math.max(0, 1 - r / T) : 0;
    const modes = spec.real[this.real].modes;
    const picks = modes.length > 1
      ? Array.from({ length: B }, function () { return rng.randbelow(modes.length); })
      : new Array(B).fill(0);
    const real = picks.map(function (m) { return rng.gauss(modes[m][0], modes[m][1]); });
    const z = [];
    for (let b = 0; b < B; b++) {
      z.push([]);
      for (let k = 0; k < K; k++) { z[b].push(rng.gauss(0, 1)); }
    }
    const fake = z.map(function (zb) { return tapes.sample.forward(this.wG, zb); }, this);
    const realT = wgan ? -1 : (f.smooth ? spec.realLabel : 1), fakeT = wgan ? 1 : 0;
    const rows = this.dRows;
    for (let i = 0; i < 2 * B; i++) { rows[i][1] = i < B ? realT : fakeT; }
    if (f.flip && !wgan) {
      for (let i = 0; i < 2 * B; i++) {
        if (rng.random() < spec.flip) { rows[i][1] = rows[i][1] === fakeT ? realT : fakeT; }
      }
    }
    for (let i = 0; i < 2 * B; i++) {
      rows[i][0] = (i < B ? real[i] : fake[i - B]) + rng.gauss(0, 1) * sd;
    }
    for (let b = 0; b < B; b++) {
      for (let k = 0; k < K; k++) { this.gRows[b][k] = rng.gauss(0, 1); }
    }
    for (let b = 0; b < B; b++) { this.gRows[b][K] = rng.gauss(0, 1) * sd; }
    const names = spec.gNames.concat(spec.dNames).map(function (n) { return "'" + n + "'"; });
    let gLoss = null;
    if (!f.alternate) {  // both gradients at the same point, then both steps
      gLoss = this.gTurn(tapes);
      if (!this.check("G", gLoss, this.gGrads, names)) { return false; }
    }
    // D's turn: the mean over its 2·B rows.
    const dLoss = cr.batchGrad(tapes.dLoss.grad, this.wD, rows, this.pairs, 0, 2 * B,
                               1 / (2 * B), this.dGrads) / (2 * B);
    if (!this.check("D", dLoss, this.dGrads, names.slice(this.G))) { return false; }
    this.adamD.step(this.wD, this.dGrads, lr, 0);
    if (wgan) {
      for (let j = 0; j < this.D; j++) {
        this.wD[j] = Math.min(spec.clip, Math.max(-spec.clip, this.wD[j]));
      }
    }
    // G's turn through D; with D frozen only G steps.
    if (f.alternate) {
      gLoss = this.gTurn(tapes);
      if (!this.check("G", gLoss, this.gGrads, names)) { return false; }
    }
    this.adamG.step(this.wG, this.gGrads, lr, 0);
    if (!f.freeze) { this.adamD.step(this.wD, this.gGrads, lr, this.G); }
    const moved = cr.firstBad(this.wG) >= 0 ? "G" : cr.firstBad(this.wD) >= 0 ? "D" : null;
    if (moved) { return this.stop(moved + "'s weights became non-finite in the step", ""); }
    this.epoch = r + 1;
    this.dHistory.push(dLoss);
    this.gHistory.push(gLoss);
    return true;
  };
  // For one noise vector: G's sample, D's verdict, ∂L_G/∂x̂, and G's gradients both ways.
  Gan.prototype.explain = function (z) {
    const tapes = this.tapes(), G = this.G;
    const dx = tapes.sample.grad(this.wG, z, 1);  // [x̂, ∂x̂/∂θ]
    const dataD = Array.from(this.wD).concat([0]);
    const told = tapes.told.grad([dx[0]], dataD, 1);  // [L_G, [∂L_G/∂x̂]]
    this.both.set(this.wG, 0);
    this.both.set(this.wD, G);
    const whole = tapes.gLoss.grad(this.both, z.concat([0]), 1);
    return { xhat: dx[0], dxdw: dx[1], loss: told[0], told: told[1][0],
             verdict: tapes.verdict.forward(this.wD, [dx[0]]), grads: whole[1].slice(0, G) };
  };
  Gan.prototype.samples = function () {
    const t = this.tapes(), w = this.wG;
    return this.look.map(function (z) { return t.sample.forward(w, z); });
  };

  const gan = new Gan();
  window.chainruleGan = gan;
  // The critic has no labels: label smoothing and flipping do nothing under it, so their
  // switches are greyed (kept as set, for when the critic is switched off again).
  const LABEL_TRICKS = ["smooth", "flip"];
  function labelTricks() {
    document.querySelectorAll("input[data-trick]").forEach(function (box) {
      if (LABEL_TRICKS.indexOf(box.dataset.trick) < 0) { return; }
      box.disabled = Boolean(gan.flags.wasserstein);
      box.parentElement.title = box.disabled ? "the Wasserstein critic has no labels" : "";
    });
  }
  document.querySelectorAll("input[data-trick]").forEach(function (box) {
    box.addEventListener("change", function () {
      gan.flags[box.dataset.trick] = box.checked;
      labelTricks();
    });
  });
  labelTricks();
  $("real").addEventListener("change", function () { gan.real = Number($("real").value); });

  const figures = cr.ganFigures(spec, gan);
  function readouts() {
    $("epoch").textContent = String(gan.epoch);
    const d = gan.dHistory, g = gan.gHistory;
    $("d-loss").textContent = d.count ? short(d.last) : "\u2014";
    $("g-loss").textContent = g.count ? short(g.last) : "\u2014";
    const xs = gan.samples();
    const mean = xs.reduce(function (a, b) { return a + b; }, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce(function (a, b) { return a + (b - mean) * (b - mean); }, 0) /
                         xs.length);
    $("moments").textContent = "mean " + chainruleNumbers.fmt(mean, 3) + ", std " +
      chainruleNumbers.fmt(sd, 3);
  }
  cr.shell({
    spec: spec, runs: [gan], size: spec.batchSize, unit: "round", readouts: readouts,
    figures: figures,
    stoppedText: function (run) {
      const s = run.stopped;
      return "Training stopped in round " + s.epoch + ": " + s.culprit +
        (s.state ? "; " + s.state : "") + ". Lower the learning rate and press Reset.";
    },
  });
})();
