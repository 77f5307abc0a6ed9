#include "kernels/kernels.h"
#include "kernels/max_pool_window.h"

namespace argpool {

template <typename T>
void max_pool_nchw_scalar(const PoolGeometry& g, const T* input, T* values, int32_t* indices) {
  const size_t in_plane = g.in_plane(), out_plane = g.out_plane();
  int32_t unused_index;
  for (size_t p = 0; p < g.planes; ++p) {
    const T* x = input + p * in_plane;
    size_t o = p * out_plane;
    for (int64_t od = 0; od < g.out[0]; ++od) {
      for (int64_t oh = 0; oh < g.out[1]; ++oh) {
        for (int64_t ow = 0; ow < g.out[2]; ++ow, ++o) {
          max_pool_window(g, x, od, oh, ow, &values[o], indices ? &indices[o] : &unused_index);
        }
      }
    }
  }
}

template <typename T>
void max_pool_nhwc_scalar(const PoolGeometry& g, const T* input, T* values, int32_t* indices) {
  const size_t in_plane = g.in_plane(), out_plane = g.out_plane(), channels = g.channels;
  int32_t unused_index;
  for (size_t n = 0; n < g.batch; ++n) {
    const T* x = input + n * in_plane * channels;
    size_t o = n * out_plane * channels;
    for (int64_t od = 0; od < g.out[0]; ++od) {
      for (int64_t oh = 0; oh < g.out[1]; ++oh) {
        for (int64_t ow = 0; ow < g.out[2]; ++ow) {
          for (size_t c = 0; c < channels; ++c, ++o) {
            max_pool_window(g, x + c, od, oh, ow, &values[o], indices ? &indices[o] : &unused_index,
                            static_cast<int64_t>(channels));
          }
        }
      }
    }
  }
}

#define ARGPOOL_INSTANTIATE(e, T, tag, name)                                                                  \
  template void max_pool_nchw_scalar<T>(const PoolGeometry&, const T*, T*, int32_t*);            \
  template void max_pool_nhwc_scalar<T>(const PoolGeometry&, const T*, T*, int32_t*);
ARGPOOL_FOR_EACH_DTYPE(ARGPOOL_INSTANTIATE)
#undef ARGPOOL_INSTANTIATE

}  // namespace argpool
