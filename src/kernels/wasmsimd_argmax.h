// The branch-free argmax step shared by the wasm SIMD kernels: per lane, exactly the scalar
// `if ((v > best) || isnan(v)) { best = v; index = i; }`, so results match the reference bit for bit
// (ties keep the earlier tap, a NaN always replaces, values are moved, never recomputed).
#pragma once

#ifdef __wasm_simd128__
#include <wasm_simd128.h>

namespace argpool {

inline void argmax_step(v128_t v, v128_t v_index, v128_t* best, v128_t* best_index) {
  const v128_t take = wasm_v128_or(wasm_f32x4_gt(v, *best), wasm_f32x4_ne(v, v));
  *best = wasm_v128_bitselect(v, *best, take);
  *best_index = wasm_v128_bitselect(v_index, *best_index, take);
}

// The same step for windows known to hold no NaN, in fewer instructions: f32x4.pmax(best, v) is
// `best < v ? v : best`, which keeps the earlier value (and its bits: -0 before +0) on ties,
// exactly like the rule above when no NaN is present.
inline void argmax_step_ordered(v128_t v, v128_t v_index, v128_t* best, v128_t* best_index) {
  const v128_t take = wasm_f32x4_lt(*best, v);
  *best = wasm_f32x4_pmax(*best, v);
  *best_index = wasm_v128_bitselect(v_index, *best_index, take);
}

// NaN detector for the ordered path: NaN propagates through addition, so a sum of a group's taps
// is NaN when any tap is (and, harmlessly, when +inf meets -inf: the exact path then runs). Each
// group adds its `sum != sum` mask (-1 per NaN lane) to an integer count rather than its sum to a
// running float total: across a plane's loop that chains a 1-cycle integer add per group instead
// of float adds (3-4 cycles each), which capped the k2s2 kernel at the adds' latency. (An OR of
// the masks would do too, but LLVM turns it into a 3-instruction select.) A plane has < 2^31
// groups, so the count cannot wrap to 0.
inline v128_t add_nan_check(v128_t nan_seen, v128_t group_sum) {
  return wasm_i32x4_add(nan_seen, wasm_f32x4_ne(group_sum, group_sum));
}
inline bool any_nan(v128_t nan_seen) { return wasm_v128_any_true(nan_seen); }
// The same test on a running sum (kernels that accumulate one).
inline bool maybe_nan(v128_t sum) { return wasm_v128_any_true(wasm_f32x4_ne(sum, sum)); }

// A comparison mask LLVM may not reason about. Given `x & (a < b)` it knows the mask is all ones or
// all zeros per lane and rewrites the AND as a select, which wasm expresses as v128.bitselect and
// V8 lowers (x64) to three instructions plus a zero constant; the empty asm keeps the one AND.
inline v128_t opaque_mask(v128_t mask) {
  __asm__("" : "+r"(mask));
  return mask;
}

// Even and odd lanes of the 8 floats at p: the two taps of 4 stride-2 windows.
inline v128_t load_even(const float* p) {
  return wasm_i32x4_shuffle(wasm_v128_load(p), wasm_v128_load(p + 4), 0, 2, 4, 6);
}

}  // namespace argpool
#endif
