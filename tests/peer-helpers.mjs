// Helpers for tests/peers.test.mjs: a seeded generator, random pooling cases and inputs, and
// element-wise comparisons that report the first differences precisely.

// mulberry32: small, fast, deterministic.
export function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)), // inclusive
    pick: (list) => list[Math.floor(next() * list.length)],
    bool: (p = 0.5) => next() < p,
  };
}

// Values for a random input of `count` elements:
//  'distinct' — all different: a shuffled ramp of float32-exact values, negative and positive;
//  'ties'     — drawn from {-2, -1, -0, +0, 1, 2} so windows hold equal maxima, signed zeros included;
//  'uniform'  — uniform in [-1, 1) as float32 (ties practically never happen).
export function randomValues(r, count, kind) {
  const data = new Float32Array(count);
  if (kind === 'distinct') {
    for (let i = 0; i < count; ++i) data[i] = (i - count / 2) * 0.125;
    for (let i = count - 1; i > 0; --i) {
      const j = Math.floor(r.next() * (i + 1));
      [data[i], data[j]] = [data[j], data[i]];
    }
  } else if (kind === 'ties') {
    const pool = [-2, -1, -0, 0, 1, 2];
    for (let i = 0; i < count; ++i) data[i] = r.pick(pool);
  } else {
    for (let i = 0; i < count; ++i) data[i] = r.next() * 2 - 1;
  }
  return data;
}

// A random PyTorch-valid pooling configuration for `rank` spatial dims, or null when the drawn
// one has an empty output (the caller draws again). Padding is symmetric and <= kernel / 2.
export function randomPoolCase(r, rank, { maxSize, maxKernel, allowDilation = true, allowCeil = true, allowPadding = true }) {
  const kernelSize = [];
  const stride = [];
  const padding = [];
  const dilation = [];
  const spatial = [];
  for (let i = 0; i < rank; ++i) {
    const k = r.int(1, maxKernel);
    kernelSize.push(k);
    stride.push(r.int(1, k + 1));
    padding.push(allowPadding ? r.int(0, Math.floor(k / 2)) : 0);
    dilation.push(allowDilation && r.bool(0.3) ? r.int(2, 3) : 1);
    spatial.push(r.int(1, maxSize));
  }
  const ceilMode = allowCeil && r.bool();
  const shape = [r.int(2, 3), r.int(2, 4), ...spatial];
  const options = { kernelSize, stride, padding, dilation, ceilMode };
  return { shape, options };
}

function bits(value) {
  const f = new Float32Array([value]);
  return new Uint32Array(f.buffer)[0];
}

function show(v) {
  return Object.is(v, -0) ? '-0' : String(v);
}

// Positions where two float32 arrays differ bit for bit (NaN payloads included); at most `limit`.
export function bitDiffs(actual, expected, limit = 5) {
  const diffs = [];
  if (actual.length !== expected.length) return [`length ${actual.length} vs ${expected.length}`];
  for (let i = 0; i < actual.length && diffs.length < limit; ++i) {
    if (bits(actual[i]) !== bits(expected[i])) diffs.push(`[${i}] ${show(actual[i])} vs ${show(expected[i])}`);
  }
  return diffs;
}

// Positions where two integer arrays differ (any element types; compared as Numbers).
export function intDiffs(actual, expected, limit = 5) {
  const diffs = [];
  if (actual.length !== expected.length) return [`length ${actual.length} vs ${expected.length}`];
  for (let i = 0; i < actual.length && diffs.length < limit; ++i) {
    if (Number(actual[i]) !== Number(expected[i])) diffs.push(`[${i}] ${actual[i]} vs ${expected[i]}`);
  }
  return diffs;
}

export function describeCase(shape, options) {
  return `shape [${shape}] ${JSON.stringify(options)}`;
}
