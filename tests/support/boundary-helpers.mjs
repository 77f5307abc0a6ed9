// Shared by the boundary suites (tests/boundary*.test.mjs): the seed example and exact result
// comparison that sees every bit (types, -0, NaN payloads are compared as values and types).
import assert from 'node:assert/strict';

export const SEED = [2, 4, 5, 1, 3, 7, 2, 8, 1, 6, 3, 4, 9, 2, 7, 5];
export const seedInput = () => ({ data: Float32Array.from(SEED), shape: [1, 1, 4, 4] });

// The README's seed example and its unpooling, through plain arrays and through wasm tensors.
export function assertHealthy(ap) {
  const { values, indices } = ap.maxPool(seedInput(), { kernelSize: 2 });
  assert.deepEqual(Array.from(values.data), [7, 8, 9, 7]);
  assert.deepEqual(Array.from(indices.data), [5, 7, 12, 14]);
  const up = ap.maxUnpool(values, indices, { kernelSize: 2 });
  assert.deepEqual(Array.from(up.data), [0, 0, 0, 0, 0, 7, 0, 8, 0, 0, 0, 0, 9, 0, 7, 0]);
  const x = ap.tensor([1, 1, 4, 4], 'float32', SEED);
  const out = { values: ap.tensor([1, 1, 2, 2], 'float32'), indices: ap.tensor([1, 1, 2, 2], 'int32') };
  ap.maxPool(x, { kernelSize: 2 }, out);
  assert.deepEqual(Array.from(out.values.data), [7, 8, 9, 7]);
  assert.deepEqual(Array.from(out.indices.data), [5, 7, 12, 14]);
  for (const t of [x, out.values, out.indices]) t.dispose();
}

const TypedArrayPrototype = Object.getPrototypeOf(Int8Array.prototype);
const tagGetter = Object.getOwnPropertyDescriptor(TypedArrayPrototype, Symbol.toStringTag).get;
const lengthGetter = Object.getOwnPropertyDescriptor(TypedArrayPrototype, 'length').get;
// Intrinsic tag and length: a subclass's own accessors are not consulted.
const tagOf = (v) => Reflect.apply(tagGetter, v, []);
const lengthOf = (v) => Reflect.apply(lengthGetter, v, []);
const scalar = (x) => (typeof x === 'bigint' ? `${x}n` : Object.is(x, -0) ? '-0' : String(x));

// A plain, comparable copy of a result: typed arrays become { type, values }, wasm tensors and
// other objects their own enumerable data properties (functions left out).
export function normalize(v) {
  if (ArrayBuffer.isView(v)) {
    const out = [];
    for (let i = 0, n = lengthOf(v); i < n; ++i) out[i] = scalar(v[i]);
    return { type: tagOf(v), values: out };
  }
  if (Array.isArray(v)) return v.map(normalize);
  if (v !== null && typeof v === 'object') {
    const keys = typeof v.dispose === 'function' ? ['data', 'shape', 'dtype'] : Object.keys(v);
    const out = {};
    for (const k of keys) if (typeof v[k] !== 'function' && v[k] !== undefined) out[k] = normalize(v[k]);
    return out;
  }
  return v;
}

// `code` null: any argpool code.
export function assertCoded(fn, code, pattern) {
  let error;
  try { fn(); } catch (e) { error = e; }
  assert.ok(error, 'expected an error');
  if (code !== null) assert.equal(error.code, code, `${error.name}: ${error.message}`);
  else assert.match(String(error.code), /^ARGPOOL_/, `${error.name}: ${error.message}`);
  assert.ok(['ArgpoolError', 'ArgpoolTypeError', 'ArgpoolRangeError'].includes(error.name), error.name);
  if (pattern) assert.match(error.message, pattern);
  assert.ok(error.message.length < 400, `message of ${error.message.length} characters`);
  return error;
}
