// Zero fill for the scatter kernels: aligned 16-byte stores in wasm (the libc memset of this
// Emscripten stores at most 8 bytes at a time), memset elsewhere. All-zero bits are 0 for the integer types
// and +0 for IEEE floats.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#ifdef __wasm_simd128__
#include <wasm_simd128.h>
#endif

namespace argpool {

inline void zero_fill(void* destination, size_t bytes) {
#ifdef __wasm_simd128__
  if (bytes >= 16) {
    uint8_t* p = static_cast<uint8_t*>(destination);
    v128_t zero = wasm_i32x4_splat(0);
    __asm__("" : "+r"(zero));  // keeps LLVM from turning the loop back into a memset call
    // One unaligned store for the head, then aligned ones: a store across a cache line is slow.
    wasm_v128_store(p, zero);
    size_t i = 16 - (reinterpret_cast<uintptr_t>(p) & 15);
    for (; i + 64 <= bytes; i += 64) {
      wasm_v128_store(p + i, zero);
      wasm_v128_store(p + i + 16, zero);
      wasm_v128_store(p + i + 32, zero);
      wasm_v128_store(p + i + 48, zero);
    }
    for (; i + 16 <= bytes; i += 16) wasm_v128_store(p + i, zero);
    if (i < bytes) wasm_v128_store(p + bytes - 16, zero);  // overlaps bytes already zeroed
    return;
  }
#endif
  std::memset(destination, 0, bytes);
}

}  // namespace argpool
