#include "argpool/shape.h"

#include <cstdio>

#include <algorithm>
#include <utility>


namespace argpool {

namespace {

const char* const kDimNames[3][3] = {{"L", "", ""}, {"H", "W", ""}, {"D", "H", "W"}};

Text str(int64_t v) { return num(v); }

// An element count that may exceed int64 (a product of up to 5 dims below 2^31).
Text count_str(double count) {
  if (count < 9.0e18) return num(static_cast<long long>(count));
  char text[32];
  std::snprintf(text, sizeof text, "%.3g", count);
  return text;
}

// a / b rounded towards -infinity (b > 0), as PyTorch's div_rtn.
int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && (a < 0)) --q;
  return q;
}

Result invalid(const Text& message) { return Result::Error(Status::kInvalidArgument, message); }

// Messages are built only on failure: validation runs on every call and must not allocate.
Result check_param(const int64_t* values, int rank, const char* name, int64_t min_value) {
  for (int i = 0; i < rank; ++i) {
    if (values[i] < min_value) {
      return invalid(Text(name) + "[" + str(i) + "] must be " +
                     (min_value == 0 ? "non-negative" : "at least " + str(min_value)) + ", got " + str(values[i]));
    }
    if (values[i] > kMaxDim) {
      return invalid(Text(name) + "[" + str(i) + "] must be at most " + str(kMaxDim) + ", got " +
                     str(values[i]));
    }
  }
  return Result::Ok();
}

Text dim_label(int rank, int i) { return Text(" (dimension ") + kDimNames[rank - 1][i] + ")"; }

// Leftmost in-bounds tap of the window that starts at `start`, or -1 if every tap is padding.
int64_t first_valid_tap(int64_t start, int64_t size, int64_t kernel, int64_t dilation) {
  int64_t first = start;
  if (first < 0) first += ((-first + dilation - 1) / dilation) * dilation;
  const int64_t last = start + (kernel - 1) * dilation;
  return (first <= last && first < size) ? first : -1;
}

// sum_{i < n} floor((a i + b) / m) for a, b >= 0, m > 0, in O(log) steps.
__int128 floor_sum(__int128 n, __int128 m, __int128 a, __int128 b) {
  __int128 sum = 0;
  while (n > 0) {
    if (a >= m) {
      sum += n * (n - 1) / 2 * (a / m);
      a %= m;
    }
    if (b >= m) {
      sum += n * (b / m);
      b %= m;
    }
    const __int128 y = a * n + b;
    if (y < m) break;
    n = y / m;
    b = y % m;
    std::swap(m, a);
  }
  return sum;
}

// Windows o in [0, count) all start in the left padding (o * stride < pad) and window 0 has a tap
// at index ceil(pad / dilation) < kernel, so every one has a tap index that is in the kernel; that
// tap is at (o * stride - pad) mod dilation, in the input iff below `size`. With dilation > size,
// returns the first window whose tap is not, or -1: binary search on the number of good windows
// among the first m, [y mod d < size] = floor(y / d) - floor((y - size) / d).
int64_t first_window_without_tap(int64_t count, int64_t size, int64_t stride, int64_t dilation, int64_t pad) {
  const __int128 c = ((-static_cast<__int128>(pad)) % dilation + dilation) % dilation;
  auto good = [&](int64_t m) {
    return floor_sum(m, dilation, stride, c) - floor_sum(m, dilation, stride, c - size + dilation) + m;
  };
  if (good(count) == count) return -1;
  int64_t lo = 0, hi = count;  // good(lo) == lo, good(hi) < hi
  while (hi - lo > 1) {
    const int64_t mid = lo + (hi - lo) / 2;
    (good(mid) == mid ? lo : hi) = mid;
  }
  return lo;
}

}  // namespace

size_t dtype_size(DType dtype) {
  switch (dtype) {
#define ARGPOOL_DTYPE_SIZE(e, T, tag, name) \
  case DType::e: return sizeof(T);
    ARGPOOL_FOR_EACH_DTYPE(ARGPOOL_DTYPE_SIZE)
#undef ARGPOOL_DTYPE_SIZE
  }
  return 8;
}

const char* dtype_name(DType dtype) {
  switch (dtype) {
#define ARGPOOL_DTYPE_NAME(e, T, tag, name) \
  case DType::e: return #name;
    ARGPOOL_FOR_EACH_DTYPE(ARGPOOL_DTYPE_NAME)
#undef ARGPOOL_DTYPE_NAME
  }
  return "?";
}

Text format_dims(const int64_t* dims, int count) {
  Text s = "[";
  for (int i = 0; i < count; ++i) s += (i ? ", " : "") + str(dims[i]);
  return s + "]";
}

Text format_shape(const TensorShape& shape) {
  if (shape.spatial_rank < 1 || shape.spatial_rank > kMaxSpatialRank) {
    return "(a shape of " + str(int64_t{shape.spatial_rank} + 2) + " dimensions)";
  }
  return format_dims(shape.dims, shape.rank());
}

TensorShape to_logical(const TensorShape& physical, Layout layout) {
  if (layout == Layout::kNCHW) return physical;
  TensorShape s = physical;  // [N, spatial..., C] -> [N, C, spatial...]
  s.dims[1] = physical.dims[physical.rank() - 1];
  for (int i = 0; i < physical.spatial_rank; ++i) s.dims[2 + i] = physical.dims[1 + i];
  return s;
}

TensorShape to_physical(const TensorShape& logical, Layout layout) {
  if (layout == Layout::kNCHW) return logical;
  TensorShape s = logical;
  for (int i = 0; i < logical.spatial_rank; ++i) s.dims[1 + i] = logical.dims[2 + i];
  s.dims[logical.rank() - 1] = logical.dims[1];
  return s;
}

int64_t element_count(const TensorShape& shape) {
  int64_t n = 1;
  for (int i = 0; i < shape.rank(); ++i) n *= shape.dims[i];
  return n;
}

int64_t plane_size(const TensorShape& logical) {
  int64_t n = 1;
  for (int i = 0; i < logical.spatial_rank; ++i) n *= logical.spatial(i);
  return n;
}

Result validate_tensor_shape(const TensorShape& shape, const char* name, DType dtype, bool check_memory) {
  if (shape.spatial_rank < 1 || shape.spatial_rank > kMaxSpatialRank) {
    return invalid(Text(name) + " must have 3, 4 or 5 dimensions, got " + str(int64_t{shape.spatial_rank} + 2));
  }
  for (int i = 0; i < shape.rank(); ++i) {
    const int64_t d = shape.dims[i];
    const int64_t min_value = i == 0 ? 0 : 1;  // only the batch may be empty, as in PyTorch
    if (d < min_value || d > kMaxDim) {
      return invalid(Text(name) + "[" + str(i) + "] must be " + (i == 0 ? "between 0" : "between 1") +
                     " and " + str(kMaxDim) + ", got " + str(d) + " in " + format_shape(shape));
    }
  }
  // Counted in double: 5 dims below 2^31 can overflow int64, and the limit needs no exactness.
  const double max_elements = static_cast<double>(SIZE_MAX) / static_cast<double>(dtype_size(dtype));
  double count = 1;
  for (int i = 0; i < shape.rank(); ++i) count *= static_cast<double>(shape.dims[i]);
  // Exact: the bytes must fit in size_t (the double above rounds 2^62 + 1 and 2^62 alike).
  uint64_t exact = 1;
  bool overflow = false;
  for (int i = 0; i < shape.rank(); ++i) {
    overflow = overflow || __builtin_mul_overflow(exact, static_cast<uint64_t>(shape.dims[i]), &exact);
  }
  overflow = overflow && shape.dims[0] != 0;
  (void)max_elements;
  if (check_memory && (overflow || exact > SIZE_MAX / dtype_size(dtype) || exact > INT64_MAX)) {
    return Result::Error(Status::kOutOfMemory, Text(name) + " " + format_shape(shape) + " has " +
                                                   count_str(count) +
                                                   " elements, more than a 32-bit wasm memory can hold");
  }
  return Result::Ok();
}

int64_t pool_output_size(int64_t size, int64_t kernel, int64_t stride, int64_t pad_begin, int64_t pad_end,
                         int64_t dilation, bool ceil_mode) {
  int64_t out = floor_div(size + pad_begin + pad_end - dilation * (kernel - 1) - 1 + (ceil_mode ? stride - 1 : 0),
                          stride) + 1;
  // In ceil mode the last window must start inside the input or the left padding.
  if (ceil_mode && (out - 1) * stride >= size + pad_begin) --out;
  return out;
}

namespace {

// A plane must be addressable by int32 indices (the kernels' per-plane index type).
Result check_plane(const TensorShape& physical, const TensorShape& logical, const char* name) {
  int64_t plane = 1;  // stops before overflowing: every factor is at most 2^31-1
  for (int i = 0; i < logical.spatial_rank && plane <= INT32_MAX; ++i) plane *= logical.spatial(i);
  if (plane > INT32_MAX) {
    return invalid(Text(name) + " " + format_shape(physical) +
                   ": a spatial plane has more than 2^31-1 elements, which int32 indices cannot address");
  }
  return Result::Ok();
}

const char* pad_name(PadMode mode) { return mode == PadMode::kPyTorch ? "padding" : "pads"; }

Result check_layout(Layout layout) {
  if (layout == Layout::kNCHW || layout == Layout::kNHWC) return Result::Ok();
  return invalid("unknown layout " + str(static_cast<int>(layout)));
}

}  // namespace

Result pool_output_shape(const TensorShape& input, const PoolParams& p, DType dtype, TensorShape* output,
                         PoolGeometry* geometry, PoolParams* resolved) {
  Result r = check_layout(p.layout);
  if (!r.ok()) return r;
  if (!(r = validate_tensor_shape(input, "input.shape", dtype)).ok()) return r;
  const TensorShape in = to_logical(input, p.layout);
  if (!(r = check_plane(input, in, "input.shape")).ok()) return r;
  if (p.spatial_rank != in.spatial_rank) {
    return invalid("options have " + str(p.spatial_rank) + " spatial dimensions but input.shape " +
                   format_shape(input) + " has " + str(in.spatial_rank));
  }
  const int rank = p.spatial_rank;
  if (!(r = check_param(p.kernel, rank, "kernelSize", 1)).ok()) return r;
  if (!(r = check_param(p.stride, rank, "stride", 1)).ok()) return r;
  if (!(r = check_param(p.dilation, rank, "dilation", 1)).ok()) return r;
  if (static_cast<int>(p.pad_mode) < 0 || static_cast<int>(p.pad_mode) > static_cast<int>(PadMode::kValid)) {
    return invalid("unknown padding mode " + str(static_cast<int>(p.pad_mode)));
  }
  const bool explicit_pads = p.pad_mode == PadMode::kPyTorch || p.pad_mode == PadMode::kExplicit;
  if (explicit_pads) {
    if (!(r = check_param(p.pad_begin, rank, pad_name(p.pad_mode), 0)).ok()) return r;
    if (!(r = check_param(p.pad_end, rank, pad_name(p.pad_mode), 0)).ok()) return r;
  }

  PoolParams q = p;
  TensorShape out = in;
  for (int i = 0; i < rank; ++i) {
    const int64_t size = in.spatial(i);
    const int64_t effective = p.dilation[i] * (p.kernel[i] - 1) + 1;
    int64_t n = 0;
    switch (p.pad_mode) {
      case PadMode::kPyTorch:
        if (p.pad_end[i] != p.pad_begin[i]) {
          return invalid("padding[" + str(i) + "] is symmetric in PyTorch's form; got " + str(p.pad_begin[i]) +
                         " before and " + str(p.pad_end[i]) + " after (use pads for asymmetric padding)");
        }
        if (p.pad_begin[i] > p.kernel[i] / 2) {
          return invalid("padding[" + str(i) + "] = " + str(p.pad_begin[i]) + " must be at most half of kernelSize[" +
                         str(i) + "] = " + str(p.kernel[i]) + dim_label(rank, i) +
                         "; PyTorch's rule is padding <= kernelSize / 2 (use options.pads for larger padding)");
        }
        [[fallthrough]];
      case PadMode::kExplicit:
        n = pool_output_size(size, p.kernel[i], p.stride[i], p.pad_begin[i], p.pad_end[i], p.dilation[i], p.ceil_mode);
        break;
      case PadMode::kValid:
        q.pad_begin[i] = q.pad_end[i] = 0;
        n = pool_output_size(size, p.kernel[i], p.stride[i], 0, 0, p.dilation[i], p.ceil_mode);
        break;
      case PadMode::kSameUpper:
      case PadMode::kSameLower: {
        // ONNX/TF 'SAME': ceil(size / stride) outputs; the odd pad goes at the end (UPPER) or the
        // beginning (LOWER).
        n = (size + p.stride[i] - 1) / p.stride[i];
        const int64_t total = std::max<int64_t>((n - 1) * p.stride[i] + effective - size, 0);
        const int64_t small = total / 2;
        q.pad_begin[i] = p.pad_mode == PadMode::kSameUpper ? small : total - small;
        q.pad_end[i] = total - q.pad_begin[i];
        break;
      }
    }
    if (n < 1) {
      return invalid("kernelSize[" + str(i) + "] = " + str(p.kernel[i]) +
                     (p.dilation[i] > 1 ? " with dilation " + str(p.dilation[i]) + " spans " + str(effective) +
                                              " elements and"
                                        : "") +
                     " is larger than the padded input " + str(size) + " + " + str(q.pad_begin[i]) + " + " +
                     str(q.pad_end[i]) + " = " + str(size + q.pad_begin[i] + q.pad_end[i]) + dim_label(rank, i) +
                     ": the output size would be less than 1");
    }
    // A window must contain an input element. One that starts inside the input contains its
    // start, so only windows starting in the left padding or (with large end pads) past the
    // input can fail.
    auto check_window = [&](int64_t o) -> Result {
      const int64_t start = o * p.stride[i] - q.pad_begin[i];
      if (first_valid_tap(start, size, p.kernel[i], p.dilation[i]) >= 0) return Result::Ok();
      return invalid("window " + str(o) + dim_label(rank, i) + " covers only padding (kernelSize " +
                     str(p.kernel[i]) + ", stride " + str(p.stride[i]) + ", pads " + str(q.pad_begin[i]) + "/" +
                     str(q.pad_end[i]) + ", dilation " + str(p.dilation[i]) + " on size " + str(size) +
                     "): it has no input element to select; reduce the padding or the dilation");
    };
    const int64_t left = std::min(n, (q.pad_begin[i] + p.stride[i] - 1) / p.stride[i]);
    if (left > 0) {
      if (!(r = check_window(0)).ok()) return r;
      if (p.dilation[i] > size) {
        const int64_t o = first_window_without_tap(left, size, p.stride[i], p.dilation[i], q.pad_begin[i]);
        if (o >= 0 && !(r = check_window(o)).ok()) return r;
      }
    }
    // Windows starting at or past the input's end hold only padding; the first such one is
    // ceil((size + pad_begin) / stride).
    const int64_t first_past_end = (size + q.pad_begin[i] + p.stride[i] - 1) / p.stride[i];
    if (first_past_end < n && !(r = check_window(first_past_end)).ok()) return r;
    out.dims[2 + i] = n;
  }
  if (!(r = validate_tensor_shape(to_physical(out, p.layout), "output shape", dtype)).ok()) return r;
  if (output) *output = to_physical(out, p.layout);
  if (resolved) *resolved = q;
  if (geometry) {
    PoolGeometry g;
    g.batch = static_cast<size_t>(in.batch());
    g.channels = static_cast<size_t>(in.channels());
    g.planes = g.batch * g.channels;
    const int offset = kMaxSpatialRank - rank;  // lower ranks fill the trailing dims
    for (int i = 0; i < rank; ++i) {
      g.in[offset + i] = in.spatial(i);
      g.out[offset + i] = out.spatial(i);
      g.kernel[offset + i] = p.kernel[i];
      g.stride[offset + i] = p.stride[i];
      g.pad[offset + i] = q.pad_begin[i];
      g.dilation[offset + i] = p.dilation[i];
    }
    *geometry = g;
  }
  return Result::Ok();
}

Result unpool_output_shape(const TensorShape& values, const UnpoolParams& p, DType dtype, TensorShape* output) {
  Result r = check_layout(p.layout);
  if (!r.ok()) return r;
  if (!(r = validate_tensor_shape(values, "values.shape", dtype)).ok()) return r;
  const TensorShape in = to_logical(values, p.layout);
  if (!(r = check_plane(values, in, "values.shape")).ok()) return r;
  if (p.spatial_rank != in.spatial_rank) {
    return invalid("options have " + str(p.spatial_rank) + " spatial dimensions but values.shape " +
                   format_shape(values) + " has " + str(in.spatial_rank));
  }
  const int rank = p.spatial_rank;
  if (!(r = check_param(p.kernel, rank, "kernelSize", 1)).ok()) return r;
  if (!(r = check_param(p.stride, rank, "stride", 1)).ok()) return r;
  if (!(r = check_param(p.pad_begin, rank, "padding", 0)).ok()) return r;
  if (!(r = check_param(p.pad_end, rank, "padding", 0)).ok()) return r;

  TensorShape out = in;
  int64_t defaults[kMaxSpatialRank];
  for (int i = 0; i < rank; ++i) {
    defaults[i] = (in.spatial(i) - 1) * p.stride[i] - p.pad_begin[i] - p.pad_end[i] + p.kernel[i];
  }
  for (int i = 0; i < rank; ++i) {
    int64_t size = defaults[i];
    if (p.has_output_size) {
      size = p.output_size[i];
      const int64_t lo = defaults[i] - p.stride[i], hi = defaults[i] + p.stride[i];
      if (!(lo < size && size < hi)) {
        return invalid("outputSize " + format_dims(p.output_size, rank) + ": dimension " + str(i) + " must be between " +
                       str(lo) + " and " + str(hi) + " exclusive (the default size " +
                       format_dims(defaults, rank) + " +/- stride), got " + str(size));
      }
    }
    if (size < 1) {
      return invalid("kernelSize, stride and padding give an unpooled size of " + str(size) + " for dimension " +
                     str(i) + " ((" + str(in.spatial(i)) + " - 1) * " + str(p.stride[i]) + " - " + str(p.pad_begin[i]) +
                     " - " + str(p.pad_end[i]) + " + " + str(p.kernel[i]) + "); it must be at least 1");
    }
    out.dims[2 + i] = size;
  }
  const TensorShape physical = to_physical(out, p.layout);
  if (!(r = validate_tensor_shape(physical, "output shape", dtype)).ok()) return r;
  if (!(r = check_plane(physical, out, "output shape")).ok()) return r;
  if (output) *output = physical;
  return Result::Ok();
}

Result backward_input_shape(const TensorShape& grad_output, const TensorShape& input_shape, Layout layout,
                            DType dtype) {
  Result r = check_layout(layout);
  if (!r.ok()) return r;
  if (!(r = validate_tensor_shape(grad_output, "gradOutput.shape", dtype)).ok()) return r;
  if (!(r = validate_tensor_shape(input_shape, "inputShape", dtype)).ok()) return r;
  const TensorShape g = to_logical(grad_output, layout), in = to_logical(input_shape, layout);
  if (!(r = check_plane(input_shape, in, "inputShape")).ok()) return r;
  // Bounded too, so that its plane size can be multiplied out (an empty batch passes the memory check).
  if (!(r = check_plane(grad_output, g, "gradOutput.shape")).ok()) return r;
  if (in.spatial_rank != g.spatial_rank || in.batch() != g.batch() || in.channels() != g.channels()) {
    return invalid("inputShape " + format_shape(input_shape) + " must have the rank, N and C of gradOutput.shape " +
                   format_shape(grad_output));
  }
  return Result::Ok();
}

}  // namespace argpool
