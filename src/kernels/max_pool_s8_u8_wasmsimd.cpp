// int8 / uint8 max pooling, 16 lanes per vector. Instead of a 4x wider index vector, each lane
// keeps the number of its winning tap (a u8, so windows of up to 255 taps); a per-window table
// turns tap numbers back into spatial indices. Larger windows use the scalar reference.
#ifdef __wasm_simd128__
#include <wasm_simd128.h>

#include <type_traits>

#include "kernels/kernels.h"
#include "kernels/max_pool_window.h"

namespace argpool {

namespace {

constexpr int64_t kMaxTaps = 255;

template <typename T>
inline v128_t greater(v128_t a, v128_t b) {
  return std::is_signed<T>::value ? wasm_i8x16_gt(a, b) : wasm_u8x16_gt(a, b);
}

// Max of the 16 lanes at p[tap_offset[t] * element_stride] over taps t, seeded with tap 0 (the
// same result as starting from the lowest value: ties keep the earlier tap).
template <typename T>
inline v128_t max_taps(const T* p, const int32_t* tap_offset, int64_t taps, size_t element_stride,
                       int64_t lane_stride, v128_t* tap_number) {
  auto load = [&](const T* q) {
    if (lane_stride == 1) return wasm_v128_load(q);
    // Stride 2: even bytes of 32; reads q[31], which the caller's bounds allow for.
    return wasm_i8x16_shuffle(wasm_v128_load(q), wasm_v128_load(q + 16), 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20,
                              22, 24, 26, 28, 30);
  };
  v128_t best = load(p + static_cast<size_t>(tap_offset[0]) * element_stride);
  v128_t number = wasm_i8x16_splat(0);
  for (int64_t t = 1; t < taps; ++t) {
    const v128_t v = load(p + static_cast<size_t>(tap_offset[t]) * element_stride);
    const v128_t take = greater<T>(v, best);
    best = wasm_v128_bitselect(v, best, take);
    number = wasm_v128_bitselect(wasm_i8x16_splat(static_cast<int8_t>(t)), number, take);
  }
  *tap_number = number;
  return best;
}

template <typename T>
void pool_nhwc_bytes(const PoolGeometry& g, const T* input, T* values, int32_t* indices) {
  const size_t channels = g.channels, vector_channels = channels & ~size_t{15};
  const size_t in_plane = g.in_plane(), out_plane = g.out_plane();
  int32_t tap_offset[kMaxTaps];
  uint8_t numbers[16];
  int32_t unused_index;
  for (size_t n = 0; n < g.batch; ++n) {
    const T* x = input + n * in_plane * channels;
    T* y = values + n * out_plane * channels;
    int32_t* yi = indices ? indices + n * out_plane * channels : nullptr;
    for (int64_t od = 0; od < g.out[0]; ++od) {
      for (int64_t oh = 0; oh < g.out[1]; ++oh) {
        for (int64_t ow = 0; ow < g.out[2]; ++ow) {
          const size_t o = static_cast<size_t>((od * g.out[1] + oh) * g.out[2] + ow) * channels;
          // The window's in-bounds taps in scan order.
          const int64_t ds = od * g.stride[0] - g.pad[0], hs = oh * g.stride[1] - g.pad[1], ws = ow * g.stride[2] - g.pad[2];
          int64_t taps = 0;
          for (int64_t d = first_tap(ds, g.dilation[0]); d < std::min(ds + (g.kernel[0] - 1) * g.dilation[0] + 1, g.in[0]) && taps <= kMaxTaps; d += g.dilation[0])
            for (int64_t h = first_tap(hs, g.dilation[1]); h < std::min(hs + (g.kernel[1] - 1) * g.dilation[1] + 1, g.in[1]) && taps <= kMaxTaps; h += g.dilation[1])
              for (int64_t w = first_tap(ws, g.dilation[2]); w < std::min(ws + (g.kernel[2] - 1) * g.dilation[2] + 1, g.in[2]) && taps <= kMaxTaps; w += g.dilation[2]) {
                if (taps < kMaxTaps) tap_offset[taps] = static_cast<int32_t>((d * g.in[1] + h) * g.in[2] + w);
                ++taps;
              }
          size_t c = 0;
          if (taps <= kMaxTaps) {
            for (; c < vector_channels; c += 16) {
              v128_t number;
              wasm_v128_store(y + o + c, max_taps<T>(x + c, tap_offset, taps, channels, 1, &number));
              if (yi != nullptr) {
                wasm_v128_store(numbers, number);
                for (int j = 0; j < 16; ++j) yi[o + c + j] = tap_offset[numbers[j]];
              }
            }
          }
          for (; c < channels; ++c) {
            max_pool_window(g, x + c, od, oh, ow, y + o + c, yi ? yi + o + c : &unused_index,
                            static_cast<int64_t>(channels));
          }
        }
      }
    }
  }
}

template <typename T>
void pool_nchw_bytes(const PoolGeometry& g, const T* input, T* values, int32_t* indices) {
  const int64_t in_w = g.in[2], out_w = g.out[2];
  const int64_t stride = g.stride[2], pad = g.pad[2], dilation = g.dilation[2], kernel = g.kernel[2];
  if (stride > 2) {
    max_pool_nchw_scalar(g, input, values, indices);
    return;
  }
  // As in the f32 generic kernel: a group of 16 outputs needs all its taps inside the row.
  const int64_t ow_first = (pad + stride - 1) / stride;
  const int64_t reach = in_w - 1 - (stride == 2 ? 1 : 0) + pad - (kernel - 1) * dilation;
  const int64_t ow_last_full = reach >= 0 ? reach / stride : -1;
  const size_t in_plane = g.in_plane(), out_plane = g.out_plane();
  int32_t tap_offset[kMaxTaps];
  uint8_t numbers[16];
  int32_t unused_index;
  for (size_t p = 0; p < g.planes; ++p) {
    const T* x = input + p * in_plane;
    T* y = values + p * out_plane;
    int32_t* yi = indices ? indices + p * out_plane : nullptr;
    for (int64_t od = 0; od < g.out[0]; ++od) {
      const int64_t ds = od * g.stride[0] - g.pad[0];
      for (int64_t oh = 0; oh < g.out[1]; ++oh, y += out_w, yi = yi ? yi + out_w : nullptr) {
        const int64_t hs = oh * g.stride[1] - g.pad[1];
        // Taps relative to the first column of a group: valid rows x every kernel column.
        int64_t taps = 0;
        for (int64_t d = first_tap(ds, g.dilation[0]); d < std::min(ds + (g.kernel[0] - 1) * g.dilation[0] + 1, g.in[0]) && taps <= kMaxTaps; d += g.dilation[0])
          for (int64_t h = first_tap(hs, g.dilation[1]); h < std::min(hs + (g.kernel[1] - 1) * g.dilation[1] + 1, g.in[1]) && taps <= kMaxTaps; h += g.dilation[1])
            for (int64_t k = 0; k < kernel && taps <= kMaxTaps; ++k) {
              if (taps < kMaxTaps) tap_offset[taps] = static_cast<int32_t>((d * g.in[1] + h) * in_w + k * dilation);
              ++taps;
            }
        int64_t ow = 0;
        auto group = [&](int64_t first) {
          const int64_t col = first * stride - pad;
          v128_t number;
          wasm_v128_store(y + first, max_taps<T>(x + col, tap_offset, taps, 1, stride, &number));
          if (yi != nullptr) {
            wasm_v128_store(numbers, number);
            for (int j = 0; j < 16; ++j) yi[first + j] = tap_offset[numbers[j]] + static_cast<int32_t>(col + j * stride);
          }
        };
        if (taps <= kMaxTaps) {
          for (; ow < out_w && ow < ow_first; ++ow) max_pool_window(g, x, od, oh, ow, &y[ow], yi ? &yi[ow] : &unused_index);
          for (; ow + 15 < out_w && ow + 15 <= ow_last_full; ow += 16) group(ow);
          const int64_t group_last = std::min(out_w - 1, ow_last_full);
          if (ow <= group_last && group_last - 15 >= ow_first) {  // overlapping last group
            group(group_last - 15);
            ow = group_last + 1;
          }
        }
        for (; ow < out_w; ++ow) max_pool_window(g, x, od, oh, ow, &y[ow], yi ? &yi[ow] : &unused_index);
      }
    }
  }
}

}  // namespace

void max_pool_nhwc_s8_wasmsimd(const PoolGeometry& g, const int8_t* input, int8_t* values, int32_t* indices) {
  pool_nhwc_bytes(g, input, values, indices);
}
void max_pool_nhwc_u8_wasmsimd(const PoolGeometry& g, const uint8_t* input, uint8_t* values, int32_t* indices) {
  pool_nhwc_bytes(g, input, values, indices);
}
void max_pool_nchw_s8_wasmsimd(const PoolGeometry& g, const int8_t* input, int8_t* values, int32_t* indices) {
  pool_nchw_bytes(g, input, values, indices);
}
void max_pool_nchw_u8_wasmsimd(const PoolGeometry& g, const uint8_t* input, uint8_t* values, int32_t* indices) {
  pool_nchw_bytes(g, input, values, indices);
}

}  // namespace argpool
#endif  // __wasm_simd128__
