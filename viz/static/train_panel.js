// The panel a training page opens over its figures to show the chain rule behind a step:
// a heading, a sentence, a table of numbers (each cell keeps its full value in
// data-value), and Close (or Escape). Opening it pauses training.
(function () {
  "use strict";
  const cr = window.chainrule, short = cr.plot.short;
  const $ = function (id) { return document.getElementById(id); };

  function fill(title, text, head, rows) {
    $("chain-title").textContent = title;
    $("chain-sample").textContent = text;
    const table = $("chain-grads");
    const top = table.tHead.rows[0];
    top.innerHTML = "";
    head.forEach(function (h) {
      const th = document.createElement("th");
      th.textContent = h;
      top.appendChild(th);
    });
    const body = table.tBodies[0];
    body.innerHTML = "";
    rows.forEach(function (cells) {
      const tr = body.insertRow();
      cells.forEach(function (c) {
        const td = tr.insertCell();
        if (c instanceof Node) { td.appendChild(c); } else if (typeof c === "number") {
          td.textContent = short(c);
          td.dataset.value = String(c);
        } else {
          td.textContent = c;
        }
      });
    });
  }

  const listeners = [];
  function open() {
    window.chainruleTrain.pause();
    $("chain").classList.remove("closed");
    $("chain-close").focus();
  }
  function close() {
    $("chain").classList.add("closed");
    listeners.forEach(function (f) { f(); });
  }
  $("chain-close").addEventListener("click", close);
  $("chain").addEventListener("keydown", function (e) { if (e.key === "Escape") { close(); } });

  // A button that reads like a link, for a table cell.
  function link(text, onClick) {
    const b = document.createElement("button");
    b.type = "button";
    b.className = "linkish";
    b.textContent = text;
    b.addEventListener("click", onClick);
    return b;
  }

  cr.panel = { fill: fill, open: open, onClose: function (f) { listeners.push(f); },
               link: link };
})();
