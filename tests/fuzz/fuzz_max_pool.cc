// libFuzzer target: argpool::max_pool (kAuto, kScalar, and the SIMD/unknown kernel ids, which a
// native build must refuse) for every dtype (float32 and float64 first), both layouts, every pad
// mode and index convention, against the validation oracle and a brute-force reference, bit for
// bit; then the pooled result through max_unpool and max_pool_backward.
//
// Input layout (tests/fuzz/README.md): mode byte, then a small or a wide configuration, then data.
//   mode bits 0-1: kernel (0 kAuto, 1 kScalar, 2 another id 2..6, 3 a raw id); bit 2: values only
//   (indices = null); bit 3: wide configuration (any int64, any rank, any enum value);
//   bits 4-6: dtype (0 float32, 1 float64, 2-6 the integer types, 7 an unknown code); bit 7: NHWC.
#include <cstring>

#include "configs/max_pool_config.h"
#include "fuzz_common.h"

using namespace fuzz;

namespace {

// Small configurations make valid inputs frequent, so that the kernels run on most inputs.
void small_config(Reader& r, TensorShape* in, PoolParams* p, IndexSpec* spec, Layout layout) {
  const int rank = 1 + r.byte() % 3;
  TensorShape logical;
  logical.spatial_rank = rank;
  logical.dims[0] = r.byte() % 3;
  logical.dims[1] = 1 + r.byte() % 3;
  const int max_size = rank == 3 ? 7 : rank == 2 ? 12 : 40;
  p->spatial_rank = rank;
  const uint8_t mode = r.byte() % 8;
  p->pad_mode = mode < 4 ? PadMode::kPyTorch : static_cast<PadMode>(mode - 3);
  for (int i = 0; i < rank; ++i) {
    logical.dims[2 + i] = 1 + r.byte() % max_size;
    p->kernel[i] = 1 + r.byte() % 5;
    p->stride[i] = 1 + r.byte() % 4;
    p->pad_begin[i] = r.byte() % 4;
    p->pad_end[i] = p->pad_mode == PadMode::kExplicit ? r.byte() % 4 : p->pad_begin[i];
    p->dilation[i] = 1 + r.byte() % 3;
  }
  p->ceil_mode = r.flag();
  p->layout = layout;
  *in = physical_of(logical, layout);
  *spec = read_index_spec(r);
}

// A kernel by name (null: the preferred one). Natively the table holds the scalar references only.
bool runs_natively(const char* kernel, DType dtype, Layout layout) {
  if (kernel == nullptr) return known_dtype(dtype) && (layout == Layout::kNCHW || layout == Layout::kNHWC);
  const argpool::MaxPoolKernelEntry* e = argpool::choose_max_pool_kernel(dtype, layout, argpool::PoolGeometry{}, kernel);
  return e != nullptr && std::strstr(kernel, "_scalar") != nullptr;
}

void check_geometry(const TensorShape& in, const TensorShape& out, const PoolParams& p, const PoolParams& q,
                    const argpool::PoolGeometry& g) {
  FUZZ_CHECK(static_cast<i128>(g.batch) == in.dims[0] && static_cast<i128>(g.channels) == in.dims[1] &&
                 static_cast<i128>(g.planes) == static_cast<i128>(in.dims[0]) * in.dims[1],
             "geometry batch %zu channels %zu planes %zu", g.batch, g.channels, g.planes);
  const int offset = 3 - in.spatial_rank;
  for (int j = 0; j < 3; ++j) {
    if (j < offset) {
      FUZZ_CHECK(g.in[j] == 1 && g.out[j] == 1 && g.kernel[j] == 1 && g.stride[j] == 1 && g.pad[j] == 0 &&
                     g.dilation[j] == 1,
                 "geometry: leading dimension %d is not trivial", j);
    } else {
      const int i = j - offset;
      FUZZ_CHECK(g.in[j] == in.dims[2 + i] && g.out[j] == out.dims[2 + i] && g.kernel[j] == p.kernel[i] &&
                     g.stride[j] == p.stride[i] && g.pad[j] == q.pad_begin[i] && g.dilation[j] == p.dilation[i],
                 "geometry: dimension %d does not match the parameters", j);
    }
  }
}

// Pooled values and indices through unpool (back to the input's size) and backward.
template <typename T>
void chain(Reader& r, DType dtype, const TensorShape& input, const TensorShape& pooled, const PoolParams& p,
           const PoolParams& q, const IndexSpec& spec, const std::vector<T>& values, const IndexBuffer& indices) {
  const Layout layout = p.layout;
  const TensorShape in = logical_of(input, layout), out = logical_of(pooled, layout);

  UnpoolParams u;
  u.spatial_rank = in.spatial_rank;
  u.has_output_size = r.flag();
  u.layout = layout;
  for (int i = 0; i < in.spatial_rank; ++i) {
    u.kernel[i] = p.kernel[i];
    u.stride[i] = p.stride[i];
    u.pad_begin[i] = q.pad_begin[i];
    u.pad_end[i] = q.pad_end[i];
    u.output_size[i] = in.dims[2 + i];
  }
  auto unpooled = new_shape();
  const Expect eu = expect_unpool(pooled, u, dtype, unpooled.get());
  IndexBuffer idx = indices;
  if (eu.fails()) {
    check_expect(argpool::max_unpool(dtype, pooled, pooled, u, spec, nullptr, nullptr, nullptr),
                 known_dtype(dtype) ? eu : Expect::Unknown(), "max_unpool(pooled)");
  } else if (count_of(*unpooled) <= kMaxElements) {
    const TensorShape target = logical_of(*unpooled, layout);
    std::vector<T> y(static_cast<size_t>(count_of(*unpooled)), T(1));
    const Result res = argpool::max_unpool(dtype, pooled, pooled, u, spec, values.data(), idx.data(), y.data());
    const Expect es = expect_index_spec(spec, layout, target);
    std::vector<int64_t> planes;
    if (!es.ok()) {
      check_expect(res, es, "max_unpool(pooled) index convention");
    } else if (const int64_t bad = reference_decode(spec, layout, out, target, indices, &planes); bad >= 0) {
      check_index_failure(res, static_cast<size_t>(bad), indices.get(static_cast<size_t>(bad)), "max_unpool(pooled)");
    } else {
      check_expect(res, Expect::Ok(), "max_unpool(pooled)");
      check_same_bits(y, reference_scatter(false, layout, out, target, values, planes), "max_unpool(pooled) vs reference");
    }
  }

  if (!float_dtype(dtype)) return;
  const std::vector<T> grad = read_elements<T>(r, static_cast<i128>(values.size()));
  std::vector<int64_t> planes;
  FUZZ_CHECK(reference_decode(spec, layout, out, in, indices, &planes) < 0, "max_pool wrote an index outside its plane");
  const std::vector<T> want = reference_scatter(true, layout, out, in, grad, planes);
  for (const PoolParams* params : {&p, static_cast<const PoolParams*>(nullptr)}) {
    std::vector<T> gx(static_cast<size_t>(count_of(input)), T(1));
    const Result res = argpool::max_pool_backward(dtype, pooled, pooled, input, layout, params, spec, grad.data(),
                                                  idx.data(), gx.data());
    check_expect(res, Expect::Ok(), params ? "max_pool_backward(pooled, params)" : "max_pool_backward(pooled)");
    check_same_bits(gx, want, "max_pool_backward(pooled) vs reference");
  }
}

template <typename T>
void run(Reader& r, DType dtype, const char* kernel, bool with_indices, const TensorShape& input,
         const PoolParams& p, const IndexSpec& spec) {
  const PoolExpect x = expect_pool(input, p, dtype);
  auto pooled = new_shape();
  argpool::PoolGeometry g;
  PoolParams q;
  const Result shape = argpool::pool_output_shape(input, p, dtype, pooled.get(), &g, &q);
  check_expect(shape, x.e, "pool_output_shape");
  check_same_result(argpool::pool_output_shape(input, p, dtype, nullptr, nullptr, nullptr), shape,
                    "pool_output_shape without outputs");

  if (!shape.ok()) {
    // Validation comes first: the buffers (null here) are never touched.
    check_rejected_like(argpool::max_pool(dtype, input, p, spec, nullptr, nullptr, nullptr, kernel), shape, dtype,
                        "max_pool on invalid input");
    return;
  }

  const Layout layout = p.layout;
  const TensorShape in = logical_of(input, layout), out = logical_of(*pooled, layout);
  FUZZ_CHECK(pooled->spatial_rank == input.spatial_rank && out.dims[0] == in.dims[0] && out.dims[1] == in.dims[1],
             "pooled shape %s keeps neither rank nor N, C of %s", describe(*pooled).c_str(), describe(input).c_str());
  if (x.e.ok()) {
    const TensorShape want = pooled_shape(input, p, x);
    FUZZ_CHECK(same_dims(want, *pooled), "pooled shape %s, expected %s", describe(*pooled).c_str(),
               describe(want).c_str());
    for (int i = 0; i < in.spatial_rank; ++i) {
      FUZZ_CHECK(q.pad_begin[i] == x.pad_begin[i] && q.pad_end[i] == x.pad_end[i],
                 "resolved pads %lld/%lld in dimension %d, expected %lld/%lld", static_cast<long long>(q.pad_begin[i]),
                 static_cast<long long>(q.pad_end[i]), i, static_cast<long long>(x.pad_begin[i]),
                 static_cast<long long>(x.pad_end[i]));
    }
  }
  check_geometry(in, out, p, q, g);
  if (p.pad_mode == PadMode::kPyTorch || p.pad_mode == PadMode::kExplicit || p.pad_mode == PadMode::kValid) {
    for (int i = 0; i < in.spatial_rank; ++i) {
      FUZZ_CHECK(argpool::pool_output_size(in.dims[2 + i], p.kernel[i], p.stride[i], q.pad_begin[i], q.pad_end[i],
                                           p.dilation[i], p.ceil_mode) == out.dims[2 + i],
                 "pool_output_size disagrees with pool_output_shape in dimension %d", i);
    }
  }
  // The pooled shape must itself be a valid shape: it is what backward receives as gradOutput.shape,
  // and element_count() on it must not overflow.
  const Expect eo = expect_tensor_shape(*pooled, dtype);
  FUZZ_CHECK(eo.ok(), "pool_output_shape accepted input %s but returned %s, which is not a valid tensor shape (%s)",
             describe(input).c_str(), describe(*pooled).c_str(), status_name(eo.status));

  const bool applies = argpool::choose_max_pool_kernel(dtype, layout, g, kernel) != nullptr;
  FUZZ_CHECK(applies == runs_natively(kernel, dtype, layout), "choose_max_pool_kernel(%s) = %d in a native build",
             kernel ? kernel : "(preferred)", applies);

  // What max_pool must answer: the index convention (when indices are wanted), then the kernel.
  Expect e = with_indices ? expect_index_spec(spec, layout, in) : Expect::Ok();
  if (e.ok() && !runs_natively(kernel, dtype, layout)) e = Expect::Fail(Status::kUnsupported);
  const bool unknown_dtype = !known_dtype(dtype);

  const i128 in_count = count_of(input), out_count = count_of(*pooled);
  auto check = [&](const Result& res, const char* what) {
    if (unknown_dtype) {
      check_result_form(res, what);
      FUZZ_CHECK(!res.ok(), "%s: dtype %d is not a DType, but the call succeeded", what, static_cast<int>(dtype));
    } else {
      check_expect(res, e, what);
    }
  };
  if (in_count == 0) {
    int64_t no_indices[1] = {-77};  // a non-null pointer to no elements: the convention is still checked
    check(argpool::max_pool(dtype, input, p, spec, nullptr, nullptr, with_indices ? no_indices : nullptr, kernel),
          "max_pool (N = 0)");
    FUZZ_CHECK(no_indices[0] == -77, "max_pool (N = 0) wrote an index");
    return;
  }
  if (in_count > kMaxElements || out_count > kMaxElements || pool_work(in, p, x.out) > kMaxWork) return;

  const std::vector<T> data = read_elements<T>(r, in_count);
  // Sentinels: a refused call must leave the outputs alone.
  std::vector<T> values(static_cast<size_t>(out_count), T(7));
  IndexBuffer indices(spec.int64, with_indices ? static_cast<size_t>(out_count) : 0, -77);
  const Result res = argpool::max_pool(dtype, input, p, spec, data.data(), values.data(),
                                       with_indices ? indices.data() : nullptr, kernel);
  check(res, "max_pool");
  if (!res.ok()) {
    for (const T v : values) FUZZ_CHECK(same_bits(v, T(7)), "a refused max_pool wrote values");
    for (size_t i = 0; i < indices.size(); ++i) FUZZ_CHECK(indices.get(i) == -77, "a refused max_pool wrote indices");
    return;
  }
  if (!e.ok()) return;  // unknown index mode accepted: no reference for it

  std::vector<T> want_values(values.size(), T(0));
  IndexBuffer want_indices(spec.int64, indices.size(), 0);
  FUZZ_CHECK(reference_pool(input, p, x, spec, data, &want_values, with_indices ? &want_indices : nullptr),
             "max_pool accepted %s with a window of only padding", describe(input).c_str());
  check_same_bits(values, want_values, "max_pool values vs reference");
  if (!with_indices) return;
  check_same_indices(indices, want_indices, "max_pool indices vs reference");
  chain<T>(r, dtype, input, *pooled, p, q, spec, values, indices);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Reader r(data, size);
  const uint8_t mode = r.byte();
  // The preferred kernel, a kernel of the table (any dtype and layout: most do not match), or a
  // name that is in no table.
  size_t table_size = 0;
  const argpool::MaxPoolKernelEntry* table = argpool::max_pool_kernels(&table_size);
  const char* kernel = nullptr;
  switch (mode & 3) {
    case 0: kernel = nullptr; break;
    case 1: kernel = table[r.byte() % table_size].name; break;
    case 2: kernel = table[(2 * (r.byte() % (table_size / 2))) % table_size].name; break;
    default: kernel = r.flag() ? "max_pool_nchw_f32_k2s2_wasmsimd" : "no such kernel"; break;
  }
  const bool with_indices = !(mode & 4);
  const int dtype_code = (mode >> 4) & 7;
  const DType dtype = static_cast<DType>(dtype_code == 7 ? (r.flag() ? -1 : argpool::kDTypeCount) : dtype_code);
  const Layout layout = (mode & 0x80) ? Layout::kNHWC : Layout::kNCHW;

  auto input = new_shape();
  PoolParams p;
  IndexSpec spec;
  if (mode & 8) {
    input = wide_shape(r);
    p = wide_pool_params(r, input->spatial_rank);
    spec = read_index_spec(r);
  } else {
    small_config(r, input.get(), &p, &spec, layout);
  }
  switch (dtype) {
    case DType::kFloat32: run<float>(r, dtype, kernel, with_indices, *input, p, spec); break;
    case DType::kFloat64: run<double>(r, dtype, kernel, with_indices, *input, p, spec); break;
    case DType::kInt8: run<int8_t>(r, dtype, kernel, with_indices, *input, p, spec); break;
    case DType::kUint8: run<uint8_t>(r, dtype, kernel, with_indices, *input, p, spec); break;
    case DType::kInt16: run<int16_t>(r, dtype, kernel, with_indices, *input, p, spec); break;
    case DType::kUint16: run<uint16_t>(r, dtype, kernel, with_indices, *input, p, spec); break;
    case DType::kInt32: run<int32_t>(r, dtype, kernel, with_indices, *input, p, spec); break;
    default: run<double>(r, dtype, kernel, with_indices, *input, p, spec); break;  // unknown: 8-byte buffers
  }
  return 0;
}
