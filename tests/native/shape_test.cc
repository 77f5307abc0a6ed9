// Shape math and validation rules of the operator layer.
#include <gtest/gtest.h>

#include "argpool/shape.h"

namespace argpool {
namespace {

TensorShape shape4(int64_t n, int64_t c, int64_t h, int64_t w) {
  TensorShape s;
  s.spatial_rank = 2;
  s.dims[0] = n; s.dims[1] = c; s.dims[2] = h; s.dims[3] = w;
  return s;
}

PoolParams params2(int64_t k, int64_t s, int64_t p, int64_t d, bool ceil) {
  PoolParams q;
  q.spatial_rank = 2;
  for (int i = 0; i < 2; ++i) { q.kernel[i] = k; q.stride[i] = s; q.pad_begin[i] = q.pad_end[i] = p; q.dilation[i] = d; }
  q.ceil_mode = ceil;
  return q;
}

TEST(PoolOutputSize, FloorAndCeil) {
  EXPECT_EQ(pool_output_size(4, 2, 2, 0, 0, 1, false), 2);
  EXPECT_EQ(pool_output_size(5, 2, 2, 0, 0, 1, false), 2);
  EXPECT_EQ(pool_output_size(5, 2, 2, 0, 0, 1, true), 3);
  EXPECT_EQ(pool_output_size(112, 3, 2, 1, 1, 1, false), 56);
  EXPECT_EQ(pool_output_size(7, 3, 2, 1, 1, 2, false), 3);
  // ceil mode drops a last window that would start in the right padding: L=2, k=1, s=2 → 1.
  EXPECT_EQ(pool_output_size(2, 1, 2, 0, 0, 1, true), 1);
  EXPECT_EQ(pool_output_size(4, 3, 2, 0, 0, 1, true), 2);
  EXPECT_EQ(pool_output_size(6, 3, 2, 1, 1, 1, true), 4);
}

TEST(PoolOutputShape, SeedExample) {
  TensorShape out;
  PoolGeometry g;
  ASSERT_TRUE(pool_output_shape(shape4(1, 1, 4, 4), params2(2, 2, 0, 1, false), DType::kFloat32, &out, &g).ok());
  EXPECT_EQ(out.dims[2], 2);
  EXPECT_EQ(out.dims[3], 2);
  EXPECT_EQ(g.planes, 1u);
  EXPECT_EQ(g.in[0], 1);
  EXPECT_EQ(g.kernel[0], 1);
  EXPECT_EQ(g.kernel[1], 2);
}

TEST(PoolOutputShape, RejectsBadParameters) {
  TensorShape out;
  const TensorShape in = shape4(1, 1, 4, 4);
  auto message = [&](PoolParams p) { return pool_output_shape(in, p, DType::kFloat32, &out, nullptr).message; };
  EXPECT_NE(message(params2(0, 1, 0, 1, false)).find("kernelSize[0] must be at least 1"), std::string::npos);
  EXPECT_NE(message(params2(2, 0, 0, 1, false)).find("stride[0] must be at least 1"), std::string::npos);
  EXPECT_NE(message(params2(2, 2, -1, 1, false)).find("padding[0] must be non-negative"), std::string::npos);
  EXPECT_NE(message(params2(2, 2, 0, 0, false)).find("dilation[0] must be at least 1"), std::string::npos);
  EXPECT_NE(message(params2(3, 1, 2, 1, false)).find("at most half of kernelSize[0]"), std::string::npos);
  EXPECT_NE(message(params2(5, 1, 0, 1, false)).find("larger than the padded input"), std::string::npos);
  EXPECT_NE(message(params2(3, 1, 0, 2, false)).find("with dilation 2 spans 5"), std::string::npos);
}

TEST(PoolOutputShape, CeilModeWindowMayRunPastThePaddedInput) {
  // PyTorch: L=4, k=3, s=3, p=1, d=3, ceil → one window (taps -1, 2, 5), output size 1.
  TensorShape in;
  in.spatial_rank = 1;
  in.dims[0] = 1; in.dims[1] = 1; in.dims[2] = 4;
  PoolParams p;
  p.spatial_rank = 1;
  p.kernel[0] = 3; p.stride[0] = 3; p.pad_begin[0] = p.pad_end[0] = 1; p.dilation[0] = 3; p.ceil_mode = true;
  TensorShape out;
  ASSERT_TRUE(pool_output_shape(in, p, DType::kFloat32, &out, nullptr).ok());
  EXPECT_EQ(out.dims[2], 1);
  p.ceil_mode = false;
  EXPECT_FALSE(pool_output_shape(in, p, DType::kFloat32, &out, nullptr).ok());
}

TEST(PoolOutputShape, RejectsWindowsOfOnlyPadding) {
  // L=2, k=2, d=3, p=1: the only window taps -1 and 2, both outside [0, 2).
  TensorShape in;
  in.spatial_rank = 1;
  in.dims[0] = 1; in.dims[1] = 1; in.dims[2] = 2;
  PoolParams p;
  p.spatial_rank = 1;
  p.kernel[0] = 2; p.stride[0] = 1; p.pad_begin[0] = p.pad_end[0] = 1; p.dilation[0] = 3;
  const Result r = pool_output_shape(in, p, DType::kFloat32, nullptr, nullptr);
  EXPECT_EQ(r.status, Status::kInvalidArgument);
  EXPECT_NE(r.message.find("covers only padding"), std::string::npos);
}

TEST(TensorShape, RejectsEmptyAndHugeDims) {
  EXPECT_TRUE(validate_tensor_shape(shape4(0, 1, 4, 4), "input.shape", DType::kFloat32).ok());  // empty batch
  EXPECT_FALSE(validate_tensor_shape(shape4(1, 0, 4, 4), "input.shape", DType::kFloat32).ok());
  EXPECT_FALSE(validate_tensor_shape(shape4(1, 1, 0, 4), "input.shape", DType::kFloat32).ok());
  EXPECT_FALSE(validate_tensor_shape(shape4(1, 1, 4, kMaxDim + 1), "input.shape", DType::kFloat32).ok());
  // A plane of 2^32 elements cannot be indexed by int32 (checked where planes matter).
  const Result r = pool_output_shape(shape4(1, 1, 65536, 65536), params2(2, 2, 0, 1, false), DType::kFloat32,
                                     nullptr, nullptr);
  EXPECT_EQ(r.status, Status::kInvalidArgument);
  EXPECT_NE(r.message.find("int32 indices cannot address"), std::string::npos);
}

TEST(UnpoolOutputShape, DefaultAndExplicit) {
  UnpoolParams p;
  p.spatial_rank = 2;
  for (int i = 0; i < 2; ++i) { p.kernel[i] = 2; p.stride[i] = 2; }
  TensorShape out;
  ASSERT_TRUE(unpool_output_shape(shape4(1, 1, 2, 2), p, DType::kFloat32, &out).ok());
  EXPECT_EQ(out.dims[2], 4);
  p.has_output_size = true;
  p.output_size[0] = 5; p.output_size[1] = 3;
  ASSERT_TRUE(unpool_output_shape(shape4(1, 1, 2, 2), p, DType::kFloat32, &out).ok());
  EXPECT_EQ(out.dims[2], 5);
  EXPECT_EQ(out.dims[3], 3);
  p.output_size[0] = 6;  // default 4 + stride 2 is outside the open interval
  EXPECT_FALSE(unpool_output_shape(shape4(1, 1, 2, 2), p, DType::kFloat32, &out).ok());
  p.output_size[0] = 2;
  EXPECT_FALSE(unpool_output_shape(shape4(1, 1, 2, 2), p, DType::kFloat32, &out).ok());
}

}  // namespace
}  // namespace argpool

namespace argpool {
namespace {

TEST(PoolOutputShape, RejectsInconsistentCppArguments) {
  TensorShape in;
  in.spatial_rank = 1;
  in.dims[0] = 1; in.dims[1] = 1; in.dims[2] = 8;
  PoolParams p;
  p.spatial_rank = 1;
  p.kernel[0] = 2; p.stride[0] = 2; p.dilation[0] = 1;
  p.pad_begin[0] = 1; p.pad_end[0] = 0;  // PyTorch's form is symmetric
  EXPECT_NE(pool_output_shape(in, p, DType::kFloat32, nullptr, nullptr).message.find("symmetric"), std::string::npos);
  p.pad_end[0] = 1;
  p.layout = static_cast<Layout>(7);
  EXPECT_NE(pool_output_shape(in, p, DType::kFloat32, nullptr, nullptr).message.find("unknown layout"), std::string::npos);
}

}  // namespace
}  // namespace argpool
