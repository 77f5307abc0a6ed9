// The thin JS face of argpool: checks that need JavaScript (types, typed-array kinds, lengths),
// staging of arguments into wasm memory, and copies in and out. Every rule about values and shapes
// lives in C++ (src/argpool/shape.cpp); its error messages come back through `last_error()`.
import { ArgpoolError, ArgpoolRangeError, ArgpoolTypeError, errorFromStatus } from './errors.js';
import { KERNEL, SLOT } from './abi.js';

const DTYPES = Object.freeze([
  Object.freeze({ name: 'float32', tag: 'Float32Array', ArrayType: Float32Array, code: 0 }),
  Object.freeze({ name: 'float64', tag: 'Float64Array', ArrayType: Float64Array, code: 1 }),
]);
const VALUE_TYPES = DTYPES.map((d) => d.tag).join(' or ');
const MAX_ALLOCATION = 2 ** 31 - 1; // the module's memory is capped at 2 GiB (CMakeLists.txt)

const POOL_OPTIONS = ['kernelSize', 'stride', 'padding', 'dilation', 'ceilMode'];
const UNPOOL_OPTIONS = ['kernelSize', 'stride', 'padding', 'outputSize', 'dilation', 'ceilMode'];

function typeTag(value) {
  return Object.prototype.toString.call(value).slice(8, -1);
}

function describe(value) {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (ArrayBuffer.isView(value)) return `${/^[AEIOU]/.test(typeTag(value)) ? 'an' : 'a'} ${typeTag(value)}`;
  if (typeof value === 'number') return `${value}`;
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value)}`;
  return `a value of type ${typeof value}`;
}

function shapeString(shape) {
  return `[${Array.from(shape).join(', ')}]`;
}

function product(shape) {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

// Dims must be non-negative safe integers; the C++ layer checks what each dim may be.
function checkShape(fn, name, shape, rank) {
  if (!Array.isArray(shape)) {
    throw new ArgpoolTypeError(`${fn}: ${name} must be an array of integers, got ${describe(shape)}`);
  }
  const expected = rank === undefined ? '3, 4 or 5 dimensions [N, C, ...spatial]'
    : `${rank + 2} dimensions [N, C, ${['L', 'H, W', 'D, H, W'][rank - 1]}]`;
  if (rank === undefined ? shape.length < 3 || shape.length > 5 : shape.length !== rank + 2) {
    throw new ArgpoolRangeError(`${fn}: ${name} must have ${expected}, got ${shape.length}: ${shapeString(shape)}`);
  }
  shape.forEach((d, i) => {
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) {
      throw new (typeof d === 'number' ? ArgpoolRangeError : ArgpoolTypeError)(
        `${fn}: ${name}[${i}] must be a non-negative integer, got ${describe(d)}`);
    }
  });
  return shape.slice();
}

// A tensor argument: { data: <typed array>, shape: number[] } with data.length == prod(shape).
function checkTensor(fn, name, tensor, rank, kind) {
  if (tensor === null || typeof tensor !== 'object') {
    throw new ArgpoolTypeError(`${fn}: ${name} must be an object { data, shape }, got ${describe(tensor)}`);
  }
  const { data } = tensor;
  let dtype = null;
  if (kind === 'indices') {
    if (typeTag(data) !== 'Int32Array') {
      throw new ArgpoolTypeError(`${fn}: ${name}.data must be an Int32Array, got ${describe(data)}`);
    }
  } else {
    dtype = ArrayBuffer.isView(data) ? DTYPES.find((d) => d.tag === typeTag(data)) : undefined;
    if (!dtype) {
      throw new ArgpoolTypeError(`${fn}: ${name}.data must be a ${VALUE_TYPES}, got ${describe(data)}`);
    }
  }
  const shape = checkShape(fn, `${name}.shape`, tensor.shape, rank);
  const count = product(shape);
  if (data.length !== count) {
    throw new ArgpoolRangeError(
      `${fn}: ${name}.data has ${data.length} elements but ${name}.shape ${shapeString(shape)} needs ${count}`);
  }
  return { data, shape, dtype };
}

function checkOptions(fn, options, allowed) {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new ArgpoolTypeError(`${fn}: options must be an object such as { kernelSize: 2 }, got ${describe(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) {
      throw new ArgpoolTypeError(`${fn}: unknown option '${key}'; known options: ${allowed.join(', ')}`);
    }
  }
}

// A per-dimension parameter: an integer for every dimension or an array with one per dimension.
function spatialParam(fn, name, value, rank, fallback) {
  if (value === undefined || (value === null && fallback !== undefined)) {
    if (fallback === undefined) throw new ArgpoolTypeError(`${fn}: options.${name} is required`);
    return fallback;
  }
  const list = typeof value === 'number' ? new Array(rank).fill(value) : value;
  if (!Array.isArray(list)) {
    throw new ArgpoolTypeError(
      `${fn}: options.${name} must be an integer or an array of ${rank} integers, got ${describe(value)}`);
  }
  if (list.length !== rank) {
    throw new ArgpoolRangeError(
      `${fn}: options.${name} must have ${rank} entries (one per spatial dimension), got ${list.length}`);
  }
  list.forEach((v, i) => {
    if (typeof v !== 'number' || !Number.isSafeInteger(v)) {
      const label = typeof value === 'number' ? `options.${name}` : `options.${name}[${i}]`;
      throw new (typeof v === 'number' ? ArgpoolRangeError : ArgpoolTypeError)(
        `${fn}: ${label} must be an integer, got ${describe(v)}`);
    }
  });
  return list.slice();
}

function parsePoolOptions(fn, options, rank) {
  checkOptions(fn, options, POOL_OPTIONS);
  const kernelSize = spatialParam(fn, 'kernelSize', options.kernelSize, rank);
  const ceilMode = options.ceilMode ?? false;
  if (typeof ceilMode !== 'boolean') {
    throw new ArgpoolTypeError(`${fn}: options.ceilMode must be a boolean, got ${describe(ceilMode)}`);
  }
  return {
    kernelSize,
    stride: spatialParam(fn, 'stride', options.stride, rank, kernelSize),
    padding: spatialParam(fn, 'padding', options.padding, rank, new Array(rank).fill(0)),
    dilation: spatialParam(fn, 'dilation', options.dilation, rank, new Array(rank).fill(1)),
    ceilMode,
  };
}

function parseUnpoolOptions(fn, options, valuesShape) {
  const rank = valuesShape.length - 2;
  checkOptions(fn, options, UNPOOL_OPTIONS);
  const kernelSize = spatialParam(fn, 'kernelSize', options.kernelSize, rank);
  const dilation = spatialParam(fn, 'dilation', options.dilation, rank, new Array(rank).fill(1));
  if (dilation.some((d) => d !== 1)) {
    throw new ArgpoolRangeError(
      `${fn}: options.dilation must be 1: unpooling has no dilation (as PyTorch's MaxUnpool); pass options.outputSize instead`);
  }
  let outputSize = null;
  if (options.outputSize !== undefined && options.outputSize !== null) {
    const size = options.outputSize;
    if (!Array.isArray(size) || (size.length !== rank && size.length !== rank + 2)) {
      throw new ArgpoolTypeError(
        `${fn}: options.outputSize must be an array of ${rank} spatial sizes or the full shape of ${rank + 2}, got ${describe(size)}`);
    }
    size.forEach((v, i) => {
      if (typeof v !== 'number' || !Number.isSafeInteger(v)) {
        throw new ArgpoolTypeError(`${fn}: options.outputSize[${i}] must be an integer, got ${describe(v)}`);
      }
    });
    if (size.length === rank + 2 && (size[0] !== valuesShape[0] || size[1] !== valuesShape[1])) {
      throw new ArgpoolRangeError(
        `${fn}: options.outputSize ${shapeString(size)} must have the N and C of values.shape ${shapeString(valuesShape)}`);
    }
    outputSize = size.slice(size.length - rank);
  }
  return {
    kernelSize,
    stride: spatialParam(fn, 'stride', options.stride, rank, kernelSize),
    padding: spatialParam(fn, 'padding', options.padding, rank, new Array(rank).fill(0)),
    outputSize,
  };
}

// Builds the API object over one instantiated Emscripten module.
export function createArgpool(Module) {
  const argsAddress = Module.args_address();
  let argsView = null;

  function args() {
    // Memory growth replaces the buffer; re-derive the view whenever that happened.
    if (argsView === null || argsView.buffer !== Module.HEAPU8.buffer) {
      argsView = new Float64Array(Module.HEAPU8.buffer, argsAddress, SLOT.COUNT);
    }
    return argsView;
  }

  function writeShape(slot, shape) {
    const a = args();
    a[slot] = shape.length;
    for (let i = 0; i < shape.length; ++i) a[slot + 1 + i] = shape[i];
  }

  function readShape(slot) {
    const a = args();
    return Array.from(a.subarray(slot + 1, slot + 1 + a[slot]));
  }

  function writeSpatial(slot, values) {
    const a = args();
    for (let i = 0; i < values.length; ++i) a[slot + i] = values[i];
  }

  function writePoolParams(p) {
    writeSpatial(SLOT.KERNEL, p.kernelSize);
    writeSpatial(SLOT.STRIDE, p.stride);
    writeSpatial(SLOT.PADDING, p.padding);
    writeSpatial(SLOT.DILATION, p.dilation);
    args()[SLOT.CEIL_MODE] = p.ceilMode ? 1 : 0;
  }

  function check(fn, status) {
    if (status !== 0) throw errorFromStatus(status, `${fn}: ${Module.last_error()}`);
  }

  // Allocates one wasm buffer per byte size, runs `body(pointers)`, frees them all.
  function withBuffers(fn, byteSizes, body) {
    const pointers = [];
    try {
      for (const bytes of byteSizes) {
        const pointer = bytes <= MAX_ALLOCATION ? Module._malloc(Math.max(bytes, 8)) : 0;
        if (!pointer) {
          throw new ArgpoolError(
            `${fn}: cannot allocate ${bytes} bytes of wasm memory (the module is limited to 2 GiB)`,
            'ARGPOOL_OUT_OF_MEMORY');
        }
        pointers.push(pointer);
      }
      return body(pointers);
    } finally {
      for (const pointer of pointers) Module._free(pointer);
    }
  }

  // Views are taken after every allocation (growth detaches old ones) and never escape.
  function copyIn(ArrayType, pointer, data) {
    new ArrayType(Module.HEAPU8.buffer, pointer, data.length).set(data);
  }

  function copyOut(ArrayType, pointer, length) {
    return new ArrayType(Module.HEAPU8.buffer, pointer, length).slice();
  }

  function maxPoolImpl(fn, input, options, rank, kernel = KERNEL.auto) {
    const x = checkTensor(fn, 'input', input, rank, 'values');
    const params = parsePoolOptions(fn, options, x.shape.length - 2);
    const { ArrayType, code } = x.dtype;
    writeShape(SLOT.SHAPE_A, x.shape);
    writePoolParams(params);
    check(fn, Module.pool_output_shape(code));
    const shape = readShape(SLOT.SHAPE_OUT);
    const count = product(shape);
    const size = ArrayType.BYTES_PER_ELEMENT;
    return withBuffers(fn, [x.data.length * size, count * size, count * 4], ([inPtr, valuesPtr, indicesPtr]) => {
      copyIn(ArrayType, inPtr, x.data);
      check(fn, Module.max_pool(code, kernel, inPtr, valuesPtr, indicesPtr));
      return {
        values: { data: copyOut(ArrayType, valuesPtr, count), shape: shape.slice() },
        indices: { data: copyOut(Int32Array, indicesPtr, count), shape: shape.slice() },
      };
    });
  }

  function maxUnpoolImpl(fn, values, indices, options, rank) {
    const v = checkTensor(fn, 'values', values, rank, 'values');
    const idx = checkTensor(fn, 'indices', indices, rank, 'indices');
    const params = parseUnpoolOptions(fn, options, v.shape);
    const { ArrayType, code } = v.dtype;
    // The argument block lives in wasm memory, so it survives the allocations below.
    writeShape(SLOT.SHAPE_A, v.shape);
    writeShape(SLOT.SHAPE_B, idx.shape);
    writeSpatial(SLOT.KERNEL, params.kernelSize);
    writeSpatial(SLOT.STRIDE, params.stride);
    writeSpatial(SLOT.PADDING, params.padding);
    args()[SLOT.HAS_OUTPUT_SIZE] = params.outputSize ? 1 : 0;
    if (params.outputSize) writeSpatial(SLOT.OUTPUT_SIZE, params.outputSize);
    check(fn, Module.unpool_output_shape(code));
    const shape = readShape(SLOT.SHAPE_OUT);
    const count = product(shape);
    const size = ArrayType.BYTES_PER_ELEMENT;
    return withBuffers(fn, [v.data.length * size, idx.data.length * 4, count * size], ([vPtr, iPtr, outPtr]) => {
      copyIn(ArrayType, vPtr, v.data);
      copyIn(Int32Array, iPtr, idx.data);
      check(fn, Module.max_unpool(code, vPtr, iPtr, outPtr));
      return { data: copyOut(ArrayType, outPtr, count), shape };
    });
  }

  function maxPoolBackwardImpl(fn, gradOutput, indices, inputShape, options, rank) {
    const g = checkTensor(fn, 'gradOutput', gradOutput, rank, 'values');
    const idx = checkTensor(fn, 'indices', indices, rank, 'indices');
    const shape = checkShape(fn, 'inputShape', inputShape, rank);
    const params = options === undefined ? null : parsePoolOptions(fn, options, shape.length - 2);
    const { ArrayType, code } = g.dtype;
    const count = product(shape);
    const size = ArrayType.BYTES_PER_ELEMENT;
    return withBuffers(fn, [g.data.length * size, idx.data.length * 4, count * size], ([gPtr, iPtr, outPtr]) => {
      copyIn(ArrayType, gPtr, g.data);
      copyIn(Int32Array, iPtr, idx.data);
      writeShape(SLOT.SHAPE_A, g.shape);
      writeShape(SLOT.SHAPE_B, idx.shape);
      writeShape(SLOT.SHAPE_C, shape);
      args()[SLOT.HAS_POOL_PARAMS] = params ? 1 : 0;
      if (params) writePoolParams(params);
      check(fn, Module.max_pool_backward(code, gPtr, iPtr, outPtr));
      return { data: copyOut(ArrayType, outPtr, count), shape };
    });
  }

  function outputShape(inputShape, options) {
    const fn = 'outputShape';
    const shape = checkShape(fn, 'inputShape', inputShape);
    writeShape(SLOT.SHAPE_A, shape);
    writePoolParams(parsePoolOptions(fn, options, shape.length - 2));
    check(fn, Module.pool_output_shape(DTYPES[0].code));
    return readShape(SLOT.SHAPE_OUT);
  }

  const api = {
    maxPool: (input, options) => maxPoolImpl('maxPool', input, options),
    maxPool1d: (input, options) => maxPoolImpl('maxPool1d', input, options, 1),
    maxPool2d: (input, options) => maxPoolImpl('maxPool2d', input, options, 2),
    maxPool3d: (input, options) => maxPoolImpl('maxPool3d', input, options, 3),
    maxUnpool: (values, indices, options) => maxUnpoolImpl('maxUnpool', values, indices, options),
    maxUnpool1d: (values, indices, options) => maxUnpoolImpl('maxUnpool1d', values, indices, options, 1),
    maxUnpool2d: (values, indices, options) => maxUnpoolImpl('maxUnpool2d', values, indices, options, 2),
    maxUnpool3d: (values, indices, options) => maxUnpoolImpl('maxUnpool3d', values, indices, options, 3),
    maxPoolBackward: (g, i, s, o) => maxPoolBackwardImpl('maxPoolBackward', g, i, s, o),
    maxPoolBackward1d: (g, i, s, o) => maxPoolBackwardImpl('maxPoolBackward1d', g, i, s, o, 1),
    maxPoolBackward2d: (g, i, s, o) => maxPoolBackwardImpl('maxPoolBackward2d', g, i, s, o, 2),
    maxPoolBackward3d: (g, i, s, o) => maxPoolBackwardImpl('maxPoolBackward3d', g, i, s, o, 3),
    outputShape,
    dtypes: DTYPES.map((d) => d.name),
  };
  // Not public API: lets the test suites run one chosen kernel (see tests/simd.test.mjs).
  Object.defineProperty(api, '_internal', {
    enumerable: false,
    value: Object.freeze({
      kernels: Object.keys(KERNEL),
      maxPool(input, options, kernelName) {
        if (!(kernelName in KERNEL)) throw new ArgpoolTypeError(`unknown kernel ${kernelName}`);
        return maxPoolImpl('maxPool', input, options, undefined, KERNEL[kernelName]);
      },
      heapBytes: () => Module.HEAPU8.buffer.byteLength,
    }),
  });
  return Object.freeze(api);
}
