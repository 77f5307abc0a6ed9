#ifdef __wasm_simd128__
#include <wasm_simd128.h>

#include <cassert>

#include "kernels/kernels.h"
#include "kernels/max_pool_window.h"
#include "kernels/wasmsimd_argmax.h"

namespace argpool {

namespace {

template <bool kWithIndices>
void pool_3by3s2p1(const PoolGeometry& g, const float* input, float* values, int32_t* indices) {
  assert(g.kernel[0] == 1 && g.stride[0] == 1 && g.pad[0] == 0);
  assert(g.kernel[1] == 3 && g.kernel[2] == 3 && g.stride[1] == 2 && g.stride[2] == 2);
  assert(g.pad[1] == 1 && g.pad[2] == 1 && g.dilation[1] == 1 && g.dilation[2] == 1);
  const int64_t in_h = g.in[1], in_w = g.in[2], out_w = g.out[2];
  const v128_t lane_offset = wasm_i32x4_make(0, 2, 4, 6);
  const v128_t one = wasm_i32x4_splat(1), two = wasm_i32x4_splat(2);
  const size_t in_plane = g.in_plane(), out_plane = g.out_plane();
  int32_t unused_index;

  for (size_t p = 0; p < g.planes; ++p) {
    const float* x = input + p * in_plane;
    float* y = values + p * out_plane;
    int32_t* yi = kWithIndices ? indices + p * out_plane : nullptr;
    for (int64_t od = 0; od < g.out[0]; ++od) {
      for (int64_t oh = 0; oh < g.out[1]; ++oh, y += out_w, yi = kWithIndices ? yi + out_w : nullptr) {
        // Rows 2*oh-1 .. 2*oh+1, clipped: padded rows are simply not scanned.
        const int64_t h0 = std::max<int64_t>(2 * oh - 1, 0), h_end = std::min<int64_t>(2 * oh + 2, in_h);
        int64_t ow = 0;
        if (out_w > 0) max_pool_window(g, x, od, oh, ow++, &y[0], kWithIndices ? &yi[0] : &unused_index);  // column -1 is padding
        // Group of 4 outputs reads columns 2*ow-1 .. 2*ow+7.
        for (; ow + 3 < out_w && 2 * ow + 7 < in_w; ow += 4) {
          const int64_t col = 2 * ow - 1;
          v128_t best = wasm_f32x4_splat(0), best_index = wasm_i32x4_splat(0);
          for (int64_t h = h0; h < h_end; ++h) {
            const int64_t tap = (od * in_h + h) * in_w + col;
            const float* r = x + tap;
            const v128_t v0 = wasm_v128_load(r), v1 = wasm_v128_load(r + 4), v2 = wasm_v128_load32_zero(r + 8);
            const v128_t left = wasm_i32x4_shuffle(v0, v1, 0, 2, 4, 6);
            const v128_t mid = wasm_i32x4_shuffle(v0, v1, 1, 3, 5, 7);
            const v128_t right = wasm_i32x4_shuffle(left, v2, 1, 2, 3, 4);
            const v128_t left_index = wasm_i32x4_add(wasm_i32x4_splat((int32_t)tap), lane_offset);
            if (h == h0) {  // the first tap seeds the max: same result as starting from -inf
              best = left;
              best_index = left_index;
            } else {
              argmax_step(left, left_index, &best, &best_index);
            }
            argmax_step(mid, wasm_i32x4_add(left_index, one), &best, &best_index);
            argmax_step(right, wasm_i32x4_add(left_index, two), &best, &best_index);
          }
          wasm_v128_store(&y[ow], best);
          if (kWithIndices) wasm_v128_store(&yi[ow], best_index);
        }
        for (; ow < out_w; ++ow) max_pool_window(g, x, od, oh, ow, &y[ow], kWithIndices ? &yi[ow] : &unused_index);
      }
    }
  }
}

}  // namespace

void max_pool_nchw_f32_3x3s2p1_wasmsimd(const PoolGeometry& g, const float* input, float* values,
                                        int32_t* indices) {
  // Values only: the index arithmetic is dead code in that instantiation and disappears.
  if (indices != nullptr) {
    pool_3by3s2p1<true>(g, input, values, indices);
  } else {
    pool_3by3s2p1<false>(g, input, values, nullptr);
  }
}

}  // namespace argpool
#endif  // __wasm_simd128__
