// The second hop: snapshots (snapshot.js) → parameters, by pure functions of plain values. What
// needs JavaScript is checked here (types of values, shapes as arrays, enum names); every rule about
// sizes, padding and shapes lives in C++ (src/argpool/shape.cpp), which sees these parameters when a
// plan is made. Enum values stay names here; the staging layer maps them to the module's codes.
import { ArgpoolRangeError, ArgpoolTypeError } from './errors.js';
import { ArrayIsArray, ArrayPrototypeJoin, NumberIsSafeInteger, ObjectFreeze, ObjectHasOwn, SafeMap } from './primordials.js';
import { TYPED_ARRAY_OF_DTYPE } from './dtypes.js';
import { describe } from './snapshot.js';

const dtype = (name, tag, ArrayType, float = false) => ObjectFreeze({ name, tag, ArrayType, float });

// Value dtypes (every dtype but int64; the module's codes are looked up by name).
export const DTYPES = ObjectFreeze(Object.entries(TYPED_ARRAY_OF_DTYPE)
  .filter(([name]) => name !== 'int64')
  .map(([name, ArrayType]) => dtype(name, ArrayType.name, ArrayType, ArrayType === Float32Array || ArrayType === Float64Array)));
// Image data (canvas ImageData) is a Uint8ClampedArray: pooled as uint8, returned as clamped.
const CLAMPED = ObjectFreeze({ ...DTYPES[3], tag: 'Uint8ClampedArray', ArrayType: Uint8ClampedArray });
export const DTYPE_BY_TAG = new SafeMap([...DTYPES.map((d) => [d.tag, d]), [CLAMPED.tag, CLAMPED]]);
export const DTYPE_BY_NAME = ObjectFreeze({ __proto__: null, ...Object.fromEntries(DTYPES.map((d) => [d.name, d])) });

export const INDEX_TYPES = ObjectFreeze({
  __proto__: null,
  int32: ObjectFreeze({ name: 'int32', tag: 'Int32Array', ArrayType: Int32Array, int64: false }),
  int64: ObjectFreeze({ name: 'int64', tag: 'BigInt64Array', ArrayType: BigInt64Array, int64: true }),
});
export const INDEX_TYPE_BY_TAG = new SafeMap([['Int32Array', INDEX_TYPES.int32], ['BigInt64Array', INDEX_TYPES.int64]]);

export const KIND_TYPES = ObjectFreeze({
  values: `${DTYPES.map((d) => d.tag).join(', ')} or ${CLAMPED.tag}`,
  float: 'Float32Array or Float64Array',
  indices: 'Int32Array or BigInt64Array',
});

export const POOL_OPTIONS = ObjectFreeze(['kernelSize', 'stride', 'padding', 'pads', 'autoPad', 'dilation', 'ceilMode',
  'returnIndices', 'layout', 'indexMode', 'indexType', 'storageOrder', 'includeBatchInIndex']);
export const UNPOOL_OPTIONS = ObjectFreeze([...POOL_OPTIONS, 'outputSize']);
const LAYOUTS = ObjectFreeze({ __proto__: null, NCHW: true, NHWC: true });
const INDEX_MODES = ObjectFreeze({ __proto__: null, plane: true, global: true, tf: true });
const AUTO_PAD = ObjectFreeze({ __proto__: null, NOTSET: null, SAME_UPPER: 'SAME_UPPER', SAME_LOWER: 'SAME_LOWER',
  VALID: 'VALID', same: 'SAME_UPPER', valid: 'VALID' });

export function shapeString(shape) {
  return `[${ArrayIsArray(shape) ? ArrayPrototypeJoin(shape, ', ') : '?'}]`;
}

export function product(shape) {
  let n = 1;
  for (let i = 0; i < shape.length; ++i) n *= shape[i];
  return n;
}

export function sameShape(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; ++i) if (a[i] !== b[i]) return false;
  return true;
}

const filled = (length, value) => {
  const array = new Array(length);
  for (let i = 0; i < length; ++i) array[i] = value;
  return array;
};

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

function integerError(fn, label, value, what) {
  return new (typeof value === 'number' ? ArgpoolRangeError : ArgpoolTypeError)(
    `${fn}: ${label} must be ${what}, got ${describe(value)}`);
}

// A shape (already a plain copy: snapshotList) of non-negative safe integers with the rank wanted;
// C++ checks what each dim may be.
export function checkShape(fn, name, shape, rank, layout = 'NCHW') {
  if (!ArrayIsArray(shape)) {
    throw new ArgpoolTypeError(`${fn}: ${name} must be an array of integers, got ${describe(shape)}`);
  }
  if (!hasRank(shape, rank)) throw rankError(fn, name, shape, rank, layout);
  for (let i = 0; i < shape.length; ++i) {
    const d = shape[i];
    if (typeof d !== 'number' || !NumberIsSafeInteger(d) || d < 0) {
      throw integerError(fn, `${name}[${i}]`, d, 'a non-negative integer');
    }
  }
  return shape;
}

function integerList(fn, label, list, length, lengthText) {
  if (!ArrayIsArray(list)) throw new ArgpoolTypeError(`${fn}: ${label} must be ${lengthText}, got ${describe(list)}`);
  if (list.length !== length) {
    throw new ArgpoolRangeError(`${fn}: ${label} must have ${length} entries (${lengthText}), got ${list.length}`);
  }
  for (let i = 0; i < list.length; ++i) {
    const v = list[i];
    if (typeof v !== 'number' || !NumberIsSafeInteger(v)) throw integerError(fn, `${label}[${i}]`, v, 'an integer');
  }
  return list;
}

// A per-dimension parameter: an integer for every dimension or an array with one per dimension.
export function spatialParam(fn, name, value, rank, fallback) {
  if (value === undefined || (value === null && fallback !== undefined)) {
    if (fallback === undefined) throw new ArgpoolTypeError(`${fn}: options.${name} is required`);
    return fallback;
  }
  if (typeof value === 'number') {
    if (!NumberIsSafeInteger(value)) throw integerError(fn, `options.${name}`, value, 'an integer');
    return filled(rank, value);
  }
  if (!ArrayIsArray(value)) {
    throw new ArgpoolTypeError(`${fn}: options.${name} must be an integer or an array of ${rank} integers, got ${describe(value)}`);
  }
  return integerList(fn, `options.${name}`, value, rank, 'one per spatial dimension');
}

function booleanOption(fn, options, name, fallback) {
  const value = options[name] ?? fallback;
  if (typeof value !== 'boolean') throw new ArgpoolTypeError(`${fn}: options.${name} must be a boolean, got ${describe(value)}`);
  return value;
}

function enumOption(fn, options, name, choices, fallback) {
  const value = options[name] ?? fallback;
  if (typeof value !== 'string' || !ObjectHasOwn(choices, value)) {
    throw new ArgpoolTypeError(`${fn}: options.${name} must be one of ${Object.keys(choices).map((c) => `'${c}'`).join(', ')}, got ${describe(value)}`);
  }
  return value;
}

export function parseLayout(fn, options) {
  return enumOption(fn, options, 'layout', LAYOUTS, 'NCHW');
}

// The index convention of indices produced (maxPool) or consumed (unpool, backward). For consumed
// indices the storage type comes from the array itself.
export function parseIndexOptions(fn, options) {
  const storageOrder = options.storageOrder ?? 0;
  if (storageOrder !== 0 && storageOrder !== 1) {
    throw new ArgpoolTypeError(`${fn}: options.storageOrder must be 0 (row-major) or 1 (column-major), got ${describe(storageOrder)}`);
  }
  return ObjectFreeze({
    mode: enumOption(fn, options, 'indexMode', INDEX_MODES, 'plane'),
    type: INDEX_TYPES[enumOption(fn, options, 'indexType', INDEX_TYPES, 'int32')],
    columnMajor: storageOrder === 1,
    includeBatch: booleanOption(fn, options, 'includeBatchInIndex', false),
  });
}

// Padding: PyTorch's symmetric `padding`, ONNX's explicit `pads` [begin..., end...], or `autoPad`.
function parsePadding(fn, options, rank, allowAuto) {
  const zeros = filled(rank, 0);
  const given = (name) => options[name] !== undefined && options[name] !== null;
  if (given('padding') && given('pads')) {
    throw new ArgpoolTypeError(`${fn}: give options.padding (symmetric, PyTorch) or options.pads (ONNX order), not both`);
  }
  const auto = AUTO_PAD[enumOption(fn, options, 'autoPad', AUTO_PAD, 'NOTSET')];
  if (auto !== null) {
    if (!allowAuto && auto !== 'VALID') {
      throw new ArgpoolTypeError(`${fn}: options.autoPad '${options.autoPad}' cannot size an unpooling; pass options.pads or options.outputSize`);
    }
    if (given('padding') || given('pads')) {
      throw new ArgpoolTypeError(`${fn}: options.autoPad cannot be combined with options.padding or options.pads`);
    }
    return { padMode: auto, padBegin: zeros, padEnd: zeros };
  }
  if (given('pads')) {
    const pads = integerList(fn, 'options.pads', options.pads, 2 * rank, `ONNX order: ${rank} begin pads, then ${rank} end pads`);
    const begin = new Array(rank), end = new Array(rank);
    for (let i = 0; i < rank; ++i) {
      begin[i] = pads[i];
      end[i] = pads[rank + i];
    }
    return { padMode: 'explicit', padBegin: begin, padEnd: end };
  }
  const padding = spatialParam(fn, 'padding', options.padding, rank, zeros);
  return { padMode: 'pytorch', padBegin: padding, padEnd: padding };
}

// Pooling parameters for inputs of spatial rank `rank`, from an options snapshot.
export function parsePoolOptions(fn, options, rank) {
  const kernelSize = spatialParam(fn, 'kernelSize', options.kernelSize, rank);
  return ObjectFreeze({
    rank,
    kernelSize,
    stride: spatialParam(fn, 'stride', options.stride, rank, kernelSize),
    ...parsePadding(fn, options, rank, true),
    dilation: spatialParam(fn, 'dilation', options.dilation, rank, filled(rank, 1)),
    ceilMode: booleanOption(fn, options, 'ceilMode', false),
    returnIndices: booleanOption(fn, options, 'returnIndices', true),
    layout: parseLayout(fn, options),
    index: parseIndexOptions(fn, options),
  });
}

// Options that only describe the tensors (layout, index convention), e.g. a backward call
// without the pooling parameters.
export function parseTensorOptions(fn, options) {
  return ObjectFreeze({ layout: parseLayout(fn, options), index: parseIndexOptions(fn, options) });
}

// Unpooling parameters for `valuesShape` (a full outputSize is checked against its N and C).
export function parseUnpoolOptions(fn, options, valuesShape) {
  const rank = valuesShape.length - 2;
  const kernelSize = spatialParam(fn, 'kernelSize', options.kernelSize, rank);
  const dilation = spatialParam(fn, 'dilation', options.dilation, rank, filled(rank, 1));
  for (let i = 0; i < rank; ++i) {
    if (dilation[i] !== 1) {
      throw new ArgpoolRangeError(
        `${fn}: options.dilation must be 1: unpooling has no dilation (as PyTorch's MaxUnpool); pass options.outputSize instead`);
    }
  }
  const layout = parseLayout(fn, options);
  let outputSize = null;
  if (options.outputSize !== undefined && options.outputSize !== null) {
    const size = options.outputSize;
    if (!ArrayIsArray(size) || (size.length !== rank && size.length !== rank + 2)) {
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
    const first = size.length === rank ? 0 : nhwc ? 1 : 2;
    outputSize = new Array(rank);
    for (let i = 0; i < rank; ++i) outputSize[i] = size[first + i];
  }
  const { padMode, padBegin, padEnd } = parsePadding(fn, options, rank, false);
  return ObjectFreeze({
    rank,
    kernelSize,
    stride: spatialParam(fn, 'stride', options.stride, rank, kernelSize),
    padMode,
    padBegin,
    padEnd,
    outputSize,
    layout,
    index: parseIndexOptions(fn, options),
  });
}

// The layout named in an options snapshot, for messages about shapes before options are parsed.
export const layoutOf = (options) => (options.layout === 'NHWC' ? 'NHWC' : 'NCHW');
