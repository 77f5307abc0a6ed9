#ifdef __wasm_simd128__
#include <wasm_simd128.h>

#include <cassert>
#include <type_traits>

#include "kernels/kernels.h"
#include "kernels/max_pool_window.h"
#include "kernels/wasmsimd_argmax.h"

namespace argpool {

namespace {

// Columns 2g-1 (left), 2g (mid) and 2g+1 (right) of the 4 windows starting at column group g of
// the row at `r` (= x + row + 2g). In the first group, lane 0's left column is padding: -inf.
struct RowTaps {
  v128_t left, mid, right;
};
template <bool kFirstGroup>
inline RowTaps load_row(const float* r) {
  const v128_t v0 = wasm_v128_load(r), v1 = wasm_v128_load(r + 4);
  RowTaps t;
  t.mid = wasm_i32x4_shuffle(v0, v1, 0, 2, 4, 6);
  t.right = wasm_i32x4_shuffle(v0, v1, 1, 3, 5, 7);
  const v128_t before = kFirstGroup ? wasm_f32x4_splat(-__builtin_inff()) : wasm_v128_load32_zero(r - 1);
  t.left = wasm_i32x4_shuffle(before, t.right, 0, 4, 5, 6);
  return t;
}

// ---- exact path: every tap in scan order through the NaN-aware step ----------------------------

template <bool kFirstGroup, bool kFirstRow>
inline void fold_row_exact(const float* x, int64_t row, int64_t g, v128_t* best, v128_t* best_index) {
  const RowTaps t = load_row<kFirstGroup>(x + row + 2 * g);
  const v128_t mid_index = wasm_i32x4_add(wasm_i32x4_splat(static_cast<int32_t>(row + 2 * g)), wasm_i32x4_make(0, 2, 4, 6));
  // Lane 0 of the first group: column 0, not -1, so that an all -inf window reports its first
  // in-bounds tap.
  const v128_t left_index = wasm_i32x4_sub(mid_index, kFirstGroup ? wasm_i32x4_make(0, 1, 1, 1) : wasm_i32x4_splat(1));
  if (kFirstRow) {
    *best = t.left;
    *best_index = left_index;
  } else {
    argmax_step(t.left, left_index, best, best_index);
  }
  argmax_step(t.mid, mid_index, best, best_index);
  argmax_step(t.right, wasm_i32x4_add(mid_index, wasm_i32x4_splat(1)), best, best_index);
}

template <bool kWithIndices, bool kFirstGroup>
inline void pool_group_exact(const float* x, int64_t row0, int64_t rows, int64_t in_w, int64_t g, float* y, int32_t* yi) {
  v128_t best, best_index;
  fold_row_exact<kFirstGroup, true>(x, row0, g, &best, &best_index);
  for (int64_t r = 1; r < rows; ++r) fold_row_exact<kFirstGroup, false>(x, row0 + r * in_w, g, &best, &best_index);
  wasm_v128_store(&y[g], best);
  if (kWithIndices) wasm_v128_store(&yi[g], best_index);
}

// ---- NaN-free fast path ------------------------------------------------------------------------
// A tree of f32x4.pmax (ties keep the left operand, the earlier tap). Each node's comparison mask
// says whether its right side won; the winner's offset from the window's first tap (left column of
// the first row) is kept negated, so that masks (-1) add up directly and a merge is a min: later
// taps have larger offsets, so min(a, b_offset & b_wins) picks b's exactly when b won.

struct Partial {
  v128_t max, neg_offset;
};

template <bool kWithIndices>
inline Partial row_max(const RowTaps& t, v128_t* nan_sum) {
  // The left column is the previous group's right one (or padding): mid and right cover the row.
  *nan_sum = wasm_f32x4_add(*nan_sum, wasm_f32x4_add(t.mid, t.right));
  const v128_t lm = wasm_f32x4_pmax(t.left, t.mid);
  Partial p{wasm_f32x4_pmax(lm, t.right), lm};
  if (kWithIndices) {
    const v128_t mid_wins = wasm_f32x4_lt(t.left, t.mid), right_wins = wasm_f32x4_lt(lm, t.right);
    p.neg_offset = wasm_i32x4_min(mid_wins, wasm_i32x4_add(right_wins, right_wins));
  }
  return p;
}

template <bool kWithIndices>
inline Partial merge(Partial a, Partial b, v128_t distance) {
  Partial r{wasm_f32x4_pmax(a.max, b.max), a.neg_offset};
  if (kWithIndices) {
    const v128_t b_wins = wasm_f32x4_lt(a.max, b.max);
    r.neg_offset = wasm_i32x4_min(a.neg_offset, wasm_v128_and(wasm_i32x4_sub(b.neg_offset, distance), b_wins));
  }
  return r;
}

// Vertically adjacent windows share a row (stride 2, height 3): an output row's last input row,
// 2*oh+1, is the next one's first. Its partial is kept per column group and reused, saving a third
// of the row work; rows wider than kCarryGroups groups simply recompute it.
constexpr int64_t kCarryGroups = 256;

struct RowCarry {
  Partial* slots;  // one per column group (the overlapping last group has its own)
  bool use;        // the first row's partials are in `slots`
  bool keep;       // store the last row's partials in `slots`
};

// Four outputs starting at column group g over `rows` (1 to 3) input rows from row0.
template <bool kWithIndices, bool kFirstGroup>
inline void pool_group_fast(const float* x, int64_t row0, int64_t rows, int64_t in_w, v128_t row_distance, int64_t g,
                            float* y, int32_t* yi, v128_t* nan_sum, const RowCarry& carry, Partial* slot) {
  const float* r = x + row0 + 2 * g;
  Partial w = carry.use ? *slot : row_max<kWithIndices>(load_row<kFirstGroup>(r), nan_sum);
  Partial last = w;
  if (rows > 1) {
    last = row_max<kWithIndices>(load_row<kFirstGroup>(r + in_w), nan_sum);
    w = merge<kWithIndices>(w, last, row_distance);
  }
  if (rows > 2) {
    last = row_max<kWithIndices>(load_row<kFirstGroup>(r + 2 * in_w), nan_sum);
    w = merge<kWithIndices>(w, last, wasm_i32x4_add(row_distance, row_distance));
  }
  if (carry.keep) *slot = last;
  wasm_v128_store(&y[g], w.max);
  if (kWithIndices) {
    const v128_t origin = wasm_i32x4_add(wasm_i32x4_splat(static_cast<int32_t>(row0 + 2 * g - 1)), wasm_i32x4_make(0, 2, 4, 6));
    v128_t index = wasm_i32x4_sub(origin, w.neg_offset);
    // First group: lane 0's left tap is padding and wins only an all -inf window, which reports
    // its first in-bounds tap (column 0 of row0), the smallest index any lane can have.
    if (kFirstGroup) index = wasm_i32x4_max(index, wasm_i32x4_splat(static_cast<int32_t>(row0)));
    wasm_v128_store(&yi[g], index);
  }
}

// Outputs [0, full_end) of one output row (full_end >= 4). A last group overlapping the previous
// one rewrites identical outputs.
template <bool kWithIndices, bool kExact>
void pool_row(const float* x, int64_t row0, int64_t rows, int64_t in_w, int64_t full_end, float* y, int32_t* yi,
              v128_t* nan_sum, const RowCarry& carry) {
  const v128_t row_distance = wasm_i32x4_splat(static_cast<int32_t>(in_w));
  auto group = [&](auto first_group, int64_t g, int64_t slot) {
    constexpr bool kFirst = decltype(first_group)::value;
    if (kExact) {
      pool_group_exact<kWithIndices, kFirst>(x, row0, rows, in_w, g, y, yi);
    } else {
      pool_group_fast<kWithIndices, kFirst>(x, row0, rows, in_w, row_distance, g, y, yi, nan_sum, carry,
                                            carry.slots + slot);
    }
  };
  group(std::true_type{}, 0, 0);
  int64_t o = 4;
  for (; o + 4 <= full_end; o += 4) group(std::false_type{}, o, o / 4);
  if (o < full_end) group(std::false_type{}, full_end - 4, o / 4);
}

template <bool kWithIndices>
void pool_3by3s2p1(const PoolGeometry& g, const float* input, float* values, int32_t* indices) {
  assert(g.kernel[0] == 1 && g.stride[0] == 1 && g.pad[0] == 0);
  assert(g.kernel[1] == 3 && g.kernel[2] == 3 && g.stride[1] == 2 && g.stride[2] == 2);
  assert(g.pad[1] == 1 && g.pad[2] == 1 && g.dilation[1] == 1 && g.dilation[2] == 1);
  const int64_t in_h = g.in[1], in_w = g.in[2], out_w = g.out[2];
  const int64_t rows_out = g.out[0] * g.out[1];
  const size_t in_plane = g.in_plane(), out_plane = g.out_plane();
  int32_t unused_index;
  // Outputs [0, full_end) have their right column 2*ow+1 inside the row. A group of 4 outputs
  // starting at g reads columns 2g-1 .. 2g+7; for g = 0, column -1 is padding (-inf).
  const int64_t full_end = std::min<int64_t>(out_w, in_w / 2);
  const bool simd_rows = full_end >= 4;
  Partial slots[kCarryGroups + 1];
  const bool carry_fits = full_end / 4 + 1 <= kCarryGroups;

  for (size_t p = 0; p < g.planes; ++p) {
    const float* x = input + p * in_plane;
    float* y_plane = values + p * out_plane;
    int32_t* yi_plane = kWithIndices ? indices + p * out_plane : nullptr;
    v128_t nan_sum = wasm_f32x4_splat(0);
    // Output row r = (od, oh) reads input rows 2*oh-1 .. 2*oh+1, clipped: padded rows are simply
    // not scanned.
    bool carried = false;  // the previous output row kept its last row (2*oh-1 now) in `slots`
    auto run_row = [&](int64_t r, auto exact) {
      const int64_t od = r / g.out[1], oh = r % g.out[1];
      const int64_t h0 = std::max<int64_t>(2 * oh - 1, 0), h_end = std::min<int64_t>(2 * oh + 2, in_h);
      const bool fast = !decltype(exact)::value && carry_fits;
      const RowCarry carry{slots, fast && carried && oh > 0, fast && h_end == 2 * oh + 2};
      carried = carry.keep;
      pool_row<kWithIndices, decltype(exact)::value>(x, (od * in_h + h0) * in_w, h_end - h0, in_w, full_end,
                                                     y_plane + r * out_w, kWithIndices ? yi_plane + r * out_w : nullptr,
                                                     &nan_sum, carry);
    };
    for (int64_t r = 0; r < rows_out; ++r) {
      int64_t ow = 0;
      if (simd_rows) {
        run_row(r, std::false_type{});
        ow = full_end;
      }
      const int64_t od = r / g.out[1], oh = r % g.out[1];
      for (; ow < out_w; ++ow) {
        max_pool_window(g, x, od, oh, ow, &y_plane[r * out_w + ow], kWithIndices ? &yi_plane[r * out_w + ow] : &unused_index);
      }
    }
    // Rare: a NaN in the plane; redo its vector part with the NaN rule (the scalar edges are exact).
    if (simd_rows && maybe_nan(nan_sum)) {
      for (int64_t r = 0; r < rows_out; ++r) run_row(r, std::true_type{});
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
