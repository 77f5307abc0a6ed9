// One pooling window, PyTorch 1.13's way: shared by the scalar reference and the edges of every
// SIMD kernel, so that edges are the reference by construction.
#pragma once

#include <cassert>
#include <algorithm>
#include <limits>

#include "argpool/types.h"

namespace argpool {

template <typename T>
struct PoolTraits {
  // Start below every value; the index starts at the first in-bounds tap, so an all -inf window
  // yields -inf at that tap, as in PyTorch.
  static constexpr T lowest() {
    return std::numeric_limits<T>::has_infinity ? -std::numeric_limits<T>::infinity()
                                                : std::numeric_limits<T>::lowest();
  }
  static bool is_nan(T v) { return v != v; }  // constant false for integers
};

// First in-bounds tap of a window starting at `start` (the operator guarantees one exists).
inline int64_t first_tap(int64_t start, int64_t dilation) {
  return start >= 0 ? start : start + ((-start + dilation - 1) / dilation) * dilation;
}

// Max and flat spatial index of window (od, oh, ow) in one plane `x` whose elements are
// `element_stride` apart (1 in NCHW, C in NHWC). `(v > max) || isnan(v)`: ties keep the first
// maximum in (d, h, w) order, a NaN always wins so the last NaN's index is kept.
template <typename T>
inline void max_pool_window(const PoolGeometry& g, const T* x, int64_t od, int64_t oh, int64_t ow, T* value,
                            int32_t* index, int64_t element_stride = 1) {
  const int64_t ds = od * g.stride[0] - g.pad[0], hs = oh * g.stride[1] - g.pad[1], ws = ow * g.stride[2] - g.pad[2];
  const int64_t d_end = std::min(ds + (g.kernel[0] - 1) * g.dilation[0] + 1, g.in[0]);
  const int64_t h_end = std::min(hs + (g.kernel[1] - 1) * g.dilation[1] + 1, g.in[1]);
  const int64_t w_end = std::min(ws + (g.kernel[2] - 1) * g.dilation[2] + 1, g.in[2]);
  const int64_t d0 = first_tap(ds, g.dilation[0]), h0 = first_tap(hs, g.dilation[1]), w0 = first_tap(ws, g.dilation[2]);
  assert(d0 < d_end && h0 < h_end && w0 < w_end);
  T best = PoolTraits<T>::lowest();
  int64_t best_index = (d0 * g.in[1] + h0) * g.in[2] + w0;
  for (int64_t d = d0; d < d_end; d += g.dilation[0]) {
    for (int64_t h = h0; h < h_end; h += g.dilation[1]) {
      const int64_t row = (d * g.in[1] + h) * g.in[2];
      for (int64_t w = w0; w < w_end; w += g.dilation[2]) {
        const T v = x[(row + w) * element_stride];
        if ((v > best) || PoolTraits<T>::is_nan(v)) {
          best = v;
          best_index = row + w;
        }
      }
    }
  }
  *value = best;
  *index = static_cast<int32_t>(best_index);
}

}  // namespace argpool
