// Shared pieces of the libFuzzer targets (tests/fuzz/*.cc): a byte reader that decodes shapes,
// parameters and data (small values, boundaries, powers of two, raw int64), an independent oracle of
// the validation rules computed in 128-bit arithmetic, and brute-force references of the operators
// (pooling, unpooling, backward, index conventions). Everything here is written from the
// documented rules (README "Semantics", types.h), not from src/: a mismatch is a finding.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "argpool/operators.h"
#include "argpool/shape.h"
#include "argpool/types.h"

namespace fuzz {

using argpool::DType;
using argpool::IndexMode;
using argpool::IndexSpec;
using argpool::Layout;
using argpool::PadMode;
using argpool::PoolParams;
using argpool::Result;
using argpool::Status;
using argpool::TensorShape;
using argpool::UnpoolParams;
using i128 = __int128;

// A finding: print what broke, then trap so that libFuzzer (or the replay main) records the input.
#define FUZZ_CHECK(cond, ...)                                                                       \
  do {                                                                                              \
    if (!(cond)) {                                                                                  \
      std::fprintf(stderr, "\nFUZZ CHECK FAILED at %s:%d: %s\n  ", __FILE__, __LINE__, #cond);      \
      std::fprintf(stderr, __VA_ARGS__);                                                            \
      std::fprintf(stderr, "\n");                                                                   \
      std::fflush(stderr);                                                                          \
      __builtin_trap();                                                                             \
    }                                                                                               \
  } while (0)

// Buffers are only allocated (and kernels only run) below these sizes, so that no input can OOM or
// time out; larger shapes still go through validation.
constexpr i128 kMaxElements = 1 << 16;
constexpr i128 kMaxWork = 1 << 21;  // window taps visited by the brute-force pooling reference

constexpr int64_t kInt32Max = std::numeric_limits<int32_t>::max();

// ---------------------------------------------------------------------------------------------
// Byte reader: reads from the front; once the input is exhausted every read returns 0.

class Reader {
 public:
  Reader(const uint8_t* data, size_t size) : p_(data), n_(size) {}

  uint8_t byte() {
    if (n_ == 0) return 0;
    --n_;
    return *p_++;
  }
  bool flag() { return byte() & 1; }
  uint64_t raw64() {
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v |= static_cast<uint64_t>(byte()) << (8 * i);
    return v;
  }

  // Any int64, biased to what breaks shape arithmetic:
  //   0x00-0xBF: that value; 0xC0-0xCF: -1..-16; 0xD0-0xDF: a boundary from the table below;
  //   0xE0-0xEF: 2^k, 2^k-1, 2^k+1 or -2^k (k = next byte % 63); 0xF0-0xF7: INT32_MAX -/+ next byte;
  //   0xF8-0xFF: the next 8 bytes as a raw little-endian int64.
  int64_t wide() {
    static constexpr int64_t kTable[16] = {
        INT64_MIN,        INT64_MIN + 1,     INT64_MAX,          INT64_MAX - 1,
        INT32_MIN,        INT32_MAX,         int64_t{1} << 31,   (int64_t{1} << 32) - 1,
        int64_t{1} << 32, int64_t{1} << 62,  46340,              46341,  // floor/ceil of sqrt(2^31)
        int64_t{1} << 30, (int64_t{1} << 30) + 1, int64_t{1} << 53, 1291,  // 1291^3 > 2^31
    };
    const uint8_t tag = byte();
    if (tag < 0xC0) return tag;
    if (tag < 0xD0) return -1 - (tag - 0xC0);
    if (tag < 0xE0) return kTable[tag - 0xD0];
    if (tag < 0xF0) {
      const int64_t v = int64_t{1} << (byte() % 63);
      switch (tag & 3) {
        case 0: return v;
        case 1: return v - 1;
        case 2: return v + 1;
        default: return -v;
      }
    }
    if (tag < 0xF8) return (tag & 1) ? kInt32Max + byte() : kInt32Max - byte();
    return static_cast<int64_t>(raw64());
  }

  // Spatial rank: bytes 0-0xEF give byte % 4 (so 1, 2, 3 are themselves); 0xF0-0xFD give -4..9;
  // 0xFE and 0xFF give INT_MIN and INT_MAX.
  int spatial_rank() {
    const uint8_t b = byte();
    if (b < 0xF0) return b % 4;
    if (b == 0xFE) return INT32_MIN;
    if (b == 0xFF) return INT32_MAX;
    return static_cast<int>(b) - 0xF4;
  }

  // One tensor element: mostly a few small integers (so that ties are common), else a special value
  // (signed zeros, infinities, NaNs with payloads, denormals, extremes) or raw bits.
  template <typename T>
  T element() {
    const uint8_t b = byte();
    if (b < 0x80) return static_cast<T>(static_cast<int>(b % 8) - 3);
    if (b < 0x90) return special<T>(b - 0x80);
    T v;
    uint8_t bytes[sizeof(T)];
    for (auto& x : bytes) x = byte();
    std::memcpy(&v, bytes, sizeof(T));
    return v;
  }

 private:
  template <typename T>
  typename std::enable_if<std::is_floating_point<T>::value, T>::type special(int which) {
    using L = std::numeric_limits<T>;
    using Bits = typename std::conditional<sizeof(T) == 4, uint32_t, uint64_t>::type;
    switch (which) {
      case 0: return T(0.0);
      case 1: return T(-0.0);
      case 2: return L::infinity();
      case 3: return -L::infinity();
      case 4: return L::quiet_NaN();
      case 5: return -L::quiet_NaN();
      case 6: return L::signaling_NaN();
      case 7: {  // a NaN with a payload and sign from the next byte
        Bits bits;
        T nan = L::quiet_NaN();
        std::memcpy(&bits, &nan, sizeof(T));
        const uint8_t payload = byte();
        bits |= static_cast<Bits>(payload & 0x7f);
        if (payload & 0x80) bits |= Bits{1} << (sizeof(T) * 8 - 1);
        std::memcpy(&nan, &bits, sizeof(T));
        return nan;
      }
      case 8: return L::denorm_min();
      case 9: return -L::denorm_min();
      case 10: return L::max();
      case 11: return L::lowest();
      case 12: return L::min();
      case 13: return T(0.5);
      case 14: return T(-0.5);
      default: return L::epsilon();
    }
  }
  template <typename T>
  typename std::enable_if<!std::is_floating_point<T>::value, T>::type special(int which) {
    using L = std::numeric_limits<T>;
    switch (which % 4) {
      case 0: return L::min();
      case 1: return L::max();
      case 2: return static_cast<T>(L::min() + 1);
      default: return static_cast<T>(L::max() - 1);
    }
  }

  const uint8_t* p_;
  size_t n_;
};

// Each shape lives in its own heap block, so that reading past `dims` (a spatial_rank above 3
// trusted somewhere) is a heap-buffer-overflow that ASan reports.
using ShapePtr = std::unique_ptr<TensorShape>;
inline ShapePtr new_shape() { return ShapePtr(new TensorShape()); }
inline ShapePtr copy_shape(const TensorShape& s) { return ShapePtr(new TensorShape(s)); }

// A shape with an arbitrary spatial rank and arbitrary int64 dims (as many as the struct holds).
inline ShapePtr wide_shape(Reader& r) {
  auto s = new_shape();
  s->spatial_rank = r.spatial_rank();
  const int64_t count = std::min<int64_t>(std::max<int64_t>(int64_t{s->spatial_rank} + 2, 0), 5);
  for (int64_t i = 0; i < count; ++i) s->dims[i] = r.wide();
  return s;
}

// Enumerations: mostly valid values, sometimes any int (not for Layout: the operators read any
// value other than kNCHW as NHWC in some places and as NCHW in others; the binding sends 0 or 1).
// A small logical shape: rank 1-3, N 0-2, C 1..max_channels, spatial sizes up to the limit for
// the rank (shared by the targets that run kernels, each with its own limits).
inline TensorShape small_logical(Reader& r, int max_channels, int max_3d, int max_2d, int max_1d) {
  TensorShape s;
  s.spatial_rank = 1 + r.byte() % 3;
  s.dims[0] = r.byte() % 3;
  s.dims[1] = 1 + r.byte() % max_channels;
  const int max_size = s.spatial_rank == 3 ? max_3d : s.spatial_rank == 2 ? max_2d : max_1d;
  for (int i = 0; i < s.spatial_rank; ++i) s.dims[2 + i] = 1 + r.byte() % max_size;
  return s;
}

inline Layout read_layout(Reader& r) { return static_cast<Layout>(r.byte() & 1); }
inline PadMode read_pad_mode(Reader& r) {
  const uint8_t b = r.byte();
  return b < 0xF0 ? static_cast<PadMode>(b % 5) : static_cast<PadMode>(static_cast<int>(b) - 0xF8);
}
inline IndexSpec read_index_spec(Reader& r) {
  const uint8_t b = r.byte();
  IndexSpec s;
  s.mode = static_cast<IndexMode>(b % 3);
  s.int64 = (b >> 2) & 1;
  s.column_major = (b >> 3) & 1;
  s.include_batch = (b >> 4) & 1;
  if (b >= 0xF8) s.mode = static_cast<IndexMode>(3 + (b & 3));  // unknown modes
  return s;
}
inline DType read_dtype(Reader& r, bool floats_only) {
  const uint8_t b = r.byte();
  if (floats_only) return static_cast<DType>(b & 1);
  return b < 0xF0 ? static_cast<DType>(b % argpool::kDTypeCount) : static_cast<DType>(static_cast<int>(b) - 0xF4);
}

inline PoolParams wide_pool_params(Reader& r, int spatial_rank) {
  PoolParams p;
  p.spatial_rank = r.flag() ? r.spatial_rank() : spatial_rank;
  const bool symmetric = r.flag();
  for (int i = 0; i < argpool::kMaxSpatialRank; ++i) {
    p.kernel[i] = r.wide();
    p.stride[i] = r.wide();
    p.pad_begin[i] = r.wide();
    p.pad_end[i] = symmetric ? p.pad_begin[i] : r.wide();
    p.dilation[i] = r.wide();
  }
  p.ceil_mode = r.flag();
  p.pad_mode = read_pad_mode(r);
  p.layout = read_layout(r);
  return p;
}

inline UnpoolParams wide_unpool_params(Reader& r, int spatial_rank) {
  UnpoolParams p;
  p.spatial_rank = r.flag() ? r.spatial_rank() : spatial_rank;
  p.has_output_size = r.flag();
  const bool symmetric = r.flag();
  for (int i = 0; i < argpool::kMaxSpatialRank; ++i) {
    p.kernel[i] = r.wide();
    p.stride[i] = r.wide();
    p.pad_begin[i] = r.wide();
    p.pad_end[i] = symmetric ? p.pad_begin[i] : r.wide();
    p.output_size[i] = r.wide();
  }
  p.layout = read_layout(r);
  return p;
}

// ---------------------------------------------------------------------------------------------
// Independent oracle of the validation rules, in 128-bit arithmetic (saturating for products).

constexpr i128 kSaturate = static_cast<i128>(1) << 100;

inline i128 sat_mul(i128 a, i128 b) {  // a, b >= 0
  if (a <= 0 || b <= 0) return 0;
  if (a >= kSaturate || b >= kSaturate || a > kSaturate / b) return kSaturate;
  return a * b;
}

inline i128 floor_div(i128 a, i128 b) {  // b > 0
  i128 q = a / b;
  if (a % b != 0 && a < 0) --q;
  return q;
}

inline bool known_dtype(DType d) {
  return static_cast<int>(d) >= 0 && static_cast<int>(d) < argpool::kDTypeCount;
}
inline bool float_dtype(DType d) { return d == DType::kFloat32 || d == DType::kFloat64; }
inline size_t element_size(DType dtype) {
  switch (dtype) {
    case DType::kFloat32: return 4;
    case DType::kFloat64: return 8;
    case DType::kInt8:
    case DType::kUint8: return 1;
    case DType::kInt16:
    case DType::kUint16: return 2;
    case DType::kInt32: return 4;
  }
  return 8;  // unknown dtypes: count as the widest
}
inline bool nchw(Layout layout) { return layout == Layout::kNCHW; }

struct Expect {
  enum Kind { kOk, kFail, kUnknown } kind = kOk;
  Status status = Status::kOk;
  static Expect Ok() { return {kOk, Status::kOk}; }
  static Expect Fail(Status s) { return {kFail, s}; }
  static Expect Invalid() { return {kFail, Status::kInvalidArgument}; }
  static Expect Unknown() { return {kUnknown, Status::kOk}; }
  bool ok() const { return kind == kOk; }
  bool fails() const { return kind == kFail; }
};

// Element count and plane of a shape whose spatial_rank is 1..3 (saturating).
inline i128 count_of(const TensorShape& s) {
  i128 n = 1;
  for (int i = 0; i < s.spatial_rank + 2; ++i) n = sat_mul(n, s.dims[i]);
  return s.dims[0] == 0 ? 0 : n;
}
// Plane of a logical shape.
inline i128 plane_of(const TensorShape& logical) {
  i128 n = 1;
  for (int i = 0; i < logical.spatial_rank; ++i) n = sat_mul(n, logical.dims[2 + i]);
  return n;
}

// Physical [N, spatial..., C] <-> logical [N, C, spatial...] (ranks other than 1..3 are left alone).
inline TensorShape logical_of(const TensorShape& physical, Layout layout) {
  if (nchw(layout) || physical.spatial_rank < 1 || physical.spatial_rank > 3) return physical;
  TensorShape s = physical;
  s.dims[1] = physical.dims[physical.spatial_rank + 1];
  for (int i = 0; i < physical.spatial_rank; ++i) s.dims[2 + i] = physical.dims[1 + i];
  return s;
}
inline TensorShape physical_of(const TensorShape& logical, Layout layout) {
  if (nchw(layout) || logical.spatial_rank < 1 || logical.spatial_rank > 3) return logical;
  TensorShape s = logical;
  for (int i = 0; i < logical.spatial_rank; ++i) s.dims[1 + i] = logical.dims[2 + i];
  s.dims[logical.spatial_rank + 1] = logical.dims[1];
  return s;
}

// A tensor shape (physical; the rules do not depend on the layout): rank 3-5; N >= 0, every other
// dim >= 1, each at most 2^31-1; its bytes must fit in size_t and its element count in int64
// (element_count() returns int64), else out of memory, unless it describes a tensor that is never
// allocated (check_memory = false).
inline Expect expect_tensor_shape(const TensorShape& s, DType dtype, bool check_memory = true) {
  if (s.spatial_rank < 1 || s.spatial_rank > 3) return Expect::Invalid();
  for (int i = 0; i < s.spatial_rank + 2; ++i) {
    if (s.dims[i] < (i == 0 ? 0 : 1) || s.dims[i] > kInt32Max) return Expect::Invalid();
  }
  i128 n = 1;
  for (int i = 0; i < s.spatial_rank + 2; ++i) n = sat_mul(n, s.dims[i]);
  if (check_memory && s.dims[0] != 0 &&
      (sat_mul(n, element_size(dtype)) > static_cast<i128>(SIZE_MAX) || n > INT64_MAX)) {
    return Expect::Fail(Status::kOutOfMemory);
  }
  return Expect::Ok();
}

// Planes whose indices are stored as int32 must be addressable by int32.
inline Expect expect_plane(const TensorShape& logical) {
  return plane_of(logical) > kInt32Max ? Expect::Invalid() : Expect::Ok();
}

// Whether a window starting at `start` with `k` taps `d` apart has a tap in [0, size).
inline bool window_has_tap(i128 start, i128 k, i128 d, i128 size) {
  const i128 first = start >= 0 ? 0 : (-start + d - 1) / d;  // first tap index at a position >= 0
  return first < k && start + first * d < size;
}

// sum_{i < n} floor((a i + b) / m) for a, b >= 0, m > 0, in O(log) steps.
inline i128 floor_sum(i128 n, i128 m, i128 a, i128 b) {
  i128 sum = 0;
  while (n > 0) {
    if (a >= m) {
      sum += n * (n - 1) / 2 * (a / m);
      a %= m;
    }
    if (b >= m) {
      sum += n * (b / m);
      b %= m;
    }
    const i128 y = a * n + b;
    if (y < m) break;
    n = y / m;
    b = y % m;
    std::swap(m, a);
  }
  return sum;
}

// Whether every one of `n` windows (window o starts at o*s - pad, taps `d` apart, `k` of them)
// has a tap in [0, size), exactly and in O(log) steps whatever the sizes:
//  - a window that starts at >= 0 holds its start, so only its start must be < size: the last one
//    has the largest start;
//  - of the windows starting in the left padding, the first in-bounds tap index j0 = ceil(-start/d)
//    is largest for o = 0, so j0 < k needs checking there only; the position of that tap is
//    (start mod d) < d, so when d > size the windows must be counted: window o is fine iff
//    ((o*s - pad) mod d) < size, and [y mod d < size] = floor(y/d) - floor((y - size)/d).
inline bool all_windows_have_taps(i128 n, i128 size, i128 k, i128 s, i128 d, i128 pad) {
  if (n < 1) return true;
  if (!window_has_tap((n - 1) * s - pad, k, d, size)) return false;
  const i128 left = std::min(n, (pad + s - 1) / s);  // windows starting below 0
  if (left == 0) return true;
  if (!window_has_tap(-pad, k, d, size)) return false;
  if (d <= size) return true;
  const i128 c = ((-pad) % d + d) % d;
  const i128 good = floor_sum(left, d, s, c) - floor_sum(left, d, s, c - size + d) + left;
  return good == left;
}

struct PoolExpect {
  Expect e;
  int64_t out[3] = {};        // pooled spatial sizes
  int64_t pad_begin[3] = {};  // resolved padding
  int64_t pad_end[3] = {};
};

inline bool in_range(int64_t v, int64_t lo) { return v >= lo && v <= kInt32Max; }

// Pooling rules: PyTorch (symmetric padding <= kernel / 2), explicit pads, ONNX/TF SAME_UPPER,
// SAME_LOWER (ceil(size / stride) outputs, the odd pad at the end / the beginning) and VALID (no
// padding); no window may consist of padding only.
inline PoolExpect expect_pool(const TensorShape& input, const PoolParams& p, DType dtype) {
  PoolExpect x;
  if (!(x.e = expect_tensor_shape(input, dtype)).ok()) return x;
  const TensorShape in = logical_of(input, p.layout);
  if (!(x.e = expect_plane(in)).ok()) return x;
  x.e = Expect::Invalid();
  if (p.spatial_rank != in.spatial_rank) return x;
  const int rank = in.spatial_rank;
  const bool explicit_pads = p.pad_mode == PadMode::kPyTorch || p.pad_mode == PadMode::kExplicit;
  const bool known_mode = explicit_pads || p.pad_mode == PadMode::kSameUpper || p.pad_mode == PadMode::kSameLower ||
                          p.pad_mode == PadMode::kValid;
  if (!known_mode) return x;
  for (int i = 0; i < rank; ++i) {
    if (!in_range(p.kernel[i], 1) || !in_range(p.stride[i], 1) || !in_range(p.dilation[i], 1)) return x;
    if (explicit_pads && (!in_range(p.pad_begin[i], 0) || !in_range(p.pad_end[i], 0))) return x;
  }
  for (int i = 0; i < rank; ++i) {
    const i128 size = in.dims[2 + i], k = p.kernel[i], s = p.stride[i], d = p.dilation[i];
    const i128 eff = d * (k - 1) + 1;
    i128 pb = 0, pe = 0, n = 0;
    if (explicit_pads || p.pad_mode == PadMode::kValid) {
      if (explicit_pads) {
        pb = p.pad_begin[i];
        pe = p.pad_end[i];
      }
      if (p.pad_mode == PadMode::kPyTorch && (pb != pe || pb > k / 2)) return x;  // symmetric, <= k/2
      n = floor_div(size + pb + pe - eff + (p.ceil_mode ? s - 1 : 0), s) + 1;
      if (p.ceil_mode && (n - 1) * s >= size + pb) --n;
    } else {
      n = (size + s - 1) / s;
      const i128 total = std::max<i128>((n - 1) * s + eff - size, 0);
      pb = p.pad_mode == PadMode::kSameUpper ? total / 2 : total - total / 2;
      pe = total - pb;
    }
    if (n < 1) return x;
    const bool fine = all_windows_have_taps(n, size, k, s, d, pb);
    if (n <= 512) {  // self-check of the closed form against window-by-window
      bool each = true;
      for (i128 o = 0; o < n; ++o) each = each && window_has_tap(o * s - pb, k, d, size);
      FUZZ_CHECK(each == fine, "oracle self-check: all_windows_have_taps is wrong (a bug in the fuzz target)");
    }
    if (!fine) return x;
    x.out[i] = static_cast<int64_t>(n);
    x.pad_begin[i] = static_cast<int64_t>(pb);
    x.pad_end[i] = static_cast<int64_t>(pe);
  }
  // The pooled shape is a tensor shape like any other (it is backward's gradOutput.shape, and its
  // element count must fit int64): with an empty batch a pooled size can exceed 2^31-1, and with
  // padding the pooled tensor can be larger than the input.
  TensorShape out = in;
  for (int i = 0; i < rank; ++i) out.dims[2 + i] = x.out[i];
  x.e = expect_tensor_shape(physical_of(out, p.layout), dtype);
  return x;
}

// The pooled shape (physical) of a successful expect_pool.
inline TensorShape pooled_shape(const TensorShape& input, const PoolParams& p, const PoolExpect& x) {
  TensorShape out = logical_of(input, p.layout);
  for (int i = 0; i < out.spatial_rank; ++i) out.dims[2 + i] = x.out[i];
  return physical_of(out, p.layout);
}

// Unpooling rules; `out` receives the unpooled shape (physical).
inline Expect expect_unpool(const TensorShape& values, const UnpoolParams& p, DType dtype, TensorShape* out) {
  Expect e = expect_tensor_shape(values, dtype);
  if (!e.ok()) return e;
  TensorShape v = logical_of(values, p.layout);
  if (!(e = expect_plane(v)).ok()) return e;  // values' planes are bounded like the input's
  if (p.spatial_rank != v.spatial_rank) return Expect::Invalid();
  const int rank = v.spatial_rank;
  for (int i = 0; i < rank; ++i) {
    if (!in_range(p.kernel[i], 1) || !in_range(p.stride[i], 1) || !in_range(p.pad_begin[i], 0) ||
        !in_range(p.pad_end[i], 0)) {
      return Expect::Invalid();
    }
  }
  for (int i = 0; i < rank; ++i) {
    const i128 def = (static_cast<i128>(v.dims[2 + i]) - 1) * p.stride[i] - p.pad_begin[i] - p.pad_end[i] + p.kernel[i];
    i128 size = def;
    if (p.has_output_size) {
      size = p.output_size[i];
      if (!(def - p.stride[i] < size && size < def + p.stride[i])) return Expect::Invalid();
    }
    if (size < 1) return Expect::Invalid();
    v.dims[2 + i] = static_cast<int64_t>(size);  // below 2^63: def < 2^62 + 2^31
  }
  *out = physical_of(v, p.layout);
  if (!(e = expect_tensor_shape(*out, dtype)).ok()) return e;
  return expect_plane(v);
}

// `a` is valid (rank 1..3); `b` may be anything.
inline bool same_dims(const TensorShape& a, const TensorShape& b) {
  if (a.spatial_rank != b.spatial_rank) return false;
  for (int i = 0; i < a.spatial_rank + 2; ++i) {
    if (a.dims[i] != b.dims[i]) return false;
  }
  return true;
}

// Index conventions (types.h): which combinations exist and whether int32 holds every index that
// an input of logical shape `in` can have.
inline bool known_index_mode(IndexMode m) {
  return m == IndexMode::kPlane || m == IndexMode::kGlobal || m == IndexMode::kTf;
}
inline Expect expect_index_spec(const IndexSpec& spec, Layout layout, const TensorShape& in) {
  if (!known_index_mode(spec.mode)) return Expect::Unknown();
  if (spec.column_major && (spec.mode != IndexMode::kGlobal || !nchw(layout))) return Expect::Invalid();
  if (spec.include_batch && spec.mode != IndexMode::kTf) return Expect::Invalid();
  const i128 plane = plane_of(in), n = in.dims[0], c = in.dims[1];
  const i128 largest = spec.mode == IndexMode::kPlane    ? plane - 1
                       : spec.mode == IndexMode::kGlobal ? sat_mul(sat_mul(n, c), plane) - 1
                                                         : sat_mul(sat_mul(spec.include_batch ? n : 1, plane), c) - 1;
  if (!spec.int64 && largest > kInt32Max) return Expect::Invalid();
  return Expect::Ok();
}

// Row-major <-> column-major spatial offsets in a plane of logical shape `s` (ONNX storage_order 1:
// the first spatial dimension varies fastest).
inline int64_t to_column_major(int64_t row, const TensorShape& s) {
  int64_t coord[3];
  for (int i = s.spatial_rank - 1; i >= 0; --i) {
    coord[i] = row % s.dims[2 + i];
    row /= s.dims[2 + i];
  }
  int64_t col = 0, scale = 1;
  for (int i = 0; i < s.spatial_rank; ++i) {
    col += coord[i] * scale;
    scale *= s.dims[2 + i];
  }
  return col;
}
inline int64_t from_column_major(int64_t col, const TensorShape& s) {
  int64_t coord[3];
  for (int i = 0; i < s.spatial_rank; ++i) {
    coord[i] = col % s.dims[2 + i];
    col /= s.dims[2 + i];
  }
  int64_t row = 0;
  for (int i = 0; i < s.spatial_rank; ++i) row = row * s.dims[2 + i] + coord[i];
  return row;
}

// The index of plane offset `s` of element (n, c) of a tensor of logical shape `in`.
inline i128 encode_index(const IndexSpec& spec, Layout layout, const TensorShape& in, int64_t s, int64_t n, int64_t c) {
  const i128 plane = plane_of(in), channels = in.dims[1];
  switch (spec.mode) {
    case IndexMode::kPlane: return s;
    case IndexMode::kGlobal:
      if (!nchw(layout)) return (n * plane + s) * channels + c;
      return (static_cast<i128>(n) * channels + c) * plane + (spec.column_major ? to_column_major(s, in) : s);
    case IndexMode::kTf: return static_cast<i128>(s) * channels + c + (spec.include_batch ? n * plane * channels : 0);
  }
  return s;
}

// The plane offset that index `v` of element (n, c) denotes, or -1 if it is not a valid index of
// that element's own plane of `target`.
inline int64_t decode_index(const IndexSpec& spec, Layout layout, const TensorShape& target, i128 v, int64_t n,
                            int64_t c) {
  const i128 plane = plane_of(target), channels = target.dims[1];
  i128 s = -1;
  switch (spec.mode) {
    case IndexMode::kPlane: s = v; break;
    case IndexMode::kGlobal:
      if (!nchw(layout)) {
        const i128 t = v - c;
        s = (t >= 0 && t % channels == 0) ? t / channels - n * plane : -1;
      } else {
        s = v - (static_cast<i128>(n) * channels + c) * plane;
      }
      break;
    case IndexMode::kTf: {
      const i128 t = v - c - (spec.include_batch ? n * plane * channels : 0);
      s = (t >= 0 && t % channels == 0) ? t / channels : -1;
      break;
    }
  }
  if (s < 0 || s >= plane) return -1;
  if (spec.mode == IndexMode::kGlobal && spec.column_major) return from_column_major(static_cast<int64_t>(s), target);
  return static_cast<int64_t>(s);
}

// Position in memory of element (n, c, plane offset o) of a tensor of logical shape `s`.
inline int64_t offset_of(Layout layout, const TensorShape& s, int64_t n, int64_t c, int64_t o) {
  const int64_t channels = s.dims[1], plane = static_cast<int64_t>(plane_of(s));
  return nchw(layout) ? (n * channels + c) * plane + o : (n * plane + o) * channels + c;
}

// Index storage of either width.
struct IndexBuffer {
  bool int64 = false;
  std::vector<int32_t> i32;
  std::vector<int64_t> i64;

  IndexBuffer(bool wide, size_t count, int64_t fill) : int64(wide) {
    if (wide) {
      i64.assign(count, fill);
    } else {
      i32.assign(count, static_cast<int32_t>(fill));
    }
  }
  size_t size() const { return int64 ? i64.size() : i32.size(); }
  void* data() { return int64 ? static_cast<void*>(i64.data()) : static_cast<void*>(i32.data()); }
  i128 get(size_t i) const { return int64 ? i64[i] : i32[i]; }
  void set(size_t i, i128 v) {
    if (int64) {
      i64[i] = static_cast<int64_t>(v);
    } else {
      i32[i] = static_cast<int32_t>(v);
    }
  }
};

// ---------------------------------------------------------------------------------------------
// Checks of a Result.

inline const char* status_name(Status s) {
  switch (s) {
    case Status::kOk: return "ok";
    case Status::kInvalidArgument: return "invalid-argument";
    case Status::kIndexOutOfRange: return "index-out-of-range";
    case Status::kOutOfMemory: return "out-of-memory";
    case Status::kUnsupported: return "unsupported";
  }
  return "unknown-status";
}

inline std::string describe(const TensorShape& s) {
  std::string out = "{spatial_rank " + std::to_string(s.spatial_rank) + ", dims";
  for (int i = 0; i < 5; ++i) out += " " + std::to_string(s.dims[i]);
  return out + "}";
}

// A failure has a known status and a message; a success has neither.
inline void check_result_form(const Result& r, const char* what) {
  FUZZ_CHECK(r.ok() == r.message.empty(), "%s: status %s with message \"%s\"", what, status_name(r.status),
             r.message.c_str());
  const int s = static_cast<int>(r.status);
  FUZZ_CHECK(s >= 0 && s <= static_cast<int>(Status::kUnsupported), "%s: status %d", what, s);
}

inline void check_expect(const Result& r, const Expect& e, const char* what) {
  check_result_form(r, what);
  if (e.kind == Expect::kOk) {
    FUZZ_CHECK(r.ok(), "%s: expected success, got %s: %s", what, status_name(r.status), r.message.c_str());
  } else if (e.kind == Expect::kFail) {
    FUZZ_CHECK(!r.ok(), "%s: expected %s, got success", what, status_name(e.status));
    FUZZ_CHECK(r.status == e.status, "%s: expected %s, got %s: %s", what, status_name(e.status),
               status_name(r.status), r.message.c_str());
  }
}

// An operator on input that its shape function rejects: the same answer, or (for a dtype code that
// is not a DType, which the operator may reject first) any failure.
inline void check_rejected_like(const Result& a, const Result& shape, DType dtype, const char* what);

inline void check_same_result(const Result& a, const Result& b, const char* what) {
  FUZZ_CHECK(a.status == b.status && a.message == b.message, "%s: %s \"%s\" vs %s \"%s\"", what,
             status_name(a.status), a.message.c_str(), status_name(b.status), b.message.c_str());
}

inline void check_rejected_like(const Result& a, const Result& shape, DType dtype, const char* what) {
  if (known_dtype(dtype)) {
    check_same_result(a, shape, what);
  } else {
    check_result_form(a, what);
    FUZZ_CHECK(!a.ok(), "%s: accepted input that the shape function rejects", what);
  }
}

// An index failure names the first bad element: "indices.data[e] = v".
inline void check_index_failure(const Result& r, size_t bad, i128 value, const char* what) {
  check_result_form(r, what);
  const std::string needle = "indices.data[" + std::to_string(bad) + "] = " + std::to_string(static_cast<int64_t>(value));
  FUZZ_CHECK(r.status == Status::kIndexOutOfRange, "%s: expected index-out-of-range for %s, got %s: %s", what,
             needle.c_str(), status_name(r.status), r.message.c_str());
  FUZZ_CHECK(r.message.find(needle.c_str()) != std::string::npos, "%s: message \"%s\" does not name %s", what,
             r.message.c_str(), needle.c_str());
}

template <typename T>
bool same_bits(T a, T b) {
  return std::memcmp(&a, &b, sizeof(T)) == 0;
}

template <typename T>
void check_same_bits(const std::vector<T>& got, const std::vector<T>& want, const char* what) {
  FUZZ_CHECK(got.size() == want.size(), "%s: size %zu vs %zu", what, got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    FUZZ_CHECK(same_bits(got[i], want[i]), "%s: element %zu is %.17g, reference %.17g", what, i,
               static_cast<double>(got[i]), static_cast<double>(want[i]));
  }
}

inline void check_same_indices(const IndexBuffer& got, const IndexBuffer& want, const char* what) {
  FUZZ_CHECK(got.size() == want.size(), "%s: size %zu vs %zu", what, got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    FUZZ_CHECK(got.get(i) == want.get(i), "%s: index %zu is %lld, reference %lld", what, i,
               static_cast<long long>(got.get(i)), static_cast<long long>(want.get(i)));
  }
}

// ---------------------------------------------------------------------------------------------
// Brute-force references (PyTorch 1.13 CPU semantics).

template <typename T>
bool is_nan(T v) {
  return v != v;  // false for integers
}

// The window of output `o` in one dimension: taps at o*s - p + j*d for j in [0, k), of which only
// those inside [0, size) count (padding is never selected).
struct Taps {
  int64_t first = 0, step = 1, count = 0;
};
inline Taps window_taps(int64_t o, int64_t size, int64_t k, int64_t s, int64_t p, int64_t d) {
  const i128 start = static_cast<i128>(o) * s - p;
  Taps t;
  t.step = d;
  i128 j = start >= 0 ? 0 : (-start + d - 1) / d;
  i128 pos = start + j * d;
  t.first = static_cast<int64_t>(std::min<i128>(pos, size));
  for (; j < k && pos < size; ++j, pos += d) ++t.count;
  return t;
}

// Work (taps visited) of reference_pool; check it before calling.
inline i128 pool_work(const TensorShape& in_logical, const PoolParams& p, const int64_t* out) {
  i128 work = sat_mul(in_logical.dims[0], in_logical.dims[1]);
  for (int i = 0; i < in_logical.spatial_rank; ++i) {
    work = sat_mul(work, out[i]);
    work = sat_mul(work, std::min<int64_t>(p.kernel[i], in_logical.dims[2 + i]));
  }
  return work;
}

// Max pooling by definition: scan d, h, w; the first in-bounds tap starts the window; then
// `(v > best) || isnan(v)` (ties keep the first maximum, the last NaN wins). Values are written in
// the layout's order, indices encoded per `spec`. Returns false if some window has no in-bounds tap
// (then the shape should have been rejected).
template <typename T>
bool reference_pool(const TensorShape& input, const PoolParams& p, const PoolExpect& x, const IndexSpec& spec,
                    const std::vector<T>& data, std::vector<T>* values, IndexBuffer* indices) {
  const TensorShape in = logical_of(input, p.layout);
  TensorShape out = in;
  for (int i = 0; i < in.spatial_rank; ++i) out.dims[2 + i] = x.out[i];
  const int r = in.spatial_rank;
  int64_t isz[3] = {1, 1, 1}, osz[3] = {1, 1, 1}, k[3] = {1, 1, 1}, s[3] = {1, 1, 1}, pd[3] = {0, 0, 0},
          dl[3] = {1, 1, 1};
  for (int i = 0; i < r; ++i) {
    const int j = 3 - r + i;
    isz[j] = in.dims[2 + i];
    osz[j] = x.out[i];
    k[j] = p.kernel[i];
    s[j] = p.stride[i];
    pd[j] = x.pad_begin[i];
    dl[j] = p.dilation[i];
  }
  const int64_t batch = in.dims[0], channels = in.dims[1];
  for (int64_t n = 0; n < batch; ++n) {
    for (int64_t c = 0; c < channels; ++c) {
      int64_t o = 0;
      for (int64_t od = 0; od < osz[0]; ++od) {
        const Taps td = window_taps(od, isz[0], k[0], s[0], pd[0], dl[0]);
        for (int64_t oh = 0; oh < osz[1]; ++oh) {
          const Taps th = window_taps(oh, isz[1], k[1], s[1], pd[1], dl[1]);
          for (int64_t ow = 0; ow < osz[2]; ++ow, ++o) {
            const Taps tw = window_taps(ow, isz[2], k[2], s[2], pd[2], dl[2]);
            if (td.count == 0 || th.count == 0 || tw.count == 0) return false;
            bool have = false;
            T best = T(0);
            int64_t best_index = -1;
            for (int64_t a = 0; a < td.count; ++a) {
              const int64_t d = td.first + a * td.step;
              for (int64_t b = 0; b < th.count; ++b) {
                const int64_t h = th.first + b * th.step;
                for (int64_t e = 0; e < tw.count; ++e) {
                  const int64_t w = tw.first + e * tw.step;
                  const int64_t i = (d * isz[1] + h) * isz[2] + w;
                  const T v = data[static_cast<size_t>(offset_of(p.layout, in, n, c, i))];
                  if (!have || v > best || is_nan(v)) {
                    best = v;
                    best_index = i;
                    have = true;
                  }
                }
              }
            }
            const size_t at = static_cast<size_t>(offset_of(p.layout, out, n, c, o));
            (*values)[at] = best;
            if (indices) indices->set(at, encode_index(spec, p.layout, in, best_index, n, c));
          }
        }
      }
    }
  }
  return true;
}

// Decodes every index (memory order) of a tensor of logical shape `source` that points into
// `target`; returns the first bad element or -1, and the plane offsets in `planes`.
inline int64_t reference_decode(const IndexSpec& spec, Layout layout, const TensorShape& source,
                                const TensorShape& target, const IndexBuffer& idx, std::vector<int64_t>* planes) {
  const int64_t batch = source.dims[0], channels = source.dims[1], plane = static_cast<int64_t>(plane_of(source));
  planes->assign(idx.size(), -1);
  // Walk elements in memory order.
  for (size_t e = 0; e < idx.size(); ++e) {
    int64_t n, c;
    if (nchw(layout)) {
      n = static_cast<int64_t>(e) / (channels * plane);
      c = static_cast<int64_t>(e) / plane % channels;
    } else {
      n = static_cast<int64_t>(e) / (channels * plane);
      c = static_cast<int64_t>(e) % channels;
    }
    const int64_t s = decode_index(spec, layout, target, idx.get(e), n, c);
    if (s < 0) return static_cast<int64_t>(e);
    (*planes)[e] = s;
  }
  (void)batch;
  return -1;
}

// Unpool: zero-fill, then write each value at its decoded plane offset; the last write in input
// order wins. Backward: zero-fill, then add each gradient in gradient order.
template <typename T>
std::vector<T> reference_scatter(bool add, Layout layout, const TensorShape& source, const TensorShape& target,
                                 const std::vector<T>& v, const std::vector<int64_t>& planes) {
  std::vector<T> y(static_cast<size_t>(count_of(target)), T(0));
  const int64_t channels = source.dims[1], plane = static_cast<int64_t>(plane_of(source));
  for (size_t e = 0; e < v.size(); ++e) {
    const int64_t n = static_cast<int64_t>(e) / (channels * plane);
    const int64_t c = nchw(layout) ? static_cast<int64_t>(e) / plane % channels : static_cast<int64_t>(e) % channels;
    T& slot = y[static_cast<size_t>(offset_of(layout, target, n, c, planes[e]))];
    if (add) {
      slot += v[e];
    } else {
      slot = v[e];
    }
  }
  return y;
}

template <typename T>
std::vector<T> read_elements(Reader& r, i128 count) {
  std::vector<T> v(static_cast<size_t>(count));
  for (auto& x : v) x = r.element<T>();
  return v;
}

// Indices of a tensor of logical shape `source` into `target` in convention `spec`: mostly valid
// (a plane offset encoded for the element's own (n, c)), sometimes off by one, another plane's,
// -1 or extreme.
inline IndexBuffer read_indices(Reader& r, const IndexSpec& spec, Layout layout, const TensorShape& source,
                                const TensorShape& target) {
  const i128 count = count_of(source);
  IndexBuffer idx(spec.int64, static_cast<size_t>(count), 0);
  const int64_t channels = source.dims[1], plane = static_cast<int64_t>(plane_of(source));
  const i128 target_plane = plane_of(target);
  for (size_t e = 0; e < idx.size(); ++e) {
    const int64_t n = static_cast<int64_t>(e) / (channels * plane);
    const int64_t c = nchw(layout) ? static_cast<int64_t>(e) / plane % channels : static_cast<int64_t>(e) % channels;
    const uint8_t b = r.byte();
    const int64_t s = static_cast<int64_t>((int64_t{b} * 256 + r.byte()) % std::max<i128>(target_plane, 1));
    i128 v = encode_index(spec, layout, target, s, n, c);
    if (b >= 0xF0) {
      switch (b & 7) {
        case 0: v = -1; break;
        case 1: v = v + 1; break;
        case 2: v = v - 1; break;
        case 3: v = spec.int64 ? INT64_MIN : INT32_MIN; break;
        case 4: v = spec.int64 ? INT64_MAX : INT32_MAX; break;
        case 5: v = encode_index(spec, layout, target, s, n + 1, c); break;
        case 6: v = encode_index(spec, layout, target, s, n, c + 1); break;
        default: v = static_cast<int64_t>(r.raw64()); break;
      }
    }
    // Stored as the index type holds it (int32 wraps, as a JS Int32Array would).
    idx.set(e, spec.int64 ? static_cast<i128>(static_cast<int64_t>(v)) : static_cast<i128>(static_cast<int32_t>(v)));
  }
  return idx;
}

}  // namespace fuzz
