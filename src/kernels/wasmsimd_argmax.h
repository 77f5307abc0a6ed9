// The branch-free argmax step shared by the wasm SIMD kernels: per lane, exactly the scalar
// `if ((v > best) || isnan(v)) { best = v; index = i; }`, so results match the reference bit for bit
// (ties keep the earlier tap, a NaN always replaces, values are moved, never recomputed).
#pragma once

#ifdef __wasm_simd128__
#include <wasm_simd128.h>

#include "kernels/wasmsimd_mask.h"

namespace argpool {

inline void argmax_step(v128_t v, v128_t v_index, v128_t* best, v128_t* best_index) {
  const v128_t take = wasm_v128_or(wasm_f32x4_gt(v, *best), wasm_f32x4_ne(v, v));
  *best = wasm_v128_bitselect(v, *best, take);
  *best_index = wasm_v128_bitselect(v_index, *best_index, take);
}

// NaN detector for the fast paths: NaN propagates through addition, so a running sum of every
// group's taps is NaN when any tap was. The sum can also turn NaN without one: +inf meeting -inf
// (both infinities in a plane, or sums of huge values overflowing both ways); the plane then takes
// the exact path, with the same results. The check is about a fifth of the k2s2 kernel's time
// (measured by leaving it out), so it is one f32x4.add per group into the running sum: a chain
// of two adds per group (one per row) made the loop wait on their latency, and an integer count
// of `sum != sum` per group measured 3% slower.
inline v128_t add_nan_check(v128_t nan_sum, v128_t group_sum) { return wasm_f32x4_add(nan_sum, group_sum); }
inline bool any_nan(v128_t nan_sum) { return wasm_v128_any_true(wasm_f32x4_ne(nan_sum, nan_sum)); }

// Even and odd lanes of the 8 floats at p: the two taps of 4 stride-2 windows.
inline v128_t load_even(const float* p) {
  return wasm_i32x4_shuffle(wasm_v128_load(p), wasm_v128_load(p + 4), 0, 2, 4, 6);
}

}  // namespace argpool
#endif
