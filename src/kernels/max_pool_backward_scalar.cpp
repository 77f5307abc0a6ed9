#include <cstring>

#include "kernels/kernels.h"

namespace argpool {

template <typename T>
void max_pool_backward_scalar(size_t planes, size_t grad_plane, size_t in_plane, const T* grad_output,
                              const int32_t* indices, T* grad_input) {
  std::memset(grad_input, 0, planes * in_plane * sizeof(T));
  for (size_t p = 0; p < planes; ++p) {
    T* gx = grad_input + p * in_plane;
    const T* gy = grad_output + p * grad_plane;
    const int32_t* idx = indices + p * grad_plane;
    for (size_t i = 0; i < grad_plane; ++i) gx[idx[i]] += gy[i];
  }
}

template void max_pool_backward_scalar<float>(size_t, size_t, size_t, const float*, const int32_t*, float*);
template void max_pool_backward_scalar<double>(size_t, size_t, size_t, const double*, const int32_t*, double*);

}  // namespace argpool
