#include "argpool/indices.h"

#include <cstdio>
#include <cstdlib>

#include "argpool/shape.h"
#include "kernels/kernels.h"

namespace argpool {

namespace {

const char* mode_name(IndexMode mode) {
  return mode == IndexMode::kPlane ? "plane" : mode == IndexMode::kGlobal ? "global" : "tf";
}

// Row-major <-> column-major spatial offsets in a plane of logical `shape` (ONNX storage_order 1).
int64_t row_to_column(int64_t s, const TensorShape& shape) {
  int64_t coordinate[kMaxSpatialRank];
  for (int i = shape.spatial_rank - 1; i >= 0; --i) {
    coordinate[i] = s % shape.spatial(i);
    s /= shape.spatial(i);
  }
  int64_t column = 0;
  for (int i = shape.spatial_rank - 1; i >= 0; --i) column = column * shape.spatial(i) + coordinate[i];
  return column;
}

int64_t column_to_row(int64_t column, const TensorShape& shape) {
  int64_t coordinate[kMaxSpatialRank];
  for (int i = 0; i < shape.spatial_rank; ++i) {
    coordinate[i] = column % shape.spatial(i);
    column /= shape.spatial(i);
  }
  int64_t s = 0;
  for (int i = 0; i < shape.spatial_rank; ++i) s = s * shape.spatial(i) + coordinate[i];
  return s;
}

// Calls f(element, n, c) for every element of an indices tensor in memory order.
template <typename F>
void for_each_element(Layout layout, const TensorShape& shape, F f) {
  const int64_t batch = shape.batch(), channels = shape.channels(), plane = plane_size(shape);
  int64_t e = 0;
  if (layout == Layout::kNCHW) {
    for (int64_t n = 0; n < batch; ++n)
      for (int64_t c = 0; c < channels; ++c)
        for (int64_t o = 0; o < plane; ++o) f(e++, n, c);
  } else {
    for (int64_t n = 0; n < batch; ++n)
      for (int64_t o = 0; o < plane; ++o)
        for (int64_t c = 0; c < channels; ++c) f(e++, n, c);
  }
}

int64_t encode(const IndexSpec& spec, Layout layout, const TensorShape& input, int64_t plane, int64_t s, int64_t n,
               int64_t c) {
  const int64_t channels = input.channels();
  switch (spec.mode) {
    case IndexMode::kPlane: return s;
    case IndexMode::kGlobal:
      if (layout == Layout::kNHWC) return (n * plane + s) * channels + c;
      return (n * channels + c) * plane + (spec.column_major ? row_to_column(s, input) : s);
    case IndexMode::kTf: return s * channels + c + (spec.include_batch ? n * plane * channels : 0);
  }
  return s;
}

// `largest` may exceed int64 (the product of up to 5 dims below 2^31): no float-to-int cast.
Text largest_text(double largest) {
  char text[32];
  std::snprintf(text, sizeof text, largest < 9.0e18 ? "%.0f" : "%.3g", largest);
  return text;
}

}  // namespace

Result check_index_spec(const IndexSpec& spec, Layout layout, const TensorShape& input) {
  if (spec.column_major && spec.mode != IndexMode::kGlobal) {
    return Result::Error(Status::kInvalidArgument, "storageOrder 1 applies to indexMode 'global' only");
  }
  if (spec.column_major && layout != Layout::kNCHW) {
    return Result::Error(Status::kInvalidArgument, "storageOrder 1 (ONNX column-major) needs layout 'NCHW'");
  }
  if (spec.include_batch && spec.mode != IndexMode::kTf) {
    return Result::Error(Status::kInvalidArgument, "includeBatchInIndex applies to indexMode 'tf' only");
  }
  const double plane = static_cast<double>(plane_size(input));
  const double largest = spec.mode == IndexMode::kPlane    ? plane - 1
                         : spec.mode == IndexMode::kGlobal ? static_cast<double>(input.batch() * input.channels()) * plane - 1
                         : (spec.include_batch ? static_cast<double>(input.batch()) : 1.0) * plane * input.channels() - 1;
  if (!spec.int64 && largest > INT32_MAX) {
    return Result::Error(Status::kInvalidArgument,
                         Text("indexType 'int32' cannot hold indexMode '") + mode_name(spec.mode) +
                             "' indices up to " + largest_text(largest) +
                             " for this input; use indexType 'int64'");
  }
  return Result::Ok();
}

void encode_indices(const IndexSpec& spec, Layout layout, const TensorShape& input, const TensorShape& indices_shape,
                    void* data) {
  if (spec.mode == IndexMode::kPlane && !spec.int64) return;
  const int64_t plane = plane_size(input), count = element_count(indices_shape);
  // (n, c) of each element, computed front to back but applied back to front for safe widening.
  const int32_t* in = static_cast<const int32_t*>(data);
  if (spec.int64) {
    int64_t* out = static_cast<int64_t*>(data);
    // Elements of one (n, c) are not contiguous in NHWC: derive (n, c) from the element number.
    for (int64_t e = count - 1; e >= 0; --e) {
      int64_t n, c;
      if (layout == Layout::kNCHW) {
        const int64_t outer = e / plane_size(indices_shape);
        n = outer / indices_shape.channels();
        c = outer % indices_shape.channels();
      } else {
        c = e % indices_shape.channels();
        n = e / (plane_size(indices_shape) * indices_shape.channels());
      }
      out[e] = encode(spec, layout, input, plane, in[e], n, c);
    }
  } else {
    int32_t* out = static_cast<int32_t*>(data);
    for_each_element(layout, indices_shape, [&](int64_t e, int64_t n, int64_t c) {
      out[e] = static_cast<int32_t>(encode(spec, layout, input, plane, in[e], n, c));
    });
  }
}

Result decode_indices(const IndexSpec& spec, Layout layout, const TensorShape& target, const TensorShape& indices_shape,
                      const void* data, int32_t* plane_out) {
  const int64_t plane = plane_size(target), channels = target.channels();
  const int32_t* in32 = static_cast<const int32_t*>(data);
  const int64_t* in64 = static_cast<const int64_t*>(data);
  int64_t bad = -1, bad_value = 0, bad_n = 0, bad_c = 0;
  for_each_element(layout, indices_shape, [&](int64_t e, int64_t n, int64_t c) {
    if (bad >= 0) return;
    const int64_t v = spec.int64 ? in64[e] : in32[e];
    int64_t s = -1;
    switch (v < 0 ? static_cast<IndexMode>(-1) : spec.mode) {  // no valid index is negative
      case IndexMode::kPlane: s = v; break;
      case IndexMode::kGlobal:
        if (layout == Layout::kNHWC) {
          const int64_t t = v - c;
          s = (t >= 0 && t % channels == 0) ? t / channels - n * plane : -1;
        } else {
          s = v - (n * channels + c) * plane;
          if (spec.column_major && s >= 0 && s < plane) s = column_to_row(s, target);
        }
        break;
      case IndexMode::kTf: {
        const int64_t t = v - c - (spec.include_batch ? n * plane * channels : 0);
        s = (t >= 0 && t % channels == 0) ? t / channels : -1;
        break;
      }
    }
    if (s < 0 || s >= plane) {
      bad = e;
      bad_value = v;
      bad_n = n;
      bad_c = c;
      return;
    }
    plane_out[e] = static_cast<int32_t>(s);
  });
  if (bad < 0) return Result::Ok();
  Text dims;
  for (int d = 0; d < target.spatial_rank; ++d) dims += (d ? "x" : "") + num(target.spatial(d));
  return Result::Error(Status::kIndexOutOfRange,
                       "indices.data[" + num(bad) + "] = " + num(bad_value) +
                           " is not a valid '" + mode_name(spec.mode) + "' index of element (n=" +
                           num(bad_n) + ", c=" + num(bad_c) + ") into a plane of " + dims +
                           " = " + num(plane) + " elements");
}

namespace {

// Plane int32 indices checked in place (the common case needs no conversion buffer).
Result check_plane_indices(const int32_t* indices, size_t count, int64_t plane, const TensorShape& plane_shape,
                           const char* what) {
  if (indices_in_range(indices, count, static_cast<int32_t>(plane))) return Result::Ok();
  for (size_t i = 0; i < count; ++i) {  // name the first bad one
    if (indices[i] < 0 || indices[i] >= plane) {
      Text dims;
      for (int d = 0; d < plane_shape.spatial_rank; ++d) dims += (d ? "x" : "") + num(plane_shape.spatial(d));
      return Result::Error(Status::kIndexOutOfRange,
                           "indices.data[" + num(static_cast<int64_t>(i)) + "] = " + num(indices[i]) +
                               " is outside the " + what + " plane of " + dims + " = " + num(plane) +
                               " elements (valid: 0 to " + num(plane - 1) + ")");
    }
  }
  return Result::Ok();
}

}  // namespace

Result PlaneIndices::load(const IndexSpec& spec, Layout layout, const TensorShape& target_logical,
                          const TensorShape& indices_logical, const void* indices, const char* what) {
  const size_t count = static_cast<size_t>(element_count(indices_logical));
  if (spec.mode == IndexMode::kPlane && !spec.int64) {
    data_ = static_cast<const int32_t*>(indices);
    return check_plane_indices(data_, count, plane_size(target_logical), target_logical, what);
  }
  buffer_ = static_cast<int32_t*>(std::malloc(count * sizeof(int32_t) + 1));
  if (buffer_ == nullptr) return Result::Error(Status::kOutOfMemory, "no memory to convert the indices");
  data_ = buffer_;
  return decode_indices(spec, layout, target_logical, indices_logical, indices, buffer_);
}

PlaneIndices::~PlaneIndices() { std::free(buffer_); }

}  // namespace argpool
