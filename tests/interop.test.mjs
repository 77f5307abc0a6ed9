// Interop: NHWC layout, index conventions (plane / global / tf, int32 / int64), asymmetric and
// automatic padding, integer dtypes, and the ONNX / TF.js adapters — against ONNX's own
// conformance data, onnxruntime-web and TF.js-cpu.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { init } from '../bindings/js/node.js';
import { createTester } from './support/tester.mjs';
import { listCases, loadCase } from './onnx-fixtures.mjs';
import { firstBitDifference, randInt, rng, specialValues } from './random.mjs';
import { loadOrt, useTfBackend } from '../tools/bench/peers.mjs';
import { maxPoolModel, maxUnpoolModel } from '../tools/onnx-model.mjs';

const ap = await init();
const product = (shape) => shape.reduce((a, b) => a * b, 1);

// [N, C, ...s] <-> [N, ...s, C]
function toNhwc(data, shape) {
  const [n, c, ...s] = shape;
  const plane = product(s);
  const out = new data.constructor(data.length);
  for (let b = 0; b < n; ++b) for (let ch = 0; ch < c; ++ch) for (let i = 0; i < plane; ++i) {
    out[(b * plane + i) * c + ch] = data[(b * c + ch) * plane + i];
  }
  return { data: out, shape: [n, ...s, c] };
}

function assertSameTensor(actual, expected, label) {
  assert.deepEqual(actual.shape, expected.shape, `shape — ${label}`);
  assert.equal(actual.data.constructor, expected.data.constructor, `array type — ${label}`);
  if (actual.data instanceof Float32Array || actual.data instanceof Float64Array) {
    assert.equal(firstBitDifference(actual.data, expected.data), null, `values — ${label}`);
  } else {
    assert.deepEqual(actual.data, expected.data, `data — ${label}`);
  }
}

test('all 30 ONNX conformance cases pass through ap.onnx.* exactly (values and int64 indices)', () => {
  const names = listCases();
  assert.equal(names.length, 30);
  for (const name of names) {
    const c = loadCase(name);
    // Only what the model sets: the adapter must supply ONNX's defaults (strides 1, ...).
    const attributes = c.attributesSetInModel;
    const X = c.input('X');
    if (c.op === 'MaxPool') {
      const { Y, Indices } = ap.onnx.maxPool({ data: X.data, shape: X.shape }, attributes);
      const expectedY = c.output('Y');
      assertSameTensor(Y, { data: expectedY.data, shape: expectedY.shape }, name);
      const expectedIndices = c.output('Indices');
      if (expectedIndices) {
        assert.ok(Indices.data instanceof BigInt64Array, name);
        assert.deepEqual(Indices.data, expectedIndices.data, `${name} indices`);
      }
    } else {
      const I = c.input('I');
      const outputShape = c.input('output_shape');
      const Y = ap.onnx.maxUnpool({ data: X.data, shape: X.shape }, { data: I.data, shape: I.shape }, attributes,
        outputShape?.data);
      const expected = c.output('Y');
      assertSameTensor(Y, { data: expected.data, shape: expected.shape }, name);
    }
  }
});

test('ap.onnx.maxPool equals onnxruntime-web (N, C > 1) with asymmetric pads, auto_pad, storage_order and ceil_mode', async (t) => {
  const ort = await loadOrt();
  const random = rng(31);
  let checked = 0, rejected = 0;
  for (let iteration = 0; checked < 120; ++iteration) {
    const rank = 1 + (iteration % 3);
    const spatial = Array.from({ length: rank }, () => randInt(random, 1, rank === 3 ? 6 : 11));
    const shape = [randInt(random, 2, 3), randInt(random, 2, 4), ...spatial];
    const kernel = spatial.map(() => randInt(random, 1, 4));
    const attributes = {
      kernel_shape: kernel,
      strides: spatial.map(() => randInt(random, 1, 3)),
      dilations: spatial.map(() => randInt(random, 1, 2)),
      storage_order: random() < 0.3 ? 1 : 0,
    };
    const autoPad = ['NOTSET', 'NOTSET', 'SAME_UPPER', 'SAME_LOWER', 'VALID'][randInt(random, 0, 4)];
    // onnxruntime-web sizes SAME pads with the undilated kernel (see the next test): no dilation there.
    if (autoPad.startsWith('SAME')) attributes.dilations = spatial.map(() => 1);
    if (autoPad === 'NOTSET') {
      // Beyond half the kernel (ONNX allows it); onnxruntime-web refuses pads >= kernel.
      attributes.pads = [...kernel.map((k) => randInt(random, 0, k - 1)), ...kernel.map((k) => randInt(random, 0, k - 1))];
      attributes.ceil_mode = random() < 0.4 ? 1 : 0;
    } else {
      attributes.auto_pad = autoPad;
    }
    const data = specialValues(random, Float32Array, product(shape), { nan: false });
    let ours;
    try {
      ours = ap.onnx.maxPool({ data, shape }, attributes);
    } catch (error) {
      // Windows of only padding (or an empty output) are errors in argpool; ORT would return garbage.
      assert.match(error.message, /covers only padding|larger than the padded input/);
      ++rejected;
      continue;
    }
    const session = await ort.InferenceSession.create(maxPoolModel({
      inputShape: shape, kernelShape: kernel, strides: attributes.strides, dilations: attributes.dilations,
      pads: attributes.pads, autoPad: attributes.auto_pad, ceilMode: attributes.ceil_mode,
      storageOrder: attributes.storage_order, indices: true, opset: 12,
    }), { logSeverityLevel: 3 });
    const result = await session.run({ X: new ort.Tensor('float32', data, shape) });
    const label = `[${shape}] ${JSON.stringify(attributes)}`;
    assertSameTensor(ours.Y, { data: result.Y.data, shape: result.Y.dims.slice() }, label);
    assert.deepEqual(ours.Indices.data, result.Indices.data, `indices — ${label}`);
    ++checked;
  }
  t.diagnostic(`${checked} random cases equal onnxruntime-web; ${rejected} parameter sets rejected as padding-only`);
});

test('SAME padding with dilation follows the ONNX spec (ceil(L / stride) outputs); onnxruntime-web 1.30 does not', async () => {
  // ONNX: pads make output = ceil(L / s), computed with the dilated kernel (the reference
  // implementation, onnx/reference/ops/op_max_pool.py). ORT uses the undilated kernel instead.
  const ort = await loadOrt();
  const data = Float32Array.from({ length: 11 }, (_, i) => (i * 7) % 11);
  const attributes = { kernel_shape: [3], strides: [2], dilations: [2], auto_pad: 'SAME_LOWER' };
  const ours = ap.onnx.maxPool({ data, shape: [1, 1, 11] }, attributes);
  assert.deepEqual(ours.Y.shape, [1, 1, 6]);
  // total pad (6 - 1) * 2 + 5 - 11 = 4 → 2 before, 2 after: windows taps {-2, 0, 2}, {0, 2, 4}, ...
  // data = (7i mod 11): windows {-2,0,2} → 3@2, {0,2,4} → 6@4, {2,4,6}, {4,6,8}, {6,8,10} → 9@6, {8,10,12} → 4@10
  assert.deepEqual(Array.from(ours.Indices.data, Number), [2, 4, 6, 6, 6, 10]);
  const session = await ort.InferenceSession.create(maxPoolModel({
    inputShape: [1, 1, 11], kernelShape: [3], strides: [2], dilations: [2], autoPad: 'SAME_LOWER', indices: true, opset: 12,
  }), { logSeverityLevel: 3 });
  const result = await session.run({ X: new ort.Tensor('float32', data, [1, 1, 11]) });
  assert.deepEqual(result.Y.dims, [1, 1, 5], 'onnxruntime-web: 5 outputs (pads from the undilated kernel)');
});

test('ap.onnx.maxUnpool equals onnxruntime-web (N, C > 1) when output_shape is the inferred shape', async (t) => {
  const ort = await loadOrt();
  const random = rng(32);
  let checked = 0;
  while (checked < 40) {
    // Sizes that the kernels tile exactly, so that the inferred unpooled plane is the pooled
    // input's plane and the whole-tensor indices mean the same in both.
    const kernel = [2, randInt(random, 1, 3)];
    const strides = kernel.slice();
    const shape = [randInt(random, 1, 3), randInt(random, 1, 3), 2 * randInt(random, 1, 3), kernel[1] * randInt(random, 1, 3)];
    const input = { data: specialValues(random, Float32Array, product(shape), { nan: false }), shape };
    const pooled = ap.onnx.maxPool(input, { kernel_shape: kernel, strides });
    const ours = ap.onnx.maxUnpool(pooled.Y, pooled.Indices, { kernel_shape: kernel, strides }, shape);
    const session = await ort.InferenceSession.create(maxUnpoolModel({
      inputShape: pooled.Y.shape, kernelShape: kernel, strides, outputShapeInput: shape, opset: 11,
    }), { logSeverityLevel: 3 });
    const result = await session.run({
      X: new ort.Tensor('float32', pooled.Y.data, pooled.Y.shape),
      I: new ort.Tensor('int64', pooled.Indices.data, pooled.Y.shape),
    });
    assertSameTensor(ours, { data: result.Y.data, shape: result.Y.dims.slice() }, `[${shape}]`);
    ++checked;
  }
  t.diagnostic(`${checked} random MaxUnpool cases equal onnxruntime-web`);
});

test('MaxUnpool with a larger output_shape follows the ONNX reference (resolve, then pad); onnxruntime-web 1.30 resolves in output_shape', async () => {
  // ONNX's own test data (test_maxunpool_export_with_output_shape) pins the reference rule; ORT
  // scatters the whole-tensor offsets into the larger tensor instead (like PyTorch's rule).
  const ort = await loadOrt();
  const X = { data: Float32Array.from([5, 6, 7, 8]), shape: [1, 1, 2, 2] };
  const I = { data: BigInt64Array.from([5n, 7n, 13n, 15n]), shape: [1, 1, 2, 2] };
  const ours = ap.onnx.maxUnpool(X, I, { kernel_shape: [2, 2], strides: [2, 2] }, [1, 1, 5, 5]);
  const at = (r, c) => r * 5 + c;
  const expected = new Float32Array(25);
  expected[at(1, 1)] = 5; expected[at(1, 3)] = 6; expected[at(3, 1)] = 7; expected[at(3, 3)] = 8;
  assert.deepEqual(ours.data, expected);
  const session = await ort.InferenceSession.create(maxUnpoolModel({
    inputShape: [1, 1, 2, 2], kernelShape: [2, 2], strides: [2, 2], outputShapeInput: [1, 1, 5, 5], opset: 11,
  }), { logSeverityLevel: 3 });
  const result = await session.run({ X: new ort.Tensor('float32', X.data, X.shape), I: new ort.Tensor('int64', I.data, I.shape) });
  const ortExpected = new Float32Array(25);
  ortExpected[5] = 5; ortExpected[7] = 6; ortExpected[13] = 7; ortExpected[15] = 8;
  assert.deepEqual(result.Y.data, ortExpected);
  // ap.maxUnpool keeps PyTorch's rule: the same offsets resolved in the 5x5 plane.
  const torchRule = ap.maxUnpool(X, { data: Int32Array.from([5, 7, 13, 15]), shape: [1, 1, 2, 2] }, { kernelSize: 2, outputSize: [5, 5] });
  assert.deepEqual(torchRule.data, ortExpected);
});

test('ap.tf.maxPoolWithArgmax equals TF.js-cpu on random NHWC inputs (valid and same padding, with and without batch)', async (t) => {
  const tf = await useTfBackend('cpu');
  const random = rng(33);
  let checked = 0;
  for (let i = 0; i < 120; ++i) {
    const shape = [randInt(random, 1, 3), randInt(random, 1, 9), randInt(random, 1, 9), randInt(random, 1, 5)];
    const filter = [randInt(random, 1, 3), randInt(random, 1, 3)];
    const strides = [randInt(random, 1, 3), randInt(random, 1, 3)];
    const pad = random() < 0.5 ? 'valid' : 'same';
    const includeBatch = random() < 0.5;
    if (pad === 'valid' && (filter[0] > shape[1] || filter[1] > shape[2])) continue;
    // Ties are common (TF.js-cpu keeps the first maximum too); TF ignores NaN, and reports index
    // -1 for windows of -Infinity (next test), so neither here.
    const data = specialValues(random, Float32Array, product(shape), { nan: false }).map((v) => (v === -Infinity ? -1e30 : v));
    const ours = ap.tf.maxPoolWithArgmax({ data, shape }, filter, strides, pad, includeBatch);
    const x = tf.tensor(data, shape, 'float32');
    const { result, indexes } = tf.maxPoolWithArgmax(x, filter, strides, pad, includeBatch);
    const label = `[${shape}] filter ${filter} strides ${strides} ${pad} batch=${includeBatch}`;
    assertSameTensor(ours.result, { data: result.dataSync(), shape: result.shape }, label);
    assert.deepEqual(Array.from(ours.indexes.data), Array.from(indexes.dataSync(), Number), `indexes — ${label}`);
    tf.dispose([x, result, indexes]);
    ++checked;
  }
  t.diagnostic(`${checked} random cases equal TF.js-cpu maxPoolWithArgmax`);
});

test('a window of -Infinity: argpool reports its first position; TF.js-cpu 4.22 reports index -1', async () => {
  const tf = await useTfBackend('cpu');
  const data = Float32Array.from([-Infinity, -Infinity, 3, -Infinity]);
  const ours = ap.tf.maxPoolWithArgmax({ data, shape: [1, 2, 2, 1] }, [1, 1], [1, 1], 'valid', false);
  assert.deepEqual(Array.from(ours.indexes.data), [0, 1, 2, 3]);
  const x = tf.tensor(data, [1, 2, 2, 1]);
  const { result, indexes } = tf.maxPoolWithArgmax(x, [1, 1], [1, 1], 'valid', false);
  assert.deepEqual(Array.from(indexes.dataSync(), Number), [-1, -1, 2, -1]);
  assert.deepEqual(Array.from(result.dataSync()), Array.from(ours.result.data));
  tf.dispose([x, result, indexes]);
});

const VALUE_TYPES = [Float32Array, Float64Array, Int8Array, Uint8Array, Int16Array, Uint16Array, Int32Array];

function randomCase(random) {
  const rank = randInt(random, 1, 3);
  const spatial = Array.from({ length: rank }, () => randInt(random, 1, rank === 3 ? 7 : 13));
  const kernelSize = spatial.map(() => randInt(random, 1, 4));
  return {
    shape: [randInt(random, 1, 2), randInt(random, 1, 5), ...spatial],
    options: {
      kernelSize,
      stride: spatial.map(() => randInt(random, 1, 3)),
      padding: kernelSize.map((k) => randInt(random, 0, Math.floor(k / 2))),
      dilation: spatial.map(() => randInt(random, 1, 2)),
      ceilMode: random() < 0.5,
    },
  };
}

function randomData(random, ArrayType, count) {
  if (ArrayType === Float32Array || ArrayType === Float64Array) return specialValues(random, ArrayType, count);
  const a = new ArrayType(count);
  const bits = ArrayType.BYTES_PER_ELEMENT * 8;
  const signed = ArrayType === Int8Array || ArrayType === Int16Array || ArrayType === Int32Array;
  for (let i = 0; i < count; ++i) {
    // Mostly few distinct values (ties), sometimes the type's extremes.
    const pick = randInt(random, 0, 9);
    a[i] = pick === 0 ? (signed ? -(2 ** (bits - 1)) : 0) : pick === 1 ? (signed ? 2 ** (bits - 1) - 1 : 2 ** bits - 1) : randInt(random, signed ? -3 : 0, 3);
  }
  return a;
}

test('NHWC results equal NCHW results transposed, for every dtype (values and spatial indices)', () => {
  const random = rng(34);
  let checked = 0;
  while (checked < 350) {
    const { shape, options } = randomCase(random);
    try { ap.outputShape(shape, options); } catch { continue; }
    const ArrayType = VALUE_TYPES[checked % VALUE_TYPES.length];
    const x = { data: randomData(random, ArrayType, product(shape)), shape };
    const nchw = ap.maxPool(x, options);
    const nhwc = ap.maxPool(toNhwc(x.data, shape), { ...options, layout: 'NHWC' });
    const label = `${ArrayType.name} [${shape}] ${JSON.stringify(options)}`;
    assertSameTensor(nhwc.values, toNhwc(nchw.values.data, nchw.values.shape), label);
    assertSameTensor(nhwc.indices, toNhwc(nchw.indices.data, nchw.indices.shape), label);
    ++checked;
  }
});

test('integer dtypes pool like their float64 values (same maxima, same indices)', () => {
  const random = rng(35);
  for (let i = 0; i < 250; ++i) {
    const { shape, options } = randomCase(random);
    try { ap.outputShape(shape, options); } catch { continue; }
    const ArrayType = VALUE_TYPES[2 + (i % 5)];
    const data = randomData(random, ArrayType, product(shape));
    const ints = ap.maxPool({ data, shape }, options);
    const floats = ap.maxPool({ data: Float64Array.from(data), shape }, options);
    assert.ok(ints.values.data instanceof ArrayType);
    assert.deepEqual(Array.from(ints.values.data), Array.from(floats.values.data), `${ArrayType.name} [${shape}]`);
    assert.deepEqual(ints.indices.data, floats.indices.data, `${ArrayType.name} [${shape}]`);
  }
  const clamped = ap.maxPool({ data: Uint8ClampedArray.from([1, 200, 3, 255]), shape: [1, 1, 4] }, { kernelSize: 2 });
  assert.ok(clamped.values.data instanceof Uint8ClampedArray);
  assert.deepEqual(Array.from(clamped.values.data), [200, 255]);
});

test('NHWC f32 SIMD and int8/uint8 SIMD kernels equal the scalar reference (channels 1..17, both layouts)', async () => {
  const random = rng(36);
  const { maxPool: maxPoolWith } = await createTester();
  let cases = 0;
  const scale = Math.max(1, Number(process.env.ARGPOOL_DIFF_SCALE ?? 1)); // longer runs on demand
  for (let channels = 1; channels <= 17; ++channels) {
    for (let i = 0; i < 12 * scale; ++i) {
      const { shape, options } = randomCase(random);
      shape[1] = channels;
      try { ap.outputShape(shape, options); } catch { continue; }
      for (const [ArrayType, kernel] of [[Float32Array, 'f32_nhwc_wasmsimd'], [Int8Array, 'bytes_wasmsimd'], [Uint8Array, 'bytes_wasmsimd']]) {
        for (const layout of ArrayType === Float32Array ? ['NHWC'] : ['NCHW', 'NHWC']) {
          const data = randomData(random, ArrayType, product(shape));
          const x = layout === 'NHWC' ? toNhwc(data, shape) : { data, shape };
          const o = { ...options, layout };
          const label = `${kernel} ${layout} [${x.shape}] ${JSON.stringify(options)}`;
          const expected = maxPoolWith(x, o, 'scalar');
          const actual = maxPoolWith(x, o, kernel);
          assertSameTensor(actual.values, expected.values, label);
          assertSameTensor(actual.indices, expected.indices, label);
          assertSameTensor(maxPoolWith(x, { ...o, returnIndices: false }, kernel).values, expected.values, label);
          ++cases;
        }
      }
    }
  }
  // Wide rows reach the 16-lane NCHW byte groups (stride 1 and 2), windows over 255 taps fall back.
  for (const [ArrayType, options] of [[Int8Array, { kernelSize: 3, stride: 1, padding: 1 }], [Uint8Array, { kernelSize: 2, stride: 2 }],
    [Uint8Array, { kernelSize: [1, 3], stride: [1, 2], dilation: [1, 2] }], [Int8Array, { kernelSize: [1, 300], stride: 1 }]]) {
    const shape = [1, 3, 5, 333];
    const x = { data: randomData(random, ArrayType, product(shape)), shape };
    const expected = maxPoolWith(x, options, 'scalar');
    const actual = maxPoolWith(x, options, 'bytes_wasmsimd');
    assertSameTensor(actual.values, expected.values, JSON.stringify(options));
    assertSameTensor(actual.indices, expected.indices, JSON.stringify(options));
  }
  assert.ok(cases > 500, `${cases} cases`);
});

const MODES = [
  { indexMode: 'plane' },
  { indexMode: 'global' },
  { indexMode: 'global', storageOrder: 1 },
  { indexMode: 'tf' },
  { indexMode: 'tf', includeBatchInIndex: true },
];

test('every index convention, layout and index type: unpool(pool(x)) and backward equal the plane-mode results; conversions are exact and invertible', () => {
  const random = rng(37);
  let checked = 0;
  let unpoolChecked = 0;
  while (checked < 120) {
    const { shape, options } = randomCase(random);
    try { ap.outputShape(shape, options); } catch { continue; }
    const x = { data: specialValues(random, Float32Array, product(shape)), shape };
    for (const layout of ['NCHW', 'NHWC']) {
      const input = layout === 'NHWC' ? toNhwc(x.data, shape) : x;
      const base = { ...options, layout };
      const plane = ap.maxPool(input, base);
      // Unpooling has no dilation or ceil mode: size it explicitly to the pooled input when
      // PyTorch's rule allows that size, else let it infer its default size.
      const spatial = layout === 'NHWC' ? input.shape.slice(1, -1) : input.shape.slice(2);
      const unpoolOptions = { ...base, dilation: 1, outputSize: spatial };
      let unpooled;
      try {
        unpooled = ap.maxUnpool(plane.values, plane.indices, unpoolOptions);
      } catch (error) {
        assert.match(error.message, /outputSize .* must be between|is outside the output plane/);
        unpooled = null;
      }
      const grad = ap.maxPoolBackward(plane.values, plane.indices, input.shape, base);
      for (const mode of MODES) {
        if (mode.storageOrder === 1 && layout === 'NHWC') continue;
        for (const indexType of ['int32', 'int64']) {
          const o = { ...base, ...mode, indexType };
          const label = `${layout} ${JSON.stringify(mode)} ${indexType} [${shape}] ${JSON.stringify(options)}`;
          const pooled = ap.maxPool(input, o);
          assert.equal(pooled.indices.data.constructor, indexType === 'int64' ? BigInt64Array : Int32Array, label);
          assertSameTensor(pooled.values, plane.values, label);
          if (unpooled) ++unpoolChecked;
          if (unpooled) assertSameTensor(ap.maxUnpool(pooled.values, pooled.indices, { ...o, ...unpoolOptions }), unpooled, `unpool ${label}`);
          assertSameTensor(ap.maxPoolBackward(pooled.values, pooled.indices, input.shape, o), grad, `backward ${label}`);
          // plane → this mode equals pooling in this mode; and back again.
          const common = { inputShape: input.shape, layout, storageOrder: mode.storageOrder, includeBatchInIndex: mode.includeBatchInIndex };
          const there = ap.convertIndices(plane.indices, { ...common, from: 'plane', to: mode.indexMode, indexType });
          assertSameTensor(there, pooled.indices, `convert ${label}`);
          const back = ap.convertIndices(there, { ...common, from: mode.indexMode, to: 'plane', indexType: 'int32' });
          assertSameTensor(back, plane.indices, `convert back ${label}`);
        }
      }
    }
    ++checked;
  }
  assert.ok(unpoolChecked > 500, `${unpoolChecked} unpool comparisons`);
});

test('explicit ONNX pads may exceed half the kernel; a window of only padding is an error, not garbage', () => {
  const x = { data: Float32Array.from([5, 1, 7, 3]), shape: [1, 1, 4] };
  // pads [2, 2], kernel 3, stride 1: windows start at -2 .. 3.
  const { values, indices } = ap.maxPool(x, { kernelSize: 3, stride: 1, pads: [2, 2] });
  assert.deepEqual(Array.from(values.data), [5, 5, 7, 7, 7, 3]);
  assert.deepEqual(Array.from(indices.data), [0, 0, 2, 2, 2, 3]);
  assert.throws(() => ap.maxPool(x, { kernelSize: 2, stride: 1, pads: [0, 3] }), { code: 'ARGPOOL_INVALID_ARGUMENT', message: /window 4 \(dimension L\) covers only padding/ });
  assert.throws(() => ap.maxPool(x, { kernelSize: 3, padding: 2 }), { message: /padding\[0\] = 2 must be at most half of kernelSize\[0\] = 3.*use options\.pads/ });
  // SAME_UPPER puts the odd padding at the end, SAME_LOWER at the start.
  const upper = ap.maxPool({ data: Float32Array.from([1, 2, 3, 4]), shape: [1, 1, 4] }, { kernelSize: 2, stride: 1, autoPad: 'SAME_UPPER' });
  const lower = ap.maxPool({ data: Float32Array.from([1, 2, 3, 4]), shape: [1, 1, 4] }, { kernelSize: 2, stride: 1, autoPad: 'SAME_LOWER' });
  assert.deepEqual(Array.from(upper.indices.data), [1, 2, 3, 3]);
  assert.deepEqual(Array.from(lower.indices.data), [0, 1, 2, 3]);
});

test('interop options are validated with clear errors', () => {
  const x = { data: new Float32Array(16), shape: [1, 1, 4, 4] };
  const cases = [
    [() => ap.maxPool(x, { kernelSize: 2, layout: 'CHW' }), /options\.layout must be one of 'NCHW', 'NHWC', got the string "CHW"/],
    [() => ap.maxPool(x, { kernelSize: 2, indexMode: 'onnx' }), /options\.indexMode must be one of 'plane', 'global', 'tf'/],
    [() => ap.maxPool(x, { kernelSize: 2, indexType: 'int16' }), /options\.indexType must be one of 'int32', 'int64'/],
    [() => ap.maxPool(x, { kernelSize: 2, storageOrder: 2 }), /options\.storageOrder must be 0 \(row-major\) or 1/],
    [() => ap.maxPool(x, { kernelSize: 2, storageOrder: 1 }), /storageOrder 1 applies to indexMode 'global' only/],
    [() => ap.maxPool(toNhwc(x.data, x.shape), { kernelSize: 2, layout: 'NHWC', indexMode: 'global', storageOrder: 1 }), /storageOrder 1 \(ONNX column-major\) needs layout 'NCHW'/],
    [() => ap.maxPool(x, { kernelSize: 2, includeBatchInIndex: true }), /includeBatchInIndex applies to indexMode 'tf' only/],
    [() => ap.maxPool(x, { kernelSize: 2, padding: 0, pads: [0, 0, 0, 0] }), /give options\.padding .* or options\.pads .*, not both/],
    [() => ap.maxPool(x, { kernelSize: 2, autoPad: 'SAME_UPPER', pads: [0, 0, 0, 0] }), /options\.autoPad cannot be combined/],
    [() => ap.maxPool(x, { kernelSize: 2, autoPad: 'same_upper' }), /options\.autoPad must be one of 'NOTSET', 'SAME_UPPER'/],
    [() => ap.maxPool(x, { kernelSize: 2, pads: [0, 0, 0] }), /options\.pads must have 4 entries/],
    [() => ap.maxUnpool(x, { data: new Int32Array(16), shape: [1, 1, 4, 4] }, { kernelSize: 2, autoPad: 'SAME_UPPER' }), /cannot size an unpooling/],
    [() => ap.maxUnpool({ data: new Float32Array(4), shape: [1, 1, 2, 2] }, { data: new BigInt64Array([0n, 1n, 2n, 99n]), shape: [1, 1, 2, 2] }, { kernelSize: 2, indexMode: 'global' }), /indices\.data\[3\] = 99 is not a valid 'global' index of element \(n=0, c=0\) into a plane of 4x4 = 16 elements/],
    [() => ap.maxPoolBackward({ data: new Int8Array(4), shape: [1, 1, 2, 2] }, { data: new Int32Array(4), shape: [1, 1, 2, 2] }, [1, 1, 4, 4]), /gradOutput\.data must be a Float32Array or Float64Array, got an Int8Array/],
    [() => ap.convertIndices({ data: new Int32Array(4), shape: [1, 1, 2, 2] }, { from: 'plane', to: 'global', inputShape: [1, 2, 4, 4] }), /must have the rank, N and C of inputShape/],
    [() => ap.convertIndices({ data: new Int32Array(4), shape: [1, 1, 2, 2] }, { from: 'plane', to: 'global', inputShape: [1, 1, 4, 4], extra: 1 }), /unknown option 'extra'/],
    [() => ap.onnx.maxPool(x, { kernel_shape: [2, 2], stride: [1, 1] }), /onnx\.maxPool: unknown option 'stride'/],
    [() => ap.tf.maxPoolWithArgmax(x, 2, 2, 'full'), /pad must be 'valid', 'same' or a number/],
  ];
  for (const [call, pattern] of cases) {
    assert.throws(call, (error) => {
      assert.ok(error instanceof TypeError || error instanceof RangeError, `${error.name}: ${error.message}`);
      assert.match(error.code, /^ARGPOOL_/);
      assert.match(error.message, pattern);
      return true;
    });
  }
  // int32 indices that would overflow are an error; int64 gives the exact value. (An input of
  // 2^31 elements does not fit the 2 GiB module, so the conversion is what can reach this.)
  const inputShape = [4, 1, 32768, 32767];
  const plane = { data: Int32Array.from([5, 6, 7, 8]), shape: [4, 1, 1, 1] };
  assert.throws(() => ap.convertIndices(plane, { from: 'plane', to: 'global', inputShape }),
    { message: /indexType 'int32' cannot hold indexMode 'global' indices up to 4294836223.*use indexType 'int64'/ });
  const wide = ap.convertIndices(plane, { from: 'plane', to: 'global', inputShape, indexType: 'int64' });
  assert.deepEqual(Array.from(wide.data), [5n, 32768n * 32767n + 6n, 2n * 32768n * 32767n + 7n, 3n * 32768n * 32767n + 8n]);
});
