#include <cstdint>

#include "kernels/kernels.h"

#ifdef __wasm_simd128__
#include <wasm_simd128.h>
#endif

namespace argpool {

// An unsigned maximum: negative indices wrap to values >= 2^31 and fail the same comparison.
bool indices_in_range(const int32_t* indices, size_t count, int32_t limit) {
  uint32_t largest = 0;
  size_t i = 0;
#ifdef __wasm_simd128__
  v128_t vector_largest = wasm_i32x4_splat(0);
  for (; i + 4 <= count; i += 4) vector_largest = wasm_u32x4_max(vector_largest, wasm_v128_load(indices + i));
  for (int lane = 0; lane < 4; ++lane) {
    const uint32_t v = static_cast<uint32_t>(wasm_i32x4_extract_lane(vector_largest, 0));
    largest = v > largest ? v : largest;
    vector_largest = wasm_i32x4_shuffle(vector_largest, vector_largest, 1, 2, 3, 0);
  }
#endif
  for (; i < count; ++i) {
    const uint32_t v = static_cast<uint32_t>(indices[i]);
    largest = v > largest ? v : largest;
  }
  return count == 0 || largest < static_cast<uint32_t>(limit);
}

}  // namespace argpool
