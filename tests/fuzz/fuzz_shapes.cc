// libFuzzer target: the validation and shape rules alone, with arbitrary ranks (also invalid ones),
// arbitrary int64 sizes and parameters (0, negative, huge, INT64_MIN/MAX, powers of two), every pad
// mode (and unknown ones), layout, index convention and dtype code. validate_tensor_shape,
// pool_output_shape, unpool_output_shape and backward_input_shape are checked against the 128-bit
// oracle; the operators are called with null buffers where nothing may be touched (invalid input,
// or an empty batch), so every size however large goes through them.
//
// Input layout (tests/fuzz/README.md): mode byte (bit 0: unpool values shape of its own; bit 1:
// backward gradOutput shape of its own; bit 2: backward with pooling options), dtype byte, then
// wide shapes, parameters and index conventions.
#include "fuzz_common.h"

using namespace fuzz;

namespace {

// Operators must refuse a dtype code that is not a DType (even when there is nothing to compute).
void check_operator(const Result& res, const Expect& e, DType dtype, const char* what) {
  if (!known_dtype(dtype) && e.ok()) {
    check_result_form(res, what);
    FUZZ_CHECK(!res.ok(), "%s: dtype %d is not a DType, but the call succeeded", what, static_cast<int>(dtype));
  } else {
    check_expect(res, e, what);
  }
}

void check_tensor_shape(const TensorShape& s, DType dtype) {
  const Expect e = expect_tensor_shape(s, dtype);
  const Result r = argpool::validate_tensor_shape(s, "input.shape", dtype);
  check_expect(r, e, "validate_tensor_shape");
  if (r.ok()) {
    FUZZ_CHECK(argpool::element_count(s) == count_of(s), "element_count(%s)", describe(s).c_str());
  }
}

void pool(const TensorShape& input, const PoolParams& p, const IndexSpec& spec, DType dtype) {
  const PoolExpect x = expect_pool(input, p, dtype);
  auto out = new_shape();
  const Result r = argpool::pool_output_shape(input, p, dtype, out.get(), nullptr);
  check_expect(r, x.e, "pool_output_shape");
  if (!r.ok()) {
    check_rejected_like(argpool::max_pool(dtype, input, p, spec, nullptr, nullptr, nullptr), r, dtype,
                        "max_pool on invalid input");
    return;
  }
  if (x.e.ok()) {
    const TensorShape want = pooled_shape(input, p, x);
    FUZZ_CHECK(same_dims(want, *out), "pooled shape %s, expected %s", describe(*out).c_str(), describe(want).c_str());
  }
  const Expect eo = expect_tensor_shape(*out, dtype);
  FUZZ_CHECK(eo.ok(), "pool_output_shape accepted input %s but returned %s, which is not a valid tensor shape (%s)",
             describe(input).c_str(), describe(*out).c_str(), status_name(eo.status));
  if (input.dims[0] == 0) {
    const TensorShape in = logical_of(input, p.layout);
    check_operator(argpool::max_pool(dtype, input, p, spec, nullptr, nullptr, nullptr), Expect::Ok(), dtype,
                   "max_pool (N = 0)");
    int64_t no_indices[1] = {-77};
    check_operator(argpool::max_pool(dtype, input, p, spec, nullptr, nullptr, no_indices, nullptr),
                   expect_index_spec(spec, p.layout, in), dtype, "max_pool (N = 0, scalar, indices)");
    FUZZ_CHECK(no_indices[0] == -77, "max_pool (N = 0) wrote an index");
  }
}

void unpool(const TensorShape& values, const TensorShape& indices, const UnpoolParams& u, const IndexSpec& spec,
            DType dtype) {
  auto expect_out = new_shape();
  const Expect e = expect_unpool(values, u, dtype, expect_out.get());
  auto out = new_shape();
  const Result r = argpool::unpool_output_shape(values, u, dtype, out.get());
  check_expect(r, e, "unpool_output_shape");
  if (!r.ok()) {
    check_rejected_like(argpool::max_unpool(dtype, values, indices, u, spec, nullptr, nullptr, nullptr), r, dtype,
                        "max_unpool on invalid input");
    return;
  }
  FUZZ_CHECK(same_dims(*expect_out, *out), "unpooled shape %s, expected %s", describe(*out).c_str(),
             describe(*expect_out).c_str());
  if (!same_dims(values, indices)) {
    const Result res = argpool::max_unpool(dtype, values, indices, u, spec, nullptr, nullptr, nullptr);
    check_expect(res, known_dtype(dtype) ? Expect::Invalid() : Expect::Unknown(), "max_unpool with mismatched indices.shape");
    FUZZ_CHECK(!res.ok(), "max_unpool accepted mismatched shapes");
  } else if (values.dims[0] == 0) {
    check_operator(argpool::max_unpool(dtype, values, indices, u, spec, nullptr, nullptr, nullptr),
                   expect_index_spec(spec, u.layout, logical_of(*out, u.layout)), dtype, "max_unpool (N = 0)");
  }
}

void backward(const TensorShape& grad, const TensorShape& indices, const TensorShape& input, Layout layout,
              const PoolParams* p, const IndexSpec& spec, DType dtype) {
  Expect eb = expect_tensor_shape(grad, dtype);
  if (eb.ok()) eb = expect_tensor_shape(input, dtype);
  if (eb.ok()) eb = expect_plane(logical_of(input, layout));
  if (eb.ok()) eb = expect_plane(logical_of(grad, layout));  // bounded so that it can be multiplied out
  if (eb.ok()) {
    const TensorShape g = logical_of(grad, layout), in = logical_of(input, layout);
    if (g.spatial_rank != in.spatial_rank || g.dims[0] != in.dims[0] || g.dims[1] != in.dims[1]) eb = Expect::Invalid();
  }
  check_expect(argpool::backward_input_shape(grad, input, layout, dtype), eb, "backward_input_shape");

  Expect e = float_dtype(dtype) ? eb : Expect::Invalid();
  if (e.ok() && !same_dims(grad, indices)) e = Expect::Invalid();
  if (e.ok() && p != nullptr && p->layout != layout) e = Expect::Invalid();  // options and tensors disagree
  if (e.ok() && p != nullptr) {
    const PoolExpect x = expect_pool(input, *p, dtype);
    if (x.e.fails()) {
      e = x.e;
    } else if (!x.e.ok()) {
      e = Expect::Unknown();
    } else if (!same_dims(pooled_shape(input, *p, x), grad)) {
      e = Expect::Invalid();
    }
  }
  check_expect(argpool::check_backward_shapes(dtype, grad, indices, input, layout, p), e, "check_backward_shapes");
  if (e.ok()) e = expect_index_spec(spec, layout, logical_of(input, layout));
  if (e.fails() || (e.ok() && grad.dims[0] == 0)) {
    check_expect(argpool::max_pool_backward(dtype, grad, indices, input, layout, p, spec, nullptr, nullptr, nullptr), e,
                 "max_pool_backward");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Reader r(data, size);
  const uint8_t mode = r.byte();
  const DType dtype = read_dtype(r, false);

  const ShapePtr in = wide_shape(r);
  check_tensor_shape(*in, dtype);
  const PoolParams p = wide_pool_params(r, in->spatial_rank);
  const IndexSpec spec = read_index_spec(r);
  pool(*in, p, spec, dtype);

  // Unpool: the values shape is the input's or its own; indices.shape usually equal.
  const ShapePtr values = (mode & 1) ? wide_shape(r) : copy_shape(*in);
  const ShapePtr unpool_indices = r.flag() ? wide_shape(r) : copy_shape(*values);
  const UnpoolParams u = wide_unpool_params(r, values->spatial_rank);
  unpool(*values, *unpool_indices, u, spec, dtype);

  // Backward: gradOutput.shape is the input's or its own, inputShape usually keeps N and C.
  const ShapePtr grad = (mode & 2) ? wide_shape(r) : copy_shape(*in);
  const ShapePtr backward_indices = r.flag() ? wide_shape(r) : copy_shape(*grad);
  ShapePtr input = copy_shape(*grad);
  if (r.flag()) {
    input = wide_shape(r);
  } else {
    const int64_t rank = std::min<int64_t>(5, int64_t{input->spatial_rank} + 2);
    for (int64_t i = p.layout == Layout::kNCHW ? 2 : 1; i < rank - (p.layout == Layout::kNCHW ? 0 : 1); ++i) {
      input->dims[i] = r.wide();
    }
  }
  backward(*grad, *backward_indices, *input, p.layout, (mode & 4) ? &p : nullptr, spec, dtype);
  return 0;
}
