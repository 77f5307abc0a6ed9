// Test- and bench-only exports, linked into build/wasm/tester/argpool-tester.* and never into the
// package's module: the memory-bound reference loop the benchmarks compare against.
#include <emscripten/emscripten.h>

#include <cstddef>
#include <cstdint>

#include "kernels/kernels.h"

extern "C" {

// pattern: 0 interleaved, 1 two passes (see src/kernels/memory_bound_f32_wasmsimd.cpp).
EMSCRIPTEN_KEEPALIVE void argpool_memory_bound(const float* input, double input_count, float* values,
                                               int32_t* indices, double output_count, int two_passes) {
  argpool::memory_bound_f32_wasmsimd(input, static_cast<size_t>(input_count), values, indices,
                                     static_cast<size_t>(output_count),
                                     two_passes ? argpool::MemoryBoundPattern::kTwoPasses
                                                : argpool::MemoryBoundPattern::kInterleaved);
}

}  // extern "C"
