#ifdef __wasm_simd128__
#include <wasm_simd128.h>

#include <cassert>

#include "kernels/kernels.h"
#include "kernels/max_pool_window.h"
#include "kernels/wasmsimd_argmax.h"

namespace argpool {

namespace {

// One tap of 4 adjacent windows: p[0], p[s], p[2s], p[3s]. Stride 2 reads p[7] too; the caller's
// column bound accounts for that extra element.
inline v128_t load_tap(const float* p, int64_t stride) {
  if (stride == 1) return wasm_v128_load(p);
  if (stride == 2) return load_even(p);
  return wasm_f32x4_make(p[0], p[stride], p[2 * stride], p[3 * stride]);
}

template <bool kWithIndices>
void pool_generic(const PoolGeometry& g, const float* input, float* values, int32_t* indices) {
  const int64_t in_w = g.in[2], out_w = g.out[2];
  const int64_t stride = g.stride[2], pad = g.pad[2], dilation = g.dilation[2], kernel = g.kernel[2];
  // Vector groups need every tap of lanes 0..3 inside the row: ow * stride >= pad for lane 0, and
  // (ow + 3) * stride - pad + (kernel - 1) * dilation (+1 for the paired stride-2 load) < in_w.
  const int64_t ow_first = (pad + stride - 1) / stride;
  const int64_t reach = in_w - 1 - (stride == 2 ? 1 : 0) + pad - (kernel - 1) * dilation;
  const int64_t ow_last_full = reach >= 0 ? reach / stride : -1;  // last ow whose window fits
  const v128_t lane_offset = wasm_i32x4_make(0, (int32_t)stride, (int32_t)(2 * stride), (int32_t)(3 * stride));
  const v128_t minus_inf = wasm_f32x4_splat(-__builtin_inff());
  const size_t in_plane = g.in_plane(), out_plane = g.out_plane();
  int32_t unused_index;

  for (size_t p = 0; p < g.planes; ++p) {
    const float* x = input + p * in_plane;
    float* y = values + p * out_plane;
    int32_t* yi = kWithIndices ? indices + p * out_plane : nullptr;
    for (int64_t od = 0; od < g.out[0]; ++od) {
      const int64_t ds = od * g.stride[0] - g.pad[0];
      const int64_t d0 = first_tap(ds, g.dilation[0]);
      const int64_t d_end = std::min(ds + (g.kernel[0] - 1) * g.dilation[0] + 1, g.in[0]);
      for (int64_t oh = 0; oh < g.out[1]; ++oh, y += out_w, yi = kWithIndices ? yi + out_w : nullptr) {
        const int64_t hs = oh * g.stride[1] - g.pad[1];
        const int64_t h0 = first_tap(hs, g.dilation[1]);
        const int64_t h_end = std::min(hs + (g.kernel[1] - 1) * g.dilation[1] + 1, g.in[1]);
        int64_t ow = 0;
        for (; ow < out_w && ow < ow_first; ++ow) max_pool_window(g, x, od, oh, ow, &y[ow], kWithIndices ? &yi[ow] : &unused_index);
        auto group = [&](int64_t first) {
          const int64_t col = first * stride - pad;
          v128_t best = minus_inf;
          v128_t best_index = wasm_i32x4_add(wasm_i32x4_splat((int32_t)((d0 * g.in[1] + h0) * in_w + col)), lane_offset);
          for (int64_t d = d0; d < d_end; d += g.dilation[0]) {
            for (int64_t h = h0; h < h_end; h += g.dilation[1]) {
              const int64_t row = (d * g.in[1] + h) * in_w + col;
              for (int64_t k = 0; k < kernel; ++k) {
                const int64_t tap = row + k * dilation;
                const v128_t tap_index = wasm_i32x4_add(wasm_i32x4_splat((int32_t)tap), lane_offset);
                argmax_step(load_tap(x + tap, stride), tap_index, &best, &best_index);
              }
            }
          }
          wasm_v128_store(&y[first], best);
          if (kWithIndices) wasm_v128_store(&yi[first], best_index);
        };
        for (; ow + 3 < out_w && ow + 3 <= ow_last_full; ow += 4) group(ow);
        // A last group overlapping the previous outputs rewrites identical values instead of
        // leaving up to 3 windows to the scalar path.
        const int64_t group_last = std::min(out_w - 1, ow_last_full);
        if (ow <= group_last && group_last - 3 >= ow_first) {
          group(group_last - 3);
          ow = group_last + 1;
        }
        for (; ow < out_w; ++ow) max_pool_window(g, x, od, oh, ow, &y[ow], kWithIndices ? &yi[ow] : &unused_index);
      }
    }
  }
}

}  // namespace

void max_pool_nchw_f32_generic_wasmsimd(const PoolGeometry& g, const float* input, float* values,
                                        int32_t* indices) {
  // Values only: the index arithmetic is dead code in that instantiation and disappears.
  if (indices != nullptr) {
    pool_generic<true>(g, input, values, indices);
  } else {
    pool_generic<false>(g, input, values, nullptr);
  }
}

}  // namespace argpool
#endif  // __wasm_simd128__
