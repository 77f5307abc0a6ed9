// API behaviour: init() memoised and retryable, calls before init, fresh result arrays, dtypes,
// ranks, empty batches, memory growth. Tests run in order within this file (one process).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';

import * as argpool from '../bindings/js/node.js';

const seed = () => ({ data: new Float32Array([2, 4, 5, 1, 3, 7, 2, 8, 1, 6, 3, 4, 9, 2, 7, 5]), shape: [1, 1, 4, 4] });

test('a call before init() resolved throws ArgpoolError ARGPOOL_NOT_INITIALIZED', () => {
  for (const name of ['maxPool', 'maxPool2d', 'maxUnpool', 'maxPoolBackward', 'outputShape']) {
    assert.throws(() => argpool[name](seed(), { kernelSize: 2 }), {
      name: 'ArgpoolError', code: 'ARGPOOL_NOT_INITIALIZED', message: new RegExp(`${name}\\(\\) was called before init\\(\\) resolved`),
    });
  }
});

test('a failed load rejects with ARGPOOL_LOAD_FAILED and a later init() retries', async () => {
  await assert.rejects(argpool.init({ wasmBinary: new Uint8Array([0, 1, 2, 3]) }), {
    name: 'ArgpoolError', code: 'ARGPOOL_LOAD_FAILED', message: /failed to load the WebAssembly module/,
  });
  assert.throws(() => argpool.maxPool(seed(), { kernelSize: 2 }), { code: 'ARGPOOL_NOT_INITIALIZED' });
  const ap = await argpool.init();
  assert.deepEqual(Array.from(ap.maxPool(seed(), { kernelSize: 2 }).indices.data), [5, 7, 12, 14]);
});

test('init() is memoised: every call resolves to the same instance', async () => {
  const [a, b] = await Promise.all([argpool.init(), argpool.init()]);
  assert.equal(a, b);
  assert.equal(await argpool.init(), a);
  assert.ok(Object.isFrozen(a));
});

test('top-level functions work once init() resolved', async () => {
  await argpool.init();
  const { values, indices } = argpool.maxPool2d(seed(), { kernelSize: 2 });
  assert.deepEqual(Array.from(values.data), [7, 8, 9, 7]);
  assert.deepEqual(argpool.outputShape([1, 1, 4, 4], { kernelSize: 2 }), [1, 1, 2, 2]);
  assert.deepEqual(Array.from(argpool.maxUnpool2d(values, indices, { kernelSize: 2 }).data)[5], 7);
});

test('results are fresh arrays owned by the caller, not views of wasm memory; inputs are not modified', async () => {
  const ap = await argpool.init();
  const input = seed();
  const before = input.data.slice();
  const first = ap.maxPool(input, { kernelSize: 2 });
  for (const data of [first.values.data, first.indices.data]) {
    assert.equal(data.byteOffset, 0);
    assert.equal(data.buffer.byteLength, data.byteLength);
    assert.ok(!(data.buffer instanceof SharedArrayBuffer));
  }
  first.values.data.fill(-1);
  first.indices.data.fill(-1);
  const second = ap.maxPool(input, { kernelSize: 2 });
  assert.deepEqual(Array.from(second.values.data), [7, 8, 9, 7]);
  assert.deepEqual(input.data, before);
  assert.notEqual(first.values.shape, input.shape);
});

test('float64 in, float64 out for maxPool, maxUnpool and maxPoolBackward', async () => {
  const ap = await argpool.init();
  const x = { data: Float64Array.from([0.1, 0.2, 0.30000000000000004, 0.3]), shape: [1, 1, 4] };
  const { values, indices } = ap.maxPool1d(x, { kernelSize: 2 });
  assert.ok(values.data instanceof Float64Array);
  assert.deepEqual(Array.from(values.data), [0.2, 0.30000000000000004]);
  assert.deepEqual(Array.from(indices.data), [1, 2]);
  const up = ap.maxUnpool1d(values, indices, { kernelSize: 2 });
  assert.ok(up.data instanceof Float64Array);
  assert.deepEqual(Array.from(up.data), [0, 0.2, 0.30000000000000004, 0]);
  const g = ap.maxPoolBackward1d({ data: Float64Array.from([1e-17, 1]), shape: [1, 1, 2] }, indices, [1, 1, 4]);
  assert.ok(g.data instanceof Float64Array);
  assert.deepEqual(Array.from(g.data), [0, 1e-17, 1, 0]);
});

test('3-D pooling, unpooling and backward with overlapping windows', async () => {
  const ap = await argpool.init();
  // 1x1x2x3x3, values 0..17; kernel [2,2,2], stride 1: outputs 1x2x2, max at the far corner.
  const x = { data: Float32Array.from({ length: 18 }, (_, i) => i), shape: [1, 1, 2, 3, 3] };
  const { values, indices } = ap.maxPool3d(x, { kernelSize: 2, stride: 1 });
  assert.deepEqual(values.shape, [1, 1, 1, 2, 2]);
  assert.deepEqual(Array.from(indices.data), [13, 14, 16, 17]);
  const grad = ap.maxPoolBackward3d({ data: new Float32Array([1, 2, 3, 4]), shape: [1, 1, 1, 2, 2] }, indices, x.shape, { kernelSize: 2, stride: 1 });
  assert.equal(grad.data[13], 1);
  assert.equal(grad.data[17], 4);
  // Overlap: a constant input sends every window to its first tap; shared taps accumulate.
  const flat = { data: new Float32Array(5).fill(1), shape: [1, 1, 5] };
  const pooled = ap.maxPool1d(flat, { kernelSize: 3, stride: 1 });
  assert.deepEqual(Array.from(pooled.indices.data), [0, 1, 2]);
  const overlap = ap.maxPool1d({ data: Float32Array.from([0, 9, 0, 0, 0]), shape: [1, 1, 5] }, { kernelSize: 3, stride: 1 });
  assert.deepEqual(Array.from(overlap.indices.data), [1, 1, 2]);
  const g = ap.maxPoolBackward1d({ data: Float32Array.from([1, 2, 4]), shape: [1, 1, 3] }, overlap.indices, [1, 1, 5]);
  assert.deepEqual(Array.from(g.data), [0, 3, 4, 0, 0]);
});

test('an empty batch (N = 0) is valid and gives empty results', async () => {
  const ap = await argpool.init();
  const { values, indices } = ap.maxPool({ data: new Float32Array(0), shape: [0, 3, 4, 4] }, { kernelSize: 2 });
  assert.deepEqual(values.shape, [0, 3, 2, 2]);
  assert.equal(values.data.length, 0);
  assert.equal(indices.data.length, 0);
  assert.equal(ap.maxUnpool(values, indices, { kernelSize: 2 }).data.length, 0);
  assert.equal(ap.maxPoolBackward(values, indices, [0, 3, 4, 4]).data.length, 0);
});

test('outputShape follows the floor/ceil rules; the same options object serves pool and unpool', async () => {
  const ap = await argpool.init();
  assert.deepEqual(ap.outputShape([1, 1, 5, 5], { kernelSize: 2 }), [1, 1, 2, 2]);
  assert.deepEqual(ap.outputShape([1, 1, 5, 5], { kernelSize: 2, ceilMode: true }), [1, 1, 3, 3]);
  assert.deepEqual(ap.outputShape([1, 1, 2, 2], { kernelSize: 1, stride: 2, ceilMode: true }), [1, 1, 1, 1]);
  assert.deepEqual(ap.outputShape([2, 3, 112, 112], { kernelSize: 3, stride: 2, padding: 1 }), [2, 3, 56, 56]);
  assert.deepEqual(ap.outputShape([1, 1, 9], { kernelSize: 3, stride: null, dilation: 2 }), [1, 1, 2]); // floor((9 - 5) / 3) + 1
  const options = Object.freeze({ kernelSize: Object.freeze([2, 2]), stride: 2, padding: 0, dilation: 1, ceilMode: false });
  const { values, indices } = ap.maxPool(Object.freeze(seed()), options);
  assert.deepEqual(Array.from(ap.maxUnpool(values, indices, options).data).filter((v) => v !== 0), [7, 8, 9, 7]);
});

test('memory growth in the middle of a sequence of calls keeps every result correct', async () => {
  const ap = await argpool.init();
  const before = ap.stats().wasmMemoryBytes;
  const small = ap.maxPool(seed(), { kernelSize: 2 });
  // 64 x 256 x 256 floats = 16 MiB input: more than the initial 16 MiB heap holds with its outputs.
  const big = { data: new Float32Array(64 * 256 * 256), shape: [1, 64, 256, 256] };
  for (let i = 0; i < big.data.length; ++i) big.data[i] = (i * 7919) % 1000;
  const pooled = ap.maxPool(big, { kernelSize: 2 });
  assert.ok(ap.stats().wasmMemoryBytes > before, 'the heap grew');
  // Spot-check against a direct computation.
  for (const o of [0, 12345, pooled.values.data.length - 1]) {
    const plane = Math.floor(o / (128 * 128)), r = Math.floor((o % (128 * 128)) / 128), c = o % 128;
    let best = -Infinity, bestIndex = -1;
    for (const [dr, dc] of [[0, 0], [0, 1], [1, 0], [1, 1]]) {
      const i = (2 * r + dr) * 256 + 2 * c + dc;
      const v = big.data[plane * 65536 + i];
      if (v > best) { best = v; bestIndex = i; }
    }
    assert.equal(pooled.values.data[o], best);
    assert.equal(pooled.indices.data[o], bestIndex);
  }
  assert.deepEqual(Array.from(small.values.data), [7, 8, 9, 7]);
  assert.deepEqual(Array.from(ap.maxPool(seed(), { kernelSize: 2 }).indices.data), [5, 7, 12, 14]);
});

test('init({ wasmModule }) accepts a precompiled WebAssembly.Module', () => {
  const script = `
    import { readFileSync } from 'node:fs';
    import { init } from ${JSON.stringify(new URL('../bindings/js/node.js', import.meta.url).href)};
    const module = new WebAssembly.Module(readFileSync(new URL('../dist/argpool-wasm.wasm', ${JSON.stringify(import.meta.url)})));
    const ap = await init({ wasmModule: module });
    const x = { data: new Float32Array([2,4,5,1,3,7,2,8,1,6,3,4,9,2,7,5]), shape: [1,1,4,4] };
    console.log(Array.from(ap.maxPool(x, { kernelSize: 2 }).indices.data).join(','));`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(out.trim(), '5,7,12,14');
});
