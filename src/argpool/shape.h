// Shape math and parameter validation: the one place where argpool's rules live.
#pragma once

#include "argpool/types.h"

namespace argpool {

// Largest value accepted for any size or parameter; keeps all shape arithmetic inside int64.
constexpr int64_t kMaxDim = INT32_MAX;

std::string format_dims(const int64_t* dims, int count);
std::string format_shape(const TensorShape& shape);

// N >= 0, C >= 1, spatial sizes >= 1 (PyTorch accepts only an empty batch), and an element count
// that a 32-bit address space can hold for the given dtype.
Result validate_tensor_shape(const TensorShape& shape, const char* name, DType dtype);

// Output size of one pooled dimension (PyTorch's pooling_output_shape, ceil-mode rule included).
int64_t pool_output_size(int64_t size, int64_t kernel, int64_t stride, int64_t padding, int64_t dilation,
                         bool ceil_mode);

// Validates `params` for `input` and computes the pooled shape and the kernel geometry.
Result pool_output_shape(const TensorShape& input, const PoolParams& params, DType dtype, TensorShape* output,
                         PoolGeometry* geometry);

// Unpooled shape: (in - 1) * stride - 2 * padding + kernel, or the explicit output size, which must
// lie strictly within that default +/- stride (PyTorch's rule).
Result unpool_output_shape(const TensorShape& values, const UnpoolParams& params, DType dtype,
                           TensorShape* output);

// gradInput shape for the backward pass: `input_shape` checked against the gradient's N and C.
Result backward_input_shape(const TensorShape& grad_output, const TensorShape& input_shape, DType dtype);

int64_t element_count(const TensorShape& shape);
int64_t plane_size(const TensorShape& shape);

}  // namespace argpool
