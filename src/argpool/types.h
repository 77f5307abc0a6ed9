// Core types of argpool: dtypes, statuses, tensor shapes and pooling parameters.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace argpool {

// Value types that a kernel can be instantiated for. The numbers are part of the JS ABI.
enum class DType : int { kFloat32 = 0, kFloat64 = 1 };

// Error classes; the JS wrapper maps each to an Error class and a stable `code`.
enum class Status : int {
  kOk = 0,
  kInvalidArgument = 1,  // a value or shape breaks a rule (RangeError in JS)
  kIndexOutOfRange = 2,  // an index in unpool/backward points outside its plane
  kOutOfMemory = 3,      // a size that cannot be represented or allocated
  kUnsupported = 4,      // a valid request that this build cannot serve
};

// Status plus a message that names the argument and the rule it breaks.
struct Result {
  Status status = Status::kOk;
  std::string message;

  bool ok() const { return status == Status::kOk; }
  static Result Ok() { return {}; }
  static Result Error(Status status, std::string message) { return {status, std::move(message)}; }
};

constexpr int kMaxSpatialRank = 3;

// [N, C, spatial...] with 1..3 spatial dimensions.
struct TensorShape {
  int spatial_rank = 0;
  int64_t dims[2 + kMaxSpatialRank] = {};

  int rank() const { return spatial_rank + 2; }
  int64_t batch() const { return dims[0]; }
  int64_t channels() const { return dims[1]; }
  int64_t spatial(int i) const { return dims[2 + i]; }
};

// PyTorch-style pooling parameters, one entry per spatial dimension.
struct PoolParams {
  int spatial_rank = 0;
  int64_t kernel[kMaxSpatialRank] = {};
  int64_t stride[kMaxSpatialRank] = {};
  int64_t padding[kMaxSpatialRank] = {};
  int64_t dilation[kMaxSpatialRank] = {};
  bool ceil_mode = false;
};

// Unpooling parameters (PyTorch's MaxUnpool has no dilation or ceil mode).
struct UnpoolParams {
  int spatial_rank = 0;
  int64_t kernel[kMaxSpatialRank] = {};
  int64_t stride[kMaxSpatialRank] = {};
  int64_t padding[kMaxSpatialRank] = {};
  bool has_output_size = false;
  int64_t output_size[kMaxSpatialRank] = {};  // spatial part only
};

// Everything a pooling kernel needs, always as 3 spatial dims (D, H, W): lower ranks get leading
// dims of size 1 with a 1-wide kernel, so one kernel serves 1D, 2D and 3D and the flat index
// d*H*W + h*W + w equals PyTorch's per-plane index for every rank.
struct PoolGeometry {
  size_t planes = 0;  // N * C
  int64_t in[3] = {1, 1, 1};
  int64_t out[3] = {1, 1, 1};
  int64_t kernel[3] = {1, 1, 1};
  int64_t stride[3] = {1, 1, 1};
  int64_t pad[3] = {0, 0, 0};
  int64_t dilation[3] = {1, 1, 1};

  size_t in_plane() const { return static_cast<size_t>(in[0] * in[1] * in[2]); }
  size_t out_plane() const { return static_cast<size_t>(out[0] * out[1] * out[2]); }
};

size_t dtype_size(DType dtype);

}  // namespace argpool
