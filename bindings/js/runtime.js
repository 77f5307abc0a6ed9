// The wasm side of a call, after the snapshot: heap views, staging memory, the argument block, and
// copies in and out with intrinsics. Nothing here reads a caller's object except through the
// %TypedArray% intrinsics (length, buffer, offset, set), so no caller code can run from the moment
// an argument is staged until the call returns.
import { bindAbi, readCString } from './abi.js';
import { ArgpoolError, ArgpoolRangeError, errorFromStatus } from './errors.js';
import {
  MathCeil, MathMax, ObjectDefineProperty, ObjectFreeze, SafeFinalizationRegistry, TypedArrayPrototypeGetBuffer,
  TypedArrayPrototypeGetByteLength, TypedArrayPrototypeGetByteOffset, TypedArrayPrototypeGetLength,
  TypedArrayPrototypeSet, TypedArrayPrototypeSlice, TypedArrays,
} from './primordials.js';
import { TYPED_ARRAY_OF_DTYPE } from './dtypes.js';
import { WasmTensor } from './tensor.js';

const MAX_ALLOCATION = 2 ** 31 - 1; // the module's memory is capped at 2 GiB (CMakeLists.txt)
const SCRATCH_BYTES = 1 << 16; // small calls stage in one block allocated at load

export function createRuntime(Module, { extraExports = [] } = {}) {
  const { abi, fns } = bindAbi(Module, extraExports);
  for (const name of Object.keys(abi.dtypes)) {
    if (TYPED_ARRAY_OF_DTYPE[name] === undefined || TYPED_ARRAY_OF_DTYPE[name].BYTES_PER_ELEMENT !== abi.dtypeSizes[name]) {
      throw new Error(`the wasm module's dtype '${name}' has no typed array in bindings/js/dtypes.js`);
    }
  }
  const SLOT = abi.slots;
  const statusNames = [];
  for (const [name, code] of Object.entries(abi.statuses)) statusNames[code] = name;

  // Whole-heap views, re-derived only when memory growth replaced the buffer (growth detaches the
  // old one: its byteLength becomes 0).
  // Per-type records in null-prototype lists searched by identity (Map methods, and setters on
  // Array.prototype's indices, are the caller's to define).
  const recordList = () => ({ __proto__: null, length: 0 });
  const views = { u8: null, buffer: null, args: null, byType: recordList() };
  const recordOf = (list, ArrayType) => {
    for (let i = 0; i < list.length; ++i) if (list[i].ArrayType === ArrayType) return list[i];
    const record = { ArrayType, view: null, pointer: -1, count: -1, buffer: null };
    list[list.length++] = record;
    return record;
  };
  const argsAddress = fns.argpool_args();

  function refresh() {
    if (views.u8 === null || views.u8.byteLength === 0) {
      const buffer = Module.HEAPU8.buffer;
      views.buffer = buffer;
      views.u8 = new TypedArrays.Uint8Array(buffer);
      views.args = new TypedArrays.Float64Array(buffer, argsAddress, SLOT.COUNT);
      views.byType = recordList();
    }
  }

  function heapBuffer() {
    refresh();
    return views.buffer;
  }

  // The argument block (a view over wasm memory, valid until the next allocation).
  function args() {
    refresh();
    return views.args;
  }

  // A view of `count` elements of `ArrayType` at `pointer` (made with the captured constructor:
  // no species lookup, so nothing a caller defined runs).
  function viewAt(ArrayType, pointer, count) {
    return new ArrayType(heapBuffer(), pointer, count);
  }

  // The whole heap as `ArrayType` (kept until memory grows). Its own `constructor` is undefined, so
  // slice() makes its result with the intrinsic constructor: no species lookup, no caller code.
  function heapAs(ArrayType) {
    refresh();
    const record = recordOf(views.byType, ArrayType);
    if (record.view === null) {
      record.view = new ArrayType(views.buffer);
      ObjectDefineProperty(record.view, 'constructor', { value: undefined });
    }
    return record.view;
  }

  function errorText() {
    return readCString(Module, fns.argpool_error());
  }

  function check(fn, status) {
    if (status !== 0) throw errorFromStatus(statusNames[status] ?? `status ${status}`, `${fn}: ${errorText()}`);
  }

  function malloc(fn, bytes) {
    // 16-byte aligned (malloc gives 8): the kernels' 16-byte vector stores are much faster aligned.
    const pointer = bytes <= MAX_ALLOCATION ? memalign(16, MathMax(bytes, 16)) : 0;
    if (!pointer) {
      throw new ArgpoolError(`${fn}: cannot allocate ${bytes} bytes of wasm memory (the module is limited to 2 GiB)`,
        'ARGPOOL_OUT_OF_MEMORY');
    }
    return pointer;
  }

  // Called once so that Emscripten swaps its lazy wrappers for the raw exports, then kept.
  Module._free(0);
  const free = Module._free;
  const scratch = { pointer: 0, bytes: 0 };
  scratch.pointer = Module._memalign(16, SCRATCH_BYTES);
  const memalign = Module._memalign;
  scratch.bytes = scratch.pointer ? SCRATCH_BYTES : 0;

  const align = (bytes) => MathCeil(bytes / 16) * 16;

  // Staging memory for one call: the scratch block kept since load when `bytes` fit (no caller code
  // runs while a call stages, so no other call can be using it), else a block of its own that
  // unstage() frees, so that a call leaves the heap as it found it.
  function stage(fn, bytes) {
    return bytes <= scratch.bytes ? scratch.pointer : malloc(fn, bytes);
  }

  function unstage(pointer) {
    if (pointer !== scratch.pointer) free(pointer);
  }

  // Runs body(p0, p1, p2) with one staging buffer per byte size (0: no buffer, pointer 0).
  function withStaging(fn, bytes0, bytes1, bytes2, body) {
    const size0 = align(bytes0), size1 = align(bytes1), size2 = align(bytes2);
    const base = stage(fn, size0 + size1 + size2);
    try {
      return body(size0 && base, size1 && base + size0, size2 && base + size0 + size1);
    } finally {
      unstage(base);
    }
  }

  // Copies a caller's typed array into wasm memory, measured now (a resizable or growable buffer,
  // or a detached one, is measured at the moment of the copy).
  function copyIn(fn, label, data, ArrayType, pointer, count) {
    const length = TypedArrayPrototypeGetLength(data);
    if (length !== count) throw resizedError(fn, label, length, count);
    if (count > 0) TypedArrayPrototypeSet(heapAs(ArrayType), data, pointer / ArrayType.BYTES_PER_ELEMENT);
  }

  // Small integer copies element by element (integer-indexed access of genuine typed arrays runs no
  // caller code): cheaper than making a view of the range. Floats always go through set(), a byte
  // copy: reading a NaN into a JS number may change its payload.
  const SMALL_COPY = 64;
  function copyFromHeap(target, ArrayType, pointer, count) {
    if (count <= SMALL_COPY && ArrayType !== TypedArrays.Float32Array && ArrayType !== TypedArrays.Float64Array) {
      const heap = heapAs(ArrayType);
      const start = pointer / ArrayType.BYTES_PER_ELEMENT;
      for (let i = 0; i < count; ++i) target[i] = heap[start + i];
    } else if (count > 0) {
      TypedArrayPrototypeSet(target, sourceView(ArrayType, pointer, count));
    }
  }

  // The last copy-out source view of each type, kept while memory does not grow: a loop of calls
  // stages at the same address, so it copies out of the same range and need not make a view per call.
  const lastViews = recordList();
  function sourceView(ArrayType, pointer, count) {
    const buffer = heapBuffer();
    const last = recordOf(lastViews, ArrayType);
    if (last.pointer !== pointer || last.count !== count || last.buffer !== buffer) {
      last.view = new ArrayType(buffer, pointer, count);
      last.pointer = pointer;
      last.count = count;
      last.buffer = buffer;
    }
    return last.view;
  }

  // Copies `count` elements at `pointer` into a caller's typed array (measured now) or a new one.
  function copyOut(fn, label, target, ArrayType, pointer, count) {
    if (target === null) { // a byte copy into fresh memory, faster than new + set()
      const start = pointer / ArrayType.BYTES_PER_ELEMENT;
      return TypedArrayPrototypeSlice(heapAs(ArrayType), start, start + count);
    }
    const length = TypedArrayPrototypeGetLength(target);
    if (length !== count) throw resizedError(fn, label, length, count);
    copyFromHeap(target, ArrayType, pointer, count);
    return target;
  }

  function resizedError(fn, label, length, count) {
    return new ArgpoolRangeError(`${fn}: ${label} has ${length} elements at the time of the copy but needs ${count} ` +
      '(its buffer was resized, shrunk or detached during the call)', 'ARGPOOL_INVALID_ARGUMENT');
  }

  // Whether two operands (a typed array, or a wasm tensor at `pointer`) share bytes.
  const bufferOf = (operand) => (operand.pointer ? heapBuffer() : TypedArrayPrototypeGetBuffer(operand.data));
  const startOf = (operand) => (operand.pointer ? operand.pointer : TypedArrayPrototypeGetByteOffset(operand.data));
  const endOf = (operand) => (operand.pointer ? operand.pointer + operand.bytes
    : TypedArrayPrototypeGetByteOffset(operand.data) + TypedArrayPrototypeGetByteLength(operand.data));

  function overlap(a, b) {
    if (a === null || b === null || bufferOf(a) !== bufferOf(b)) return false;
    return startOf(a) < endOf(b) && startOf(b) < endOf(a);
  }

  function writeShape(a, slot, shape) {
    a[slot] = shape.length;
    for (let i = 0; i < shape.length; ++i) a[slot + 1 + i] = shape[i];
  }

  // Written by C++ after its checks: every dim is at most 2^31-1, so `| 0` is exact.
  function readShape(a, slot) {
    const rank = a[slot];
    return rank === 3 ? [a[slot + 1] | 0, a[slot + 2] | 0, a[slot + 3] | 0]
      : rank === 4 ? [a[slot + 1] | 0, a[slot + 2] | 0, a[slot + 3] | 0, a[slot + 4] | 0]
        : [a[slot + 1] | 0, a[slot + 2] | 0, a[slot + 3] | 0, a[slot + 4] | 0, a[slot + 5] | 0];
  }

  function writeList(a, slot, values) {
    for (let i = 0; i < values.length; ++i) a[slot + i] = values[i];
  }

  function writePoolParams(a, p) {
    writeList(a, SLOT.KERNEL, p.kernelSize);
    writeList(a, SLOT.STRIDE, p.stride);
    writeList(a, SLOT.PAD_BEGIN, p.padBegin);
    writeList(a, SLOT.PAD_END, p.padEnd);
    writeList(a, SLOT.DILATION, p.dilation);
    a[SLOT.CEIL_MODE] = p.ceilMode ? 1 : 0;
    a[SLOT.PAD_MODE] = abi.padModes[p.padMode];
    a[SLOT.LAYOUT] = abi.layouts[p.layout];
  }

  function writeUnpoolParams(a, p) {
    writeList(a, SLOT.KERNEL, p.kernelSize);
    writeList(a, SLOT.STRIDE, p.stride);
    writeList(a, SLOT.PAD_BEGIN, p.padBegin);
    writeList(a, SLOT.PAD_END, p.padEnd);
    a[SLOT.HAS_OUTPUT_SIZE] = p.outputSize ? 1 : 0;
    if (p.outputSize) writeList(a, SLOT.OUTPUT_SIZE, p.outputSize);
    a[SLOT.LAYOUT] = abi.layouts[p.layout];
  }

  // `int64`: the storage type of these indices (an output's indexType or an input's array).
  function writeIndexSpec(a, index, int64, to = false) {
    a[to ? SLOT.TO_INDEX_MODE : SLOT.INDEX_MODE] = abi.indexModes[index.mode];
    a[to ? SLOT.TO_INDEX_INT64 : SLOT.INDEX_INT64] = int64 ? 1 : 0;
    a[to ? SLOT.TO_COLUMN_MAJOR : SLOT.COLUMN_MAJOR] = index.columnMajor ? 1 : 0;
    a[to ? SLOT.TO_INCLUDE_BATCH : SLOT.INCLUDE_BATCH] = index.includeBatch ? 1 : 0;
  }

  // Owner token of this instance's tensors, and the safety net for tensors never disposed.
  let liveTensors = 0;
  const tensorRegistry = new SafeFinalizationRegistry((pointer) => {
    free(pointer);
    liveTensors -= 1;
  });
  const owner = ObjectFreeze({
    Module,
    release(tensor, pointer) {
      tensorRegistry.unregister(tensor);
      free(pointer);
      liveTensors -= 1;
    },
  });

  function registerTensor(tensor, pointer) {
    liveTensors += 1;
    tensorRegistry.register(tensor, pointer, tensor);
  }

  function stats() {
    return {
      wasmMemoryBytes: heapBuffer().byteLength,
      heapInUseBytes: fns.argpool_heap_in_use(),
      liveTensors,
    };
  }

  return ObjectFreeze({
    Module, abi, fns, SLOT, owner, args, check, malloc, free, align, stage, unstage, withStaging, copyIn, copyOut, overlap, viewAt,
    writeShape, readShape, writeList, writePoolParams, writeUnpoolParams, writeIndexSpec, registerTensor, stats,
    WasmTensor,
  });
}
