// Mirror of bindings/abi.h: slots of the Float64 argument block shared with C++.
export const SLOT = Object.freeze({
  SHAPE_A: 0,
  SHAPE_B: 6,
  SHAPE_C: 12,
  KERNEL: 18,
  STRIDE: 21,
  PADDING: 24,
  DILATION: 27,
  CEIL_MODE: 30,
  HAS_OUTPUT_SIZE: 31,
  OUTPUT_SIZE: 32,
  HAS_POOL_PARAMS: 35,
  SHAPE_OUT: 36,
  COUNT: 48,
});

// Kernel ids of src/argpool/operators.h (MaxPoolKernelId), for tests that force a kernel.
export const KERNEL = Object.freeze({
  auto: 0,
  scalar: 1,
  f32_generic_wasmsimd: 2,
  f32_2x2s2_wasmsimd: 3,
  f32_3x3s2p1_wasmsimd: 4,
});
