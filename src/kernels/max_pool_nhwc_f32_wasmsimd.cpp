#ifdef __wasm_simd128__
#include <wasm_simd128.h>

#include "kernels/kernels.h"
#include "kernels/max_pool_window.h"
#include "kernels/wasmsimd_argmax.h"

namespace argpool {

namespace {

// Channels are contiguous in NHWC, so one window serves 4 channels per vector (XNNPACK's argmax
// idiom); every output of a vector shares the window, hence the index candidates are splats.

// Outputs [ow_begin, ow_end) of output row (od, oh), channels from c_begin (a multiple of 4) on:
// any window, taps in scan order with the exact scalar rule, lane by lane; channels past the last
// whole vector with the scalar window itself.
template <bool kWithIndices>
void pool_outputs_exact(const PoolGeometry& g, const float* x, float* y, int32_t* yi, int64_t od, int64_t oh,
                        int64_t ow_begin, int64_t ow_end, size_t c_begin) {
  const size_t channels = g.channels, vector_channels = channels & ~size_t{3};
  const v128_t minus_inf = wasm_f32x4_splat(-__builtin_inff());
  int32_t unused_index;
  const int64_t ds = od * g.stride[0] - g.pad[0];
  const int64_t d0 = first_tap(ds, g.dilation[0]);
  const int64_t d_end = std::min(ds + (g.kernel[0] - 1) * g.dilation[0] + 1, g.in[0]);
  const int64_t hs = oh * g.stride[1] - g.pad[1];
  const int64_t h0 = first_tap(hs, g.dilation[1]);
  const int64_t h_end = std::min(hs + (g.kernel[1] - 1) * g.dilation[1] + 1, g.in[1]);
  for (int64_t ow = ow_begin; ow < ow_end; ++ow) {
    const int64_t ws = ow * g.stride[2] - g.pad[2];
    const int64_t w0 = first_tap(ws, g.dilation[2]);
    const int64_t w_end = std::min(ws + (g.kernel[2] - 1) * g.dilation[2] + 1, g.in[2]);
    const size_t o = static_cast<size_t>((od * g.out[1] + oh) * g.out[2] + ow) * channels;
    const int32_t first = static_cast<int32_t>((d0 * g.in[1] + h0) * g.in[2] + w0);
    for (size_t c = c_begin; c < vector_channels; c += 4) {
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
    for (size_t c = std::max(c_begin, vector_channels); c < channels; ++c) {
      max_pool_window(g, x + c, od, oh, ow, y + o + c, kWithIndices ? yi + o + c : &unused_index,
                      static_cast<int64_t>(channels));
    }
  }
}

// Windows of 2 along W (stride 2) and 1 or 2 along H and D (stride 1 or 2), no padding: the
// NaN-free fast path is a tree of f32x4.pmax whose comparison masks give the winner's offset
// (ties keep the earlier tap, as the scalar rule does); see max_pool_nchw_f32_k2s2_wasmsimd.cpp.
struct Partial {
  v128_t max, neg_offset;  // neg_offset: minus the winner's offset from the window's first tap
  v128_t sum;              // of the taps (see add_nan_check)
};

template <bool kWithIndices>
inline Partial pair_max(const float* p, size_t channels) {
  const v128_t left = wasm_v128_load(p), right = wasm_v128_load(p + channels);
  return {wasm_f32x4_pmax(left, right), kWithIndices ? wasm_f32x4_lt(left, right) : left, wasm_f32x4_add(left, right)};
}

template <bool kWithIndices>
inline Partial merge(Partial a, Partial b, v128_t distance) {
  Partial r{wasm_f32x4_pmax(a.max, b.max), a.neg_offset, wasm_f32x4_add(a.sum, b.sum)};
  if (kWithIndices) {
    // b's taps all come after a's: its (negated) offsets are smaller, so a min selects it.
    const v128_t b_wins = opaque_mask(wasm_f32x4_lt(a.max, b.max));
    r.neg_offset = wasm_i32x4_min(a.neg_offset, wasm_v128_and(wasm_i32x4_sub(b.neg_offset, distance), b_wins));
  }
  return r;
}

template <bool kWithIndices, bool kTwoRows, bool kTwoSlices>
void pool_nhwc_k2s2(const PoolGeometry& g, const float* input, float* values, int32_t* indices) {
  const size_t channels = g.channels, vector_channels = channels & ~size_t{3};
  const size_t in_plane = g.in_plane(), out_plane = g.out_plane();
  const int64_t kd = kTwoSlices ? 2 : 1, kh = kTwoRows ? 2 : 1;
  const size_t row_step = static_cast<size_t>(g.in[2]) * channels, slice_step = static_cast<size_t>(g.in[1]) * row_step;
  const v128_t row_distance = wasm_i32x4_splat(static_cast<int32_t>(g.in[2]));
  const v128_t slice_distance = wasm_i32x4_splat(static_cast<int32_t>(g.in[1] * g.in[2]));
  const int64_t full_end = std::min<int64_t>(g.out[2], g.in[2] / 2);  // outputs with both columns inside
  for (size_t n = 0; n < g.batch; ++n) {
    const float* x = input + n * in_plane * channels;
    float* y = values + n * out_plane * channels;
    int32_t* yi = kWithIndices ? indices + n * out_plane * channels : nullptr;
    for (int64_t od = 0; od < g.out[0]; ++od) {
      for (int64_t oh = 0; oh < g.out[1]; ++oh) {
        int64_t fast_end = 0;
        if (od * kd + kd <= g.in[0] && oh * kh + kh <= g.in[1] && vector_channels > 0) {
          fast_end = full_end;
          v128_t nan_sum = wasm_f32x4_splat(0);
          for (int64_t ow = 0; ow < fast_end; ++ow) {
            const int32_t first = static_cast<int32_t>((od * kd * g.in[1] + oh * kh) * g.in[2] + 2 * ow);
            const v128_t origin = wasm_i32x4_splat(first);
            const float* p = x + static_cast<size_t>(first) * channels;
            const size_t o = static_cast<size_t>((od * g.out[1] + oh) * g.out[2] + ow) * channels;
            for (size_t c = 0; c < vector_channels; c += 4) {
              Partial w = pair_max<kWithIndices>(p + c, channels);
              if (kTwoRows) w = merge<kWithIndices>(w, pair_max<kWithIndices>(p + c + row_step, channels), row_distance);
              if (kTwoSlices) {
                Partial s = pair_max<kWithIndices>(p + c + slice_step, channels);
                if (kTwoRows) {
                  s = merge<kWithIndices>(s, pair_max<kWithIndices>(p + c + slice_step + row_step, channels), row_distance);
                }
                w = merge<kWithIndices>(w, s, slice_distance);
              }
              nan_sum = add_nan_check(nan_sum, w.sum);
              wasm_v128_store(y + o + c, w.max);
              if (kWithIndices) wasm_v128_store(yi + o + c, wasm_i32x4_sub(origin, w.neg_offset));
            }
          }
          if (any_nan(nan_sum)) {
            pool_outputs_exact<kWithIndices>(g, x, y, yi, od, oh, 0, fast_end, 0);  // rare: the NaN rule
          } else if (vector_channels < channels) {
            pool_outputs_exact<kWithIndices>(g, x, y, yi, od, oh, 0, fast_end, vector_channels);
          }
        }
        pool_outputs_exact<kWithIndices>(g, x, y, yi, od, oh, fast_end, g.out[2], 0);
      }
    }
  }
}

// Any window, NaN-free fast path, outputs [0, out[2]) of output row (od, oh), whole vectors of
// channels: the taps in scan order through f32x4.pmax (ties keep the earlier tap). A tap is taken
// where it is strictly greater; its flat index exceeds every earlier tap's, so the index is
// max(index, tap & taken) instead of a select. Returns the sum of every tap (NaN if any was).
template <bool kWithIndices, int kVectors>
inline v128_t window_ordered(const float* x, size_t channels, size_t c, int64_t d0, int64_t d_end, int64_t h0,
                             int64_t h_end, int64_t w0, int64_t w_end, const PoolGeometry& g, float* y, int32_t* yi) {
  v128_t best[kVectors], index[kVectors], sum[kVectors];
  bool first = true;
  for (int64_t d = d0; d < d_end; d += g.dilation[0]) {
    for (int64_t h = h0; h < h_end; h += g.dilation[1]) {
      const int64_t row = (d * g.in[1] + h) * g.in[2];
      for (int64_t w = w0; w < w_end; w += g.dilation[2]) {
        const int32_t tap = static_cast<int32_t>(row + w);
        const float* p = x + static_cast<size_t>(tap) * channels + c;
        const v128_t tap_index = wasm_i32x4_splat(tap);
        for (int v = 0; v < kVectors; ++v) {
          const v128_t value = wasm_v128_load(p + 4 * v);
          if (first) {
            best[v] = sum[v] = value;
            index[v] = tap_index;
            continue;
          }
          if (kWithIndices) {
            const v128_t taken = opaque_mask(wasm_f32x4_lt(best[v], value));
            index[v] = wasm_i32x4_max(index[v], wasm_v128_and(tap_index, taken));
          }
          best[v] = wasm_f32x4_pmax(best[v], value);
          sum[v] = wasm_f32x4_add(sum[v], value);
        }
        first = false;
      }
    }
  }
  v128_t total = sum[0];
  for (int v = 0; v < kVectors; ++v) {
    wasm_v128_store(y + 4 * v, best[v]);
    if (kWithIndices) wasm_v128_store(yi + 4 * v, index[v]);
    if (v > 0) total = wasm_f32x4_add(total, sum[v]);
  }
  return total;
}

template <bool kWithIndices>
v128_t pool_row_ordered(const PoolGeometry& g, const float* x, float* y, int32_t* yi, int64_t od, int64_t oh) {
  const size_t channels = g.channels, vector_channels = channels & ~size_t{3};
  const int64_t ds = od * g.stride[0] - g.pad[0], hs = oh * g.stride[1] - g.pad[1];
  const int64_t d0 = first_tap(ds, g.dilation[0]), d_end = std::min(ds + (g.kernel[0] - 1) * g.dilation[0] + 1, g.in[0]);
  const int64_t h0 = first_tap(hs, g.dilation[1]), h_end = std::min(hs + (g.kernel[1] - 1) * g.dilation[1] + 1, g.in[1]);
  v128_t nan_sum = wasm_i32x4_splat(0);
  for (int64_t ow = 0; ow < g.out[2]; ++ow) {
    const int64_t ws = ow * g.stride[2] - g.pad[2];
    const int64_t w0 = first_tap(ws, g.dilation[2]), w_end = std::min(ws + (g.kernel[2] - 1) * g.dilation[2] + 1, g.in[2]);
    const size_t o = static_cast<size_t>((od * g.out[1] + oh) * g.out[2] + ow) * channels;
    size_t c = 0;
    // 4 vectors (16 channels) at a time: four independent chains hide the latency of each step.
    for (; c + 16 <= vector_channels; c += 16) {
      nan_sum = add_nan_check(nan_sum, window_ordered<kWithIndices, 4>(x, channels, c, d0, d_end, h0, h_end, w0, w_end, g,
                                                                       y + o + c, kWithIndices ? yi + o + c : nullptr));
    }
    for (; c < vector_channels; c += 4) {
      nan_sum = add_nan_check(nan_sum, window_ordered<kWithIndices, 1>(x, channels, c, d0, d_end, h0, h_end, w0, w_end, g,
                                                                       y + o + c, kWithIndices ? yi + o + c : nullptr));
    }
  }
  return nan_sum;
}

template <bool kWithIndices>
void pool_nhwc(const PoolGeometry& g, const float* input, float* values, int32_t* indices) {
  if (is_k2s2_window(g)) {
    const bool two_rows = g.kernel[1] == 2, two_slices = g.kernel[0] == 2;
    if (two_slices && two_rows) return pool_nhwc_k2s2<kWithIndices, true, true>(g, input, values, indices);
    if (two_slices) return pool_nhwc_k2s2<kWithIndices, false, true>(g, input, values, indices);
    if (two_rows) return pool_nhwc_k2s2<kWithIndices, true, false>(g, input, values, indices);
    return pool_nhwc_k2s2<kWithIndices, false, false>(g, input, values, indices);
  }
  const size_t in_plane = g.in_plane(), out_plane = g.out_plane(), channels = g.channels;
  for (size_t n = 0; n < g.batch; ++n) {
    const float* x = input + n * in_plane * channels;
    float* y = values + n * out_plane * channels;
    int32_t* yi = kWithIndices ? indices + n * out_plane * channels : nullptr;
    for (int64_t od = 0; od < g.out[0]; ++od) {
      for (int64_t oh = 0; oh < g.out[1]; ++oh) {
        // Vectors of channels on the fast path unless the row holds a NaN; the channels past the
        // last whole vector in scalar code.
        const bool vectors = channels >= 4;
        if (vectors && !any_nan(pool_row_ordered<kWithIndices>(g, x, y, yi, od, oh))) {
          if (channels % 4 != 0) pool_outputs_exact<kWithIndices>(g, x, y, yi, od, oh, 0, g.out[2], channels & ~size_t{3});
        } else {
          pool_outputs_exact<kWithIndices>(g, x, y, yi, od, oh, 0, g.out[2], 0);
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
