// The kernel tester's environment-free core: argpool over the tester module (the package's module
// plus test-only exports, built by `npm run build` into build/wasm/tester/; never packed). Beside
// the public API it runs any kernel of the module's tables by name, for the differential suites
// and the benchmarks' memory-bound reference. tests/support/tester.mjs loads it in Node; the
// benchmark page (web/bench.js) loads it in the browser.
import { createArgpool } from '../../bindings/js/api.js';
import { ArgpoolTypeError } from '../../bindings/js/errors.js';

const TAGS = { float32: 'f32', float64: 'f64', int8: 's8', uint8: 'u8', int16: 's16', uint16: 'u16', int32: 's32' };
const DTYPE_OF_TAG = {
  Float32Array: 'float32', Float64Array: 'float64', Int8Array: 'int8', Uint8Array: 'uint8', Uint8ClampedArray: 'uint8',
  Int16Array: 'int16', Uint16Array: 'uint16', Int32Array: 'int32', Int32ArrayIndex: 'int32',
};

// `factory`: the tester glue's default export; `wasmBinary`: the tester's .wasm bytes.
export async function createTesterWith(factory, wasmBinary) {
  const Module = await factory({ wasmBinary, print() {}, printErr() {} });
  let kernels = null;
  const testing = {
    extraExports: ['argpool_memory_bound'],
    kernelIndex(table, name) {
      if (name === undefined || name === null) return -1;
      const list = table === 'maxPool' ? kernels.maxPool : kernels.scatter;
      const index = list.findIndex((k) => k.name === name);
      return index; // -1 would mean "preferred": unknown names are refused below
    },
    attach(api, { rt }) {
      kernels = { maxPool: rt.abi.maxPoolKernels, scatter: rt.abi.scatterKernels };
      internals = rt;
    },
  };
  let internals = null;
  const ap = createArgpool(Module, { testing });
  const known = (table, name) => name === null || kernels[table].some((k) => k.name === name);

  // A kernel's full name from the short names the suites use ('scalar', 'auto', 'f32_k2s2_wasmsimd').
  function poolKernel(name, dtype, layout) {
    if (name === 'auto') return null;
    const l = layout === 'NHWC' ? 'nhwc' : 'nchw';
    if (name === 'scalar') return `max_pool_${l}_${TAGS[dtype]}_scalar`;
    // 'bytes_wasmsimd': the int8/uint8 kernel of the layout and dtype (max_pool_{nchw,nhwc}_{s8,u8}_wasmsimd).
    if (name === 'bytes_wasmsimd') return `max_pool_${l}_${TAGS[dtype]}_wasmsimd`;
    if (name === 'f32_nhwc_wasmsimd') return 'max_pool_nhwc_f32_wasmsimd';
    return name.startsWith('max_') ? name : `max_pool_nchw_${name}`;
  }

  function scatterKernel(name, op, dtype, layout) {
    if (name === 'auto') return null;
    const l = layout === 'NHWC' ? 'nhwc' : 'nchw';
    const prefix = op === 'unpool' ? 'max_unpool' : 'max_pool_backward';
    if (name === 'scalar' || name === 'planewise') return `${prefix}_${l}_${TAGS[dtype]}_${name}`;
    if (name === 'x32_2x2s2_wasmsimd') return op === 'unpool' ? 'max_unpool_nchw_x32_2x2s2_wasmsimd' : 'max_pool_backward_nchw_f32_2x2s2_wasmsimd';
    return name;
  }

  const dtypeOf = (t) => (typeof t.dtype === 'string' ? t.dtype : DTYPE_OF_TAG[t.data.constructor.name]);
  const shapeOf = (t) => [...t.shape];
  const layoutOf = (options) => (options?.layout === 'NHWC' ? 'NHWC' : 'NCHW');

  function checkKnown(table, name) {
    if (!known(table, name)) throw new ArgpoolTypeError(`unknown kernel ${name}`);
  }

  return {
    ap,
    Module,
    kernels: () => kernels,
    // ap.maxPool with a chosen kernel (through a plan made for it).
    maxPool(input, options, kernelName, out) {
      const kernel = poolKernel(kernelName, dtypeOf(input), layoutOf(options));
      checkKnown('maxPool', kernel);
      const plan = ap.maxPoolPlan(shapeOf(input), options, { dtype: dtypeOf(input), kernel });
      try {
        return plan.run(input, out);
      } finally {
        plan.dispose();
      }
    },
    maxUnpool(values, indices, options, kernelName, out) {
      const kernel = scatterKernel(kernelName, 'unpool', dtypeOf(values), layoutOf(options));
      checkKnown('scatter', kernel);
      const indexType = indices.dtype ?? (indices.data instanceof BigInt64Array ? 'int64' : 'int32');
      const plan = ap.maxUnpoolPlan(shapeOf(values), options, { dtype: dtypeOf(values), indexType, kernel });
      try {
        return plan.run(values, indices, out);
      } finally {
        plan.dispose();
      }
    },
    maxPoolBackward(gradOutput, indices, inputShape, options, kernelName, out) {
      const kernel = scatterKernel(kernelName, 'backward', dtypeOf(gradOutput), layoutOf(options));
      checkKnown('scatter', kernel);
      const indexType = indices.dtype ?? (indices.data instanceof BigInt64Array ? 'int64' : 'int32');
      const plan = ap.maxPoolBackwardPlan(shapeOf(gradOutput), inputShape, options,
        { dtype: dtypeOf(gradOutput), indexType, kernel });
      try {
        return plan.run(gradOutput, indices, out);
      } finally {
        plan.dispose();
      }
    },
    // The memory-traffic floor (src/kernels/memory_bound_f32_wasmsimd.cpp) over wasm tensors;
    // pattern 'interleaved' (default) or 'two-passes'.
    memoryBound(input, values, indices, pattern = 'interleaved') {
      internals.fns.argpool_memory_bound(pointerOf(input), input.size, pointerOf(values),
        indices ? pointerOf(indices) : 0, values.size, pattern === 'two-passes' ? 1 : 0);
    },
    heapBytes: () => ap.stats().wasmMemoryBytes,
  };

  function pointerOf(t) {
    return t.data.byteOffset;
  }
}
