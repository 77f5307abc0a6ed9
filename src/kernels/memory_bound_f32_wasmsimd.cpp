#ifdef __wasm_simd128__
#include <wasm_simd128.h>

#include "kernels/kernels.h"

namespace argpool {

// Not a pooling kernel: the floor any pooling kernel can reach on this machine. It streams the
// input once (a max-reduction keeps the loads alive) and the outputs once, in 16-byte vectors.
void memory_bound_f32_wasmsimd(const float* input, size_t input_count, float* values, int32_t* indices,
                               size_t output_count) {
  v128_t acc0 = wasm_f32x4_splat(0), acc1 = acc0, acc2 = acc0, acc3 = acc0;
  size_t i = 0;
  for (; i + 16 <= input_count; i += 16) {
    acc0 = wasm_f32x4_pmax(acc0, wasm_v128_load(input + i));
    acc1 = wasm_f32x4_pmax(acc1, wasm_v128_load(input + i + 4));
    acc2 = wasm_f32x4_pmax(acc2, wasm_v128_load(input + i + 8));
    acc3 = wasm_f32x4_pmax(acc3, wasm_v128_load(input + i + 12));
  }
  float tail = 0;
  for (; i < input_count; ++i) tail = input[i] > tail ? input[i] : tail;
  const v128_t v = wasm_f32x4_add(wasm_f32x4_add(acc0, acc1), wasm_f32x4_add(acc2, wasm_f32x4_add(acc3, wasm_f32x4_splat(tail))));
  v128_t index = wasm_i32x4_make(0, 1, 2, 3);
  const v128_t step = wasm_i32x4_splat(4);
  size_t o = 0;
  for (; o + 4 <= output_count; o += 4) {
    wasm_v128_store(values + o, v);
    if (indices != nullptr) {
      wasm_v128_store(indices + o, index);
      index = wasm_i32x4_add(index, step);
    }
  }
  for (; o < output_count; ++o) {
    values[o] = wasm_f32x4_extract_lane(v, 0);
    if (indices != nullptr) indices[o] = static_cast<int32_t>(o);
  }
}

}  // namespace argpool
#endif  // __wasm_simd128__
