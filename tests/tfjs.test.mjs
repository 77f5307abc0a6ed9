// argpool/tfjs kernels and gradients against TF.js-cpu's own (the reference, computed before
// registration), on the cpu and wasm backends; TF.js-wasm's wrong cases; unregister(); leaks.
// Tests run in order within this file (one process, one TF.js engine).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { registerArgpool } from '../bindings/js/tfjs-node.js';
import { rng } from './random.mjs';
import { distinctValues, loadTfjs, useBackend } from './tfjs-helpers.mjs';

const tf = await loadTfjs();
await useBackend(tf, 'cpu');

// [shape, filterSize, strides, pad, dimRoundingMode, overlapping windows]
const POOL_CASES = [
  [[2, 6, 8, 3], 2, 2, 'valid', undefined, false],
  [[1, 7, 9, 5], 2, 2, 'valid', undefined, false],
  [[2, 7, 5, 4], 2, 2, 'same', undefined, false],
  [[1, 9, 8, 3], 3, 2, 'same', undefined, true],
  [[2, 9, 7, 2], 3, 2, 'valid', undefined, true],
  [[1, 6, 6, 4], 3, 1, 1, undefined, true],
  [[1, 8, 7, 3], 3, 2, 1, 'ceil', true],
  [[1, 7, 7, 2], [2, 3], [1, 2], 'same', undefined, true],
  [[1, 6, 8, 6], [2, 2], [2, 2], 0, undefined, false],
];

const random = rng(2024);
const inputs = POOL_CASES.map(([shape]) => ({
  x: distinctValues(random, shape.reduce((a, b) => a * b, 1)),
  dy: (shape) => Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => Math.round((random() - 0.5) * 64) / 8),
}));
const dys = new Map();

// TF.js's own results, on its own kernels (before registration).
function runCase(i) {
  const [shape, k, s, pad, rounding] = POOL_CASES[i];
  return tf.tidy(() => {
    const x = tf.tensor4d(inputs[i].x, shape);
    const y = tf.maxPool(x, k, s, pad, rounding);
    if (!dys.has(i)) dys.set(i, inputs[i].dy(y.shape));
    const dy = tf.tensor(dys.get(i), y.shape);
    const dx = tf.grad((t) => tf.maxPool(t, k, s, pad, rounding))(x, dy);
    const withArgmax = typeof pad === 'string' ? tf.maxPoolWithArgmax(x, k, s, pad, true) : null;
    return {
      y: y.dataSync().slice(), dx: dx.dataSync().slice(),
      result: withArgmax?.result.dataSync().slice(), indexes: withArgmax ? Int32Array.from(withArgmax.indexes.dataSync()) : null,
    };
  });
}

const reference = POOL_CASES.map((_, i) => runCase(i));

// TF.js's MaxPool gradient drops dimRoundingMode, so TF.js-cpu's own gradient of a 'ceil' pooling
// loses the gradient of the extra last windows. The reference there: dy scattered to where each
// output value sits in the (distinct-valued) input.
POOL_CASES.forEach(([shape, , , , rounding], i) => {
  if (rounding !== 'ceil') return;
  const where = new Map(Array.from(inputs[i].x, (v, e) => [v, e]));
  const dx = new Float32Array(inputs[i].x.length);
  reference[i].y.forEach((v, o) => { dx[where.get(v)] += dys.get(i)[o]; });
  reference[i].dx = dx;
});

function assertClose(actual, expected, exact, label) {
  assert.equal(actual.length, expected.length, label);
  for (let i = 0; i < actual.length; ++i) {
    if (exact) {
      assert.ok(Object.is(actual[i], expected[i]), `${label}: [${i}] ${actual[i]} vs ${expected[i]}`);
    } else {
      const tolerance = 1e-6 * Math.max(Math.abs(expected[i]), 1e-30);
      assert.ok(Math.abs(actual[i] - expected[i]) <= tolerance, `${label}: [${i}] ${actual[i]} vs ${expected[i]}`);
    }
  }
}

// Before registration: TF.js-wasm's own gradient and maxPoolWithArgmax on windows whose maximum
// is negative (documented in issue 11): the behaviour registration fixes.
const negativeInput = Float32Array.from({ length: 2 * 6 * 6 * 3 }, (_, i) => -1 - ((i * 37) % 101) / 8);
const negativeShape = [2, 6, 6, 3];
await useBackend(tf, 'wasm');
const wasmBefore = tf.tidy(() => {
  const x = tf.tensor4d(negativeInput, negativeShape);
  const { result, indexes } = tf.maxPoolWithArgmax(x, 2, 2, 'valid');
  return { dx: tf.grad((t) => tf.maxPool(t, 2, 2, 'valid'))(x).dataSync().slice(), result: result.dataSync().slice(), indexes: indexes.dataSync().slice() };
});
await useBackend(tf, 'cpu');
const cpuNegative = tf.tidy(() => {
  const x = tf.tensor4d(negativeInput, negativeShape);
  const { result, indexes } = tf.maxPoolWithArgmax(x, 2, 2, 'valid');
  return { dx: tf.grad((t) => tf.maxPool(t, 2, 2, 'valid'))(x).dataSync().slice(), result: result.dataSync().slice(), indexes: Int32Array.from(indexes.dataSync()) };
});

const input3d = distinctValues(rng(9), 1 * 5 * 6 * 7 * 2);
const dy3d = distinctValues(rng(10), 1 * 3 * 3 * 4 * 2);
// dy given, so the gradient does not depend on the forward values (TF.js-wasm's own MaxPool3D
// returns ~1e-38 for windows whose maximum is negative).
const grad3d = () => tf.tidy(() => tf.grad((t) => tf.maxPool3d(t, 2, 2, 'same'))(tf.tensor5d(input3d, [1, 5, 6, 7, 2]), tf.tensor5d(dy3d, [1, 3, 3, 4, 2])).dataSync().slice());
const reference3d = grad3d();

const originalKernels = Object.fromEntries(['MaxPool', 'MaxPoolWithArgmax', 'MaxPoolGrad', 'MaxPool3DGrad'].flatMap((name) =>
  ['cpu', 'wasm'].map((backend) => [`${name}/${backend}`, tf.getKernel(name, backend)])));

test('TF.js-wasm on its own gets windows with a negative maximum wrong (what registration fixes)', () => {
  assert.notDeepEqual(Array.from(wasmBefore.dx), Array.from(cpuNegative.dx));
  assert.notDeepEqual(Array.from(wasmBefore.result), Array.from(cpuNegative.result));
});

const apt = await registerArgpool(tf, { backends: ['cpu', 'wasm'] });

test('registerArgpool is idempotent: the same object, nothing registered twice', async () => {
  assert.equal(await registerArgpool(tf, { backends: ['cpu', 'wasm'] }), apt);
  assert.equal(await registerArgpool(tf), apt);
  assert.deepEqual(apt.backends, ['cpu', 'wasm']);
  await assert.rejects(registerArgpool({}), { code: 'ARGPOOL_INVALID_TYPE', message: /tf must be the TensorFlow.js namespace/ });
});

for (const backend of ['cpu', 'wasm']) {
  test(`${backend}: tf.grad(tf.maxPool) equals TF.js-cpu's own (exact without overlap, 1e-6 relative with)`, async () => {
    await useBackend(tf, backend);
    POOL_CASES.forEach((c, i) => {
      const got = runCase(i);
      const label = `${backend} ${JSON.stringify(c)}`;
      // The forward pass is the backend's own MaxPool kernel (TF.js-wasm's differs with dimRoundingMode 'ceil').
      if (backend === 'cpu') assertClose(got.y, reference[i].y, true, `${label} forward`);
      assertClose(got.dx, reference[i].dx, !c[5], `${label} gradient`);
    });
  });

  test(`${backend}: tf.maxPoolWithArgmax equals TF.js-cpu's own, and is right on negative windows`, async () => {
    await useBackend(tf, backend);
    POOL_CASES.forEach((c, i) => {
      if (reference[i].indexes === null) return;
      const got = runCase(i);
      assertClose(got.result, reference[i].result, true, `${backend} ${JSON.stringify(c)} result`);
      assert.deepEqual(Array.from(got.indexes), Array.from(reference[i].indexes), `${backend} ${JSON.stringify(c)} indexes`);
    });
    tf.tidy(() => {
      const { result, indexes } = tf.maxPoolWithArgmax(tf.tensor4d(negativeInput, negativeShape), 2, 2, 'valid');
      assert.equal(indexes.dtype, 'int32');
      assertClose(result.dataSync(), cpuNegative.result, true, `${backend} negative windows`);
      assert.deepEqual(Array.from(indexes.dataSync()), Array.from(cpuNegative.indexes));
    });
  });

  test(`${backend}: the TF.js-wasm wrong-gradient case is right after registration`, async () => {
    await useBackend(tf, backend);
    const dx = tf.tidy(() => tf.grad((t) => tf.maxPool(t, 2, 2, 'valid'))(tf.tensor4d(negativeInput, negativeShape)).dataSync().slice());
    assertClose(dx, cpuNegative.dx, true, `${backend} negative windows gradient`);
  });

  test(`${backend}: gradients through tf.maxPoolWithArgmax and apt.maxUnpool`, async () => {
    await useBackend(tf, backend);
    tf.tidy(() => {
      const i = 1; // k2s2 'valid' on [1, 7, 9, 5]
      const [shape] = POOL_CASES[i];
      const x = tf.tensor4d(inputs[i].x, shape);
      const dy = tf.tensor(dys.get(i), [1, 3, 4, 5]);
      const viaArgmax = tf.grad((t) => tf.maxPoolWithArgmax(t, 2, 2, 'valid').result)(x, dy);
      assertClose(viaArgmax.dataSync(), reference[i].dx, true, `${backend} gradient through maxPoolWithArgmax`);
      // Through a SegNet-like pool → unpool: d/dx sum(w · unpool(pool(x))) = w where x is a window's max.
      const w = tf.tensor4d(distinctValues(rng(7), x.size), shape);
      const roundTrip = tf.grad((t) => {
        const { result, indexes } = apt.maxPoolWithArgmax(t, 2, 2, 'valid', true);
        return apt.maxUnpool(result, indexes, 2, 2, 'valid', shape, true).mul(w).sum();
      })(x);
      const { indexes } = tf.maxPoolWithArgmax(x, 2, 2, 'valid', true);
      const expected = new Float32Array(x.size);
      for (const index of indexes.dataSync()) expected[index] = w.dataSync()[index];
      assertClose(roundTrip.dataSync(), expected, true, `${backend} pool → unpool gradient`);
    });
  });

  test(`${backend}: apt.maxUnpool shapes and values ('valid', 'same', a number, outputShape, float indexes)`, async () => {
    await useBackend(tf, backend);
    tf.tidy(() => {
      // Default output shapes: the input size each pooling inverts.
      for (const [k, s, pad, h, expectedHW] of [[2, 2, 'valid', 3, 6], [3, 2, 'valid', 3, 7], [3, 2, 'same', 4, 8], [3, 2, 1, 4, 7]]) {
        const channelOnly = tf.tensor4d(Array.from({ length: h * h * 2 }, (_, e) => e % 2), [1, h, h, 2], 'int32'); // (0·W + 0)·C + c
        const y = apt.maxUnpool(tf.ones([1, h, h, 2]), channelOnly, k, s, pad);
        assert.deepEqual(y.shape, [1, expectedHW, expectedHW, 2], `${k} ${s} ${pad}`);
        assert.deepEqual(apt.maxUnpoolShape([1, h, h, 2], k, s, pad), y.shape);
      }
      // Values at the indexes of a pooling of 7x7 (outputShape given: 7 is not every pooling's default).
      const x = tf.tensor4d(distinctValues(rng(3), 1 * 7 * 7 * 2), [1, 7, 7, 2]);
      for (const [k, s, pad] of [[2, 2, 'valid'], [3, 2, 'same'], [3, 2, 'valid']]) {
        const { result, indexes } = apt.maxPoolWithArgmax(x, k, s, pad);
        const exact = apt.maxUnpool(result, indexes, k, s, pad, [1, 7, 7, 2]);
        const expected = new Float32Array(98);
        const r = result.dataSync();
        indexes.dataSync().forEach((index, e) => { expected[index] = r[e]; });
        assertClose(exact.dataSync(), expected, true, `${k} ${s} ${pad} values`);
        const viaFloat = apt.maxUnpool(result, indexes.toFloat(), k, s, pad, [1, 7, 7, 2]);
        assertClose(viaFloat.dataSync(), expected, true, `${k} ${s} ${pad} float32 indexes`);
      }
      assert.throws(() => apt.maxUnpool(tf.ones([1, 2, 2, 1]), tf.tensor4d([0, 1, 2.5, 3], [1, 2, 2, 1]), 2, 2, 'valid'),
        { code: 'ARGPOOL_INVALID_ARGUMENT', message: /indexes\[2\] = 2.5 is not an integer/ });
      assert.throws(() => apt.maxUnpool(tf.ones([1, 2, 2, 1]), tf.tensor4d([0, 1, 2, 16], [1, 2, 2, 1], 'int32'), 2, 2, 'valid'),
        { code: 'ARGPOOL_INDEX_OUT_OF_RANGE' });
      assert.throws(() => apt.maxUnpool([1, 2], tf.ones([1])), { code: 'ARGPOOL_INVALID_TYPE', message: /x must be a tf.Tensor/ });
    });
  });

  test(`${backend}: no leaks after 1000 forward + gradient steps (tf.memory and ap.stats)`, async () => {
    await useBackend(tf, backend);
    const x = tf.tensor4d(distinctValues(rng(5), 2 * 8 * 8 * 4), [2, 8, 8, 4]);
    const step = () => tf.tidy(() => {
      const g1 = tf.grad((t) => tf.maxPool(t, 3, 2, 'same').sum())(x);
      const g2 = tf.grad((t) => {
        const { result, indexes } = tf.maxPoolWithArgmax(t, 2, 2, 'valid');
        return apt.maxUnpool(result, indexes, 2, 2, 'valid').square().sum();
      })(x);
      return g1.add(g2).sum().dataSync()[0];
    });
    step();
    const tensors = tf.memory().numTensors;
    const stats = apt.argpool.stats();
    let last;
    for (let i = 0; i < 1000; ++i) last = step();
    assert.ok(Number.isFinite(last));
    assert.equal(tf.memory().numTensors, tensors);
    assert.deepEqual(apt.argpool.stats(), stats);
    x.dispose();
  });
}

test('MaxPool3DGrad: tf.grad(tf.maxPool3d) equals TF.js-cpu\'s own, on cpu and wasm', async () => {
  for (const backend of ['cpu', 'wasm']) {
    await useBackend(tf, backend);
    assertClose(grad3d(), reference3d, true, `${backend} maxPool3d gradient`);
  }
});

test('unregister() restores exactly the kernels and gradients there were before', async () => {
  apt.unregister();
  apt.unregister(); // idempotent
  for (const [key, config] of Object.entries(originalKernels)) {
    const [name, backend] = key.split('/');
    assert.equal(tf.getKernel(name, backend), config, key);
  }
  assert.equal(tf.getGradient('MaxPoolWithArgmax'), undefined);
  assert.equal(tf.getKernel(apt.kernels.maxUnpool, 'cpu'), undefined);
  await useBackend(tf, 'cpu');
  assert.throws(() => tf.grad((t) => tf.maxPoolWithArgmax(t, 2, 2, 'valid').result)(tf.ones([1, 4, 4, 1])),
    /gradient function not found for MaxPoolWithArgmax/);
  await useBackend(tf, 'wasm');
  const dx = tf.tidy(() => tf.grad((t) => tf.maxPool(t, 2, 2, 'valid'))(tf.tensor4d(negativeInput, negativeShape)).dataSync().slice());
  assert.deepEqual(Array.from(dx), Array.from(wasmBefore.dx)); // TF.js-wasm's own behaviour again
  const again = await registerArgpool(tf, { backends: ['cpu'] });
  assert.notEqual(again, apt);
  again.unregister();
  await useBackend(tf, 'cpu');
});
