// Embind glue: unpacks the argument block, calls the C++ operators, returns a status code.
// No logic and no exceptions here: errors travel as (status, last_error()) and the JS wrapper
// turns them into Error objects, because Embind 3.1.6 leaks wasm stack on exceptions.
#include <emscripten/bind.h>

#include <malloc.h>

#include <cmath>
#include <cstdint>
#include <string>

#include "abi.h"
#include "argpool/operators.h"
#include "argpool/shape.h"
#include "kernels/kernels.h"

using namespace argpool;
using namespace argpool_abi;

namespace {

double g_args[kSlotCount];
std::string g_last_error;

int64_t to_int(double v) {
  // The JS wrapper only sends safe integers; anything else becomes a value every check rejects.
  return (std::isfinite(v) && std::fabs(v) <= 9007199254740992.0) ? static_cast<int64_t>(v) : INT64_MIN;
}

TensorShape read_shape(int slot) {
  TensorShape s;
  const int rank = static_cast<int>(to_int(g_args[slot]));
  s.spatial_rank = (rank >= 3 && rank <= 5) ? rank - 2 : 0;
  for (int i = 0; i < s.rank(); ++i) s.dims[i] = to_int(g_args[slot + 1 + i]);
  return s;
}

void write_shape(int slot, const TensorShape& s) {
  g_args[slot] = s.rank();
  for (int i = 0; i < s.rank(); ++i) g_args[slot + 1 + i] = static_cast<double>(s.dims[i]);
}

// Enum slots: the JS wrapper only sends known values; anything else becomes the default.
Layout read_layout() { return g_args[kLayout] == 1 ? Layout::kNHWC : Layout::kNCHW; }

PadMode read_pad_mode() {
  const int64_t v = to_int(g_args[kPadMode]);
  return (v >= 0 && v <= static_cast<int64_t>(PadMode::kValid)) ? static_cast<PadMode>(v) : PadMode::kPyTorch;
}

IndexSpec read_index_spec(int mode_slot, int int64_slot, int column_slot, int batch_slot) {
  IndexSpec spec;
  const int64_t mode = to_int(g_args[mode_slot]);
  spec.mode = (mode >= 0 && mode <= static_cast<int64_t>(IndexMode::kTf)) ? static_cast<IndexMode>(mode)
                                                                          : IndexMode::kPlane;
  spec.int64 = g_args[int64_slot] != 0;
  spec.column_major = g_args[column_slot] != 0;
  spec.include_batch = g_args[batch_slot] != 0;
  return spec;
}

IndexSpec read_index_spec() { return read_index_spec(kIndexMode, kIndexInt64, kColumnMajor, kIncludeBatch); }

PoolParams read_pool_params() {
  PoolParams p;
  p.spatial_rank = read_shape(kShapeA).spatial_rank;
  for (int i = 0; i < p.spatial_rank; ++i) {
    p.kernel[i] = to_int(g_args[kKernel + i]);
    p.stride[i] = to_int(g_args[kStride + i]);
    p.pad_begin[i] = to_int(g_args[kPadBegin + i]);
    p.pad_end[i] = to_int(g_args[kPadEnd + i]);
    p.dilation[i] = to_int(g_args[kDilation + i]);
  }
  p.ceil_mode = g_args[kCeilMode] != 0;
  p.pad_mode = read_pad_mode();
  p.layout = read_layout();
  return p;
}

UnpoolParams read_unpool_params() {
  UnpoolParams p;
  p.spatial_rank = read_shape(kShapeA).spatial_rank;
  p.has_output_size = g_args[kHasOutputSize] != 0;
  for (int i = 0; i < p.spatial_rank; ++i) {
    p.kernel[i] = to_int(g_args[kKernel + i]);
    p.stride[i] = to_int(g_args[kStride + i]);
    p.pad_begin[i] = to_int(g_args[kPadBegin + i]);
    p.pad_end[i] = to_int(g_args[kPadEnd + i]);
    p.output_size[i] = to_int(g_args[kOutputSize + i]);
  }
  p.layout = read_layout();
  return p;
}

int finish(const Result& r) {
  g_last_error = r.message;
  return static_cast<int>(r.status);
}

bool read_dtype(int code, DType* dtype) {
  if (code < 0 || code >= kDTypeCount) {
    g_last_error = "unknown dtype code " + std::to_string(code);
    return false;
  }
  *dtype = static_cast<DType>(code);
  return true;
}

uintptr_t args_address() { return reinterpret_cast<uintptr_t>(g_args); }

int pool_output_shape_abi(int dtype_code) {
  DType dtype;
  if (!read_dtype(dtype_code, &dtype)) return static_cast<int>(Status::kInvalidArgument);
  TensorShape out;
  const Result r = pool_output_shape(read_shape(kShapeA), read_pool_params(), dtype, &out, nullptr);
  if (r.ok()) write_shape(kShapeOut, out);
  return finish(r);
}

int max_pool_abi(int dtype_code, int kernel, uintptr_t input, uintptr_t values, uintptr_t indices) {
  DType dtype;
  if (!read_dtype(dtype_code, &dtype)) return static_cast<int>(Status::kInvalidArgument);
  if (kernel < 0 || kernel >= kMaxPoolKernelCount) {
    return finish(Result::Error(Status::kUnsupported, "unknown kernel " + std::to_string(kernel)));
  }
  return finish(max_pool(dtype, read_shape(kShapeA), read_pool_params(), read_index_spec(),
                         reinterpret_cast<const void*>(input), reinterpret_cast<void*>(values),
                         reinterpret_cast<void*>(indices), static_cast<MaxPoolKernelId>(kernel)));
}

int unpool_output_shape_abi(int dtype_code) {
  DType dtype;
  if (!read_dtype(dtype_code, &dtype)) return static_cast<int>(Status::kInvalidArgument);
  TensorShape out;
  const Result r = unpool_output_shape(read_shape(kShapeA), read_unpool_params(), dtype, &out);
  if (r.ok()) write_shape(kShapeOut, out);
  return finish(r);
}

bool read_scatter_kernel(int kernel, ScatterKernelId* id) {
  if (kernel < 0 || kernel >= kScatterKernelCount) {
    g_last_error = "unknown kernel " + std::to_string(kernel);
    return false;
  }
  *id = static_cast<ScatterKernelId>(kernel);
  return true;
}

int max_unpool_abi(int dtype_code, int kernel, uintptr_t values, uintptr_t indices, uintptr_t output) {
  DType dtype;
  if (!read_dtype(dtype_code, &dtype)) return static_cast<int>(Status::kInvalidArgument);
  ScatterKernelId id;
  if (!read_scatter_kernel(kernel, &id)) return static_cast<int>(Status::kUnsupported);
  return finish(max_unpool(dtype, read_shape(kShapeA), read_shape(kShapeB), read_unpool_params(), read_index_spec(),
                           reinterpret_cast<const void*>(values), reinterpret_cast<const void*>(indices),
                           reinterpret_cast<void*>(output), id));
}

int max_pool_backward_abi(int dtype_code, int kernel, uintptr_t grad, uintptr_t indices, uintptr_t grad_input) {
  DType dtype;
  if (!read_dtype(dtype_code, &dtype)) return static_cast<int>(Status::kInvalidArgument);
  ScatterKernelId id;
  if (!read_scatter_kernel(kernel, &id)) return static_cast<int>(Status::kUnsupported);
  const PoolParams params = read_pool_params();
  return finish(max_pool_backward(dtype, read_shape(kShapeA), read_shape(kShapeB), read_shape(kShapeC),
                                  params.layout, g_args[kHasPoolParams] != 0 ? &params : nullptr,
                                  read_index_spec(), reinterpret_cast<const void*>(grad),
                                  reinterpret_cast<const void*>(indices), reinterpret_cast<void*>(grad_input), id));
}

int check_backward_abi(int dtype_code) {
  DType dtype;
  if (!read_dtype(dtype_code, &dtype)) return static_cast<int>(Status::kInvalidArgument);
  const PoolParams params = read_pool_params();
  return finish(check_backward_shapes(dtype, read_shape(kShapeA), read_shape(kShapeB), read_shape(kShapeC), params.layout,
                                      g_args[kHasPoolParams] != 0 ? &params : nullptr));
}

int convert_indices_abi(uintptr_t input, uintptr_t output) {
  return finish(convert_indices(read_shape(kShapeA), read_shape(kShapeB), read_layout(), read_index_spec(),
                                read_index_spec(kToIndexMode, kToIndexInt64, kToColumnMajor, kToIncludeBatch),
                                reinterpret_cast<const void*>(input), reinterpret_cast<void*>(output)));
}

// Hands the message over and releases its memory, so that an error leaves no allocation behind.
std::string last_error() {
  std::string message;
  message.swap(g_last_error);
  return message;
}

// Bytes currently handed out by malloc (for ap.stats()).
double heap_in_use() { return static_cast<double>(mallinfo().uordblks); }

// Benchmark reference: the memory traffic of pooling without its logic (see kernels.h).
void memory_bound_abi(uintptr_t input, double input_count, uintptr_t values, uintptr_t indices, double output_count,
                      int two_passes) {
  memory_bound_f32_wasmsimd(reinterpret_cast<const float*>(input), static_cast<size_t>(input_count),
                            reinterpret_cast<float*>(values), reinterpret_cast<int32_t*>(indices),
                            static_cast<size_t>(output_count),
                            two_passes ? MemoryBoundPattern::kTwoPasses : MemoryBoundPattern::kInterleaved);
}

// max_unpool_backward: shape A = valuesShape (its rank sizes the unpooling options), B = indices,
// C = gradOutput; the unpooling options are checked only when kHasPoolParams is set.
int max_unpool_backward_abi(int dtype_code, uintptr_t grad, uintptr_t indices, uintptr_t grad_values) {
  DType dtype;
  if (!read_dtype(dtype_code, &dtype)) return static_cast<int>(Status::kInvalidArgument);
  const UnpoolParams params = read_unpool_params();
  return finish(max_unpool_backward(dtype, read_shape(kShapeC), read_shape(kShapeB), read_shape(kShapeA), params.layout,
                                    g_args[kHasPoolParams] != 0 ? &params : nullptr, read_index_spec(),
                                    reinterpret_cast<const void*>(grad), reinterpret_cast<const void*>(indices),
                                    reinterpret_cast<void*>(grad_values)));
}

int check_unpool_backward_abi(int dtype_code) {
  DType dtype;
  if (!read_dtype(dtype_code, &dtype)) return static_cast<int>(Status::kInvalidArgument);
  const UnpoolParams params = read_unpool_params();
  return finish(check_unpool_backward_shapes(dtype, read_shape(kShapeC), read_shape(kShapeB), read_shape(kShapeA),
                                             params.layout, g_args[kHasPoolParams] != 0 ? &params : nullptr));
}

}  // namespace

EMSCRIPTEN_BINDINGS(argpool) {
  emscripten::function("args_address", &args_address);
  emscripten::function("pool_output_shape", &pool_output_shape_abi);
  emscripten::function("max_pool", &max_pool_abi);
  emscripten::function("unpool_output_shape", &unpool_output_shape_abi);
  emscripten::function("max_unpool", &max_unpool_abi);
  emscripten::function("max_pool_backward", &max_pool_backward_abi);
  emscripten::function("convert_indices", &convert_indices_abi);
  emscripten::function("check_backward", &check_backward_abi);
  emscripten::function("last_error", &last_error);
  emscripten::function("heap_in_use", &heap_in_use);
  emscripten::function("memory_bound", &memory_bound_abi);
  emscripten::function("max_unpool_backward", &max_unpool_backward_abi);
  emscripten::function("check_unpool_backward", &check_unpool_backward_abi);
}
