// argpool's one-shot C++ API: each operator validates its arguments, computes shapes and runs the
// kernel of its plan (argpool/plan.h). Nothing here throws; every failure is a Result with a message that names the
// argument (using the JS API's argument names) and the rule. Shapes are physical (as laid out
// in memory, per `layout`).
#pragma once

#include "argpool/types.h"

namespace argpool {

// `kernel`: null for the preferred kernel, or the name of one in the kernel tables (src/configs/),
// so that tests can compare every kernel with the scalar reference; a named kernel that does not
// apply is kUnsupported. Each call makes a plan (argpool/plan.h) and runs it once.

// values and indices have the shape given by pool_output_shape(); `indices` may be null (values
// only), else it holds count * (int64 ? 8 : 4) bytes.
Result max_pool(DType dtype, const TensorShape& input_shape, const PoolParams& params, const IndexSpec& index_spec,
                const void* input, void* values, void* indices, const char* kernel = nullptr);

// output has the shape given by unpool_output_shape(); each index must address an element of its
// own (n, c) plane of the output, in the convention `index_spec`.
Result max_unpool(DType dtype, const TensorShape& values_shape, const TensorShape& indices_shape,
                  const UnpoolParams& params, const IndexSpec& index_spec, const void* values, const void* indices,
                  void* output, const char* kernel = nullptr);

// grad_input has `input_shape`; `params`, when given, must pool `input_shape` to the gradient's shape.
Result max_pool_backward(DType dtype, const TensorShape& grad_shape, const TensorShape& indices_shape,
                         const TensorShape& input_shape, Layout layout, const PoolParams* params,
                         const IndexSpec& index_spec, const void* grad_output, const void* indices, void* grad_input,
                         const char* kernel = nullptr);

// The shape checks of max_pool_backward alone, so that callers can validate before allocating.
Result check_backward_shapes(DType dtype, const TensorShape& grad_shape, const TensorShape& indices_shape,
                             const TensorShape& input_shape, Layout layout, const PoolParams* params);

// Rewrites indices of shape `indices_shape` that point into a tensor of `input_shape` from one
// convention to another (validating every index); `output` may alias `input` only when both
// specs use the same storage type.
Result convert_indices(const TensorShape& input_shape, const TensorShape& indices_shape, Layout layout,
                       const IndexSpec& from, const IndexSpec& to, const void* input, void* output);

// The backward pass of max unpooling (PyTorch's max_unpool backward): grad_values[e] =
// grad_output[its (n, c) plane][indices[e]], a gather. `values_shape` is the shape of the values
// that were unpooled (and of `indices`); `grad_shape` that of the unpooled output, with the rank,
// N and C of the values; `params`, when given, must unpool `values_shape` to `grad_shape`.
// Indices are read in the convention `index_spec`, as max_unpool reads them.
Result max_unpool_backward(DType dtype, const TensorShape& grad_shape, const TensorShape& indices_shape,
                           const TensorShape& values_shape, Layout layout, const UnpoolParams* params,
                           const IndexSpec& index_spec, const void* grad_output, const void* indices,
                           void* grad_values, const char* kernel = nullptr);

}  // namespace argpool
