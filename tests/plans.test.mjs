// Plans (README "Plans"): made once, run many times, with exactly the one-shot functions' results;
// every operand form (typed arrays, fresh results, plain out targets, wasm tensors); the lifecycle
// (dispose, disposed operands, operands that change between runs) and the errors of a run.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

import { init } from '../bindings/js/node.js';

const ap = await init();

const SEED = [2, 4, 5, 1, 3, 7, 2, 8, 1, 6, 3, 4, 9, 2, 7, 5];
const seed = () => ({ data: Float32Array.from(SEED), shape: [1, 1, 4, 4] });
const UNPOOLED = [0, 0, 0, 0, 0, 7, 0, 8, 0, 0, 0, 0, 9, 0, 7, 0];

// A deterministic input of `shape` without ties (so every kernel's first-maximum rule agrees).
function input(shape, salt = 1) {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; ++i) data[i] = ((i * 7919 + salt * 104729) % 10007) - 5003;
  return { data, shape };
}

function stats() {
  const { liveTensors, heapInUseBytes } = ap.stats();
  return { liveTensors, heapInUseBytes };
}

test('maxPoolPlan: shapes, and run equals maxPool for typed arrays, plain out targets and wasm tensors', () => {
  const before = stats();
  const cases = [
    [[1, 3, 9, 11], { kernelSize: 2, stride: 2 }],
    [[2, 4, 16, 14], { kernelSize: 3, stride: 2, padding: 1 }],
    [[1, 2, 7, 7, 5], { kernelSize: [2, 3, 2], stride: [1, 2, 2], ceilMode: true }],
    [[1, 10, 12, 3], { kernelSize: 2, layout: 'NHWC' }],
    [[2, 3, 20], { kernelSize: 4, stride: 3, dilation: 2, padding: 2 }],
  ];
  for (const [shape, options] of cases) {
    const x = input(shape);
    const want = ap.maxPool(x, options);
    const plan = ap.maxPoolPlan(shape, options, { dtype: 'float32' });
    assert.deepEqual(plan.inputShape, shape);
    assert.deepEqual(plan.outputShape, want.values.shape);
    assert.deepEqual(ap.outputShape(shape, options), want.values.shape);
    for (let run = 0; run < 3; ++run) {
      const fresh = plan.run(x);
      assert.deepEqual(fresh.values.data, want.values.data);
      assert.deepEqual(fresh.indices.data, want.indices.data);
      assert.deepEqual(fresh.values.shape, want.values.shape);
      const n = want.values.data.length;
      const out = { values: { data: new Float32Array(n), shape: plan.outputShape }, indices: { data: new Int32Array(n), shape: plan.outputShape } };
      assert.equal(plan.run(x, out), out);
      assert.deepEqual(out.values.data, want.values.data);
      assert.deepEqual(out.indices.data, want.indices.data);
    }
    const t = ap.tensor(shape, 'float32', x.data);
    const v = ap.tensor(plan.outputShape, 'float32');
    const i = ap.tensor(plan.outputShape, 'int32');
    for (let run = 0; run < 3; ++run) {
      v.data.fill(0);
      i.data.fill(-1);
      const out = { values: v, indices: i };
      assert.equal(plan.run(t, out), out);
      assert.deepEqual(v.data, want.values.data);
      assert.deepEqual(i.data, want.indices.data);
    }
    [t, v, i].forEach((u) => u.dispose());
    plan.dispose();
  }
  assert.deepEqual(stats(), before);
});

test('the zero-copy path checks its operands on every run: disposed, swapped, reshaped or foreign tensors', () => {
  const before = stats();
  const plan = ap.maxPoolPlan([1, 1, 4, 4], { kernelSize: 2 });
  const x = ap.tensor([1, 1, 4, 4], 'float32', Float32Array.from(SEED));
  const v = ap.tensor([1, 1, 2, 2], 'float32');
  const i = ap.tensor([1, 1, 2, 2], 'int32');
  plan.run(x, { values: v, indices: i });
  plan.run(x, { values: v, indices: i }); // the operands of the last run again
  assert.deepEqual(Array.from(v.data), [7, 8, 9, 7]);
  assert.deepEqual(Array.from(i.data), [5, 7, 12, 14]);

  // The same objects in other roles are checked again, not taken from the last run.
  assert.throws(() => plan.run(x, { values: i, indices: v }), { code: 'ARGPOOL_INVALID_ARGUMENT', message: /out\.values must be a 'float32' tensor/ });
  assert.throws(() => plan.run(v, { values: v, indices: i }), { message: /input/ });
  assert.throws(() => plan.run(x, { values: v, indices: v }), { message: /out\.values and out\.indices|out\.indices/ });
  // A disposed operand of the last run: ARGPOOL_DISPOSED, nothing written.
  const x2 = ap.tensor([1, 1, 4, 4], 'float32', Float32Array.from(SEED, (s) => -s));
  plan.run(x2, { values: v, indices: i });
  x2.dispose();
  assert.throws(() => plan.run(x2, { values: v, indices: i }), { code: 'ARGPOOL_DISPOSED', message: /input/ });
  assert.deepEqual(Array.from(v.data), [-2, -1, -1, -3]);
  const v2 = ap.tensor([1, 1, 2, 2], 'float32');
  plan.run(x, { values: v2, indices: i });
  v2.dispose();
  assert.throws(() => plan.run(x, { values: v2, indices: i }), { code: 'ARGPOOL_DISPOSED', message: /out\.values/ });
  // A tensor of another shape, and a plain target mixed with tensors.
  const wrong = ap.tensor([1, 1, 2, 3], 'float32');
  assert.throws(() => plan.run(x, { values: wrong, indices: i }), { message: /out\.values/ });
  const plainValues = { data: new Float32Array(4), shape: [1, 1, 2, 2] };
  plan.run(x, { values: plainValues, indices: i });
  assert.deepEqual(Array.from(plainValues.data), [7, 8, 9, 7]);
  [x, v, i, wrong].forEach((t) => t.dispose());
  plan.dispose();
  assert.deepEqual(stats(), before);
});

// The garbage collector, without a command-line flag.
function collector() {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc');
}

test('a plan holds no tensor alive: operands of its runs can be collected', async () => {
  const gc = collector();
  const plan = ap.maxPoolPlan([1, 1, 4, 4], { kernelSize: 2 });
  let collected = false;
  const registry = new FinalizationRegistry(() => { collected = true; });
  (() => {
    const x = ap.tensor([1, 1, 4, 4], 'float32', Float32Array.from(SEED));
    plan.run(x, { values: ap.tensor([1, 1, 2, 2], 'float32'), indices: ap.tensor([1, 1, 2, 2], 'int32') });
    registry.register(x, 'x');
  })();
  for (let k = 0; k < 20 && !collected; ++k) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert.equal(collected, true);
  plan.dispose();
});

test('unpool, backward and unpool-backward plans equal their one-shot functions', () => {
  const before = stats();
  const shape = [2, 3, 10, 12];
  const options = { kernelSize: 3, stride: 2, padding: 1 };
  const x = input(shape, 3);
  const pooled = ap.maxPool(x, options);
  const grad = input(pooled.values.shape, 5);

  const unpool = ap.maxUnpoolPlan(pooled.values.shape, { ...options, outputSize: shape.slice(2) }, { dtype: 'float32', indexType: 'int32' });
  const wantUnpool = ap.maxUnpool(pooled.values, pooled.indices, { ...options, outputSize: shape.slice(2) });
  assert.deepEqual(unpool.valuesShape, pooled.values.shape);
  assert.deepEqual(unpool.outputShape, shape);
  assert.deepEqual(unpool.run(pooled.values, pooled.indices).data, wantUnpool.data);

  const backward = ap.maxPoolBackwardPlan(pooled.values.shape, shape, options, { dtype: 'float32', indexType: 'int32' });
  const wantBackward = ap.maxPoolBackward(grad, pooled.indices, shape, options);
  assert.deepEqual(backward.gradShape, pooled.values.shape);
  assert.deepEqual(backward.outputShape, shape);
  assert.deepEqual(backward.run(grad, pooled.indices).data, wantBackward.data);
  const target = { data: new Float32Array(wantBackward.data.length).fill(123), shape };
  assert.equal(backward.run(grad, pooled.indices, target), target);
  assert.deepEqual(target.data, wantBackward.data);

  const unpoolOptions = { ...options, outputSize: shape.slice(2) };
  const gather = ap.maxUnpoolBackwardPlan(shape, pooled.values.shape, unpoolOptions, { dtype: 'float32', indexType: 'int32' });
  const dy = input(shape, 7);
  const wantGather = ap.maxUnpoolBackward(dy, pooled.indices, pooled.values.shape, unpoolOptions);
  assert.deepEqual(gather.outputShape, pooled.values.shape);
  assert.deepEqual(gather.run(dy, pooled.indices).data, wantGather.data);
  // The gather reads dy at each index: spot-check against the definition.
  const plane = shape[2] * shape[3];
  const outPlane = pooled.values.shape[2] * pooled.values.shape[3];
  for (const k of [0, 7, outPlane + 3, wantGather.data.length - 1]) {
    const p = Math.floor(k / outPlane);
    assert.equal(wantGather.data[k], dy.data[p * plane + pooled.indices.data[k]]);
  }
  [unpool, backward, gather].forEach((p) => p.dispose());
  assert.deepEqual(stats(), before);
});

test('plan lifecycle: dispose is idempotent, a disposed plan refuses to run, bad plans are refused when made', () => {
  const before = stats();
  const plan = ap.maxPoolPlan([1, 1, 4, 4], { kernelSize: 2 });
  assert.equal(plan.disposed, false);
  plan.dispose();
  plan.dispose();
  assert.equal(plan.disposed, true);
  assert.throws(() => plan.run(seed()), { code: 'ARGPOOL_DISPOSED', message: /maxPoolPlan\.run/ });
  assert.throws(() => ap.maxPoolPlan([1, 1, 4, 4], { kernelSize: 5 }), { name: 'ArgpoolRangeError', message: /maxPoolPlan/ });
  assert.throws(() => ap.maxPoolPlan([1, 1, 4], { kernelSize: [2, 2] }), { code: 'ARGPOOL_INVALID_ARGUMENT' });
  assert.throws(() => ap.maxPoolPlan([1, 1, 4, 4], { kernelSize: 2 }, { dtype: 'int64' }), { message: /dtype/ });
  assert.throws(() => ap.maxPoolPlan([1, 1, 4, 4], { kernelSize: 2 }, { kernel: 'max_pool_nchw_f32_scalar' }),
    { message: /planOptions|kernel/ });
  assert.throws(() => ap.maxUnpoolPlan([1, 1, 2, 2], { kernelSize: 2 }, { indexType: 'float32' }), { message: /indexType/ });
  // A run with operands of another shape or dtype: a coded error naming the operand; the plan still works.
  const p = ap.maxPoolPlan([1, 1, 4, 4], { kernelSize: 2 });
  assert.throws(() => p.run({ data: new Float32Array(20), shape: [1, 1, 4, 5] }), { code: 'ARGPOOL_INVALID_ARGUMENT', message: /input/ });
  assert.throws(() => p.run({ data: new Float64Array(16), shape: [1, 1, 4, 4] }), { code: 'ARGPOOL_INVALID_ARGUMENT', message: /input must be a 'float32'/ });
  assert.throws(() => p.run({ data: Array.from(SEED), shape: [1, 1, 4, 4] }), { code: 'ARGPOOL_INVALID_TYPE', message: /input\.data must be/ });
  assert.throws(() => p.run(seed(), { values: { data: new Float32Array(3), shape: [1, 1, 2, 2] }, indices: { data: new Int32Array(4), shape: [1, 1, 2, 2] } }),
    { message: /out\.values/ });
  assert.deepEqual(Array.from(p.run(seed()).indices.data), [5, 7, 12, 14]);
  const up = ap.maxUnpoolPlan([1, 1, 2, 2], { kernelSize: 2 });
  assert.throws(() => up.run({ data: Float32Array.from([7, 8, 9, 7]), shape: [1, 1, 2, 2] }, { data: Int32Array.from([5, 7, 12, 16]), shape: [1, 1, 2, 2] }),
    { code: 'ARGPOOL_INDEX_OUT_OF_RANGE' });
  assert.deepEqual(Array.from(up.run({ data: Float32Array.from([7, 8, 9, 7]), shape: [1, 1, 2, 2] },
    { data: Int32Array.from([5, 7, 12, 14]), shape: [1, 1, 2, 2] }).data), UNPOOLED);
  p.dispose();
  up.dispose();
  assert.deepEqual(stats(), before);
});

test('one-shot calls alike but for one option value, array element or the shape each get their own result (the previous call\'s key is reused only for equal snapshots)', () => {
  const input = (h, w) => ({ data: Float32Array.from({ length: h * w }, (_, i) => ((i * 7919) % 31) - 15), shape: [1, 1, h, w] });
  const reference = (x, options) => {
    const plan = ap.maxPoolPlan(x.shape, options, { dtype: x.data instanceof Float64Array ? 'float64' : 'float32' });
    try { return plan.run(x); } finally { plan.dispose(); }
  };
  const options = { kernelSize: [2, 2], stride: [2, 2] };
  const variants = [
    () => [input(6, 6), options],
    () => { options.kernelSize[1] = 3; return [input(6, 6), options]; },
    () => { options.kernelSize[1] = 2; return [input(6, 6), { kernelSize: [2, 2], stride: [2, 2], padding: 1 }]; },
    () => [input(6, 6), { kernelSize: [2, 2], stride: [2, 1] }],
    () => [input(6, 6), { kernelSize: [2, 2], stride: [2, 2], returnIndices: false }],
    () => [input(6, 7), options],
    () => [{ data: Float64Array.from(input(6, 6).data), shape: [1, 1, 6, 6] }, options],
    () => [input(6, 6), { stride: [2, 2], kernelSize: [2, 2] }],
  ];
  for (let round = 0; round < 3; ++round) {
    for (const make of variants) {
      const [x, o] = make();
      const expected = reference(x, { ...o, kernelSize: o.kernelSize.slice?.() ?? o.kernelSize });
      assert.deepEqual(ap.maxPool(x, o), expected);
    }
  }
});
