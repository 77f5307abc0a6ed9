#include "argpool/operators.h"

#include <cstdlib>
#include <cstring>
#include <type_traits>

#include "argpool/indices.h"
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

// Plane int32 indices checked in place (the common case needs no conversion buffer).
Result check_plane_indices(const int32_t* indices, size_t count, int64_t plane, const TensorShape& plane_shape,
                           const char* what) {
  if (indices_in_range(indices, count, static_cast<int32_t>(plane))) return Result::Ok();
  for (size_t i = 0; i < count; ++i) {  // name the first bad one
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

// Per-plane int32 indices for the scatter kernels: the caller's own array when it already is
// one, else a decoded copy (owned here, freed with the object).
class PlaneIndices {
 public:
  ~PlaneIndices() { std::free(buffer_); }

  Result load(const IndexSpec& spec, Layout layout, const TensorShape& target_logical,
              const TensorShape& indices_logical, const void* indices, const char* what) {
    const size_t count = static_cast<size_t>(element_count(indices_logical));
    if (spec.mode == IndexMode::kPlane && !spec.int64) {
      data_ = static_cast<const int32_t*>(indices);
      return check_plane_indices(data_, count, plane_size(target_logical), target_logical, what);
    }
    buffer_ = static_cast<int32_t*>(std::malloc(count * sizeof(int32_t) + 1));
    if (buffer_ == nullptr) return Result::Error(Status::kOutOfMemory, "no memory to convert the indices");
    data_ = buffer_;
    return decode_indices(spec, layout, target_logical, indices_logical, indices, buffer_);
  }

  const int32_t* data() const { return data_; }

 private:
  const int32_t* data_ = nullptr;
  int32_t* buffer_ = nullptr;
};

template <typename T>
MaxPoolKernel<T> scalar_kernel(Layout layout) {
  return layout == Layout::kNCHW ? max_pool_nchw_scalar<T> : max_pool_nhwc_scalar<T>;
}

template <typename T>
MaxPoolKernel<T> select_kernel(MaxPoolKernelId, Layout layout, const PoolGeometry&) {
  return scalar_kernel<T>(layout);
}

#ifdef __wasm_simd128__
template <>
MaxPoolKernel<float> select_kernel<float>(MaxPoolKernelId id, Layout layout, const PoolGeometry& g) {
  if (id == MaxPoolKernelId::kAuto) {
    id = layout == Layout::kNHWC      ? MaxPoolKernelId::kF32NhwcSimd
         : is_k2s2_window(g)          ? MaxPoolKernelId::kF32K2s2Simd
         : is_2d_window(g, 3, 2, 1)   ? MaxPoolKernelId::kF32_3x3s2p1Simd
                                      : MaxPoolKernelId::kF32GenericSimd;
  }
  switch (id) {
    case MaxPoolKernelId::kF32GenericSimd: return max_pool_nchw_f32_generic_wasmsimd;
    case MaxPoolKernelId::kF32K2s2Simd: return max_pool_nchw_f32_k2s2_wasmsimd;
    case MaxPoolKernelId::kF32_3x3s2p1Simd: return max_pool_nchw_f32_3x3s2p1_wasmsimd;
    case MaxPoolKernelId::kF32NhwcSimd: return max_pool_nhwc_f32_wasmsimd;
    default: return scalar_kernel<float>(layout);
  }
}

template <>
MaxPoolKernel<int8_t> select_kernel<int8_t>(MaxPoolKernelId id, Layout layout, const PoolGeometry&) {
  if (id == MaxPoolKernelId::kScalar) return scalar_kernel<int8_t>(layout);
  return layout == Layout::kNCHW ? max_pool_nchw_s8_wasmsimd : max_pool_nhwc_s8_wasmsimd;
}

template <>
MaxPoolKernel<uint8_t> select_kernel<uint8_t>(MaxPoolKernelId id, Layout layout, const PoolGeometry&) {
  if (id == MaxPoolKernelId::kScalar) return scalar_kernel<uint8_t>(layout);
  return layout == Layout::kNCHW ? max_pool_nchw_u8_wasmsimd : max_pool_nhwc_u8_wasmsimd;
}
#endif

template <typename T>
void run_max_pool(MaxPoolKernelId id, Layout layout, const PoolGeometry& g, const void* input, void* values,
                  int32_t* indices) {
  select_kernel<T>(id, layout, g)(g, static_cast<const T*>(input), static_cast<T*>(values), indices);
}

// Calls f(T{}) with the C++ type of `dtype`.
template <typename F>
void with_dtype(DType dtype, F f) {
  switch (dtype) {
    case DType::kFloat32: f(float{}); break;
    case DType::kFloat64: f(double{}); break;
    case DType::kInt8: f(int8_t{}); break;
    case DType::kUint8: f(uint8_t{}); break;
    case DType::kInt16: f(int16_t{}); break;
    case DType::kUint16: f(uint16_t{}); break;
    case DType::kInt32: f(int32_t{}); break;
  }
}

bool same_params(const PoolParams& a, const PoolParams& b) {
  for (int i = 0; i < kMaxSpatialRank; ++i) {
    if (a.kernel[i] != b.kernel[i] || a.stride[i] != b.stride[i] || a.pad_begin[i] != b.pad_begin[i] ||
        a.pad_end[i] != b.pad_end[i] || a.dilation[i] != b.dilation[i]) {
      return false;
    }
  }
  return a.spatial_rank == b.spatial_rank && a.ceil_mode == b.ceil_mode && a.pad_mode == b.pad_mode &&
         a.layout == b.layout;
}

// The last shape validation max_pool passed. A model pools the same shapes with the same
// parameters call after call, and for small tensors validating costs more than pooling.
struct PoolShapeMemo {
  bool valid = false;
  DType dtype = DType::kFloat32;
  TensorShape input;
  PoolParams params;
  TensorShape output;
  PoolGeometry geometry;

  bool matches(DType d, const TensorShape& in, const PoolParams& p) const {
    return valid && d == dtype && same_dims(input, in) && same_params(params, p);
  }
};
thread_local PoolShapeMemo pool_memo;

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

bool is_x32(DType dtype) { return dtype == DType::kFloat32 || dtype == DType::kInt32; }

// Pooled rows narrower than this go to the planewise kernel even for 2x2 stride-2 masks: the SIMD
// kernel's fixed cost per row (row setup, the overlapping last group) outweighs its gain there.
// Measured in Node 20 on the bench machine, unpool of ~800k float32 outputs: width 8: 0.22 ms vs
// 0.13 ms planewise; 16: 0.15 vs 0.13; 24: 0.127 vs 0.136; 56: 0.103 vs 0.148.
constexpr int64_t kMin2x2s2Width = 24;

// Whether the output plane has the size a 2x2 stride-2 pooling without padding pools to the input
// one (floor or ceil mode: rows and columns 2n - 1 .. 2n + 1), with rows wide enough for the
// 2x2 stride-2 kernel to pay off.
bool suits_2x2s2(const ScatterGeometry& s) {
  return s.planes_2d() && s.in_w >= kMin2x2s2Width && s.in_h * 2 - 1 <= s.out_h && s.out_h <= s.in_h * 2 + 1 &&
         s.in_w * 2 - 1 <= s.out_w && s.out_w <= s.in_w * 2 + 1;
}

// Whether `kernel` can run this scatter (unpool, or backward when `backward`).
bool scatter_kernel_applies(ScatterKernelId kernel, DType dtype, Layout layout, const ScatterGeometry& s,
                            bool backward) {
  switch (kernel) {
    case ScatterKernelId::kAuto:
    case ScatterKernelId::kScalar:
    case ScatterKernelId::kPlanewise: return true;
    case ScatterKernelId::k2x2s2Simd:
      return kHaveSimd && layout == Layout::kNCHW && s.planes_2d() &&
             (backward ? dtype == DType::kFloat32 : is_x32(dtype));
  }
  return false;
}

Result refuse_scatter_kernel(ScatterKernelId kernel) {
  return Result::Error(Status::kUnsupported, "kernel " + std::to_string(static_cast<int>(kernel)) +
                                                 " does not apply to this dtype, layout and these shapes");
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

template <typename T>
void run_unpool(ScatterKernelId id, Layout layout, const ScatterGeometry& s, const T* values, const int32_t* indices,
                T* output) {
#ifdef __wasm_simd128__
  if constexpr (std::is_same<T, float>::value || std::is_same<T, int32_t>::value) {
    if (id == ScatterKernelId::k2x2s2Simd) return max_unpool_nchw_x32_2x2s2_wasmsimd<T>(s, values, indices, output);
  }
#endif
  if (id == ScatterKernelId::kScalar) {
    return layout == Layout::kNCHW ? max_unpool_scalar<T, Layout::kNCHW>(s, values, indices, output)
                                   : max_unpool_scalar<T, Layout::kNHWC>(s, values, indices, output);
  }
  return layout == Layout::kNCHW ? max_unpool_planewise<T, Layout::kNCHW>(s, values, indices, output)
                                 : max_unpool_planewise<T, Layout::kNHWC>(s, values, indices, output);
}

template <typename T>
void run_backward(ScatterKernelId id, Layout layout, const ScatterGeometry& s, const T* grad_output,
                  const int32_t* indices, T* grad_input) {
#ifdef __wasm_simd128__
  if constexpr (std::is_same<T, float>::value) {
    if (id == ScatterKernelId::k2x2s2Simd) {
      return max_pool_backward_nchw_f32_2x2s2_wasmsimd(s, grad_output, indices, grad_input);
    }
  }
#endif
  if (id == ScatterKernelId::kScalar) {
    return layout == Layout::kNCHW ? max_pool_backward_scalar<T, Layout::kNCHW>(s, grad_output, indices, grad_input)
                                   : max_pool_backward_scalar<T, Layout::kNHWC>(s, grad_output, indices, grad_input);
  }
  return layout == Layout::kNCHW ? max_pool_backward_planewise<T, Layout::kNCHW>(s, grad_output, indices, grad_input)
                                 : max_pool_backward_planewise<T, Layout::kNHWC>(s, grad_output, indices, grad_input);
}

}  // namespace

bool max_pool_kernel_applies(MaxPoolKernelId kernel, DType dtype, Layout layout, const PoolGeometry& g) {
  const bool nchw = layout == Layout::kNCHW, f32 = dtype == DType::kFloat32;
  switch (kernel) {
    case MaxPoolKernelId::kAuto:
    case MaxPoolKernelId::kScalar: return true;
    case MaxPoolKernelId::kF32GenericSimd: return kHaveSimd && f32 && nchw;
    case MaxPoolKernelId::kF32K2s2Simd: return kHaveSimd && f32 && nchw && is_k2s2_window(g);
    case MaxPoolKernelId::kF32_3x3s2p1Simd: return kHaveSimd && f32 && nchw && is_2d_window(g, 3, 2, 1);
    case MaxPoolKernelId::kF32NhwcSimd: return kHaveSimd && f32 && !nchw;
    case MaxPoolKernelId::kX8Simd: return kHaveSimd && (dtype == DType::kInt8 || dtype == DType::kUint8);
  }
  return false;
}

Result max_pool(DType dtype, const TensorShape& input_shape, const PoolParams& params, const IndexSpec& index_spec,
                const void* input, void* values, void* indices, MaxPoolKernelId kernel) {
  if (static_cast<int>(dtype) < 0 || static_cast<int>(dtype) >= kDTypeCount) {
    return Result::Error(Status::kInvalidArgument, "unknown dtype " + std::to_string(static_cast<int>(dtype)));
  }
  Result r;
  if (!pool_memo.matches(dtype, input_shape, params)) {
    PoolShapeMemo m{true, dtype, input_shape, params, {}, {}};
    if (!(r = pool_output_shape(input_shape, params, dtype, &m.output, &m.geometry)).ok()) return r;
    pool_memo = m;
  }
  const TensorShape& output_shape = pool_memo.output;
  const PoolGeometry& g = pool_memo.geometry;
  const TensorShape input_logical = to_logical(input_shape, params.layout);
  if (indices != nullptr && !(r = check_index_spec(index_spec, params.layout, input_logical)).ok()) return r;
  if (!max_pool_kernel_applies(kernel, dtype, params.layout, g)) {
    return Result::Error(Status::kUnsupported, "kernel " + std::to_string(static_cast<int>(kernel)) +
                                                   " does not apply to this dtype, layout and these parameters");
  }
  if (g.planes == 0) return Result::Ok();  // empty batch: nothing to do
  // Kernels write per-plane int32 indices; other conventions are encoded in place afterwards.
  with_dtype(dtype, [&](auto zero) {
    run_max_pool<decltype(zero)>(kernel, params.layout, g, input, values, static_cast<int32_t*>(indices));
  });
  if (indices != nullptr) {
    encode_indices(index_spec, params.layout, input_logical, to_logical(output_shape, params.layout), indices);
  }
  return Result::Ok();
}

Result max_unpool(DType dtype, const TensorShape& values_shape, const TensorShape& indices_shape,
                  const UnpoolParams& params, const IndexSpec& index_spec, const void* values, const void* indices,
                  void* output, ScatterKernelId kernel) {
  if (static_cast<int>(dtype) < 0 || static_cast<int>(dtype) >= kDTypeCount) {
    return Result::Error(Status::kInvalidArgument, "unknown dtype " + std::to_string(static_cast<int>(dtype)));
  }
  TensorShape out;
  Result r = unpool_output_shape(values_shape, params, dtype, &out);
  if (!r.ok()) return r;
  if (!same_dims(values_shape, indices_shape)) {
    return Result::Error(Status::kInvalidArgument, "indices.shape " + format_shape(indices_shape) +
                                                       " must equal values.shape " + format_shape(values_shape));
  }
  const TensorShape values_logical = to_logical(values_shape, params.layout);
  const TensorShape out_logical = to_logical(out, params.layout);
  if (!(r = check_index_spec(index_spec, params.layout, out_logical)).ok()) return r;
  // Loading the indices also bounds the values' plane, which scatter_geometry() multiplies out.
  PlaneIndices plane;
  if (!(r = plane.load(index_spec, params.layout, out_logical, values_logical, indices, "output")).ok()) return r;
  const ScatterGeometry s = scatter_geometry(values_logical, out_logical);
  if (!scatter_kernel_applies(kernel, dtype, params.layout, s, /*backward=*/false)) {
    return refuse_scatter_kernel(kernel);
  }
  if (kernel == ScatterKernelId::kAuto) {
    const bool windows_2x2s2 =
        suits_2x2s2(s) && last_two_dims_are(params.kernel, params.stride, params.pad_begin, params.pad_end,
                                                 params.spatial_rank, 2, 2);
    kernel = windows_2x2s2 && scatter_kernel_applies(ScatterKernelId::k2x2s2Simd, dtype, params.layout, s, false)
                 ? ScatterKernelId::k2x2s2Simd
                 : ScatterKernelId::kPlanewise;
  }
  with_dtype(dtype, [&](auto zero) {
    using T = decltype(zero);
    run_unpool<T>(kernel, params.layout, s, static_cast<const T*>(values), plane.data(), static_cast<T*>(output));
  });
  return Result::Ok();
}

Result check_backward_shapes(DType dtype, const TensorShape& grad_shape, const TensorShape& indices_shape,
                             const TensorShape& input_shape, Layout layout, const PoolParams* params) {
  if (!is_float(dtype)) {
    return Result::Error(Status::kInvalidArgument, "gradOutput must be float32 or float64");
  }
  Result r = backward_input_shape(grad_shape, input_shape, layout, dtype);
  if (!r.ok()) return r;
  if (!same_dims(grad_shape, indices_shape)) {
    return Result::Error(Status::kInvalidArgument, "indices.shape " + format_shape(indices_shape) +
                                                       " must equal gradOutput.shape " + format_shape(grad_shape));
  }
  if (params != nullptr) {
    if (params->layout != layout) {
      return Result::Error(Status::kInvalidArgument, "the pooling options' layout differs from the tensors' layout");
    }
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
  return Result::Ok();
}

Result max_pool_backward(DType dtype, const TensorShape& grad_shape, const TensorShape& indices_shape,
                         const TensorShape& input_shape, Layout layout, const PoolParams* params,
                         const IndexSpec& index_spec, const void* grad_output, const void* indices, void* grad_input,
                         ScatterKernelId kernel) {
  Result r = check_backward_shapes(dtype, grad_shape, indices_shape, input_shape, layout, params);
  if (!r.ok()) return r;
  const TensorShape grad_logical = to_logical(grad_shape, layout), input_logical = to_logical(input_shape, layout);
  if (!(r = check_index_spec(index_spec, layout, input_logical)).ok()) return r;
  // Loading the indices also bounds the gradient's plane, which scatter_geometry() multiplies out.
  PlaneIndices plane;
  if (!(r = plane.load(index_spec, layout, input_logical, grad_logical, indices, "input")).ok()) return r;
  const ScatterGeometry s = scatter_geometry(grad_logical, input_logical);
  if (!scatter_kernel_applies(kernel, dtype, layout, s, /*backward=*/true)) return refuse_scatter_kernel(kernel);
  if (kernel == ScatterKernelId::kAuto) {
    // Without pooling parameters the shapes alone decide; the kernel gives a plane up at its first
    // pooled row with an index outside the 2x2 windows (e.g. a 3x3 stride-2 pooling's), so
    // guessing wrong costs about one row per plane.
    const bool windows_2x2s2 =
        suits_2x2s2(s) &&
        (params == nullptr || last_two_dims_are(params->kernel, params->stride, params->pad_begin, params->pad_end,
                                                params->spatial_rank, 2, 2));
    kernel = windows_2x2s2 && scatter_kernel_applies(ScatterKernelId::k2x2s2Simd, dtype, layout, s, true)
                 ? ScatterKernelId::k2x2s2Simd
                 : ScatterKernelId::kPlanewise;
  }
  with_dtype(dtype, [&](auto zero) {
    using T = decltype(zero);
    if constexpr (std::is_floating_point<T>::value) {
      run_backward<T>(kernel, layout, s, static_cast<const T*>(grad_output), plane.data(), static_cast<T*>(grad_input));
    }
  });
  return Result::Ok();
}

Result convert_indices(const TensorShape& input_shape, const TensorShape& indices_shape, Layout layout,
                       const IndexSpec& from, const IndexSpec& to, const void* input, void* output) {
  if (layout != Layout::kNCHW && layout != Layout::kNHWC) {
    return Result::Error(Status::kInvalidArgument, "unknown layout " + std::to_string(static_cast<int>(layout)));
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

Result check_unpool_backward_shapes(DType dtype, const TensorShape& grad_shape, const TensorShape& indices_shape,
                                    const TensorShape& values_shape, Layout layout, const UnpoolParams* params) {
  if (static_cast<int>(dtype) < 0 || static_cast<int>(dtype) >= kDTypeCount) {
    return Result::Error(Status::kInvalidArgument, "unknown dtype " + std::to_string(static_cast<int>(dtype)));
  }
  if (layout != Layout::kNCHW && layout != Layout::kNHWC) {
    return Result::Error(Status::kInvalidArgument, "unknown layout " + std::to_string(static_cast<int>(layout)));
  }
  Result r = validate_tensor_shape(grad_shape, "gradOutput.shape", dtype);
  if (!r.ok()) return r;
  if (!(r = validate_tensor_shape(values_shape, "valuesShape", dtype)).ok()) return r;
  const TensorShape g = to_logical(grad_shape, layout), v = to_logical(values_shape, layout);
  if (g.spatial_rank != v.spatial_rank || g.batch() != v.batch() || g.channels() != v.channels()) {
    return Result::Error(Status::kInvalidArgument, "gradOutput.shape " + format_shape(grad_shape) +
                                                       " must have the rank, N and C of valuesShape " +
                                                       format_shape(values_shape));
  }
  // Both planes are multiplied out below; the gradient's must be addressable by int32 indices.
  for (const TensorShape* t : {&g, &v}) {
    int64_t plane = 1;
    for (int i = 0; i < t->spatial_rank && plane <= INT32_MAX; ++i) plane *= t->spatial(i);
    if (plane > INT32_MAX) {
      return Result::Error(Status::kInvalidArgument,
                           std::string(t == &g ? "gradOutput.shape " + format_shape(grad_shape)
                                               : "valuesShape " + format_shape(values_shape)) +
                               ": a spatial plane has more than 2^31-1 elements, which int32 indices cannot address");
    }
  }
  if (!same_dims(values_shape, indices_shape)) {
    return Result::Error(Status::kInvalidArgument, "indices.shape " + format_shape(indices_shape) +
                                                       " must equal valuesShape " + format_shape(values_shape));
  }
  if (params != nullptr) {
    if (params->layout != layout) {
      return Result::Error(Status::kInvalidArgument, "the unpooling options' layout differs from the tensors' layout");
    }
    TensorShape unpooled;
    if (!(r = unpool_output_shape(values_shape, *params, dtype, &unpooled)).ok()) return r;
    if (!same_dims(unpooled, grad_shape)) {
      return Result::Error(Status::kInvalidArgument,
                           "gradOutput.shape " + format_shape(grad_shape) + " must equal the unpooling output shape " +
                               format_shape(unpooled) + " of valuesShape " + format_shape(values_shape) +
                               " with these options");
    }
  }
  return Result::Ok();
}

Result max_unpool_backward(DType dtype, const TensorShape& grad_shape, const TensorShape& indices_shape,
                           const TensorShape& values_shape, Layout layout, const UnpoolParams* params,
                           const IndexSpec& index_spec, const void* grad_output, const void* indices,
                           void* grad_values) {
  Result r = check_unpool_backward_shapes(dtype, grad_shape, indices_shape, values_shape, layout, params);
  if (!r.ok()) return r;
  const TensorShape grad_logical = to_logical(grad_shape, layout), values_logical = to_logical(values_shape, layout);
  if (!(r = check_index_spec(index_spec, layout, grad_logical)).ok()) return r;
  PlaneIndices plane;
  if (!(r = plane.load(index_spec, layout, grad_logical, values_logical, indices, "gradOutput")).ok()) return r;
  const ScatterGeometry s = scatter_geometry(values_logical, grad_logical);
  with_dtype(dtype, [&](auto zero) {
    using T = decltype(zero);
    const T* gy = static_cast<const T*>(grad_output);
    T* gv = static_cast<T*>(grad_values);
    if (layout == Layout::kNCHW) {
      max_unpool_backward_scalar<T, Layout::kNCHW>(s, gy, plane.data(), gv);
    } else {
      max_unpool_backward_scalar<T, Layout::kNHWC>(s, gy, plane.data(), gv);
    }
  });
  return Result::Ok();
}

}  // namespace argpool
