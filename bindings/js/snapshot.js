// Snapshots: the first hop of every public call. Each value argpool needs from a caller's object
// (an option, a shape element, a tensor's data or shape, an `out` member) is read exactly once here,
// into a plain value, before anything is staged in wasm memory; the rest of the call uses only the
// copies. Getters, Proxy traps and caller-defined methods can run only during these reads: none runs
// once staging has begun. Typed arrays are recognised and measured with intrinsics (primordials.js),
// never with the object's own properties; options count only as own properties (nothing inherited).
import { ArgpoolError, ArgpoolTypeError } from './errors.js';
import {
  ArrayBufferIsView, ArrayIsArray, ArrayPrototypeIncludes, ArrayPrototypeJoin, FunctionPrototypeCall, JSONStringify,
  ObjectGetOwnPropertyDescriptor, ObjectGetOwnPropertyNames, ObjectHasOwn, StringPrototypeSlice, TypedArrayPrototypeGetLength, TypedArrayPrototypeGetSymbolToStringTag,
} from './primordials.js';
import { WasmTensor } from './tensor.js';

// The intrinsic kind of a genuine typed array ('Float32Array', …), or undefined for anything else
// (plain objects made from a typed-array prototype, Proxies, arrays with a Symbol.toStringTag).
export function typedArrayTag(value) {
  return ArrayBufferIsView(value) ? TypedArrayPrototypeGetSymbolToStringTag(value) : undefined;
}

const article = (text) => (/^[AEIOU]/.test(text) && !/^Uint/.test(text) ? 'an' : 'a');

// What a value is, for messages: never reads a caller's property.
export function describe(value) {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  const tag = typedArrayTag(value);
  if (tag !== undefined) return `${article(tag)} ${tag}`;
  if (ArrayIsArray(value)) return 'an array';
  switch (typeof value) {
    case 'number': return `${value}`;
    case 'bigint': return `${value}n`;
    case 'boolean': return `${value}`;
    case 'string': return `the string ${JSONStringify(value.length > 40 ? StringPrototypeSlice(value, 0, 40) + '…' : value)}`;
    case 'function': return 'a function';
    case 'symbol': return 'a symbol';
    default: return 'an object';
  }
}

// A read that throws (a getter's or a Proxy trap's own error, a Proxy of an argpool tensor) becomes
// an ArgpoolTypeError naming what was read; argpool's own errors (from a re-entrant call) pass.
function readFailed(fn, label, cause) {
  if (cause instanceof ArgpoolError || cause?.code?.startsWith?.('ARGPOOL_')) return cause;
  const error = new ArgpoolTypeError(`${fn}: reading ${label} threw: ${cause?.message ?? String(cause)}`,
    'ARGPOOL_INVALID_TYPE');
  error.cause = cause;
  return error;
}

// object[key], read once. `owner`: what the object is, for messages ('out' → 'out.values').
export function readProperty(fn, owner, object, key) {
  try {
    return object[key];
  } catch (cause) {
    throw readFailed(fn, `${owner}.${key}`, cause);
  }
}

// A list's elements, each read once, into a plain array: from a genuine Array (its `length` and
// indexed elements; a Proxy's traps run once each) or a genuine typed array (intrinsic length).
// Anything else is returned as it is, for the caller's type check.
export function snapshotList(fn, owner, value, key = null) {
  const label = () => (key === null ? owner : `${owner}.${key}`);
  if (typedArrayTag(value) !== undefined) {
    const length = TypedArrayPrototypeGetLength(value);
    const copy = new Array(length);
    for (let i = 0; i < length; ++i) copy[i] = value[i]; // integer-indexed: no caller code
    return copy;
  }
  if (!ArrayIsArray(value)) return value;
  try {
    const length = value.length;
    if (typeof length !== 'number' || !(length >= 0 && length <= 64)) {
      throw new ArgpoolTypeError(`${fn}: ${label()} must be a short array, got length ${describe(length)}`);
    }
    const copy = new Array(length);
    for (let i = 0; i < length; ++i) copy[i] = value[i];
    return copy;
  } catch (cause) {
    throw readFailed(fn, label(), cause);
  }
}

const own = (descriptor, object, fn, label) => {
  if (descriptor === undefined) return undefined;
  if (ObjectHasOwn(descriptor, 'value')) return descriptor.value;
  if (typeof descriptor.get !== 'function') return undefined;
  try {
    return FunctionPrototypeCall(descriptor.get, object);
  } catch (cause) {
    throw readFailed(fn, label, cause);
  }
};

// A snapshot object: its prototype is an empty, frozen object without a prototype, so nothing is
// inherited (as with { __proto__: null }), but it stays a fast-mode object (V8 turns null-prototype
// literals into dictionaries).
const SNAPSHOT_PROTOTYPE = Object.freeze(Object.create(null));
function OptionsSnapshot() {}
OptionsSnapshot.prototype = SNAPSHOT_PROTOTYPE;

// The own enumerable properties of an options object, each read once, into a snapshot object
// object; array values are copied too (snapshotList). `allowed`: the known option names (others
// are an error). `undefined` stands for {}.
export function snapshotOptions(fn, options, allowed, what = 'options') {
  if (options === undefined) return new OptionsSnapshot();
  if (options === null || typeof options !== 'object' || ArrayIsArray(options) || typedArrayTag(options) !== undefined) {
    throw new ArgpoolTypeError(`${fn}: ${what} must be an object such as { kernelSize: 2 }, got ${describe(options)}`);
  }
  // The own string keys, then one descriptor per key: Object.keys would ask a Proxy for each
  // descriptor a second time. (Object.getOwnPropertyNames, not Reflect.ownKeys: V8 answers it
  // from the object's cached key list, ~10 ns against ~150 ns, a sixth of a one-shot call.)
  let keys;
  try {
    keys = ObjectGetOwnPropertyNames(options);
  } catch (cause) {
    throw readFailed(fn, what, cause);
  }
  const snapshot = new OptionsSnapshot();
  const entries = [];
  for (let k = 0; k < keys.length; ++k) {
    const key = keys[k];
    let descriptor;
    try {
      descriptor = ObjectGetOwnPropertyDescriptor(options, key);
    } catch (cause) {
      throw readFailed(fn, `${what}.${key}`, cause);
    }
    if (descriptor === undefined || descriptor.enumerable !== true) continue;
    if (!ArrayPrototypeIncludes(allowed, key)) {
      throw new ArgpoolTypeError(`${fn}: unknown option '${key}'; known options: ${ArrayPrototypeJoin(allowed, ', ')}`);
    }
    const value = snapshotList(fn, `${what}.${key}`, own(descriptor, options, fn, `${what}.${key}`));
    snapshot[key] = value;
    entries[entries.length] = key;
    entries[entries.length] = value;
  }
  snapshot[ENTRIES] = entries;
  return snapshot;
}

// The label of a tensor snapshot's shape, for messages: 'input.shape' (or 'input.dims').
export const shapeLabel = (snap) => `${snap.name}.${snap.dims ? 'dims' : 'shape'}`;

// A tensor argument, read once:
//   { tensor }                    an argpool WasmTensor (brand-checked: a Proxy of one is not one);
//   { data, tag, shape }          a { data, shape } (or ONNX Runtime's { data, dims }) object: `data`
//                                 as given (checked and measured later, with intrinsics), `tag` its
//                                 intrinsic kind, `shape` a plain copy of the shape's elements.
// Tensors of other libraries get a message that says what to pass instead.
export function snapshotTensor(fn, name, value) {
  if (WasmTensor.isTensor(value)) return { source: value, tensor: value, data: null, tag: undefined, shape: null, name, dims: false };
  if (value === null || typeof value !== 'object') {
    throw new ArgpoolTypeError(`${fn}: ${name} must be an object { data, shape }, got ${describe(value)}`);
  }
  const data = readProperty(fn, name, value, 'data');
  if (typeof data === 'function') {
    // tf.Tensor: data() is an async method; its shape is t.shape.
    throw new ArgpoolTypeError(`${fn}: ${name} looks like a TensorFlow.js tensor: use argpool/tfjs (registerArgpool), or pass { data: t.dataSync(), shape: t.shape }`);
  }
  const tag = typedArrayTag(data); // undefined for anything but a genuine typed array: refused later
  if (tag === undefined) return { source: value, tensor: null, data, tag, shape: null, name, dims: false };
  let shape = readProperty(fn, name, value, 'shape');
  let dims = false;
  if (shape === undefined) {
    shape = readProperty(fn, name, value, 'dims'); // ONNX Runtime Web's ort.Tensor
    dims = true;
  }
  const copy = snapshotList(fn, name, shape, dims ? 'dims' : 'shape');
  if (!ArrayIsArray(copy)) {
    throw new ArgpoolTypeError(`${fn}: ${shapeLabel({ name, dims })} must be an array of integers, got ${describe(shape)}`);
  }
  return { source: value, tensor: null, data, tag, shape: copy, name, dims };
}

// A text that identifies an options snapshot by its values (types included: 2, '2' and [2] differ),
// or null when a value is of a kind that has no such text (objects, bigints, …). Equal texts mean
// equal snapshots, so they parse to the same parameters: the one-shot calls key their plans on it.
export function snapshotKey(snapshot) {
  let key = '';
  for (const name in snapshot) {
    const value = snapshot[name];
    const text = valueKey(value);
    if (text === null) return null;
    key += `${name}=${text};`;
  }
  return key;
}

// A snapshot's own names and values in read order, [name0, value0, name1, value1, …], under a
// symbol (for-in and the parsers see only the names): compared by sameSnapshot without walking
// the snapshot itself.
const ENTRIES = Symbol('argpool.snapshotEntries');

// Whether two options snapshots hold the same names with the same values, in the same order
// (arrays of numbers compare element by element). Equal snapshots parse to the same parameters.
export function sameSnapshot(a, b) {
  const x = a[ENTRIES], y = b[ENTRIES];
  if (x === undefined || y === undefined || x.length !== y.length) return false;
  for (let i = 0; i < x.length; ++i) {
    const u = x[i], v = y[i];
    if (u === v) continue;
    if (!ArrayIsArray(u) || !ArrayIsArray(v) || u.length !== v.length) return false;
    for (let j = 0; j < u.length; ++j) if (u[j] !== v[j] || typeof u[j] !== 'number') return false;
  }
  return true;
}

function valueKey(value) {
  switch (typeof value) {
    case 'number': return `n${value}`;
    case 'boolean': return value ? 't' : 'f';
    case 'string': return `s${value.length}:${value}`;
    case 'undefined': return 'u';
    case 'object': {
      if (value === null) return 'z';
      if (!ArrayIsArray(value)) return null;
      let text = '[';
      for (let i = 0; i < value.length; ++i) {
        const element = value[i];
        if (typeof element !== 'number') return null;
        text += `${element},`;
      }
      return `${text}]`;
    }
    default: return null;
  }
}
