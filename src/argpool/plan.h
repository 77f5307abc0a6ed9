// Plans: validate and choose once, run many times (XNNPACK's create/setup split). Making a plan
// validates the shapes and parameters, computes the output shape and geometry, and picks the kernel
// from its table (src/configs/); running one does no validation beyond what depends on the data
// (unpool and backward check every index). Shapes are physical (as laid out, per `layout`).
#pragma once

#include <cstddef>

#include "argpool/types.h"
#include "configs/max_pool_config.h"
#include "configs/scatter_config.h"
#include "kernels/kernels.h"

namespace argpool {

struct MaxPoolPlan {
  DType dtype = DType::kFloat32;
  Layout layout = Layout::kNCHW;
  TensorShape input, output;  // physical
  PoolGeometry geometry;
  IndexSpec index;
  bool with_indices = true;
  const MaxPoolKernelEntry* kernel = nullptr;
  size_t input_count = 0, output_count = 0;
};

// `kernel`: null for the preferred kernel, or a kernel's name (tests compare every kernel with the
// scalar reference); a named kernel that cannot run this plan is kUnsupported.
Result make_max_pool_plan(DType dtype, const TensorShape& input, const PoolParams& params, const IndexSpec& index,
                          bool with_indices, const char* kernel, MaxPoolPlan* plan);
// `input` holds plan.input_count elements; `values` and (with indices) `indices` get output_count
// (indices: int32 or int64 per plan.index).
void run_max_pool_plan(const MaxPoolPlan& plan, const void* input, void* values, void* indices);

struct MaxUnpoolPlan {
  DType dtype = DType::kFloat32;
  Layout layout = Layout::kNCHW;
  TensorShape values, output;  // physical; the indices have the values' shape
  TensorShape values_logical, output_logical;
  IndexSpec index;  // the convention and storage type of the indices
  ScatterGeometry geometry;
  const ScatterKernelEntry* kernel = nullptr;
  size_t values_count = 0, output_count = 0;
};

Result make_max_unpool_plan(DType dtype, const TensorShape& values, const UnpoolParams& params,
                            const IndexSpec& index, const char* kernel, MaxUnpoolPlan* plan);
// Fails (kIndexOutOfRange) when an index does not address its own plane of the output, before
// anything is written; kOutOfMemory when the indices need converting and no memory is left.
Result run_max_unpool_plan(const MaxUnpoolPlan& plan, const void* values, const void* indices, void* output);

struct MaxPoolBackwardPlan {
  DType dtype = DType::kFloat32;
  Layout layout = Layout::kNCHW;
  TensorShape grad, input;  // physical; the indices have the gradient's shape
  TensorShape grad_logical, input_logical;
  IndexSpec index;
  ScatterGeometry geometry;
  const ScatterKernelEntry* kernel = nullptr;
  size_t grad_count = 0, input_count = 0;
};

// `params`, when given, must pool `input` to `grad` (and have `layout`).
Result make_max_pool_backward_plan(DType dtype, const TensorShape& grad, const TensorShape& input, Layout layout,
                                   const PoolParams* params, const IndexSpec& index, const char* kernel,
                                   MaxPoolBackwardPlan* plan);
Result run_max_pool_backward_plan(const MaxPoolBackwardPlan& plan, const void* grad_output, const void* indices,
                                  void* grad_input);

struct MaxUnpoolBackwardPlan {
  DType dtype = DType::kFloat32;
  Layout layout = Layout::kNCHW;
  TensorShape grad, values;  // physical: the unpooled output's gradient, and the values (and indices)
  TensorShape grad_logical, values_logical;
  IndexSpec index;
  ScatterGeometry geometry;
  const ScatterKernelEntry* kernel = nullptr;
  size_t grad_count = 0, values_count = 0;
};

// `params`, when given, must unpool `values` to `grad` (and have `layout`).
Result make_max_unpool_backward_plan(DType dtype, const TensorShape& grad, const TensorShape& values, Layout layout,
                                     const UnpoolParams* params, const IndexSpec& index, const char* kernel,
                                     MaxUnpoolBackwardPlan* plan);
Result run_max_unpool_backward_plan(const MaxUnpoolBackwardPlan& plan, const void* grad_output, const void* indices,
                                    void* grad_values);

}  // namespace argpool
