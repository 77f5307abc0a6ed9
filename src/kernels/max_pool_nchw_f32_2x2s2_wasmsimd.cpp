#ifdef __wasm_simd128__
#include <wasm_simd128.h>

#include <cassert>

#include "kernels/kernels.h"
#include "kernels/max_pool_window.h"
#include "kernels/wasmsimd_argmax.h"

namespace argpool {

namespace {

// Four outputs from the column pair starting at 2g of input rows `row` and `row + in_w`.
// kExact applies the NaN rule; otherwise the NaN-free step runs and every tap is added to
// `nan_sum`, so that a NaN sends the whole output row to the exact path.
template <bool kWithIndices, bool kExact>
inline void pool_group(const float* x, int64_t row, int64_t in_w, int64_t g, float* y, int32_t* yi, v128_t* nan_sum) {
  const float* top = x + row + 2 * g;
  const v128_t t0 = wasm_v128_load(top), t1 = wasm_v128_load(top + 4);
  const v128_t b0 = wasm_v128_load(top + in_w), b1 = wasm_v128_load(top + in_w + 4);
  const v128_t tl = wasm_i32x4_shuffle(t0, t1, 0, 2, 4, 6), tr = wasm_i32x4_shuffle(t0, t1, 1, 3, 5, 7);
  const v128_t bl = wasm_i32x4_shuffle(b0, b1, 0, 2, 4, 6), br = wasm_i32x4_shuffle(b0, b1, 1, 3, 5, 7);
  if (!kExact) *nan_sum = wasm_f32x4_add(*nan_sum, wasm_f32x4_add(wasm_f32x4_add(tl, tr), wasm_f32x4_add(bl, br)));
  if (!kWithIndices && !kExact) {
    wasm_v128_store(&y[g], wasm_f32x4_pmax(wasm_f32x4_pmax(wasm_f32x4_pmax(tl, tr), bl), br));
    return;
  }
  v128_t best = tl;
  v128_t best_index = wasm_i32x4_add(wasm_i32x4_splat(static_cast<int32_t>(row + 2 * g)), wasm_i32x4_make(0, 2, 4, 6));
  const v128_t one = wasm_i32x4_splat(1);
  const v128_t top_right = wasm_i32x4_add(best_index, one);
  const v128_t bottom_left = wasm_i32x4_add(best_index, wasm_i32x4_splat(static_cast<int32_t>(in_w)));
  const v128_t bottom_right = wasm_i32x4_add(bottom_left, one);
  if (kExact) {
    argmax_step(tr, top_right, &best, &best_index);
    argmax_step(bl, bottom_left, &best, &best_index);
    argmax_step(br, bottom_right, &best, &best_index);
  } else {
    argmax_step_ordered(tr, top_right, &best, &best_index);
    argmax_step_ordered(bl, bottom_left, &best, &best_index);
    argmax_step_ordered(br, bottom_right, &best, &best_index);
  }
  wasm_v128_store(&y[g], best);
  if (kWithIndices) wasm_v128_store(&yi[g], best_index);
}

template <bool kWithIndices, bool kExact>
v128_t pool_row(const float* x, int64_t row, int64_t in_w, int64_t full_end, float* y, int32_t* yi) {
  v128_t nan_sum = wasm_f32x4_splat(0);
  int64_t o = 0;
  for (; o + 4 <= full_end; o += 4) pool_group<kWithIndices, kExact>(x, row, in_w, o, y, yi, &nan_sum);
  // A last group overlapping the previous one rewrites identical outputs instead of leaving up
  // to 3 windows to the scalar path.
  if (o < full_end) pool_group<kWithIndices, kExact>(x, row, in_w, full_end - 4, y, yi, &nan_sum);
  return nan_sum;
}

template <bool kWithIndices>
void pool_2by2s2(const PoolGeometry& g, const float* input, float* values, int32_t* indices) {
  assert(g.kernel[0] == 1 && g.stride[0] == 1 && g.pad[0] == 0);
  assert(g.kernel[1] == 2 && g.kernel[2] == 2 && g.stride[1] == 2 && g.stride[2] == 2);
  assert(g.pad[1] == 0 && g.pad[2] == 0 && g.dilation[1] == 1 && g.dilation[2] == 1);
  const int64_t in_h = g.in[1], in_w = g.in[2], out_w = g.out[2];
  const size_t in_plane = g.in_plane(), out_plane = g.out_plane();
  int32_t unused_index;
  // Outputs [0, full_end) have both columns inside the row (a ceil-mode last column may not).
  const int64_t full_end = std::min<int64_t>(out_w, in_w / 2);

  for (size_t p = 0; p < g.planes; ++p) {
    const float* x = input + p * in_plane;
    float* y = values + p * out_plane;
    int32_t* yi = kWithIndices ? indices + p * out_plane : nullptr;
    for (int64_t od = 0; od < g.out[0]; ++od) {
      for (int64_t oh = 0; oh < g.out[1]; ++oh, y += out_w, yi = kWithIndices ? yi + out_w : nullptr) {
        int64_t ow = 0;
        if (2 * oh + 1 < in_h && full_end >= 4) {  // a ceil-mode last row has one input row: scalar
          const int64_t row = (od * in_h + 2 * oh) * in_w;
          if (maybe_nan(pool_row<kWithIndices, false>(x, row, in_w, full_end, y, yi))) {
            pool_row<kWithIndices, true>(x, row, in_w, full_end, y, yi);
          }
          ow = full_end;
        }
        for (; ow < out_w; ++ow) max_pool_window(g, x, od, oh, ow, &y[ow], kWithIndices ? &yi[ow] : &unused_index);
      }
    }
  }
}

}  // namespace

void max_pool_nchw_f32_2x2s2_wasmsimd(const PoolGeometry& g, const float* input, float* values,
                                      int32_t* indices) {
  // Values only: the index arithmetic is dead code in that instantiation and disappears.
  if (indices != nullptr) {
    pool_2by2s2<true>(g, input, values, indices);
  } else {
    pool_2by2s2<false>(g, input, values, nullptr);
  }
}

}  // namespace argpool
#endif  // __wasm_simd128__
