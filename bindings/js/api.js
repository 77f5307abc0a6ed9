// The thin JS face of argpool: checks that need JavaScript (bindings/js/options.js), staging of
// arguments into wasm memory, and copies in and out. Every rule about values and shapes lives in
// C++ (src/argpool/shape.cpp); its error messages come back through `last_error()`.
import { createAdapters } from './adapters.js';
import { ArgpoolError, ArgpoolRangeError, ArgpoolTypeError, errorFromStatus } from './errors.js';
import { KERNEL, LAYOUT, SCATTER_KERNEL, SLOT } from './abi.js';
import {
  DTYPE_BY_NAME, DTYPES, INDEX_TYPES, checkOptions, checkShape, checkTensor, describe, hasRank, parseIndexOptions,
  parseLayout, parsePoolOptions, parseTensorOptions, parseUnpoolOptions, product, rankError, sameShape, shapeString,
} from './options.js';
import { TENSOR_DTYPES, WasmTensor } from './tensor.js';

const MAX_ALLOCATION = 2 ** 31 - 1; // the module's memory is capped at 2 GiB (CMakeLists.txt)
const SCRATCH_LIMIT = 1 << 20; // plain-array calls up to this many bytes reuse one scratch block
const CONVERT_OPTIONS = ['from', 'to', 'inputShape', 'layout', 'storageOrder', 'includeBatchInIndex', 'indexType'];

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

  // The Emscripten Module is a dictionary-mode object, where every property read is a hash lookup:
  // the operations' entry points are read once.
  const ops = {
    pool_output_shape: Module.pool_output_shape,
    max_pool: Module.max_pool,
    unpool_output_shape: Module.unpool_output_shape,
    max_unpool: Module.max_unpool,
    check_backward: Module.check_backward,
    max_pool_backward: Module.max_pool_backward,
    convert_indices: Module.convert_indices,
  };

  // Whole-heap views, re-derived only when memory growth replaced the buffer. Growth detaches the
  // old buffer (its byteLength becomes 0), which is cheaper to test than reading Module.HEAPU8.
  const views = { buffer: null, Float32Array: null, Float64Array: null, Int32Array: null, args: null, other: null };

  function heap(ArrayType) {
    if (views.buffer === null || views.buffer.byteLength === 0) {
      const buffer = Module.HEAPU8.buffer;
      views.buffer = buffer;
      views.Float32Array = new Float32Array(buffer);
      views.Float64Array = new Float64Array(buffer);
      views.Int32Array = new Int32Array(buffer);
      views.args = new Float64Array(buffer, argsAddress, SLOT.COUNT);
      views.other = new Map();
    }
    if (ArrayType === Float32Array) return views.Float32Array;
    if (ArrayType === Float64Array) return views.Float64Array;
    if (ArrayType === Int32Array) return views.Int32Array;
    let view = views.other.get(ArrayType);
    if (view === undefined) views.other.set(ArrayType, (view = new ArrayType(views.buffer)));
    return view;
  }

  // The parsed pooling parameters whose values (and index spec) the argument block holds, written
  // by the last maxPool call; any other use of the block forgets them (see poolArgs()).
  let stagedPoolParams = null;

  function args() {
    stagedPoolParams = null;
    heap(Float64Array);
    return views.args;
  }

  // The argument block with `params` staged, written only when the block holds something else:
  // a loop of identical small calls skips ~25 stores per call.
  function poolArgs(params) {
    heap(Float64Array);
    const a = views.args;
    if (stagedPoolParams !== params) {
      writePoolParams(a, params);
      writeIndexSpec(a, params.index, params.index.type.int64);
      stagedPoolParams = params;
    }
    return a;
  }

  function writeShape(a, slot, shape) {
    a[slot] = shape.length;
    for (let i = 0; i < shape.length; ++i) a[slot + 1 + i] = shape[i];
  }

  // Written by C++ after its checks, so every dim is at most 2^31-1 and `| 0` is exact; it keeps the
  // array one of small integers, as callers' shapes are, which V8 compares fastest.
  function readShape(a, slot) {
    const shape = [];
    for (let i = 0; i < a[slot]; ++i) shape.push(a[slot + 1 + i] | 0);
    return shape;
  }

  function writeSpatial(a, slot, values) {
    for (let i = 0; i < values.length; ++i) a[slot + i] = values[i];
  }

  function writePoolParams(a, p) {
    writeSpatial(a, SLOT.KERNEL, p.kernelSize);
    writeSpatial(a, SLOT.STRIDE, p.stride);
    writeSpatial(a, SLOT.PAD_BEGIN, p.padBegin);
    writeSpatial(a, SLOT.PAD_END, p.padEnd);
    writeSpatial(a, SLOT.DILATION, p.dilation);
    a[SLOT.CEIL_MODE] = p.ceilMode ? 1 : 0;
    a[SLOT.PAD_MODE] = p.padMode;
    a[SLOT.LAYOUT] = LAYOUT[p.layout];
  }

  // `int64` is the storage type of these indices (an output's indexType or an input's array).
  function writeIndexSpec(a, index, int64, to = false) {
    a[to ? SLOT.TO_INDEX_MODE : SLOT.INDEX_MODE] = index.mode;
    a[to ? SLOT.TO_INDEX_INT64 : SLOT.INDEX_INT64] = int64 ? 1 : 0;
    a[to ? SLOT.TO_COLUMN_MAJOR : SLOT.COLUMN_MAJOR] = index.columnMajor ? 1 : 0;
    a[to ? SLOT.TO_INCLUDE_BATCH : SLOT.INCLUDE_BATCH] = index.includeBatch ? 1 : 0;
  }

  function check(fn, status) {
    if (status !== 0) throw errorFromStatus(status, `${fn}: ${Module.last_error()}`);
  }

  function malloc(fn, bytes) {
    // 16-byte aligned (malloc gives 8): the kernels' 16-byte vector stores are much faster aligned.
    const pointer = bytes <= MAX_ALLOCATION ? Module._memalign(16, Math.max(bytes, 16)) : 0;
    if (!pointer) {
      throw new ArgpoolError(`${fn}: cannot allocate ${bytes} bytes of wasm memory (the module is limited to 2 GiB)`,
        'ARGPOOL_OUT_OF_MEMORY');
    }
    return pointer;
  }

  const align = (bytes) => Math.ceil(bytes / 16) * 16;

  // Runs `body(pointer0, pointer1, pointer2)` with one wasm buffer per byte size (0 → no buffer,
  // pointer 0). Small calls share one kept scratch block; larger ones get their own allocations,
  // freed afterwards.
  function withBuffers(fn, bytes0, bytes1, bytes2, body) {
    const size0 = align(bytes0), size1 = align(bytes1), size2 = align(bytes2);
    const total = size0 + size1 + size2;
    if (total <= SCRATCH_LIMIT) {
      if (scratch.bytes < total) {
        const pointer = malloc(fn, Math.max(total, 4096));
        if (scratch.pointer) Module._free(scratch.pointer);
        scratch.pointer = pointer;
        scratch.bytes = Math.max(total, 4096);
      }
      const base = scratch.pointer;
      return body(size0 && base, size1 && base + size0, size2 && base + size0 + size1);
    }
    let pointer0 = 0, pointer1 = 0, pointer2 = 0;
    try {
      if (size0) pointer0 = malloc(fn, size0);
      if (size1) pointer1 = malloc(fn, size1);
      if (size2) pointer2 = malloc(fn, size2);
      return body(pointer0, pointer1, pointer2);
    } finally {
      if (pointer0) Module._free(pointer0);
      if (pointer1) Module._free(pointer1);
      if (pointer2) Module._free(pointer2);
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
  // `kind`: 'values', 'float' or 'indices' (see options.js checkTensor).
  function operand(fn, name, tensor, rank, kind, layout) {
    if (!(tensor instanceof WasmTensor)) return checkTensor(fn, name, tensor, rank, kind, layout);
    const pointer = WasmTensor.pointerFor(tensor, owner, name);
    const type = kind === 'indices' ? INDEX_TYPES[tensor.dtype] : DTYPE_BY_NAME[tensor.dtype];
    if (type === undefined || (kind === 'float' && !type.float)) {
      const wanted = kind === 'indices' ? "'int32' or 'int64'" : kind === 'float' ? "'float32' or 'float64'" : 'a value dtype';
      throw new ArgpoolTypeError(`${fn}: ${name} must be a ${wanted} tensor, got '${tensor.dtype}'`);
    }
    // A tensor's dims were checked by tensor() and never change: only the rank is left to check.
    const shape = WasmTensor.dimsOf(tensor);
    if (!hasRank(shape, rank)) throw rankError(fn, `${name}.shape`, shape, rank, layout);
    return { data: null, shape, dtype: type, pointer };
  }

  // An output given by the caller: a WasmTensor (written in place) or a plain { data, shape }
  // (written by copy), with exactly the expected shape and dtype.
  // `input0` and `input1` (or undefined): the call's inputs, which an output must not alias.
  function target(fn, name, tensor, shape, dtype, input0, input1) {
    if (tensor === input0 || (input1 !== undefined && tensor === input1)) {
      throw new ArgpoolRangeError(`${fn}: ${name} must not be one of the inputs`);
    }
    if (tensor instanceof WasmTensor) {
      const pointer = WasmTensor.pointerFor(tensor, owner, name);
      if (tensor.dtype !== dtype.name || !sameShape(WasmTensor.dimsOf(tensor), shape)) {
        throw new ArgpoolRangeError(`${fn}: ${name} must be a '${dtype.name}' tensor of shape ${shapeString(shape)}, got '${tensor.dtype}' ${shapeString(tensor.shape)}`);
      }
      return { pointer, data: null };
    }
    const t = checkTensor(fn, name, tensor, shape.length - 2, Object.hasOwn(dtype, 'int64') ? 'indices' : 'values');
    if (t.dtype.ArrayType !== dtype.ArrayType || !sameShape(t.shape, shape)) {
      throw new ArgpoolRangeError(`${fn}: ${name} must be a ${dtype.tag} of shape ${shapeString(shape)}, got ${describe(t.data)} ${shapeString(t.shape)}`);
    }
    return { pointer: 0, data: t.data };
  }

  function checkOut(fn, out) {
    if (out !== undefined && (out === null || typeof out !== 'object')) {
      throw new ArgpoolTypeError(`${fn}: out must be an object, got ${describe(out)}`);
    }
  }

  // The *_output_shape calls are pure functions of the staged input shape, dtype and parameters, and
  // parsed parameters are cached per options object (options.js). So each operation keeps its last
  // answer, and a call with the same parameters object and input as the last one skips the C++ call.
  const lastPoolShape = { params: null, code: -1, input: null, shape: null, count: 0 };
  const lastUnpoolShape = { params: null, code: -1, input: null, shape: null, count: 0 };

  // `last.shape` and `last.count` after staging x's shape and `params` into the argument block.
  function outputShapeOf(fn, last, shapeCall, params, x) {
    const { code } = x.dtype;
    if (last.params !== params || last.code !== code || !sameShape(last.input, x.shape)) {
      check(fn, shapeCall(code));
      const shape = readShape(args(), SLOT.SHAPE_OUT);
      Object.assign(last, { params, code, input: x.shape, shape, count: product(shape) });
    }
    return last;
  }

  // Bytes to stage for an operand or a target that is not already in wasm memory.
  const stagedBytes = (x, count, dtype) => (x === null || x.pointer ? 0 : count * dtype.ArrayType.BYTES_PER_ELEMENT);

  // Result for an output: written into the caller's target, or a fresh array.
  function deliver(t, pointer, dtype, shape, count) {
    if (t === null) return { data: copyOut(dtype.ArrayType, pointer, count), shape: shape.slice() };
    if (t.data !== null) t.data.set(copyOut(dtype.ArrayType, pointer, count));
    return null;
  }

  // The layout named in raw options, for messages about shapes before options are parsed.
  const layoutOf = (options) => (options !== null && typeof options === 'object' && options.layout === 'NHWC' ? 'NHWC' : 'NCHW');

  function maxPoolImpl(fn, input, options, rank, out, kernel = KERNEL.auto) {
    const x = operand(fn, 'input', input, rank, 'values', layoutOf(options));
    const params = parsePoolOptions(fn, options, x.shape.length - 2);
    checkOut(fn, out);
    const { dtype } = x;
    const indexType = params.index.type;
    writeShape(poolArgs(params), SLOT.SHAPE_A, x.shape);
    const { shape, count } = outputShapeOf(fn, lastPoolShape, ops.pool_output_shape, params, x);
    const valuesTarget = out === undefined ? null : target(fn, 'out.values', out.values, shape, dtype, input);
    const indicesTarget = out === undefined || !params.returnIndices ? null
      : target(fn, 'out.indices', out.indices, shape, indexType, input, out.values);
    if (x.pointer && valuesTarget?.pointer && (!params.returnIndices || indicesTarget.pointer)) {
      // All in wasm memory already (the zero-copy case): nothing to stage or deliver.
      check(fn, ops.max_pool(dtype.code, kernel, x.pointer, valuesTarget.pointer, params.returnIndices ? indicesTarget.pointer : 0));
      return out;
    }
    const inBytes = stagedBytes(x, x.data?.length ?? 0, dtype);
    const valuesBytes = valuesTarget?.pointer ? 0 : count * dtype.ArrayType.BYTES_PER_ELEMENT;
    const indicesBytes = !params.returnIndices || indicesTarget?.pointer ? 0 : count * indexType.ArrayType.BYTES_PER_ELEMENT;
    return withBuffers(fn, inBytes, valuesBytes, indicesBytes, (inBuffer, valuesBuffer, indicesBuffer) => {
      const inPtr = x.pointer || inBuffer;
      if (!x.pointer) copyIn(dtype.ArrayType, inPtr, x.data);
      const valuesPtr = valuesTarget?.pointer || valuesBuffer;
      const indicesPtr = params.returnIndices ? indicesTarget?.pointer || indicesBuffer : 0;
      check(fn, ops.max_pool(dtype.code, kernel, inPtr, valuesPtr, indicesPtr));
      const values = deliver(valuesTarget, valuesPtr, dtype, shape, count);
      if (out !== undefined) {
        if (params.returnIndices) deliver(indicesTarget, indicesPtr, indexType, shape, count);
        return out;
      }
      return params.returnIndices ? { values, indices: deliver(null, indicesPtr, indexType, shape, count) } : { values };
    });
  }

  function maxUnpoolImpl(fn, values, indices, options, rank, out, kernel = SCATTER_KERNEL.auto) {
    const layout = layoutOf(options);
    const v = operand(fn, 'values', values, rank, 'values', layout);
    const idx = operand(fn, 'indices', indices, rank, 'indices', layout);
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
    writeSpatial(a, SLOT.PAD_BEGIN, params.padBegin);
    writeSpatial(a, SLOT.PAD_END, params.padEnd);
    a[SLOT.HAS_OUTPUT_SIZE] = params.outputSize ? 1 : 0;
    if (params.outputSize) writeSpatial(a, SLOT.OUTPUT_SIZE, params.outputSize);
    a[SLOT.LAYOUT] = LAYOUT[params.layout];
    writeIndexSpec(a, params.index, idx.dtype.int64);
    const { shape, count } = outputShapeOf(fn, lastUnpoolShape, ops.unpool_output_shape, params, v);
    const outTarget = out === undefined ? null : target(fn, 'out', out, shape, dtype, values, indices);
    const vBytes = stagedBytes(v, v.data?.length ?? 0, dtype);
    const indicesBytes = stagedBytes(idx, idx.data?.length ?? 0, idx.dtype);
    const outBytes = outTarget?.pointer ? 0 : count * dtype.ArrayType.BYTES_PER_ELEMENT;
    return withBuffers(fn, vBytes, indicesBytes, outBytes, (vBuffer, iBuffer, outBuffer) => {
      const vPtr = v.pointer || vBuffer;
      const iPtr = idx.pointer || iBuffer;
      if (!v.pointer) copyIn(dtype.ArrayType, vPtr, v.data);
      if (!idx.pointer) copyIn(idx.dtype.ArrayType, iPtr, idx.data);
      const outPtr = outTarget?.pointer || outBuffer;
      check(fn, ops.max_unpool(dtype.code, kernel, vPtr, iPtr, outPtr));
      return deliver(outTarget, outPtr, dtype, shape, count) ?? out;
    });
  }

  function maxPoolBackwardImpl(fn, gradOutput, indices, inputShape, options, rank, out, kernel = SCATTER_KERNEL.auto) {
    const layout = layoutOf(options);
    const g = operand(fn, 'gradOutput', gradOutput, rank, 'float', layout);
    const idx = operand(fn, 'indices', indices, rank, 'indices', layout);
    const shape = checkShape(fn, 'inputShape', inputShape, rank, layout);
    // Pooling parameters are optional: with them, gradOutput's shape is checked against them.
    const withParams = options !== undefined && options !== null && typeof options === 'object' && options.kernelSize !== undefined;
    const params = withParams ? parsePoolOptions(fn, options, shape.length - 2) : parseTensorOptions(fn, options);
    const { dtype } = g;
    const stage = () => {
      const a = args();
      writeShape(a, SLOT.SHAPE_A, g.shape);
      writeShape(a, SLOT.SHAPE_B, idx.shape);
      writeShape(a, SLOT.SHAPE_C, shape);
      a[SLOT.HAS_POOL_PARAMS] = withParams ? 1 : 0;
      if (withParams) writePoolParams(a, params);
      a[SLOT.LAYOUT] = LAYOUT[params.layout];
      writeIndexSpec(a, params.index, idx.dtype.int64);
    };
    stage();
    check(fn, ops.check_backward(dtype.code)); // shapes first: nothing is allocated for a bad call
    const count = product(shape);
    const outTarget = out === undefined ? null : target(fn, 'out', out, shape, dtype, gradOutput, indices);
    const gBytes = stagedBytes(g, g.data?.length ?? 0, dtype);
    const indicesBytes = stagedBytes(idx, idx.data?.length ?? 0, idx.dtype);
    const outBytes = outTarget?.pointer ? 0 : count * dtype.ArrayType.BYTES_PER_ELEMENT;
    return withBuffers(fn, gBytes, indicesBytes, outBytes, (gBuffer, iBuffer, outBuffer) => {
      const gPtr = g.pointer || gBuffer;
      const iPtr = idx.pointer || iBuffer;
      if (!g.pointer) copyIn(dtype.ArrayType, gPtr, g.data);
      if (!idx.pointer) copyIn(idx.dtype.ArrayType, iPtr, idx.data);
      const outPtr = outTarget?.pointer || outBuffer;
      check(fn, ops.max_pool_backward(dtype.code, kernel, gPtr, iPtr, outPtr));
      return deliver(outTarget, outPtr, dtype, shape, count) ?? out;
    });
  }

  // ---- maxUnpoolBackward: the gradient of maxUnpool with respect to its values (a gather) ----
  const maxUnpoolBackwardOps = { run: Module.max_unpool_backward, check: Module.check_unpool_backward };

  function maxUnpoolBackwardImpl(fn, gradOutput, indices, valuesShape, options, rank, out) {
    const layout = layoutOf(options);
    const g = operand(fn, 'gradOutput', gradOutput, rank, 'values', layout);
    const idx = operand(fn, 'indices', indices, rank, 'indices', layout);
    const shape = checkShape(fn, 'valuesShape', valuesShape, rank, layout);
    // Unpooling parameters are optional: with them, gradOutput's shape is checked against them.
    const withParams = options !== undefined && options !== null && typeof options === 'object' && options.kernelSize !== undefined;
    const params = withParams ? parseUnpoolOptions(fn, options, shape) : parseTensorOptions(fn, options);
    const { dtype } = g;
    const a = args();
    writeShape(a, SLOT.SHAPE_A, shape);
    writeShape(a, SLOT.SHAPE_B, idx.shape);
    writeShape(a, SLOT.SHAPE_C, g.shape);
    a[SLOT.HAS_POOL_PARAMS] = withParams ? 1 : 0;
    if (withParams) {
      writeSpatial(a, SLOT.KERNEL, params.kernelSize);
      writeSpatial(a, SLOT.STRIDE, params.stride);
      writeSpatial(a, SLOT.PAD_BEGIN, params.padBegin);
      writeSpatial(a, SLOT.PAD_END, params.padEnd);
      a[SLOT.HAS_OUTPUT_SIZE] = params.outputSize ? 1 : 0;
      if (params.outputSize) writeSpatial(a, SLOT.OUTPUT_SIZE, params.outputSize);
    }
    a[SLOT.LAYOUT] = LAYOUT[params.layout];
    writeIndexSpec(a, params.index, idx.dtype.int64);
    check(fn, maxUnpoolBackwardOps.check(dtype.code)); // shapes first: nothing is allocated for a bad call
    const count = product(shape);
    const outTarget = out === undefined ? null : target(fn, 'out', out, shape, dtype, gradOutput, indices);
    const gBytes = stagedBytes(g, g.data?.length ?? 0, dtype);
    const indicesBytes = stagedBytes(idx, idx.data?.length ?? 0, idx.dtype);
    const outBytes = outTarget?.pointer ? 0 : count * dtype.ArrayType.BYTES_PER_ELEMENT;
    return withBuffers(fn, gBytes, indicesBytes, outBytes, (gBuffer, iBuffer, outBuffer) => {
      const gPtr = g.pointer || gBuffer;
      const iPtr = idx.pointer || iBuffer;
      if (!g.pointer) copyIn(dtype.ArrayType, gPtr, g.data);
      if (!idx.pointer) copyIn(idx.dtype.ArrayType, iPtr, idx.data);
      const outPtr = outTarget?.pointer || outBuffer;
      check(fn, maxUnpoolBackwardOps.run(dtype.code, gPtr, iPtr, outPtr));
      return deliver(outTarget, outPtr, dtype, shape, count) ?? out;
    });
  }

  function outputShape(inputShape, options) {
    const fn = 'outputShape';
    const shape = checkShape(fn, 'inputShape', inputShape, undefined);
    const params = parsePoolOptions(fn, options, shape.length - 2);
    const a = args();
    writeShape(a, SLOT.SHAPE_A, shape);
    writePoolParams(a, params);
    check(fn, ops.pool_output_shape(DTYPES[0].code));
    return readShape(args(), SLOT.SHAPE_OUT);
  }

  // One side of a conversion: a mode name (sharing storageOrder / includeBatchInIndex from the
  // options) or an object { indexMode, storageOrder, includeBatchInIndex }.
  function conversionSide(fn, name, side, options) {
    if (typeof side === 'string') {
      // Shared options belong to the side whose convention they describe.
      return parseIndexOptions(fn, {
        indexMode: side,
        storageOrder: side === 'global' ? options.storageOrder : undefined,
        includeBatchInIndex: side === 'tf' ? options.includeBatchInIndex : undefined,
      });
    }
    if (side === null || typeof side !== 'object') {
      throw new ArgpoolTypeError(`${fn}: options.${name} must be 'plane', 'global', 'tf' or { indexMode, storageOrder, includeBatchInIndex }, got ${describe(side)}`);
    }
    checkOptions(`${fn} (options.${name})`, side, ['indexMode', 'storageOrder', 'includeBatchInIndex']);
    return parseIndexOptions(fn, side);
  }

  function convertIndices(indices, options) {
    const fn = 'convertIndices';
    checkOptions(fn, options, CONVERT_OPTIONS);
    const layout = parseLayout(fn, options);
    const idx = operand(fn, 'indices', indices, undefined, 'indices', layout);
    const inputShape = checkShape(fn, 'options.inputShape', options.inputShape, idx.shape.length - 2, layout);
    const from = conversionSide(fn, 'from', options.from, options);
    const to = conversionSide(fn, 'to', options.to, options);
    const type = options.indexType === undefined ? idx.dtype : parseIndexOptions(fn, { indexType: options.indexType }).type;
    const count = product(idx.shape);
    const bytes = count * Math.max(type.ArrayType.BYTES_PER_ELEMENT, 4);
    return withBuffers(fn, stagedBytes(idx, count, idx.dtype), bytes, 0, (inBuffer, outBuffer) => {
      const inPtr = idx.pointer || inBuffer;
      if (!idx.pointer) copyIn(idx.dtype.ArrayType, inPtr, idx.data);
      const a = args();
      writeShape(a, SLOT.SHAPE_A, inputShape);
      writeShape(a, SLOT.SHAPE_B, idx.shape);
      a[SLOT.LAYOUT] = LAYOUT[layout];
      writeIndexSpec(a, from, idx.dtype.int64);
      writeIndexSpec(a, to, type.int64, true);
      check(fn, ops.convert_indices(inPtr, outBuffer));
      return { data: copyOut(type.ArrayType, outBuffer, count), shape: idx.shape.slice() };
    });
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
    else view.fill(spec.ArrayType === BigInt64Array ? 0n : 0);
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
    maxUnpoolBackward: (g, i, s, o, out) => maxUnpoolBackwardImpl('maxUnpoolBackward', g, i, s, o, undefined, out),
    outputShape,
    convertIndices,
    tensor,
    stats,
    dtypes: Object.freeze(DTYPES.map((d) => d.name)),
  };
  Object.assign(api, createAdapters(api));
  // Not public API: lets the test suites and benchmarks run one chosen kernel (pooling, unpool or
  // backward) or the memory-bound reference loop (tests/simd.test.mjs, tests/unpool-simd.test.mjs,
  // tools/bench/).
  Object.defineProperty(api, '_internal', {
    enumerable: false,
    value: Object.freeze({
      kernels: Object.keys(KERNEL),
      maxPool(input, options, kernelName, out) {
        if (!Object.hasOwn(KERNEL, kernelName)) throw new ArgpoolTypeError(`unknown kernel ${kernelName}`);
        return maxPoolImpl('maxPool', input, options, undefined, out, KERNEL[kernelName]);
      },
      scatterKernels: Object.keys(SCATTER_KERNEL),
      maxUnpool(values, indices, options, kernelName, out) {
        if (!Object.hasOwn(SCATTER_KERNEL, kernelName)) throw new ArgpoolTypeError(`unknown kernel ${kernelName}`);
        return maxUnpoolImpl('maxUnpool', values, indices, options, undefined, out, SCATTER_KERNEL[kernelName]);
      },
      maxPoolBackward(gradOutput, indices, inputShape, options, kernelName, out) {
        if (!Object.hasOwn(SCATTER_KERNEL, kernelName)) throw new ArgpoolTypeError(`unknown kernel ${kernelName}`);
        return maxPoolBackwardImpl('maxPoolBackward', gradOutput, indices, inputShape, options, undefined, out,
          SCATTER_KERNEL[kernelName]);
      },
      // pattern: 'interleaved' (default) or 'two-passes'; see src/kernels/memory_bound_f32_wasmsimd.cpp.
      memoryBound(input, values, indices, pattern = 'interleaved') {
        const pointer = (t, label) => WasmTensor.pointerFor(t, owner, label);
        Module.memory_bound(pointer(input, 'input'), input.size, pointer(values, 'values'),
          indices ? pointer(indices, 'indices') : 0, values.size, pattern === 'two-passes' ? 1 : 0);
      },
      heapBytes: () => Module.HEAPU8.buffer.byteLength,
    }),
  });
  return Object.freeze(api);
}
