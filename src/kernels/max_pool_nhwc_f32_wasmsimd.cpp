#ifdef __wasm_simd128__
#include <wasm_simd128.h>

#include "kernels/kernels.h"
#include "kernels/max_pool_window.h"
#include "kernels/wasmsimd_argmax.h"

namespace argpool {

namespace {

// Channels are contiguous in NHWC, so one window serves 4 channels per vector (XNNPACK's argmax
// idiom); taps are visited in scan order with the scalar rule, lane by lane.
template <bool kWithIndices>
void pool_nhwc(const PoolGeometry& g, const float* input, float* values, int32_t* indices) {
  const size_t channels = g.channels, vector_channels = channels & ~size_t{3};
  const size_t in_plane = g.in_plane(), out_plane = g.out_plane();
  const v128_t minus_inf = wasm_f32x4_splat(-__builtin_inff());
  int32_t unused_index;
  for (size_t n = 0; n < g.batch; ++n) {
    const float* x = input + n * in_plane * channels;
    float* y = values + n * out_plane * channels;
    int32_t* yi = kWithIndices ? indices + n * out_plane * channels : nullptr;
    for (int64_t od = 0; od < g.out[0]; ++od) {
      const int64_t ds = od * g.stride[0] - g.pad[0];
      const int64_t d0 = first_tap(ds, g.dilation[0]);
      const int64_t d_end = std::min(ds + (g.kernel[0] - 1) * g.dilation[0] + 1, g.in[0]);
      for (int64_t oh = 0; oh < g.out[1]; ++oh) {
        const int64_t hs = oh * g.stride[1] - g.pad[1];
        const int64_t h0 = first_tap(hs, g.dilation[1]);
        const int64_t h_end = std::min(hs + (g.kernel[1] - 1) * g.dilation[1] + 1, g.in[1]);
        for (int64_t ow = 0; ow < g.out[2]; ++ow) {
          const int64_t ws = ow * g.stride[2] - g.pad[2];
          const int64_t w0 = first_tap(ws, g.dilation[2]);
          const int64_t w_end = std::min(ws + (g.kernel[2] - 1) * g.dilation[2] + 1, g.in[2]);
          const size_t o = static_cast<size_t>((od * g.out[1] + oh) * g.out[2] + ow) * channels;
          const int32_t first = static_cast<int32_t>((d0 * g.in[1] + h0) * g.in[2] + w0);
          for (size_t c = 0; c < vector_channels; c += 4) {
            v128_t best = minus_inf, best_index = wasm_i32x4_splat(first);
            for (int64_t d = d0; d < d_end; d += g.dilation[0]) {
              for (int64_t h = h0; h < h_end; h += g.dilation[1]) {
                const int64_t row = (d * g.in[1] + h) * g.in[2];
                for (int64_t w = w0; w < w_end; w += g.dilation[2]) {
                  const int64_t s = row + w;
                  argmax_step(wasm_v128_load(x + static_cast<size_t>(s) * channels + c),
                              wasm_i32x4_splat(static_cast<int32_t>(s)), &best, &best_index);
                }
              }
            }
            wasm_v128_store(y + o + c, best);
            if (kWithIndices) wasm_v128_store(yi + o + c, best_index);
          }
          for (size_t c = vector_channels; c < channels; ++c) {
            max_pool_window(g, x + c, od, oh, ow, y + o + c, kWithIndices ? yi + o + c : &unused_index,
                            static_cast<int64_t>(channels));
          }
        }
      }
    }
  }
}

}  // namespace

void max_pool_nhwc_f32_wasmsimd(const PoolGeometry& g, const float* input, float* values, int32_t* indices) {
  if (indices != nullptr) {
    pool_nhwc<true>(g, input, values, indices);
  } else {
    pool_nhwc<false>(g, input, values, nullptr);
  }
}

}  // namespace argpool
#endif  // __wasm_simd128__
