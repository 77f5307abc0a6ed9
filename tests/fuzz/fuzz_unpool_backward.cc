// libFuzzer target: argpool::max_unpool (every dtype) and argpool::max_pool_backward (float32,
// float64; other dtypes must be refused) with arbitrary shapes, parameters, layouts, index
// conventions and indices (valid, off by one, another plane's, -1, INT_MIN/MAX, raw), against the
// validation oracle and brute-force references, bit for bit.
//
// Input layout (tests/fuzz/README.md): mode byte, then a small or a wide configuration, then data.
//   mode bits 0-2: dtype (0 float32, 1 float64, 2-6 the integer types, 7 an unknown code);
//   bit 3: backward (else unpool); bit 4: wide configuration; bit 5: NHWC.
#include "fuzz_common.h"

using namespace fuzz;

namespace {

// Usually the same shape; sometimes one dim or the rank differs (a mismatch the operator must catch).
ShapePtr maybe_perturbed(Reader& r, const TensorShape& s) {
  auto t = copy_shape(s);
  const uint8_t b = r.byte();
  if (b < 0xC0) return t;
  if (b < 0xF0) {  // wraps around at the int64 limits instead of overflowing
    const int i = static_cast<int>(b % std::max<int64_t>(1, std::min<int64_t>(5, int64_t{s.spatial_rank} + 2)));
    t->dims[i] = static_cast<int64_t>(static_cast<uint64_t>(t->dims[i]) + ((b & 0x10) ? 1 : UINT64_MAX));
  } else {
    t->spatial_rank = r.spatial_rank();
  }
  return t;
}

// The result of an accepted call whose dtype is not a DType must still be a failure.
void check_dtype_refused(const Result& res, DType dtype, const char* what) {
  check_result_form(res, what);
  FUZZ_CHECK(!res.ok(), "%s: dtype %d is not a DType, but the call succeeded", what, static_cast<int>(dtype));
}

template <typename T>
void unpool(Reader& r, DType dtype, bool wide, Layout layout) {
  ShapePtr values_shape;
  UnpoolParams u;
  IndexSpec spec;
  if (wide) {
    values_shape = wide_shape(r);
    u = wide_unpool_params(r, values_shape->spatial_rank);
  } else {
    const TensorShape v = small_logical(r, 3, 5, 9, 24);
    values_shape = copy_shape(physical_of(v, layout));
    u.spatial_rank = v.spatial_rank;
    u.has_output_size = r.flag();
    u.layout = layout;
    const bool symmetric = r.flag();
    for (int i = 0; i < u.spatial_rank; ++i) {
      u.kernel[i] = 1 + r.byte() % 4;
      u.stride[i] = 1 + r.byte() % 4;
      u.pad_begin[i] = r.byte() % 3;
      u.pad_end[i] = symmetric ? u.pad_begin[i] : r.byte() % 3;
      const int64_t def = (v.dims[2 + i] - 1) * u.stride[i] - u.pad_begin[i] - u.pad_end[i] + u.kernel[i];
      u.output_size[i] = def + static_cast<int>(r.byte() % 9) - 4;
    }
  }
  spec = read_index_spec(r);
  const ShapePtr indices_shape = r.flag() ? wide_shape(r) : maybe_perturbed(r, *values_shape);
  layout = u.layout;

  auto expect_out = new_shape();
  const Expect e = expect_unpool(*values_shape, u, dtype, expect_out.get());
  auto out = new_shape();
  const Result shape = argpool::unpool_output_shape(*values_shape, u, dtype, out.get());
  check_expect(shape, e, "unpool_output_shape");
  check_same_result(argpool::unpool_output_shape(*values_shape, u, dtype, nullptr), shape,
                    "unpool_output_shape without output");
  if (!shape.ok()) {
    check_rejected_like(argpool::max_unpool(dtype, *values_shape, *indices_shape, u, spec, nullptr, nullptr, nullptr),
                        shape, dtype, "max_unpool on invalid input");
    return;
  }
  FUZZ_CHECK(same_dims(*expect_out, *out), "unpooled shape %s, expected %s", describe(*out).c_str(),
             describe(*expect_out).c_str());
  if (!same_dims(*values_shape, *indices_shape)) {
    check_expect(argpool::max_unpool(dtype, *values_shape, *indices_shape, u, spec, nullptr, nullptr, nullptr),
                 known_dtype(dtype) ? Expect::Invalid() : Expect::Unknown(), "max_unpool with mismatched indices.shape");
    if (!known_dtype(dtype)) {
      FUZZ_CHECK(!argpool::max_unpool(dtype, *values_shape, *indices_shape, u, spec, nullptr, nullptr, nullptr).ok(),
                 "max_unpool accepted mismatched shapes");
    }
    return;
  }
  const TensorShape source = logical_of(*values_shape, layout), target = logical_of(*out, layout);
  const Expect es = expect_index_spec(spec, layout, target);
  const i128 count = count_of(*values_shape), out_count = count_of(*out);
  auto check = [&](const Result& res, const Expect& want, const char* what) {
    if (!known_dtype(dtype) && !want.fails()) {
      check_dtype_refused(res, dtype, what);
    } else {
      check_expect(res, want, what);
    }
  };
  if (count == 0) {  // empty batch: no buffers at all, as the JS wrapper passes them
    check(argpool::max_unpool(dtype, *values_shape, *indices_shape, u, spec, nullptr, nullptr, nullptr), es,
          "max_unpool (N = 0)");
    return;
  }
  if (count > kMaxElements || out_count > kMaxElements) return;

  const std::vector<T> values = read_elements<T>(r, count);
  IndexBuffer indices = read_indices(r, spec, layout, source, target);
  std::vector<T> y(static_cast<size_t>(out_count), T(7));
  const Result res =
      argpool::max_unpool(dtype, *values_shape, *indices_shape, u, spec, values.data(), indices.data(), y.data());
  std::vector<int64_t> planes;
  if (!es.ok()) {
    check(res, es, "max_unpool index convention");
    return;
  }
  if (const int64_t bad = reference_decode(spec, layout, source, target, indices, &planes); bad >= 0) {
    if (!known_dtype(dtype)) {
      check_dtype_refused(res, dtype, "max_unpool");
      return;
    }
    check_index_failure(res, static_cast<size_t>(bad), indices.get(static_cast<size_t>(bad)), "max_unpool");
    for (const T v : y) FUZZ_CHECK(same_bits(v, T(7)), "max_unpool wrote output before rejecting an index");
    return;
  }
  check(res, Expect::Ok(), "max_unpool");
  if (!known_dtype(dtype)) return;
  check_same_bits(y, reference_scatter(false, layout, source, target, values, planes), "max_unpool vs reference");
}

template <typename T>
void backward(Reader& r, DType dtype, bool wide, Layout layout) {
  ShapePtr grad_shape, input_shape;
  PoolParams params;
  bool with_params = false;
  if (wide) {
    grad_shape = wide_shape(r);
    input_shape = r.flag() ? wide_shape(r) : maybe_perturbed(r, *grad_shape);
    if (r.flag()) {  // keep the dims around the spatial ones, new spatial sizes
      const int64_t rank = std::min<int64_t>(5, int64_t{input_shape->spatial_rank} + 2);
      for (int64_t i = 1; i < rank; ++i) input_shape->dims[i] = r.wide();
    }
    with_params = r.flag();
    params = wide_pool_params(r, grad_shape->spatial_rank);
    params.layout = layout;  // as the binding passes it
  } else {
    const TensorShape in = small_logical(r, 3, 5, 9, 24);
    input_shape = copy_shape(physical_of(in, layout));
    with_params = r.flag();
    params.spatial_rank = in.spatial_rank;
    params.layout = layout;
    const uint8_t mode = r.byte() % 8;
    params.pad_mode = mode < 4 ? PadMode::kPyTorch : static_cast<PadMode>(mode - 3);
    for (int i = 0; i < params.spatial_rank; ++i) {
      params.kernel[i] = 1 + r.byte() % 4;
      params.stride[i] = 1 + r.byte() % 3;
      params.pad_begin[i] = r.byte() % 3;
      params.pad_end[i] = params.pad_mode == PadMode::kExplicit ? r.byte() % 3 : params.pad_begin[i];
      params.dilation[i] = 1 + r.byte() % 2;
    }
    params.ceil_mode = r.flag();
    // gradOutput.shape: the pooled shape (when there is one) or random sizes, same N and C.
    TensorShape g = in;
    const PoolExpect x = expect_pool(*input_shape, params, dtype);
    const bool derive = r.flag() && x.e.ok();
    for (int i = 0; i < g.spatial_rank; ++i) g.dims[2 + i] = derive ? x.out[i] : 1 + r.byte() % 12;
    grad_shape = maybe_perturbed(r, physical_of(g, layout));
  }
  const IndexSpec spec = read_index_spec(r);
  const ShapePtr indices_shape = r.flag() ? wide_shape(r) : maybe_perturbed(r, *grad_shape);
  const PoolParams* p = with_params ? &params : nullptr;

  // backward_input_shape: both shapes valid, both planes addressable, same rank, N and C.
  Expect eb = expect_tensor_shape(*grad_shape, dtype);
  if (eb.ok()) eb = expect_tensor_shape(*input_shape, dtype);
  if (eb.ok()) eb = expect_plane(logical_of(*input_shape, layout));
  if (eb.ok()) eb = expect_plane(logical_of(*grad_shape, layout));  // bounded too, to be multiplied out
  if (eb.ok()) {
    const TensorShape g = logical_of(*grad_shape, layout), in = logical_of(*input_shape, layout);
    if (g.spatial_rank != in.spatial_rank || g.dims[0] != in.dims[0] || g.dims[1] != in.dims[1]) eb = Expect::Invalid();
  }
  check_expect(argpool::backward_input_shape(*grad_shape, *input_shape, layout, dtype), eb, "backward_input_shape");

  // max_pool_backward: float dtype, the shapes above, indices.shape, the options, the convention.
  Expect e = float_dtype(dtype) ? eb : Expect::Invalid();
  if (e.ok() && !same_dims(*grad_shape, *indices_shape)) e = Expect::Invalid();
  if (e.ok() && p != nullptr && p->layout != layout) e = Expect::Invalid();  // options and tensors disagree
  if (e.ok() && p != nullptr) {
    const PoolExpect x = expect_pool(*input_shape, *p, dtype);
    if (x.e.fails()) {
      e = x.e;
    } else if (!x.e.ok()) {
      e = Expect::Unknown();
    } else if (!same_dims(pooled_shape(*input_shape, *p, x), *grad_shape)) {
      e = Expect::Invalid();
    }
  }
  check_expect(argpool::check_backward_shapes(dtype, *grad_shape, *indices_shape, *input_shape, layout, p), e,
               "check_backward_shapes");
  const TensorShape source = logical_of(*grad_shape, layout), target = logical_of(*input_shape, layout);
  if (e.ok()) e = expect_index_spec(spec, layout, target);
  if (!e.ok()) {
    if (e.fails()) {
      check_expect(argpool::max_pool_backward(dtype, *grad_shape, *indices_shape, *input_shape, layout, p, spec, nullptr,
                                              nullptr, nullptr),
                   e, "max_pool_backward on invalid input");
    }
    return;
  }
  const i128 grad_count = count_of(*grad_shape), in_count = count_of(*input_shape);
  if (grad_count == 0) {  // empty batch
    check_expect(argpool::max_pool_backward(dtype, *grad_shape, *indices_shape, *input_shape, layout, p, spec, nullptr,
                                            nullptr, nullptr),
                 Expect::Ok(), "max_pool_backward (N = 0)");
    return;
  }
  if (grad_count > kMaxElements || in_count > kMaxElements) return;

  const std::vector<T> grad = read_elements<T>(r, grad_count);
  IndexBuffer indices = read_indices(r, spec, layout, source, target);
  std::vector<T> gx(static_cast<size_t>(in_count), T(7));
  const Result res = argpool::max_pool_backward(dtype, *grad_shape, *indices_shape, *input_shape, layout, p, spec,
                                                grad.data(), indices.data(), gx.data());
  std::vector<int64_t> planes;
  if (const int64_t bad = reference_decode(spec, layout, source, target, indices, &planes); bad >= 0) {
    check_index_failure(res, static_cast<size_t>(bad), indices.get(static_cast<size_t>(bad)), "max_pool_backward");
    for (const T v : gx) FUZZ_CHECK(same_bits(v, T(7)), "max_pool_backward wrote gradInput before rejecting an index");
    return;
  }
  check_expect(res, Expect::Ok(), "max_pool_backward");
  check_same_bits(gx, reference_scatter(true, layout, source, target, grad, planes), "max_pool_backward vs reference");
}

template <typename T>
void run(Reader& r, DType dtype, bool is_backward, bool wide, Layout layout) {
  if (is_backward) {
    backward<T>(r, dtype, wide, layout);
  } else {
    unpool<T>(r, dtype, wide, layout);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Reader r(data, size);
  const uint8_t mode = r.byte();
  const int dtype_code = mode & 7;
  const DType dtype = static_cast<DType>(dtype_code == 7 ? (r.flag() ? -1 : argpool::kDTypeCount) : dtype_code);
  const bool is_backward = mode & 8, wide = mode & 16;
  const Layout layout = (mode & 32) ? Layout::kNHWC : Layout::kNCHW;
  switch (dtype) {
    case DType::kFloat32: run<float>(r, dtype, is_backward, wide, layout); break;
    case DType::kFloat64: run<double>(r, dtype, is_backward, wide, layout); break;
    case DType::kInt8: run<int8_t>(r, dtype, is_backward, wide, layout); break;
    case DType::kUint8: run<uint8_t>(r, dtype, is_backward, wide, layout); break;
    case DType::kInt16: run<int16_t>(r, dtype, is_backward, wide, layout); break;
    case DType::kUint16: run<uint16_t>(r, dtype, is_backward, wide, layout); break;
    case DType::kInt32: run<int32_t>(r, dtype, is_backward, wide, layout); break;
    default: run<double>(r, dtype, is_backward, wide, layout); break;  // unknown: 8-byte buffers
  }
  return 0;
}
