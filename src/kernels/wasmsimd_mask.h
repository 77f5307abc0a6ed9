// A lane mask hidden from LLVM, shared by the wasm SIMD kernels.
#pragma once

#ifdef __wasm_simd128__
#include <wasm_simd128.h>

namespace argpool {

// A comparison mask LLVM may not reason about. Given `x & (a < b)` it knows the mask is all ones or
// all zeros per lane and rewrites the AND as a select, which wasm expresses as v128.bitselect and
// V8 lowers (x64) to three instructions plus a zero constant; the empty asm keeps the one AND.
inline v128_t opaque_mask(v128_t mask) {
  __asm__("" : "+r"(mask));
  return mask;
}

}  // namespace argpool
#endif
