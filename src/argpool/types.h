// Core types of argpool: dtypes, statuses, tensor shapes and pooling parameters.
#pragma once

#include <cstddef>
#include <cstdint>

#include "argpool/text.h"

namespace argpool {

// The one list of value dtypes: X(enumerator, C++ type, kernel-name tag, JS name). The enum, sizes,
// names (the ABI description tells JavaScript), the kernel tables' scalar entries and every kernel
// instantiation come from it; the order gives the codes.
#define ARGPOOL_FOR_EACH_DTYPE(X)         \
  X(kFloat32, float, f32, float32)        \
  X(kFloat64, double, f64, float64)       \
  X(kInt8, int8_t, s8, int8)              \
  X(kUint8, uint8_t, u8, uint8)           \
  X(kInt16, int16_t, s16, int16)          \
  X(kUint16, uint16_t, u16, uint16)       \
  X(kInt32, int32_t, s32, int32)

#define ARGPOOL_DTYPE_ENUMERATOR(e, T, tag, name) e,
enum class DType : int { ARGPOOL_FOR_EACH_DTYPE(ARGPOOL_DTYPE_ENUMERATOR) };
#undef ARGPOOL_DTYPE_ENUMERATOR
#define ARGPOOL_DTYPE_ONE(e, T, tag, name) +1
constexpr int kDTypeCount = 0 ARGPOOL_FOR_EACH_DTYPE(ARGPOOL_DTYPE_ONE);
#undef ARGPOOL_DTYPE_ONE

inline bool is_float(DType dtype) { return dtype == DType::kFloat32 || dtype == DType::kFloat64; }

// Memory order of a tensor: channels first [N, C, ...spatial] or channels last [N, ...spatial, C].
enum class Layout : int { kNCHW = 0, kNHWC = 1 };

// What an index means (see README "Index conventions"):
//   kPlane:  spatial offset within one (n, c) plane, row-major (PyTorch, Caffe);
//   kGlobal: offset into the whole input tensor as laid out (ONNX); NCHW may use column-major
//            spatial offsets (ONNX storage_order = 1);
//   kTf:     (spatial row-major offset) * C + c, plus n * plane * C with the batch (TensorFlow).
enum class IndexMode : int { kPlane = 0, kGlobal = 1, kTf = 2 };

struct IndexSpec {
  IndexMode mode = IndexMode::kPlane;
  bool int64 = false;          // int64 (else int32) storage
  bool column_major = false;   // kGlobal only: ONNX storage_order = 1
  bool include_batch = false;  // kTf only
};

// How padding is given. kPyTorch: symmetric, at most kernel / 2. kExplicit: any begin/end pads
// (ONNX `pads`), a window made only of padding is an error. The auto modes compute the pads.
enum class PadMode : int { kPyTorch = 0, kExplicit = 1, kSameUpper = 2, kSameLower = 3, kValid = 4 };

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
  Text message;  // no heap: see text.h

  bool ok() const { return status == Status::kOk; }
  static Result Ok() { return {}; }
  static Result Error(Status status, const Text& message) {
    Result r;
    r.status = status;
    r.message = message;
    return r;
  }
};

constexpr int kMaxSpatialRank = 3;

// Logical [N, C, spatial...] with 1..3 spatial dimensions (whatever the memory layout).
struct TensorShape {
  int spatial_rank = 0;
  int64_t dims[2 + kMaxSpatialRank] = {};

  int rank() const { return spatial_rank + 2; }
  int64_t batch() const { return dims[0]; }
  int64_t channels() const { return dims[1]; }
  int64_t spatial(int i) const { return dims[2 + i]; }
};

// Pooling parameters, one entry per spatial dimension. With PadMode::kPyTorch, pad_begin and
// pad_end are equal; with the auto modes they are computed by pool_output_shape().
struct PoolParams {
  int spatial_rank = 0;
  int64_t kernel[kMaxSpatialRank] = {};
  int64_t stride[kMaxSpatialRank] = {};
  int64_t pad_begin[kMaxSpatialRank] = {};
  int64_t pad_end[kMaxSpatialRank] = {};
  int64_t dilation[kMaxSpatialRank] = {};
  bool ceil_mode = false;
  PadMode pad_mode = PadMode::kPyTorch;
  Layout layout = Layout::kNCHW;
};

// Unpooling parameters (PyTorch's MaxUnpool has no dilation or ceil mode).
struct UnpoolParams {
  int spatial_rank = 0;
  int64_t kernel[kMaxSpatialRank] = {};
  int64_t stride[kMaxSpatialRank] = {};
  int64_t pad_begin[kMaxSpatialRank] = {};
  int64_t pad_end[kMaxSpatialRank] = {};
  bool has_output_size = false;
  int64_t output_size[kMaxSpatialRank] = {};  // spatial part only
  Layout layout = Layout::kNCHW;
};

// Everything a pooling kernel needs, always as 3 spatial dims (D, H, W): lower ranks get leading
// dims of size 1 with a 1-wide kernel, so one kernel serves 1D, 2D and 3D and the flat index
// d*H*W + h*W + w equals PyTorch's per-plane index for every rank.
struct PoolGeometry {
  size_t planes = 0;  // N * C
  size_t batch = 0;
  size_t channels = 0;
  int64_t in[3] = {1, 1, 1};
  int64_t out[3] = {1, 1, 1};
  int64_t kernel[3] = {1, 1, 1};
  int64_t stride[3] = {1, 1, 1};
  int64_t pad[3] = {0, 0, 0};  // padding before each dimension (the end padding only sizes `out`)
  int64_t dilation[3] = {1, 1, 1};

  size_t in_plane() const { return static_cast<size_t>(in[0] * in[1] * in[2]); }
  size_t out_plane() const { return static_cast<size_t>(out[0] * out[1] * out[2]); }
};

size_t dtype_size(DType dtype);
// The JS name of a dtype ('float32', …).
const char* dtype_name(DType dtype);

}  // namespace argpool
