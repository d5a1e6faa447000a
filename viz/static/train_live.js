// A viz.train_live page: gradient descent (and any hand-written rule beside it) as
// chainrule.Trainer runs, its readouts (fit's epoch and loss), and its figures (the model
// over the data, the loss curve, the weights), in the shared controls of train_shell.js.
(function () {
  "use strict";
  const cr = window.chainrule, P = cr.plot, short = P.short;
  const spec = JSON.parse(document.getElementById("train-data").textContent);
  const $ = function (id) { return document.getElementById(id); };

  // The loss readout: 12 significant digits (fit's number to 1e-11).
  function full(x) {
    const a = Math.abs(x);
    return a !== 0 && (a < 1e-4 || a >= 1e6) ? x.toExponential(11) : x.toPrecision(12);
  }

  // ---- the runs: gradient descent, and any hand-written rule beside it -----------------
  const trainer = new cr.Trainer(spec);
  const runs = [trainer].concat(spec.rules.map(function (r) { return new cr.Trainer(spec, r); }));
  runs[0].name = spec.rules.length ? "gradient descent (the engine)" : "";
  runs.slice(1).forEach(function (run) { run.name = run.rule.name; });
  document.querySelectorAll("input[data-rule]").forEach(function (box) {
    box.addEventListener("change", function () {
      runs[1 + Number(box.dataset.rule)].rule.flags[Number(box.dataset.switch)] = box.checked;
    });
  });

  // ---- readouts -------------------------------------------------------------------------
  const runTable = $("runs");
  function runRows() {
    const few = trainer.n <= 4;
    const head = runTable.createTHead().insertRow();
    ["run", "loss"].concat(few ? spec.inputs.map(function (x) {
      return "output at " + spec.inputNames[0] + " = " + short(x[0]);
    }) : []).forEach(function (text) {
      const th = document.createElement("th");
      th.textContent = text;
      head.appendChild(th);
    });
    const body = runTable.createTBody();
    return runs.map(function (run, r) {
      const tr = body.insertRow();
      tr.insertCell().textContent = run.name;
      tr.cells[0].style.color = P.RUNS[r];
      const cells = [tr.insertCell()];
      if (few) { spec.inputs.forEach(function () { cells.push(tr.insertCell()); }); }
      return cells;
    });
  }
  const runCells = runTable ? runRows() : null;
  function readouts() {
    $("epoch").textContent = String(trainer.epoch);
    const h = trainer.history;
    $("loss").textContent = h.count ? full(h.last) : "\u2014";
    if ($("accuracy") && trainer.accuracy !== null) {
      $("accuracy").textContent = (100 * trainer.accuracy).toFixed(1) + "%";
    }
    if (!runCells) { return; }
    runs.forEach(function (run, r) {
      const cells = runCells[r], rh = run.history;
      cells[0].textContent = rh.count ? short(rh.last) : "\u2014";
      for (let i = 1; i < cells.length; i++) {
        cells[i].textContent = short(run.outputs.of(run.w, spec.inputs[i - 1]));
      }
    });
  }
  function stoppedText(run) {
    const s = run.stopped;
    return (run.name ? run.name + ": t" : "T") + "raining stopped at epoch " + s.epoch +
      ", batch " + s.batch + ": " + s.culprit + "; " + s.state + ". The learning rate is " +
      "too large for this loss: lower it and press Reset.";
  }

  cr.shell({
    spec: spec, runs: runs, size: trainer.n, unit: "epoch", readouts: readouts,
    stoppedText: stoppedText,
    figures: [cr.pictureFigure(spec, runs, $("picture")),
              cr.curveFigure(spec, runs, $("curve")),
              cr.weightsFigure(spec, runs, $("weights"))],
  });
})();
