// Hardening: a generated bad-input matrix over every argument of every public function, a soak of
// 100 000 mixed valid/invalid calls, memory exhaustion and determinism. Every bad input must give
// an Error naming the argument, leave the module's state unchanged, and the next valid call must
// be correct.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { init } from '../bindings/js/node.js';
import { init as initOther } from '../bindings/js/browser.js';
import { rng, randInt } from './random.mjs';

const ap = await init();
// A second, independent instance (the browser entry, given the bytes): its tensors are foreign here.
const other = await initOther({ wasmBinary: readFileSync(new URL('../dist/argpool-wasm.wasm', import.meta.url)) });

const SEED = [2, 4, 5, 1, 3, 7, 2, 8, 1, 6, 3, 4, 9, 2, 7, 5];
const seed = () => ({ data: Float32Array.from(SEED), shape: [1, 1, 4, 4] });
const pooled = () => ({ data: Float32Array.from([7, 8, 9, 7]), shape: [1, 1, 2, 2] });
const mask = () => ({ data: Int32Array.from([5, 7, 12, 14]), shape: [1, 1, 2, 2] });

function assertHealthy() {
  const { values, indices } = ap.maxPool(seed(), { kernelSize: 2 });
  assert.deepEqual(Array.from(values.data), [7, 8, 9, 7]);
  assert.deepEqual(Array.from(indices.data), [5, 7, 12, 14]);
  const up = ap.maxUnpool(values, indices, { kernelSize: 2 });
  assert.deepEqual(Array.from(up.data), [0, 0, 0, 0, 0, 7, 0, 8, 0, 0, 0, 0, 9, 0, 7, 0]);
}

// Every way a tensor argument can be wrong. `kind`: 'values', 'indices' or 'float'.
function badTensors(kind, good) {
  const disposed = ap.tensor(good().shape, kind === 'indices' ? 'int32' : 'float32');
  disposed.dispose();
  const detached = good();
  structuredClone(detached.data.buffer, { transfer: [detached.data.buffer] });
  const g = good();
  const wrongArray = kind === 'indices' ? new Float32Array(g.data.length) : new Uint32Array(g.data.length);
  return [
    ['missing', undefined], ['null', null], ['a number', 42], ['a string', 'tensor'], ['an empty object', {}],
    ['a bare typed array', g.data], ['no shape', { data: g.data }], ['no data', { shape: g.shape }],
    ['a wrong typed-array type', { data: wrongArray, shape: g.shape }],
    ['a plain array', { data: Array.from(g.data), shape: g.shape }],
    ['too short data', { data: g.data.slice(1), shape: g.shape }],
    ['a detached buffer', detached],
    ['NaN in the shape', { data: g.data, shape: [1, NaN, 2, 2] }],
    ['Infinity in the shape', { data: g.data, shape: [1, 1, Infinity, 2] }],
    ['a fractional dim', { data: g.data, shape: [1, 1, 2.5, 2] }],
    ['a negative dim', { data: g.data, shape: [1, -1, 2, 2] }],
    ['a string dim', { data: g.data, shape: [1, '1', 2, 2] }],
    ['a shape of rank 2', { data: g.data, shape: [g.data.length, 1] }],
    ['a shape of rank 6', { data: g.data, shape: [1, 1, 1, 1, 1, g.data.length] }],
    ['a shape past 2^53 elements', { data: g.data, shape: [2 ** 30, 2 ** 30, 2 ** 30, 2 ** 30] }],
    ['a disposed tensor', disposed],
    ['a tensor of another instance', other.tensor(g.shape, kind === 'indices' ? 'int32' : 'float32')],
  ];
}

function badSpatial(name, rank = 2) {
  return [
    [`${name} NaN`, NaN], [`${name} Infinity`, Infinity], [`${name} -Infinity`, -Infinity], [`${name} 1.5`, 1.5],
    [`${name} -1`, -1], [`${name} 2^40`, 2 ** 40], [`${name} 2^53`, 2 ** 53], [`${name} a string`, '2'],
    [`${name} an object`, {}], [`${name} too few entries`, [2]], [`${name} too many entries`, new Array(rank + 1).fill(1)],
    [`${name} NaN entry`, [2, NaN]], [`${name} bigint`, 2n],
  ];
}

const POOL_OPTION_BAD = [
  ...badSpatial('kernelSize').map(([l, v]) => [l, { kernelSize: v }, 'kernelSize']),
  ['kernelSize 0', { kernelSize: 0 }, 'kernelSize'],
  ['kernelSize missing', { stride: 2 }, 'kernelSize'],
  ...badSpatial('stride').map(([l, v]) => [l, { kernelSize: 2, stride: v }, 'stride']),
  ['stride 0', { kernelSize: 2, stride: 0 }, 'stride'],
  ...badSpatial('padding').map(([l, v]) => [l, { kernelSize: 2, padding: v }, 'padding']),
  ['padding 2 (> kernel / 2)', { kernelSize: 2, padding: 2 }, 'padding'],
  ...badSpatial('dilation').map(([l, v]) => [l, { kernelSize: 2, dilation: v }, 'dilation']),
  ['dilation 0', { kernelSize: 2, dilation: 0 }, 'dilation'],
  ['pads of wrong length', { kernelSize: 2, pads: [1, 1] }, 'pads'],
  ['pads NaN', { kernelSize: 2, pads: [0, 0, NaN, 0] }, 'pads'],
  ['pads negative', { kernelSize: 2, pads: [0, 0, -1, 0] }, 'pads'],
  ['ceilMode a number', { kernelSize: 2, ceilMode: 1 }, 'ceilMode'],
  ['returnIndices a string', { kernelSize: 2, returnIndices: 'no' }, 'returnIndices'],
  ['layout unknown', { kernelSize: 2, layout: 'CHWN' }, 'layout'],
  ['indexMode unknown', { kernelSize: 2, indexMode: 'flat' }, 'indexMode'],
  ['indexType unknown', { kernelSize: 2, indexType: 'uint32' }, 'indexType'],
  ['autoPad unknown', { kernelSize: 2, autoPad: 'FULL' }, 'autoPad'],
  ['an unknown option', { kernelSize: 2, kernal: 3 }, 'kernal'],
  ['options missing', undefined, 'options'],
  ['options null', null, 'options'],
  ['options a number', 2, 'options'],
];

// [function, argument name, valid arguments, index of the argument, bad variants [label, value, name?]]
const MATRIX = [];
function addTensorArgument(fn, name, kind, good, makeArgs, index) {
  for (const [label, value] of badTensors(kind, good)) {
    const expected = label === 'a tensor of another instance' || label === 'a disposed tensor' ? name : name;
    MATRIX.push([fn, `${name} ${label}`, () => { const a = makeArgs(); a[index] = value; return a; }, expected]);
  }
}
const poolArgs = () => [seed(), { kernelSize: 2 }];
const unpoolArgs = () => [pooled(), mask(), { kernelSize: 2 }];
const backwardArgs = () => [pooled(), mask(), [1, 1, 4, 4], { kernelSize: 2 }];
const convertArgs = () => [mask(), { from: 'plane', to: 'global', inputShape: [1, 1, 4, 4] }];

addTensorArgument('maxPool', 'input', 'values', seed, poolArgs, 0);
for (const [label, options, name] of POOL_OPTION_BAD) MATRIX.push(['maxPool', `options: ${label}`, () => [seed(), options], name]);
MATRIX.push(['maxPool', 'out: a number', () => [...poolArgs(), 5], 'out']);
MATRIX.push(['maxPool', 'out.values of a wrong shape', () => [...poolArgs(), { values: { data: new Float32Array(3), shape: [1, 1, 3, 1] }, indices: mask() }], 'out.values']);
MATRIX.push(['maxPool', 'out.indices missing', () => [...poolArgs(), { values: pooled() }], 'out.indices']);
MATRIX.push(['maxPool', 'out.values a disposed tensor', () => { const t = ap.tensor([1, 1, 2, 2]); t.dispose(); return [...poolArgs(), { values: t, indices: mask() }]; }, 'out.values']);

addTensorArgument('maxUnpool', 'values', 'values', pooled, unpoolArgs, 0);
addTensorArgument('maxUnpool', 'indices', 'indices', mask, unpoolArgs, 1);
for (const [label, data] of [['-1', [-1, 7, 12, 14]], ['16 (= plane)', [5, 7, 12, 16]], ['2^31-1', [5, 7, 12, 2 ** 31 - 1]], ['-2^31', [-(2 ** 31), 7, 12, 14]]]) {
  MATRIX.push(['maxUnpool', `indices: index ${label}`, () => [pooled(), { data: Int32Array.from(data), shape: [1, 1, 2, 2] }, { kernelSize: 2 }], 'indices']);
  MATRIX.push(['maxPoolBackward', `indices: index ${label}`, () => [pooled(), { data: Int32Array.from(data), shape: [1, 1, 2, 2] }, [1, 1, 4, 4]], 'indices']);
}
MATRIX.push(['maxUnpool', 'indices: an int64 index of 2^62', () => [pooled(), { data: BigInt64Array.from([5n, 7n, 12n, 2n ** 62n]), shape: [1, 1, 2, 2] }, { kernelSize: 2 }], 'indices']);
MATRIX.push(['maxUnpool', 'indices of another shape', () => [pooled(), { data: new Int32Array(4), shape: [1, 1, 4, 1] }, { kernelSize: 2 }], 'indices']);
for (const [label, options, name] of POOL_OPTION_BAD.filter(([, , n]) => ['kernelSize', 'stride', 'padding', 'options', 'kernal', 'layout', 'indexMode'].includes(n))) {
  MATRIX.push(['maxUnpool', `options: ${label}`, () => [pooled(), mask(), options], name]);
}
for (const [label, size] of [['NaN', [4, NaN]], ['too large', [6, 4]], ['too small', [2, 4]], ['wrong length', [4]], ['a string', '4x4'], ['other N', [2, 1, 4, 4]]]) {
  MATRIX.push(['maxUnpool', `outputSize ${label}`, () => [pooled(), mask(), { kernelSize: 2, outputSize: size }], 'outputSize']);
}
MATRIX.push(['maxUnpool', 'out of a wrong dtype', () => [...unpoolArgs(), { data: new Float64Array(16), shape: [1, 1, 4, 4] }], 'out']);

addTensorArgument('maxPoolBackward', 'gradOutput', 'float', pooled, backwardArgs, 0);
addTensorArgument('maxPoolBackward', 'indices', 'indices', mask, backwardArgs, 1);
for (const [label, shape] of [['missing', undefined], ['a string', '1,1,4,4'], ['NaN dim', [1, 1, NaN, 4]], ['negative dim', [1, 1, -4, 4]],
  ['rank 3', [1, 1, 16]], ['other C', [1, 2, 4, 4]], ['huge', [1, 1, 2 ** 31, 4]], ['past 2^53', [2 ** 30, 2 ** 30, 2 ** 30, 2 ** 30]]]) {
  MATRIX.push(['maxPoolBackward', `inputShape ${label}`, () => [pooled(), mask(), shape], 'inputShape']);
}
MATRIX.push(['maxPoolBackward', 'gradOutput not of the pooled shape', () => [{ data: new Float32Array(6), shape: [1, 1, 2, 3] }, { data: new Int32Array(6), shape: [1, 1, 2, 3] }, [1, 1, 4, 4], { kernelSize: 2 }], 'gradOutput']);
for (const [label, options, name] of POOL_OPTION_BAD.filter(([, o]) => o && typeof o === 'object' && o.kernelSize !== undefined)) {
  MATRIX.push(['maxPoolBackward', `options: ${label}`, () => [pooled(), mask(), [1, 1, 4, 4], options], name]);
}

for (const [label, shape, options, name] of [
  ['inputShape a number', 16, { kernelSize: 2 }, 'inputShape'], ['inputShape NaN dim', [1, 1, NaN, 4], { kernelSize: 2 }, 'inputShape'],
  ['inputShape past 2^53', [2 ** 30, 2 ** 30, 2 ** 30, 2 ** 30], { kernelSize: 2 }, 'input'], ['kernel larger than input', [1, 1, 4, 4], { kernelSize: 5 }, 'kernelSize'],
]) MATRIX.push(['outputShape', label, () => [shape, options], name]);

addTensorArgument('convertIndices', 'indices', 'indices', mask, convertArgs, 0);
for (const [label, options, name] of [
  ['options missing', undefined, 'options'], ['from unknown', { from: 'flat', to: 'global', inputShape: [1, 1, 4, 4] }, 'indexMode'],
  ['to missing', { from: 'plane', inputShape: [1, 1, 4, 4] }, 'to'], ['inputShape missing', { from: 'plane', to: 'global' }, 'inputShape'],
  ['inputShape of other N', { from: 'plane', to: 'global', inputShape: [2, 1, 4, 4] }, 'inputShape'],
  ['indexType unknown', { from: 'plane', to: 'global', inputShape: [1, 1, 4, 4], indexType: 'int8' }, 'indexType'],
  ['an index outside its plane', { from: 'plane', to: 'global', inputShape: [1, 1, 3, 3] }, 'indices'],
]) MATRIX.push(['convertIndices', `options: ${label}`, () => [mask(), options], name]);

for (const [label, args, name] of [
  ['shape missing', [], 'shape'], ['shape a number', [4], 'shape'], ['shape with NaN', [[2, NaN]], 'shape'],
  ['shape with -1', [[2, -1]], 'shape'], ['shape with 2.5', [[2.5]], 'shape'], ['dtype unknown', [[2], 'float16'], 'dtype'],
  ['dtype a number', [[2], 4], 'dtype'], ['source of a wrong length', [[2], 'float32', [1, 2, 3]], 'source'],
  ['larger than wasm memory', [[2 ** 31], 'float32'], 'tensor'], ['past 2^53 elements', [[2 ** 30, 2 ** 30, 2 ** 30]], 'tensor'],
]) MATRIX.push(['tensor', label, () => args, name]);

for (const [label, args, name] of [
  ['X missing', [undefined, { kernel_shape: [2, 2] }], 'X'], ['kernel_shape missing', [seed(), {}], 'kernel_shape'],
  ['an unknown attribute', [seed(), { kernel_shape: [2, 2], kernel: [2, 2] }], 'kernel'],
  ['strides NaN', [seed(), { kernel_shape: [2, 2], strides: [NaN, 1] }], 'stride'],
  ['auto_pad unknown', [seed(), { kernel_shape: [2, 2], auto_pad: 'SAME' }], 'auto_pad'],
]) MATRIX.push(['onnx.maxPool', label, () => args, name]);
for (const [label, args, name] of [
  ['I of wrong type', [pooled(), { data: new Float32Array(4), shape: [1, 1, 2, 2] }, { kernel_shape: [2, 2], strides: [2, 2] }], 'indices'],
  ['outputShape smaller', [pooled(), { data: BigInt64Array.from([5n, 7n, 12n, 14n]), shape: [1, 1, 2, 2] }, { kernel_shape: [2, 2], strides: [2, 2] }, [1, 1, 3, 3]], 'outputShape'],
]) MATRIX.push(['onnx.maxUnpool', label, () => args, name]);
for (const [label, args, name] of [
  ['x of rank 3', [{ data: new Float32Array(16), shape: [1, 4, 4] }, 2, 2, 'valid'], 'x'],
  ['pad unknown', [{ data: new Float32Array(16), shape: [1, 4, 4, 1] }, 2, 2, 'full'], 'pad'],
  ['filterSize NaN', [{ data: new Float32Array(16), shape: [1, 4, 4, 1] }, NaN, 2, 'valid'], 'kernelSize'],
]) MATRIX.push(['tf.maxPoolWithArgmax', label, () => args, name]);

const call = (fn, args) => fn.split('.').reduce((o, k) => o[k], ap)(...args);

test(`bad-input matrix: ${MATRIX.length} wrong arguments across every public function`, () => {
  assertHealthy(); // warms the scratch block, so the heap baseline below is stable
  const before = ap.stats();
  const names = new Set();
  for (const [fn, label, makeArgs, name] of MATRIX) {
    names.add(fn);
    const args = makeArgs();
    const statsBefore = ap.stats();
    assert.throws(() => call(fn, args), (error) => {
      assert.ok(error instanceof Error, `${fn} ${label}: threw ${error}`);
      assert.match(String(error.code), /^ARGPOOL_/, `${fn} ${label}: ${error.message}`);
      assert.ok(error.message.includes(name), `${fn} ${label}: message does not name '${name}': ${error.message}`);
      return true;
    }, `${fn} ${label}: did not throw`);
    const statsAfter = ap.stats();
    assert.equal(statsAfter.heapInUseBytes, statsBefore.heapInUseBytes, `${fn} ${label}: heap changed`);
    assert.equal(statsAfter.liveTensors, statsBefore.liveTensors, `${fn} ${label}: live tensors changed`);
    assertHealthy();
  }
  assert.deepEqual(ap.stats().heapInUseBytes, before.heapInUseBytes);
  assert.deepEqual([...names].sort(), ['convertIndices', 'maxPool', 'maxPoolBackward', 'maxUnpool', 'onnx.maxPool', 'onnx.maxUnpool', 'outputShape', 'tensor', 'tf.maxPoolWithArgmax']);
});

test('100 000 mixed valid and invalid calls leave heapInUseBytes and liveTensors where they started', () => {
  assertHealthy();
  const x = seed();
  let errors = 0;
  // A first pass of every kind of call grows the kept scratch block (at most 1 MiB) to its steady size.
  let start = null;
  const random = rng(61);
  for (let i = -1000; i < 100_000; ++i) {
    if (i === 0) {
      start = ap.stats();
      errors = 0;
    }
    const pick = randInt(random, 0, 9);
    try {
      switch (pick) {
        case 0: ap.maxPool(x, { kernelSize: randInt(random, 0, 5), stride: randInt(random, 0, 3), padding: randInt(random, 0, 2) }); break;
        case 1: ap.maxUnpool(pooled(), { data: Int32Array.from([5, 7, 12, randInt(random, 10, 17)]), shape: [1, 1, 2, 2] }, { kernelSize: 2 }); break;
        case 2: ap.maxPoolBackward(pooled(), mask(), [1, 1, 4, randInt(random, 3, 5)]); break;
        case 3: { const t = ap.tensor([1, 1, 4, 4], 'float32', SEED); ap.maxPool(t, { kernelSize: 2 }); t.dispose(); break; }
        case 4: { const t = ap.tensor([1, 1, 4, 4]); t.dispose(); ap.maxPool(t, { kernelSize: 2 }); break; }
        case 5: ap.maxPool(x, { kernelSize: 2, indexMode: 'global', indexType: random() < 0.5 ? 'int64' : 'int32' }); break;
        case 6: ap.convertIndices(mask(), { from: 'plane', to: 'tf', inputShape: [1, 1, 4, randInt(random, 3, 4)] }); break;
        case 7: ap.maxPool({ data: new Float32Array(randInt(random, 15, 16)), shape: [1, 1, 4, 4] }, { kernelSize: 2 }); break;
        case 8: ap.onnx.maxPool(x, { kernel_shape: [3, 3], pads: [randInt(random, 0, 3), 0, 0, randInt(random, 0, 3)] }); break;
        default: ap.maxPool({ data: new Float32Array(64 * 64), shape: [1, 1, 64, 64] }, { kernelSize: 3, stride: 1 }); break;
      }
    } catch (error) {
      assert.match(error.code, /^ARGPOOL_/, error.message);
      ++errors;
    }
  }
  const end = ap.stats();
  assert.equal(end.heapInUseBytes, start.heapInUseBytes);
  assert.equal(end.liveTensors, start.liveTensors);
  assert.ok(errors > 10_000 && errors < 90_000, `${errors} errors`);
  assertHealthy();
});

test('a request larger than the memory that can be provided is an error, and the module keeps working', () => {
  const start = ap.stats();
  const big = [];
  assert.throws(() => {
    for (let i = 0; i < 4; ++i) big.push(ap.tensor([1, 1, 16384, 16384], 'float32')); // 1 GiB each: the 3rd cannot fit
  }, { name: 'ArgpoolError', code: 'ARGPOOL_OUT_OF_MEMORY', message: /tensor: cannot allocate 1073741824 bytes/ });
  assert.ok(big.length >= 1 && big.length < 4);
  for (const t of big) t.dispose();
  assert.equal(ap.stats().liveTensors, start.liveTensors);
  assert.equal(ap.stats().heapInUseBytes, start.heapInUseBytes);
  assertHealthy();
});

test('unpooling duplicate indices is deterministic: the last value in input order wins, in every layout', () => {
  const values = { data: Float32Array.from([1, 2, 3, 4]), shape: [1, 1, 4] };
  const indices = { data: Int32Array.from([0, 0, 2, 0]), shape: [1, 1, 4] };
  const out = ap.maxUnpool(values, indices, { kernelSize: 1, outputSize: [4] });
  assert.deepEqual(Array.from(out.data), [4, 0, 3, 0]);
  const nhwc = ap.maxUnpool({ data: Float32Array.from([1, 10, 2, 20, 3, 30, 4, 40]), shape: [1, 4, 2] },
    { data: Int32Array.from([0, 1, 0, 1, 2, 1, 0, 3]), shape: [1, 4, 2] }, { kernelSize: 1, outputSize: [4], layout: 'NHWC' });
  assert.deepEqual(Array.from(nhwc.data), [4, 0, 0, 30, 3, 0, 0, 40]);
});

test('the same inputs give the same bits on every run', () => {
  const random = rng(62);
  const x = { data: Float32Array.from({ length: 2 * 3 * 17 * 19 }, () => (random() < 0.05 ? NaN : randInt(random, -4, 4))), shape: [2, 3, 17, 19] };
  const run = () => {
    const a = ap.maxPool(x, { kernelSize: 3, stride: 1, padding: 1 });
    const b = ap.maxPoolBackward({ data: x.data.subarray(0, a.values.data.length).map((v) => v * 0.1), shape: a.values.shape }, a.indices, x.shape);
    return [Buffer.from(a.values.data.buffer), Buffer.from(a.indices.data.buffer), Buffer.from(b.data.buffer)];
  };
  const first = run();
  for (let i = 0; i < 5; ++i) assert.deepEqual(run(), first);
});

test('inputs the fuzzers found are answered quickly and correctly through the public API', () => {
  const started = performance.now();
  // Validation of huge windows in the padding used to loop once per window (seconds).
  assert.deepEqual(ap.outputShape([0, 1, 2147483647], { kernelSize: 2147483647, padding: 1073741823, stride: 1 }), [0, 1, 2147483647]);
  assert.throws(() => ap.outputShape([0, 1, 2147483647], { kernelSize: 2, pads: [2147483646, 0], stride: 1 }), { code: /^ARGPOOL_/ });
  // An output dimension past 2^31-1 is an error, not a shape that later calls reject.
  assert.throws(() => ap.outputShape([0, 1, 2147483647], { kernelSize: 2, padding: 1, stride: 1 }), { message: /output shape/ });
  // Planes beyond int32 are rejected, also for an empty batch and for convertIndices.
  assert.throws(() => ap.outputShape([0, 1, 2147483647, 2147483647, 2147483647], { kernelSize: 1 }), { message: /spatial plane has more than 2\^31-1 elements/ });
  assert.throws(() => ap.convertIndices({ data: BigInt64Array.from([4294967295n]), shape: [1, 1, 1, 1] },
    { from: 'plane', to: 'plane', inputShape: [1, 1, 65536, 65536], indexType: 'int32' }), { message: /spatial plane has more than 2\^31-1 elements/ });
  // A negative int64 index near INT64_MIN is out of range, not an overflow.
  assert.throws(() => ap.maxUnpool({ data: new Float32Array(1), shape: [1, 1, 1, 1] },
    { data: BigInt64Array.from([-(2n ** 63n)]), shape: [1, 1, 1, 1] }, { kernelSize: 2, indexMode: 'global', layout: 'NHWC' }), { code: 'ARGPOOL_INDEX_OUT_OF_RANGE' });
  // The int32 capacity message prints the exact number, not a wrapped one.
  assert.throws(() => ap.convertIndices({ data: Int32Array.from([0, 0, 0]), shape: [3, 1, 1, 1] },
    { from: 'plane', to: 'global', inputShape: [3, 1, 32768, 32767] }), { message: /indices up to 3221127167 for this input/ });
  assert.ok(performance.now() - started < 2000, `${performance.now() - started} ms`);
  assertHealthy();
});

test('replaced Map, Set, WeakMap and FinalizationRegistry methods run no caller code inside argpool', () => {
  const replaced = [
    [Map.prototype, ['get', 'set', 'has', 'delete']], [Set.prototype, ['has', 'add']],
    [WeakMap.prototype, ['get', 'set', 'has']], [FinalizationRegistry.prototype, ['register', 'unregister']],
  ];
  const saved = replaced.flatMap(([proto, keys]) => keys.map((key) => [proto, key, proto[key]]));
  const calls = [];
  for (const [proto, key] of saved) proto[key] = function replacedMethod() { calls.push(key); throw new Error(`caller code ran: ${key}`); };
  let results;
  try {
    const x = seed();
    const first = ap.maxPool(x, { kernelSize: 2 });
    const overlapping = ap.maxPool(x, { kernelSize: 3, stride: 2, padding: 1 }); // a new one-shot plan
    const t = ap.tensor([1, 1, 4, 4], 'float32', x.data);
    const plan = ap.maxPoolPlan([1, 1, 4, 4], { kernelSize: 2 });
    const viaPlan = plan.run(t);
    plan.dispose();
    const up = ap.maxUnpool(first.values, first.indices, { kernelSize: 2 });
    const grad = ap.maxPoolBackward(first.values, first.indices, [1, 1, 4, 4]);
    const onnx = ap.onnx.maxPool({ data: x.data, dims: [1, 1, 4, 4] }, { kernel_shape: [2, 2], strides: [2, 2] });
    results = { first, overlapping, viaPlan: Array.from(viaPlan.values.data), up, grad, onnx };
    t.dispose();
  } finally {
    for (const [proto, key, fn] of saved) proto[key] = fn;
  }
  assert.deepEqual(calls, []);
  assert.deepEqual(Array.from(results.first.values.data), [7, 8, 9, 7]);
  assert.deepEqual(Array.from(results.first.indices.data), [5, 7, 12, 14]);
  assert.deepEqual(Array.from(results.overlapping.values.data), [7, 8, 9, 8]);
  assert.deepEqual(Array.from(results.overlapping.indices.data), [5, 7, 12, 7]);
  assert.deepEqual(results.viaPlan, [7, 8, 9, 7]);
  assert.deepEqual(Array.from(results.up.data), [0, 0, 0, 0, 0, 7, 0, 8, 0, 0, 0, 0, 9, 0, 7, 0]);
  assert.deepEqual(Array.from(results.grad.data), [0, 0, 0, 0, 0, 7, 0, 8, 0, 0, 0, 0, 9, 0, 7, 0]);
  assert.deepEqual(Array.from(results.onnx.Y.data), [7, 8, 9, 7]);
  assertHealthy();
});
