// Mirror of bindings/abi.h: slots of the Float64 argument block shared with C++, and the C++
// enum values (src/argpool/types.h, src/argpool/operators.h).
export const SLOT = Object.freeze({
  SHAPE_A: 0,
  SHAPE_B: 6,
  SHAPE_C: 12,
  KERNEL: 18,
  STRIDE: 21,
  PAD_BEGIN: 24,
  DILATION: 27,
  CEIL_MODE: 30,
  HAS_OUTPUT_SIZE: 31,
  OUTPUT_SIZE: 32,
  HAS_POOL_PARAMS: 35,
  SHAPE_OUT: 36,
  PAD_END: 42,
  PAD_MODE: 45,
  LAYOUT: 46,
  INDEX_MODE: 47,
  INDEX_INT64: 48,
  COLUMN_MAJOR: 49,
  INCLUDE_BATCH: 50,
  TO_INDEX_MODE: 51,
  TO_INDEX_INT64: 52,
  TO_COLUMN_MAJOR: 53,
  TO_INCLUDE_BATCH: 54,
  COUNT: 56,
});

export const LAYOUT = Object.freeze({ NCHW: 0, NHWC: 1 });
export const INDEX_MODE = Object.freeze({ plane: 0, global: 1, tf: 2 });
export const PAD_MODE = Object.freeze({ pytorch: 0, explicit: 1, SAME_UPPER: 2, SAME_LOWER: 3, VALID: 4 });

// Kernel ids (MaxPoolKernelId), for tests that force a kernel.
export const KERNEL = Object.freeze({
  auto: 0,
  scalar: 1,
  f32_generic_wasmsimd: 2,
  f32_k2s2_wasmsimd: 3,
  f32_3x3s2p1_wasmsimd: 4,
  f32_nhwc_wasmsimd: 5,
  x8_wasmsimd: 6,
});

// Unpool / backward kernel ids (ScatterKernelId), for tests that force a kernel.
export const SCATTER_KERNEL = Object.freeze({
  auto: 0,
  scalar: 1,
  planewise: 2,
  x32_2x2s2_wasmsimd: 3,
});
