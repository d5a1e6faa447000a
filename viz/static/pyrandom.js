// Python's random.Random in JavaScript: the same Mersenne Twister (MT19937), seeded as
// CPython seeds it from an int, so random.Random(seed).shuffle(xs) and
// new PyRandom(seed).shuffle(xs) put xs in the same order, and random() and gauss() draw
// the same numbers. nn.fit draws its mini-batch order this way; a training page that
// reproduces fit's losses must draw the same order.
(function (root) {
  "use strict";
  const N = 624, M = 397;
  const UPPER = 0x80000000, LOWER = 0x7fffffff, MATRIX_A = 0x9908b0df;

  // CPython's random_seed: the absolute value of the int, as 32-bit words, least
  // significant first (one word 0 for the seed 0), fed to init_by_array.
  function seedKey(seed) {
    let n = BigInt(seed);
    if (n < 0n) { n = -n; }
    const key = [];
    do {
      key.push(Number(n & 0xffffffffn));
      n >>= 32n;
    } while (n > 0n);
    return key;
  }

  function PyRandom(seed) {
    this.mt = new Uint32Array(N);
    this.index = N;
    this.gaussNext = null;
    this.initByArray(seedKey(seed));
  }

  PyRandom.prototype.initGenrand = function (s) {
    const mt = this.mt;
    mt[0] = s >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
    this.index = N;
  };

  PyRandom.prototype.initByArray = function (key) {
    const mt = this.mt;
    this.initGenrand(19650218);
    let i = 1, j = 0;
    for (let k = Math.max(N, key.length); k > 0; k--) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = ((mt[i] ^ Math.imul(prev, 1664525)) + key[j] + j) >>> 0;
      i++; j++;
      if (i >= N) { mt[0] = mt[N - 1]; i = 1; }
      if (j >= key.length) { j = 0; }
    }
    for (let k = N - 1; k > 0; k--) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = ((mt[i] ^ Math.imul(prev, 1566083941)) - i) >>> 0;
      i++;
      if (i >= N) { mt[0] = mt[N - 1]; i = 1; }
    }
    mt[0] = UPPER;
  };

  PyRandom.prototype.twist = function () {
    const mt = this.mt;
    for (let k = 0; k < N; k++) {
      const y = (mt[k] & UPPER) | (mt[(k + 1) % N] & LOWER);
      mt[k] = mt[(k + M) % N] ^ (y >>> 1) ^ ((y & 1) ? MATRIX_A : 0);
    }
    this.index = 0;
  };

  // genrand_uint32: the next 32 random bits, tempered.
  PyRandom.prototype.next32 = function () {
    if (this.index >= N) { this.twist(); }
    let y = this.mt[this.index++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  };

  // getrandbits(k) for 0 ≤ k ≤ 32: the top k bits of one draw.
  PyRandom.prototype.getrandbits = function (k) {
    return k === 0 ? 0 : this.next32() >>> (32 - k);
  };

  // _randbelow_with_getrandbits: k = n.bit_length() bits, drawn again until below n.
  PyRandom.prototype.randbelow = function (n) {
    if (!(n > 0 && n <= 0xffffffff)) { throw new RangeError("randbelow needs 0 < n < 2**32"); }
    const k = 32 - Math.clz32(n);
    let r = this.getrandbits(k);
    while (r >= n) { r = this.getrandbits(k); }
    return r;
  };

  // Fisher–Yates from the end, as random.shuffle does.
  PyRandom.prototype.shuffle = function (xs) {
    for (let i = xs.length - 1; i > 0; i--) {
      const j = this.randbelow(i + 1);
      const t = xs[i]; xs[i] = xs[j]; xs[j] = t;
    }
    return xs;
  };

  // random(): 53 random bits as a float in [0, 1), as CPython's random_random.
  PyRandom.prototype.random = function () {
    const a = this.next32() >>> 5, b = this.next32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  };

  // gauss(mu, sigma): random.gauss's Box–Muller pair, the second value kept for the next
  // call. Math.log, cos and sin are V8's: a draw may differ from CPython's in the last bit.
  PyRandom.prototype.gauss = function (mu, sigma) {
    let z = this.gaussNext;
    this.gaussNext = null;
    if (z === null) {
      const x2pi = this.random() * 6.283185307179586;
      const g2rad = Math.sqrt(-2.0 * Math.log(1.0 - this.random()));
      z = Math.cos(x2pi) * g2rad;
      this.gaussNext = Math.sin(x2pi) * g2rad;
    }
    return mu + z * sigma;
  };

  root.chainrule = root.chainrule || {};
  root.chainrule.PyRandom = PyRandom;
})(typeof window !== "undefined" ? window : globalThis);
