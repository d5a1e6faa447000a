// Python's float arithmetic where it raises, for the live page's domain checks
// (autograd/jschecked.py prints each op's forward and rules calling these three): the engine
// refuses exactly where one of them throws a PyRefusal.
class PyRefusal extends Error {
  constructor(what) { super(what); this.what = what; }
}
// a / b: Python raises ZeroDivisionError for any b = 0, also 0 / 0 and nan / 0.
function _pyDiv(a, b) {
  if (b === 0) { throw new PyRefusal("divides by zero"); }
  return a / b;
}
// a ** b as the engine computes it (autograd.ops._pow and float **): a negative base with
// a fractional exponent is refused, 0 to a finite negative power divides by zero, and a
// finite power that overflows raises OverflowError. C's pow: 1 ** y and (-1) ** ±∞ are 1.
function _pyPow(a, b) {
  if (a < 0 && !Number.isInteger(b)) { throw new PyRefusal("is undefined"); }
  if (a === 0 && b < 0 && isFinite(b)) { throw new PyRefusal("divides by zero"); }
  const y = a === 1 || (a === -1 && (b === Infinity || b === -Infinity)) ? 1 : a ** b;
  if (isFinite(a) && isFinite(b) && !isFinite(y)) { throw new PyRefusal("overflows a float"); }
  return y;
}
// A function of Python's math module: a one-argument function raises ValueError for nan
// from a number and for ±∞ from a finite number (log(0), sin(∞), asin(2)), OverflowError
// when a finite result grows past the largest float (exp(1000)); atan2 and hypot never raise.
function _pyMath(f, ...args) {
  const y = f(...args);
  if (args.length === 1) {
    const x = args[0];
    if (y !== y && x === x) { throw new PyRefusal("is undefined"); }
    if (!isFinite(y) && isFinite(x)) {
      throw new PyRefusal(y > 0 ? "is +∞ (past the largest float)" : "is −∞");
    }
  }
  return y;
}
