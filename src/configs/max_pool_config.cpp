#include "configs/max_pool_config.h"

#include <cstring>

#include "kernels/kernels.h"

namespace argpool {

namespace {

template <typename T, void (*kKernel)(const PoolGeometry&, const T*, T*, int32_t*)>
void erased(const PoolGeometry& g, const void* input, void* values, int32_t* indices) {
  kKernel(g, static_cast<const T*>(input), static_cast<T*>(values), indices);
}

#ifdef __wasm_simd128__
// Depth kernel 1 and a square 2D window with dilation 1.
bool is_3x3s2p1_window(const PoolGeometry& g) {
  return g.kernel[0] == 1 && g.stride[0] == 1 && g.pad[0] == 0 && g.dilation[0] == 1 && g.kernel[1] == 3 &&
         g.kernel[2] == 3 && g.stride[1] == 2 && g.stride[2] == 2 && g.pad[1] == 1 && g.pad[2] == 1 &&
         g.dilation[1] == 1 && g.dilation[2] == 1;
}
#endif

// The scalar references, named like the SIMD kernels (f32, f64, s8, u8, s16, u16, s32).
#define ARGPOOL_SCALAR_ENTRIES(e, T, tag, name)                                                          \
  {"max_pool_nchw_" #tag "_scalar", DType::e, Layout::kNCHW, nullptr, erased<T, max_pool_nchw_scalar<T>>}, \
      {"max_pool_nhwc_" #tag "_scalar", DType::e, Layout::kNHWC, nullptr, erased<T, max_pool_nhwc_scalar<T>>},

const MaxPoolKernelEntry kKernels[] = {
#ifdef __wasm_simd128__
    {"max_pool_nchw_f32_k2s2_wasmsimd", DType::kFloat32, Layout::kNCHW, is_k2s2_window,
     erased<float, max_pool_nchw_f32_k2s2_wasmsimd>},
    {"max_pool_nchw_f32_3x3s2p1_wasmsimd", DType::kFloat32, Layout::kNCHW, is_3x3s2p1_window,
     erased<float, max_pool_nchw_f32_3x3s2p1_wasmsimd>},
    {"max_pool_nchw_f32_generic_wasmsimd", DType::kFloat32, Layout::kNCHW, nullptr,
     erased<float, max_pool_nchw_f32_generic_wasmsimd>},
    {"max_pool_nhwc_f32_wasmsimd", DType::kFloat32, Layout::kNHWC, nullptr, erased<float, max_pool_nhwc_f32_wasmsimd>},
    {"max_pool_nchw_s8_wasmsimd", DType::kInt8, Layout::kNCHW, nullptr, erased<int8_t, max_pool_nchw_s8_wasmsimd>},
    {"max_pool_nhwc_s8_wasmsimd", DType::kInt8, Layout::kNHWC, nullptr, erased<int8_t, max_pool_nhwc_s8_wasmsimd>},
    {"max_pool_nchw_u8_wasmsimd", DType::kUint8, Layout::kNCHW, nullptr, erased<uint8_t, max_pool_nchw_u8_wasmsimd>},
    {"max_pool_nhwc_u8_wasmsimd", DType::kUint8, Layout::kNHWC, nullptr, erased<uint8_t, max_pool_nhwc_u8_wasmsimd>},
#endif
    ARGPOOL_FOR_EACH_DTYPE(ARGPOOL_SCALAR_ENTRIES)
};

#undef ARGPOOL_SCALAR_ENTRIES

bool matches(const MaxPoolKernelEntry& e, DType dtype, Layout layout, const PoolGeometry& g) {
  return e.dtype == dtype && e.layout == layout && (e.applies == nullptr || e.applies(g));
}

}  // namespace

const MaxPoolKernelEntry* max_pool_kernels(size_t* count) {
  *count = sizeof kKernels / sizeof kKernels[0];
  return kKernels;
}

const MaxPoolKernelEntry* choose_max_pool_kernel(DType dtype, Layout layout, const PoolGeometry& g,
                                                 const char* forced) {
  const bool auto_choice = forced == nullptr || forced[0] == '\0';
  for (const MaxPoolKernelEntry& e : kKernels) {
    if (!auto_choice && std::strcmp(e.name, forced) != 0) continue;
    if (matches(e, dtype, layout, g)) return &e;
    if (!auto_choice) return nullptr;
  }
  return nullptr;
}

}  // namespace argpool
