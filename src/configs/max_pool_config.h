// The table of max-pooling kernels: the only place a pooling kernel is chosen. A plan walks it once,
// when it is made (src/argpool/plan.cpp); kernels compute and never choose each other.
#pragma once

#include <cstddef>
#include <cstdint>

#include "argpool/types.h"

namespace argpool {

// A kernel with its value type erased: `input` and `values` hold the entry's dtype.
using MaxPoolKernelFn = void (*)(const PoolGeometry& geometry, const void* input, void* values, int32_t* indices);

struct MaxPoolKernelEntry {
  const char* name;  // the kernel's symbol, e.g. "max_pool_nchw_f32_k2s2_wasmsimd"
  DType dtype;
  Layout layout;
  bool (*applies)(const PoolGeometry& geometry);  // null: any geometry
  MaxPoolKernelFn fn;
};

// Every entry, in order of preference: the first that matches dtype and layout and applies to the
// geometry is chosen. The scalar references close the table and apply to everything.
const MaxPoolKernelEntry* max_pool_kernels(size_t* count);

// The preferred entry, or the entry named `forced` when it matches (null when it does not, or
// no entry has that name). `forced` null or empty: the preferred one.
const MaxPoolKernelEntry* choose_max_pool_kernel(DType dtype, Layout layout, const PoolGeometry& geometry,
                                                 const char* forced);

}  // namespace argpool
