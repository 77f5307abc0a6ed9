#include <cstdint>

#include "kernels/kernels.h"

#ifdef __wasm_simd128__
#include <wasm_simd128.h>
#endif

namespace argpool {

namespace {

// An unsigned maximum: negative indices wrap to values >= 2^31.
uint32_t largest_index(const int32_t* indices, size_t count) {
  uint32_t largest = 0;
  size_t i = 0;
#ifdef __wasm_simd128__
  // Four independent maxima per step: one chain would wait on each max's latency.
  v128_t m0 = wasm_i32x4_splat(0), m1 = m0, m2 = m0, m3 = m0;
  for (; i + 16 <= count; i += 16) {
    m0 = wasm_u32x4_max(m0, wasm_v128_load(indices + i));
    m1 = wasm_u32x4_max(m1, wasm_v128_load(indices + i + 4));
    m2 = wasm_u32x4_max(m2, wasm_v128_load(indices + i + 8));
    m3 = wasm_u32x4_max(m3, wasm_v128_load(indices + i + 12));
  }
  v128_t vector_largest = wasm_u32x4_max(wasm_u32x4_max(m0, m1), wasm_u32x4_max(m2, m3));
  for (; i + 4 <= count; i += 4) vector_largest = wasm_u32x4_max(vector_largest, wasm_v128_load(indices + i));
  vector_largest = wasm_u32x4_max(vector_largest, wasm_i32x4_shuffle(vector_largest, vector_largest, 2, 3, 0, 1));
  vector_largest = wasm_u32x4_max(vector_largest, wasm_i32x4_shuffle(vector_largest, vector_largest, 1, 0, 3, 2));
  largest = static_cast<uint32_t>(wasm_i32x4_extract_lane(vector_largest, 0));
#endif
  for (; i < count; ++i) {
    const uint32_t v = static_cast<uint32_t>(indices[i]);
    largest = v > largest ? v : largest;
  }
  return largest;
}

}  // namespace

// Negative indices fail the same comparison as too large ones.
bool indices_in_range(const int32_t* indices, size_t count, int32_t limit) {
  return count == 0 || largest_index(indices, count) < static_cast<uint32_t>(limit);
}

}  // namespace argpool
