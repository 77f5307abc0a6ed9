// Compute-only kernels. They assume arguments already validated by the operator layer
// (src/argpool/operators.cpp) and never allocate.
#pragma once

#include "argpool/types.h"

namespace argpool {

// Kernels for every value type are instantiated with ARGPOOL_FOR_EACH_DTYPE(M) (argpool/types.h):
// M(enumerator, C++ type, tag, name).

// Max pooling of `geometry.planes` contiguous planes: writes values and, unless `indices` is null,
// per-plane flat indices.
template <typename T>
using MaxPoolKernel = void (*)(const PoolGeometry& geometry, const T* input, T* values, int32_t* indices);

// Scalar references: PyTorch 1.13's rule for every dtype, rank and parameter set, channels
// first (NCHW) or channels last (NHWC; indices are spatial offsets, as PyTorch's channels_last).
template <typename T>
void max_pool_nchw_scalar(const PoolGeometry& geometry, const T* input, T* values, int32_t* indices);
template <typename T>
void max_pool_nhwc_scalar(const PoolGeometry& geometry, const T* input, T* values, int32_t* indices);

// The windows of the k2s2 kernels: width 2 stride 2; height and depth each 1 (stride 1) or 2
// (stride 2); no padding, dilation 1. 1D k2s2, 2D 2x2s2, 3D 2x2x2s2 and their mixes.
inline bool is_k2s2_window(const PoolGeometry& g) {
  for (int d = 0; d < 2; ++d) {
    const bool one = g.kernel[d] == 1 && g.stride[d] == 1, two = g.kernel[d] == 2 && g.stride[d] == 2;
    if (!(one || two) || g.pad[d] != 0 || g.dilation[d] != 1) return false;
  }
  return g.kernel[2] == 2 && g.stride[2] == 2 && g.pad[2] == 0 && g.dilation[2] == 1;
}

#ifdef __wasm_simd128__
// 4 outputs per vector along W; any kernel, stride, padding and dilation, ranks 1-3.
void max_pool_nchw_f32_generic_wasmsimd(const PoolGeometry& geometry, const float* input, float* values,
                                        int32_t* indices);
// kernel 2, stride 2 along W; 1 (stride 1) or 2 (stride 2) along H and D; no padding, dilation 1:
// 1D k2s2, 2D 2x2s2, 3D 2x2x2s2.
void max_pool_nchw_f32_k2s2_wasmsimd(const PoolGeometry& geometry, const float* input, float* values,
                                     int32_t* indices);
// kernel 3x3, stride 2, padding 1, dilation 1 over H and W (depth kernel 1).
void max_pool_nchw_f32_3x3s2p1_wasmsimd(const PoolGeometry& geometry, const float* input, float* values,
                                        int32_t* indices);

// NHWC, vectorised across channels (4 per vector; remaining channels scalar): any window, with
// a NaN-free fast path for k2s2 windows.
void max_pool_nhwc_f32_wasmsimd(const PoolGeometry& geometry, const float* input, float* values, int32_t* indices);
// NHWC, 16 channels per vector, signed / unsigned bytes: any window.
void max_pool_nhwc_s8_wasmsimd(const PoolGeometry& geometry, const int8_t* input, int8_t* values, int32_t* indices);
void max_pool_nhwc_u8_wasmsimd(const PoolGeometry& geometry, const uint8_t* input, uint8_t* values,
                               int32_t* indices);
// NCHW, 16 outputs per vector along W for stride 1 or 2 (other strides: scalar), bytes.
void max_pool_nchw_s8_wasmsimd(const PoolGeometry& geometry, const int8_t* input, int8_t* values, int32_t* indices);
void max_pool_nchw_u8_wasmsimd(const PoolGeometry& geometry, const uint8_t* input, uint8_t* values,
                               int32_t* indices);

// The memory-bound reference for benchmarks: reads `input` once and writes `values` and (unless
// null) `indices` once, with the same access widths as the pooling kernels and no window logic,
// either interleaved like a kernel's traffic or in two passes (input, then outputs).
enum class MemoryBoundPattern : int { kInterleaved = 0, kTwoPasses = 1 };
void memory_bound_f32_wasmsimd(const float* input, size_t input_count, float* values, int32_t* indices,
                               size_t output_count, MemoryBoundPattern pattern);
#endif

// Whether every index lies in [0, limit) (limit > 0): the fast check before a scatter.
bool indices_in_range(const int32_t* indices, size_t count, int32_t limit);

// Sizes of a scatter (unpool, backward) over `batch` x `channels` planes.
struct ScatterGeometry {
  size_t batch = 0;
  size_t channels = 0;
  size_t in_plane = 0;   // elements per plane of the values / gradient
  size_t out_plane = 0;  // elements per plane of the result
  // Rows and columns of both planes when they are 2D (every spatial dimension before the last two
  // is 1 in both, rank >= 2): in_h * in_w == in_plane, out_h * out_w == out_plane. Else all 0.
  int64_t in_h = 0, in_w = 0, out_h = 0, out_w = 0;
  // The pooling behind the indices has 2x2 stride-2 windows without padding over H, W (known from
  // its parameters, or assumed from the shapes when there are none): a hint for kernel choice.
  bool windows_2x2s2 = false;

  bool planes_2d() const { return in_h > 0 && out_h > 0; }
};

// Zero-fills `output` and writes each value at its per-plane index; for duplicate indices the
// last write in input order wins (PyTorch's CPU order), in either layout.
template <typename T, Layout kLayout>
void max_unpool_scalar(const ScatterGeometry& geometry, const T* values, const int32_t* indices, T* output);

// Zero-fills `grad_input` and adds each gradient at its per-plane index, in gradient order (so
// overlapping windows accumulate exactly as in PyTorch's CPU kernel).
template <typename T, Layout kLayout>
void max_pool_backward_scalar(const ScatterGeometry& geometry, const T* grad_output, const int32_t* indices,
                              T* grad_input);

// The same results as the two scalar references, bit for bit (the same writes and additions, in
// the same order, written as in the references), in fewer instructions: per plane
// (NCHW) or image (NHWC), an aligned 16-byte zero fill (wasm), then the scatter of that plane,
// unrolled by 4 with constant offsets (which V8 folds into the addressing). Any geometry, any
// indices that passed validation.
template <typename T, Layout kLayout>
void max_unpool_planewise(const ScatterGeometry& geometry, const T* values, const int32_t* indices, T* output);
template <typename T, Layout kLayout>
void max_pool_backward_planewise(const ScatterGeometry& geometry, const T* grad_output, const int32_t* indices,
                                 T* grad_input);

// The backward pass of max unpooling (gradient with respect to the values): a gather of
// `grad_output` (the unpooled output's gradient, `out_plane` per plane) at each value's index.
template <typename T, Layout kLayout>
void max_unpool_backward_scalar(const ScatterGeometry& geometry, const T* grad_output, const int32_t* indices,
                                T* grad_values);

#ifdef __wasm_simd128__
// NCHW, 2D planes (geometry.planes_2d()), the windows of a 2x2 stride-2 pooling without padding:
// pooled row i produces output rows 2i and 2i + 1 directly, each written once, as
// `value & (index == tap)` for the 4 taps of each window; rows and columns outside every window
// (an outputSize beyond the default) are zeroed. A plane holding any index outside its own window
// (indices of another pooling, repeated or arbitrary ones) is redone in full by the planewise
// kernel (the fast path gives the plane up after the first pooled row holding one), so the results
// always equal the scalar references bit for bit, duplicates included.
// T: any 4-byte type (float, int32_t; values are moved as bits).
template <typename T>
void max_unpool_nchw_x32_2x2s2_wasmsimd(const ScatterGeometry& geometry, const T* values, const int32_t* indices,
                                        T* output);
// The same for the backward pass of such a pooling (windows do not overlap): each hit cell gets
// +0 + gradient, exactly the reference's single addition to its zeroed cell.
void max_pool_backward_nchw_f32_2x2s2_wasmsimd(const ScatterGeometry& geometry, const float* grad_output,
                                               const int32_t* indices, float* grad_input);
#endif

}  // namespace argpool
