#include "argpool/shape.h"

#include <cstdio>

namespace argpool {

namespace {

const char* const kDimNames[3][3] = {{"L", "", ""}, {"H", "W", ""}, {"D", "H", "W"}};

std::string str(int64_t v) { return std::to_string(v); }

// a / b rounded towards -infinity (b > 0), as PyTorch's div_rtn.
int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && (a < 0)) --q;
  return q;
}

Result invalid(std::string message) { return Result::Error(Status::kInvalidArgument, std::move(message)); }

// Messages are built only on failure: validation runs on every call and must not allocate.
Result check_param(const int64_t* values, int rank, const char* name, int64_t min_value) {
  for (int i = 0; i < rank; ++i) {
    if (values[i] < min_value) {
      return invalid(std::string(name) + "[" + str(i) + "] must be " +
                     (min_value == 0 ? "non-negative" : "at least " + str(min_value)) + ", got " + str(values[i]));
    }
    if (values[i] > kMaxDim) {
      return invalid(std::string(name) + "[" + str(i) + "] must be at most " + str(kMaxDim) + ", got " +
                     str(values[i]));
    }
  }
  return Result::Ok();
}

std::string dim_label(int rank, int i) { return std::string(" (dimension ") + kDimNames[rank - 1][i] + ")"; }

// Leftmost in-bounds tap of the window that starts at `start`, or -1 if every tap is padding.
int64_t first_valid_tap(int64_t start, int64_t size, int64_t kernel, int64_t dilation) {
  int64_t first = start;
  if (first < 0) first += ((-first + dilation - 1) / dilation) * dilation;
  const int64_t last = start + (kernel - 1) * dilation;
  return (first <= last && first < size) ? first : -1;
}

}  // namespace

size_t dtype_size(DType dtype) { return dtype == DType::kFloat64 ? 8 : 4; }

std::string format_dims(const int64_t* dims, int count) {
  std::string s = "[";
  for (int i = 0; i < count; ++i) s += (i ? ", " : "") + str(dims[i]);
  return s + "]";
}

std::string format_shape(const TensorShape& shape) { return format_dims(shape.dims, shape.rank()); }

int64_t element_count(const TensorShape& shape) {
  int64_t n = 1;
  for (int i = 0; i < shape.rank(); ++i) n *= shape.dims[i];
  return n;
}

int64_t plane_size(const TensorShape& shape) {
  int64_t n = 1;
  for (int i = 0; i < shape.spatial_rank; ++i) n *= shape.spatial(i);
  return n;
}

Result validate_tensor_shape(const TensorShape& shape, const char* name, DType dtype) {
  const char* label = name;
  if (shape.spatial_rank < 1 || shape.spatial_rank > kMaxSpatialRank) {
    return invalid(std::string(label) + " must have 3, 4 or 5 dimensions [N, C, ...spatial], got " + str(shape.rank()));
  }
  for (int i = 0; i < shape.rank(); ++i) {
    const int64_t d = shape.dims[i];
    const int64_t min_value = i == 0 ? 0 : 1;  // only the batch may be empty, as in PyTorch
    if (d < min_value || d > kMaxDim) {
      return invalid(std::string(label) + "[" + str(i) + "] must be " + (i == 0 ? "between 0" : "between 1") + " and " +
                     str(kMaxDim) + ", got " + str(d) + " in " + format_shape(shape));
    }
  }
  // Counted in double: 5 dims below 2^31 can overflow int64, and the limit needs no exactness.
  const double max_elements = static_cast<double>(SIZE_MAX) / static_cast<double>(dtype_size(dtype));
  double count = 1;
  for (int i = 0; i < shape.rank(); ++i) count *= static_cast<double>(shape.dims[i]);
  if (count > max_elements) {
    return Result::Error(Status::kOutOfMemory, std::string(label) + " " + format_shape(shape) + " has " +
                                                   std::to_string(count) +
                                                   " elements, more than a 32-bit wasm memory can hold");
  }
  if (plane_size(shape) > INT32_MAX) {
    return invalid(std::string(label) + " " + format_shape(shape) + ": a spatial plane has more than 2^31-1 elements, " +
                   "which int32 indices cannot address");
  }
  return Result::Ok();
}

int64_t pool_output_size(int64_t size, int64_t kernel, int64_t stride, int64_t padding, int64_t dilation,
                         bool ceil_mode) {
  int64_t out =
      floor_div(size + 2 * padding - dilation * (kernel - 1) - 1 + (ceil_mode ? stride - 1 : 0), stride) + 1;
  // In ceil mode the last window must start inside the input or the left padding.
  if (ceil_mode && (out - 1) * stride >= size + padding) --out;
  return out;
}

Result pool_output_shape(const TensorShape& input, const PoolParams& p, DType dtype, TensorShape* output,
                         PoolGeometry* geometry) {
  Result r = validate_tensor_shape(input, "input.shape", dtype);
  if (!r.ok()) return r;
  if (p.spatial_rank != input.spatial_rank) {
    return invalid("options have " + str(p.spatial_rank) + " spatial dimensions but input.shape " +
                   format_shape(input) + " has " + str(input.spatial_rank));
  }
  const int rank = p.spatial_rank;
  if (!(r = check_param(p.kernel, rank, "kernelSize", 1)).ok()) return r;
  if (!(r = check_param(p.stride, rank, "stride", 1)).ok()) return r;
  if (!(r = check_param(p.padding, rank, "padding", 0)).ok()) return r;
  if (!(r = check_param(p.dilation, rank, "dilation", 1)).ok()) return r;

  TensorShape out = input;
  for (int i = 0; i < rank; ++i) {
    const int64_t size = input.spatial(i);
    if (p.padding[i] > p.kernel[i] / 2) {
      return invalid("padding[" + str(i) + "] = " + str(p.padding[i]) + " must be at most half of kernelSize[" +
                     str(i) + "] = " + str(p.kernel[i]) + dim_label(rank, i) + "; PyTorch's rule is padding <= kernelSize / 2");
    }
    const int64_t effective = p.dilation[i] * (p.kernel[i] - 1) + 1;
    const int64_t n = pool_output_size(size, p.kernel[i], p.stride[i], p.padding[i], p.dilation[i], p.ceil_mode);
    // Floor mode needs the window inside the padded input; ceil mode lets the last window run
    // past the end (by less than a stride), as long as at least one window remains.
    if (n < 1) {
      return invalid("kernelSize[" + str(i) + "] = " + str(p.kernel[i]) +
                     (p.dilation[i] > 1 ? " with dilation " + str(p.dilation[i]) + " spans " + str(effective) +
                                              " elements and"
                                        : "") +
                     " is larger than the padded input " + str(size) + " + 2*" + str(p.padding[i]) + " = " +
                     str(size + 2 * p.padding[i]) + dim_label(rank, i) + ": the output size would be less than 1");
    }
    // Every window starts before `size` (floor mode: start <= size + p - effective; ceil mode: the
    // rule above), so only windows that start in the left padding can miss every input element.
    for (int64_t o = 0; o < n && o * p.stride[i] < p.padding[i]; ++o) {
      const int64_t start = o * p.stride[i] - p.padding[i];
      if (first_valid_tap(start, size, p.kernel[i], p.dilation[i]) < 0) {
        return invalid("window " + str(o) + dim_label(rank, i) + " covers only padding (kernelSize " + str(p.kernel[i]) +
                       ", stride " + str(p.stride[i]) + ", padding " + str(p.padding[i]) + ", dilation " +
                       str(p.dilation[i]) + " on size " + str(size) +
                       "): it has no input element to select; reduce padding or dilation");
      }
    }
    out.dims[2 + i] = n;
  }
  if (output) *output = out;
  if (geometry) {
    PoolGeometry g;
    g.planes = static_cast<size_t>(input.batch() * input.channels());
    const int offset = kMaxSpatialRank - rank;  // lower ranks fill the trailing dims
    for (int i = 0; i < rank; ++i) {
      g.in[offset + i] = input.spatial(i);
      g.out[offset + i] = out.spatial(i);
      g.kernel[offset + i] = p.kernel[i];
      g.stride[offset + i] = p.stride[i];
      g.pad[offset + i] = p.padding[i];
      g.dilation[offset + i] = p.dilation[i];
    }
    *geometry = g;
  }
  return Result::Ok();
}

Result unpool_output_shape(const TensorShape& values, const UnpoolParams& p, DType dtype, TensorShape* output) {
  Result r = validate_tensor_shape(values, "values.shape", dtype);
  if (!r.ok()) return r;
  if (p.spatial_rank != values.spatial_rank) {
    return invalid("options have " + str(p.spatial_rank) + " spatial dimensions but values.shape " +
                   format_shape(values) + " has " + str(values.spatial_rank));
  }
  const int rank = p.spatial_rank;
  if (!(r = check_param(p.kernel, rank, "kernelSize", 1)).ok()) return r;
  if (!(r = check_param(p.stride, rank, "stride", 1)).ok()) return r;
  if (!(r = check_param(p.padding, rank, "padding", 0)).ok()) return r;

  TensorShape out = values;
  int64_t defaults[kMaxSpatialRank];
  for (int i = 0; i < rank; ++i) {
    defaults[i] = (values.spatial(i) - 1) * p.stride[i] - 2 * p.padding[i] + p.kernel[i];
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
      return invalid("the unpooled size of dimension " + str(i) + " is " + str(size) +
                     " = (" + str(values.spatial(i)) + " - 1) * " + str(p.stride[i]) + " - 2 * " + str(p.padding[i]) +
                     " + " + str(p.kernel[i]) + "; it must be at least 1");
    }
    out.dims[2 + i] = size;
  }
  r = validate_tensor_shape(out, "output shape", dtype);
  if (!r.ok()) return r;
  if (output) *output = out;
  return Result::Ok();
}

Result backward_input_shape(const TensorShape& grad_output, const TensorShape& input_shape, DType dtype) {
  Result r = validate_tensor_shape(grad_output, "gradOutput.shape", dtype);
  if (!r.ok()) return r;
  if (!(r = validate_tensor_shape(input_shape, "inputShape", dtype)).ok()) return r;
  if (input_shape.spatial_rank != grad_output.spatial_rank || input_shape.batch() != grad_output.batch() ||
      input_shape.channels() != grad_output.channels()) {
    return invalid("inputShape " + format_shape(input_shape) + " must have the rank, N and C of gradOutput.shape " +
                   format_shape(grad_output));
  }
  return Result::Ok();
}

}  // namespace argpool
