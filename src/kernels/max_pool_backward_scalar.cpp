#include <cstring>

#include "kernels/kernels.h"

namespace argpool {

template <typename T, Layout kLayout>
void max_pool_backward_scalar(const ScatterGeometry& g, const T* grad_output, const int32_t* indices,
                              T* grad_input) {
  if (g.batch * g.channels * g.out_plane == 0) return;
  std::memset(grad_input, 0, g.batch * g.channels * g.out_plane * sizeof(T));
  if (kLayout == Layout::kNCHW) {
    for (size_t p = 0; p < g.batch * g.channels; ++p) {
      T* gx = grad_input + p * g.out_plane;
      const T* gy = grad_output + p * g.in_plane;
      const int32_t* idx = indices + p * g.in_plane;
      for (size_t i = 0; i < g.in_plane; ++i) gx[idx[i]] += gy[i];
    }
  } else {
    // Per (n, c) the additions happen in gradient order: the same sums, bit for bit, as NCHW.
    const size_t channels = g.channels;
    for (size_t n = 0; n < g.batch; ++n) {
      T* gx = grad_input + n * g.out_plane * channels;
      const size_t base = n * g.in_plane * channels;
      for (size_t i = 0; i < g.in_plane; ++i) {
        for (size_t c = 0; c < channels; ++c) {
          const size_t e = base + i * channels + c;
          gx[static_cast<size_t>(indices[e]) * channels + c] += grad_output[e];
        }
      }
    }
  }
}

template void max_pool_backward_scalar<float, Layout::kNCHW>(const ScatterGeometry&, const float*, const int32_t*, float*);
template void max_pool_backward_scalar<float, Layout::kNHWC>(const ScatterGeometry&, const float*, const int32_t*, float*);
template void max_pool_backward_scalar<double, Layout::kNCHW>(const ScatterGeometry&, const double*, const int32_t*, double*);
template void max_pool_backward_scalar<double, Layout::kNHWC>(const ScatterGeometry&, const double*, const int32_t*, double*);

}  // namespace argpool
