// Every wasm SIMD kernel equals the scalar reference bit for bit (values and indices), run inside
// the built module on random shapes around the vector width, at every edge (padding, ceil-mode
// windows, widths 1..17) and on data full of ties, NaN, infinities and signed zeros.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { createTester } from './support/tester.mjs';
import { firstBitDifference, randInt, rng, specialValues } from './random.mjs';

const tester = await createTester();
const { ap } = tester;
const maxPoolWith = tester.maxPool;
// ARGPOOL_DIFF_SCALE=N multiplies the random cases (and takes N times longer); seeds stay fixed.
const SCALE = Math.max(1, Number(process.env.ARGPOOL_DIFF_SCALE ?? 1));

function compare(kernel, input, options, label) {
  const expected = maxPoolWith(input, options, 'scalar');
  const actual = maxPoolWith(input, options, kernel);
  assert.deepEqual(actual.values.shape, expected.values.shape, label);
  const diff = firstBitDifference(actual.values.data, expected.values.data);
  assert.equal(diff, null, `${kernel} values differ from scalar at ${diff} — ${label}`);
  assert.deepEqual(actual.indices.data, expected.indices.data, `${kernel} indices differ — ${label}`);
}

// A third of the inputs hold NaN (the kernels' exact path), a third hold infinities but no NaN,
// a third only finite values with ties and signed zeros: the NaN-free fast path, which a plane
// holding both +inf and -inf also leaves (their sum is NaN).
function input(random, shape) {
  const kind = randInt(random, 0, 2);
  const data = specialValues(random, Float32Array, shape.reduce((a, b) => a * b, 1), { nan: kind === 0, infinity: kind < 2 });
  return { data, shape };
}

test('f32_k2s2_wasmsimd equals scalar for every width 1..17 and height 1..9, floor and ceil mode', () => {
  const random = rng(1);
  let cases = 0;
  for (let w = 2; w <= 17; ++w) {
    for (let h = 2; h <= 9; ++h) {
      for (const ceilMode of [false, true]) {
        const x = input(random, [1, randInt(random, 1, 3), h, w]);
        const options = { kernelSize: 2, stride: 2, ceilMode };
        compare('f32_k2s2_wasmsimd', x, options, `[${x.shape}] ceil=${ceilMode}`);
        compare('auto', x, options, `[${x.shape}] ceil=${ceilMode}`);
        ++cases;
      }
    }
  }
  assert.equal(cases, 16 * 8 * 2);
});

test('f32_k2s2_wasmsimd equals scalar in 1D, 3D and mixed 1/2 windows, every width 2..17, floor and ceil mode', () => {
  const random = rng(5);
  const windows = [
    { kernelSize: 2, stride: 2, spatial: (w) => [w] },
    { kernelSize: 2, stride: 2, spatial: (w) => [randInt(random, 2, 5), randInt(random, 2, 5), w] },
    { kernelSize: [1, 2], stride: [1, 2], spatial: (w) => [randInt(random, 1, 4), w] },
    { kernelSize: [2, 1, 2], stride: [2, 1, 2], spatial: (w) => [randInt(random, 2, 5), randInt(random, 1, 3), w] },
    { kernelSize: [1, 2, 2], stride: [1, 2, 2], spatial: (w) => [randInt(random, 1, 3), randInt(random, 2, 5), w] },
  ];
  for (const { spatial, ...window } of windows) {
    for (let w = 2; w <= 17; ++w) {
      for (const ceilMode of [false, true]) {
        const x = input(random, [randInt(random, 1, 2), randInt(random, 1, 3), ...spatial(w)]);
        const options = { ...window, ceilMode };
        compare('f32_k2s2_wasmsimd', x, options, `[${x.shape}] ${JSON.stringify(options)}`);
        compare('auto', x, options, `[${x.shape}] ${JSON.stringify(options)}`);
      }
    }
  }
});

test('f32_3x3s2p1_wasmsimd equals scalar for every width 1..17 and height 1..9, floor and ceil mode', () => {
  const random = rng(2);
  for (let w = 1; w <= 17; ++w) {
    for (let h = 1; h <= 9; ++h) {
      for (const ceilMode of [false, true]) {
        const x = input(random, [randInt(random, 1, 2), randInt(random, 1, 3), h, w]);
        const options = { kernelSize: 3, stride: 2, padding: 1, ceilMode };
        compare('f32_3x3s2p1_wasmsimd', x, options, `[${x.shape}] ceil=${ceilMode}`);
        compare('auto', x, options, `[${x.shape}] ceil=${ceilMode}`);
      }
    }
  }
});

// Mostly -inf, no NaN and no +inf: the fast paths (not the exact ones) meet windows that are all
// -inf, where a padding tap (also -inf) must not win: the index is the first in-bounds tap.
test('SIMD kernels equal scalar on windows of -inf only (fast paths), every width 1..17', () => {
  const random = rng(7);
  const cases = [
    ['f32_3x3s2p1_wasmsimd', { kernelSize: 3, stride: 2, padding: 1 }],
    ['f32_k2s2_wasmsimd', { kernelSize: 2, stride: 2 }],
    ['f32_generic_wasmsimd', { kernelSize: 3, stride: 2, padding: 1 }],
  ];
  for (let w = 1; w <= 17; ++w) {
    for (const h of [1, 2, 3, 6, 9]) {
      const shape = [1, 3, h, w];
      const data = new Float32Array(3 * h * w).map(() => (random() < 0.75 ? -Infinity : randInt(random, -2, 2)));
      data.fill(-Infinity, 0, h * w); // one plane of -inf only
      for (const [kernel, options] of cases) {
        if (kernel === 'f32_k2s2_wasmsimd' && (w < 2 || h < 2)) continue;
        for (const ceilMode of [false, true]) compare(kernel, { data, shape }, { ...options, ceilMode }, `[${shape}] ${kernel} -inf`);
      }
    }
  }
});

test(`f32_generic_wasmsimd equals scalar on ${3000 * SCALE} random 1D/2D/3D parameter sets`, () => {
  const random = rng(3);
  let cases = 0;
  while (cases < 3000 * SCALE) {
    const rank = randInt(random, 1, 3);
    const spatial = Array.from({ length: rank }, () => randInt(random, 1, rank === 3 ? 9 : 17));
    const kernelSize = spatial.map(() => randInt(random, 1, 5));
    const options = {
      kernelSize,
      stride: spatial.map(() => randInt(random, 1, 4)),
      padding: kernelSize.map((k) => randInt(random, 0, Math.floor(k / 2))),
      dilation: spatial.map(() => randInt(random, 1, 3)),
      ceilMode: random() < 0.5,
    };
    try {
      ap.outputShape([1, 1, ...spatial], options);
    } catch {
      continue; // kernel larger than the input, or windows of only padding: not a kernel case
    }
    const x = input(random, [randInt(random, 1, 2), randInt(random, 1, 3), ...spatial]);
    const label = `[${x.shape}] ${JSON.stringify(options)}`;
    compare('f32_generic_wasmsimd', x, options, label);
    compare('auto', x, options, label);
    ++cases;
  }
});

test('SIMD kernels equal scalar on larger planes (many vector groups per row)', () => {
  const random = rng(4);
  const shapes = [[2, 8, 33, 47], [1, 3, 64, 64], [1, 2, 17, 129], [3, 5, 14, 14]];
  const optionSets = [
    { kernelSize: 2, stride: 2 },
    { kernelSize: 3, stride: 2, padding: 1 },
    { kernelSize: [3, 5], stride: [1, 2], padding: [1, 2], dilation: [2, 1] },
    { kernelSize: 4, stride: 3, padding: 2, ceilMode: true },
  ];
  for (const shape of shapes) {
    const x = input(random, shape);
    for (const options of optionSets) {
      compare('f32_generic_wasmsimd', x, options, `[${shape}] ${JSON.stringify(options)}`);
      compare('auto', x, options, `[${shape}] ${JSON.stringify(options)}`);
    }
    compare('f32_k2s2_wasmsimd', x, optionSets[0], `[${shape}]`);
    compare('f32_3x3s2p1_wasmsimd', x, optionSets[1], `[${shape}]`);
  }
  // Rows wider than the 3x3s2p1 kernel's chunk of columns (128 groups of 4 outputs): several
  // chunks per row, with and without an overlapping last group.
  for (const shape of [[1, 2, 7, 2100], [1, 1, 6, 2056]]) {
    const x = input(random, shape);
    compare('f32_3x3s2p1_wasmsimd', x, optionSets[1], `[${shape}]`);
    compare('f32_3x3s2p1_wasmsimd', x, { ...optionSets[1], ceilMode: true }, `[${shape}] ceil`);
  }
  // 3D input with a depth kernel of 1: the 3x3s2p1 kernel slice by slice.
  for (const shape of [[1, 2, 3, 9, 20], [2, 1, 4, 8, 17]]) {
    const x = input(random, shape);
    for (const ceilMode of [false, true]) {
      const options = { kernelSize: [1, 3, 3], stride: [1, 2, 2], padding: [0, 1, 1], ceilMode };
      compare('f32_3x3s2p1_wasmsimd', x, options, `[${shape}] ${JSON.stringify(options)}`);
    }
  }
  // Rows of 5-8 outputs (the k2s2 kernel's two-group rows) in 3D and in many planes.
  for (const shape of [[1, 3, 4, 7, 14], [2, 2, 5, 9, 16], [1, 64, 14, 14], [1, 5, 15, 11]]) {
    const x = input(random, shape);
    for (const ceilMode of [false, true]) {
      compare('f32_k2s2_wasmsimd', x, { kernelSize: 2, stride: 2, ceilMode }, `[${shape}] ceil=${ceilMode}`);
    }
  }
  for (const shape of [[2, 3, 1001], [1, 4, 9, 20, 37], [2, 2, 8, 16, 16]]) {
    const x = input(random, shape);
    compare('f32_k2s2_wasmsimd', x, { kernelSize: 2, stride: 2 }, `[${shape}]`);
    compare('f32_k2s2_wasmsimd', x, { kernelSize: 2, stride: 2, ceilMode: true }, `[${shape}] ceil`);
  }
});

test('the NaN-free fast path and the exact path meet plane by plane: one NaN redoes only its plane', () => {
  const random = rng(6);
  for (const shape of [[1, 6, 8, 40], [2, 3, 33], [1, 4, 4, 6, 18]]) {
    const count = shape.reduce((a, b) => a * b, 1);
    const x = { data: specialValues(random, Float32Array, count, { nan: false, infinity: false }), shape };
    const plane = count / (shape[0] * shape[1]);
    for (let p = 1; p < shape[0] * shape[1]; p += 2) x.data[p * plane + randInt(random, 0, plane - 1)] = NaN;
    compare('f32_k2s2_wasmsimd', x, { kernelSize: 2, stride: 2 }, `[${shape}] NaN in every other plane`);
  }
  // The same for the 3x3s2p1 kernel (its slices, column chunks and carried rows) and for the
  // k2s2 kernel's two-group rows.
  for (const [shape, kernel, options] of [
    [[1, 6, 9, 40], 'f32_3x3s2p1_wasmsimd', { kernelSize: 3, stride: 2, padding: 1 }],
    [[1, 3, 5, 1100], 'f32_3x3s2p1_wasmsimd', { kernelSize: 3, stride: 2, padding: 1, ceilMode: true }],
    [[1, 2, 3, 8, 17], 'f32_3x3s2p1_wasmsimd', { kernelSize: [1, 3, 3], stride: [1, 2, 2], padding: [0, 1, 1] }],
    [[1, 8, 14, 14], 'f32_k2s2_wasmsimd', { kernelSize: 2, stride: 2 }],
    // More planes than the k2s2 kernel's block of 14x14 planes (32) checked for NaN at once.
    [[2, 45, 14, 14], 'f32_k2s2_wasmsimd', { kernelSize: 2, stride: 2 }],
    [[1, 70, 3, 12], 'f32_k2s2_wasmsimd', { kernelSize: [1, 2], stride: [1, 2] }],
    [[1, 4, 3, 6, 12], 'f32_k2s2_wasmsimd', { kernelSize: 2, stride: 2 }],
  ]) {
    const count = shape.reduce((a, b) => a * b, 1);
    const x = { data: specialValues(random, Float32Array, count, { nan: false, infinity: false }), shape };
    const plane = count / (shape[0] * shape[1]);
    for (let p = 1; p < shape[0] * shape[1]; p += 2) x.data[p * plane + randInt(random, 0, plane - 1)] = NaN;
    compare(kernel, x, options, `[${shape}] ${JSON.stringify(options)} NaN in every other plane`);
  }
});

test('a specialised kernel refuses parameters it was not written for', () => {
  const x = { data: new Float32Array(16), shape: [1, 1, 4, 4] };
  assert.throws(() => maxPoolWith(x, { kernelSize: 3, stride: 1 }, 'f32_k2s2_wasmsimd'), { code: 'ARGPOOL_UNSUPPORTED' });
  const x64 = { data: new Float64Array(16), shape: [1, 1, 4, 4] };
  assert.throws(() => maxPoolWith(x64, { kernelSize: 2 }, 'f32_generic_wasmsimd'), { code: 'ARGPOOL_UNSUPPORTED' });
});

test(`f32_nhwc_wasmsimd equals scalar on ${600 * SCALE} random windows (any kernel, stride, padding, dilation), channels 1..37`, () => {
  const random = rng(8);
  let cases = 0;
  while (cases < 600 * SCALE) {
    const rank = randInt(random, 1, 3);
    const spatial = Array.from({ length: rank }, () => randInt(random, 1, rank === 3 ? 6 : 11));
    const kernelSize = spatial.map(() => randInt(random, 1, 4));
    const options = {
      kernelSize,
      stride: spatial.map(() => randInt(random, 1, 3)),
      padding: kernelSize.map((k) => randInt(random, 0, Math.floor(k / 2))),
      dilation: spatial.map(() => randInt(random, 1, 2)),
      ceilMode: random() < 0.5,
      layout: 'NHWC',
    };
    try {
      ap.outputShape([1, ...spatial, 1], options);
    } catch {
      continue;
    }
    // Channels around the kernel's steps: 16 at a time, then 4, then the rest in scalar code.
    const x = input(random, [randInt(random, 1, 2), ...spatial, randInt(random, 1, 37)]);
    const label = `[${x.shape}] ${JSON.stringify(options)}`;
    compare('f32_nhwc_wasmsimd', x, options, label);
    if (cases % 4 === 0) {
      const valuesOnly = maxPoolWith(x, { ...options, returnIndices: false }, 'f32_nhwc_wasmsimd').values.data;
      assert.equal(firstBitDifference(valuesOnly, maxPoolWith(x, options, 'scalar').values.data), null, label);
    }
    ++cases;
  }
  // Windows of -inf only on the fast path (no NaN, no +inf): the index is the first in-bounds tap.
  for (const channels of [4, 16, 20]) {
    const shape = [1, 5, 7, channels];
    const data = new Float32Array(5 * 7 * channels).map(() => (random() < 0.8 ? -Infinity : randInt(random, -2, 2)));
    compare('f32_nhwc_wasmsimd', { data, shape }, { kernelSize: 3, stride: 2, padding: 1, layout: 'NHWC' }, `[${shape}] -inf`);
  }
});

test('f32_nhwc_wasmsimd k2s2 fast path equals scalar: channels 1..17, 1D/2D/3D and mixed windows, floor and ceil mode', () => {
  const random = rng(7);
  const windows = [
    { kernelSize: 2, stride: 2, spatial: (w) => [w] },
    { kernelSize: 2, stride: 2, spatial: (w) => [randInt(random, 2, 5), w] },
    { kernelSize: 2, stride: 2, spatial: (w) => [randInt(random, 2, 4), randInt(random, 2, 4), w] },
    { kernelSize: [1, 2], stride: [1, 2], spatial: (w) => [randInt(random, 1, 3), w] },
    { kernelSize: [2, 1, 2], stride: [2, 1, 2], spatial: (w) => [randInt(random, 2, 4), randInt(random, 1, 3), w] },
  ];
  let cases = 0;
  for (let channels = 1; channels <= 17; ++channels) {
    for (const { spatial, ...window } of windows) {
      const ceilMode = random() < 0.5;
      // NHWC data: [N, ...spatial, C]; the pooled plane is the same as NCHW's.
      const shape = [randInt(random, 1, 2), ...spatial(randInt(random, 2, 11)), channels];
      const x = input(random, shape);
      const options = { ...window, ceilMode, layout: 'NHWC' };
      compare('f32_nhwc_wasmsimd', x, options, `[${shape}] ${JSON.stringify(options)}`);
      compare('auto', x, options, `[${shape}] ${JSON.stringify(options)}`);
      const valuesOnly = maxPoolWith(x, { ...options, returnIndices: false }, 'f32_nhwc_wasmsimd').values.data;
      assert.equal(firstBitDifference(valuesOnly, maxPoolWith(x, options, 'scalar').values.data), null);
      ++cases;
    }
  }
  assert.equal(cases, 17 * 5);
});
