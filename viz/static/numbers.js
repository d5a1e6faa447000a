// Numbers as chainrule writes them: viz._text.fmt in JavaScript, byte for byte.
// Every page that prints a number includes this file (live lessons, live trainers):
// chainruleNumbers.fmt(x, digits) is Python's fmt(x, digits), digits defaulting to 4.
var chainruleNumbers = (function () {
  "use strict";
  const MINUS = "\u2212";
  const DIGITS = 4;
  // Python's format(x, ".<D>g"): round half to even on exact ties, as CPython does.
  function pyg(x, D) {
    if (x === 0) { return 1 / x < 0 ? "-0" : "0"; }
    const neg = x < 0, a = Math.abs(x);
    const [mant, ex] = a.toExponential(D - 1).split("e");
    let digits = mant.replace(".", "");
    const e = Number(ex);
    const exact = a.toExponential(100).split("e");
    const all = exact[0].replace(".", "");
    if (all[D] === "5" && /^0*$/.test(all.slice(D + 1)) &&
        Number(digits[D - 1]) % 2 === 1 && Number(exact[1]) === e) {
      digits = all.slice(0, D);  // a tie that JavaScript rounded up to an odd digit
    }
    let text;
    if (e < -4 || e >= D) {
      const m = (digits[0] + "." + digits.slice(1)).replace(/0+$/, "").replace(/\.$/, "");
      text = m + "e" + (e < 0 ? "-" : "+") + String(Math.abs(e)).padStart(2, "0");
    } else if (e >= 0) {
      text = (digits.slice(0, e + 1) + "." + digits.slice(e + 1))
        .replace(/0+$/, "").replace(/\.$/, "");
    } else {
      text = ("0." + "0".repeat(-e - 1) + digits).replace(/0+$/, "").replace(/\.$/, "");
    }
    return (neg ? "-" : "") + text;
  }
  function fmt(x, digits) {
    const D = digits === undefined ? DIGITS : digits;
    if (x !== x) { return "nan"; }
    if (x === Infinity) { return "∞"; }
    if (x === -Infinity) { return MINUS + "∞"; }
    const parts = pyg(x, D).split("e");
    let m = parts[0];
    if (m.indexOf(".") < 0 && m.replace("-", "").length < D) { m += ".0"; }
    return (m + (parts.length > 1 ? "e" + parts[1] : "")).split("-").join(MINUS);
  }
  // A number as a term of a sum: negative numbers in parentheses, as viz._text.term.
  function term(x, digits) {
    const t = fmt(x, digits);
    return t.startsWith(MINUS) ? "(" + t + ")" : t;
  }
  return { fmt: fmt, term: term, pyg: pyg, MINUS: MINUS, DIGITS: DIGITS };
})();
