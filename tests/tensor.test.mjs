// Wasm tensors (zero-copy): creation, in-place outputs, values-only pooling, dispose, stats, the
// FinalizationRegistry safety net, and views that stay valid across memory growth.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';

import { init } from '../bindings/js/node.js';

const ap = await init();
const SEED = [2, 4, 5, 1, 3, 7, 2, 8, 1, 6, 3, 4, 9, 2, 7, 5];

test('tensor(shape, dtype, source) lives in wasm memory with a fresh view on every access', () => {
  const x = ap.tensor([1, 1, 4, 4], 'float32', SEED);
  assert.deepEqual(x.shape, [1, 1, 4, 4]);
  assert.ok(Object.isFrozen(x.shape));
  assert.equal(x.dtype, 'float32');
  assert.equal(x.size, 16);
  assert.ok(x.data instanceof Float32Array);
  assert.notEqual(x.data, x.data, 'each access derives a new view');
  assert.deepEqual(Array.from(x.data), SEED);
  const zeros = ap.tensor([2, 3], 'int32');
  assert.deepEqual(Array.from(zeros.data), [0, 0, 0, 0, 0, 0]);
  assert.ok(ap.tensor([1], 'float64').data instanceof Float64Array);
  x.dispose();
  zeros.dispose();
});

test('maxPool(x, options, out) writes into wasm tensors in place and returns out', () => {
  const x = ap.tensor([1, 1, 4, 4], 'float32', SEED);
  const shape = ap.outputShape(x.shape, { kernelSize: 2 });
  const out = { values: ap.tensor(shape, 'float32'), indices: ap.tensor(shape, 'int32') };
  assert.equal(ap.maxPool(x, { kernelSize: 2 }, out), out);
  assert.deepEqual(Array.from(out.values.data), [7, 8, 9, 7]);
  assert.deepEqual(Array.from(out.indices.data), [5, 7, 12, 14]);
  // Unpool and backward take wasm tensors and write into one.
  const restored = ap.tensor([1, 1, 4, 4], 'float32');
  assert.equal(ap.maxUnpool(out.values, out.indices, { kernelSize: 2 }, restored), restored);
  assert.deepEqual(Array.from(restored.data), [0, 0, 0, 0, 0, 7, 0, 8, 0, 0, 0, 0, 9, 0, 7, 0]);
  const grad = ap.tensor([1, 1, 4, 4], 'float32');
  ap.maxPoolBackward(out.values, out.indices, [1, 1, 4, 4], { kernelSize: 2 }, grad);
  assert.deepEqual(Array.from(grad.data), [0, 0, 0, 0, 0, 7, 0, 8, 0, 0, 0, 0, 9, 0, 7, 0]);
  // Without `out`, results from wasm inputs are fresh arrays.
  const fresh = ap.maxPool(x, { kernelSize: 2 });
  assert.ok(!(fresh.values instanceof Object.getPrototypeOf(x).constructor));
  assert.deepEqual(Array.from(fresh.indices.data), [5, 7, 12, 14]);
  for (const t of [x, out.values, out.indices, restored, grad]) t.dispose();
});

test('plain arrays and wasm tensors mix, and plain `out` targets are filled by copy', () => {
  const x = { data: Float64Array.from(SEED), shape: [1, 1, 4, 4] };
  const out = { values: { data: new Float64Array(4), shape: [1, 1, 2, 2] }, indices: ap.tensor([1, 1, 2, 2], 'int32') };
  ap.maxPool(x, { kernelSize: 2 }, out);
  assert.deepEqual(Array.from(out.values.data), [7, 8, 9, 7]);
  assert.deepEqual(Array.from(out.indices.data), [5, 7, 12, 14]);
  out.indices.dispose();
});

test('returnIndices: false computes values only, with the same values', () => {
  const x = ap.tensor([2, 3, 9, 13], 'float32', Float32Array.from({ length: 702 }, (_, i) => Math.sin(i * 7.3)));
  for (const options of [{ kernelSize: 2 }, { kernelSize: 3, stride: 2, padding: 1 }, { kernelSize: [2, 3], stride: 1, dilation: 2 }]) {
    const both = ap.maxPool(x, options);
    const only = ap.maxPool(x, { ...options, returnIndices: false });
    assert.deepEqual(Object.keys(only), ['values']);
    assert.deepEqual(only.values.data, both.values.data);
  }
  x.dispose();
});

test('out targets of the wrong shape or dtype, or aliasing an input, are rejected', () => {
  const x = ap.tensor([1, 1, 4, 4], 'float32', SEED);
  const wrongShape = { values: ap.tensor([1, 1, 4, 1], 'float32'), indices: ap.tensor([1, 1, 2, 2], 'int32') };
  assert.throws(() => ap.maxPool(x, { kernelSize: 2 }, wrongShape), { name: 'ArgpoolRangeError', message: /out\.values must be a 'float32' tensor of shape \[1, 1, 2, 2\], got 'float32' \[1, 1, 4, 1\]/ });
  const wrongType = { values: ap.tensor([1, 1, 2, 2], 'float32'), indices: ap.tensor([1, 1, 2, 2], 'float32') };
  assert.throws(() => ap.maxPool(x, { kernelSize: 2 }, wrongType), { message: /out\.indices must be a 'int32' tensor/ });
  assert.throws(() => ap.maxPool(x, { kernelSize: 4 }, { values: x, indices: wrongType.indices }), { message: /out\.values must not be one of the inputs/ });
  assert.throws(() => ap.maxPool(x, { kernelSize: 2 }, 5), { name: 'ArgpoolTypeError', message: /out must be an object/ });
  assert.throws(() => ap.maxUnpool(x, wrongType.indices, { kernelSize: 2 }), { message: /indices must be a 'int32' or 'int64' tensor, got 'float32'/ });
  for (const t of [x, ...Object.values(wrongShape), ...Object.values(wrongType)]) t.dispose();
});

test('a disposed tensor is a clear error everywhere; dispose is idempotent', () => {
  const x = ap.tensor([1, 1, 4, 4], 'float32', SEED);
  x.dispose();
  x.dispose();
  assert.equal(x.disposed, true);
  assert.throws(() => x.data, { name: 'ArgpoolError', code: 'ARGPOOL_DISPOSED' });
  assert.throws(() => ap.maxPool(x, { kernelSize: 2 }), { code: 'ARGPOOL_DISPOSED', message: /input: the tensor was disposed/ });
  assert.deepEqual(Array.from(ap.maxPool({ data: Float32Array.from(SEED), shape: [1, 1, 4, 4] }, { kernelSize: 2 }).values.data), [7, 8, 9, 7]);
});

test('bad tensor() arguments are rejected', () => {
  assert.throws(() => ap.tensor([2, -1]), { name: 'ArgpoolRangeError', message: /tensor: shape\[1\] must be a non-negative integer, got -1/ });
  assert.throws(() => ap.tensor('2'), { name: 'ArgpoolTypeError', message: /tensor: shape must be a non-empty array/ });
  assert.throws(() => ap.tensor([2], 'complex64'), { name: 'ArgpoolTypeError', message: /dtype must be one of 'float32', 'float64', 'int8', 'uint8', 'int16', 'uint16', 'int32', 'int64', got the string "complex64"/ });
  assert.throws(() => ap.tensor([2], 'float32', [1, 2, 3]), { name: 'ArgpoolRangeError', message: /source must be an array-like of 2 elements/ });
  assert.throws(() => ap.tensor([2 ** 20, 2 ** 12], 'float64'), { name: 'ArgpoolError', code: 'ARGPOOL_OUT_OF_MEMORY' });
});

test('stats() counts live tensors and heap bytes; both return to where they started', () => {
  const start = ap.stats();
  assert.equal(typeof start.wasmMemoryBytes, 'number');
  const tensors = Array.from({ length: 10 }, () => ap.tensor([1, 4, 32, 32], 'float32'));
  const during = ap.stats();
  assert.equal(during.liveTensors, start.liveTensors + 10);
  assert.ok(during.heapInUseBytes >= start.heapInUseBytes + 10 * 4 * 32 * 32 * 4);
  for (const t of tensors) t.dispose();
  const end = ap.stats();
  assert.equal(end.liveTensors, start.liveTensors);
  assert.equal(end.heapInUseBytes, start.heapInUseBytes);
});

test('tensor views taken after memory growth see earlier results intact', () => {
  const x = ap.tensor([1, 1, 4, 4], 'float32', SEED);
  const out = { values: ap.tensor([1, 1, 2, 2], 'float32'), indices: ap.tensor([1, 1, 2, 2], 'int32') };
  ap.maxPool(x, { kernelSize: 2 }, out);
  const before = ap.stats().wasmMemoryBytes;
  const big = ap.tensor([1, 8, 2048, 2048], 'float32'); // 128 MiB: forces growth
  assert.ok(ap.stats().wasmMemoryBytes > before);
  assert.deepEqual(Array.from(out.values.data), [7, 8, 9, 7]);
  assert.deepEqual(Array.from(out.indices.data), [5, 7, 12, 14]);
  assert.deepEqual(Array.from(x.data), SEED);
  big.dispose();
  for (const t of [x, out.values, out.indices]) t.dispose();
});

test('tensors dropped without dispose() are freed by the FinalizationRegistry safety net', () => {
  const script = `
    import { init } from ${JSON.stringify(new URL('../bindings/js/node.js', import.meta.url).href)};
    const ap = await init();
    const start = ap.stats();
    (() => { for (let i = 0; i < 50; ++i) ap.tensor([1, 4, 64, 64], 'float32'); })();
    const during = ap.stats().liveTensors - start.liveTensors;
    for (let i = 0; i < 20 && ap.stats().liveTensors > start.liveTensors; ++i) {
      globalThis.gc();
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    console.log(JSON.stringify({ during, after: ap.stats().liveTensors - start.liveTensors, heap: ap.stats().heapInUseBytes - start.heapInUseBytes }));`;
  const out = JSON.parse(execFileSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], { encoding: 'utf8' }));
  assert.deepEqual(out, { during: 50, after: 0, heap: 0 });
});
