// The table of scatter kernels (max unpooling and the pooling backward pass): the only place such a
// kernel is chosen, once, when a plan is made (src/argpool/plan.cpp).
#pragma once

#include <cstddef>
#include <cstdint>

#include "argpool/types.h"
#include "kernels/kernels.h"

namespace argpool {

// kUnpoolBackward: the gradient of unpooling, a gather (source: the output's gradient; target: the values').
enum class ScatterOp : int { kUnpool = 0, kBackward = 1, kUnpoolBackward = 2 };

// A kernel with its value type erased: `source` and `target` hold the entry's dtype.
using ScatterKernelFn = void (*)(const ScatterGeometry& geometry, const void* source, const int32_t* indices,
                                 void* target);

struct ScatterKernelEntry {
  const char* name;  // the kernel's symbol, e.g. "max_unpool_nchw_x32_2x2s2_wasmsimd"
  ScatterOp op;
  DType dtype;
  Layout layout;
  bool (*applies)(const ScatterGeometry& geometry);  // what the kernel can run; null: any geometry
  bool (*pays_off)(const ScatterGeometry& geometry);  // when it is the preferred choice; null: always
  ScatterKernelFn fn;
};

const ScatterKernelEntry* scatter_kernels(size_t* count);

// As choose_max_pool_kernel (configs/max_pool_config.h): the preferred entry, or the one named
// `forced` when it can run this geometry; null otherwise.
const ScatterKernelEntry* choose_scatter_kernel(ScatterOp op, DType dtype, Layout layout,
                                                const ScatterGeometry& geometry, const char* forced);

}  // namespace argpool
