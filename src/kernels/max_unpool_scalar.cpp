#include <cstring>

#include "kernels/kernels.h"

namespace argpool {

template <typename T, Layout kLayout>
void max_unpool_scalar(const ScatterGeometry& g, const T* values, const int32_t* indices, T* output) {
  // All-zero bits are 0 for the integer types and +0 for IEEE floats.
  if (g.batch * g.channels * g.out_plane == 0) return;
  std::memset(output, 0, g.batch * g.channels * g.out_plane * sizeof(T));
  if (kLayout == Layout::kNCHW) {
    for (size_t p = 0; p < g.batch * g.channels; ++p) {
      T* y = output + p * g.out_plane;
      const T* v = values + p * g.in_plane;
      const int32_t* idx = indices + p * g.in_plane;
      for (size_t i = 0; i < g.in_plane; ++i) y[idx[i]] = v[i];
    }
  } else {
    // Per (n, c) the writes still happen in input order, so duplicates resolve as in NCHW.
    const size_t channels = g.channels;
    for (size_t n = 0; n < g.batch; ++n) {
      T* y = output + n * g.out_plane * channels;
      const size_t base = n * g.in_plane * channels;
      for (size_t i = 0; i < g.in_plane; ++i) {
        for (size_t c = 0; c < channels; ++c) {
          const size_t e = base + i * channels + c;
          y[static_cast<size_t>(indices[e]) * channels + c] = values[e];
        }
      }
    }
  }
}

#define ARGPOOL_INSTANTIATE(e, T, tag, name)                                                                              \
  template void max_unpool_scalar<T, Layout::kNCHW>(const ScatterGeometry&, const T*, const int32_t*, T*); \
  template void max_unpool_scalar<T, Layout::kNHWC>(const ScatterGeometry&, const T*, const int32_t*, T*);
ARGPOOL_FOR_EACH_DTYPE(ARGPOOL_INSTANTIATE)
#undef ARGPOOL_INSTANTIATE

}  // namespace argpool
