// Training in the browser as nn.fit(compile=True) trains: the same tapes, batches, losses,
// SGD update and non-finite checks (viz/train_live.py says which of fit's steps each
// mirrors). No drawing here: a Trainer is numbers in, numbers out.
(function (root) {
  "use strict";
  const cr = root.chainrule = root.chainrule || {};

  // A tape printed by autograd.javascript.tape_source: its forward and grad functions.
  cr.loadTape = function (source) {
    return new Function(source + "\nreturn {forward: forward, grad: grad};")();
  };

  // Python's repr of a float that is not finite, as nn.checks writes it in a message.
  cr.pyRepr = function (x) {
    if (Number.isNaN(x)) { return "nan"; }
    if (x === Infinity) { return "inf"; }
    if (x === -Infinity) { return "-inf"; }
    return String(x);
  };

  function firstBad(xs) {
    for (let i = 0; i < xs.length; i++) {
      if (!Number.isFinite(xs[i])) { return i; }
    }
    return -1;
  }

  // Σ over samples idx[start..end) of a tape's output, and Σ of its gradients (each seeded
  // with `seed`, 1/m for a mean) added into g: a batch as nn.compiled replays it.
  cr.batchGrad = function (grad, w, rows, idx, start, end, seed, g) {
    const P = g.length;
    let total = 0;
    g.fill(0);
    for (let k = start; k < end; k++) {
      const r = grad(w, rows[idx[k]], seed);
      total += r[0];
      const gs = r[1];
      for (let j = 0; j < P; j++) { g[j] += gs[j]; }
    }
    return total;
  };
  cr.firstBad = firstBad;

  // nn.Adam's update, term for term, on the weights w from the gradients g[offset + j].
  function Adam(n, betas, eps) {
    this.betas = betas; this.eps = eps;
    this.m = new Float64Array(n); this.v = new Float64Array(n); this.t = 0;
  }
  Adam.prototype.step = function (w, g, lr, offset) {
    const b1 = this.betas[0], b2 = this.betas[1], m = this.m, v = this.v, eps = this.eps;
    const at = offset || 0;
    this.t++;
    // Bias corrections: m and v start at 0, so early averages are too small.
    const stepSize = lr / (1 - Math.pow(b1, this.t)), bias2 = Math.sqrt(1 - Math.pow(b2, this.t));
    for (let j = 0; j < w.length; j++) {
      const gj = g[at + j];
      m[j] = b1 * m[j] + (1 - b1) * gj;
      v[j] = b2 * v[j] + (1 - b2) * gj * gj;
      w[j] -= stepSize * (m[j] / (Math.sqrt(v[j]) / bias2 + eps));
    }
  };
  cr.Adam = Adam;

  // A run's record (a loss per epoch, the weights after each update) in bounded memory:
  // every item while there are few, then every 2nd, 4th … (the stride doubles whenever
  // KEEP items are kept), so a run left playing for an hour at full speed (hundreds of
  // thousands of epochs a second) keeps KEEP items spread evenly over it, and the latest.
  const KEEP = 4096;
  function Record() { this.items = []; this.stride = 1; this.count = 0; this.last = null; }
  Record.prototype.push = function (item) {
    if (this.count % this.stride === 0) {
      this.items.push(item);
      if (this.items.length === KEEP) {
        this.items = this.items.filter(function (_, k) { return k % 2 === 0; });
        this.stride *= 2;
      }
    }
    this.count++;
    this.last = item;
  };
  // [number, item] for each kept item (numbered from 1 in the order pushed), then the latest.
  Record.prototype.points = function () {
    const stride = this.stride, out = this.items.map(function (item, k) {
      return [k * stride + 1, item];
    });
    if (this.count && out[out.length - 1][0] !== this.count) { out.push([this.count, this.last]); }
    return out;
  };
  cr.Record = Record;

  const BEFORE = "the parameters are as they were before this batch";
  const AFTER = "the model holds the parameters of that step";

  // The model's output for one input: a number, or one number per class (read through
  // a one-hot selector, as nn.compiled's output tape is built).
  function Outputs(spec) {
    this.tape = cr.loadTape(spec.tapes.output);
    this.picks = spec.picks;
    this.row = new Float64Array(spec.inputs[0].length + spec.picks);
  }
  Outputs.prototype.of = function (w, x) {
    if (!this.picks) { return this.tape.forward(w, x); }
    const row = this.row, nin = x.length, out = [];
    for (let j = 0; j < nin; j++) { row[j] = x[j]; }
    for (let c = 0; c < this.picks; c++) {
      row.fill(0, nin);
      row[nin + c] = 1;
      out.push(this.tape.forward(w, row));
    }
    return out;
  };

  // The index of the largest entry, the first of equals (Python's max over the indices).
  function argmax(xs) {
    let best = 0;
    for (let c = 1; c < xs.length; c++) { if (xs[c] > xs[best]) { best = c; } }
    return best;
  }

  // The label an output predicts (nn.train.PREDICTED_LABEL), or null for regression.
  function labeller(classify) {
    if (!classify) { return null; }
    if (classify.argmax) { return argmax; }
    return function (out) { return out > classify.at ? classify.above : classify.below; };
  }

  // The class a target names: itself, or for class probabilities the likeliest class (as
  // nn.fit's accuracy reads them).
  cr.targetClass = function (t) { return Array.isArray(t) ? argmax(t) : t; };

  // fit's loop for gradient descent; with a rule (viz.Rule, lowered), the rule's update
  // instead, one sample at a time, its switches as they are set.
  function Trainer(spec, rule) {
    this.spec = spec;
    this.rule = rule ? {
      name: rule.name,
      flags: rule.switches.map(function (s) { return s.on; }),
      variants: Object.fromEntries(Object.entries(rule.tapes).map(function (kv) {
        return [kv[0], kv[1].map(cr.loadTape)];
      })),
      data: new Float64Array(spec.initial.length + spec.rows[0].length + 1),
    } : null;
    this.tape = cr.loadTape(spec.tapes.loss);
    this.outputs = new Outputs(spec);
    this.label = labeller(spec.classify);
    this.classes = spec.targets.map(cr.targetClass);
    this.rows = spec.rows;
    this.n = spec.rows.length;
    this.P = spec.initial.length;
    this.g = new Float64Array(this.P);
    this.identity = Array.from({ length: this.n }, function (_, i) { return i; });
    this.reset(spec.seed);
  }

  // Back to the initial weights, epoch 0, and a fresh random.Random(seed).
  Trainer.prototype.reset = function (seed) {
    this.w = Float64Array.from(this.spec.initial);
    this.epoch = 0;
    this.history = new Record();
    this.accuracy = null;
    this.stopped = null;
    this.lastGrad = null;
    this.rng = new cr.PyRandom(seed);
    this.path = this.P === 2 ? new Record() : null;
    if (this.path) { this.path.push([this.w[0], this.w[1]]); }
  };

  Trainer.prototype.stop = function (culprit, epoch, batch, state) {
    this.stopped = { culprit: culprit, epoch: epoch, batch: batch, state: state };
  };

  // How many of the batch's samples the current weights label right.
  Trainer.prototype.correct = function (idx, start, end) {
    let right = 0;
    const inputs = this.spec.inputs, classes = this.classes;
    for (let k = start; k < end; k++) {
      if (this.label(this.outputs.of(this.w, inputs[idx[k]])) === classes[idx[k]]) { right++; }
    }
    return right;
  };

  // A rule's step on sample i: its loss before the update, then the rule's new weights.
  Trainer.prototype.ruleStep = function (i, lr, epoch, b) {
    const w = this.w, row = this.rows[i], rule = this.rule, data = rule.data, P = this.P;
    const loss = this.tape.forward(w, row);
    if (!Number.isFinite(loss)) {
      this.stop("the loss is " + cr.pyRepr(loss), epoch, b, BEFORE);
      return null;
    }
    data.set(w, 0);
    for (let j = 0; j < row.length; j++) { data[P + j] = row[j]; }
    data[P + row.length] = lr;
    const key = rule.flags.map(function (f) { return f ? "1" : "0"; }).join("");
    const next = rule.variants[key].map(function (t) { return t.forward([], data); });
    for (let j = 0; j < P; j++) { w[j] = next[j]; }
    return this.moved("the update", epoch, b) ? loss : null;
  };

  // After an update: the weights' path, and fit's check that every weight is finite.
  Trainer.prototype.moved = function (how, epoch, b) {
    const w = this.w;
    if (this.path) { this.path.push([w[0], w[1]]); }
    const bad = firstBad(w);
    if (bad < 0) { return true; }
    this.stop("parameter " + this.spec.quoted[bad] + " became " + cr.pyRepr(w[bad]) + " in " +
              how, epoch, b, AFTER);
    return false;
  };

  // One batch (samples idx[start..end)): its loss before the update, then the update.
  // Returns the loss, or null when a value stopped being finite.
  Trainer.prototype.batch = function (idx, start, end, lr, epoch, b) {
    if (this.rule) { return this.ruleStep(idx[start], lr, epoch, b); }
    const m = end - start, mean = this.spec.reduction === "mean";
    const g = this.g, w = this.w, P = this.P;
    const total = cr.batchGrad(this.tape.grad, w, this.rows, idx, start, end, mean ? 1 / m : 1, g);
    let loss = mean ? total / m : total;
    const l2 = this.spec.l2;
    if (l2) {
      // l2·Σp², and its gradient along dot(params, params)'s two edges: l2·p + l2·p.
      let ss = 0;
      for (let j = 0; j < P; j++) { ss += w[j] * w[j]; }
      loss += l2 * ss;
      for (let j = 0; j < P; j++) { g[j] += l2 * w[j]; }
      for (let j = 0; j < P; j++) { g[j] += l2 * w[j]; }
    }
    if (!Number.isFinite(loss)) {
      this.stop("the loss is " + cr.pyRepr(loss), epoch, b, BEFORE);
      return null;
    }
    const bad = firstBad(g);
    if (bad >= 0) {
      this.stop("the gradient of parameter " + this.spec.quoted[bad] + " is " +
                cr.pyRepr(g[bad]), epoch, b, BEFORE);
      return null;
    }
    for (let j = 0; j < P; j++) { w[j] -= lr * g[j]; }
    this.lastGrad = this.lastGrad || new Float64Array(P);
    this.lastGrad.set(g);
    return this.moved("the optimizer step", epoch, b) ? loss : null;
  };

  // One epoch as fit runs it; batchSize null is the whole set in order. With withAccuracy
  // the accuracy is measured too (each batch's outputs before its update, as fit does).
  // Returns false once training has stopped.
  Trainer.prototype.runEpoch = function (lr, batchSize, withAccuracy) {
    if (this.stopped) { return false; }
    const n = this.n, epoch = this.epoch + 1;
    let idx = this.identity, size = n;
    if (batchSize !== null) {
      idx = this.identity.slice();
      this.rng.shuffle(idx);
      size = batchSize;
    }
    const accuracy = withAccuracy && this.label !== null;
    let total = 0, right = 0;
    for (let start = 0, b = 1; start < n; start += size, b++) {
      const end = Math.min(n, start + size);
      if (accuracy) { right += this.correct(idx, start, end); }
      const loss = this.batch(idx, start, end, lr, epoch, b);
      if (loss === null) { return false; }
      total += loss * (end - start);
    }
    this.epoch = epoch;
    this.history.push(total / n);
    this.accuracy = accuracy ? right / n : null;
    return true;
  };

  // One sample at the current weights: its output, its loss alone and ∂loss/∂parameter.
  Trainer.prototype.sample = function (i) {
    const r = this.tape.grad(this.w, this.rows[i], 1);
    return { output: this.outputs.of(this.w, this.spec.inputs[i]), loss: r[0], grads: r[1] };
  };

  // The full-batch loss at weights w (the l2 term included): what contours draw.
  Trainer.prototype.lossAt = function (w) {
    let total = 0;
    const rows = this.rows, forward = this.tape.forward;
    for (let i = 0; i < this.n; i++) { total += forward(w, rows[i]); }
    let loss = this.spec.reduction === "mean" ? total / this.n : total;
    if (this.spec.l2) {
      let ss = 0;
      for (let j = 0; j < w.length; j++) { ss += w[j] * w[j]; }
      loss += this.spec.l2 * ss;
    }
    return loss;
  };

  cr.Trainer = Trainer;
})(typeof window !== "undefined" ? window : globalThis);
