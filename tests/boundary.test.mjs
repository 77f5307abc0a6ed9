// The boundary against hostile callers, by attack class. Every public function is described once
// by a template call (CALLS); each attack is then applied at every read point of that call — every
// own property of every plain object and every element of every plain array among its arguments —
// and the call must give exactly the result of the plain call, or (where the attack removes or
// fakes something the call needs) a coded argpool error. A getter or Proxy trap may run at most
// once per property; no caller code may run once the call has staged anything; afterwards the
// module's counters are where they were and it still computes the seed example.
// The rows of the 0.1 boundary report (issue table, rows 1-15) and the buffer classes (fake,
// resizable, growable, detached, shared) are in tests/boundary-rows.test.mjs.
import assert from 'node:assert/strict';
import { test } from 'node:test';

const defineProperty = Object.defineProperty;

import { init } from '../bindings/js/node.js';
import { assertHealthy, normalize, SEED, seedInput } from './support/boundary-helpers.mjs';

const ap = await init();
// Made before any case runs; checked by the last test.
const madeBefore = ap.tensor([1, 1, 4, 4], 'float32', SEED);

// ---- the template calls -------------------------------------------------------------------------
// make(t) returns { args, run(args) }: `t(shape, dtype, source)` makes a wasm tensor disposed after
// the case. Arguments are built fresh for every case.

const MASK = [5, 7, 12, 14];
const POOLED = [7, 8, 9, 7];
const poolOptions = () => ({ kernelSize: [2, 2], stride: [2, 2], padding: [0, 0], dilation: [1, 1], ceilMode: false });
const unpoolOptions = () => ({ kernelSize: [2, 2], stride: [2, 2], padding: [0, 0], outputSize: [4, 4] });
const plain = (ctor, values, shape) => ({ data: ctor.from(values), shape });
const pooledOut = () => ({ values: plain(Float32Array, [0, 0, 0, 0], [1, 1, 2, 2]), indices: plain(Int32Array, [0, 0, 0, 0], [1, 1, 2, 2]) });
const GRAD4 = [1, 2, 3, 4];
const GRAD16 = SEED.map((v, i) => i + 0.5);

function withPlan(make, runArgs) {
  const plan = make();
  try { return runArgs(plan); } finally { plan.dispose(); }
}

export const CALLS = [
  { name: 'maxPool', make: () => ({ args: [seedInput(), poolOptions()], run: (a) => Reflect.apply(ap.maxPool, ap, a) }) },
  { name: 'maxPool, out arrays', make: () => ({ args: [seedInput(), { ...poolOptions(), indexType: 'int32', layout: 'NCHW', indexMode: 'plane' }, pooledOut()], run: (a) => Reflect.apply(ap.maxPool, ap, a) }) },
  { name: 'maxPool2d, wasm tensors', make: (t) => ({ args: [t([1, 1, 4, 4], 'float32', SEED), poolOptions(), { values: t([1, 1, 2, 2], 'float32'), indices: t([1, 1, 2, 2], 'int32') }], run: (a) => Reflect.apply(ap.maxPool2d, ap, a) }) },
  { name: 'maxPool, values only', make: () => ({ args: [seedInput(), { kernelSize: 2, returnIndices: false }], run: (a) => Reflect.apply(ap.maxPool, ap, a) }) },
  { name: 'maxUnpool', make: () => ({ args: [plain(Float32Array, POOLED, [1, 1, 2, 2]), plain(Int32Array, MASK, [1, 1, 2, 2]), unpoolOptions()], run: (a) => Reflect.apply(ap.maxUnpool, ap, a) }) },
  { name: 'maxUnpool, out', make: () => ({ args: [plain(Float32Array, POOLED, [1, 1, 2, 2]), plain(BigInt64Array, MASK.map(BigInt), [1, 1, 2, 2]), unpoolOptions(), plain(Float32Array, SEED, [1, 1, 4, 4])], run: (a) => Reflect.apply(ap.maxUnpool, ap, a) }) },
  { name: 'maxPoolBackward', make: () => ({ args: [plain(Float32Array, GRAD4, [1, 1, 2, 2]), plain(Int32Array, MASK, [1, 1, 2, 2]), [1, 1, 4, 4], poolOptions(), plain(Float32Array, SEED, [1, 1, 4, 4])], run: (a) => Reflect.apply(ap.maxPoolBackward, ap, a) }) },
  { name: 'maxUnpoolBackward', make: () => ({ args: [plain(Float32Array, GRAD16, [1, 1, 4, 4]), plain(Int32Array, MASK, [1, 1, 2, 2]), [1, 1, 2, 2], unpoolOptions(), plain(Float32Array, GRAD4, [1, 1, 2, 2])], run: (a) => Reflect.apply(ap.maxUnpoolBackward, ap, a) }) },
  { name: 'outputShape', make: () => ({ args: [[1, 1, 4, 4], poolOptions()], run: (a) => Reflect.apply(ap.outputShape, ap, a) }) },
  { name: 'unpoolOutputShape', make: () => ({ args: [[1, 1, 2, 2], unpoolOptions()], run: (a) => Reflect.apply(ap.unpoolOutputShape, ap, a) }) },
  { name: 'convertIndices', make: () => ({ args: [plain(Int32Array, MASK, [1, 1, 2, 2]), { from: 'plane', to: { indexMode: 'global', storageOrder: 1 }, inputShape: [1, 1, 4, 4], layout: 'NCHW', indexType: 'int64' }], run: (a) => Reflect.apply(ap.convertIndices, ap, a) }) },
  { name: 'tensor', make: (t) => ({ args: [[1, 1, 4, 4], 'float32', SEED.slice()], run: (a) => t.keep(ap.tensor(a[0], a[1], a[2])) }) },
  {
    name: 'maxPoolPlan + run',
    make: () => ({ args: [[1, 1, 4, 4], poolOptions(), { dtype: 'float32' }, seedInput(), pooledOut()], run: (a) => withPlan(() => ap.maxPoolPlan(a[0], a[1], a[2]), (plan) => plan.run(a[3], a[4])) }),
  },
  {
    name: 'maxUnpoolPlan + run',
    make: () => ({ args: [[1, 1, 2, 2], unpoolOptions(), { dtype: 'float32', indexType: 'int32' }, plain(Float32Array, POOLED, [1, 1, 2, 2]), plain(Int32Array, MASK, [1, 1, 2, 2])], run: (a) => withPlan(() => ap.maxUnpoolPlan(a[0], a[1], a[2]), (plan) => plan.run(a[3], a[4])) }),
  },
  {
    name: 'maxPoolBackwardPlan + run',
    make: () => ({ args: [[1, 1, 2, 2], [1, 1, 4, 4], poolOptions(), { dtype: 'float32', indexType: 'int32' }, plain(Float32Array, GRAD4, [1, 1, 2, 2]), plain(Int32Array, MASK, [1, 1, 2, 2])], run: (a) => withPlan(() => ap.maxPoolBackwardPlan(a[0], a[1], a[2], a[3]), (plan) => plan.run(a[4], a[5])) }),
  },
  {
    name: 'maxUnpoolBackwardPlan + run',
    make: () => ({ args: [[1, 1, 4, 4], [1, 1, 2, 2], unpoolOptions(), { dtype: 'float32', indexType: 'int32' }, plain(Float32Array, GRAD16, [1, 1, 4, 4]), plain(Int32Array, MASK, [1, 1, 2, 2])], run: (a) => withPlan(() => ap.maxUnpoolBackwardPlan(a[0], a[1], a[2], a[3]), (plan) => plan.run(a[4], a[5])) }),
  },
  { name: 'onnx.maxPool', make: () => ({ args: [{ data: Float32Array.from(SEED), dims: [1, 1, 4, 4] }, { kernel_shape: [2, 2], strides: [2, 2], pads: [0, 0, 0, 0], dilations: [1, 1], ceil_mode: 0, storage_order: 0 }], run: (a) => Reflect.apply(ap.onnx.maxPool, ap.onnx, a) }) },
  { name: 'onnx.maxUnpool', make: () => ({ args: [{ data: Float32Array.from(POOLED), dims: [1, 1, 2, 2] }, { data: BigInt64Array.from(MASK.map(BigInt)), dims: [1, 1, 2, 2] }, { kernel_shape: [2, 2], strides: [2, 2], pads: [0, 0, 0, 0] }, [1, 1, 4, 4]], run: (a) => Reflect.apply(ap.onnx.maxUnpool, ap.onnx, a) }) },
  { name: 'tf.maxPoolWithArgmax', make: () => ({ args: [{ data: Float32Array.from(SEED), shape: [1, 4, 4, 1] }, [2, 2], [2, 2], 'valid', false], run: (a) => Reflect.apply(ap.tf.maxPoolWithArgmax, ap.tf, a) }) },
];

// ---- running one case ---------------------------------------------------------------------------

const isPlainObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v) && !ArrayBuffer.isView(v) &&
  (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null);

// Every read point: [parent path, key] for each own property of plain objects and element of
// plain arrays, depth first.
// With `nested`, only points inside the arguments: the harness itself reads the top level.
function readPoints(value, { nested = false } = {}, path = []) {
  const points = [];
  if (Array.isArray(value) || isPlainObject(value)) {
    for (const key of Object.keys(value)) {
      if (!nested || path.length > 0) points.push([path, key]);
      points.push(...readPoints(value[key], {}, [...path, key]));
    }
  }
  return points;
}
const pointsOf = (call, options) => readPoints(call.make(Object.assign(() => ap.tensor([1], 'float32'), { keep: (x) => x })).args, options);

const at = (root, path) => path.reduce((v, k) => v[k], root);
const label = (path, key) => [...path, key].map((k) => (/^\d+$/.test(k) ? `[${k}]` : `.${k}`)).join('').replace(/^\.|^\[(\d+)\]/, 'arg$1 ');

// Runs a template call with `attack(args, wasmTensors)` applied; returns { result | error, normalised }.
let inCall = false;
function runCase(call, attack) {
  const tensors = [];
  const keep = (x) => { tensors[tensors.length] = x; return x; };
  const t = Object.assign((shape, dtype, source) => keep(ap.tensor(shape, dtype, source)), { keep });
  const { args, run } = call.make(t);
  const original = args.slice();
  const after = attack ? attack(args, tensors) : undefined;
  let outcome;
  inCall = true;
  try {
    outcome = { result: run(args) };
  } catch (error) {
    outcome = { error };
  } finally {
    inCall = false;
  }
  try {
    after?.();
    if (!outcome.error) {
      // A call with `out` returns the caller's out object; read it through the original arguments.
      const i = args.findIndex((a) => a !== undefined && a === outcome.result);
      outcome = { value: normalize(i >= 0 ? original[i] : outcome.result) };
    }
  } finally {
    for (const x of tensors) x.dispose();
  }
  return outcome;
}

const expected = new Map(CALLS.map((c) => {
  const o = runCase(c);
  if (o.error) throw o.error;
  return [c.name, o.value];
}));

// `allowed`: error codes an attack may legitimately cause; `exact: true` forbids errors.
function check(call, what, outcome, { allowed = [] } = {}) {
  if (outcome.error) {
    const e = outcome.error;
    assert.ok(typeof e.code === 'string' && e.code.startsWith('ARGPOOL_'), `${call.name} ${what}: uncoded ${e?.name}: ${e?.message}`);
    assert.ok(allowed.includes(e.code), `${call.name} ${what}: ${e.code} ${e.message}`);
    assert.ok(e.message.length < 400, `${call.name} ${what}: message of ${e.message.length} characters`);
  } else {
    assert.deepEqual(outcome.value, expected.get(call.name), `${call.name} ${what}: wrong result`);
  }
}

function withStats(fn) {
  const before = ap.stats();
  fn();
  const after = ap.stats();
  assert.equal(after.liveTensors, before.liveTensors, 'liveTensors');
  assert.equal(after.heapInUseBytes, before.heapInUseBytes, 'heapInUseBytes');
}

// Replaces the property `key` of `at(args, path)` with an accessor; `onRead` runs on every read.
function accessorAt(args, path, key, onRead) {
  const parent = at(args, path);
  const value = parent[key];
  let reads = 0;
  Object.defineProperty(parent, key, {
    get() {
      if (inCall) { ++reads; onRead?.(value); }
      return value;
    },
    enumerable: true, configurable: true,
  });
  return { reads: () => reads, value };
}

// ---- attack classes -----------------------------------------------------------------------------

// Side effects a getter may have: what the caller code does while argpool reads its objects.
const SIDE_EFFECTS = {
  'nothing': () => {},
  'a re-entrant maxPool': () => {
    const r = ap.maxPool({ data: new Float32Array(64).fill(-3), shape: [1, 1, 8, 8] }, { kernelSize: 3, stride: 1, padding: 1 });
    assert.equal(r.values.data.length, 64);
  },
  'a re-entrant outputShape and unpool of other shapes': () => {
    ap.outputShape([2, 3, 9, 9], { kernelSize: 3 });
    ap.maxUnpool({ data: new Float32Array(9), shape: [1, 1, 3, 3] }, { data: new Int32Array(9), shape: [1, 1, 3, 3] }, { kernelSize: 2 });
  },
  'memory growth (a 64 MiB tensor made and freed)': () => { ap.tensor([16, 1024, 1024], 'float32').dispose(); },
};

test('getters at every read point of every public function: each read at most once, exact results, re-entrant calls and memory growth change nothing', () => {
  let cases = 0;
  for (const call of CALLS) {
    for (const [path, key] of pointsOf(call, { nested: true })) {
      for (const [effect, sideEffect] of Object.entries(SIDE_EFFECTS)) {
        let counter;
        withStats(() => {
          const outcome = runCase(call, (args) => { counter = accessorAt(args, path, key, sideEffect); });
          check(call, `getter at ${label(path, key)} doing ${effect}`, outcome);
        });
        assert.ok(counter.reads() <= 1, `${call.name}: ${label(path, key)} read ${counter.reads()} times`);
        ++cases;
      }
    }
  }
  assertHealthy(ap);
  assert.ok(cases > 600, `${cases} cases`);
});

test('a getter that disposes the call\'s wasm tensors: exact result or ARGPOOL_DISPOSED, never a write into freed memory', () => {
  for (const call of CALLS) {
    for (const [path, key] of pointsOf(call, { nested: true })) {
      withStats(() => {
        let replacement = null;
        const outcome = runCase(call, (args, tensors) => {
          accessorAt(args, path, key, () => {
            for (const x of tensors) x.dispose();
            // The freed blocks are handed out again; the call must not write into them.
            replacement ??= ap.tensor([1, 1, 4, 4], 'float32');
          });
          return () => {
            if (!replacement) return;
            assert.deepEqual(Array.from(replacement.data), new Array(16).fill(0), `${call.name} ${label(path, key)}: wrote into a freed block`);
            replacement.dispose();
          };
        });
        check(call, `disposing getter at ${label(path, key)}`, outcome, { allowed: ['ARGPOOL_DISPOSED'] });
      });
    }
  }
  assertHealthy(ap);
});

test('Proxies of plain objects and arrays at every read point: each key read at most once, exact result or a type error', () => {
  for (const call of CALLS) {
    for (const [path, key] of pointsOf(call)) {
      const reads = new Map();
      withStats(() => {
        const outcome = runCase(call, (args) => {
          const parent = at(args, path);
          const target = parent[key];
          if (target === null || typeof target !== 'object' || ArrayBuffer.isView(target)) return;
          parent[key] = new Proxy(target, {
            get(o, k, r) { if (inCall) reads.set(k, (reads.get(k) ?? 0) + 1); return Reflect.get(o, k, r); },
            getOwnPropertyDescriptor(o, k) { if (inCall) reads.set(`descriptor ${String(k)}`, (reads.get(`descriptor ${String(k)}`) ?? 0) + 1); return Reflect.getOwnPropertyDescriptor(o, k); },
          });
        });
        check(call, `Proxy at ${label(path, key)}`, outcome, { allowed: ['ARGPOOL_INVALID_TYPE'] });
      });
      for (const [k, n] of reads) assert.ok(n <= 1, `${call.name}: Proxy at ${label(path, key)}: ${String(k)} trapped ${n} times`);
    }
  }
});

test('a Proxy of a typed array or of a wasm tensor at any argument is refused as not genuine (ARGPOOL_INVALID_TYPE)', () => {
  for (const call of CALLS) {
    for (const [path, key] of pointsOf(call)) {
      withStats(() => {
        let hit = false;
        const outcome = runCase(call, (args) => {
          const parent = at(args, path);
          const target = parent[key];
          const isTensor = target !== null && typeof target === 'object' && typeof target.dispose === 'function';
          if (!ArrayBuffer.isView(target) && !isTensor) return;
          hit = true;
          parent[key] = new Proxy(target, {});
        });
        if (hit) {
          assert.ok(outcome.error, `${call.name}: a Proxy at ${label(path, key)} was accepted`);
          assert.equal(outcome.error.code, 'ARGPOOL_INVALID_TYPE', `${call.name} ${label(path, key)}: ${outcome.error.message}`);
        }
      });
    }
  }
});

test('valueOf, toString and Symbol.toPrimitive in place of a number, string or boolean: refused with a code, never called', () => {
  let cases = 0;
  for (const call of CALLS) {
    for (const [path, key] of pointsOf(call)) {
      let calls = 0;
      let replaced = false;
      withStats(() => {
        const outcome = runCase(call, (args) => {
          const parent = at(args, path);
          const v = parent[key];
          if (!['number', 'string', 'boolean'].includes(typeof v)) return;
          replaced = true;
          parent[key] = { valueOf() { ++calls; return v; }, toString() { ++calls; return String(v); }, [Symbol.toPrimitive]() { ++calls; return v; } };
        });
        if (!replaced) return;
        ++cases;
        assert.equal(calls, 0, `${call.name}: ${label(path, key)}: caller conversion ran ${calls} times`);
        // A few read points accept any object (the out-tensor placeholders); all others refuse.
        if (outcome.error) assert.match(outcome.error.code, /^ARGPOOL_INVALID_(TYPE|ARGUMENT)$/, `${call.name} ${label(path, key)}`);
        else check(call, `object-with-valueOf at ${label(path, key)}`, outcome);
      });
    }
  }
  assert.ok(cases > 150, `${cases} cases`);
});

test('iterators: an own Symbol.iterator on every array argument and a replaced Array.prototype iterator are never called', () => {
  for (const call of CALLS) {
    for (const [path, key] of pointsOf(call)) {
      let calls = 0;
      withStats(() => {
        const outcome = runCase(call, (args) => {
          const v = at(args, path)[key];
          if (!Array.isArray(v)) return;
          v[Symbol.iterator] = function* () { ++calls; yield 99; };
        });
        check(call, `own iterator at ${label(path, key)}`, outcome);
      });
      assert.equal(calls, 0, `${call.name}: the iterator of ${label(path, key)} ran`);
    }
    // Replaced for the whole call (arguments are built before).
    let calls = 0;
    withStats(() => {
      const outcome = runCase(call, () => {
        const saved = Object.getOwnPropertyDescriptor(Array.prototype, Symbol.iterator);
        const savedTyped = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Int8Array.prototype), Symbol.iterator);
        Array.prototype[Symbol.iterator] = function* () { ++calls; yield 99; };
        Object.getPrototypeOf(Int8Array.prototype)[Symbol.iterator] = function* () { ++calls; yield 99; };
        return () => {
          Object.defineProperty(Array.prototype, Symbol.iterator, saved);
          Object.defineProperty(Object.getPrototypeOf(Int8Array.prototype), Symbol.iterator, savedTyped);
        };
      });
      // tensor(shape, dtype, source) reads a plain array source by index, not by iteration.
      check(call, 'replaced Array.prototype iterator', outcome);
    });
    assert.equal(calls, 0, `${call.name}: a replaced prototype iterator ran ${calls} times`);
  }
});

test('typed-array subclasses whose methods and species are caller code: accepted, exact, and none of their code runs', () => {
  const runs = [];
  const subclassOf = (Base) => class Hostile extends Base {
    static get [Symbol.species]() { runs.push('species'); return Base; }
    set(...a) { runs.push('set'); return super.set(...a); }
    subarray(...a) { runs.push('subarray'); return super.subarray(...a); }
    slice(...a) { runs.push('slice'); return super.slice(...a); }
    fill(...a) { runs.push('fill'); return super.fill(...a); }
    get length() { runs.push('length'); return 1e6; }
    get byteOffset() { runs.push('byteOffset'); return 0; }
    get buffer() { runs.push('buffer'); return new ArrayBuffer(8); }
  };
  let cases = 0;
  for (const call of CALLS) {
    for (const [path, key] of pointsOf(call)) {
      runs.length = 0;
      let hit = false;
      withStats(() => {
        const outcome = runCase(call, (args) => {
          const parent = at(args, path);
          const v = parent[key];
          if (!ArrayBuffer.isView(v)) return;
          hit = true;
          const Sub = subclassOf(v.constructor);
          const copy = new Sub(v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength));
          // Nested leaves only: containers are shared with runCase's original arguments, so
          // results written into an `out` copy are read from it.
          parent[key] = copy;
        });
        if (hit) {
          ++cases;
          check(call, `subclass at ${label(path, key)}`, outcome);
        }
      });
      assert.deepEqual(runs, [], `${call.name}: ${label(path, key)}: caller methods ran: ${runs.join(', ')}`);
    }
  }
  assert.ok(cases >= 30, `${cases} cases`);
});

test('inherited options, replaced built-ins (Function.prototype.call/apply, Array and TypedArray methods, Object.keys, JSON) are never used', () => {
  const protoOptions = { padding: 1, stride: 1, ceilMode: true, layout: 'NHWC', indexMode: 'global', returnIndices: false, dilation: 2, outputSize: [9, 9], indexType: 'int64', dtype: 'float64' };
  const replaced = [
    [Function.prototype, 'call'], [Function.prototype, 'apply'], [Function.prototype, 'bind'],
    [Array.prototype, 'map'], [Array.prototype, 'push'], [Array.prototype, 'slice'], [Array.prototype, 'join'], [Array.prototype, 'every'], [Array.prototype, 'fill'], [Array.prototype, 'reduce'],
    [Object.getPrototypeOf(Int8Array.prototype), 'set'], [Object.getPrototypeOf(Int8Array.prototype), 'subarray'], [Object.getPrototypeOf(Int8Array.prototype), 'slice'], [Object.getPrototypeOf(Int8Array.prototype), 'fill'],
    [Object, 'keys'], [Object, 'entries'], [Object, 'freeze'], [Object, 'defineProperty'], [JSON, 'stringify'], [Math, 'max'], [Number, 'isInteger'], [Number, 'isSafeInteger'], [Array, 'isArray'], [ArrayBuffer, 'isView'],
    [String.prototype, 'startsWith'], [String.prototype, 'slice'],
  ];
  for (const call of CALLS) {
    withStats(() => {
      const outcome = runCase(call, () => {
        for (const [k, v] of Object.entries(protoOptions)) Object.defineProperty(Object.prototype, k, { value: v, configurable: true, writable: true });
        return () => { for (const k of Object.keys(protoOptions)) delete Object.prototype[k]; };
      });
      check(call, 'inherited options on Object.prototype', outcome);
    });
    let ran = [];
    withStats(() => {
      const outcome = runCase(call, () => {
        const saved = replaced.map(([o, k]) => Object.getOwnPropertyDescriptor(o, k));
        replaced.forEach(([o, k]) => defineProperty(o, k, { value: function hostile() { ran[ran.length] = k; throw new Error(`caller's ${k}`); }, configurable: true, writable: true }));
        return () => replaced.forEach(([o, k], i) => defineProperty(o, k, saved[i]));
      });
      check(call, 'replaced built-ins', outcome);
    });
    assert.deepEqual(ran, [], `${call.name}: replaced built-ins ran: ${ran.join(', ')}`);
  }
  assertHealthy(ap);
});

test('after every case above, a tensor made before them still holds its data and the seed example is right', () => {
  assert.deepEqual(Array.from(madeBefore.data), SEED);
  madeBefore.dispose();
  assertHealthy(ap);
});
