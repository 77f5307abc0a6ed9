#include "configs/scatter_config.h"

#include <cstring>

namespace argpool {

namespace {

template <typename T, void (*kKernel)(const ScatterGeometry&, const T*, const int32_t*, T*)>
void erased(const ScatterGeometry& g, const void* source, const int32_t* indices, void* target) {
  kKernel(g, static_cast<const T*>(source), indices, static_cast<T*>(target));
}

#ifdef __wasm_simd128__
bool planes_2d(const ScatterGeometry& s) { return s.planes_2d(); }

// Pooled rows narrower than this go to the planewise kernel even for 2x2 stride-2 masks: the SIMD
// kernel's fixed cost per row (row setup, the overlapping last group) outweighs its gain there.
// Measured in Node 20 on the bench machine, unpool of ~800k float32 outputs: width 8: 0.22 ms vs
// 0.13 ms planewise; 16: 0.15 vs 0.13; 24: 0.127 vs 0.136; 56: 0.103 vs 0.148.
constexpr int64_t kMin2x2s2Width = 24;

// 2x2 stride-2 windows, and an output plane of the size such a pooling (floor or ceil mode: rows
// and columns 2n - 1 .. 2n + 1) pools to the values' plane, with rows wide enough to pay off.
bool suits_2x2s2(const ScatterGeometry& s) {
  return s.windows_2x2s2 && s.planes_2d() && s.in_w >= kMin2x2s2Width && s.in_h * 2 - 1 <= s.out_h &&
         s.out_h <= s.in_h * 2 + 1 && s.in_w * 2 - 1 <= s.out_w && s.out_w <= s.in_w * 2 + 1;
}
#endif

#define ARGPOOL_UNPOOL_ENTRIES(e, T, tag, name)                                                               \
  {"max_unpool_nchw_" #tag "_planewise", ScatterOp::kUnpool, DType::e, Layout::kNCHW, nullptr, nullptr,        \
   erased<T, max_unpool_planewise<T, Layout::kNCHW>>},                                                     \
      {"max_unpool_nhwc_" #tag "_planewise", ScatterOp::kUnpool, DType::e, Layout::kNHWC, nullptr, nullptr,    \
       erased<T, max_unpool_planewise<T, Layout::kNHWC>>},                                                 \
      {"max_unpool_nchw_" #tag "_scalar", ScatterOp::kUnpool, DType::e, Layout::kNCHW, nullptr, nullptr,       \
       erased<T, max_unpool_scalar<T, Layout::kNCHW>>},                                                    \
      {"max_unpool_nhwc_" #tag "_scalar", ScatterOp::kUnpool, DType::e, Layout::kNHWC, nullptr, nullptr,       \
       erased<T, max_unpool_scalar<T, Layout::kNHWC>>},

#define ARGPOOL_BACKWARD_ENTRIES(e, T, tag, name)                                                                 \
  {"max_pool_backward_nchw_" #tag "_planewise", ScatterOp::kBackward, DType::e, Layout::kNCHW, nullptr, nullptr,   \
   erased<T, max_pool_backward_planewise<T, Layout::kNCHW>>},                                                  \
      {"max_pool_backward_nhwc_" #tag "_planewise", ScatterOp::kBackward, DType::e, Layout::kNHWC, nullptr,        \
       nullptr, erased<T, max_pool_backward_planewise<T, Layout::kNHWC>>},                                     \
      {"max_pool_backward_nchw_" #tag "_scalar", ScatterOp::kBackward, DType::e, Layout::kNCHW, nullptr, nullptr,  \
       erased<T, max_pool_backward_scalar<T, Layout::kNCHW>>},                                                 \
      {"max_pool_backward_nhwc_" #tag "_scalar", ScatterOp::kBackward, DType::e, Layout::kNHWC, nullptr, nullptr,  \
       erased<T, max_pool_backward_scalar<T, Layout::kNHWC>>},

#define ARGPOOL_UNPOOL_BACKWARD_ENTRIES(e, T, tag, name)                                                           \
  {"max_unpool_backward_nchw_" #tag "_scalar", ScatterOp::kUnpoolBackward, DType::e, Layout::kNCHW, nullptr, nullptr,  \
   erased<T, max_unpool_backward_scalar<T, Layout::kNCHW>>},                                                    \
      {"max_unpool_backward_nhwc_" #tag "_scalar", ScatterOp::kUnpoolBackward, DType::e, Layout::kNHWC, nullptr,      \
       nullptr, erased<T, max_unpool_backward_scalar<T, Layout::kNHWC>>},

const ScatterKernelEntry kKernels[] = {
#ifdef __wasm_simd128__
    {"max_unpool_nchw_x32_2x2s2_wasmsimd", ScatterOp::kUnpool, DType::kFloat32, Layout::kNCHW, planes_2d,
     suits_2x2s2, erased<float, max_unpool_nchw_x32_2x2s2_wasmsimd<float>>},
    {"max_unpool_nchw_x32_2x2s2_wasmsimd", ScatterOp::kUnpool, DType::kInt32, Layout::kNCHW, planes_2d,
     suits_2x2s2, erased<int32_t, max_unpool_nchw_x32_2x2s2_wasmsimd<int32_t>>},
    {"max_pool_backward_nchw_f32_2x2s2_wasmsimd", ScatterOp::kBackward, DType::kFloat32, Layout::kNCHW, planes_2d,
     suits_2x2s2, erased<float, max_pool_backward_nchw_f32_2x2s2_wasmsimd>},
#endif
    ARGPOOL_FOR_EACH_DTYPE(ARGPOOL_UNPOOL_ENTRIES)
    // The backward pass takes float gradients only.
    ARGPOOL_BACKWARD_ENTRIES(kFloat32, float, f32, float32)   //
    ARGPOOL_BACKWARD_ENTRIES(kFloat64, double, f64, float64)  //
    ARGPOOL_FOR_EACH_DTYPE(ARGPOOL_UNPOOL_BACKWARD_ENTRIES)
};

#undef ARGPOOL_UNPOOL_ENTRIES
#undef ARGPOOL_BACKWARD_ENTRIES
#undef ARGPOOL_UNPOOL_BACKWARD_ENTRIES

}  // namespace

const ScatterKernelEntry* scatter_kernels(size_t* count) {
  *count = sizeof kKernels / sizeof kKernels[0];
  return kKernels;
}

const ScatterKernelEntry* choose_scatter_kernel(ScatterOp op, DType dtype, Layout layout, const ScatterGeometry& g,
                                                const char* forced) {
  const bool auto_choice = forced == nullptr || forced[0] == '\0';
  for (const ScatterKernelEntry& e : kKernels) {
    if (e.op != op || e.dtype != dtype || e.layout != layout) continue;
    if (!auto_choice && std::strcmp(e.name, forced) != 0) continue;
    const bool runs = e.applies == nullptr || e.applies(g);
    if (!auto_choice) return runs ? &e : nullptr;
    if (runs && (e.pays_off == nullptr || e.pays_off(g))) return &e;
  }
  return nullptr;
}

}  // namespace argpool
