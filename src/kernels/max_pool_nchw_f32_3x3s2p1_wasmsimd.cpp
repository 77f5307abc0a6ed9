#ifdef __wasm_simd128__
#include <wasm_simd128.h>

#include <cassert>

#include "kernels/kernels.h"
#include "kernels/max_pool_window.h"
#include "kernels/wasmsimd_argmax.h"

namespace argpool {

namespace {

// One row of taps (columns 2g-1, 2g, 2g+1 of four windows) folded into the running max.
// kFirstRow seeds the max with the first tap (same result as starting from -inf); kFirstGroup
// puts -inf in lane 0's padding column; kExact applies the NaN rule, else the NaN-free step runs
// and every tap is added to `nan_sum`.
template <bool kWithIndices, bool kExact, bool kFirstGroup, bool kFirstRow>
inline void fold_row(const float* x, int64_t row, int64_t g, v128_t* best, v128_t* best_index, v128_t* nan_sum) {
  const v128_t lane_offset = wasm_i32x4_make(0, 2, 4, 6);
  const v128_t one = wasm_i32x4_splat(1);
  const v128_t minus_inf = wasm_f32x4_splat(-__builtin_inff());
  const float* r = x + row + 2 * g;  // column 2g, the middle tap of lane 0
  const v128_t v0 = wasm_v128_load(r), v1 = wasm_v128_load(r + 4);
  const v128_t mid = wasm_i32x4_shuffle(v0, v1, 0, 2, 4, 6);
  const v128_t right = wasm_i32x4_shuffle(v0, v1, 1, 3, 5, 7);
  const v128_t left = kFirstGroup ? wasm_i32x4_shuffle(minus_inf, right, 0, 4, 5, 6)
                                  : wasm_i32x4_shuffle(wasm_v128_load32_zero(r - 1), right, 0, 4, 5, 6);
  if (!kExact) {
    // -inf in the padding lane: -inf + finite stays -inf, so it raises no false alarm.
    *nan_sum = wasm_f32x4_add(*nan_sum, wasm_f32x4_add(wasm_f32x4_add(left, mid), right));
    if (!kWithIndices) {
      const v128_t row_max = wasm_f32x4_pmax(wasm_f32x4_pmax(left, mid), right);
      *best = kFirstRow ? row_max : wasm_f32x4_pmax(*best, row_max);
      return;
    }
  }
  const v128_t mid_index = wasm_i32x4_add(wasm_i32x4_splat(static_cast<int32_t>(row + 2 * g)), lane_offset);
  // Lane 0 of the first group: column 0, not -1, so that an all -inf window reports its first
  // in-bounds tap.
  const v128_t left_index = wasm_i32x4_sub(mid_index, kFirstGroup ? wasm_i32x4_make(0, 1, 1, 1) : one);
  const v128_t right_index = wasm_i32x4_add(mid_index, one);
  if (kFirstRow) {
    *best = left;
    *best_index = left_index;
  } else if (kExact) {
    argmax_step(left, left_index, best, best_index);
  } else {
    argmax_step_ordered(left, left_index, best, best_index);
  }
  if (kExact) {
    argmax_step(mid, mid_index, best, best_index);
    argmax_step(right, right_index, best, best_index);
  } else {
    argmax_step_ordered(mid, mid_index, best, best_index);
    argmax_step_ordered(right, right_index, best, best_index);
  }
}

// Four outputs starting at column group g, over the valid rows [h0, h_end) (at most 3).
template <bool kWithIndices, bool kExact, bool kFirstGroup>
inline void pool_group(const float* x, int64_t row0, int64_t rows, int64_t in_w, int64_t g, float* y, int32_t* yi,
                       v128_t* nan_sum) {
  v128_t best, best_index = wasm_i32x4_splat(0);
  fold_row<kWithIndices, kExact, kFirstGroup, true>(x, row0, g, &best, &best_index, nan_sum);
  for (int64_t r = 1; r < rows; ++r) {
    fold_row<kWithIndices, kExact, kFirstGroup, false>(x, row0 + r * in_w, g, &best, &best_index, nan_sum);
  }
  wasm_v128_store(&y[g], best);
  if (kWithIndices) wasm_v128_store(&yi[g], best_index);
}

template <bool kWithIndices, bool kExact>
v128_t pool_row(const float* x, int64_t row0, int64_t rows, int64_t in_w, int64_t full_end, float* y, int32_t* yi) {
  v128_t nan_sum = wasm_f32x4_splat(0);
  pool_group<kWithIndices, kExact, true>(x, row0, rows, in_w, 0, y, yi, &nan_sum);
  int64_t o = 4;
  for (; o + 4 <= full_end; o += 4) pool_group<kWithIndices, kExact, false>(x, row0, rows, in_w, o, y, yi, &nan_sum);
  // A last group overlapping the previous one rewrites identical outputs.
  if (o < full_end) pool_group<kWithIndices, kExact, false>(x, row0, rows, in_w, full_end - 4, y, yi, &nan_sum);
  return nan_sum;
}

template <bool kWithIndices>
void pool_3by3s2p1(const PoolGeometry& g, const float* input, float* values, int32_t* indices) {
  assert(g.kernel[0] == 1 && g.stride[0] == 1 && g.pad[0] == 0);
  assert(g.kernel[1] == 3 && g.kernel[2] == 3 && g.stride[1] == 2 && g.stride[2] == 2);
  assert(g.pad[1] == 1 && g.pad[2] == 1 && g.dilation[1] == 1 && g.dilation[2] == 1);
  const int64_t in_h = g.in[1], in_w = g.in[2], out_w = g.out[2];
  const size_t in_plane = g.in_plane(), out_plane = g.out_plane();
  int32_t unused_index;
  // Outputs [0, full_end) have their right column 2*ow+1 inside the row.
  const int64_t full_end = std::min<int64_t>(out_w, in_w / 2);

  for (size_t p = 0; p < g.planes; ++p) {
    const float* x = input + p * in_plane;
    float* y = values + p * out_plane;
    int32_t* yi = kWithIndices ? indices + p * out_plane : nullptr;
    for (int64_t od = 0; od < g.out[0]; ++od) {
      for (int64_t oh = 0; oh < g.out[1]; ++oh, y += out_w, yi = kWithIndices ? yi + out_w : nullptr) {
        // Rows 2*oh-1 .. 2*oh+1, clipped: padded rows are simply not scanned.
        const int64_t h0 = std::max<int64_t>(2 * oh - 1, 0), h_end = std::min<int64_t>(2 * oh + 2, in_h);
        int64_t ow = 0;
        // Group of 4 outputs starting at g reads columns 2g-1 .. 2g+7. For g = 0, column -1 is
        // padding: lane 0 gets -inf there, with the index of its first real tap (column 0), so
        // an all -inf window still reports its first in-bounds position, as the scalar rule does.
        if (full_end >= 4) {
          const int64_t row0 = (od * in_h + h0) * in_w;
          if (maybe_nan(pool_row<kWithIndices, false>(x, row0, h_end - h0, in_w, full_end, y, yi))) {
            pool_row<kWithIndices, true>(x, row0, h_end - h0, in_w, full_end, y, yi);
          }
          ow = full_end;
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
