// Every unpool / backward kernel equals the scalar reference bit for bit, run inside the built
// module: the 2x2 stride-2 wasm SIMD kernel (whose planes fall back to the planewise kernel when an
// index leaves its window) and the planewise kernel, on random shapes around the vector width,
// odd sizes, ceil mode, outputSize beyond the default, N and C > 1, indices inside and outside
// their windows, duplicates, NaN payloads and signed zeros, every dtype and both layouts.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { createTester } from './support/tester.mjs';
import { bits, firstBitDifference, randInt, rng, specialValues } from './random.mjs';

const tester = await createTester();
const { ap } = tester;
const { maxUnpool: unpoolWith, maxPoolBackward: backwardWith } = tester;
const scatterKernels = ['auto', 'scalar', 'planewise', 'x32_2x2s2_wasmsimd'];
// ARGPOOL_DIFF_SCALE=N multiplies the random cases (and takes N times longer); seeds stay fixed.
const SCALE = Math.max(1, Number(process.env.ARGPOOL_DIFF_SCALE ?? 1));
const SIMD = 'x32_2x2s2_wasmsimd';

const ARRAYS = {
  float32: Float32Array, float64: Float64Array, int8: Int8Array, uint8: Uint8Array,
  int16: Int16Array, uint16: Uint16Array, int32: Int32Array,
};
const product = (shape) => shape.reduce((a, b) => a * b, 1);

// Float data rich in special values, plus NaNs with payloads (quiet and signalling, both signs)
// that must come through unpooling with their bits unchanged.
function floatValues(random, ArrayType, count) {
  const a = specialValues(random, ArrayType, count, { nan: random() < 0.7 });
  const b = bits(a);
  const payloads = ArrayType === Float32Array
    ? [0x7fc00001, 0xffc12345, 0x7f800001, 0xff800abc, 0x80000000]
    : [0x7ff8000000000001n, 0xfff0000000000123n, 0x7ff0000000000001n, 0x8000000000000000n];
  for (let i = 0; i < count; ++i) if (random() < 0.05) b[i] = payloads[randInt(random, 0, payloads.length - 1)];
  return a;
}

function values(random, dtype, count) {
  const ArrayType = ARRAYS[dtype];
  if (dtype.startsWith('float')) return floatValues(random, ArrayType, count);
  const a = new ArrayType(count);
  const span = ArrayType.BYTES_PER_ELEMENT === 4 ? 2 ** 32 : 2 ** (8 * ArrayType.BYTES_PER_ELEMENT);
  for (let i = 0; i < count; ++i) a[i] = Math.floor(random() * span);
  return a;
}

function sameResult(actual, expected, label) {
  assert.deepEqual(actual.shape, expected.shape, label);
  assert.equal(actual.data.constructor, expected.data.constructor, label);
  if (actual.data instanceof Float32Array || actual.data instanceof Float64Array) {
    const diff = firstBitDifference(actual.data, expected.data);
    assert.equal(diff, null, `differs from scalar at ${diff} — ${label}`);
  } else {
    const i = actual.data.findIndex((x, k) => x !== expected.data[k]);
    assert.equal(i, -1, `differs from scalar at element ${i} — ${label}`);
  }
}

// The indices a real pooling produces (each inside its own window) for an input of `inputShape`.
function pooledIndices(random, inputShape, options) {
  const x = { data: specialValues(random, Float32Array, product(inputShape)), shape: inputShape };
  return ap.maxPool(x, options).indices;
}

// Spoils a few indices of `indices` (NCHW per-plane, plane of `planeSize`): some planes get an
// index outside its window, a duplicate of a neighbour's index, or one far away in the plane.
function spoil(random, indices, planeSize, fraction) {
  const data = Int32Array.from(indices.data);
  const perPlane = data.length / product(indices.shape.slice(0, 2));
  for (let p = 0; p * perPlane < data.length; ++p) {
    if (random() >= fraction) continue;
    const e = p * perPlane + randInt(random, 0, perPlane - 1);
    const kind = randInt(random, 0, 2);
    if (kind === 0) data[e] = randInt(random, 0, planeSize - 1);
    else if (kind === 1 && perPlane > 1) data[e] = data[p * perPlane + ((e - p * perPlane + 1) % perPlane)];
    else data[e] = Math.min(planeSize - 1, Math.max(0, data[e] + randInt(random, -3, 3)));
  }
  return { data, shape: indices.shape.slice() };
}

const DTYPE_OF = new Map(Object.entries(ARRAYS).map(([name, ArrayType]) => [ArrayType, name]));

// Runs `run(out)` into a wasm tensor whose bytes are all 0xA5 beforehand, so that a cell the
// kernel forgets to write shows up (a plain array output is staged in reused scratch memory,
// which may already hold the right answer).
function intoPoisoned(shape, ArrayType, run) {
  const out = ap.tensor(shape, DTYPE_OF.get(ArrayType));
  try {
    const view = out.data;
    new Uint8Array(view.buffer, view.byteOffset, view.byteLength).fill(0xa5);
    run(out);
    return { data: out.data.slice(), shape: out.shape.slice() };
  } finally {
    out.dispose();
  }
}

function compareUnpool(kernels, v, idx, options, label) {
  const expected = unpoolWith(v, idx, options, 'scalar');
  for (const kernel of kernels) {
    sameResult(unpoolWith(v, idx, options, kernel), expected, `${kernel} unpool ${label}`);
    const poisoned = intoPoisoned(expected.shape, expected.data.constructor, (out) => unpoolWith(v, idx, options, kernel, out));
    sameResult(poisoned, expected, `${kernel} unpool into a poisoned tensor ${label}`);
  }
  return expected;
}

function compareBackward(kernels, g, idx, inputShape, options, label) {
  const expected = backwardWith(g, idx, inputShape, options, 'scalar');
  for (const kernel of kernels) {
    sameResult(backwardWith(g, idx, inputShape, options, kernel), expected, `${kernel} backward ${label}`);
    const poisoned = intoPoisoned(expected.shape, expected.data.constructor,
      (out) => backwardWith(g, idx, inputShape, options, kernel, out));
    sameResult(poisoned, expected, `${kernel} backward into a poisoned tensor ${label}`);
  }
  return expected;
}

test('the scatter kernels are the ones this suite expects', () => {
  const names = tester.kernels().scatter.map((k) => k.name);
  assert.ok(names.includes('max_unpool_nchw_x32_2x2s2_wasmsimd') && names.includes('max_pool_backward_nchw_f32_2x2s2_wasmsimd'));
});

test(`${SIMD} and planewise unpool equal scalar for every pooled width 1..17 and height 1..9, floor and ceil mode, every outputSize`, () => {
  const random = rng(11);
  let cases = 0;
  for (let w = 1; w <= 17; ++w) {
    for (let h = 1; h <= 9; ++h) {
      for (const ceilMode of [false, true]) {
        // An input that pools to h x w (odd sizes included: floor drops a row, ceil keeps a half window).
        const inH = ceilMode ? 2 * h - randInt(random, 0, 1) : 2 * h + randInt(random, 0, 1);
        const inW = ceilMode ? 2 * w - randInt(random, 0, 1) : 2 * w + randInt(random, 0, 1);
        const options = { kernelSize: 2, stride: 2, ceilMode };
        const inputShape = [randInt(random, 1, 2), randInt(random, 1, 3), inH, inW];
        const indices = pooledIndices(random, inputShape, options);
        assert.deepEqual(indices.shape.slice(2), [h, w]);
        for (const dtype of ['float32', 'int32']) {
          const v = { data: values(random, dtype, product(indices.shape)), shape: indices.shape };
          // outputSize: the default 2h x 2w, the pooled input's size, and one more or less per dimension.
          for (const outputSize of [undefined, [inH, inW], [2 * h + 1, 2 * w - 1], [2 * h - 1, 2 * w + 1]]) {
            if (outputSize && (outputSize[0] < 1 || outputSize[1] < 1)) continue;
            const plane = outputSize ? outputSize[0] * outputSize[1] : 4 * h * w;
            if (indices.data.some((i) => i >= plane)) continue; // a ceil-mode index beyond a smaller output
            const unpoolOptions = { kernelSize: 2, stride: 2, outputSize };
            compareUnpool([SIMD, 'planewise', 'auto'], v, indices, unpoolOptions, `${dtype} [${indices.shape}] from [${inputShape}] ceil=${ceilMode} outputSize=${outputSize}`);
            ++cases;
          }
        }
      }
    }
  }
  assert.ok(cases > 17 * 9 * 2 * 2 * 2, `${cases} cases`);
});

test(`${SIMD} and planewise unpool equal scalar when indices leave their windows, repeat or are random (${400 * SCALE} cases)`, () => {
  const random = rng(12);
  for (let iter = 0; iter < 400 * SCALE; ++iter) {
    const h = randInt(random, 1, 12), w = randInt(random, 1, 21);
    const shape = [randInt(random, 1, 3), randInt(random, 1, 4), h, w];
    const outputSize = [2 * h + randInt(random, -1, 1), 2 * w + randInt(random, -1, 1)].map((d) => Math.max(d, 1));
    const plane = outputSize[0] * outputSize[1];
    let indices;
    const mode = iter % 3;
    if (mode === 0) {
      // Uniformly random indices: nearly every plane falls back; duplicates are common.
      indices = { data: Int32Array.from({ length: product(shape) }, () => randInt(random, 0, plane - 1)), shape };
    } else {
      const inputShape = [shape[0], shape[1], Math.min(2 * h, outputSize[0]), Math.min(2 * w, outputSize[1])];
      const pooled = pooledIndices(random, inputShape, { kernelSize: 2, stride: 2, ceilMode: true });
      // Re-express the pooled input's indices in the output plane's row width.
      const data = Int32Array.from(pooled.data, (i) => Math.floor(i / inputShape[3]) * outputSize[1] + (i % inputShape[3]));
      indices = spoil(random, { data, shape: pooled.shape }, plane, mode === 1 ? 0.5 : 0.1);
    }
    const dtype = random() < 0.7 ? 'float32' : 'int32';
    const v = { data: values(random, dtype, product(indices.shape)), shape: indices.shape };
    compareUnpool([SIMD, 'planewise', 'auto'], v, indices, { kernelSize: 2, stride: 2, outputSize }, `${dtype} [${indices.shape}] → ${outputSize} mode ${mode}`);
  }
});

test(`${SIMD} unpool: duplicates resolve as the last write in input order`, () => {
  // Plane 0: all in-window (the SIMD path). Plane 1: element 5 repeats element 0's index 0 (last
  // write wins: 60, not 10). Plane 2: two elements share a cell outside both windows.
  const h = 2, w = 8;
  const base = Int32Array.from({ length: h * w }, (_, e) => Math.floor(e / w) * 2 * 16 + (e % w) * 2 + 17 * (e % 2));
  const data = new Int32Array(3 * h * w);
  data.set(base, 0);
  data.set(base, 16);
  data[16 + 5] = 0;
  data.set(base, 32);
  data[32 + 3] = 40;
  data[32 + 12] = 40;
  const indices = { data, shape: [1, 3, h, w] };
  const v = { data: Float32Array.from({ length: 48 }, (_, i) => 10 * (i % 16) + 10), shape: [1, 3, h, w] };
  const out = compareUnpool([SIMD, 'planewise', 'auto'], v, indices, { kernelSize: 2 }, 'duplicates');
  assert.equal(out.data[64 + 0], 60);
  assert.equal(out.data[128 + 40], 130);
});

test(`${SIMD} unpool keeps NaN payloads, -0 and infinities bit for bit on a large plane`, () => {
  const random = rng(13);
  const inputShape = [2, 5, 57, 113];
  const indices = pooledIndices(random, inputShape, { kernelSize: 2, stride: 2, ceilMode: true });
  const v = { data: floatValues(random, Float32Array, product(indices.shape)), shape: indices.shape };
  const out = compareUnpool([SIMD, 'planewise', 'auto'], v, indices, { kernelSize: 2, outputSize: [57, 113] }, 'large');
  // And against an independent JS scatter (assignment moves bits; no arithmetic involved).
  const expected = new Float32Array(out.data.length);
  const plane = 57 * 113, pooledPlane = product(indices.shape.slice(2));
  for (let e = 0; e < v.data.length; ++e) expected[Math.floor(e / pooledPlane) * plane + indices.data[e]] = v.data[e];
  const expectedBits = new Uint32Array(expected.length);
  const source = bits(v.data);
  for (let e = 0; e < v.data.length; ++e) expectedBits[Math.floor(e / pooledPlane) * plane + indices.data[e]] = source[e];
  assert.deepEqual(bits(out.data), expectedBits);
});

test(`${SIMD} writes the same results into wasm tensors, whose rows start at either 16-byte phase (the kernel aligns its stores)`, () => {
  const random = rng(14);
  // Tensors are 16-byte aligned; output rows of 2·w floats with w odd alternate between phase 0
  // and phase 8, so both kinds of row occur in each of these shapes.
  for (const [h, w] of [[3, 5], [4, 9], [7, 16], [5, 31]]) {
    const inputShape = [1, 3, 2 * h, 2 * w];
    const indices = pooledIndices(random, inputShape, { kernelSize: 2 });
    const v = { data: floatValues(random, Float32Array, product(indices.shape)), shape: indices.shape };
    const g = { data: floatValues(random, Float32Array, product(indices.shape)), shape: indices.shape };
    const unpooled = unpoolWith(v, indices, { kernelSize: 2 }, 'scalar');
    const gradient = backwardWith(g, indices, inputShape, undefined, 'scalar');
    const out = ap.tensor(inputShape, 'float32');
    try {
      assert.equal(out.data.byteOffset % 16, 0, 'tensor data is 16-byte aligned');
      unpoolWith(v, indices, { kernelSize: 2 }, SIMD, out);
      sameResult({ data: out.data, shape: out.shape }, unpooled, `unpool [${h}, ${w}]`);
      backwardWith(g, indices, inputShape, undefined, SIMD, out);
      sameResult({ data: out.data, shape: out.shape }, gradient, `backward [${h}, ${w}]`);
    } finally {
      out.dispose();
    }
  }
});

test(`planewise unpool equals scalar for every dtype, both layouts, 1D to 3D (${300 * SCALE} cases)`, () => {
  const random = rng(15);
  for (let iter = 0; iter < 300 * SCALE; ++iter) {
    const rank = randInt(random, 1, 3);
    const spatial = Array.from({ length: rank }, () => randInt(random, 1, rank === 3 ? 5 : 13));
    const kernelSize = spatial.map(() => randInt(random, 1, 3));
    const stride = kernelSize.map((k) => randInt(random, 1, k + 1));
    const layout = random() < 0.5 ? 'NHWC' : 'NCHW';
    const n = randInt(random, 1, 2), c = randInt(random, 1, 5);
    const shape = layout === 'NCHW' ? [n, c, ...spatial] : [n, ...spatial, c];
    const options = { kernelSize, stride, layout };
    const outSpatial = spatial.map((d, i) => (d - 1) * stride[i] + kernelSize[i]);
    const plane = product(outSpatial);
    // Random indices: duplicates across windows are frequent, so the write order is exercised.
    const indices = { data: Int32Array.from({ length: product(shape) }, () => randInt(random, 0, plane - 1)), shape };
    const dtype = Object.keys(ARRAYS)[iter % 7];
    const v = { data: values(random, dtype, product(shape)), shape };
    const kernels = layout === 'NCHW' && rank === 2 && (dtype === 'float32' || dtype === 'int32') ? ['planewise', 'auto', SIMD] : ['planewise', 'auto'];
    compareUnpool(kernels, v, indices, options, `${dtype} ${layout} [${shape}] ${JSON.stringify(options)}`);
  }
});

test(`backward: ${SIMD} and planewise equal scalar on 2x2 stride-2 masks, odd sizes, ceil mode, with and without options`, () => {
  const random = rng(16);
  for (let w = 1; w <= 17; ++w) {
    for (let h = 1; h <= 7; ++h) {
      for (const ceilMode of [false, true]) {
        const inH = ceilMode ? 2 * h - randInt(random, 0, 1) : 2 * h + randInt(random, 0, 1);
        const inW = ceilMode ? 2 * w - randInt(random, 0, 1) : 2 * w + randInt(random, 0, 1);
        const options = { kernelSize: 2, stride: 2, ceilMode };
        const inputShape = [randInt(random, 1, 2), randInt(random, 1, 3), inH, inW];
        const indices = random() < 0.8 ? pooledIndices(random, inputShape, options)
          : spoil(random, pooledIndices(random, inputShape, options), inH * inW, 0.5);
        const g = { data: floatValues(random, Float32Array, product(indices.shape)), shape: indices.shape };
        const label = `[${indices.shape}] → [${inputShape}] ceil=${ceilMode}`;
        compareBackward([SIMD, 'planewise', 'auto'], g, indices, inputShape, options, label);
        compareBackward([SIMD, 'planewise', 'auto'], g, indices, inputShape, undefined, `${label} without options`);
      }
    }
  }
});

test(`backward with overlapping windows (3x3 stride 2 pad 1 and others), duplicates and NaN gradients: every kernel equals scalar (${200 * SCALE} cases)`, () => {
  const random = rng(17);
  for (let iter = 0; iter < 200 * SCALE; ++iter) {
    const overlapping = iter % 2 === 0;
    const options = overlapping ? { kernelSize: 3, stride: 2, padding: 1, ceilMode: random() < 0.3 }
      : { kernelSize: randInt(random, 2, 3), stride: randInt(random, 1, 3) };
    const inputShape = [randInt(random, 1, 2), randInt(random, 1, 4), randInt(random, 3, 30), randInt(random, 3, 40)];
    let indices;
    try {
      indices = pooledIndices(random, inputShape, options);
    } catch {
      continue; // kernel larger than the input
    }
    if (random() < 0.3) indices = spoil(random, indices, inputShape[2] * inputShape[3], 0.5);
    for (const dtype of ['float32', 'float64']) {
      const g = { data: floatValues(random, ARRAYS[dtype], product(indices.shape)), shape: indices.shape };
      const kernels = dtype === 'float32' ? ['planewise', 'auto', SIMD] : ['planewise', 'auto'];
      const label = `${dtype} [${indices.shape}] → [${inputShape}] ${JSON.stringify(options)}`;
      compareBackward(kernels, g, indices, inputShape, options, label);
      compareBackward(kernels, g, indices, inputShape, undefined, `${label} without options`);
    }
  }
});

test('backward in NHWC and 1D/3D: planewise equals scalar, NaN + NaN sums included', () => {
  const random = rng(18);
  for (let iter = 0; iter < 150 * SCALE; ++iter) {
    const rank = randInt(random, 1, 3);
    const spatial = Array.from({ length: rank }, () => randInt(random, 1, rank === 3 ? 5 : 12));
    const layout = random() < 0.5 ? 'NHWC' : 'NCHW';
    const n = randInt(random, 1, 2), c = randInt(random, 1, 5);
    const inputShape = layout === 'NCHW' ? [n, c, ...spatial] : [n, ...spatial, c];
    const pooledSpatial = spatial.map((d) => randInt(random, 1, d + 1));
    const gradShape = layout === 'NCHW' ? [n, c, ...pooledSpatial] : [n, ...pooledSpatial, c];
    const plane = product(spatial);
    // Few distinct targets: many cells receive several gradients, NaN + NaN among them.
    const targets = randInt(random, 1, Math.min(plane, 4));
    const indices = { data: Int32Array.from({ length: product(gradShape) }, () => randInt(random, 0, targets - 1)), shape: gradShape };
    for (const dtype of ['float32', 'float64']) {
      const g = { data: floatValues(random, ARRAYS[dtype], product(gradShape)), shape: gradShape };
      compareBackward(['planewise', 'auto'], g, indices, inputShape, { layout }, `${dtype} ${layout} [${gradShape}] → [${inputShape}]`);
    }
  }
});

test('the scatter kernels equal scalar on the benchmark shapes (64 planes of 56x56 → 112x112)', () => {
  const random = rng(19);
  const inputShape = [1, 64, 112, 112];
  for (const options of [{ kernelSize: 2, stride: 2 }, { kernelSize: 3, stride: 2, padding: 1 }]) {
    const indices = pooledIndices(random, inputShape, options);
    const v = { data: floatValues(random, Float32Array, product(indices.shape)), shape: indices.shape };
    compareUnpool([SIMD, 'planewise', 'auto'], v, indices, { ...options, outputSize: [112, 112] }, JSON.stringify(options));
    compareBackward([SIMD, 'planewise', 'auto'], v, indices, inputShape, undefined, JSON.stringify(options));
  }
});

test('a forced scatter kernel refuses what it was not written for; unknown kernels are rejected', () => {
  const v = { data: new Float32Array(4), shape: [1, 1, 2, 2] };
  const idx = { data: new Int32Array(4), shape: [1, 1, 2, 2] };
  const unsupported = { code: 'ARGPOOL_UNSUPPORTED' };
  assert.throws(() => unpoolWith({ data: new Float64Array(4), shape: [1, 1, 2, 2] }, idx, { kernelSize: 2 }, SIMD), unsupported);
  assert.throws(() => unpoolWith({ data: new Int8Array(4), shape: [1, 1, 2, 2] }, idx, { kernelSize: 2 }, SIMD), unsupported);
  const nhwc = [1, 2, 2, 1];
  assert.throws(() => unpoolWith({ data: new Float32Array(4), shape: nhwc }, { data: new Int32Array(4), shape: nhwc }, { kernelSize: 2, layout: 'NHWC' }, SIMD), unsupported);
  assert.throws(() => unpoolWith({ data: new Float32Array(2), shape: [1, 1, 2] }, { data: new Int32Array(2), shape: [1, 1, 2] }, { kernelSize: 2 }, SIMD), unsupported);
  assert.throws(() => backwardWith({ data: new Float64Array(4), shape: [1, 1, 2, 2] }, idx, [1, 1, 4, 4], undefined, SIMD), unsupported);
  assert.throws(() => unpoolWith(v, idx, { kernelSize: 2 }, 'fastest'), { name: 'ArgpoolTypeError' });
  // The index check still runs first, whatever the kernel.
  for (const kernel of scatterKernels) {
    assert.throws(() => unpoolWith(v, { data: Int32Array.from([0, 1, 2, 16]), shape: [1, 1, 2, 2] }, { kernelSize: 2 }, kernel), { code: 'ARGPOOL_INDEX_OUT_OF_RANGE' });
  }
});
