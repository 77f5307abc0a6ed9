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

// Outputs [0, full_end) of one output row (full_end >= 4), whose window rows are `rows` (1 to 3)
// input rows from row0. A last group overlapping the previous one rewrites identical outputs.
template <bool kWithIndices>
void pool_row_exact(const float* x, int64_t row0, int64_t rows, int64_t in_w, int64_t full_end, float* y, int32_t* yi) {
  pool_group_exact<kWithIndices, true>(x, row0, rows, in_w, 0, y, yi);
  int64_t o = 4;
  for (; o + 4 <= full_end; o += 4) pool_group_exact<kWithIndices, false>(x, row0, rows, in_w, o, y, yi);
  if (o < full_end) pool_group_exact<kWithIndices, false>(x, row0, rows, in_w, full_end - 4, y, yi);
}

// ---- NaN-free fast path ------------------------------------------------------------------------
// Per input row and column group, a row partial: f32x4.pmax over the row's three taps (ties keep
// the left operand, the earlier tap) and the winner's offset from the left column, kept negated
// so that comparison masks (-1) add up directly. Partials of the rows of a window merge with a
// min: later taps have larger offsets, so min(a, b_offset & b_wins) picks b's exactly when b won.
// Vertically adjacent windows share a row (stride 2, height 3): output row oh's last input row,
// 2*oh+1, is row oh+1's first, so its partials are kept per column group and each input row is
// reduced once. The left column of a group is the previous group's right one, shifted in from a
// register.

// `sum` adds the taps new to the row (mid and right): NaN if any is (see add_nan_check).
struct Partial {
  v128_t max, neg_offset, sum;
};
// A row partial kept for the next output row.
struct Carried {
  v128_t max, neg_offset;
};

template <bool kWithIndices>
inline Partial row_partial(const float* r, v128_t* prev_right) {
  const v128_t v0 = wasm_v128_load(r), v1 = wasm_v128_load(r + 4);
  const v128_t mid = wasm_i32x4_shuffle(v0, v1, 0, 2, 4, 6), right = wasm_i32x4_shuffle(v0, v1, 1, 3, 5, 7);
  const v128_t left = wasm_i32x4_shuffle(*prev_right, right, 3, 4, 5, 6);
  *prev_right = right;
  const v128_t lm = wasm_f32x4_pmax(left, mid);
  Partial p{wasm_f32x4_pmax(lm, right), lm, wasm_f32x4_add(mid, right)};
  if (kWithIndices) {
    const v128_t mid_wins = opaque_mask(wasm_f32x4_lt(left, mid));
    const v128_t right_wins = opaque_mask(wasm_f32x4_lt(lm, right));
    p.neg_offset = wasm_i32x4_min(mid_wins, wasm_i32x4_add(right_wins, right_wins));
  }
  return p;
}

template <bool kWithIndices>
inline Partial merge(Partial a, Partial b, v128_t distance) {
  Partial r{wasm_f32x4_pmax(a.max, b.max), a.neg_offset, wasm_f32x4_add(a.sum, b.sum)};
  if (kWithIndices) {
    const v128_t b_wins = opaque_mask(wasm_f32x4_lt(a.max, b.max));
    r.neg_offset = wasm_i32x4_min(a.neg_offset, wasm_v128_and(wasm_i32x4_sub(b.neg_offset, distance), b_wins));
  }
  return r;
}

// What one output row reads: its first input row's partials come from `carry` (kCarryIn: the
// previous output row's last row) or are computed; then kNewRows (0-2) rows are computed. The
// last row computed is kept in `carry` for the next output row.
struct RowJob {
  const float* first;  // the first input row read (kCarryIn: the first new one), at column 0
  int64_t in_w;
  int32_t first_index;  // flat index of column 0 of the window's first row (carried or not)
  float* y;
  int32_t* yi;
};

// Output columns [o, o + 4) for one output row; `prev_right` holds, per row read, the right
// column of the group before (lane 3 is this group's left column; -inf before column 0);
// `origin` is the flat index of each lane's left tap in the window's first row.
template <bool kWithIndices, bool kCarryIn, int kNewRows, bool kFirstGroup>
inline void output_group(const RowJob& job, int64_t o, v128_t origin, v128_t* prev_right, Carried* slot,
                         v128_t* nan_seen) {
  auto store = [&](v128_t max, v128_t neg_offset) {
    wasm_v128_store(&job.y[o], max);
    if (!kWithIndices) return;
    v128_t index = wasm_i32x4_sub(origin, neg_offset);
    // Lane 0 of column 0: its left tap is padding and wins only an all -inf window, which reports
    // its first in-bounds tap (column 0 of the first row), the smallest index any lane can have.
    if (kFirstGroup) index = wasm_i32x4_max(index, wasm_i32x4_splat(job.first_index));
    wasm_v128_store(&job.yi[o], index);
  };
  if (kCarryIn && kNewRows == 0) return store(slot->max, slot->neg_offset);  // ceil mode: one row left
  const float* r = job.first + 2 * o;
  const v128_t row = wasm_i32x4_splat(static_cast<int32_t>(job.in_w));
  Partial w, last;
  if (kCarryIn) {
    // The window's second row, one row after the carried first.
    // (The carried row was checked for NaN when it was computed: its sum is not added again.)
    last = row_partial<kWithIndices>(r, &prev_right[0]);
    w = merge<kWithIndices>(Partial{slot->max, slot->neg_offset, last.sum}, last, row);
    w.sum = last.sum;
    if (kNewRows == 2) {
      last = row_partial<kWithIndices>(r + job.in_w, &prev_right[1]);
      w = merge<kWithIndices>(w, last, wasm_i32x4_add(row, row));
    }
  } else {
    w = last = row_partial<kWithIndices>(r, &prev_right[0]);
    if (kNewRows == 2) {
      last = row_partial<kWithIndices>(r + job.in_w, &prev_right[1]);
      w = merge<kWithIndices>(w, last, row);
    }
  }
  slot->max = last.max;
  if (kWithIndices) slot->neg_offset = last.neg_offset;
  *nan_seen = add_nan_check(*nan_seen, w.sum);
  store(w.max, w.neg_offset);
}

// Output columns [begin, end) in groups of 4 (begin and end multiples of 4), then, when `tail`,
// the group ending at full_end (overlapping the one before it); `slots` has a slot per group, the
// tail's last.
template <bool kWithIndices, bool kCarryIn, int kNewRows>
void output_row(const RowJob& job, int64_t begin, int64_t end, int64_t full_end, bool tail, Carried* slots,
                v128_t* nan_seen) {
  constexpr int kRows = kCarryIn ? (kNewRows > 0 ? kNewRows : 1) : kNewRows;
  v128_t prev_right[kRows];
  for (int i = 0; i < kRows; ++i) {
    // Column 2*begin - 1, the left tap of the first group (padding before column 0).
    prev_right[i] = begin == 0 ? wasm_f32x4_splat(-__builtin_inff())
                               : wasm_v128_load32_splat(job.first + i * job.in_w + 2 * begin - 1);
  }
  const v128_t lanes = wasm_i32x4_make(0, 2, 4, 6), eight = wasm_i32x4_splat(8);
  auto origin_at = [&](int64_t o) {
    return wasm_i32x4_add(wasm_i32x4_splat(job.first_index + static_cast<int32_t>(2 * o - 1)), lanes);
  };
  v128_t origin = origin_at(begin);
  Carried* slot = slots;
  int64_t o = begin;
  if (begin == 0) {
    output_group<kWithIndices, kCarryIn, kNewRows, true>(job, 0, origin, prev_right, slot++, nan_seen);
    o = 4;
    origin = wasm_i32x4_add(origin, eight);
  }
  for (; o < end; o += 4, origin = wasm_i32x4_add(origin, eight)) {
    output_group<kWithIndices, kCarryIn, kNewRows, false>(job, o, origin, prev_right, slot++, nan_seen);
  }
  if (tail) {
    const int64_t t = full_end - 4;
    for (int i = 0; i < kRows; ++i) prev_right[i] = wasm_v128_load32_splat(job.first + i * job.in_w + 2 * t - 1);
    output_group<kWithIndices, kCarryIn, kNewRows, false>(job, t, origin_at(t), prev_right, slot, nan_seen);
  }
}

// Groups per chunk of columns: the carried partials of a chunk (32 bytes per group) stay on the
// stack and in L1; wider rows are done chunk by chunk.
constexpr int64_t kChunkGroups = 128;

// The vector part (columns [0, full_end), full_end >= 4) of one depth slice without NaN; returns
// the NaN detector's count.
template <bool kWithIndices>
v128_t pool_slice_fast(const float* x, int32_t slice_index, int64_t in_h, int64_t in_w, int64_t out_h, int64_t out_w,
                       int64_t full_end, float* y, int32_t* yi) {
  Carried slots[kChunkGroups + 1];
  v128_t nan_seen = wasm_i32x4_splat(0);
  const int64_t aligned_end = full_end & ~int64_t{3};
  for (int64_t begin = 0; begin < aligned_end; begin += 4 * kChunkGroups) {
    const int64_t end = std::min(begin + 4 * kChunkGroups, aligned_end);
    const bool tail = end == aligned_end && aligned_end != full_end;
    for (int64_t oh = 0; oh < out_h; ++oh) {
      // Input rows 2*oh-1 .. 2*oh+1, clipped; row 2*oh-1 (oh > 0) is carried.
      const int64_t h_end = std::min(2 * oh + 2, in_h), first_new = oh == 0 ? 0 : 2 * oh;
      const int64_t new_rows = std::max<int64_t>(h_end - first_new, 0);
      const int64_t first_row = oh == 0 ? 0 : 2 * oh - 1;
      const RowJob job{x + std::min(first_new, in_h - 1) * in_w, in_w,
                       slice_index + static_cast<int32_t>(first_row * in_w), y + oh * out_w,
                       kWithIndices ? yi + oh * out_w : nullptr};
      if (oh == 0) {
        if (new_rows == 1) output_row<kWithIndices, false, 1>(job, begin, end, full_end, tail, slots, &nan_seen);
        else output_row<kWithIndices, false, 2>(job, begin, end, full_end, tail, slots, &nan_seen);
      } else if (new_rows == 2) {
        output_row<kWithIndices, true, 2>(job, begin, end, full_end, tail, slots, &nan_seen);
      } else if (new_rows == 1) {
        output_row<kWithIndices, true, 1>(job, begin, end, full_end, tail, slots, &nan_seen);
      } else {
        output_row<kWithIndices, true, 0>(job, begin, end, full_end, tail, slots, &nan_seen);
      }
    }
  }
  return nan_seen;
}

template <bool kWithIndices>
void pool_3by3s2p1(const PoolGeometry& g, const float* input, float* values, int32_t* indices) {
  assert(g.kernel[0] == 1 && g.stride[0] == 1 && g.pad[0] == 0);
  assert(g.kernel[1] == 3 && g.kernel[2] == 3 && g.stride[1] == 2 && g.stride[2] == 2);
  assert(g.pad[1] == 1 && g.pad[2] == 1 && g.dilation[1] == 1 && g.dilation[2] == 1);
  const int64_t in_h = g.in[1], in_w = g.in[2], out_h = g.out[1], out_w = g.out[2];
  const int64_t rows_out = g.out[0] * out_h;
  const size_t in_plane = g.in_plane(), out_plane = g.out_plane();
  int32_t unused_index;
  // Outputs [0, full_end) have their right column 2*ow+1 inside the row. A group of 4 outputs
  // starting at o reads columns 2o-1 .. 2o+7; for o = 0, column -1 is padding (-inf).
  const int64_t full_end = std::min<int64_t>(out_w, in_w / 2);
  const bool simd_rows = full_end >= 4;

  for (size_t p = 0; p < g.planes; ++p) {
    const float* x = input + p * in_plane;
    float* y_plane = values + p * out_plane;
    int32_t* yi_plane = kWithIndices ? indices + p * out_plane : nullptr;
    for (int64_t od = 0; simd_rows && od < g.out[0]; ++od) {
      const float* slice = x + od * in_h * in_w;
      float* y = y_plane + od * out_h * out_w;
      int32_t* yi = kWithIndices ? yi_plane + od * out_h * out_w : nullptr;
      const v128_t nan_seen = pool_slice_fast<kWithIndices>(slice, static_cast<int32_t>(od * in_h * in_w), in_h, in_w,
                                                            out_h, out_w, full_end, y, yi);
      if (!any_nan(nan_seen)) continue;
      // Rare: a NaN in the slice; redo its vector part with the NaN rule.
      for (int64_t oh = 0; oh < out_h; ++oh) {
        const int64_t h0 = std::max<int64_t>(2 * oh - 1, 0), h_end = std::min<int64_t>(2 * oh + 2, in_h);
        pool_row_exact<kWithIndices>(x, (od * in_h + h0) * in_w, h_end - h0, in_w, full_end, y + oh * out_w,
                                     kWithIndices ? yi + oh * out_w : nullptr);
      }
    }
    // The columns the vector part leaves (all of them in rows narrower than 8).
    for (int64_t r = 0; r < rows_out; ++r) {
      const int64_t od = r / out_h, oh = r % out_h;
      for (int64_t ow = simd_rows ? full_end : 0; ow < out_w; ++ow) {
        max_pool_window(g, x, od, oh, ow, &y_plane[r * out_w + ow], kWithIndices ? &yi_plane[r * out_w + ow] : &unused_index);
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
