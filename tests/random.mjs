// Seeded random data for tests: reproducible inputs rich in ties, NaN, infinities and signed zeros.
export function rng(seed) {
  let s = seed >>> 0;
  return () => {
    // mulberry32
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randInt(random, lo, hi) {
  return lo + Math.floor(random() * (hi - lo + 1));
}

// Special values appear often enough to land in most windows; small integers make ties common.
export function specialValues(random, ArrayType, count, { nan = true, infinity = true } = {}) {
  const a = new ArrayType(count);
  for (let i = 0; i < count; ++i) {
    const pick = randInt(random, 0, 23);
    a[i] = pick === 0 && nan ? NaN
      : pick === 1 && infinity ? -Infinity
        : pick === 2 && infinity ? Infinity
          : pick === 3 ? -0
            : pick < 12 ? randInt(random, -3, 3)
              : (random() - 0.5) * 100;
  }
  return a;
}

// The raw bits of a float array, so that NaN payloads, -0 and infinities compare exactly.
export function bits(data) {
  return data instanceof Float64Array ? new BigUint64Array(data.buffer, data.byteOffset, data.length)
    : new Uint32Array(data.buffer, data.byteOffset, data.length);
}

export function firstBitDifference(a, b) {
  const x = bits(a), y = bits(b);
  if (x.length !== y.length) return `lengths ${x.length} vs ${y.length}`;
  for (let i = 0; i < x.length; ++i) if (x[i] !== y[i]) return `element ${i}: ${a[i]} vs ${b[i]}`;
  return null;
}
