#include <cstring>

#include "kernels/kernels.h"

namespace argpool {

template <typename T>
void max_unpool_scalar(size_t planes, size_t in_plane, size_t out_plane, const T* values, const int32_t* indices,
                       T* output) {
  std::memset(output, 0, planes * out_plane * sizeof(T));  // all-zero bits are +0 for IEEE floats
  for (size_t p = 0; p < planes; ++p) {
    T* y = output + p * out_plane;
    const T* v = values + p * in_plane;
    const int32_t* idx = indices + p * in_plane;
    for (size_t i = 0; i < in_plane; ++i) y[idx[i]] = v[i];
  }
}

template void max_unpool_scalar<float>(size_t, size_t, size_t, const float*, const int32_t*, float*);
template void max_unpool_scalar<double>(size_t, size_t, size_t, const double*, const int32_t*, double*);

}  // namespace argpool
