#ifdef __wasm_simd128__
#include <wasm_simd128.h>

#include "kernels/kernels.h"

namespace argpool {

namespace {

// Max of the R vectors at p: the reads stay alive through the stores that use them.
template <size_t R>
inline v128_t max_of(const float* p) {
  v128_t m = wasm_v128_load(p);
  for (size_t k = 1; k < R; ++k) m = wasm_f32x4_pmax(m, wasm_v128_load(p + 4 * k));
  return m;
}

// R input vectors per output vector, reads and writes interleaved as a pooling kernel's are.
template <size_t R>
void stream(const float* input, float* values, int32_t* indices, size_t out_vectors) {
  v128_t index = wasm_i32x4_make(0, 1, 2, 3);
  const v128_t step = wasm_i32x4_splat(4);
  for (size_t o = 0; o < out_vectors; ++o) {
    wasm_v128_store(values + 4 * o, max_of<R>(input + 4 * R * o));
    if (indices != nullptr) {
      wasm_v128_store(indices + 4 * o, index);
      index = wasm_i32x4_add(index, step);
    }
  }
}

// Fewer inputs than outputs (unpool, backward): each input vector feeds Q output vectors.
template <size_t Q>
void spread(const float* input, float* values, size_t in_vectors) {
  for (size_t i = 0; i < in_vectors; ++i) {
    const v128_t v = wasm_v128_load(input + 4 * i);
    for (size_t k = 0; k < Q; ++k) wasm_v128_store(values + 4 * (Q * i + k), v);
  }
}

// One pass over the whole input, then one over the outputs: pure streams, which DRAM serves
// best (in cache, the interleaved loop is faster).
void two_passes(const float* input, size_t input_count, float* values, int32_t* indices, size_t output_count) {
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

// Each output vector right after the input vectors it stands for, as a pooling kernel's traffic
// goes. Ratios of whole vectors other than those instantiated fall back to separate passes.
void interleaved(const float* input, size_t input_count, float* values, int32_t* indices, size_t output_count) {
  const size_t in_vectors = input_count / 4, out_vectors = output_count / 4;
  size_t read = 0, written = 0;  // vectors handled by the interleaved loops
  if (out_vectors > 0 && in_vectors >= out_vectors) {
    const size_t r = in_vectors / out_vectors;
    read = r * out_vectors;
    written = out_vectors;
    switch (r) {
      case 1: stream<1>(input, values, indices, out_vectors); break;
      case 2: stream<2>(input, values, indices, out_vectors); break;
      case 4: stream<4>(input, values, indices, out_vectors); break;
      case 8: stream<8>(input, values, indices, out_vectors); break;
      default: read = written = 0;
    }
  } else if (in_vectors > 0 && indices == nullptr) {
    const size_t q = out_vectors / in_vectors;
    read = in_vectors;
    written = q * in_vectors;
    switch (q) {
      case 2: spread<2>(input, values, in_vectors); break;
      case 4: spread<4>(input, values, in_vectors); break;
      default: read = written = 0;
    }
  }
  // Whatever the loops above did not cover: one pass over the rest of the input, one over the
  // rest of the outputs.
  v128_t acc = wasm_f32x4_splat(0);
  for (size_t i = read; i < in_vectors; ++i) acc = wasm_f32x4_pmax(acc, wasm_v128_load(input + 4 * i));
  float tail = wasm_f32x4_extract_lane(acc, 0);
  for (size_t t = 4 * in_vectors; t < input_count; ++t) tail = input[t] > tail ? input[t] : tail;
  for (size_t t = 4 * written; t < output_count; ++t) {
    values[t] = tail;
    if (indices != nullptr) indices[t] = static_cast<int32_t>(t);
  }
}

}  // namespace

// Not a pooling kernel: the floor any pooling kernel can reach on this machine. Both loops read
// the input once and write the outputs once in 16-byte vectors with no window logic; benchmarks
// time both and take the faster as the bound.
void memory_bound_f32_wasmsimd(const float* input, size_t input_count, float* values, int32_t* indices,
                               size_t output_count, MemoryBoundPattern pattern) {
  if (pattern == MemoryBoundPattern::kInterleaved) {
    interleaved(input, input_count, values, indices, output_count);
  } else {
    two_passes(input, input_count, values, indices, output_count);
  }
}

}  // namespace argpool
#endif  // __wasm_simd128__
