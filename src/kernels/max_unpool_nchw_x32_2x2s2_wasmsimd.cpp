#ifdef __wasm_simd128__
#include <wasm_simd128.h>

#include <algorithm>
#include <cassert>

#include "kernels/kernels.h"
#include "kernels/wasmsimd_mask.h"
#include "kernels/zero_fill.h"

namespace argpool {

namespace {

// What a hit cell receives: the value itself (unpool, moved as bits), or +0 + gradient (backward:
// the reference's one addition to its zeroed cell, which turns -0 into +0 like the reference).
template <bool kBackward>
inline v128_t contribution(v128_t v) {
  return kBackward ? wasm_f32x4_add(wasm_f32x4_splat(0), v) : v;
}

template <bool kBackward, typename T>
inline T contribution(T v) {
  return kBackward ? T(0) + v : v;
}

// Splats used by every window_group.
struct GroupConstants {
  v128_t out_w;  // from a top cell to the one below it
  v128_t zero, one;
  v128_t lanes;  // window corners 0, 2, 4, 6 cells apart
  v128_t step;   // 4 windows = 8 cells
};

// Windows j .. j + 3 of pooled row i (values at v, indices at x; `corner` holds the flat index of
// each window's top-left cell, 2i * out_w + 2j + 0, 2, 4, 6): with d = index - corner, cells
// 2j .. 2j + 7 of output rows 2i (y0) and 2i + 1 (y1) get `value & (d == tap)` for the taps 0, 1
// (top) and out_w, out_w + 1 (bottom). `worst` keeps the unsigned maximum of min(d, d - out_w),
// which stays below 2 exactly when every index is one of its own window's 4 cells.
template <bool kBackward>
inline void window_group(const void* v, const int32_t* x, v128_t corner, const GroupConstants& k, void* y0,
                         void* y1, v128_t* worst) {
  const v128_t value = contribution<kBackward>(wasm_v128_load(v));
  const v128_t d = wasm_i32x4_sub(wasm_v128_load(x), corner);
  const v128_t e = wasm_i32x4_sub(d, k.out_w);
  *worst = wasm_u32x4_max(*worst, wasm_u32x4_min(d, e));
  const v128_t a = wasm_v128_and(value, opaque_mask(wasm_i32x4_eq(d, k.zero)));
  const v128_t b = wasm_v128_and(value, opaque_mask(wasm_i32x4_eq(d, k.one)));
  const v128_t c = wasm_v128_and(value, opaque_mask(wasm_i32x4_eq(e, k.zero)));
  const v128_t f = wasm_v128_and(value, opaque_mask(wasm_i32x4_eq(e, k.one)));
  float* top = static_cast<float*>(y0);
  float* bottom = static_cast<float*>(y1);
  wasm_v128_store(top, wasm_i32x4_shuffle(a, b, 0, 4, 1, 5));
  wasm_v128_store(top + 4, wasm_i32x4_shuffle(a, b, 2, 6, 3, 7));
  wasm_v128_store(bottom, wasm_i32x4_shuffle(c, f, 0, 4, 1, 5));
  wasm_v128_store(bottom + 4, wasm_i32x4_shuffle(c, f, 2, 6, 3, 7));
}

// One window at the edge (or of a row too short for vectors): cells of rows r0, r0 + 1 and
// columns c0, c0 + 1 that lie inside the plane. Returns whether the index hit one of them.
template <typename T, bool kBackward>
inline bool window_scalar(T value, int32_t index, int64_t r0, int64_t c0, const ScatterGeometry& g, T* y) {
  bool hit = false;
  for (int64_t r = r0; r < std::min(r0 + 2, g.out_h); ++r) {
    for (int64_t c = c0; c < std::min(c0 + 2, g.out_w); ++c) {
      const int64_t cell = r * g.out_w + c;
      const bool here = index == cell;
      y[cell] = here ? contribution<kBackward>(value) : T(0);
      hit |= here;
    }
  }
  return hit;
}

// Windows [0, end) of a pooled row whose windows all lie in the plane (both output rows, both
// columns; end >= 4): 8 per step, then 4, then the last 4 again (identical writes) rather than a
// scalar tail. The steps start at window 1 instead of 0 (after one group of 4 at 0) when that
// makes the top row's stores 16-byte aligned: a store across a cache line costs far more than a
// load does. Folds the row's indices into `worst` (see window_group).
template <typename T, bool kBackward>
void window_row(const T* v, const int32_t* x, int64_t r0, int64_t end, const ScatterGeometry& g,
                const GroupConstants& k, T* y, v128_t* worst) {
  const int32_t row_start = static_cast<int32_t>(r0 * g.out_w);
  T* y0 = y + r0 * g.out_w;
  T* y1 = y0 + g.out_w;
  int64_t j = 0;
  if ((reinterpret_cast<uintptr_t>(y0) & 15) == 8 && end >= 5) {  // cell 2 (window 1) is aligned
    window_group<kBackward>(v, x, wasm_i32x4_add(wasm_i32x4_splat(row_start), k.lanes), k, y0, y1, worst);
    j = 1;
  }
  v128_t corner = wasm_i32x4_add(wasm_i32x4_splat(row_start + static_cast<int32_t>(2 * j)), k.lanes);
  for (; j + 8 <= end; j += 8) {
    window_group<kBackward>(v + j, x + j, corner, k, y0 + 2 * j, y1 + 2 * j, worst);
    corner = wasm_i32x4_add(corner, k.step);
    window_group<kBackward>(v + j + 4, x + j + 4, corner, k, y0 + 2 * j + 8, y1 + 2 * j + 8, worst);
    corner = wasm_i32x4_add(corner, k.step);
  }
  if (j + 4 <= end) {
    window_group<kBackward>(v + j, x + j, corner, k, y0 + 2 * j, y1 + 2 * j, worst);
    j += 4;
  }
  if (j < end) {
    j = end - 4;
    corner = wasm_i32x4_add(wasm_i32x4_splat(row_start + static_cast<int32_t>(2 * j)), k.lanes);
    window_group<kBackward>(v + j, x + j, corner, k, y0 + 2 * j, y1 + 2 * j, worst);
  }
}

// One plane; false (with the plane partly written) when some index lies outside its own window.
// Checked before anything is written for the first 4 windows, then after the first pooled row and
// at the end: indices of another pooling (e.g. 3x3 stride 2) are mostly caught by the first check,
// so guessing this kernel wrong costs little.
template <typename T, bool kBackward>
bool unpool_plane(const ScatterGeometry& g, const GroupConstants& k, const T* v, const int32_t* x, T* y) {
  const int64_t in_h = g.in_h, in_w = g.in_w, out_h = g.out_h, out_w = g.out_w;
  const int64_t full_w = std::min(in_w, out_w / 2);     // windows with both columns in the plane
  const int64_t covered_w = std::min(2 * in_w, out_w);  // columns of some window
  if (2 * (in_h - 1) >= out_h) return false;  // a pooled row of empty windows: no index is in its own
  for (int64_t j = 0; j < std::min<int64_t>(in_w, 4); ++j) {
    const int64_t d = x[j] - 2 * j;  // not one of the 4 taps: surely outside its window
    if (d != 0 && d != 1 && d != out_w && d != out_w + 1) return false;
  }
  v128_t worst = k.zero;
  bool ok = true;
  for (int64_t i = 0; i < in_h; ++i, v += in_w, x += in_w) {
    const int64_t r0 = 2 * i;
    T* y0 = y + r0 * out_w;
    int64_t j = 0;
    if (r0 + 1 < out_h && full_w >= 4) {
      window_row<T, kBackward>(v, x, r0, full_w, g, k, y, &worst);
      j = full_w;
    }
    for (; j < in_w; ++j) ok &= window_scalar<T, kBackward>(v[j], x[j], r0, 2 * j, g, y);
    if (covered_w < out_w) {
      zero_fill(y0 + covered_w, (out_w - covered_w) * sizeof(T));
      if (r0 + 1 < out_h) zero_fill(y0 + out_w + covered_w, (out_w - covered_w) * sizeof(T));
    }
    if (i == 0 && !(ok && wasm_i32x4_all_true(wasm_u32x4_lt(worst, wasm_i32x4_splat(2))))) return false;
  }
  if (!(ok && wasm_i32x4_all_true(wasm_u32x4_lt(worst, wasm_i32x4_splat(2))))) return false;
  const int64_t covered_h = std::min(2 * in_h, out_h);
  if (covered_h < out_h) zero_fill(y + covered_h * out_w, (out_h - covered_h) * out_w * sizeof(T));
  return true;
}

template <typename T, bool kBackward>
void unpool_2x2s2(const ScatterGeometry& g, const T* values, const int32_t* indices, T* output) {
  static_assert(sizeof(T) == 4, "4 values per vector");
  assert(g.planes_2d() && static_cast<size_t>(g.in_h * g.in_w) == g.in_plane &&
         static_cast<size_t>(g.out_h * g.out_w) == g.out_plane);
  ScatterGeometry one = g;  // a single plane, for the fallback
  one.batch = one.channels = 1;
  const GroupConstants k{wasm_i32x4_splat(static_cast<int32_t>(g.out_w)), wasm_i32x4_splat(0), wasm_i32x4_splat(1),
                         wasm_i32x4_make(0, 2, 4, 6), wasm_i32x4_splat(8)};
  for (size_t p = 0; p < g.batch * g.channels; ++p) {
    const T* v = values + p * g.in_plane;
    const int32_t* x = indices + p * g.in_plane;
    T* y = output + p * g.out_plane;
    if (g.in_plane > 0 && unpool_plane<T, kBackward>(g, k, v, x, y)) continue;
    if constexpr (kBackward) {
      max_pool_backward_planewise<T, Layout::kNCHW>(one, v, x, y);
    } else {
      max_unpool_planewise<T, Layout::kNCHW>(one, v, x, y);
    }
  }
}

}  // namespace

template <typename T>
void max_unpool_nchw_x32_2x2s2_wasmsimd(const ScatterGeometry& g, const T* values, const int32_t* indices,
                                        T* output) {
  unpool_2x2s2<T, false>(g, values, indices, output);
}

template void max_unpool_nchw_x32_2x2s2_wasmsimd<float>(const ScatterGeometry&, const float*, const int32_t*, float*);
template void max_unpool_nchw_x32_2x2s2_wasmsimd<int32_t>(const ScatterGeometry&, const int32_t*, const int32_t*,
                                                          int32_t*);

void max_pool_backward_nchw_f32_2x2s2_wasmsimd(const ScatterGeometry& g, const float* grad_output,
                                               const int32_t* indices, float* grad_input) {
  unpool_2x2s2<float, true>(g, grad_output, indices, grad_input);
}

}  // namespace argpool
#endif  // __wasm_simd128__
