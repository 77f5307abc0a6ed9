#include "kernels/kernels.h"

namespace argpool {

// The gradient of max unpooling with respect to its values: each value's gradient is the output
// gradient at the cell the value was written to (a gather; PyTorch's max_unpool backward).
// `geometry.in_plane` is the values' plane, `geometry.out_plane` the output gradient's.
template <typename T, Layout kLayout>
void max_unpool_backward_scalar(const ScatterGeometry& g, const T* grad_output, const int32_t* indices,
                                T* grad_values) {
  if (kLayout == Layout::kNCHW) {
    for (size_t p = 0; p < g.batch * g.channels; ++p) {
      const T* gy = grad_output + p * g.out_plane;
      const int32_t* idx = indices + p * g.in_plane;
      T* gv = grad_values + p * g.in_plane;
      for (size_t i = 0; i < g.in_plane; ++i) gv[i] = gy[idx[i]];
    }
  } else {
    const size_t channels = g.channels;
    for (size_t n = 0; n < g.batch; ++n) {
      const T* gy = grad_output + n * g.out_plane * channels;
      const size_t base = n * g.in_plane * channels;
      for (size_t i = 0; i < g.in_plane; ++i) {
        for (size_t c = 0; c < channels; ++c) {
          const size_t e = base + i * channels + c;
          grad_values[e] = gy[static_cast<size_t>(indices[e]) * channels + c];
        }
      }
    }
  }
}

#define ARGPOOL_INSTANTIATE(e, T, tag, name)                                                                                       \
  template void max_unpool_backward_scalar<T, Layout::kNCHW>(const ScatterGeometry&, const T*, const int32_t*, T*); \
  template void max_unpool_backward_scalar<T, Layout::kNHWC>(const ScatterGeometry&, const T*, const int32_t*, T*);
ARGPOOL_FOR_EACH_DTYPE(ARGPOOL_INSTANTIATE)
#undef ARGPOOL_INSTANTIATE

}  // namespace argpool
