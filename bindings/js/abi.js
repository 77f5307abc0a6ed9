// The C ABI of the wasm module (bindings/wasm_exports.cpp), learnt from the module itself when it
// loads: slots of the argument block, enum codes, dtype sizes, statuses and the kernel tables all
// come from argpool_describe_abi(), so JavaScript keeps no copy of a C++ number.
import { decodeUtf8, JSONParse, ObjectFreeze } from './primordials.js';

const EXPORTS = [
  'argpool_describe_abi', 'argpool_args', 'argpool_error', 'argpool_heap_in_use', 'argpool_plan_free',
  'argpool_pool_output_shape', 'argpool_unpool_output_shape', 'argpool_convert_indices',
  'argpool_plan_max_pool', 'argpool_run_max_pool', 'argpool_plan_max_unpool', 'argpool_run_max_unpool',
  'argpool_plan_max_pool_backward', 'argpool_run_max_pool_backward',
  'argpool_plan_max_unpool_backward', 'argpool_run_max_unpool_backward',
];

// A NUL-terminated UTF-8 string at `pointer` in the module's memory.
export function readCString(Module, pointer) {
  const heap = Module.HEAPU8;
  let end = pointer;
  while (heap[end] !== 0) ++end;
  return decodeUtf8(heap.subarray(pointer, end));
}

// { abi, fns }: the parsed description and the raw wasm exports, by name without the underscore.
// Each export is called once with zeros (safe by contract, see wasm_exports.cpp) so that Emscripten
// swaps its lazy wrapper for the raw export, which is then what every later call goes through.
export function bindAbi(Module, extraExports = []) {
  const fns = { __proto__: null };
  for (const name of [...EXPORTS, ...extraExports]) {
    const wrapper = Module[`_${name}`];
    if (typeof wrapper !== 'function') throw new Error(`the wasm module lacks the export ${name}`);
    wrapper(0, 0, 0, 0, 0, 0);
    fns[name] = Module[`_${name}`];
  }
  const abi = JSONParse(readCString(Module, fns.argpool_describe_abi()));
  return ObjectFreeze({ abi: deepFreeze(abi), fns: ObjectFreeze(fns) });
}

function deepFreeze(value) {
  if (value !== null && typeof value === 'object') {
    for (const key of Object.keys(value)) deepFreeze(value[key]);
    ObjectFreeze(value);
  }
  return value;
}
