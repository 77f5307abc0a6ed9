#include <algorithm>

#include "kernels/kernels.h"
#include "kernels/zero_fill.h"

namespace argpool {

namespace {

// cell = value (unpool) or cell += value (backward), written exactly as in the scalar references:
// when both operands are NaN, which one's payload survives depends on the operand order the
// compiler picks, and the same expression gets the same order.
template <bool kAdd, typename T>
inline void put(T* cell, T value) {
  if (kAdd) {
    *cell += value;
  } else {
    *cell = value;
  }
}

// NCHW: one plane, `count` elements, in input order.
template <typename T, bool kAdd>
void scatter_plane(const T* source, const int32_t* indices, size_t count, T* target) {
  // Pointer steps with constant offsets, which V8 folds into the addressing of each access.
  const int32_t* index = indices;
  const int32_t* const end4 = indices + (count & ~size_t{3});
  const T* value = source;
  for (; index != end4; index += 4, value += 4) {
    put<kAdd>(target + index[0], value[0]);
    put<kAdd>(target + index[1], value[1]);
    put<kAdd>(target + index[2], value[2]);
    put<kAdd>(target + index[3], value[3]);
  }
  for (; index != indices + count; ++index, ++value) put<kAdd>(target + *index, *value);
}

template <typename T, Layout kLayout, bool kAdd>
void scatter(const ScatterGeometry& g, const T* source, const int32_t* indices, T* target) {
  if (kLayout == Layout::kNCHW) {
    for (size_t p = 0; p < g.batch * g.channels; ++p) {
      T* y = target + p * g.out_plane;
      zero_fill(y, g.out_plane * sizeof(T));
      scatter_plane<T, kAdd>(source + p * g.in_plane, indices + p * g.in_plane, g.in_plane, y);
    }
  } else {
    // Per image, positions in order and channels within each: the reference's order.
    const size_t channels = g.channels, image_in = g.in_plane * channels, image_out = g.out_plane * channels;
    for (size_t n = 0; n < g.batch; ++n) {
      const T* s = source + n * image_in;
      const int32_t* idx = indices + n * image_in;
      T* y = target + n * image_out;
      zero_fill(y, image_out * sizeof(T));
      for (size_t i = 0; i < g.in_plane; ++i, s += channels, idx += channels) {
        for (size_t c = 0; c < channels; ++c) put<kAdd>(y + static_cast<size_t>(idx[c]) * channels + c, s[c]);
      }
    }
  }
}

}  // namespace

template <typename T, Layout kLayout>
void max_unpool_planewise(const ScatterGeometry& g, const T* values, const int32_t* indices, T* output) {
  if (g.channels == 0) return;
  scatter<T, kLayout, false>(g, values, indices, output);
}

template <typename T, Layout kLayout>
void max_pool_backward_planewise(const ScatterGeometry& g, const T* grad_output, const int32_t* indices,
                               T* grad_input) {
  if (g.channels == 0) return;
  scatter<T, kLayout, true>(g, grad_output, indices, grad_input);
}

#define ARGPOOL_INSTANTIATE(e, T, tag, name)                                                                               \
  template void max_unpool_planewise<T, Layout::kNCHW>(const ScatterGeometry&, const T*, const int32_t*, T*); \
  template void max_unpool_planewise<T, Layout::kNHWC>(const ScatterGeometry&, const T*, const int32_t*, T*);
ARGPOOL_FOR_EACH_DTYPE(ARGPOOL_INSTANTIATE)
#undef ARGPOOL_INSTANTIATE

template void max_pool_backward_planewise<float, Layout::kNCHW>(const ScatterGeometry&, const float*, const int32_t*,
                                                              float*);
template void max_pool_backward_planewise<float, Layout::kNHWC>(const ScatterGeometry&, const float*, const int32_t*,
                                                              float*);
template void max_pool_backward_planewise<double, Layout::kNCHW>(const ScatterGeometry&, const double*, const int32_t*,
                                                               double*);
template void max_pool_backward_planewise<double, Layout::kNHWC>(const ScatterGeometry&, const double*, const int32_t*,
                                                               double*);

}  // namespace argpool
