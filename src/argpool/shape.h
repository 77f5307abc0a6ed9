// Shape math and parameter validation: the one place where argpool's rules live.
// Shapes passed in and out are physical (in the tensor's layout); the math is done on logical
// [N, C, spatial...] shapes.
#pragma once

#include "argpool/types.h"

namespace argpool {

// Largest value accepted for any size or parameter; keeps all shape arithmetic inside int64.
constexpr int64_t kMaxDim = INT32_MAX;

Text format_dims(const int64_t* dims, int count);
Text format_shape(const TensorShape& shape);

// Physical (as laid out) <-> logical [N, C, spatial...].
TensorShape to_logical(const TensorShape& physical, Layout layout);
TensorShape to_physical(const TensorShape& logical, Layout layout);

// N >= 0, every other dim >= 1 (PyTorch accepts only an empty batch), and (unless the shape only
// describes a tensor that is never allocated) an element count that a 32-bit address space can
// hold for the given dtype. `shape` is physical.
Result validate_tensor_shape(const TensorShape& shape, const char* name, DType dtype, bool check_memory = true);

// Output size of one pooled dimension (PyTorch's pooling_output_shape_pad_lr).
int64_t pool_output_size(int64_t size, int64_t kernel, int64_t stride, int64_t pad_begin, int64_t pad_end,
                         int64_t dilation, bool ceil_mode);

// Validates `params` for `input` (physical), resolves automatic padding into `resolved` and
// computes the pooled shape (physical) and the kernel geometry. Any output may be null.
Result pool_output_shape(const TensorShape& input, const PoolParams& params, DType dtype, TensorShape* output,
                         PoolGeometry* geometry, PoolParams* resolved = nullptr);

// Unpooled shape: (in - 1) * stride - pad_begin - pad_end + kernel, or the explicit output size,
// which must lie strictly within that default +/- stride (PyTorch's rule).
Result unpool_output_shape(const TensorShape& values, const UnpoolParams& params, DType dtype,
                           TensorShape* output);

// Checks the backward pass's `input_shape` against the gradient's N and C (both physical).
Result backward_input_shape(const TensorShape& grad_output, const TensorShape& input_shape, Layout layout,
                            DType dtype);

int64_t element_count(const TensorShape& shape);
int64_t plane_size(const TensorShape& logical);

}  // namespace argpool
