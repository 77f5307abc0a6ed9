#ifdef __wasm_simd128__
#include <wasm_simd128.h>

#include <cassert>

#include "kernels/kernels.h"
#include "kernels/max_pool_window.h"
#include "kernels/wasmsimd_argmax.h"

namespace argpool {

namespace {

// Windows of width 2, stride 2 along W, and height and depth each 1 (stride 1) or 2 (stride 2):
// 1D k2s2, 2D 2x2s2 (and 1x2 / 2x1 mixes) and 3D 2x2x2s2. Four outputs per vector.
//
// Fast path (no NaN in the plane): a tree of f32x4.pmax, each node keeping its left operand on
// ties, so the winner is the first maximum in scan order, exactly the scalar rule. The index is
// not carried through selects: every node records in a mask whether its right side won, and the
// winning tap's offset from the window origin is assembled from those masks at the end. A NaN
// anywhere in the plane (detected by summing every tap) sends the plane to the exact path, which
// applies `(v > best) || isnan(v)` tap by tap in scan order.

struct TapLayout {
  int32_t row;    // distance between the two rows of a window (in_w)
  int32_t slice;  // distance between the two depth slices (in_h * in_w)
};

// Even and odd columns (left and right taps) of 4 windows whose first tap is at p.
struct Taps {
  v128_t left, right;
};
inline Taps load_taps(const float* p) {
  const v128_t a = wasm_v128_load(p), b = wasm_v128_load(p + 4);
  return {wasm_i32x4_shuffle(a, b, 0, 2, 4, 6), wasm_i32x4_shuffle(a, b, 1, 3, 5, 7)};
}

// Max of one window row, the *negated* offset of its winner (0 or -1: -mask is the column) and
// the sum of its taps (NaN if any tap is: see add_nan_check in wasmsimd_argmax.h).
struct Partial {
  v128_t max, neg_offset, sum;
};
template <bool kWithIndices>
inline Partial row_max(const float* p) {
  const Taps t = load_taps(p);
  Partial r;
  r.sum = wasm_f32x4_add(t.left, t.right);
  r.max = wasm_f32x4_pmax(t.left, t.right);
  if (kWithIndices) r.neg_offset = wasm_f32x4_lt(t.left, t.right);
  return r;
}

// Combines two partial windows, `b` lying `distance` elements after `a` in scan order; ties keep `a`.
template <bool kWithIndices>
inline Partial merge(Partial a, Partial b, v128_t distance) {
  Partial r;
  r.max = wasm_f32x4_pmax(a.max, b.max);
  r.sum = wasm_f32x4_add(a.sum, b.sum);
  if (kWithIndices) {
    const v128_t b_wins = opaque_mask(wasm_f32x4_lt(a.max, b.max));
    // b's taps all come after a's: its (negated) offsets are smaller, so a min selects it.
    r.neg_offset = wasm_i32x4_min(a.neg_offset, wasm_v128_and(wasm_i32x4_sub(b.neg_offset, distance), b_wins));
  }
  return r;
}

template <bool kWithIndices, bool kTwoRows, bool kTwoSlices>
inline Partial window_max(const float* p, TapLayout layout, v128_t row_distance, v128_t slice_distance) {
  Partial r = row_max<kWithIndices>(p);
  if (kTwoRows) r = merge<kWithIndices>(r, row_max<kWithIndices>(p + layout.row), row_distance);
  if (kTwoSlices) {
    Partial s = row_max<kWithIndices>(p + layout.slice);
    if (kTwoRows) s = merge<kWithIndices>(s, row_max<kWithIndices>(p + layout.slice + layout.row), row_distance);
    r = merge<kWithIndices>(r, s, slice_distance);
  }
  return r;
}

// Exact path: every tap in scan order through the NaN-aware step.
template <bool kTwoRows, bool kTwoSlices>
inline void window_max_exact(const float* p, TapLayout layout, v128_t origin, v128_t* best, v128_t* best_index) {
  const v128_t one = wasm_i32x4_splat(1);
  bool first = true;
  for (int s = 0; s < (kTwoSlices ? 2 : 1); ++s) {
    for (int r = 0; r < (kTwoRows ? 2 : 1); ++r) {
      const int32_t offset = s * layout.slice + r * layout.row;
      const Taps t = load_taps(p + offset);
      const v128_t left_index = wasm_i32x4_add(origin, wasm_i32x4_splat(offset));
      if (first) {
        *best = t.left;
        *best_index = left_index;
        first = false;
      } else {
        argmax_step(t.left, left_index, best, best_index);
      }
      argmax_step(t.right, wasm_i32x4_add(left_index, one), best, best_index);
    }
  }
}

// One window in scalar code, for rows too narrow for a vector group (fewer than 4 full windows):
// the taps in scan order with the reference rule `(v > best) || isnan(v)`.
template <bool kWithIndices, bool kTwoRows, bool kTwoSlices>
inline void window_scalar(const float* x, int32_t first, TapLayout layout, float* y, int32_t* yi) {
  float best = x[first];
  int32_t best_index = first;
  for (int s = 0; s < (kTwoSlices ? 2 : 1); ++s) {
    for (int r = 0; r < (kTwoRows ? 2 : 1); ++r) {
      for (int c = 0; c < 2; ++c) {
        const int32_t i = first + s * layout.slice + r * layout.row + c;
        const float v = x[i];
        if ((v > best) || (v != v)) {
          best = v;
          best_index = i;
        }
      }
    }
  }
  *y = best;
  if (kWithIndices) *yi = best_index;
}

// Outputs [0, full_end) of one output row, whose windows start at input offset `row` (first tap
// of output 0). A last group overlapping the previous one rewrites identical outputs instead of
// leaving up to 3 windows to the scalar path.
template <bool kWithIndices, bool kExact, bool kTwoRows, bool kTwoSlices>
inline void pool_row(const float* x, int32_t row, int64_t full_end, TapLayout layout, float* y, int32_t* yi,
                     v128_t* nan_seen) {
  const v128_t row_distance = wasm_i32x4_splat(layout.row), slice_distance = wasm_i32x4_splat(layout.slice);
  // First tap of each lane's window, advanced by 8 per group rather than rebuilt from a splat.
  const v128_t row_origin = wasm_i32x4_add(wasm_i32x4_splat(row), wasm_i32x4_make(0, 2, 4, 6));
  auto group = [&](int64_t o, v128_t origin) {
    const float* p = x + row + 2 * o;
    if (kExact) {
      v128_t best, best_index;
      window_max_exact<kTwoRows, kTwoSlices>(p, layout, origin, &best, &best_index);
      wasm_v128_store(&y[o], best);
      if (kWithIndices) wasm_v128_store(&yi[o], best_index);
    } else {
      const Partial w = window_max<kWithIndices, kTwoRows, kTwoSlices>(p, layout, row_distance, slice_distance);
      *nan_seen = add_nan_check(*nan_seen, w.sum);
      wasm_v128_store(&y[o], w.max);
      if (kWithIndices) wasm_v128_store(&yi[o], wasm_i32x4_sub(origin, w.neg_offset));
    }
  };
  v128_t origin = row_origin;
  const v128_t eight = wasm_i32x4_splat(8);
  int64_t o = 0;
  for (; o + 4 <= full_end; o += 4, origin = wasm_i32x4_add(origin, eight)) group(o, origin);
  if (o < full_end) {
    o = full_end - 4;
    group(o, wasm_i32x4_add(row_origin, wasm_i32x4_splat(static_cast<int32_t>(2 * o))));
  }
}

// Outputs [0, full_end) of `rows` consecutive output rows whose windows lie inside the input, for
// rows of 5 to 8 outputs (VGG's 14-wide planes give 7): two groups per row, the second ending at
// full_end (overlapping the first when full_end < 8), in straight-line code. In such rows the
// per-row setup of pool_row cost about as much as the windows themselves.
template <bool kWithIndices, bool kTwoRows, bool kTwoSlices>
inline void pool_rows_two_groups(const float* x, int32_t first_row, int64_t rows, int32_t row_step, int64_t full_end,
                                 TapLayout layout, float* y, int32_t* yi, int64_t out_w, v128_t* nan_seen) {
  const v128_t row_distance = wasm_i32x4_splat(layout.row), slice_distance = wasm_i32x4_splat(layout.slice);
  const int64_t second = full_end - 4;
  v128_t origin0 = wasm_i32x4_add(wasm_i32x4_splat(first_row), wasm_i32x4_make(0, 2, 4, 6));
  v128_t origin1 = wasm_i32x4_add(origin0, wasm_i32x4_splat(static_cast<int32_t>(2 * second)));
  const v128_t step = wasm_i32x4_splat(row_step);
  const float* p = x + first_row;
  for (int64_t r = 0, o = 0; r < rows; ++r, p += row_step, o += out_w) {
    const Partial a = window_max<kWithIndices, kTwoRows, kTwoSlices>(p, layout, row_distance, slice_distance);
    const Partial b = window_max<kWithIndices, kTwoRows, kTwoSlices>(p + 2 * second, layout, row_distance, slice_distance);
    *nan_seen = add_nan_check(*nan_seen, wasm_f32x4_add(a.sum, b.sum));
    wasm_v128_store(&y[o], a.max);
    wasm_v128_store(&y[o + second], b.max);
    if (kWithIndices) {
      wasm_v128_store(&yi[o], wasm_i32x4_sub(origin0, a.neg_offset));
      wasm_v128_store(&yi[o + second], wasm_i32x4_sub(origin1, b.neg_offset));
      origin0 = wasm_i32x4_add(origin0, step);
      origin1 = wasm_i32x4_add(origin1, step);
    }
  }
}

template <bool kWithIndices, bool kTwoRows, bool kTwoSlices>
void pool_k2s2(const PoolGeometry& g, const float* input, float* values, int32_t* indices) {
  const int64_t in_d = g.in[0], in_h = g.in[1], in_w = g.in[2];
  const int64_t out_d = g.out[0], out_h = g.out[1], out_w = g.out[2];
  const int64_t kd = kTwoSlices ? 2 : 1, kh = kTwoRows ? 2 : 1;
  const size_t in_plane = g.in_plane(), out_plane = g.out_plane();
  const TapLayout layout{static_cast<int32_t>(in_w), static_cast<int32_t>(in_h * in_w)};
  // Outputs [0, full_end) of a row have both columns inside it (a ceil-mode last column may not);
  // rows and slices whose window is cut by the input's end go to the scalar window.
  const int64_t full_end = std::min<int64_t>(out_w, in_w / 2);
  const bool simd_rows = full_end >= 4, narrow_rows = full_end > 4 && full_end <= 8;
  int32_t unused_index;
  auto row_start = [&](int64_t od, int64_t oh) { return static_cast<int32_t>((od * kd * in_h + oh * kh) * in_w); };

  // 2D planes of 5-8 outputs per row with no edge to do in scalar code (VGG's 14x14): planes in
  // blocks, each block checked for NaN once, without the per-plane bookkeeping of the general loop
  // below (a tenth of such a plane's time).
  if (narrow_rows && !kTwoSlices && out_d == 1 && in_d == 1 && full_end == out_w && out_h == in_h / kh) {
    constexpr size_t kBlock = 32;
    for (size_t p0 = 0; p0 < g.planes; p0 += kBlock) {
      const size_t p1 = std::min(g.planes, p0 + kBlock);
      v128_t nan_sum = wasm_i32x4_splat(0);
      for (size_t p = p0; p < p1; ++p) {
        pool_rows_two_groups<kWithIndices, kTwoRows, kTwoSlices>(
            input + p * in_plane, 0, out_h, static_cast<int32_t>(kh * in_w), full_end, layout, values + p * out_plane,
            kWithIndices ? indices + p * out_plane : nullptr, out_w, &nan_sum);
      }
      if (!any_nan(nan_sum)) continue;
      // Rare: redo the block's planes with the NaN rule.
      for (size_t p = p0; p < p1; ++p) {
        for (int64_t oh = 0; oh < out_h; ++oh) {
          pool_row<kWithIndices, true, kTwoRows, kTwoSlices>(input + p * in_plane, row_start(0, oh), full_end, layout,
                                                             values + p * out_plane + oh * out_w,
                                                             kWithIndices ? indices + p * out_plane + oh * out_w : nullptr,
                                                             &nan_sum);
        }
      }
    }
    return;
  }

  for (size_t p = 0; p < g.planes; ++p) {
    const float* x = input + p * in_plane;
    float* y_plane = values + p * out_plane;
    int32_t* yi_plane = kWithIndices ? indices + p * out_plane : nullptr;
    // Whether the windows of output row (od, oh) have all their rows and slices inside the input
    // (ceil mode may cut the last ones), and its first input tap.
    auto inside = [&](int64_t od, int64_t oh) { return od * kd + kd <= in_d && oh * kh + kh <= in_h; };
    v128_t nan_seen = wasm_i32x4_splat(0);
    for (int64_t od = 0; od < out_d; ++od) {
      int64_t oh = 0;
      if (narrow_rows && od * kd + kd <= in_d) {
        // The rows whose windows lie inside the input, then their columns past full_end.
        const int64_t rows = std::min<int64_t>(out_h, in_h / kh);
        float* y = y_plane + od * out_h * out_w;
        int32_t* yi = kWithIndices ? yi_plane + od * out_h * out_w : nullptr;
        pool_rows_two_groups<kWithIndices, kTwoRows, kTwoSlices>(x, row_start(od, 0), rows,
                                                                 static_cast<int32_t>(kh * in_w), full_end, layout, y,
                                                                 yi, out_w, &nan_seen);
        for (; oh < rows; ++oh) {
          for (int64_t ow = full_end; ow < out_w; ++ow) {
            max_pool_window(g, x, od, oh, ow, &y[oh * out_w + ow], kWithIndices ? &yi[oh * out_w + ow] : &unused_index);
          }
        }
      }
      for (; oh < out_h; ++oh) {
        float* y = y_plane + (od * out_h + oh) * out_w;
        int32_t* yi = kWithIndices ? yi_plane + (od * out_h + oh) * out_w : nullptr;
        int64_t ow = 0;
        if (simd_rows && inside(od, oh)) {
          pool_row<kWithIndices, false, kTwoRows, kTwoSlices>(x, row_start(od, oh), full_end, layout, y, yi, &nan_seen);
          ow = full_end;
        } else if (inside(od, oh)) {
          for (; ow < full_end; ++ow) {
            window_scalar<kWithIndices, kTwoRows, kTwoSlices>(x, row_start(od, oh) + static_cast<int32_t>(2 * ow), layout,
                                                              &y[ow], kWithIndices ? &yi[ow] : &unused_index);
          }
        }
        for (; ow < out_w; ++ow) max_pool_window(g, x, od, oh, ow, &y[ow], kWithIndices ? &yi[ow] : &unused_index);
      }
    }
    if (!any_nan(nan_seen)) continue;
    // Rare: redo the plane's vector rows with the NaN rule (the scalar edges are exact already).
    for (int64_t od = 0; od < out_d; ++od) {
      for (int64_t oh = 0; oh < out_h; ++oh) {
        if (!simd_rows || !inside(od, oh)) continue;
        float* y = y_plane + (od * out_h + oh) * out_w;
        int32_t* yi = kWithIndices ? yi_plane + (od * out_h + oh) * out_w : nullptr;
        pool_row<kWithIndices, true, kTwoRows, kTwoSlices>(x, row_start(od, oh), full_end, layout, y, yi, &nan_seen);
      }
    }
  }
}

using K2s2Variant = void (*)(const PoolGeometry&, const float*, float*, int32_t*);

// Called through a table, so that each variant stays its own wasm function: binaryen inlines a
// function called directly from one place, and with all eight in one body V8's register
// allocator spilled the hot loops' constants (it allocates per function).
template <bool kWithIndices>
void dispatch(const PoolGeometry& g, const float* input, float* values, int32_t* indices) {
  static constexpr K2s2Variant kVariants[4] = {
      pool_k2s2<kWithIndices, false, false>, pool_k2s2<kWithIndices, true, false>,
      pool_k2s2<kWithIndices, false, true>, pool_k2s2<kWithIndices, true, true>};
  const size_t two_rows = g.kernel[1] == 2, two_slices = g.kernel[0] == 2;
  kVariants[two_slices * 2 + two_rows](g, input, values, indices);
}

}  // namespace

void max_pool_nchw_f32_k2s2_wasmsimd(const PoolGeometry& g, const float* input, float* values, int32_t* indices) {
  assert(is_k2s2_window(g));
  // Values only: the index arithmetic is dead code in that instantiation and disappears.
  if (indices != nullptr) {
    dispatch<true>(g, input, values, indices);
  } else {
    dispatch<false>(g, input, values, nullptr);
  }
}

}  // namespace argpool
#endif  // __wasm_simd128__
