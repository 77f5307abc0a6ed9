// The row names both benchmark front ends must show (tools/bench/core.mjs): the bench tests list
// what they expect from these, so a renamed row is renamed in one place.
export const BOUND = 'bound: read input, write values + indices once (wasm SIMD)';
export const BOUND_VALUES = 'bound: read input, write values once (wasm SIMD)';
export const SCATTER_BOUND = 'bound: read values + indices, write the output once (wasm SIMD)';
export const NAIVE = 'naive JS (typed arrays, nested loops)';
// The ratios to the bound measured interleaved with it.
export const PAIRED_INDICES = 'argpool plan zero-copy ÷ bound, interleaved';
export const PAIRED_VALUES = 'argpool plan values only ÷ values bound, interleaved';
export const PAIRED_SCATTER = 'argpool zero-copy ÷ bound, interleaved';
export const PAIRED_TF = 'argpool plan zero-copy ÷ tfjs-wasm maxPool (XNNPACK, values only) [resident], interleaved';

// Bounds and argpool's own pooling rows, in table order.
export const ARGPOOL_POOL = [
  BOUND,
  BOUND_VALUES,
  'argpool maxPool zero-copy (wasm tensors)',
  'argpool maxPoolPlan(...).run zero-copy (wasm tensors)',
  'argpool maxPool values only, zero-copy',
  PAIRED_INDICES,
  PAIRED_VALUES,
  'argpool maxPool (typed arrays)',
  'argpool maxPool (typed arrays, out arrays reused)',
  'platform: new Float32Array + Int32Array, set() of the results',
  'argpool maxPool values only (returnIndices: false)',
];

// Peer rows come in two forms, named with a suffix.
export const bothForms = (name) => [`${name} [resident]`, `${name} [typed arrays]`];

// Unpool (U) and backward (V): bound, argpool and naive rows.
export const ARGPOOL_UNPOOL = [SCATTER_BOUND, 'argpool maxUnpool zero-copy (wasm tensors)', PAIRED_SCATTER, 'argpool maxUnpool (typed arrays)', NAIVE];
export const ARGPOOL_BACKWARD = [SCATTER_BOUND, 'argpool maxPoolBackward zero-copy (wasm tensors)', PAIRED_SCATTER, 'argpool maxPoolBackward (typed arrays)', NAIVE];
