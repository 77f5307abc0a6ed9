// The thin JS face of argpool: checks that need JavaScript (types, typed-array kinds, lengths),
// staging of arguments into wasm memory, and copies in and out. Every rule about values and shapes
// lives in C++ (src/argpool/shape.cpp); its error messages come back through `last_error()`.
import { ArgpoolError, ArgpoolRangeError, ArgpoolTypeError, errorFromStatus } from './errors.js';
import { KERNEL, SLOT } from './abi.js';
import { TENSOR_DTYPES, WasmTensor } from './tensor.js';

// Value dtypes with their C++ DType codes (src/argpool/types.h); int32 is for indices only.
const DTYPES = Object.freeze([
  Object.freeze({ name: 'float32', tag: 'Float32Array', ArrayType: Float32Array, code: 0 }),
  Object.freeze({ name: 'float64', tag: 'Float64Array', ArrayType: Float64Array, code: 1 }),
]);
const INDEX_DTYPE = Object.freeze({ name: 'int32', tag: 'Int32Array', ArrayType: Int32Array, code: -1 });
const DTYPE_BY_NAME = Object.freeze(Object.fromEntries([...DTYPES, INDEX_DTYPE].map((d) => [d.name, d])));
const VALUE_TYPES = DTYPES.map((d) => d.tag).join(' or ');
const MAX_ALLOCATION = 2 ** 31 - 1; // the module's memory is capped at 2 GiB (CMakeLists.txt)
const SCRATCH_LIMIT = 1 << 20; // plain-array calls up to this many bytes reuse one scratch block

const POOL_OPTIONS = ['kernelSize', 'stride', 'padding', 'dilation', 'ceilMode', 'returnIndices'];
const UNPOOL_OPTIONS = ['kernelSize', 'stride', 'padding', 'outputSize', 'dilation', 'ceilMode', 'returnIndices'];

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

// A tensor argument: { data: <typed array>, shape: number[] } with data.length == prod(shape).
function checkTensor(fn, name, tensor, rank, kind) {
  if (tensor === null || typeof tensor !== 'object') {
    throw new ArgpoolTypeError(`${fn}: ${name} must be an object { data, shape }, got ${describe(tensor)}`);
  }
  const { data } = tensor;
  let dtype = null;
  if (kind === 'indices') {
    dtype = INDEX_DTYPE;
    if (!(data instanceof Int32Array) && typeTag(data) !== 'Int32Array') {
      throw new ArgpoolTypeError(`${fn}: ${name}.data must be an Int32Array, got ${describe(data)}`);
    }
  } else {
    dtype = data instanceof Float32Array ? DTYPES[0]
      : ArrayBuffer.isView(data) ? DTYPES.find((d) => d.tag === typeTag(data)) : undefined;
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
  for (const key in options) {
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

function booleanOption(fn, options, name, fallback) {
  const value = options[name] ?? fallback;
  if (typeof value !== 'boolean') {
    throw new ArgpoolTypeError(`${fn}: options.${name} must be a boolean, got ${describe(value)}`);
  }
  return value;
}

function parsePoolOptions(fn, options, rank) {
  checkOptions(fn, options, POOL_OPTIONS);
  const kernelSize = spatialParam(fn, 'kernelSize', options.kernelSize, rank);
  return {
    kernelSize,
    stride: spatialParam(fn, 'stride', options.stride, rank, kernelSize),
    padding: spatialParam(fn, 'padding', options.padding, rank, new Array(rank).fill(0)),
    dilation: spatialParam(fn, 'dilation', options.dilation, rank, new Array(rank).fill(1)),
    ceilMode: booleanOption(fn, options, 'ceilMode', false),
    returnIndices: booleanOption(fn, options, 'returnIndices', true),
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

function sameShape(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; ++i) if (a[i] !== b[i]) return false;
  return true;
}

// Builds the API object over one instantiated Emscripten module.
export function createArgpool(Module) {
  const argsAddress = Module.args_address();
  let liveTensors = 0;
  const scratch = { pointer: 0, bytes: 0 };

  // Frees tensors that were garbage-collected without dispose(): a safety net, not the rule.
  const registry = new FinalizationRegistry((pointer) => {
    Module._free(pointer);
    liveTensors -= 1;
  });
  const owner = {
    Module,
    release(tensor, pointer) {
      registry.unregister(tensor);
      Module._free(pointer);
      liveTensors -= 1;
    },
  };

  // Whole-heap views, re-derived only when memory growth replaced the buffer.
  const views = { buffer: null, Float32Array: null, Float64Array: null, Int32Array: null, args: null };

  function heap(ArrayType) {
    const buffer = Module.HEAPU8.buffer;
    if (buffer !== views.buffer) {
      views.buffer = buffer;
      views.Float32Array = new Float32Array(buffer);
      views.Float64Array = new Float64Array(buffer);
      views.Int32Array = new Int32Array(buffer);
      views.args = new Float64Array(buffer, argsAddress, SLOT.COUNT);
    }
    return ArrayType === Float32Array ? views.Float32Array
      : ArrayType === Float64Array ? views.Float64Array
        : ArrayType === Int32Array ? views.Int32Array : new ArrayType(buffer);
  }

  function args() {
    heap(Float64Array);
    return views.args;
  }

  function writeShape(a, slot, shape) {
    a[slot] = shape.length;
    for (let i = 0; i < shape.length; ++i) a[slot + 1 + i] = shape[i];
  }

  function readShape(a, slot) {
    const shape = new Array(a[slot]);
    for (let i = 0; i < shape.length; ++i) shape[i] = a[slot + 1 + i];
    return shape;
  }

  function writeSpatial(a, slot, values) {
    for (let i = 0; i < values.length; ++i) a[slot + i] = values[i];
  }

  function writePoolParams(a, p) {
    writeSpatial(a, SLOT.KERNEL, p.kernelSize);
    writeSpatial(a, SLOT.STRIDE, p.stride);
    writeSpatial(a, SLOT.PADDING, p.padding);
    writeSpatial(a, SLOT.DILATION, p.dilation);
    a[SLOT.CEIL_MODE] = p.ceilMode ? 1 : 0;
  }

  function check(fn, status) {
    if (status !== 0) throw errorFromStatus(status, `${fn}: ${Module.last_error()}`);
  }

  function malloc(fn, bytes) {
    const pointer = bytes <= MAX_ALLOCATION ? Module._malloc(Math.max(bytes, 16)) : 0;
    if (!pointer) {
      throw new ArgpoolError(`${fn}: cannot allocate ${bytes} bytes of wasm memory (the module is limited to 2 GiB)`,
        'ARGPOOL_OUT_OF_MEMORY');
    }
    return pointer;
  }

  // Runs `body(pointers)` with one wasm buffer per byte size (0 → no buffer needed). Small calls
  // share one kept scratch block; larger ones get their own allocations, freed afterwards.
  function withBuffers(fn, byteSizes, body) {
    const aligned = byteSizes.map((bytes) => Math.ceil(bytes / 16) * 16);
    const total = aligned.reduce((a, b) => a + b, 0);
    if (total <= SCRATCH_LIMIT) {
      if (scratch.bytes < total) {
        const pointer = malloc(fn, Math.max(total, 4096));
        if (scratch.pointer) Module._free(scratch.pointer);
        scratch.pointer = pointer;
        scratch.bytes = Math.max(total, 4096);
      }
      let offset = scratch.pointer;
      return body(aligned.map((bytes) => {
        const pointer = bytes === 0 ? 0 : offset;
        offset += bytes;
        return pointer;
      }));
    }
    const pointers = [];
    try {
      for (const bytes of aligned) pointers.push(bytes === 0 ? 0 : malloc(fn, bytes));
      return body(pointers);
    } finally {
      for (const pointer of pointers) if (pointer) Module._free(pointer);
    }
  }

  function copyIn(ArrayType, pointer, data) {
    heap(ArrayType).set(data, pointer / ArrayType.BYTES_PER_ELEMENT);
  }

  function copyOut(ArrayType, pointer, length) {
    const start = pointer / ArrayType.BYTES_PER_ELEMENT;
    return heap(ArrayType).slice(start, start + length);
  }

  // An input: a WasmTensor of this instance (used in place) or a plain { data, shape } (copied in).
  function operand(fn, name, tensor, rank, kind) {
    if (!(tensor instanceof WasmTensor)) {
      const t = checkTensor(fn, name, tensor, rank, kind);
      t.pointer = 0;
      return t;
    }
    const pointer = WasmTensor.pointerFor(tensor, owner, name);
    const dtype = DTYPE_BY_NAME[tensor.dtype];
    if (kind === 'indices' ? dtype !== INDEX_DTYPE : dtype === INDEX_DTYPE) {
      throw new ArgpoolTypeError(`${fn}: ${name} must be a ${kind === 'indices' ? "'int32'" : "'float32' or 'float64'"} tensor, got '${dtype.name}'`);
    }
    return { data: null, shape: checkShape(fn, `${name}.shape`, tensor.shape, rank), dtype, pointer };
  }

  // An output given by the caller: a WasmTensor (written in place) or a plain { data, shape }
  // (written by copy), with exactly the expected shape and dtype.
  function target(fn, name, tensor, shape, dtype, inputs) {
    if (inputs.includes(tensor)) throw new ArgpoolRangeError(`${fn}: ${name} must not be one of the inputs`);
    if (tensor instanceof WasmTensor) {
      const pointer = WasmTensor.pointerFor(tensor, owner, name);
      if (tensor.dtype !== dtype.name || !sameShape(tensor.shape, shape)) {
        throw new ArgpoolRangeError(`${fn}: ${name} must be a '${dtype.name}' tensor of shape ${shapeString(shape)}, got '${tensor.dtype}' ${shapeString(tensor.shape)}`);
      }
      return { pointer, data: null };
    }
    const t = checkTensor(fn, name, tensor, shape.length - 2, dtype === INDEX_DTYPE ? 'indices' : 'values');
    if (t.dtype !== dtype || !sameShape(t.shape, shape)) {
      throw new ArgpoolRangeError(`${fn}: ${name} must be a ${dtype.tag} of shape ${shapeString(shape)}, got ${describe(t.data)} ${shapeString(t.shape)}`);
    }
    return { pointer: 0, data: t.data };
  }

  function checkOut(fn, out) {
    if (out !== undefined && (out === null || typeof out !== 'object')) {
      throw new ArgpoolTypeError(`${fn}: out must be an object, got ${describe(out)}`);
    }
  }

  // Bytes to stage for an operand or a target that is not already in wasm memory.
  const stagedBytes = (x, count, dtype) => (x === null || x.pointer ? 0 : count * dtype.ArrayType.BYTES_PER_ELEMENT);

  // Result for an output: written into the caller's target, or a fresh array.
  function deliver(t, pointer, dtype, shape, count) {
    if (t === null) return { data: copyOut(dtype.ArrayType, pointer, count), shape: shape.slice() };
    if (t.data !== null) t.data.set(copyOut(dtype.ArrayType, pointer, count));
    return null;
  }

  function maxPoolImpl(fn, input, options, rank, out, kernel = KERNEL.auto) {
    const x = operand(fn, 'input', input, rank, 'values');
    const params = parsePoolOptions(fn, options, x.shape.length - 2);
    checkOut(fn, out);
    const { dtype } = x;
    const a = args();
    writeShape(a, SLOT.SHAPE_A, x.shape);
    writePoolParams(a, params);
    check(fn, Module.pool_output_shape(dtype.code));
    const shape = readShape(args(), SLOT.SHAPE_OUT);
    const count = product(shape);
    const valuesTarget = out === undefined ? null : target(fn, 'out.values', out.values, shape, dtype, [input]);
    const indicesTarget = out === undefined || !params.returnIndices ? null
      : target(fn, 'out.indices', out.indices, shape, INDEX_DTYPE, [input, out.values]);
    const sizes = [
      stagedBytes(x, x.data?.length ?? 0, dtype),
      valuesTarget?.pointer ? 0 : count * dtype.ArrayType.BYTES_PER_ELEMENT,
      !params.returnIndices || indicesTarget?.pointer ? 0 : count * 4,
    ];
    return withBuffers(fn, sizes, ([inBuffer, valuesBuffer, indicesBuffer]) => {
      const inPtr = x.pointer || inBuffer;
      if (!x.pointer) copyIn(dtype.ArrayType, inPtr, x.data);
      const valuesPtr = valuesTarget?.pointer || valuesBuffer;
      const indicesPtr = params.returnIndices ? indicesTarget?.pointer || indicesBuffer : 0;
      check(fn, Module.max_pool(dtype.code, kernel, inPtr, valuesPtr, indicesPtr));
      const values = deliver(valuesTarget, valuesPtr, dtype, shape, count);
      if (out !== undefined) {
        if (params.returnIndices) deliver(indicesTarget, indicesPtr, INDEX_DTYPE, shape, count);
        return out;
      }
      return params.returnIndices ? { values, indices: deliver(null, indicesPtr, INDEX_DTYPE, shape, count) } : { values };
    });
  }

  function maxUnpoolImpl(fn, values, indices, options, rank, out) {
    const v = operand(fn, 'values', values, rank, 'values');
    const idx = operand(fn, 'indices', indices, rank, 'indices');
    const params = parseUnpoolOptions(fn, options, v.shape);
    if (out !== undefined && (out === null || typeof out !== 'object')) {
      throw new ArgpoolTypeError(`${fn}: out must be a tensor, got ${describe(out)}`);
    }
    const { dtype } = v;
    // The argument block lives in wasm memory, so it survives the allocations below.
    const a = args();
    writeShape(a, SLOT.SHAPE_A, v.shape);
    writeShape(a, SLOT.SHAPE_B, idx.shape);
    writeSpatial(a, SLOT.KERNEL, params.kernelSize);
    writeSpatial(a, SLOT.STRIDE, params.stride);
    writeSpatial(a, SLOT.PADDING, params.padding);
    a[SLOT.HAS_OUTPUT_SIZE] = params.outputSize ? 1 : 0;
    if (params.outputSize) writeSpatial(a, SLOT.OUTPUT_SIZE, params.outputSize);
    check(fn, Module.unpool_output_shape(dtype.code));
    const shape = readShape(args(), SLOT.SHAPE_OUT);
    const count = product(shape);
    const outTarget = out === undefined ? null : target(fn, 'out', out, shape, dtype, [values, indices]);
    const sizes = [
      stagedBytes(v, v.data?.length ?? 0, dtype),
      stagedBytes(idx, idx.data?.length ?? 0, INDEX_DTYPE),
      outTarget?.pointer ? 0 : count * dtype.ArrayType.BYTES_PER_ELEMENT,
    ];
    return withBuffers(fn, sizes, ([vBuffer, iBuffer, outBuffer]) => {
      const vPtr = v.pointer || vBuffer;
      const iPtr = idx.pointer || iBuffer;
      if (!v.pointer) copyIn(dtype.ArrayType, vPtr, v.data);
      if (!idx.pointer) copyIn(Int32Array, iPtr, idx.data);
      const outPtr = outTarget?.pointer || outBuffer;
      check(fn, Module.max_unpool(dtype.code, vPtr, iPtr, outPtr));
      return deliver(outTarget, outPtr, dtype, shape, count) ?? out;
    });
  }

  function maxPoolBackwardImpl(fn, gradOutput, indices, inputShape, options, rank, out) {
    const g = operand(fn, 'gradOutput', gradOutput, rank, 'values');
    const idx = operand(fn, 'indices', indices, rank, 'indices');
    const shape = checkShape(fn, 'inputShape', inputShape, rank);
    const params = options === undefined || options === null ? null : parsePoolOptions(fn, options, shape.length - 2);
    const { dtype } = g;
    const count = product(shape);
    const outTarget = out === undefined ? null : target(fn, 'out', out, shape, dtype, [gradOutput, indices]);
    const sizes = [
      stagedBytes(g, g.data?.length ?? 0, dtype),
      stagedBytes(idx, idx.data?.length ?? 0, INDEX_DTYPE),
      outTarget?.pointer ? 0 : count * dtype.ArrayType.BYTES_PER_ELEMENT,
    ];
    return withBuffers(fn, sizes, ([gBuffer, iBuffer, outBuffer]) => {
      const gPtr = g.pointer || gBuffer;
      const iPtr = idx.pointer || iBuffer;
      if (!g.pointer) copyIn(dtype.ArrayType, gPtr, g.data);
      if (!idx.pointer) copyIn(Int32Array, iPtr, idx.data);
      const a = args();
      writeShape(a, SLOT.SHAPE_A, g.shape);
      writeShape(a, SLOT.SHAPE_B, idx.shape);
      writeShape(a, SLOT.SHAPE_C, shape);
      a[SLOT.HAS_POOL_PARAMS] = params ? 1 : 0;
      if (params) writePoolParams(a, params);
      const outPtr = outTarget?.pointer || outBuffer;
      check(fn, Module.max_pool_backward(dtype.code, gPtr, iPtr, outPtr));
      return deliver(outTarget, outPtr, dtype, shape, count) ?? out;
    });
  }

  function outputShape(inputShape, options) {
    const fn = 'outputShape';
    const shape = checkShape(fn, 'inputShape', inputShape);
    const params = parsePoolOptions(fn, options, shape.length - 2);
    const a = args();
    writeShape(a, SLOT.SHAPE_A, shape);
    writePoolParams(a, params);
    check(fn, Module.pool_output_shape(DTYPES[0].code));
    return readShape(args(), SLOT.SHAPE_OUT);
  }

  function tensor(shape, dtype = 'float32', source = undefined) {
    const fn = 'tensor';
    if (!Array.isArray(shape) || shape.length === 0) {
      throw new ArgpoolTypeError(`${fn}: shape must be a non-empty array of integers, got ${describe(shape)}`);
    }
    shape.forEach((d, i) => {
      if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) {
        throw new (typeof d === 'number' ? ArgpoolRangeError : ArgpoolTypeError)(
          `${fn}: shape[${i}] must be a non-negative integer, got ${describe(d)}`);
      }
    });
    const spec = typeof dtype === 'string' && Object.hasOwn(TENSOR_DTYPES, dtype) ? TENSOR_DTYPES[dtype] : null;
    if (spec === null) {
      throw new ArgpoolTypeError(`${fn}: dtype must be one of ${Object.keys(TENSOR_DTYPES).map((d) => `'${d}'`).join(', ')}, got ${describe(dtype)}`);
    }
    const count = product(shape);
    if (source !== undefined && (source === null || typeof source !== 'object' || source.length !== count)) {
      throw new ArgpoolRangeError(`${fn}: source must be an array-like of ${count} elements, got ${describe(source)}`);
    }
    const bytes = count * spec.ArrayType.BYTES_PER_ELEMENT;
    const pointer = malloc(fn, bytes);
    const t = new WasmTensor(owner, pointer, shape, spec);
    liveTensors += 1;
    registry.register(t, pointer, t);
    const view = t.data;
    if (source !== undefined) view.set(source);
    else view.fill(0);
    return t;
  }

  function stats() {
    return {
      wasmMemoryBytes: Module.HEAPU8.buffer.byteLength,
      heapInUseBytes: Module.heap_in_use(),
      liveTensors,
    };
  }

  const api = {
    maxPool: (input, options, out) => maxPoolImpl('maxPool', input, options, undefined, out),
    maxPool1d: (input, options, out) => maxPoolImpl('maxPool1d', input, options, 1, out),
    maxPool2d: (input, options, out) => maxPoolImpl('maxPool2d', input, options, 2, out),
    maxPool3d: (input, options, out) => maxPoolImpl('maxPool3d', input, options, 3, out),
    maxUnpool: (values, indices, options, out) => maxUnpoolImpl('maxUnpool', values, indices, options, undefined, out),
    maxUnpool1d: (values, indices, options, out) => maxUnpoolImpl('maxUnpool1d', values, indices, options, 1, out),
    maxUnpool2d: (values, indices, options, out) => maxUnpoolImpl('maxUnpool2d', values, indices, options, 2, out),
    maxUnpool3d: (values, indices, options, out) => maxUnpoolImpl('maxUnpool3d', values, indices, options, 3, out),
    maxPoolBackward: (g, i, s, o, out) => maxPoolBackwardImpl('maxPoolBackward', g, i, s, o, undefined, out),
    maxPoolBackward1d: (g, i, s, o, out) => maxPoolBackwardImpl('maxPoolBackward1d', g, i, s, o, 1, out),
    maxPoolBackward2d: (g, i, s, o, out) => maxPoolBackwardImpl('maxPoolBackward2d', g, i, s, o, 2, out),
    maxPoolBackward3d: (g, i, s, o, out) => maxPoolBackwardImpl('maxPoolBackward3d', g, i, s, o, 3, out),
    outputShape,
    tensor,
    stats,
    dtypes: Object.freeze(DTYPES.map((d) => d.name)),
  };
  // Not public API: lets the test suites and benchmarks run one chosen kernel or the
  // memory-bound reference loop (tests/simd.test.mjs, tools/bench/).
  Object.defineProperty(api, '_internal', {
    enumerable: false,
    value: Object.freeze({
      kernels: Object.keys(KERNEL),
      maxPool(input, options, kernelName, out) {
        if (!Object.hasOwn(KERNEL, kernelName)) throw new ArgpoolTypeError(`unknown kernel ${kernelName}`);
        return maxPoolImpl('maxPool', input, options, undefined, out, KERNEL[kernelName]);
      },
      memoryBound(input, values, indices) {
        const pointer = (t, label) => WasmTensor.pointerFor(t, owner, label);
        Module.memory_bound(pointer(input, 'input'), input.size, pointer(values, 'values'),
          indices ? pointer(indices, 'indices') : 0, values.size);
      },
      heapBytes: () => Module.HEAPU8.buffer.byteLength,
    }),
  });
  return Object.freeze(api);
}
