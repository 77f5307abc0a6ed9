// argpool's public C++ API: each operator validates its arguments, computes shapes and dispatches
// to a kernel. Nothing here throws; every failure is a Result with a message that names the
// argument (using the JS API's argument names) and the rule.
#pragma once

#include "argpool/types.h"

namespace argpool {

// Which max-pooling kernel to run. kAuto picks the fastest applicable one; the others force a
// kernel so that tests can compare every variant with the scalar reference.
enum class MaxPoolKernelId : int {
  kAuto = 0,
  kScalar = 1,
  kF32GenericSimd = 2,
  kF32_2x2s2Simd = 3,
  kF32_3x3s2p1Simd = 4,
};

// values and indices have the shape given by pool_output_shape(); `indices` may be null (values only).
Result max_pool(DType dtype, const TensorShape& input_shape, const PoolParams& params, const void* input,
                void* values, int32_t* indices, MaxPoolKernelId kernel = MaxPoolKernelId::kAuto);

// output has the shape given by unpool_output_shape(); each index must lie in [0, output plane).
Result max_unpool(DType dtype, const TensorShape& values_shape, const TensorShape& indices_shape,
                  const UnpoolParams& params, const void* values, const int32_t* indices, void* output);

// grad_input has `input_shape`; `params`, when given, must pool `input_shape` to the gradient's shape.
Result max_pool_backward(DType dtype, const TensorShape& grad_shape, const TensorShape& indices_shape,
                         const TensorShape& input_shape, const PoolParams* params, const void* grad_output,
                         const int32_t* indices, void* grad_input);

// Whether `kernel` can run `geometry` in this build (kAuto and kScalar always can).
bool max_pool_kernel_applies(MaxPoolKernelId kernel, DType dtype, const PoolGeometry& geometry);

}  // namespace argpool
