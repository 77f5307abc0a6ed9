// Argument checks that need JavaScript: typed-array kinds, shapes as JS arrays, option objects.
// Rules about values (ranges, shapes, padding) live in C++ (src/argpool/shape.cpp).
import { ArgpoolRangeError, ArgpoolTypeError } from './errors.js';
import { INDEX_MODE, LAYOUT, PAD_MODE } from './abi.js';

const dtype = (name, tag, ArrayType, code, float = false) => Object.freeze({ name, tag, ArrayType, code, float });

// Value dtypes with their C++ DType codes (src/argpool/types.h).
export const DTYPES = Object.freeze([
  dtype('float32', 'Float32Array', Float32Array, 0, true),
  dtype('float64', 'Float64Array', Float64Array, 1, true),
  dtype('int8', 'Int8Array', Int8Array, 2),
  dtype('uint8', 'Uint8Array', Uint8Array, 3),
  dtype('int16', 'Int16Array', Int16Array, 4),
  dtype('uint16', 'Uint16Array', Uint16Array, 5),
  dtype('int32', 'Int32Array', Int32Array, 6),
]);
// Image data (canvas ImageData) is a Uint8ClampedArray: pooled as uint8, returned as clamped.
const CLAMPED = dtype('uint8', 'Uint8ClampedArray', Uint8ClampedArray, 3);
const DTYPE_BY_TAG = new Map([...DTYPES.map((d) => [d.tag, d]), [CLAMPED.tag, CLAMPED]]);
export const DTYPE_BY_NAME = Object.freeze(Object.fromEntries(DTYPES.map((d) => [d.name, d])));

export const INDEX_TYPES = Object.freeze({
  int32: Object.freeze({ name: 'int32', tag: 'Int32Array', ArrayType: Int32Array, int64: false }),
  int64: Object.freeze({ name: 'int64', tag: 'BigInt64Array', ArrayType: BigInt64Array, int64: true }),
});

const KIND_TYPES = {
  values: `${DTYPES.map((d) => d.tag).join(', ')} or ${CLAMPED.tag}`,
  float: 'Float32Array or Float64Array',
  indices: 'Int32Array or BigInt64Array',
};
const article = (text) => (/^[AEIO]/.test(text) ? 'an' : 'a'); // 'a Uint8Array' (you-int)

const POOL_OPTIONS = ['kernelSize', 'stride', 'padding', 'pads', 'autoPad', 'dilation', 'ceilMode', 'returnIndices',
  'layout', 'indexMode', 'indexType', 'storageOrder', 'includeBatchInIndex'];
const UNPOOL_OPTIONS = POOL_OPTIONS.concat('outputSize');
const AUTO_PAD = { NOTSET: null, SAME_UPPER: PAD_MODE.SAME_UPPER, SAME_LOWER: PAD_MODE.SAME_LOWER, VALID: PAD_MODE.VALID,
  same: PAD_MODE.SAME_UPPER, valid: PAD_MODE.VALID };

export function typeTag(value) {
  return Object.prototype.toString.call(value).slice(8, -1);
}

export function describe(value) {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (ArrayBuffer.isView(value)) return `${article(typeTag(value))} ${typeTag(value)}`;
  if (typeof value === 'number') return `${value}`;
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value)}`;
  return `a value of type ${typeof value}`;
}

export function shapeString(shape) {
  return `[${Array.from(shape).join(', ')}]`;
}

export function product(shape) {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function sameShape(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; ++i) if (a[i] !== b[i]) return false;
  return true;
}

const SPATIAL_NAMES = ['L', 'H, W', 'D, H, W'];

// `rank`: the spatial rank a function requires, or undefined for any of 1, 2 and 3.
export function hasRank(shape, rank) {
  return rank === undefined ? shape.length >= 3 && shape.length <= 5 : shape.length === rank + 2;
}

export function rankError(fn, name, shape, rank, layout) {
  const expected = rank === undefined ? '3, 4 or 5 dimensions [N, C, ...spatial]'
    : layout === 'NHWC' ? `${rank + 2} dimensions [N, ${SPATIAL_NAMES[rank - 1]}, C]`
      : `${rank + 2} dimensions [N, C, ${SPATIAL_NAMES[rank - 1]}]`;
  return new ArgpoolRangeError(`${fn}: ${name} must have ${expected}, got ${shape.length}: ${shapeString(shape)}`);
}

// Dims must be non-negative safe integers; the C++ layer checks what each dim may be.
export function checkShape(fn, name, shape, rank, layout = 'NCHW') {
  if (!Array.isArray(shape)) {
    throw new ArgpoolTypeError(`${fn}: ${name} must be an array of integers, got ${describe(shape)}`);
  }
  if (!hasRank(shape, rank)) throw rankError(fn, name, shape, rank, layout);
  const copy = shape.slice();
  for (let i = 0; i < copy.length; ++i) {
    const d = copy[i];
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) {
      throw new (typeof d === 'number' ? ArgpoolRangeError : ArgpoolTypeError)(
        `${fn}: ${name}[${i}] must be a non-negative integer, got ${describe(d)}`);
    }
  }
  return copy;
}

// A plain tensor argument { data, shape } with data.length == prod(shape). `kind`: 'values' (any
// value dtype), 'float' (float32/float64) or 'indices' (Int32Array/BigInt64Array).
export function checkTensor(fn, name, tensor, rank, kind, layout) {
  if (tensor === null || typeof tensor !== 'object') {
    throw new ArgpoolTypeError(`${fn}: ${name} must be an object { data, shape }, got ${describe(tensor)}`);
  }
  const { data } = tensor;
  let type;
  if (kind === 'indices') {
    type = data instanceof Int32Array || typeTag(data) === 'Int32Array' ? INDEX_TYPES.int32
      : typeTag(data) === 'BigInt64Array' ? INDEX_TYPES.int64 : undefined;
  } else {
    type = data instanceof Float32Array ? DTYPES[0] : ArrayBuffer.isView(data) ? DTYPE_BY_TAG.get(typeTag(data)) : undefined;
    if (type && kind === 'float' && !type.float) type = undefined;
  }
  if (!type) {
    throw new ArgpoolTypeError(`${fn}: ${name}.data must be ${article(KIND_TYPES[kind])} ${KIND_TYPES[kind]}, got ${describe(data)}`);
  }
  const shape = checkShape(fn, `${name}.shape`, tensor.shape, rank, layout);
  const count = product(shape);
  if (data.length !== count) {
    throw new ArgpoolRangeError(
      `${fn}: ${name}.data has ${data.length} elements but ${name}.shape ${shapeString(shape)} needs ${count}`);
  }
  return { data, shape, dtype: type, pointer: 0 };
}

export function checkOptions(fn, options, allowed) {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new ArgpoolTypeError(`${fn}: options must be an object such as { kernelSize: 2 }, got ${describe(options)}`);
  }
  for (const key in options) {
    if (!allowed.includes(key)) {
      throw new ArgpoolTypeError(`${fn}: unknown option '${key}'; known options: ${allowed.join(', ')}`);
    }
  }
}

function integerList(fn, label, list, length, lengthText) {
  if (!Array.isArray(list)) {
    throw new ArgpoolTypeError(`${fn}: ${label} must be ${lengthText}, got ${describe(list)}`);
  }
  if (list.length !== length) {
    throw new ArgpoolRangeError(`${fn}: ${label} must have ${length} entries (${lengthText}), got ${list.length}`);
  }
  for (let i = 0; i < list.length; ++i) {
    const v = list[i];
    if (typeof v !== 'number' || !Number.isSafeInteger(v)) {
      throw new (typeof v === 'number' ? ArgpoolRangeError : ArgpoolTypeError)(
        `${fn}: ${label}[${i}] must be an integer, got ${describe(v)}`);
    }
  }
  return list.slice();
}

// A per-dimension parameter: an integer for every dimension or an array with one per dimension.
export function spatialParam(fn, name, value, rank, fallback) {
  if (value === undefined || (value === null && fallback !== undefined)) {
    if (fallback === undefined) throw new ArgpoolTypeError(`${fn}: options.${name} is required`);
    return fallback;
  }
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) {
      throw new ArgpoolRangeError(`${fn}: options.${name} must be an integer, got ${describe(value)}`);
    }
    return new Array(rank).fill(value);
  }
  if (!Array.isArray(value)) {
    throw new ArgpoolTypeError(
      `${fn}: options.${name} must be an integer or an array of ${rank} integers, got ${describe(value)}`);
  }
  return integerList(fn, `options.${name}`, value, rank, 'one per spatial dimension');
}

function booleanOption(fn, options, name, fallback) {
  const value = options[name] ?? fallback;
  if (typeof value !== 'boolean') {
    throw new ArgpoolTypeError(`${fn}: options.${name} must be a boolean, got ${describe(value)}`);
  }
  return value;
}

function enumOption(fn, options, name, choices, fallback) {
  const value = options[name] ?? fallback;
  if (!Object.hasOwn(choices, value)) {
    throw new ArgpoolTypeError(`${fn}: options.${name} must be one of ${Object.keys(choices).map((c) => `'${c}'`).join(', ')}, got ${describe(value)}`);
  }
  return value;
}

export function parseLayout(fn, options) {
  return enumOption(fn, options, 'layout', LAYOUT, 'NCHW');
}

// The index convention of indices produced (maxPool) or consumed (unpool, backward). For consumed
// indices the storage type comes from the array itself.
export function parseIndexOptions(fn, options) {
  const storageOrder = options.storageOrder ?? 0;
  if (storageOrder !== 0 && storageOrder !== 1) {
    throw new ArgpoolTypeError(`${fn}: options.storageOrder must be 0 (row-major) or 1 (column-major), got ${describe(storageOrder)}`);
  }
  return {
    mode: INDEX_MODE[enumOption(fn, options, 'indexMode', INDEX_MODE, 'plane')],
    type: INDEX_TYPES[enumOption(fn, options, 'indexType', INDEX_TYPES, 'int32')],
    columnMajor: storageOrder === 1,
    includeBatch: booleanOption(fn, options, 'includeBatchInIndex', false),
  };
}

// Padding: PyTorch's symmetric `padding`, ONNX's explicit `pads` [begin..., end...], or `autoPad`.
function parsePadding(fn, options, rank, allowAuto) {
  const zeros = new Array(rank).fill(0);
  const given = (name) => options[name] !== undefined && options[name] !== null;
  if (given('padding') && given('pads')) {
    throw new ArgpoolTypeError(`${fn}: give options.padding (symmetric, PyTorch) or options.pads (ONNX order), not both`);
  }
  const auto = AUTO_PAD[enumOption(fn, options, 'autoPad', AUTO_PAD, 'NOTSET')];
  if (auto !== null) {
    if (!allowAuto && auto !== PAD_MODE.VALID) {
      throw new ArgpoolTypeError(`${fn}: options.autoPad '${options.autoPad}' cannot size an unpooling; pass options.pads or options.outputSize`);
    }
    if (given('padding') || given('pads')) {
      throw new ArgpoolTypeError(`${fn}: options.autoPad cannot be combined with options.padding or options.pads`);
    }
    return { padMode: auto, padBegin: zeros, padEnd: zeros };
  }
  if (given('pads')) {
    const pads = integerList(fn, 'options.pads', options.pads, 2 * rank, `ONNX order: ${rank} begin pads, then ${rank} end pads`);
    return { padMode: PAD_MODE.explicit, padBegin: pads.slice(0, rank), padEnd: pads.slice(rank) };
  }
  const padding = spatialParam(fn, 'padding', options.padding, rank, zeros);
  return { padMode: PAD_MODE.pytorch, padBegin: padding, padEnd: padding };
}

// ---- cached parses -------------------------------------------------------------------------------
// Parsing an options object costs more than pooling a small tensor, and callers often pass the same
// object again and again. So an object parsed a second time (while it is among the last RECENT
// objects parsed) gets its parse cached (WeakMap by the object) with a snapshot of what parsing
// reads: the keys that for-in lists, the value of every option name and the elements of array
// values. A cached parse is used only while the object still reads the same: a changed value or
// array element, or an added or deleted key, sends the call through the full parse (which reports
// errors as always) and replaces the entry. Only objects that cannot answer differently without
// such a visible change are cached: plain objects (prototype Object.prototype or null) of data
// properties whose values are primitives or plain arrays of primitives (a Proxy counts as the
// object it presents). Objects used once (a fresh literal per call) are never snapshotted: that
// would cost more than it saves.

const RECENT = 8;
// entries: options → { key (spatial rank, or the values shape for unpooling), snapshot, params };
// recent: the last RECENT objects parsed without an entry (strong references, overwritten in turn).
const newCache = () => ({ entries: new WeakMap(), recent: new Array(RECENT).fill(null), next: 0 });
const poolCache = newCache();
const unpoolCache = newCache();

const isObject = (value) => (typeof value === 'object' && value !== null) || typeof value === 'function';

// An array of its elements only (no holes, no extra properties), each a data property holding a primitive.
function isPlainArray(array) {
  if (Object.getPrototypeOf(array) !== Array.prototype || Reflect.ownKeys(array).length !== array.length + 1) return false;
  for (let i = 0; i < array.length; ++i) {
    const d = Object.getOwnPropertyDescriptor(array, i);
    if (d === undefined || !('value' in d) || isObject(d.value)) return false;
  }
  return true;
}

// What parsing reads from `options`, or null if the object is not one the cache may keep.
function snapshot(options) {
  const proto = Object.getPrototypeOf(options);
  if (proto !== Object.prototype && proto !== null) return null;
  for (const key of Reflect.ownKeys(options)) {
    const d = Object.getOwnPropertyDescriptor(options, key);
    if (d === undefined || !('value' in d) || (isObject(d.value) && !(Array.isArray(d.value) && isPlainArray(d.value)))) return null;
  }
  const keys = [];
  for (const key in options) keys.push(key);
  const s = {
    keys,
    kernelSize: options.kernelSize, stride: options.stride, padding: options.padding, pads: options.pads,
    autoPad: options.autoPad, dilation: options.dilation, ceilMode: options.ceilMode, returnIndices: options.returnIndices,
    layout: options.layout, indexMode: options.indexMode, indexType: options.indexType, storageOrder: options.storageOrder,
    includeBatchInIndex: options.includeBatchInIndex, outputSize: options.outputSize,
    arrays: [], // the array values, and a copy of each one's elements
    elements: [],
  };
  for (const value of [s.kernelSize, s.stride, s.padding, s.pads, s.dilation, s.outputSize]) {
    if (Array.isArray(value)) {
      s.arrays.push(value);
      s.elements.push(value.slice());
    }
  }
  return s;
}

// Whether `options` still reads as its snapshot (explicit reads: this runs on every cached call).
function unchanged(options, s) {
  let i = 0;
  for (const key in options) if (key !== s.keys[i++]) return false;
  if (i !== s.keys.length) return false;
  if (options.kernelSize !== s.kernelSize || options.stride !== s.stride || options.padding !== s.padding ||
    options.pads !== s.pads || options.autoPad !== s.autoPad || options.dilation !== s.dilation ||
    options.ceilMode !== s.ceilMode || options.returnIndices !== s.returnIndices || options.layout !== s.layout ||
    options.indexMode !== s.indexMode || options.indexType !== s.indexType || options.storageOrder !== s.storageOrder ||
    options.includeBatchInIndex !== s.includeBatchInIndex || options.outputSize !== s.outputSize) return false;
  for (let a = 0; a < s.arrays.length; ++a) if (!sameShape(s.arrays[a], s.elements[a])) return false;
  return true;
}

// The cached entry of `options` if it still reads as when it was parsed, else undefined. Reading
// can only throw for an object made odd since (say a revoked Proxy): the full parse then reports it.
function lookup(cache, options) {
  const entry = cache.entries.get(options);
  try {
    return entry !== undefined && unchanged(options, entry.snapshot) ? entry : undefined;
  } catch {
    return undefined;
  }
}

// After a successful full parse: (re)place the object's entry if it had one or was parsed recently.
function remember(cache, options, key, params) {
  if (cache.entries.has(options) || cache.recent.includes(options)) {
    let s = null;
    try {
      s = snapshot(options);
    } catch {
      // a Proxy trap that throws: not cacheable, and the call itself succeeded
    }
    if (s !== null) cache.entries.set(options, { key, snapshot: s, params });
    else cache.entries.delete(options);
  } else {
    cache.recent[cache.next] = options;
    cache.next = (cache.next + 1) % RECENT;
  }
}

// Pooling parameters for inputs of spatial rank `rank`. The result is shared: never modify it.
export function parsePoolOptions(fn, options, rank) {
  const entry = lookup(poolCache, options);
  if (entry !== undefined && entry.key === rank) return entry.params;
  const params = readPoolOptions(fn, options, rank);
  remember(poolCache, options, rank, params);
  return params;
}

// Unpooling parameters for `valuesShape` (a full outputSize is checked against its N and C). The
// result is shared: never modify it.
export function parseUnpoolOptions(fn, options, valuesShape) {
  const entry = lookup(unpoolCache, options);
  if (entry !== undefined && sameShape(entry.key, valuesShape)) return entry.params;
  const params = readUnpoolOptions(fn, options, valuesShape);
  remember(unpoolCache, options, valuesShape.slice(), params);
  return params;
}

// ---- full parses -------------------------------------------------------------------------------

function readPoolOptions(fn, options, rank) {
  checkOptions(fn, options, POOL_OPTIONS);
  const kernelSize = spatialParam(fn, 'kernelSize', options.kernelSize, rank);
  return {
    kernelSize,
    stride: spatialParam(fn, 'stride', options.stride, rank, kernelSize),
    ...parsePadding(fn, options, rank, true),
    dilation: spatialParam(fn, 'dilation', options.dilation, rank, new Array(rank).fill(1)),
    ceilMode: booleanOption(fn, options, 'ceilMode', false),
    returnIndices: booleanOption(fn, options, 'returnIndices', true),
    layout: parseLayout(fn, options),
    index: parseIndexOptions(fn, options),
  };
}

// Options that only describe the tensors (layout, index convention), e.g. a backward call
// without the pooling parameters.
export function parseTensorOptions(fn, options) {
  if (options === undefined || options === null) return { layout: 'NCHW', index: parseIndexOptions(fn, {}) };
  checkOptions(fn, options, POOL_OPTIONS);
  return { layout: parseLayout(fn, options), index: parseIndexOptions(fn, options) };
}

function readUnpoolOptions(fn, options, valuesShape) {
  const rank = valuesShape.length - 2;
  checkOptions(fn, options, UNPOOL_OPTIONS);
  const kernelSize = spatialParam(fn, 'kernelSize', options.kernelSize, rank);
  const dilation = spatialParam(fn, 'dilation', options.dilation, rank, new Array(rank).fill(1));
  if (dilation.some((d) => d !== 1)) {
    throw new ArgpoolRangeError(
      `${fn}: options.dilation must be 1: unpooling has no dilation (as PyTorch's MaxUnpool); pass options.outputSize instead`);
  }
  const layout = parseLayout(fn, options);
  let outputSize = null;
  if (options.outputSize !== undefined && options.outputSize !== null) {
    const size = options.outputSize;
    if (!Array.isArray(size) || (size.length !== rank && size.length !== rank + 2)) {
      throw new ArgpoolTypeError(
        `${fn}: options.outputSize must be an array of ${rank} spatial sizes or the full shape of ${rank + 2}, got ${describe(size)}`);
    }
    integerList(fn, 'options.outputSize', size, size.length, `${rank} spatial sizes or the full shape`);
    const nhwc = layout === 'NHWC';
    const channels = (shape) => (nhwc ? shape[shape.length - 1] : shape[1]);
    if (size.length === rank + 2 && (size[0] !== valuesShape[0] || channels(size) !== channels(valuesShape))) {
      throw new ArgpoolRangeError(
        `${fn}: options.outputSize ${shapeString(size)} must have the N and C of values.shape ${shapeString(valuesShape)}`);
    }
    outputSize = size.length === rank ? size.slice() : nhwc ? size.slice(1, rank + 1) : size.slice(2);
  }
  const { padMode, padBegin, padEnd } = parsePadding(fn, options, rank, false);
  return {
    kernelSize,
    stride: spatialParam(fn, 'stride', options.stride, rank, kernelSize),
    padMode,
    padBegin,
    padEnd,
    outputSize,
    layout,
    index: parseIndexOptions(fn, options),
  };
}
