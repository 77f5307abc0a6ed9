// Regression tests for what the libFuzzer targets (tests/fuzz/) found in the operator layer. Each
// test is the minimal input of one finding; several of them only fail under the sanitizers that
// the native suites run with (ASan/UBSan: signed overflow, null memset, out-of-bounds reads).
#include <gtest/gtest.h>

#include <chrono>
#include <climits>
#include <cstdint>
#include <string>
#include <vector>

#include "argpool/operators.h"
#include "argpool/shape.h"

namespace argpool {
namespace {

constexpr int64_t kBig = INT32_MAX;  // the largest size or parameter allowed

TensorShape shape(std::initializer_list<int64_t> dims) {
  TensorShape s;
  s.spatial_rank = static_cast<int>(dims.size()) - 2;
  int i = 0;
  for (const int64_t d : dims) s.dims[i++] = d;
  return s;
}

PoolParams pool1(int64_t k, int64_t s, int64_t p, int64_t d = 1, PadMode mode = PadMode::kPyTorch) {
  PoolParams q;
  q.spatial_rank = 1;
  q.kernel[0] = k;
  q.stride[0] = s;
  q.pad_begin[0] = q.pad_end[0] = p;
  q.dilation[0] = d;
  q.pad_mode = mode;
  return q;
}

PoolParams pool_all(int rank, int64_t k, int64_t s, int64_t p) {
  PoolParams q;
  q.spatial_rank = rank;
  for (int i = 0; i < rank; ++i) {
    q.kernel[i] = k;
    q.stride[i] = s;
    q.pad_begin[i] = q.pad_end[i] = p;
    q.dilation[i] = 1;
  }
  return q;
}

UnpoolParams unpool_all(int rank, int64_t k, int64_t s) {
  UnpoolParams u;
  u.spatial_rank = rank;
  for (int i = 0; i < rank; ++i) {
    u.kernel[i] = k;
    u.stride[i] = s;
  }
  return u;
}

void expect_failure(const Result& r, Status status) {
  EXPECT_EQ(r.status, status) << r.message;
  EXPECT_FALSE(r.message.empty());
}

// A spatial_rank near INT_MAX: rank() = spatial_rank + 2 overflowed in the error message.
TEST(FuzzRegressions, RankNearIntMaxIsRejectedWithoutOverflow) {
  TensorShape s = shape({1, 1, 4});
  s.spatial_rank = INT32_MAX;
  expect_failure(validate_tensor_shape(s, "input.shape", DType::kFloat32), Status::kInvalidArgument);
  PoolParams p = pool1(2, 2, 0);
  expect_failure(pool_output_shape(s, p, DType::kFloat32, nullptr, nullptr), Status::kInvalidArgument);
}

// indices.shape is compared with values.shape but was formatted for the message without being
// validated: a spatial_rank above 3 read past TensorShape::dims (ASan), INT_MAX overflowed.
TEST(FuzzRegressions, IndicesShapeOfAnyRankIsRejectedSafely) {
  const TensorShape values = shape({1, 1, 2, 2});
  const UnpoolParams u = unpool_all(2, 2, 2);
  for (const int rank : {4, 9, INT32_MAX, -5}) {
    TensorShape indices = values;
    indices.spatial_rank = rank;
    expect_failure(max_unpool(DType::kFloat32, values, indices, u, IndexSpec{}, nullptr, nullptr, nullptr),
                   Status::kInvalidArgument);
    expect_failure(max_pool_backward(DType::kFloat32, values, indices, shape({1, 1, 4, 4}), Layout::kNCHW, nullptr,
                                     IndexSpec{}, nullptr, nullptr, nullptr),
                   Status::kInvalidArgument);
  }
}

// An empty batch passes no buffers (the JS wrapper sends null pointers): memset/memmove of
// nullptr with size 0 is undefined behaviour (UBSan: nonnull-attribute).
TEST(FuzzRegressions, EmptyBatchWithNullBuffers) {
  const TensorShape values = shape({0, 2, 2, 2});
  EXPECT_TRUE(max_unpool(DType::kFloat32, values, values, unpool_all(2, 2, 2), IndexSpec{}, nullptr, nullptr, nullptr).ok());
  EXPECT_TRUE(max_pool_backward(DType::kFloat64, values, values, shape({0, 2, 4, 4}), Layout::kNCHW, nullptr, IndexSpec{},
                                nullptr, nullptr, nullptr)
                  .ok());
  IndexSpec int64_plane;  // decoded through a scratch copy, then moved into the (null) output
  int64_plane.int64 = true;
  EXPECT_TRUE(convert_indices(shape({0, 2, 4, 4}), values, Layout::kNCHW, int64_plane, IndexSpec{}, nullptr, nullptr).ok());
}

// A DType code outside the enum: max_pool and max_unpool returned success without computing.
TEST(FuzzRegressions, UnknownDTypeIsRejected) {
  const TensorShape in = shape({1, 1, 4});
  double x[4] = {1, 2, 3, 4}, y[4] = {0, 0, 0, 0};
  int32_t idx[2] = {0, 0};
  const DType unknown = static_cast<DType>(kDTypeCount);
  EXPECT_FALSE(max_pool(unknown, in, pool1(2, 2, 0), IndexSpec{}, x, y, idx).ok());
  const TensorShape pooled = shape({1, 1, 2});
  const UnpoolParams u = unpool_all(1, 2, 2);
  EXPECT_FALSE(max_unpool(unknown, pooled, pooled, u, IndexSpec{}, x, idx, y).ok());
}

// With an empty batch the element count is 0, so the memory check passes whatever the plane; the
// plane size (three sizes of 2^31-1) then overflowed int64 in plane_size().
TEST(FuzzRegressions, HugePlaneOfAnEmptyBatchDoesNotOverflow) {
  const TensorShape in = shape({0, 1, kBig, kBig, kBig});
  expect_failure(pool_output_shape(in, pool_all(3, 1, 1, 0), DType::kFloat32, nullptr, nullptr),
                 Status::kInvalidArgument);
  expect_failure(backward_input_shape(in, in, Layout::kNCHW, DType::kFloat32), Status::kInvalidArgument);
  TensorShape out;
  expect_failure(unpool_output_shape(in, unpool_all(3, 1, 1), DType::kFloat32, &out), Status::kInvalidArgument);
  expect_failure(convert_indices(in, in, Layout::kNCHW, IndexSpec{}, IndexSpec{}, nullptr, nullptr),
                 Status::kInvalidArgument);
}

// The left-padding window check looped once per window starting in the padding: with kernel
// 2^31-1 and padding 2^30-1 that was 2^30 iterations (about 20 s under the sanitizers).
TEST(FuzzRegressions, WindowCheckIsFastForHugePadding) {
  const auto start = std::chrono::steady_clock::now();
  TensorShape out;
  ASSERT_TRUE(pool_output_shape(shape({0, 1, kBig}), pool1(kBig, 1, kBig / 2), DType::kFloat32, &out, nullptr).ok());
  EXPECT_EQ(out.dims[2], kBig);
  PoolParams q = pool1(kBig, 1, 0, 1, PadMode::kExplicit);
  q.pad_begin[0] = kBig - 1;  // explicit pads have no kernel / 2 limit: 2^31 - 2 windows in the padding
  q.pad_end[0] = 0;
  ASSERT_TRUE(pool_output_shape(shape({0, 1, kBig}), q, DType::kFloat32, &out, nullptr).ok());
  EXPECT_EQ(out.dims[2], kBig);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(seconds, 1.0);
}

// Whatever replaces that loop must keep its answer: every window of explicit pads and dilations
// larger than the input, checked against window-by-window enumeration.
TEST(FuzzRegressions, WindowCheckMatchesEnumeration) {
  int rejected = 0, accepted = 0;
  for (int64_t size = 1; size <= 5; ++size)
    for (int64_t k = 1; k <= 4; ++k)
      for (int64_t s = 1; s <= 3; ++s)
        for (int64_t d = 1; d <= 7; ++d)
          for (int64_t pb = 0; pb <= 9; ++pb)
            for (int64_t pe = 0; pe <= 3; ++pe) {
              PoolParams q = pool1(k, s, 0, d, PadMode::kExplicit);
              q.pad_begin[0] = pb;
              q.pad_end[0] = pe;
              const int64_t n = (size + pb + pe - d * (k - 1) - 1) / s + 1;
              if (size + pb + pe - d * (k - 1) - 1 < 0) continue;  // no window at all: another rule
              bool every_window_has_input = true;
              for (int64_t o = 0; o < n; ++o) {
                bool any = false;
                for (int64_t j = 0; j < k; ++j) {
                  const int64_t x = o * s - pb + j * d;
                  any = any || (x >= 0 && x < size);
                }
                every_window_has_input = every_window_has_input && any;
              }
              const Result r = pool_output_shape(shape({1, 1, size}), q, DType::kFloat32, nullptr, nullptr);
              ASSERT_EQ(r.ok(), every_window_has_input)
                  << "size " << size << " k " << k << " s " << s << " d " << d << " pads " << pb << "/" << pe << ": "
                  << r.message;
              (r.ok() ? accepted : rejected)++;
            }
  EXPECT_GT(rejected, 100);
  EXPECT_GT(accepted, 100);
}

// The element limit was checked in double: 2^62 float32 elements (2^64 bytes) rounded to the
// limit itself and passed (native builds; wasm's limit is exact).
TEST(FuzzRegressions, ElementLimitIsExact) {
  if (sizeof(size_t) < 8) GTEST_SKIP() << "64-bit size_t only";
  expect_failure(validate_tensor_shape(shape({1, int64_t{1} << 30, int64_t{1} << 30, 4}), "input.shape", DType::kFloat32),
                 Status::kOutOfMemory);
  expect_failure(validate_tensor_shape(shape({1, int64_t{1} << 30, int64_t{1} << 30, 2}), "input.shape", DType::kFloat64),
                 Status::kOutOfMemory);
}

// One-byte elements allowed 2^64 - 1 of them, more than element_count() (int64) can return.
TEST(FuzzRegressions, ElementCountFitsInt64) {
  if (sizeof(size_t) < 8) GTEST_SKIP() << "64-bit size_t only";
  expect_failure(validate_tensor_shape(shape({kBig, kBig, 3}), "input.shape", DType::kInt8), Status::kOutOfMemory);
}

// A PadMode outside the enum: pads were not validated, and the error message added them (signed
// overflow).
TEST(FuzzRegressions, UnknownPadModeIsRejected) {
  PoolParams q = pool1(2, 1, 0, 1, static_cast<PadMode>(99));
  q.pad_begin[0] = INT64_MIN;
  q.pad_end[0] = INT64_MIN;
  expect_failure(pool_output_shape(shape({1, 1, 4}), q, DType::kFloat32, nullptr, nullptr), Status::kInvalidArgument);
}

// The pooled shape was never validated: with an empty batch a pooled size reached 2^31 (which
// backward then rejects as gradOutput.shape), and padding made the pooled element count overflow
// int64 (native).
TEST(FuzzRegressions, PooledShapeIsAValidShape) {
  expect_failure(pool_output_shape(shape({0, 1, kBig}), pool1(2, 1, 1), DType::kFloat32, nullptr, nullptr),
                 Status::kInvalidArgument);
  if (sizeof(size_t) < 8) return;
  TensorShape out;
  const Result r = pool_output_shape(shape({kBig, kBig, 1, 1, 1}), pool_all(3, 2, 1, 1), DType::kFloat32, &out, nullptr);
  expect_failure(r, Status::kOutOfMemory);
}

// int64 indices are decoded with arithmetic on the index: INT64_MIN - c overflowed (NHWC global,
// tf) before the range check. Reachable from JS with a BigInt64Array.
TEST(FuzzRegressions, Int64MinIndexIsOutOfRange) {
  for (const Layout layout : {Layout::kNCHW, Layout::kNHWC}) {
    for (const IndexMode mode : {IndexMode::kPlane, IndexMode::kGlobal, IndexMode::kTf}) {
      IndexSpec spec;
      spec.mode = mode;
      spec.int64 = true;
      const TensorShape values = shape({1, 2, 2});  // NCHW [1, 2, 2]; NHWC [N=1, L=2, C=2]
      UnpoolParams u = unpool_all(1, 2, 2);
      u.layout = layout;
      const float v[4] = {1, 2, 3, 4};
      // Valid indices for channel 0, then INT64_MIN for channel 1 (c = 1 is what overflowed).
      const int64_t m = INT64_MIN;
      const bool nchw = layout == Layout::kNCHW;
      const int64_t idx[4] = {0, nchw ? (mode == IndexMode::kTf ? 2 : 1) : m, m, m};
      float out[8];
      expect_failure(max_unpool(DType::kFloat32, values, values, u, spec, v, idx, out), Status::kIndexOutOfRange);
      const TensorShape input = layout == Layout::kNCHW ? shape({1, 2, 4}) : shape({1, 4, 2});
      expect_failure(max_pool_backward(DType::kFloat32, values, values, input, layout, nullptr, spec, v, idx, out),
                     Status::kIndexOutOfRange);
    }
  }
}

// The int32 check of an index convention printed the largest index through a double -> int64
// cast, out of range (undefined; in practice INT64_MIN) for a large inputShape.
TEST(FuzzRegressions, LargestIndexMessageForHugeShapes) {
  IndexSpec global;
  global.mode = IndexMode::kGlobal;
  const TensorShape in = shape({kBig, kBig, kBig});
  const Result r = convert_indices(in, shape({kBig, kBig, 1}), Layout::kNCHW, global, IndexSpec{}, nullptr, nullptr);
  expect_failure(r, Status::kInvalidArgument);
  EXPECT_EQ(r.message.find("-9223372036854775808"), std::string::npos) << r.message;
}

// convert_indices does not allocate the input, so its plane may exceed 2^31-1; a valid int64
// index above 2^31-1 then went through the int32 per-plane step and came out as -1.
TEST(FuzzRegressions, ConvertIndicesNeverTruncates) {
  IndexSpec plane64;
  plane64.int64 = true;
  const int64_t in[1] = {(int64_t{1} << 32) - 1};
  int64_t out[1] = {0};
  const Result r = convert_indices(shape({1, 1, 65536, 65536}), shape({1, 1, 1, 1}), Layout::kNCHW, plane64, plane64,
                                   in, out);
  if (r.ok()) {
    EXPECT_EQ(out[0], in[0]);
  } else {
    EXPECT_EQ(r.status, Status::kInvalidArgument) << r.message;
  }
}

// With N = 0 no memory is needed, so a gradient (or values) shape with planes of (2^31-1)^3
// elements passed validation and overflowed when its plane size was multiplied out.
TEST(FuzzRegressions, EmptyBatchWithHugeGradientPlanes) {
  const TensorShape grad = shape({0, 1, kBig, kBig, kBig});
  expect_failure(backward_input_shape(grad, shape({0, 1, 4, 4, 4}), Layout::kNCHW, DType::kFloat32),
                 Status::kInvalidArgument);
  IndexSpec global;
  global.mode = IndexMode::kGlobal;
  expect_failure(max_pool_backward(DType::kFloat32, grad, grad, shape({0, 1, 4, 4, 4}), Layout::kNCHW, nullptr, global,
                                   nullptr, nullptr, nullptr),
                 Status::kInvalidArgument);
  UnpoolParams u;
  u.spatial_rank = 3;
  for (int i = 0; i < 3; ++i) u.kernel[i] = u.stride[i] = 1;
  TensorShape out;
  expect_failure(unpool_output_shape(grad, u, DType::kFloat32, &out), Status::kInvalidArgument);
}

}  // namespace
}  // namespace argpool
