#include "argpool/operators.h"

#include <cstring>

#include "argpool/indices.h"
#include "argpool/plan.h"
#include "argpool/shape.h"

namespace argpool {

namespace {

bool same_dims(const TensorShape& a, const TensorShape& b) {
  if (a.spatial_rank != b.spatial_rank || a.spatial_rank < 1 || a.spatial_rank > kMaxSpatialRank) return false;
  for (int i = 0; i < a.rank(); ++i) {
    if (a.dims[i] != b.dims[i]) return false;
  }
  return true;
}

}  // namespace

Result max_pool(DType dtype, const TensorShape& input_shape, const PoolParams& params, const IndexSpec& index_spec,
                const void* input, void* values, void* indices, const char* kernel) {
  MaxPoolPlan plan;
  Result r = make_max_pool_plan(dtype, input_shape, params, index_spec, indices != nullptr, kernel, &plan);
  if (r.ok()) run_max_pool_plan(plan, input, values, indices);
  return r;
}

Result max_unpool(DType dtype, const TensorShape& values_shape, const TensorShape& indices_shape,
                  const UnpoolParams& params, const IndexSpec& index_spec, const void* values, const void* indices,
                  void* output, const char* kernel) {
  MaxUnpoolPlan shape_only;  // the values' own errors come first
  const Result shape = make_max_unpool_plan(dtype, values_shape, params, IndexSpec{}, nullptr, &shape_only);
  if (!shape.ok()) return shape;
  if (!same_dims(values_shape, indices_shape)) {
    return Result::Error(Status::kInvalidArgument, "indices.shape " + format_shape(indices_shape) +
                                                       " must equal values.shape " + format_shape(values_shape));
  }
  MaxUnpoolPlan plan;
  const Result r = make_max_unpool_plan(dtype, values_shape, params, index_spec, kernel, &plan);
  if (!r.ok()) return r;
  return run_max_unpool_plan(plan, values, indices, output);
}

Result check_backward_shapes(DType dtype, const TensorShape& grad_shape, const TensorShape& indices_shape,
                             const TensorShape& input_shape, Layout layout, const PoolParams* params) {
  MaxPoolBackwardPlan shape_only;  // the gradient's own errors come first
  const Result shape =
      make_max_pool_backward_plan(dtype, grad_shape, input_shape, layout, nullptr, IndexSpec{}, nullptr, &shape_only);
  if (!shape.ok()) return shape;
  if (!same_dims(grad_shape, indices_shape)) {
    return Result::Error(Status::kInvalidArgument, "indices.shape " + format_shape(indices_shape) +
                                                       " must equal gradOutput.shape " + format_shape(grad_shape));
  }
  MaxPoolBackwardPlan plan;
  return make_max_pool_backward_plan(dtype, grad_shape, input_shape, layout, params, IndexSpec{}, nullptr, &plan);
}

Result max_pool_backward(DType dtype, const TensorShape& grad_shape, const TensorShape& indices_shape,
                         const TensorShape& input_shape, Layout layout, const PoolParams* params,
                         const IndexSpec& index_spec, const void* grad_output, const void* indices, void* grad_input,
                         const char* kernel) {
  Result r = check_backward_shapes(dtype, grad_shape, indices_shape, input_shape, layout, params);
  if (!r.ok()) return r;
  MaxPoolBackwardPlan plan;
  if (!(r = make_max_pool_backward_plan(dtype, grad_shape, input_shape, layout, params, index_spec, kernel, &plan)).ok()) {
    return r;
  }
  return run_max_pool_backward_plan(plan, grad_output, indices, grad_input);
}

Result convert_indices(const TensorShape& input_shape, const TensorShape& indices_shape, Layout layout,
                       const IndexSpec& from, const IndexSpec& to, const void* input, void* output) {
  if (layout != Layout::kNCHW && layout != Layout::kNHWC) {
    return Result::Error(Status::kInvalidArgument, "unknown layout " + num(static_cast<int>(layout)));
  }
  // The input itself is never touched: only its shape gives the planes the indices point into.
  Result r = validate_tensor_shape(input_shape, "inputShape", DType::kFloat32, /*check_memory=*/false);
  if (!r.ok()) return r;
  if (!(r = validate_tensor_shape(indices_shape, "indices.shape", DType::kInt32)).ok()) return r;
  const TensorShape input_logical = to_logical(input_shape, layout);
  const TensorShape indices_logical = to_logical(indices_shape, layout);
  if (input_logical.spatial_rank != indices_logical.spatial_rank || input_logical.batch() != indices_logical.batch() ||
      input_logical.channels() != indices_logical.channels()) {
    return Result::Error(Status::kInvalidArgument, "indices.shape " + format_shape(indices_shape) +
                                                       " must have the rank, N and C of inputShape " +
                                                       format_shape(input_shape));
  }
  {
    int64_t plane = 1;  // the per-plane int32 step between the conventions needs an int32 plane
    for (int i = 0; i < input_logical.spatial_rank && plane <= INT32_MAX; ++i) plane *= input_logical.spatial(i);
    if (plane > INT32_MAX) {
      return Result::Error(Status::kInvalidArgument, "inputShape " + format_shape(input_shape) +
                                                         ": a spatial plane has more than 2^31-1 elements");
    }
  }
  if (!(r = check_index_spec(from, layout, input_logical)).ok()) return r;
  if (!(r = check_index_spec(to, layout, input_logical)).ok()) return r;
  PlaneIndices plane;
  if (!(r = plane.load(from, layout, input_logical, indices_logical, input, "input")).ok()) return r;
  const size_t count = static_cast<size_t>(element_count(indices_shape));
  if (count > 0 && plane.data() != output) std::memmove(output, plane.data(), count * sizeof(int32_t));
  encode_indices(to, layout, input_logical, indices_logical, output);
  return Result::Ok();
}

Result max_unpool_backward(DType dtype, const TensorShape& grad_shape, const TensorShape& indices_shape,
                           const TensorShape& values_shape, Layout layout, const UnpoolParams* params,
                           const IndexSpec& index_spec, const void* grad_output, const void* indices,
                           void* grad_values, const char* kernel) {
  MaxUnpoolBackwardPlan plan;
  Result r = make_max_unpool_backward_plan(dtype, grad_shape, values_shape, layout, params, index_spec, kernel, &plan);
  if (!r.ok()) return r;
  if (!same_dims(values_shape, indices_shape)) {
    return Result::Error(Status::kInvalidArgument, "indices.shape " + format_shape(indices_shape) +
                                                       " must equal valuesShape " + format_shape(values_shape));
  }
  return run_max_unpool_backward_plan(plan, grad_output, indices, grad_values);
}

}  // namespace argpool
