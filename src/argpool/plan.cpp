#include "argpool/plan.h"

#include <cstdlib>
#include <initializer_list>

#include "argpool/indices.h"
#include "argpool/shape.h"

namespace argpool {

namespace {

bool known_dtype(DType dtype) { return static_cast<int>(dtype) >= 0 && static_cast<int>(dtype) < kDTypeCount; }

Result unknown_dtype(DType dtype) {
  return Result::Error(Status::kInvalidArgument, "unknown dtype " + num(static_cast<int>(dtype)));
}

Result refuse_kernel(const char* kernel) {
  return Result::Error(Status::kUnsupported,
                       Text("kernel '") + kernel + "' does not apply to this dtype, layout and these parameters");
}

bool same_dims(const TensorShape& a, const TensorShape& b) {
  if (a.spatial_rank != b.spatial_rank || a.spatial_rank < 1 || a.spatial_rank > kMaxSpatialRank) return false;
  for (int i = 0; i < a.rank(); ++i) {
    if (a.dims[i] != b.dims[i]) return false;
  }
  return true;
}

ScatterGeometry scatter_geometry(const TensorShape& source_logical, const TensorShape& target_logical) {
  ScatterGeometry s;
  s.batch = static_cast<size_t>(source_logical.batch());
  s.channels = static_cast<size_t>(source_logical.channels());
  s.in_plane = static_cast<size_t>(plane_size(source_logical));
  s.out_plane = static_cast<size_t>(plane_size(target_logical));
  const int rank = source_logical.spatial_rank;
  bool planes_2d = rank >= 2 && target_logical.spatial_rank == rank;
  for (int i = 0; planes_2d && i + 2 < rank; ++i) {
    planes_2d = source_logical.spatial(i) == 1 && target_logical.spatial(i) == 1;
  }
  if (planes_2d) {
    s.in_h = source_logical.spatial(rank - 2);
    s.in_w = source_logical.spatial(rank - 1);
    s.out_h = target_logical.spatial(rank - 2);
    s.out_w = target_logical.spatial(rank - 1);
  }
  return s;
}

// Whether the last two spatial dimensions (H, W) of a parameter set have kernel k, stride st and
// no padding.
bool last_two_dims_are(const int64_t* kernel, const int64_t* stride, const int64_t* pad_begin,
                       const int64_t* pad_end, int rank, int64_t k, int64_t st) {
  for (int i = rank - 2; i < rank; ++i) {
    if (i < 0 || kernel[i] != k || stride[i] != st || pad_begin[i] != 0 || pad_end[i] != 0) return false;
  }
  return true;
}

}  // namespace

Result make_max_pool_plan(DType dtype, const TensorShape& input, const PoolParams& params, const IndexSpec& index,
                          bool with_indices, const char* kernel, MaxPoolPlan* plan) {
  if (!known_dtype(dtype)) return unknown_dtype(dtype);
  MaxPoolPlan p;
  Result r = pool_output_shape(input, params, dtype, &p.output, &p.geometry);
  if (!r.ok()) return r;
  if (with_indices && !(r = check_index_spec(index, params.layout, to_logical(input, params.layout))).ok()) return r;
  p.kernel = choose_max_pool_kernel(dtype, params.layout, p.geometry, kernel);
  if (p.kernel == nullptr) return refuse_kernel(kernel);
  p.dtype = dtype;
  p.layout = params.layout;
  p.input = input;
  p.index = index;
  p.with_indices = with_indices;
  p.input_count = static_cast<size_t>(element_count(input));
  p.output_count = static_cast<size_t>(element_count(p.output));
  *plan = p;
  return Result::Ok();
}

void run_max_pool_plan(const MaxPoolPlan& p, const void* input, void* values, void* indices) {
  if (p.geometry.planes == 0) return;  // empty batch: nothing to do
  int32_t* plane_indices = p.with_indices ? static_cast<int32_t*>(indices) : nullptr;
  p.kernel->fn(p.geometry, input, values, plane_indices);
  // Kernels write per-plane int32 indices; other conventions are encoded in place afterwards.
  if (plane_indices != nullptr) {
    encode_indices(p.index, p.layout, to_logical(p.input, p.layout), to_logical(p.output, p.layout), indices);
  }
}

Result make_max_unpool_plan(DType dtype, const TensorShape& values, const UnpoolParams& params,
                            const IndexSpec& index, const char* kernel, MaxUnpoolPlan* plan) {
  if (!known_dtype(dtype)) return unknown_dtype(dtype);
  MaxUnpoolPlan p;
  Result r = unpool_output_shape(values, params, dtype, &p.output);
  if (!r.ok()) return r;
  p.values_logical = to_logical(values, params.layout);
  p.output_logical = to_logical(p.output, params.layout);
  if (!(r = check_index_spec(index, params.layout, p.output_logical)).ok()) return r;
  p.geometry = scatter_geometry(p.values_logical, p.output_logical);
  p.geometry.windows_2x2s2 =
      last_two_dims_are(params.kernel, params.stride, params.pad_begin, params.pad_end, params.spatial_rank, 2, 2);
  p.kernel = choose_scatter_kernel(ScatterOp::kUnpool, dtype, params.layout, p.geometry, kernel);
  if (p.kernel == nullptr) return refuse_kernel(kernel);
  p.dtype = dtype;
  p.layout = params.layout;
  p.values = values;
  p.index = index;
  p.values_count = static_cast<size_t>(element_count(values));
  p.output_count = static_cast<size_t>(element_count(p.output));
  *plan = p;
  return Result::Ok();
}

Result run_max_unpool_plan(const MaxUnpoolPlan& p, const void* values, const void* indices, void* output) {
  PlaneIndices plane;
  Result r = plane.load(p.index, p.layout, p.output_logical, p.values_logical, indices, "output");
  if (!r.ok()) return r;
  p.kernel->fn(p.geometry, values, plane.data(), output);
  return Result::Ok();
}

Result make_max_pool_backward_plan(DType dtype, const TensorShape& grad, const TensorShape& input, Layout layout,
                                   const PoolParams* params, const IndexSpec& index, const char* kernel,
                                   MaxPoolBackwardPlan* plan) {
  if (!known_dtype(dtype)) return unknown_dtype(dtype);
  if (!is_float(dtype)) return Result::Error(Status::kInvalidArgument, "gradOutput must be float32 or float64");
  Result r = backward_input_shape(grad, input, layout, dtype);
  if (!r.ok()) return r;
  if (params != nullptr) {
    if (params->layout != layout) {
      return Result::Error(Status::kInvalidArgument, "the pooling options' layout differs from the tensors' layout");
    }
    TensorShape pooled;
    if (!(r = pool_output_shape(input, *params, dtype, &pooled, nullptr)).ok()) return r;
    if (!same_dims(pooled, grad)) {
      return Result::Error(Status::kInvalidArgument,
                           "gradOutput.shape " + format_shape(grad) + " must equal the pooling output shape " +
                               format_shape(pooled) + " of inputShape " + format_shape(input) + " with these options");
    }
  }
  MaxPoolBackwardPlan p;
  p.grad_logical = to_logical(grad, layout);
  p.input_logical = to_logical(input, layout);
  if (!(r = check_index_spec(index, layout, p.input_logical)).ok()) return r;
  p.geometry = scatter_geometry(p.grad_logical, p.input_logical);
  // Without pooling parameters the shapes alone decide; the 2x2 stride-2 kernel gives a plane up at
  // its first pooled row with an index outside the 2x2 windows (e.g. a 3x3 stride-2 pooling's), so
  // guessing wrong costs about one row per plane.
  p.geometry.windows_2x2s2 =
      params == nullptr ||
      last_two_dims_are(params->kernel, params->stride, params->pad_begin, params->pad_end, params->spatial_rank, 2, 2);
  p.kernel = choose_scatter_kernel(ScatterOp::kBackward, dtype, layout, p.geometry, kernel);
  if (p.kernel == nullptr) return refuse_kernel(kernel);
  p.dtype = dtype;
  p.layout = layout;
  p.grad = grad;
  p.input = input;
  p.index = index;
  p.grad_count = static_cast<size_t>(element_count(grad));
  p.input_count = static_cast<size_t>(element_count(input));
  *plan = p;
  return Result::Ok();
}

Result run_max_pool_backward_plan(const MaxPoolBackwardPlan& p, const void* grad_output, const void* indices,
                                  void* grad_input) {
  PlaneIndices plane;
  Result r = plane.load(p.index, p.layout, p.input_logical, p.grad_logical, indices, "input");
  if (!r.ok()) return r;
  p.kernel->fn(p.geometry, grad_output, plane.data(), grad_input);
  return Result::Ok();
}

Result make_max_unpool_backward_plan(DType dtype, const TensorShape& grad, const TensorShape& values, Layout layout,
                                     const UnpoolParams* params, const IndexSpec& index, const char* kernel,
                                     MaxUnpoolBackwardPlan* plan) {
  if (!known_dtype(dtype)) return unknown_dtype(dtype);
  if (layout != Layout::kNCHW && layout != Layout::kNHWC) {
    return Result::Error(Status::kInvalidArgument, "unknown layout " + num(static_cast<int>(layout)));
  }
  Result r = validate_tensor_shape(grad, "gradOutput.shape", dtype);
  if (!r.ok()) return r;
  if (!(r = validate_tensor_shape(values, "valuesShape", dtype)).ok()) return r;
  MaxUnpoolBackwardPlan p;
  p.grad_logical = to_logical(grad, layout);
  p.values_logical = to_logical(values, layout);
  const TensorShape& g = p.grad_logical;
  const TensorShape& v = p.values_logical;
  if (g.spatial_rank != v.spatial_rank || g.batch() != v.batch() || g.channels() != v.channels()) {
    return Result::Error(Status::kInvalidArgument, "gradOutput.shape " + format_shape(grad) +
                                                       " must have the rank, N and C of valuesShape " +
                                                       format_shape(values));
  }
  // Both planes are multiplied out below; the gradient's must be addressable by int32 indices.
  for (const TensorShape* t : {&g, &v}) {
    int64_t plane = 1;
    for (int i = 0; i < t->spatial_rank && plane <= INT32_MAX; ++i) plane *= t->spatial(i);
    if (plane > INT32_MAX) {
      return Result::Error(Status::kInvalidArgument,
                           (t == &g ? "gradOutput.shape " + format_shape(grad) : "valuesShape " + format_shape(values)) +
                               ": a spatial plane has more than 2^31-1 elements, which int32 indices cannot address");
    }
  }
  if (params != nullptr) {
    if (params->layout != layout) {
      return Result::Error(Status::kInvalidArgument, "the unpooling options' layout differs from the tensors' layout");
    }
    TensorShape unpooled;
    if (!(r = unpool_output_shape(values, *params, dtype, &unpooled)).ok()) return r;
    if (!same_dims(unpooled, grad)) {
      return Result::Error(Status::kInvalidArgument, "gradOutput.shape " + format_shape(grad) +
                                                         " must equal the unpooling output shape " +
                                                         format_shape(unpooled) + " of valuesShape " +
                                                         format_shape(values) + " with these options");
    }
  }
  if (!(r = check_index_spec(index, layout, g)).ok()) return r;
  p.geometry = scatter_geometry(v, g);
  p.kernel = choose_scatter_kernel(ScatterOp::kUnpoolBackward, dtype, layout, p.geometry, kernel);
  if (p.kernel == nullptr) return refuse_kernel(kernel);
  p.dtype = dtype;
  p.layout = layout;
  p.grad = grad;
  p.values = values;
  p.index = index;
  p.grad_count = static_cast<size_t>(element_count(grad));
  p.values_count = static_cast<size_t>(element_count(values));
  *plan = p;
  return Result::Ok();
}

Result run_max_unpool_backward_plan(const MaxUnpoolBackwardPlan& p, const void* grad_output, const void* indices,
                                    void* grad_values) {
  PlaneIndices plane;
  Result r = plane.load(p.index, p.layout, p.grad_logical, p.values_logical, indices, "gradOutput");
  if (!r.ok()) return r;
  p.kernel->fn(p.geometry, grad_output, plane.data(), grad_values);
  return Result::Ok();
}

}  // namespace argpool
