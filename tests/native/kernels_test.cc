// The scalar reference kernels against an independent brute force, the portable scatter kernels
// against the scalar ones, and the operator layer's index checks. (The wasm SIMD kernels are
// compared with the scalar ones in tests/simd.test.mjs and tests/unpool-simd.test.mjs.)
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <type_traits>
#include <string>
#include <vector>

#include "argpool/operators.h"
#include "argpool/shape.h"

namespace argpool {
namespace {

// Independent formulation: walk every tap of the window, padding included, skip what is outside.
template <typename T>
void brute_force(const TensorShape& in, const PoolParams& p, const TensorShape& out, const std::vector<T>& x,
                 std::vector<T>* values, std::vector<int32_t>* indices) {
  const int r = in.spatial_rank;
  int64_t isz[3] = {1, 1, 1}, osz[3] = {1, 1, 1}, k[3] = {1, 1, 1}, s[3] = {1, 1, 1}, pd[3] = {0, 0, 0}, dl[3] = {1, 1, 1};
  for (int i = 0; i < r; ++i) {
    isz[3 - r + i] = in.spatial(i); osz[3 - r + i] = out.spatial(i); k[3 - r + i] = p.kernel[i];
    s[3 - r + i] = p.stride[i]; pd[3 - r + i] = p.pad_begin[i]; dl[3 - r + i] = p.dilation[i];
  }
  const int64_t planes = in.batch() * in.channels(), iplane = isz[0] * isz[1] * isz[2], oplane = osz[0] * osz[1] * osz[2];
  values->assign(planes * oplane, T(0));
  indices->assign(planes * oplane, -7);
  for (int64_t pl = 0; pl < planes; ++pl) {
    for (int64_t o = 0; o < oplane; ++o) {
      const int64_t od = o / (osz[1] * osz[2]), oh = (o / osz[2]) % osz[1], ow = o % osz[2];
      bool have = false;
      T best = 0;
      int64_t best_i = -1;
      for (int64_t a = 0; a < k[0]; ++a) for (int64_t b = 0; b < k[1]; ++b) for (int64_t c = 0; c < k[2]; ++c) {
        const int64_t d = od * s[0] - pd[0] + a * dl[0], h = oh * s[1] - pd[1] + b * dl[1], w = ow * s[2] - pd[2] + c * dl[2];
        if (d < 0 || h < 0 || w < 0 || d >= isz[0] || h >= isz[1] || w >= isz[2]) continue;
        const int64_t i = (d * isz[1] + h) * isz[2] + w;
        const T v = x[pl * iplane + i];
        if (!have || std::isnan(v) || (!std::isnan(best) && v > best)) { best = v; best_i = i; have = true; }
      }
      (*values)[pl * oplane + o] = best;
      (*indices)[pl * oplane + o] = static_cast<int32_t>(best_i);
    }
  }
}

template <typename T>
bool same_bits(T a, T b) { return std::memcmp(&a, &b, sizeof(T)) == 0; }

template <typename T>
bool same_nan(T a, T b) {
  if constexpr (std::is_floating_point<T>::value) {
    return std::isnan(a) && std::isnan(b);
  } else {
    return false;
  }
}

template <typename T>
void check_random_cases(DType dtype, uint32_t seed) {
  std::mt19937 rng(seed);
  auto uniform = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  int checked = 0;
  for (int iter = 0; iter < 400; ++iter) {
    TensorShape in;
    in.spatial_rank = uniform(1, 3);
    in.dims[0] = uniform(1, 2);
    in.dims[1] = uniform(1, 3);
    PoolParams p;
    p.spatial_rank = in.spatial_rank;
    p.ceil_mode = uniform(0, 1) == 1;
    for (int i = 0; i < in.spatial_rank; ++i) {
      in.dims[2 + i] = uniform(1, in.spatial_rank == 3 ? 6 : 12);
      p.kernel[i] = uniform(1, 4);
      p.stride[i] = uniform(1, 3);
      p.pad_begin[i] = p.pad_end[i] = uniform(0, p.kernel[i] / 2);
      p.dilation[i] = uniform(1, 3);
    }
    TensorShape out;
    if (!pool_output_shape(in, p, dtype, &out, nullptr).ok()) continue;
    const int64_t n = element_count(in), m = element_count(out);
    std::vector<T> x(n);
    // Few distinct values so that ties are common; some NaN, +-inf and signed zeros.
    for (auto& v : x) {
      const int pick = uniform(0, 19);
      v = pick == 0   ? std::numeric_limits<T>::quiet_NaN()
          : pick == 1 ? -std::numeric_limits<T>::infinity()
          : pick == 2 ? std::numeric_limits<T>::infinity()
          : pick == 3 ? T(-0.0)
                      : T(uniform(-3, 3));
    }
    std::vector<T> values(m), expect_values;
    std::vector<int32_t> indices(m), expect_indices;
    ASSERT_TRUE(max_pool(dtype, in, p, IndexSpec{}, x.data(), values.data(), indices.data(),
                         dtype == DType::kFloat32 ? "max_pool_nchw_f32_scalar" : "max_pool_nchw_f64_scalar").ok());
    brute_force(in, p, out, x, &expect_values, &expect_indices);
    for (int64_t i = 0; i < m; ++i) {
      ASSERT_TRUE(same_bits(values[i], expect_values[i])) << "iteration " << iter << " output " << i;
      ASSERT_EQ(indices[i], expect_indices[i]) << "iteration " << iter << " output " << i;
    }
    ++checked;
  }
  EXPECT_GT(checked, 200);
}

TEST(MaxPoolScalar, MatchesBruteForceFloat32) { check_random_cases<float>(DType::kFloat32, 1); }
TEST(MaxPoolScalar, MatchesBruteForceFloat64) { check_random_cases<double>(DType::kFloat64, 2); }

TEST(MaxPoolScalar, NanWinsWithLastIndexTiesKeepFirst) {
  TensorShape in;
  in.spatial_rank = 1;
  in.dims[0] = 1; in.dims[1] = 1; in.dims[2] = 6;
  PoolParams p;
  p.spatial_rank = 1;
  p.kernel[0] = 3; p.stride[0] = 3; p.dilation[0] = 1;
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float x[6] = {nan, 1, nan, 5, 5, 2};
  float v[2];
  int32_t idx[2];
  ASSERT_TRUE(max_pool(DType::kFloat32, in, p, IndexSpec{}, x, v, idx).ok());
  EXPECT_TRUE(std::isnan(v[0]));
  EXPECT_EQ(idx[0], 2);
  EXPECT_EQ(v[1], 5);
  EXPECT_EQ(idx[1], 3);
}

TEST(MaxUnpool, SeedAndOutOfRange) {
  TensorShape vs;
  vs.spatial_rank = 2;
  vs.dims[0] = 1; vs.dims[1] = 1; vs.dims[2] = 2; vs.dims[3] = 2;
  UnpoolParams p;
  p.spatial_rank = 2;
  p.kernel[0] = p.kernel[1] = 2;
  p.stride[0] = p.stride[1] = 2;
  const float values[4] = {7, 8, 9, 7};
  int32_t indices[4] = {5, 7, 12, 14};
  float out[16];
  ASSERT_TRUE(max_unpool(DType::kFloat32, vs, vs, p, IndexSpec{}, values, indices, out).ok());
  const float expect[16] = {0, 0, 0, 0, 0, 7, 0, 8, 0, 0, 0, 0, 9, 0, 7, 0};
  for (int i = 0; i < 16; ++i) EXPECT_EQ(out[i], expect[i]);
  indices[2] = 16;
  const Result r = max_unpool(DType::kFloat32, vs, vs, p, IndexSpec{}, values, indices, out);
  EXPECT_EQ(r.status, Status::kIndexOutOfRange);
  EXPECT_NE(r.message.find("indices.data[2] = 16"), std::string::npos);
  indices[2] = -1;
  EXPECT_EQ(max_unpool(DType::kFloat32, vs, vs, p, IndexSpec{}, values, indices, out).status, Status::kIndexOutOfRange);
}

TEST(MaxPoolBackward, OverlappingWindowsAccumulate) {
  TensorShape grad, input;
  grad.spatial_rank = input.spatial_rank = 1;
  grad.dims[0] = input.dims[0] = 1;
  grad.dims[1] = input.dims[1] = 1;
  grad.dims[2] = 3;
  input.dims[2] = 4;
  const double g[3] = {0.5, 0.25, 2};
  const int32_t idx[3] = {1, 1, 3};
  double out[4];
  ASSERT_TRUE(max_pool_backward(DType::kFloat64, grad, grad, input, Layout::kNCHW, nullptr, IndexSpec{}, g, idx, out).ok());
  EXPECT_EQ(out[0], 0);
  EXPECT_EQ(out[1], 0.75);
  EXPECT_EQ(out[2], 0);
  EXPECT_EQ(out[3], 2);
}

// The planewise scatter kernels (and kAuto, which is planewise in a native build) against the
// scalar references, bit for bit: random shapes, both layouts, random indices (duplicates galore),
// NaN payloads. The results go into buffers poisoned with 0xA5 bytes, so a missed cell shows.
const char* dtype_tag(DType dtype) {
  switch (dtype) {
    case DType::kFloat32: return "f32";
    case DType::kFloat64: return "f64";
    case DType::kInt8: return "s8";
    case DType::kUint8: return "u8";
    case DType::kInt16: return "s16";
    case DType::kUint16: return "u16";
    case DType::kInt32: return "s32";
  }
  return "?";
}

template <typename T>
void check_scatter_kernels(DType dtype, uint32_t seed, bool backward) {
  std::mt19937 rng(seed);
  auto uniform = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  for (int iter = 0; iter < 300; ++iter) {
    const Layout layout = uniform(0, 1) ? Layout::kNHWC : Layout::kNCHW;
    TensorShape small, large;  // logical: the values / gradient and the unpooled / input shape
    small.spatial_rank = large.spatial_rank = uniform(1, 3);
    small.dims[0] = large.dims[0] = uniform(1, 2);
    small.dims[1] = large.dims[1] = uniform(1, 4);
    int64_t count = small.dims[0] * small.dims[1], plane = 1;
    UnpoolParams u;
    u.spatial_rank = small.spatial_rank;
    u.layout = layout;
    for (int i = 0; i < small.spatial_rank; ++i) {
      small.dims[2 + i] = uniform(1, 6);
      u.kernel[i] = uniform(1, 3);
      u.stride[i] = uniform(1, 3);
      large.dims[2 + i] = (small.dims[2 + i] - 1) * u.stride[i] + u.kernel[i];
      count *= small.dims[2 + i];
      plane *= large.dims[2 + i];
    }
    auto physical = [&](const TensorShape& logical) {
      if (layout == Layout::kNCHW) return logical;
      TensorShape t = logical;
      for (int i = 0; i < logical.spatial_rank; ++i) t.dims[1 + i] = logical.dims[2 + i];
      t.dims[1 + logical.spatial_rank] = logical.channels();
      return t;
    };
    const TensorShape small_physical = physical(small), large_physical = physical(large);
    const int targets = uniform(1, static_cast<int>(plane));  // few targets: many duplicates
    std::vector<int32_t> indices(count);
    for (auto& index : indices) index = uniform(0, targets - 1);
    std::vector<T> source(count);
    for (auto& v : source) {
      const int pick = uniform(0, 9);
      if (std::is_floating_point<T>::value && pick == 0) {
        v = std::numeric_limits<T>::quiet_NaN();
        unsigned char* b = reinterpret_cast<unsigned char*>(&v);
        b[0] = static_cast<unsigned char>(uniform(1, 255));  // a payload
        if (uniform(0, 1)) b[sizeof(T) - 1] |= 0x80;         // and a sign
      } else if (std::is_floating_point<T>::value && pick == 1) {
        v = -T(0);
      } else {
        v = static_cast<T>(uniform(-100, 100));
      }
    }
    const size_t out_count = static_cast<size_t>(plane * large.dims[0] * large.dims[1]);
    // Kernel names as in the table (src/configs/scatter_config.cpp); null: the preferred one.
    const std::string name = std::string(backward ? "max_pool_backward_" : "max_unpool_") +
                             (layout == Layout::kNCHW ? "nchw_" : "nhwc_") + dtype_tag(dtype);
    const std::string planewise = name + "_planewise", scalar = name + "_scalar";
    const char* const kernels[] = {planewise.c_str(), nullptr};
    auto run = [&](const char* kernel, std::vector<T>* out) {
      out->assign(out_count, T(0));
      std::memset(out->data(), 0xa5, out_count * sizeof(T));
      if (backward) {
        return max_pool_backward(dtype, small_physical, small_physical, large_physical, layout, nullptr, IndexSpec{},
                                 source.data(), indices.data(), out->data(), kernel);
      }
      return max_unpool(dtype, small_physical, small_physical, u, IndexSpec{}, source.data(), indices.data(),
                        out->data(), kernel);
    };
    std::vector<T> expected, actual;
    ASSERT_TRUE(run(scalar.c_str(), &expected).ok());
    for (const char* kernel : kernels) {
      const Result r = run(kernel, &actual);
      ASSERT_TRUE(r.ok()) << r.message;
      for (size_t i = 0; i < out_count; ++i) {
        // NaN + NaN keeps one operand's payload (x86: the first's), and which operand comes first
        // is the compiler's choice for each `+=`: natively only "NaN" is compared for sums. The
        // wasm build, the product, is checked bit for bit in tests/unpool-simd.test.mjs.
        if (backward && same_nan(actual[i], expected[i])) continue;
        ASSERT_TRUE(same_bits(actual[i], expected[i]))
            << "kernel " << (kernel ? kernel : "(preferred)") << " element " << i << " iteration " << iter << ": " << actual[i]
            << " vs " << expected[i];
      }
    }
    // The wasm SIMD kernel does not exist natively.
    EXPECT_EQ(run("max_unpool_nchw_x32_2x2s2_wasmsimd", &actual).status, Status::kUnsupported);
  }
}

TEST(ScatterKernels, PlanewiseUnpoolEqualsScalar) {
  check_scatter_kernels<float>(DType::kFloat32, 101, false);
  check_scatter_kernels<double>(DType::kFloat64, 102, false);
  check_scatter_kernels<int8_t>(DType::kInt8, 103, false);
  check_scatter_kernels<uint16_t>(DType::kUint16, 104, false);
  check_scatter_kernels<int32_t>(DType::kInt32, 105, false);
}

TEST(ScatterKernels, PlanewiseBackwardEqualsScalar) {
  check_scatter_kernels<float>(DType::kFloat32, 106, true);
  check_scatter_kernels<double>(DType::kFloat64, 107, true);
}

}  // namespace
}  // namespace argpool
