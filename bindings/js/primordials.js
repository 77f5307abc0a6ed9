// Built-ins captured once, when argpool loads (Node.js core's "primordials"). The boundary uses these
// instead of whatever a caller's object, a subclass or a modified prototype would answer: a typed
// array's kind, buffer, offset and length come from the %TypedArray%.prototype getters, copies use
// the intrinsic set/subarray/slice, and no caller code runs through a replaced global or prototype.

const { bind, call } = Function.prototype;
// uncurryThis(Array.prototype.slice)(array, 1) === array.slice(1), without reading `array.slice`.
const uncurryThis = bind.bind(call);

const getter = (object, key) => Object.getOwnPropertyDescriptor(object, key).get;

const TypedArrayPrototype = Object.getPrototypeOf(Uint8Array.prototype);

export const TypedArrayPrototypeGetSymbolToStringTag = uncurryThis(getter(TypedArrayPrototype, Symbol.toStringTag));
export const TypedArrayPrototypeGetLength = uncurryThis(getter(TypedArrayPrototype, 'length'));
export const TypedArrayPrototypeGetBuffer = uncurryThis(getter(TypedArrayPrototype, 'buffer'));
export const TypedArrayPrototypeGetByteOffset = uncurryThis(getter(TypedArrayPrototype, 'byteOffset'));
export const TypedArrayPrototypeGetByteLength = uncurryThis(getter(TypedArrayPrototype, 'byteLength'));
export const TypedArrayPrototypeSet = uncurryThis(TypedArrayPrototype.set);
export const TypedArrayPrototypeSubarray = uncurryThis(TypedArrayPrototype.subarray);
export const TypedArrayPrototypeSlice = uncurryThis(TypedArrayPrototype.slice);
export const TypedArrayPrototypeFill = uncurryThis(TypedArrayPrototype.fill);

export const ArrayBufferIsView = ArrayBuffer.isView;
export const ArrayIsArray = Array.isArray;
export const ArrayPrototypeJoin = uncurryThis(Array.prototype.join);
export const ArrayPrototypeMap = uncurryThis(Array.prototype.map);
export const ArrayPrototypeIncludes = uncurryThis(Array.prototype.includes);
// A copy of an array of ours, by index: no method, species constructor or iterator is looked up.
export function copyList(list) {
  const copy = new Array(list.length);
  for (let i = 0; i < list.length; ++i) copy[i] = list[i];
  return copy;
}
export const FunctionPrototypeCall = uncurryThis(call);
export const JSONParse = JSON.parse;
export const JSONStringify = JSON.stringify;
export const MathCeil = Math.ceil;
export const MathFloor = Math.floor;
export const MathMax = Math.max;
export const MathMin = Math.min;
export const NumberIsSafeInteger = Number.isSafeInteger;
export const ObjectCreate = Object.create;
export const ObjectDefineProperty = Object.defineProperty;
export const ObjectEntries = Object.entries;
export const ObjectFreeze = Object.freeze;
export const ObjectGetOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
export const ObjectGetPrototypeOf = Object.getPrototypeOf;
export const ObjectHasOwn = Object.hasOwn ?? ((object, key) => Object.prototype.hasOwnProperty.call(object, key));
export const ObjectKeys = Object.keys;
export const ObjectGetOwnPropertyNames = Object.getOwnPropertyNames;

// Collections whose methods are their own copies of the intrinsics (Node.js core's makeSafe): a
// replaced Map.prototype.get or WeakMap.prototype.set changes nothing inside argpool.
function makeSafe(unsafe, safe) {
  for (const key of Reflect.ownKeys(unsafe.prototype)) {
    if (key !== 'constructor') Object.defineProperty(safe.prototype, key, Object.getOwnPropertyDescriptor(unsafe.prototype, key));
  }
  Object.setPrototypeOf(safe.prototype, null);
  Object.freeze(safe.prototype);
  return Object.freeze(safe);
}
export const SafeMap = makeSafe(Map, class SafeMap extends Map {});
export const SafeSet = makeSafe(Set, class SafeSet extends Set {});
export const SafeWeakMap = makeSafe(WeakMap, class SafeWeakMap extends WeakMap {});
export const SafeWeakRef = makeSafe(WeakRef, class SafeWeakRef extends WeakRef {});
export const WeakRefPrototypeDeref = uncurryThis(WeakRef.prototype.deref);
export const SafeFinalizationRegistry = makeSafe(FinalizationRegistry, class SafeFinalizationRegistry extends FinalizationRegistry {});
export const StringPrototypeSlice = uncurryThis(String.prototype.slice);
export const SymbolToStringTag = Symbol.toStringTag;

const textDecoder = new TextDecoder();
const TextDecoderPrototypeDecode = uncurryThis(TextDecoder.prototype.decode);
export const decodeUtf8 = (bytes) => TextDecoderPrototypeDecode(textDecoder, bytes);

// The typed-array constructors by their intrinsic tag (what TypedArrayPrototypeGetSymbolToStringTag
// answers for a genuine typed array; undefined for anything else, a Proxy of one included).
export const TypedArrays = ObjectFreeze({
  __proto__: null,
  Float32Array,
  Float64Array,
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  BigInt64Array,
  BigUint64Array,
});
