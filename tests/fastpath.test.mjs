// The per-call caches (bindings/js/options.js: parsed options per options object; api.js: the last
// output shape per operation) must never change a result or an error. Every call here with a
// reused, mutated or unusual options object is compared with the same call given a fresh object
// literal of the same content, which always takes the full parse: values and indices bit for bit,
// errors by class, code and message. Each state is called several times, so that the cached path
// (taken from the second use of an object on) is the one compared.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { init } from '../bindings/js/node.js';
import { bits, randInt, rng, specialValues } from './random.mjs';

const ap = await init();
const REPEAT = 3;

// A fresh literal with the same own enumerable options (arrays copied).
const literal = (options) => Object.fromEntries(Object.entries(options).map(([k, v]) => [k, Array.isArray(v) ? [...v] : v]));

// An array's class and exact contents (floats as bits: NaN payloads and -0 included).
const contents = (data) => ({
  type: data.constructor.name,
  items: Array.from(data instanceof Float32Array || data instanceof Float64Array ? bits(data) : data),
});

// What a call did: its result (arrays as exact contents) or its error (class, code, message).
function outcome(call) {
  let result;
  try {
    result = call();
  } catch (error) {
    return { error: { name: error.name, type: error.constructor.name, code: error.code, message: error.message } };
  }
  const tensor = (t) => (t && { shape: Array.from(t.shape), data: contents(t.data) });
  return result.values !== undefined
    ? { values: tensor(result.values), indices: tensor(result.indices) }
    : { tensor: tensor(result) };
}

let inputSeed = 1;
function plainInput(shape, ArrayType = Float32Array) {
  const random = rng(inputSeed++);
  const count = shape.reduce((a, b) => a * b, 1);
  const data = ArrayType === Float32Array || ArrayType === Float64Array ? specialValues(random, ArrayType, count)
    : ArrayType.from({ length: count }, () => randInt(random, 0, 5));
  return { data, shape };
}

const TENSOR_DTYPE = {
  Float32Array: 'float32', Float64Array: 'float64', Int8Array: 'int8', Uint8Array: 'uint8', Uint8ClampedArray: 'uint8',
  Int16Array: 'int16', Uint16Array: 'uint16', Int32Array: 'int32',
};

// Calls maxPool with `options` REPEAT times, on typed arrays and on wasm tensors (outputs written
// in place), and compares each outcome with the same call given `reference`, by default a fresh
// literal of the same content. Returns whether the calls succeeded.
function checkPool(input, options, reference = literal(options)) {
  const expected = outcome(() => ap.maxPool(input, reference));
  for (let i = 0; i < REPEAT; ++i) assert.deepEqual(outcome(() => ap.maxPool(input, options)), expected);

  const dtype = TENSOR_DTYPE[input.data.constructor.name];
  const x = ap.tensor(input.shape, dtype, input.data);
  const shape = expected.values?.shape ?? [1, 1, 1, 1];
  const withIndices = expected.error !== undefined || expected.indices !== undefined;
  const out = {
    values: ap.tensor(shape, dtype),
    indices: ap.tensor(shape, expected.indices?.data.type === 'BigInt64Array' ? 'int64' : 'int32'),
  };
  const inPlace = (opts) => outcome(() => {
    out.values.data.fill(7);
    out.indices.data.fill(out.indices.dtype === 'int64' ? -7n : -7);
    ap.maxPool(x, opts, out);
    return { values: out.values, indices: withIndices ? out.indices : undefined };
  });
  const expectedInPlace = inPlace(reference);
  for (let i = 0; i < REPEAT; ++i) assert.deepEqual(inPlace(options), expectedInPlace);
  for (const t of [x, out.values, out.indices]) t.dispose();
  return expected.error === undefined;
}

test('a reused options object mutated between calls gives what a fresh literal gives', () => {
  const inputs = [plainInput([1, 2, 7, 7]), plainInput([2, 7, 6, 3]), plainInput([1, 3, 9]), plainInput([1, 1, 3, 4, 5])];
  const options = { kernelSize: 2 };
  // Each option is added (a new key) and later changed in place (the same keys, another value).
  const steps = [
    () => {},
    () => { options.kernelSize = 3; },
    () => { options.kernelSize = [3, 2]; }, // number → array
    () => { options.kernelSize[1] = 3; }, // an element of the same array
    () => { options.kernelSize = 2; options.stride = [1, 2]; },
    () => { options.stride[0] = 2; },
    () => { options.stride = 1; },
    () => { options.padding = 1; },
    () => { options.padding = [1, 0]; },
    () => { options.ceilMode = true; },
    () => { options.ceilMode = false; },
    () => { options.padding = 0; },
    () => { options.dilation = 2; },
    () => { options.dilation = [1, 2]; },
    () => { options.returnIndices = false; },
    () => { options.returnIndices = true; },
    () => { options.returnIndices = false; },
    () => { options.layout = 'NHWC'; },
    () => { options.layout = 'NCHW'; },
    () => { options.returnIndices = true; },
    () => { options.indexMode = 'global'; },
    () => { options.indexType = 'int64'; },
    () => { options.indexType = 'int32'; },
    () => { options.storageOrder = 1; },
    () => { options.storageOrder = 0; },
    () => { options.indexMode = 'tf'; },
    () => { options.includeBatchInIndex = true; },
    () => { options.includeBatchInIndex = false; },
    () => { options.indexMode = 'plane'; },
    () => { delete options.padding; options.pads = [0, 1, 1, 0]; },
    () => { options.pads[3] = 1; },
    () => { options.pads = [1, 0, 0, 1]; },
    () => { delete options.pads; options.autoPad = 'SAME_UPPER'; },
    () => { options.autoPad = 'SAME_LOWER'; },
    () => { options.autoPad = 'VALID'; },
    () => { delete options.autoPad; options.stride = undefined; }, // an undefined value: the default, as when absent
    () => { delete options.stride; },
    () => { options.kernelSize = [2, 2, 2]; },
  ];
  let succeeded = 0;
  for (const step of steps) {
    step();
    for (const input of inputs) if (checkPool(input, options)) ++succeeded;
  }
  assert.ok(succeeded > 80, `${succeeded} successful states`); // most states are valid, not just matching errors
});

test('one options object with inputs of other shapes and dtypes, in turn', () => {
  const options = { kernelSize: 3, stride: 2, padding: 1 };
  const inputs = [
    plainInput([1, 1, 4, 4]), plainInput([1, 1, 6, 6]), plainInput([2, 3, 5, 5]), plainInput([1, 1, 4, 4], Float64Array),
    plainInput([1, 1, 4, 4], Int8Array), plainInput([1, 1, 4, 4], Uint8Array), plainInput([1, 1, 4, 4], Uint8ClampedArray),
    plainInput([1, 1, 4, 4], Int16Array), plainInput([1, 1, 4, 4], Uint16Array), plainInput([1, 1, 4, 4], Int32Array),
    plainInput([0, 1, 4, 4]), plainInput([1, 1, 9]), plainInput([1, 1, 3, 3, 3]),
  ];
  for (let round = 0; round < 2; ++round) for (const input of inputs) assert.ok(checkPool(input, options));
  // Results keep their own class: a Uint8ClampedArray input gives Uint8ClampedArray values.
  assert.ok(ap.maxPool(inputs[6], options).values.data instanceof Uint8ClampedArray);
  assert.ok(ap.maxPool(inputs[5], options).values.data instanceof Uint8Array);
});

test('after cached successes, the same object made invalid throws the full parse\'s error; valid again, it works', () => {
  const input = plainInput([1, 1, 4, 4]);
  // [what, change to the cached { kernelSize: 2 }, a fresh literal of what it then reads as]
  const cases = [
    ['kernelSize 0', (o) => { o.kernelSize = 0; }, { kernelSize: 0 }],
    ['kernelSize too short', (o) => { o.kernelSize = [2]; }, { kernelSize: [2] }],
    ['kernelSize with NaN', (o) => { o.kernelSize = [2, NaN]; }, { kernelSize: [2, NaN] }],
    ['kernelSize larger than the input (a C++ error)', (o) => { o.kernelSize = 5; }, { kernelSize: 5 }],
    ['stride a string', (o) => { o.stride = '2'; }, { kernelSize: 2, stride: '2' }],
    ['padding more than half the kernel (a C++ error)', (o) => { o.padding = 2; }, { kernelSize: 2, padding: 2 }],
    ['an unknown key', (o) => { o.extra = 1; }, { kernelSize: 2, extra: 1 }],
    ['ceilMode a number', (o) => { o.ceilMode = 1; }, { kernelSize: 2, ceilMode: 1 }],
    ['layout unknown', (o) => { o.layout = 'CHWN'; }, { kernelSize: 2, layout: 'CHWN' }],
    ['indexType unknown', (o) => { o.indexType = 'uint32'; }, { kernelSize: 2, indexType: 'uint32' }],
    ['padding and pads', (o) => { o.padding = 1; o.pads = [1, 1, 1, 1]; }, { kernelSize: 2, padding: 1, pads: [1, 1, 1, 1] }],
    ['a non-enumerable stride 0', (o) => { Object.defineProperty(o, 'stride', { value: 0, configurable: true }); }, { kernelSize: 2, stride: 0 }],
  ];
  for (const [what, spoil, reference] of cases) {
    const options = { kernelSize: 2 };
    assert.ok(checkPool(input, options), what);
    spoil(options);
    assert.equal(checkPool(input, options, reference), false, what);
    for (const key of Object.getOwnPropertyNames(options)) if (key !== 'kernelSize') delete options[key];
    options.kernelSize = 2;
    assert.ok(checkPool(input, options), `${what}: valid again`);
  }
});

test('the cached output shape follows the input: a bad shape after cached calls is the same error', () => {
  const options = { kernelSize: 3 };
  const good = plainInput([1, 2, 4, 4]);
  assert.ok(checkPool(good, options));
  assert.equal(checkPool(plainInput([1, 2, 2, 4]), options), false); // the kernel does not fit
  assert.equal(checkPool(plainInput([1, 2, 4]), options, { kernelSize: 3 }), true); // another rank
  assert.ok(checkPool(good, options));

  // Zero-copy outputs that do not match the (cached) output shape or dtype.
  const x = ap.tensor(good.shape, 'float32', good.data);
  const shape = ap.outputShape(good.shape, options);
  const values = ap.tensor(shape, 'float32'), indices = ap.tensor(shape, 'int32');
  for (let i = 0; i < REPEAT; ++i) ap.maxPool(x, options, { values, indices });
  const wrong = [
    { values: ap.tensor([1, 2, 2, 1], 'float32'), indices },
    { values, indices: ap.tensor(shape, 'int64') },
    { values: ap.tensor(shape, 'float64'), indices },
    { values: x, indices },
    { values, indices: values },
    { values },
    { values: { data: new Float32Array(8), shape: [1, 2, 2, 2] }, indices: { data: new Int32Array(8), shape: [1, 2, 2, 2] } },
    { values: { data: new Float32Array(8), shape: [1, 2, 1, 4] }, indices },
  ];
  for (const out of wrong) {
    const expected = outcome(() => ap.maxPool(x, literal(options), out));
    for (let i = 0; i < REPEAT; ++i) assert.deepEqual(outcome(() => ap.maxPool(x, options, out)), expected);
  }
  // A disposed input after cached calls.
  const gone = ap.tensor(good.shape, 'float32', good.data);
  ap.maxPool(gone, options, { values, indices });
  ap.maxPool(gone, options, { values, indices });
  gone.dispose();
  assert.throws(() => ap.maxPool(gone, options, { values, indices }), { code: 'ARGPOOL_DISPOSED', message: 'input: the tensor was disposed' });
  assert.ok(checkPool(good, options));
});

test('the cached output shape depends on the dtype: an output that fits as int8 but not as float64', () => {
  // 2 x 40000 x 40000 elements: C++ accepts the shape for int8 (then JS cannot allocate 3.2 GB) and
  // rejects it for float64 (25.6 GB do not fit a 32-bit memory).
  const options = { kernelSize: 40000 };
  const indices = { data: new Int32Array(2), shape: [1, 2, 1, 1] };
  const int8 = { data: new Int8Array(2), shape: [1, 2, 1, 1] }, float64 = { data: new Float64Array(2), shape: [1, 2, 1, 1] };
  for (const values of [int8, int8, int8, float64, float64, int8]) {
    const expected = outcome(() => ap.maxUnpool(values, indices, literal(options)));
    assert.equal(expected.error?.code, 'ARGPOOL_OUT_OF_MEMORY');
    assert.deepEqual(outcome(() => ap.maxUnpool(values, indices, options)), expected);
  }
});

test('frozen, null-prototype, inherited, class-instance and Proxy options objects', () => {
  const input = plainInput([1, 2, 7, 7]);
  const frozen = Object.freeze({ kernelSize: Object.freeze([3, 2]), stride: 2, padding: Object.freeze([1, 0]) });
  assert.ok(checkPool(input, frozen));
  const frozenOuter = Object.freeze({ kernelSize: [3, 2], stride: 2 }); // a frozen object holding a mutable array
  assert.ok(checkPool(input, frozenOuter));
  frozenOuter.kernelSize[0] = 2;
  assert.ok(checkPool(input, frozenOuter));

  const bare = Object.assign(Object.create(null), { kernelSize: 2, ceilMode: true });
  assert.ok(checkPool(input, bare));
  bare.ceilMode = false;
  assert.ok(checkPool(input, bare));

  const base = { kernelSize: 3 };
  const inherited = Object.create(base); // enumerable inherited kernelSize, read through the prototype
  inherited.stride = 2;
  assert.ok(checkPool(input, inherited, { kernelSize: 3, stride: 2 }));
  base.kernelSize = 2;
  assert.ok(checkPool(input, inherited, { kernelSize: 2, stride: 2 }));

  class Options { constructor() { this.kernelSize = 2; } }
  const instance = new Options();
  assert.ok(checkPool(input, instance));
  instance.kernelSize = 3;
  assert.ok(checkPool(input, instance));

  const target = { kernelSize: 2 };
  const proxy = new Proxy(target, {});
  assert.ok(checkPool(input, proxy, { kernelSize: 2 }));
  target.kernelSize = 3;
  assert.ok(checkPool(input, proxy, { kernelSize: 3 }));
  proxy.stride = 1;
  assert.ok(checkPool(input, proxy, { kernelSize: 3, stride: 1 }));
  // A cached Proxy revoked since fails as one never seen: the same TypeError from the same place.
  const { proxy: revocable, revoke } = Proxy.revocable({ kernelSize: 2 }, {});
  assert.ok(checkPool(input, revocable, { kernelSize: 2 }));
  for (let i = 0; i < REPEAT; ++i) ap.outputShape(input.shape, revocable);
  revoke();
  const { proxy: unseen, revoke: revokeUnseen } = Proxy.revocable({ kernelSize: 2 }, {});
  revokeUnseen();
  for (const call of [(o) => ap.maxPool(input, o), (o) => ap.outputShape(input.shape, o)]) {
    const expected = outcome(() => call(unseen));
    assert.match(expected.error.message, /revoked/);
    assert.deepEqual(outcome(() => call(revocable)), expected);
  }
  // A trap that fails only when the cache looks at the object (contrived: it counts its calls) does
  // not fail a call that the full parse got through.
  let calls = 0, limit = Infinity;
  const moody = new Proxy({ kernelSize: 2 }, {
    getPrototypeOf(t) {
      if (++calls > limit) throw new Error('moody');
      return Reflect.getPrototypeOf(t);
    },
  });
  const expected = outcome(() => ap.maxPool(input, { kernelSize: 2 }));
  assert.deepEqual(outcome(() => ap.maxPool(input, moody)), expected);
  limit = 2 * calls; // the second call's parse passes; what the cache does after it does not
  assert.deepEqual(outcome(() => ap.maxPool(input, moody)), expected);
});

test('options with getters are parsed in full on every call', () => {
  const input = plainInput([1, 2, 7, 7]);
  let reads = 0, kernel = 2, padding = 0;
  const options = {
    get kernelSize() { ++reads; return kernel; },
    get padding() { ++reads; return padding; },
  };
  const before = reads;
  ap.maxPool(input, options);
  const readsPerCall = reads - before;
  for (let i = 0; i < 4; ++i) {
    const expected = outcome(() => ap.maxPool(input, { kernelSize: kernel, padding }));
    const start = reads;
    assert.deepEqual(outcome(() => ap.maxPool(input, options)), expected);
    assert.equal(reads - start, readsPerCall, 'as many getter calls as the first call');
  }
  kernel = 3; padding = 1;
  assert.deepEqual(outcome(() => ap.maxPool(input, options)), outcome(() => ap.maxPool(input, { kernelSize: 3, padding: 1 })));

  // The same for a getter on the prototype (a class) and for a getter element of an array option.
  class WithGetter { get kernelSize() { ++reads; return kernel; } }
  const elements = [2, 2];
  Object.defineProperty(elements, 1, { get() { ++reads; return kernel; }, enumerable: true });
  for (const odd of [new WithGetter(), { kernelSize: elements }]) {
    const first = reads;
    ap.maxPool(input, odd);
    const perCall = reads - first;
    for (let i = 0; i < 4; ++i) {
      const expected = outcome(() => ap.maxPool(input, { kernelSize: Array.isArray(odd.kernelSize) ? [...odd.kernelSize] : odd.kernelSize }));
      const start = reads;
      assert.deepEqual(outcome(() => ap.maxPool(input, odd)), expected);
      assert.equal(reads - start, perCall, 'as many getter calls as the first call');
    }
  }
  // An object whose data property later becomes a getter.
  const later = { kernelSize: 2 };
  assert.ok(checkPool(input, later));
  Object.defineProperty(later, 'kernelSize', { get: () => kernel, enumerable: true, configurable: true });
  assert.ok(checkPool(input, later, { kernelSize: kernel }));
});

test('wasm tensors of the wrong rank after cached calls', () => {
  const options = { kernelSize: 2 };
  const t3 = ap.tensor([1, 1, 16]), t2 = ap.tensor([4, 4]), t4 = ap.tensor([1, 1, 4, 4], 'float32', plainInput([1, 1, 4, 4]).data);
  const i3 = ap.tensor([1, 1, 16], 'int32');
  const pooled = ap.maxPool(t4, options);
  for (let i = 0; i < REPEAT; ++i) ap.maxPool2d(t4, options);
  const rangeError = (message) => ({ name: 'ArgpoolRangeError', code: 'ARGPOOL_INVALID_ARGUMENT', message });
  assert.throws(() => ap.maxPool2d(t3, options), rangeError('maxPool2d: input.shape must have 4 dimensions [N, C, H, W], got 3: [1, 1, 16]'));
  assert.throws(() => ap.maxPool(t2, options), rangeError('maxPool: input.shape must have 3, 4 or 5 dimensions [N, C, ...spatial], got 2: [4, 4]'));
  assert.throws(() => ap.maxPool3d(t4, { ...options, layout: 'NHWC' }), rangeError('maxPool3d: input.shape must have 5 dimensions [N, D, H, W, C], got 4: [1, 1, 4, 4]'));
  assert.throws(() => ap.maxUnpool2d(t4, i3, options), rangeError('maxUnpool2d: indices.shape must have 4 dimensions [N, C, H, W], got 3: [1, 1, 16]'));
  assert.throws(() => ap.maxPoolBackward1d(t4, i3, [1, 1, 16]), rangeError('maxPoolBackward1d: gradOutput.shape must have 3 dimensions [N, C, L], got 4: [1, 1, 4, 4]'));
  assert.deepEqual(outcome(() => ap.maxPool(t4, options)), outcome(() => pooled));
  for (const t of [t3, t2, t4, i3]) t.dispose();
});

test('properties the for-in loop does not see: non-enumerable own options and a polluted Object.prototype', () => {
  const input = plainInput([1, 1, 5, 5]);
  const options = { kernelSize: 2 };
  assert.ok(checkPool(input, options));
  Object.defineProperty(options, 'stride', { value: 1, enumerable: false });
  assert.ok(checkPool(input, options, { kernelSize: 2, stride: 1 }));
  const plain = { kernelSize: 2 };
  assert.ok(checkPool(input, plain));
  Object.prototype.ceilMode = true; // inherited by every object, and listed by for-in
  try {
    assert.deepEqual(ap.maxPool(input, plain).values.shape, [1, 1, 3, 3], 'the inherited ceilMode applies');
    assert.ok(checkPool(input, plain));
  } finally {
    delete Object.prototype.ceilMode;
  }
  assert.deepEqual(ap.maxPool(input, plain).values.shape, [1, 1, 2, 2]);
});

test('more options objects in turn than the cache tracks as recent', () => {
  const input = plainInput([1, 2, 9, 9]);
  const objects = Array.from({ length: 12 }, (_, i) => ({ kernelSize: 1 + (i % 4), stride: 1 + (i % 3), padding: i % 2 }));
  for (let round = 0; round < 4; ++round) {
    for (const options of objects) {
      const expected = outcome(() => ap.maxPool(input, literal(options)));
      assert.equal(expected.error, undefined);
      assert.deepEqual(outcome(() => ap.maxPool(input, options)), expected);
    }
    objects[round].kernelSize = 2; // some change between rounds
  }
});

test('maxUnpool and maxPoolBackward with reused, mutated options', () => {
  // Compares `call(options)`, REPEAT times, with `call(fresh literal)`; returns whether it succeeded.
  const check = (call, options) => {
    const expected = outcome(() => call(literal(options)));
    for (let i = 0; i < REPEAT; ++i) assert.deepEqual(outcome(() => call(options)), expected);
    return expected.error === undefined;
  };
  const steps = [
    () => {},
    (o) => { o.stride = 1; },
    (o) => { o.stride = 2; o.outputSize = [5, 5]; },
    (o) => { o.outputSize[1] = 4; },
    (o) => { o.outputSize = [1, 2, 5, 5]; }, // the full shape: its N and C are checked against values
    (o) => { o.outputSize = [2, 2, 5, 5]; },
    (o) => { delete o.outputSize; o.padding = 1; o.kernelSize = 3; },
    (o) => { o.layout = 'NHWC'; },
    (o) => { delete o.layout; o.indexMode = 'global'; },
    (o) => { o.dilation = 2; }, // pooling and backward take it; unpooling rejects it
    (o) => { delete o.dilation; delete o.indexMode; o.kernelSize = [2, 3]; o.padding = 0; },
  ];
  let succeeded = 0;
  for (const shape of [[1, 2, 5, 5], [2, 2, 4, 6]]) {
    const x = plainInput(shape);
    const options = { kernelSize: 2 };
    for (const step of steps) {
      step(options);
      const poolOptions = literal(options);
      delete poolOptions.outputSize; // an unpooling option
      if (outcome(() => ap.maxPool(x, poolOptions)).error) continue;
      const { values, indices } = ap.maxPool(x, poolOptions);
      if (check((o) => ap.maxUnpool(values, indices, o), options)) ++succeeded;
      if (check((o) => ap.maxPoolBackward(values, indices, x.shape, o), options)) ++succeeded;
      // Values of another shape with the same object, then the first ones again.
      const other = ap.maxPool(plainInput([1, shape[1], shape[2] + 2, shape[3] + 2]), poolOptions);
      check((o) => ap.maxUnpool(other.values, other.indices, o), options);
      check((o) => ap.maxUnpool(values, indices, o), options);
      // Wasm tensors, the output written in place.
      const v = ap.tensor(values.shape, 'float32', values.data), i = ap.tensor(indices.shape, 'int32', indices.data);
      const into = ap.tensor(x.shape, 'float32');
      const inPlace = (call) => (o) => { into.data.fill(7); call(o); return into; };
      check(inPlace((o) => ap.maxUnpool(v, i, o, into)), options);
      check(inPlace((o) => ap.maxPoolBackward(v, i, x.shape, o, into)), options);
      for (const t of [v, i, into]) t.dispose();
    }
  }
  assert.ok(succeeded > 20, `${succeeded} successful states`);
});

test('one options object shared by every operation, interleaved', () => {
  const x = plainInput([1, 3, 6, 6]);
  const options = { kernelSize: 2, stride: 2 };
  for (let round = 0; round < 3; ++round) {
    const expected = ap.maxPool(x, literal(options));
    for (let i = 0; i < REPEAT; ++i) {
      assert.deepEqual(ap.outputShape(x.shape, options), ap.outputShape(x.shape, literal(options)));
      const pooled = ap.maxPool(x, options);
      assert.deepEqual(outcome(() => pooled), outcome(() => expected));
      assert.deepEqual(outcome(() => ap.maxUnpool(pooled.values, pooled.indices, options)),
        outcome(() => ap.maxUnpool(expected.values, expected.indices, literal(options))));
      assert.deepEqual(outcome(() => ap.maxPoolBackward(pooled.values, pooled.indices, x.shape, options)),
        outcome(() => ap.maxPoolBackward(expected.values, expected.indices, x.shape, literal(options))));
    }
    options.kernelSize = 3 - round; // 3, 2, 1
  }
});

test('a cached call after memory growth writes its arguments into the new memory', () => {
  const input = plainInput([1, 2, 8, 8]);
  const x = ap.tensor(input.shape, 'float32', input.data);
  const options = { kernelSize: 2 };
  const expected3 = ap.maxPool(input, { kernelSize: 3 });
  const shape2 = ap.outputShape(input.shape, options), shape3 = expected3.values.shape;
  const out2 = { values: ap.tensor(shape2), indices: ap.tensor(shape2, 'int32') };
  const out3 = { values: ap.tensor(shape3), indices: ap.tensor(shape3, 'int32') };
  for (let i = 0; i < REPEAT; ++i) ap.maxPool(x, options, out2);
  const before = ap._internal.heapBytes();
  const big = ap.tensor([before / 4], 'float32'); // more than the current memory: it must grow
  assert.ok(ap._internal.heapBytes() > before);
  big.dispose();
  options.kernelSize = 3; // a cached object changed: if arguments went to the old memory, C++ would see kernel 2
  ap.maxPool(x, options, out3);
  assert.deepEqual(Array.from(out3.values.data), Array.from(expected3.values.data));
  assert.deepEqual(Array.from(out3.indices.data), Array.from(expected3.indices.data));
  assert.ok(checkPool(input, options));
  for (const t of [x, out2.values, out2.indices, out3.values, out3.indices]) t.dispose();
});

// maxPool skips re-staging its parameters when the argument block still holds them; every other
// operation uses the same block, so each is interleaved here between zero-copy calls with one
// reused options object, whose results must stay those of a fresh literal.
test('staged pooling parameters survive no other operation: unpool, backward, outputShape, convertIndices, other options', () => {
  const random = rng(77);
  const shape = [1, 2, 6, 8];
  const options = { kernelSize: 3, stride: 2, padding: 1, ceilMode: true };
  const other = { kernelSize: 2, stride: 1 };
  const data = specialValues(random, Float32Array, shape.reduce((a, b) => a * b, 1), { nan: false });
  const x = ap.tensor(shape, 'float32', data);
  const outShape = ap.outputShape(shape, options);
  const out = { values: ap.tensor(outShape, 'float32'), indices: ap.tensor(outShape, 'int32') };
  const expected = ap.maxPool({ data, shape }, literal(options));
  const pooled = ap.maxPool({ data, shape }, { kernelSize: 2, stride: 2 });
  const interleaved = [
    () => ap.maxUnpool(pooled.values, pooled.indices, { kernelSize: 2, stride: 2, outputSize: [6, 8] }),
    () => ap.maxPoolBackward(pooled.values, pooled.indices, shape, { kernelSize: 2, stride: 2 }),
    () => ap.outputShape([1, 1, 9, 9], { kernelSize: 4, stride: 3, padding: 2 }),
    () => ap.convertIndices(pooled.indices, { from: 'plane', to: 'global', inputShape: shape }),
    () => ap.maxPool(x, other),
    () => ap.maxPool(x, { ...options, returnIndices: false }),
    () => ap.onnx.maxPool({ data, shape }, { kernel_shape: [2, 2], pads: [0, 1, 1, 0] }),
  ];
  try {
    for (const between of interleaved) {
      for (let i = 0; i < REPEAT; ++i) {
        out.values.data.fill(NaN);
        out.indices.data.fill(-1);
        ap.maxPool(x, options, out);
        assert.deepEqual(contents(out.values.data), contents(expected.values.data), String(between));
        assert.deepEqual(contents(out.indices.data), contents(expected.indices.data), String(between));
        between();
      }
    }
  } finally {
    [x, out.values, out.indices].forEach((t) => t.dispose());
  }
});
