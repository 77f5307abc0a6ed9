// Compute-only kernels. They assume arguments already validated by the operator layer
// (src/argpool/operators.cpp) and never allocate.
#pragma once

#include "argpool/types.h"

namespace argpool {

// Max pooling of `geometry.planes` contiguous planes: writes values and, unless `indices` is null,
// per-plane flat indices.
template <typename T>
using MaxPoolKernel = void (*)(const PoolGeometry& geometry, const T* input, T* values, int32_t* indices);

// Scalar reference: PyTorch 1.13's rule for every dtype, rank and parameter set.
template <typename T>
void max_pool_nchw_scalar(const PoolGeometry& geometry, const T* input, T* values, int32_t* indices);

#ifdef __wasm_simd128__
// 4 outputs per vector along W; any kernel, stride, padding and dilation, ranks 1-3.
void max_pool_nchw_f32_generic_wasmsimd(const PoolGeometry& geometry, const float* input, float* values,
                                        int32_t* indices);
// kernel 2x2, stride 2, no padding, dilation 1 over H and W (depth kernel 1).
void max_pool_nchw_f32_2x2s2_wasmsimd(const PoolGeometry& geometry, const float* input, float* values,
                                      int32_t* indices);
// kernel 3x3, stride 2, padding 1, dilation 1 over H and W (depth kernel 1).
void max_pool_nchw_f32_3x3s2p1_wasmsimd(const PoolGeometry& geometry, const float* input, float* values,
                                        int32_t* indices);

// The memory-bound reference for benchmarks: reads `input` once and writes `values` and (unless
// null) `indices` once, with the same access widths as the pooling kernels and no window logic.
void memory_bound_f32_wasmsimd(const float* input, size_t input_count, float* values, int32_t* indices,
                               size_t output_count);
#endif

// Zero-fills `output` and writes each value at its plane index; for duplicate indices the last
// write in input order wins (PyTorch's CPU order).
template <typename T>
void max_unpool_scalar(size_t planes, size_t in_plane, size_t out_plane, const T* values, const int32_t* indices,
                       T* output);

// Zero-fills `grad_input` and adds each gradient at its plane index, in gradient order (so
// overlapping windows accumulate exactly as in PyTorch's CPU kernel).
template <typename T>
void max_pool_backward_scalar(size_t planes, size_t grad_plane, size_t in_plane, const T* grad_output,
                              const int32_t* indices, T* grad_input);

}  // namespace argpool
