// Randomized cross-checks against peer libraries, with fixed seeds:
//  - ONNX Runtime Web (wasm, 1 thread): MaxPool with Indices (1D/2D/3D, padding, dilation,
//    ceil_mode), MaxPool without Indices, MaxUnpool;
//  - TF.js cpu backend: maxPoolWithArgmax (2D NHWC, 'valid' padding).
// Every case is also checked against the naive JavaScript implementation of PyTorch 1.13's CPU
// kernels in tools/bench/peers.mjs, so a disagreement with a peer says which side is PyTorch's.
// Values are compared bit for bit (signed zeros included), indices exactly.
//
// Observed with onnxruntime-web 1.30 and tfjs 4.22:
//  - ORT MaxPool keeps the first maximum in scan order on ties (as PyTorch), -0 vs +0 included;
//    its int64 Indices are offsets into the whole NCHW input, (n*C + c)*plane + offset. It applies
//    PyTorch's ceil_mode rule (the last window must start inside the input or the left padding)
//    in the kernel; ONNX shape inference does not, so a model with fixed input dims declares one
//    more output position in those cases and ORT logs a warning per run (silenced in peers.mjs).
//  - ORT MaxUnpool checks indices against the whole output tensor only: a per-plane index past
//    the end of its plane lands silently in the next plane. PyTorch (and argpool) reject it, so
//    such cases are asserted to throw in argpool and not sent to ORT.
//  - TF.js cpu keeps the first maximum on ties (as PyTorch) and returns its indexes as a
//    Float32Array (exact here: every index is below 2^24).
//  - ORT also follows PyTorch where a ceil_mode window runs past the padded input (the dilated
//    kernel may then be longer than the padded input: length 2, kernel 3, stride 2 gives one
//    window); argpool does too (an earlier build rejected it; see the last test). Only a window
//    made of padding alone is rejected by argpool on purpose (README); such draws are redrawn.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  loadArgpool, loadOrt, naiveMaxPool, naiveMaxUnpool, nchwToNhwc, nhwcToNchw, normalizePoolOptions, ortMaxPool,
  ortMaxUnpool, planeIndicesToOrt, pooledShape, product, tfIndicesToPlane, unpooledShape, useTfBackend,
} from '../tools/bench/peers.mjs';
import { ElemType, maxPoolModel, maxUnpoolModel } from '../tools/onnx-model.mjs';
import { bitDiffs, describeCase, intDiffs, randomPoolCase, randomValues, rng } from './peer-helpers.mjs';

const LIMITS = {
  1: { maxSize: 30, maxKernel: 5 },
  2: { maxSize: 12, maxKernel: 4 },
  3: { maxSize: 7, maxKernel: 3 },
};

// True when, in some dimension, the dilated kernel spans more than the padded input. PyTorch
// accepts such a configuration whenever its output size is still >= 1, which happens in
// ceil_mode: e.g. length 2, kernel 3, stride 2, ceil_mode → one window holding both elements.
function kernelExceedsPaddedInput(shape, options) {
  const p = normalizePoolOptions(options, shape.length - 2);
  return shape.slice(2).some((n, i) => (p.kernelSize[i] - 1) * p.dilation[i] + 1 > n + 2 * p.padding[i]);
}

// True when some window holds no input element at all (only padding; needs dilation). PyTorch
// returns -inf with an index outside the plane there; argpool rejects it on purpose (README,
// "Where argpool deliberately differs from PyTorch 1.13").
function hasPaddingOnlyWindow(shape, options) {
  const p = normalizePoolOptions(options, shape.length - 2);
  const out = pooledShape(shape, options);
  return shape.slice(2).some((n, i) => {
    for (let o = 0; o < out[2 + i]; ++o) {
      const start = o * p.stride[i] - p.padding[i];
      let inside = false;
      for (let j = 0; j < p.kernelSize[i]; ++j) inside ||= start + j * p.dilation[i] >= 0 && start + j * p.dilation[i] < n;
      if (!inside) return true;
    }
    return false;
  });
}

// Draws until the configuration is one argpool must accept. Draws with an output size < 1
// (PyTorch rejects them too) or a padding-only window (argpool's documented deviation, counted in
// stats.paddingOnly) must be rejected and are drawn again.
function drawCase(ap, r, rank, stats, extra = {}) {
  for (;;) {
    const { shape, options } = randomPoolCase(r, rank, { ...LIMITS[rank], ...extra });
    const expected = pooledShape(shape, options);
    const input = { data: new Float32Array(product(shape)), shape };
    const what = describeCase(shape, options);
    if (expected.slice(2).some((d) => d < 1)) {
      assert.throws(() => ap.maxPool(input, options), { name: 'ArgpoolRangeError' }, what);
      continue;
    }
    if (hasPaddingOnlyWindow(shape, options)) {
      assert.throws(() => ap.maxPool(input, options), { name: 'ArgpoolRangeError', message: /covers only padding/ }, what);
      stats.paddingOnly += 1;
      continue;
    }
    if (kernelExceedsPaddedInput(shape, options)) stats.pastPaddedInput += 1;
    return { shape, options, expected };
  }
}

// argpool's result for `input`, asserted equal to the naive PyTorch reference.
function argpoolChecked(ap, input, options, what) {
  const got = ap.maxPool(input, options);
  const ref = naiveMaxPool(input, options);
  assert.deepEqual(got.values.shape, ref.values.shape, `${what}: shape`);
  assert.deepEqual(bitDiffs(got.values.data, ref.values.data), [], `${what}: argpool values vs PyTorch reference`);
  assert.deepEqual(intDiffs(got.indices.data, ref.indices.data), [], `${what}: argpool indices vs PyTorch reference`);
  return got;
}

// tools/onnx-model.mjs: the attributes and inputs the random tests do not use, on the seed
// example (4×4: 2 4 5 1 / 3 7 2 8 / 1 6 3 4 / 9 2 7 5), with results worked out by hand.
test('onnx-model.mjs models load and run in onnxruntime-web: uint8, storage_order, auto_pad, output_shape', async () => {
  const ort = await loadOrt();
  const seed = [2, 4, 5, 1, 3, 7, 2, 8, 1, 6, 3, 4, 9, 2, 7, 5];
  const run = async (bytes, feeds) => ort.InferenceSession.create(bytes, { logSeverityLevel: 3 }).then((s) => s.run(feeds));
  const X = (type, data, dims) => new ort.Tensor(type, data, dims);
  const list = (t) => Array.from(t.data, Number);

  let r = await run(maxPoolModel({
    inputShape: [1, 1, 4, 4], outputShape: [1, 1, 2, 2], kernelShape: [2, 2], strides: [2, 2],
    elemType: ElemType.UINT8, autoPad: 'NOTSET', storageOrder: 0,
  }), { X: X('uint8', Uint8Array.from(seed), [1, 1, 4, 4]) });
  assert.equal(r.Y.type, 'uint8');
  assert.deepEqual(list(r.Y), [7, 8, 9, 7]);

  // storage_order 1: column-major indices w*H + h instead of h*W + w (row-major: 5 7 12 14).
  r = await run(maxPoolModel({ inputShape: [1, 1, 4, 4], kernelShape: [2, 2], strides: [2, 2], storageOrder: 1, indices: true }),
    { X: X('float32', Float32Array.from(seed), [1, 1, 4, 4]) });
  assert.deepEqual([list(r.Y), list(r.Indices)], [[7, 8, 9, 7], [5, 13, 3, 11]]);

  r = await run(maxPoolModel({ inputShape: ['N', 'C', 'H', 'W'], kernelShape: [3, 3], strides: [1, 1], autoPad: 'VALID', indices: true }),
    { X: X('float32', Float32Array.from(seed), [1, 1, 4, 4]) });
  assert.deepEqual([r.Y.dims, list(r.Y), list(r.Indices)], [[1, 1, 2, 2], [7, 8, 9, 8], [5, 7, 12, 7]]);

  // MaxUnpool with output_shape: ONNX indices address the whole output tensor, so with a larger
  // plane (5×5 or 5×4) the second channel's values stay at flat positions 21 23 28 30.
  const values = X('float32', Float32Array.from([7, 8, 9, 7, 7, 8, 9, 7]), [1, 2, 2, 2]);
  const I = X('int64', BigInt64Array.from([5n, 7n, 12n, 14n, 21n, 23n, 28n, 30n]), [1, 2, 2, 2]);
  const scattered = (n) => {
    const out = new Array(n).fill(0);
    [[5, 7], [7, 8], [12, 9], [14, 7], [21, 7], [23, 8], [28, 9], [30, 7]].forEach(([i, v]) => { out[i] = v; });
    return out;
  };
  r = await run(maxUnpoolModel({ inputShape: [1, 2, 2, 2], kernelShape: [2, 2], strides: [2, 2], outputShapeInput: true, opset: 12 }),
    { X: values, I, output_shape: X('int64', BigInt64Array.from([1n, 2n, 5n, 5n]), [4]) });
  assert.deepEqual([r.Y.dims, list(r.Y)], [[1, 2, 5, 5], scattered(50)]);
  r = await run(maxUnpoolModel({ inputShape: [1, 2, 2, 2], kernelShape: [2, 2], strides: [2, 2], pads: [0, 0, 0, 0], outputShapeInput: [1, 2, 5, 4] }),
    { X: values, I });
  assert.deepEqual([r.Y.dims, list(r.Y)], [[1, 2, 5, 4], scattered(40)]);
});

test('ONNX Runtime Web MaxPool (with and without Indices) agrees with argpool on random 1D/2D/3D cases', async (t) => {
  const ap = await loadArgpool();
  const r = rng(20240601);
  const counts = { 1: 0, 2: 0, 3: 0 };
  let ties = 0;
  let ceil = 0;
  let valuesOnly = 0;
  const stats = { paddingOnly: 0, pastPaddedInput: 0 };
  for (let i = 0; i < 360; ++i) {
    const rank = 1 + (i % 3);
    const { shape, options } = drawCase(ap, r, rank, stats);
    const kind = r.pick(['distinct', 'ties', 'uniform']);
    const input = { data: randomValues(r, product(shape), kind), shape };
    const what = `ORT case ${i} (${kind}) ${describeCase(shape, options)}`;
    const expected = argpoolChecked(ap, input, options, what);

    const ort = await ortMaxPool(shape, options, { withIndices: true });
    const got = await ort.run(input.data);
    assert.deepEqual(got.values.shape, expected.values.shape, `${what}: ORT output shape`);
    assert.equal(got.raw.Indices.type, 'int64');
    assert.deepEqual(bitDiffs(got.values.data, expected.values.data), [], `${what}: ORT Y vs argpool values`);
    assert.deepEqual(intDiffs(got.indices.data, expected.indices.data), [], `${what}: ORT Indices vs argpool indices`);

    if (i % 3 === 0) {
      // Without Indices ORT may take another kernel (MLAS); symbolic dims exercise dim_param.
      const plain = await ortMaxPool(shape, options, { withIndices: false, symbolic: true });
      const y = await plain.run(input.data);
      assert.deepEqual(y.values.shape, expected.values.shape, `${what}: ORT (no Indices) output shape`);
      assert.deepEqual(bitDiffs(y.values.data, expected.values.data), [], `${what}: ORT (no Indices) Y vs argpool`);
      ++valuesOnly;
    }
    counts[rank] += 1;
    if (kind === 'ties') ++ties;
    if (options.ceilMode) ++ceil;
  }
  const total = counts[1] + counts[2] + counts[3];
  assert.equal(total, 360);
  t.diagnostic(`onnxruntime-web MaxPool+Indices: ${total} random cases cross-checked ` +
    `(1D ${counts[1]}, 2D ${counts[2]}, 3D ${counts[3]}; ${ties} tie-heavy inputs with ±0; ${ceil} with ceil_mode), ` +
    `plus ${valuesOnly} without Indices; 0 disagreements. ${stats.pastPaddedInput} of them have a ceil_mode ` +
    `window longer than the padded input; ${stats.paddingOnly} draws with a padding-only window were rejected ` +
    '(documented deviation) and redrawn');
});

test('ONNX Runtime Web MaxUnpool (no output_shape) agrees with argpool maxUnpool on random cases', async (t) => {
  const ap = await loadArgpool();
  const r = rng(20240602);
  let checked = 0;
  let rejected = 0;
  let empty = 0;
  const counts = { 1: 0, 2: 0, 3: 0 };
  const stats = { paddingOnly: 0, pastPaddedInput: 0 };
  for (let i = 0; i < 300; ++i) {
    const rank = 1 + (i % 3);
    // MaxUnpool has no dilation or ceil_mode; indices come from a matching pooling.
    const { shape, options } = drawCase(ap, r, rank, stats, { allowDilation: false, allowCeil: false });
    const kind = r.pick(['distinct', 'ties', 'uniform']);
    const input = { data: randomValues(r, product(shape), kind), shape };
    const what = `ORT unpool case ${i} (${kind}) ${describeCase(shape, options)}`;
    const { values, indices } = argpoolChecked(ap, input, options, what);
    const unpoolOptions = { kernelSize: options.kernelSize, stride: options.stride, padding: options.padding };
    const outShape = unpooledShape(values.shape, unpoolOptions);
    const outPlane = product(outShape.slice(2));

    if (outShape.slice(2).some((d) => d < 1)) {
      // An empty default output (PyTorch then finds every index invalid): rejected as well.
      assert.throws(() => ap.maxUnpool(values, indices, unpoolOptions), { name: 'ArgpoolRangeError' }, what);
      ++empty;
      continue;
    }
    if (indices.data.some((j) => j >= outPlane)) {
      // With padding the default output size (in-1)*stride - 2*pad + kernel can be smaller than
      // the input: PyTorch raises "Found an invalid max index"; ORT would only notice for the
      // last plane (see the header), so these cases are not sent to it.
      assert.throws(() => ap.maxUnpool(values, indices, unpoolOptions),
        { name: 'ArgpoolRangeError', code: 'ARGPOOL_INDEX_OUT_OF_RANGE' }, what);
      ++rejected;
      continue;
    }
    const expected = ap.maxUnpool(values, indices, unpoolOptions);
    const ref = naiveMaxUnpool(values, indices, unpoolOptions);
    assert.deepEqual(expected.shape, outShape, `${what}: argpool unpool shape`);
    assert.deepEqual(bitDiffs(expected.data, ref.data), [], `${what}: argpool unpool vs PyTorch reference`);

    const ort = await ortMaxUnpool(values.shape, unpoolOptions, { opset: rank === 2 ? 12 : 11 });
    const got = await ort.run(values.data, planeIndicesToOrt(indices.data, values.shape, outPlane));
    assert.deepEqual(got.shape, outShape, `${what}: ORT unpool shape`);
    assert.deepEqual(bitDiffs(got.data, expected.data), [], `${what}: ORT MaxUnpool vs argpool maxUnpool`);
    ++checked;
    counts[rank] += 1;
  }
  assert.ok(checked >= 150, `only ${checked} unpool cases reached ORT`);
  assert.ok(rejected > 0, 'no case exercised an index outside the default output plane');
  t.diagnostic(`onnxruntime-web MaxUnpool: ${checked} random cases cross-checked ` +
    `(1D ${counts[1]}, 2D ${counts[2]}, 3D ${counts[3]}); ${rejected} more with an index outside the ` +
    `default output plane and ${empty} with an empty default output, rejected by argpool as by PyTorch; 0 disagreements`);
});

test('TF.js cpu maxPoolWithArgmax (NHWC, valid padding) agrees with argpool on random cases', async (t) => {
  const ap = await loadArgpool();
  const tf = await useTfBackend('cpu');
  const r = rng(20240603);
  const byKind = { distinct: 0, ties: 0 };
  let withBatch = 0;
  for (let i = 0; i < 300; ++i) {
    const kernel = [r.int(1, 4), r.int(1, 4)];
    const stride = [r.int(1, 4), r.int(1, 4)];
    const [n, c, h, w] = [r.int(1, 3), r.int(1, 4), r.int(kernel[0], 12), r.int(kernel[1], 12)];
    const kind = i % 2 ? 'ties' : 'distinct';
    const includeBatchInIndex = r.bool();
    const nchw = [n, c, h, w];
    const nhwc = randomValues(r, n * h * w * c, kind);
    // TF 'valid' is PyTorch's padding 0, floor mode, dilation 1.
    const options = { kernelSize: kernel, stride, padding: 0, dilation: 1, ceilMode: false };
    const what = `TF case ${i} (${kind}, includeBatchInIndex ${includeBatchInIndex}) ${describeCase(nchw, options)}`;
    const input = { data: nhwcToNchw(nhwc, nchw), shape: nchw };
    assert.deepEqual(Array.from(nchwToNhwc(input.data, nchw)), Array.from(nhwc));
    const expected = argpoolChecked(ap, input, options, what);

    const x = tf.tensor4d(nhwc, [n, h, w, c]);
    const { result, indexes } = tf.maxPoolWithArgmax(x, kernel, stride, 'valid', includeBatchInIndex);
    try {
      assert.deepEqual(result.shape, [n, ...expected.values.shape.slice(2), c], `${what}: TF output shape`);
      const values = nhwcToNchw(result.dataSync(), expected.values.shape);
      const planeIndices = tfIndicesToPlane(indexes.dataSync(), expected.values.shape, h, w, includeBatchInIndex);
      assert.deepEqual(bitDiffs(values, expected.values.data), [], `${what}: TF result vs argpool values`);
      assert.deepEqual(intDiffs(planeIndices, expected.indices.data), [], `${what}: TF indexes vs argpool indices`);
    } finally {
      tf.dispose([x, result, indexes]);
    }
    byKind[kind] += 1;
    if (includeBatchInIndex) ++withBatch;
  }
  assert.equal(byKind.distinct + byKind.ties, 300);
  t.diagnostic(`tfjs-backend-cpu maxPoolWithArgmax: ${byKind.distinct + byKind.ties} random cases cross-checked ` +
    `(${byKind.distinct} all-distinct, ${byKind.ties} tie-heavy with ±0; ${withBatch} with includeBatchInIndex); 0 disagreements`);
});

// ceil_mode windows that run past the padded input (found by the random ORT cross-check while an
// earlier build rejected them with "kernelSize[0] = 3 is larger than the padded input 2 + 2*0 = 2").
// PyTorch 1.13's pooling_output_shape gives 1 there and pool2d_shape_check / pool3d_shape_check
// only require an output size >= 1, so max_pool1d([[0, 2]], 3, 2, ceil_mode=True) returns value 2
// at index 1. The expected results below are PyTorch's; the naive reference and ORT agree.
test('ceil_mode with a kernel larger than the padded input follows PyTorch (output size 1)', async () => {
  const ap = await loadArgpool();
  const cases = [
    { shape: [1, 1, 2], data: [0, 2], options: { kernelSize: 3, stride: 2, ceilMode: true }, values: [2], indices: [1] },
    { shape: [1, 1, 2, 2], data: [1, 4, 3, 2], options: { kernelSize: 3, stride: 2, ceilMode: true }, values: [4], indices: [1] },
    { shape: [1, 1, 4], data: [1, 0, 4, 3], options: { kernelSize: 3, stride: 2, padding: 1, dilation: 3, ceilMode: true }, values: [4], indices: [2] },
    { shape: [1, 1, 2, 2, 2], data: [1, 2, 3, 4, 8, 7, 6, 5], options: { kernelSize: 3, stride: 3, ceilMode: true }, values: [8], indices: [4] },
  ];
  for (const c of cases) {
    const input = { data: Float32Array.from(c.data), shape: c.shape };
    const ref = naiveMaxPool(input, c.options);
    assert.deepEqual([Array.from(ref.values.data), Array.from(ref.indices.data)], [c.values, c.indices], 'reference');
    const ort = await (await ortMaxPool(c.shape, c.options)).run(input.data);
    assert.deepEqual([Array.from(ort.values.data), Array.from(ort.indices.data)], [c.values, c.indices], 'onnxruntime-web');
  }
  for (const c of cases) {
    const input = { data: Float32Array.from(c.data), shape: c.shape };
    const got = ap.maxPool(input, c.options);
    assert.deepEqual(got.values.shape, [...c.shape.slice(0, 2), ...c.shape.slice(2).map(() => 1)], describeCase(c.shape, c.options));
    assert.deepEqual([Array.from(got.values.data), Array.from(got.indices.data)], [c.values, c.indices], describeCase(c.shape, c.options));
  }
});
