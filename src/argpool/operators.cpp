#include "argpool/operators.h"

#include "argpool/shape.h"
#include "kernels/kernels.h"

namespace argpool {

namespace {

bool same_dims(const TensorShape& a, const TensorShape& b) {
  if (a.spatial_rank != b.spatial_rank) return false;
  for (int i = 0; i < a.rank(); ++i) {
    if (a.dims[i] != b.dims[i]) return false;
  }
  return true;
}

// True when depth is trivial and H, W use the given square window with dilation 1.
bool is_2d_window(const PoolGeometry& g, int64_t kernel, int64_t stride, int64_t pad) {
  return g.kernel[0] == 1 && g.stride[0] == 1 && g.pad[0] == 0 && g.dilation[0] == 1 && g.kernel[1] == kernel &&
         g.kernel[2] == kernel && g.stride[1] == stride && g.stride[2] == stride && g.pad[1] == pad &&
         g.pad[2] == pad && g.dilation[1] == 1 && g.dilation[2] == 1;
}

#ifdef __wasm_simd128__
constexpr bool kHaveSimd = true;
#else
constexpr bool kHaveSimd = false;
#endif

// Every index must address an element of its plane; checked before any output is written.
Result check_indices(const int32_t* indices, size_t count, int64_t plane, const TensorShape& plane_shape,
                     const char* what) {
  for (size_t i = 0; i < count; ++i) {
    if (indices[i] < 0 || indices[i] >= plane) {
      std::string dims;
      for (int d = 0; d < plane_shape.spatial_rank; ++d) dims += (d ? "x" : "") + std::to_string(plane_shape.spatial(d));
      return Result::Error(Status::kIndexOutOfRange,
                           "indices.data[" + std::to_string(i) + "] = " + std::to_string(indices[i]) +
                               " is outside the " + what + " plane of " + dims + " = " + std::to_string(plane) +
                               " elements (valid: 0 to " + std::to_string(plane - 1) + ")");
    }
  }
  return Result::Ok();
}

template <typename T>
void run_max_pool(MaxPoolKernelId id, const PoolGeometry& g, const void* input, void* values, int32_t* indices);

template <>
void run_max_pool<double>(MaxPoolKernelId, const PoolGeometry& g, const void* input, void* values,
                          int32_t* indices) {
  max_pool_nchw_scalar(g, static_cast<const double*>(input), static_cast<double*>(values), indices);
}

template <>
void run_max_pool<float>(MaxPoolKernelId id, const PoolGeometry& g, const void* input, void* values,
                         int32_t* indices) {
  MaxPoolKernel<float> kernel = max_pool_nchw_scalar<float>;
#ifdef __wasm_simd128__
  if (id == MaxPoolKernelId::kAuto) {
    id = is_2d_window(g, 2, 2, 0)   ? MaxPoolKernelId::kF32_2x2s2Simd
         : is_2d_window(g, 3, 2, 1) ? MaxPoolKernelId::kF32_3x3s2p1Simd
                                    : MaxPoolKernelId::kF32GenericSimd;
  }
  switch (id) {
    case MaxPoolKernelId::kF32GenericSimd: kernel = max_pool_nchw_f32_generic_wasmsimd; break;
    case MaxPoolKernelId::kF32_2x2s2Simd: kernel = max_pool_nchw_f32_2x2s2_wasmsimd; break;
    case MaxPoolKernelId::kF32_3x3s2p1Simd: kernel = max_pool_nchw_f32_3x3s2p1_wasmsimd; break;
    default: break;
  }
#else
  (void)id;
#endif
  kernel(g, static_cast<const float*>(input), static_cast<float*>(values), indices);
}

}  // namespace

bool max_pool_kernel_applies(MaxPoolKernelId kernel, DType dtype, const PoolGeometry& g) {
  switch (kernel) {
    case MaxPoolKernelId::kAuto:
    case MaxPoolKernelId::kScalar: return true;
    case MaxPoolKernelId::kF32GenericSimd: return kHaveSimd && dtype == DType::kFloat32;
    case MaxPoolKernelId::kF32_2x2s2Simd: return kHaveSimd && dtype == DType::kFloat32 && is_2d_window(g, 2, 2, 0);
    case MaxPoolKernelId::kF32_3x3s2p1Simd:
      return kHaveSimd && dtype == DType::kFloat32 && is_2d_window(g, 3, 2, 1);
  }
  return false;
}

Result max_pool(DType dtype, const TensorShape& input_shape, const PoolParams& params, const void* input,
                void* values, int32_t* indices, MaxPoolKernelId kernel) {
  PoolGeometry g;
  Result r = pool_output_shape(input_shape, params, dtype, nullptr, &g);
  if (!r.ok()) return r;
  if (!max_pool_kernel_applies(kernel, dtype, g)) {
    return Result::Error(Status::kUnsupported, "kernel " + std::to_string(static_cast<int>(kernel)) +
                                                   " does not apply to this dtype and these parameters");
  }
  if (g.planes == 0) return Result::Ok();  // empty batch: nothing to do
  if (dtype == DType::kFloat64) {
    run_max_pool<double>(kernel, g, input, values, indices);
  } else {
    run_max_pool<float>(kernel, g, input, values, indices);
  }
  return Result::Ok();
}

Result max_unpool(DType dtype, const TensorShape& values_shape, const TensorShape& indices_shape,
                  const UnpoolParams& params, const void* values, const int32_t* indices, void* output) {
  TensorShape out;
  Result r = unpool_output_shape(values_shape, params, dtype, &out);
  if (!r.ok()) return r;
  if (!same_dims(values_shape, indices_shape)) {
    return Result::Error(Status::kInvalidArgument, "indices.shape " + format_shape(indices_shape) +
                                                       " must equal values.shape " + format_shape(values_shape));
  }
  const size_t planes = static_cast<size_t>(values_shape.batch() * values_shape.channels());
  const size_t in_plane = static_cast<size_t>(plane_size(values_shape));
  const int64_t out_plane = plane_size(out);
  r = check_indices(indices, planes * in_plane, out_plane, out, "output");
  if (!r.ok()) return r;
  if (dtype == DType::kFloat64) {
    max_unpool_scalar(planes, in_plane, out_plane, static_cast<const double*>(values), indices,
                      static_cast<double*>(output));
  } else {
    max_unpool_scalar(planes, in_plane, out_plane, static_cast<const float*>(values), indices,
                      static_cast<float*>(output));
  }
  return Result::Ok();
}

Result max_pool_backward(DType dtype, const TensorShape& grad_shape, const TensorShape& indices_shape,
                         const TensorShape& input_shape, const PoolParams* params, const void* grad_output,
                         const int32_t* indices, void* grad_input) {
  Result r = backward_input_shape(grad_shape, input_shape, dtype);
  if (!r.ok()) return r;
  if (!same_dims(grad_shape, indices_shape)) {
    return Result::Error(Status::kInvalidArgument, "indices.shape " + format_shape(indices_shape) +
                                                       " must equal gradOutput.shape " + format_shape(grad_shape));
  }
  if (params != nullptr) {
    TensorShape pooled;
    r = pool_output_shape(input_shape, *params, dtype, &pooled, nullptr);
    if (!r.ok()) return r;
    if (!same_dims(pooled, grad_shape)) {
      return Result::Error(Status::kInvalidArgument,
                           "gradOutput.shape " + format_shape(grad_shape) + " must equal the pooling output shape " +
                               format_shape(pooled) + " of inputShape " + format_shape(input_shape) +
                               " with these options");
    }
  }
  const size_t planes = static_cast<size_t>(grad_shape.batch() * grad_shape.channels());
  const size_t grad_plane = static_cast<size_t>(plane_size(grad_shape));
  const int64_t in_plane = plane_size(input_shape);
  r = check_indices(indices, planes * grad_plane, in_plane, input_shape, "input");
  if (!r.ok()) return r;
  if (dtype == DType::kFloat64) {
    max_pool_backward_scalar(planes, grad_plane, in_plane, static_cast<const double*>(grad_output), indices,
                             static_cast<double*>(grad_input));
  } else {
    max_pool_backward_scalar(planes, grad_plane, in_plane, static_cast<const float*>(grad_output), indices,
                             static_cast<float*>(grad_input));
  }
  return Result::Ok();
}

}  // namespace argpool
