// The boundary report's table (rows 1-15: what plain JavaScript objects did to argpool 0.1) as
// public-API regression tests, then the buffer classes (fake, resizable, growable shared,
// detached, shared) and a full heap. Each case gives a coded ArgpoolError / ArgpoolTypeError /
// ArgpoolRangeError or the exact result; afterwards stats() is where it was, a tensor made
// before holds its data and the seed example is right. The attack classes at every read point
// of every function are in tests/boundary.test.mjs.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { init } from '../bindings/js/node.js';
import { assertCoded, assertHealthy, SEED, seedInput } from './support/boundary-helpers.mjs';

const ap = await init();

const SEED_VALUES = [7, 8, 9, 7];
const SEED_MASK = [5, 7, 12, 14];
const k2 = () => ({ kernelSize: 2 });

// Runs `fn` and checks the module afterwards: counters back, an earlier tensor intact, seed right.
function row(fn) {
  const witness = ap.tensor([1, 1, 4, 4], 'float32', SEED);
  const before = ap.stats();
  fn();
  const after = ap.stats();
  assert.equal(after.liveTensors, before.liveTensors, 'liveTensors');
  assert.equal(after.heapInUseBytes, before.heapInUseBytes, 'heapInUseBytes');
  assert.deepEqual(Array.from(witness.data), SEED, 'an earlier tensor lost its data');
  witness.dispose();
  assertHealthy(ap);
}

const assertSeedResult = (r) => {
  assert.deepEqual(Array.from(r.values.data), SEED_VALUES);
  assert.deepEqual(Array.from(r.indices.data), SEED_MASK);
};

test('row 1: a typed array whose own `length` lies is measured by the intrinsic length', () => row(() => {
  for (const fill of [1, 0]) {
    const data = new Float32Array(4096).fill(fill);
    Object.defineProperty(data, 'length', { value: 16 });
    assertCoded(() => ap.maxPool({ data, shape: [1, 1, 4, 4] }, k2()), 'ARGPOOL_INVALID_ARGUMENT', /input\.data has 4096 elements/);
    const values = new Float32Array(4096);
    Object.defineProperty(values, 'length', { value: 4 });
    assertCoded(() => ap.maxPool(seedInput(), k2(), { values: { data: values, shape: [1, 1, 2, 2] }, indices: { data: new Int32Array(4), shape: [1, 1, 2, 2] } }), 'ARGPOOL_INVALID_ARGUMENT', /out\.values/);
  }
}));

test('row 2: an out getter that calls argpool again cannot change the outer call\'s shape or parameters', () => row(() => {
  const values = { data: new Float32Array(4), shape: [1, 1, 2, 2] };
  const indices = { data: new Int32Array(4), shape: [1, 1, 2, 2] };
  const out = {
    get values() {
      ap.outputShape([1, 3, 9, 9], { kernelSize: 3, stride: 1, padding: 1 });
      ap.maxPool({ data: new Float32Array(81), shape: [1, 1, 9, 9] }, { kernelSize: 3 });
      return values;
    },
    indices,
  };
  assert.equal(ap.maxPool(seedInput(), k2(), out), out);
  assertSeedResult({ values, indices });
  // maxUnpool with an out whose getters call argpool.
  const target = new Float32Array(16).fill(-1);
  const unpoolOut = { get data() { ap.maxPool(seedInput(), { kernelSize: 3, padding: 1 }); return target; }, shape: [1, 1, 4, 4] };
  ap.maxUnpool({ data: Float32Array.from(SEED_VALUES), shape: [1, 1, 2, 2] }, { data: Int32Array.from(SEED_MASK), shape: [1, 1, 2, 2] }, k2(), unpoolOut);
  assert.deepEqual(Array.from(target), [0, 0, 0, 0, 0, 7, 0, 8, 0, 0, 0, 0, 9, 0, 7, 0]);
}));

test('row 3: an out.indices getter that disposes out.values and allocates: ARGPOOL_DISPOSED, the new tensor untouched', () => row(() => {
  const values = ap.tensor([1, 1, 2, 2], 'float32');
  let fresh = null;
  let indices = null;
  const out = {
    values,
    get indices() {
      values.dispose();
      fresh = ap.tensor([1, 1, 2, 2], 'float32'); // may reuse the freed block
      indices = ap.tensor([1, 1, 2, 2], 'int32');
      return indices;
    },
  };
  try {
    assertCoded(() => ap.maxPool(seedInput(), k2(), out), 'ARGPOOL_DISPOSED', /out\.values/);
    assert.deepEqual(Array.from(fresh.data), [0, 0, 0, 0]);
    assert.deepEqual(Array.from(indices.data), [0, 0, 0, 0]);
  } finally {
    fresh?.dispose();
    indices?.dispose();
  }
}));

test('row 4: a resizable ArrayBuffer (or growable SharedArrayBuffer) grown from an option getter is measured at the copy', () => row(() => {
  for (const make of [(n, max) => new ArrayBuffer(n, { maxByteLength: max }), (n, max) => new SharedArrayBuffer(n, { maxByteLength: max })]) {
    const buffer = make(16, 1 << 20);
    const data = new Int32Array(buffer); // length-tracking
    data.set(SEED_MASK);
    const grow = () => (buffer.resize ? buffer.resize(1 << 20) : buffer.grow(1 << 20));
    assertCoded(() => ap.convertIndices({ data, shape: [1, 1, 2, 2] }, { from: 'plane', to: 'global', get inputShape() { grow(); return [1, 1, 4, 4]; } }),
      'ARGPOOL_INVALID_ARGUMENT', /indices\.data has 262144 elements/);
    // Grown before the call: measured the same way.
    assertCoded(() => ap.maxPool({ data: new Float32Array(buffer), shape: [1, 1, 4, 4] }, k2()), 'ARGPOOL_INVALID_ARGUMENT', /input\.data/);
  }
}));

test('row 5: objects made from a typed-array prototype, Proxies and tagged arrays are not typed arrays', () => row(() => {
  const fake = Object.create(Float32Array.prototype, { length: { value: 16 } });
  assertCoded(() => ap.maxPool({ data: fake, shape: [1, 1, 4, 4] }, k2()), 'ARGPOOL_INVALID_TYPE', /input\.data must be/);
  assertCoded(() => ap.maxPool({ data: new Proxy(Float32Array.from(SEED), {}), shape: [1, 1, 4, 4] }, k2()), 'ARGPOOL_INVALID_TYPE', /input\.data must be/);
  const tagged = [...SEED_MASK];
  tagged[Symbol.toStringTag] = 'Int32Array';
  assertCoded(() => ap.maxUnpool({ data: Float32Array.from(SEED_VALUES), shape: [1, 1, 2, 2] }, { data: tagged, shape: [1, 1, 2, 2] }, k2()),
    'ARGPOOL_INVALID_TYPE', /indices\.data must be/);
  assertCoded(() => ap.tensor([4], 'int32', new Proxy(Int32Array.from(SEED_MASK), {})), 'ARGPOOL_INVALID_TYPE');
}));

test('row 6: a resizable buffer shrunk from a getter after the length check: a coded error, never address 0 or stale data', () => row(() => {
  for (const view of ['tracking', 'fixed']) {
    const buffer = new ArrayBuffer(64, { maxByteLength: 64 });
    const data = view === 'tracking' ? new Float32Array(buffer) : new Float32Array(buffer, 0, 16);
    data.set(SEED);
    assertCoded(() => ap.maxPool({ data, shape: [1, 1, 4, 4] }, { get kernelSize() { buffer.resize(0); return 2; } }), 'ARGPOOL_INVALID_ARGUMENT', /input\.data/);
    // An out array shrunk the same way.
    const outBuffer = new ArrayBuffer(16, { maxByteLength: 16 });
    const values = view === 'tracking' ? new Float32Array(outBuffer) : new Float32Array(outBuffer, 0, 4);
    assertCoded(() => ap.maxPool(seedInput(), { get kernelSize() { outBuffer.resize(4); return 2; } }, { values: { data: values, shape: [1, 1, 2, 2] }, indices: { data: new Int32Array(4), shape: [1, 1, 2, 2] } }),
      'ARGPOOL_INVALID_ARGUMENT', /out\.values/);
  }
}));

test('row 7: tensor(shape, dtype, source) whose source grows memory while it is read holds the source', () => row(() => {
  const grown = [];
  const source = new Proxy(SEED.slice(), {
    get(target, key) {
      if (key === '0') for (let i = 0; i < 4; ++i) grown.push(ap.tensor([16, 1024, 1024], 'float32'));
      return Reflect.get(target, key);
    },
  });
  const t = ap.tensor([1, 1, 4, 4], 'float32', source);
  for (const g of grown) g.dispose();
  assert.deepEqual(Array.from(t.data), SEED);
  t.dispose();
}));

test('row 8: an out typed-array subclass whose set() calls maxPool: the outer result is its own', () => row(() => {
  let calls = 0;
  class Reentrant extends Int32Array {
    set(...args) { ++calls; ap.maxPool({ data: new Float32Array(64).fill(1), shape: [1, 1, 8, 8] }, k2()); return super.set(...args); }
  }
  const out = { values: { data: new Float32Array(4), shape: [1, 1, 2, 2] }, indices: { data: new Reentrant(4), shape: [1, 1, 2, 2] } };
  ap.maxPool(seedInput(), k2(), out);
  assertSeedResult({ values: out.values, indices: out.indices });
  assert.equal(calls, 0);
}));

test('row 9: an options object whose element getter changes between calls: every call reads it once, nothing stale', () => row(() => {
  const expected = (k) => ap.maxPool(seedInput(), { kernelSize: [k, 2] });
  let reads = 0;
  const kernelSize = [0, 2];
  Object.defineProperty(kernelSize, 0, { get() { ++reads; return reads === 1 ? 2 : 3; }, configurable: true });
  const options = { kernelSize };
  assert.deepEqual(ap.maxPool(seedInput(), options), expected(2));
  assert.deepEqual(ap.maxPool(seedInput(), options), expected(3));
  Object.defineProperty(kernelSize, 0, { value: 2 });
  assert.deepEqual(ap.maxPool(seedInput(), options), expected(2));
  assert.equal(reads, 2);
}));

test('row 10: a kernelSize element is read once; fractional, string, object and BigInt sizes are refused with a code', () => row(() => {
  for (const later of [2.9, '3', { valueOf: () => 3 }, 3n]) {
    let reads = 0;
    const kernelSize = [0, 2];
    Object.defineProperty(kernelSize, 0, { get() { return ++reads === 1 ? 2 : later; } });
    assertSeedResult(ap.maxPool(seedInput(), { kernelSize }));
    assert.equal(reads, 1);
    assertCoded(() => ap.maxPool(seedInput(), { kernelSize: [later, 2] }), typeof later === 'number' ? 'ARGPOOL_INVALID_ARGUMENT' : 'ARGPOOL_INVALID_TYPE', /kernelSize/);
  }
}));

test('row 11: a full heap, then 5000 invalid calls: every one coded with its own short message; the module keeps working', () => {
  const x = ap.tensor([1, 1, 4, 4], 'float32', SEED);
  const out = { values: ap.tensor([1, 1, 2, 2], 'float32'), indices: ap.tensor([1, 1, 2, 2], 'int32') };
  const before = ap.stats();
  const filler = [];
  for (let size = 256 << 20; size >= 4096;) {
    try {
      filler.push(ap.tensor([size / 4], 'float32'));
    } catch (error) {
      assert.equal(error.code, 'ARGPOOL_OUT_OF_MEMORY', error.message);
      size /= 2;
    }
  }
  const bad = [
    [() => ap.maxPool(seedInput(), { kernelSize: 0 }), 'ARGPOOL_INVALID_ARGUMENT', /^maxPool: .*kernelSize/],
    [() => ap.maxPool(seedInput(), { kernelSize: 2, padding: 3 }), 'ARGPOOL_INVALID_ARGUMENT', /^maxPool: .*padding/],
    [() => ap.maxPool({ data: new Float32Array(3), shape: [1, 1, 4, 4] }, k2()), 'ARGPOOL_INVALID_ARGUMENT', /^maxPool: input\.data has 3 elements/],
    [() => ap.maxUnpool({ data: new Float32Array(4), shape: [1, 1, 2, 2] }, { data: Int32Array.of(0, 1, 2, 99), shape: [1, 1, 2, 2] }, k2()), null, /^maxUnpool: /],
    [() => ap.outputShape([1, 1, 4, 4], { kernelSize: 9 }), 'ARGPOOL_INVALID_ARGUMENT', /^outputShape: /],
    [() => ap.tensor([1 << 30], 'float32'), 'ARGPOOL_OUT_OF_MEMORY', /^tensor: /],
    [() => ap.maxPool({ data: new Float32Array(1 << 20), shape: [1, 1, 1024, 1024] }, k2()), 'ARGPOOL_OUT_OF_MEMORY', /^maxPool: /],
    [() => ap.convertIndices({ data: Int32Array.of(99), shape: [1, 1, 1, 1] }, { from: 'plane', to: 'global', inputShape: [1, 1, 2, 2] }), null, /^convertIndices: /],
    [() => ap.maxPoolPlan([1, 1, 4, 4], { kernelSize: -1 }), 'ARGPOOL_INVALID_ARGUMENT', /^maxPoolPlan: .*kernelSize/],
    [() => ap.onnx.maxPool({ data: new Float32Array(16), dims: [1, 1, 4, 4] }, { kernel_shape: [2, 2], auto_pad: 'SAME', pads: [0, 0, 0, 0] }), 'ARGPOOL_INVALID_TYPE', /^onnx\.maxPool: /],
  ];
  for (let i = 0; i < 5000; ++i) {
    const [call, code, pattern] = bad[i % bad.length];
    const error = assertCoded(call, code, pattern);
    if (code === null) assert.match(error.code, /^ARGPOOL_(INDEX_OUT_OF_RANGE|OUT_OF_MEMORY)$/, error.message);
  }
  // On the full heap, a zero-copy call needs no memory: exact.
  ap.maxPool(x, k2(), out);
  assertSeedResult(out);
  for (const f of filler) f.dispose();
  const after = ap.stats();
  assert.equal(after.liveTensors, before.liveTensors);
  assert.equal(after.heapInUseBytes, before.heapInUseBytes);
  assert.deepEqual(Array.from(x.data), SEED);
  for (const t of [x, out.values, out.indices]) t.dispose();
  assertHealthy(ap);
});

test('row 12: tensor() with a source that cannot fill it: coded, and nothing leaks', () => row(() => {
  for (let i = 0; i < 100; ++i) {
    assertCoded(() => ap.tensor([2], 'float32', [1n, 2n]), 'ARGPOOL_INVALID_TYPE', /source\[0\]/);
    assertCoded(() => ap.tensor([2], 'float32', { length: 2, get 0() { throw new Error('boom'); } }), 'ARGPOOL_INVALID_TYPE', /source\[0\].*boom/);
    assertCoded(() => ap.tensor([2], 'int64', [1, 2]), 'ARGPOOL_INVALID_TYPE', /source\[0\]/);
    assertCoded(() => ap.tensor([2], 'float32', [1, { valueOf: () => 2 }]), 'ARGPOOL_INVALID_TYPE', /source\[1\]/);
  }
}));

test('row 13: detached buffers, a Proxy of a wasm tensor and a 2^40-element outputShape: coded errors', () => row(() => {
  const detached = Float32Array.from(SEED);
  structuredClone(detached.buffer, { transfer: [detached.buffer] });
  assertCoded(() => ap.maxPool({ data: detached, shape: [1, 1, 4, 4] }, k2()), 'ARGPOOL_INVALID_ARGUMENT', /input\.data has 0 elements/);
  const t = ap.tensor([1, 1, 4, 4], 'float32', SEED);
  assertCoded(() => ap.maxPool(new Proxy(t, {}), k2()), 'ARGPOOL_INVALID_TYPE', /input/);
  t.dispose();
  assertCoded(() => ap.onnx.maxUnpool({ data: Float32Array.from(SEED_VALUES), dims: [1, 1, 2, 2] }, { data: BigInt64Array.from(SEED_MASK.map(BigInt)), dims: [1, 1, 2, 2] },
    { kernel_shape: [2, 2] }, [1, 1, 2 ** 20, 2 ** 20]), 'ARGPOOL_OUT_OF_MEMORY', /outputShape/);
  // Detached from a getter after the data was read: measured at the copy.
  const late = Float32Array.from(SEED);
  assertCoded(() => ap.maxPool({ data: late, shape: [1, 1, 4, 4] }, { get kernelSize() { structuredClone(late.buffer, { transfer: [late.buffer] }); return 2; } }),
    'ARGPOOL_INVALID_ARGUMENT', /input\.data has 0 elements/);
}));

test('row 14: inherited options and a replaced Array.prototype iterator change nothing', () => row(() => {
  const expected = ap.maxPool(seedInput(), k2());
  for (const [key, value] of [['padding', 1], ['stride', 1], ['ceilMode', true], ['layout', 'NHWC'], ['returnIndices', false]]) {
    Object.defineProperty(Object.prototype, key, { value, configurable: true, writable: true });
    try {
      assert.deepEqual(ap.maxPool(seedInput(), k2()), expected, `inherited ${key}`);
    } finally {
      delete Object.prototype[key];
    }
  }
  const witness = ap.tensor([4], 'float32', [1, 2, 3, 4]);
  const input = seedInput();
  const saved = Object.getOwnPropertyDescriptor(Array.prototype, Symbol.iterator);
  let result;
  Array.prototype[Symbol.iterator] = function* () { yield 99; };
  try {
    result = ap.maxPool(input, { kernelSize: [2, 2] });
  } finally {
    Object.defineProperty(Array.prototype, Symbol.iterator, saved);
  }
  assert.deepEqual(result, expected);
  assert.deepEqual(Array.from(witness.data), [1, 2, 3, 4]);
  witness.dispose();
}));

test('row 15: contradictory ONNX attributes, string flags and aliased outputs are refused; a typed array\'s own tag is ignored', () => row(() => {
  const X = () => ({ data: Float32Array.from(SEED), dims: [1, 1, 4, 4] });
  assertCoded(() => ap.onnx.maxPool(X(), { kernel_shape: [2, 2], pads: [0, 0, 0, 0], auto_pad: 'SAME_UPPER' }), 'ARGPOOL_INVALID_TYPE', /pads and auto_pad/);
  assertCoded(() => ap.onnx.maxPool(X(), { kernel_shape: [2, 2], ceil_mode: '0' }), 'ARGPOOL_INVALID_TYPE', /ceil_mode/);
  const buffer = new ArrayBuffer(64);
  assertCoded(() => ap.maxPool(seedInput(), k2(), { values: { data: new Float32Array(buffer, 0, 4), shape: [1, 1, 2, 2] }, indices: { data: new Int32Array(buffer, 8, 4), shape: [1, 1, 2, 2] } }),
    'ARGPOOL_INVALID_ARGUMENT', /must not share memory/);
  const bytes = Uint8Array.from(SEED);
  Object.defineProperty(bytes, Symbol.toStringTag, { value: 'Float64Array' });
  const r = ap.maxPool({ data: bytes, shape: [1, 1, 4, 4] }, k2());
  assert.equal(Object.prototype.toString.call(r.values.data), '[object Uint8Array]');
  assertSeedResult(r);
}));

test('buffers: typed arrays over SharedArrayBuffers and at offsets into larger buffers compute exactly', () => row(() => {
  const shared = new Float32Array(new SharedArrayBuffer(16 * 4));
  shared.set(SEED);
  assertSeedResult(ap.maxPool({ data: shared, shape: [1, 1, 4, 4] }, k2()));
  const big = new Float32Array(40);
  big.set(SEED, 7);
  const outBuffer = new ArrayBuffer(64);
  const out = { values: { data: new Float32Array(outBuffer, 4, 4), shape: [1, 1, 2, 2] }, indices: { data: new Int32Array(outBuffer, 32, 4), shape: [1, 1, 2, 2] } };
  ap.maxPool({ data: big.subarray(7, 23), shape: [1, 1, 4, 4] }, k2(), out);
  assertSeedResult(out);
  assert.deepEqual(Array.from(new Float32Array(outBuffer, 0, 1)), [0]);
}));
