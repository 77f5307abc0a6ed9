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

// Even and odd lanes of the 8 floats at p: the two taps of 4 stride-2 windows.
inline v128_t load_even(const float* p) {
  return wasm_i32x4_shuffle(wasm_v128_load(p), wasm_v128_load(p + 4), 0, 2, 4, 6);
}

}  // namespace argpool
#endif
