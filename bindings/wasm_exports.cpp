// The C ABI that the JS face (bindings/js/) calls: it unpacks the argument block (abi.h) into C++
// values, makes and runs plans (src/argpool/plan.h) and reports (status, message). No logic of its
// own and nothing that allocates on a status or message path: a failure leaves its message in a
// fixed buffer, so that a full heap still gets correct errors (README "Guarantees").
#include <emscripten/emscripten.h>

#include <malloc.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>

#include "abi.h"
#include "argpool/operators.h"
#include "argpool/plan.h"
#include "argpool/shape.h"

using namespace argpool;
using namespace argpool_abi;

namespace {

double g_args[kSlotCount];
char g_error[Text::kCapacity + 1];

int fail(Status status, const Text& message) {
  std::memcpy(g_error, message.c_str(), message.size() + 1);
  return static_cast<int>(status);
}

int finish(const Result& r) { return r.ok() ? 0 : fail(r.status, r.message); }

// The JS face sends safe integers only; anything else becomes a value every check rejects.
int64_t to_int(double v) {
  return (std::isfinite(v) && std::fabs(v) <= 9007199254740992.0 && v == std::trunc(v)) ? static_cast<int64_t>(v)
                                                                                         : INT64_MIN;
}

TensorShape read_shape(int slot) {
  TensorShape s;
  const int64_t rank = to_int(g_args[slot]);
  s.spatial_rank = (rank >= 3 && rank <= 5) ? static_cast<int>(rank) - 2 : 0;
  for (int i = 0; i < s.rank(); ++i) s.dims[i] = to_int(g_args[slot + 1 + i]);
  return s;
}

void write_shape(int slot, const TensorShape& s) {
  g_args[slot] = s.rank();
  for (int i = 0; i < s.rank(); ++i) g_args[slot + 1 + i] = static_cast<double>(s.dims[i]);
}

// Enums and flags: an unknown value is an error, never a default.
bool read_enum(int slot, int64_t count, const char* what, int* value, Result* error) {
  const int64_t v = to_int(g_args[slot]);
  if (v >= 0 && v < count) {
    *value = static_cast<int>(v);
    return true;
  }
  *error = Result::Error(Status::kInvalidArgument, Text("unknown ") + what + " code " + num(v));
  return false;
}

bool read_flag(int slot, const char* what, bool* value, Result* error) {
  int v = 0;
  if (!read_enum(slot, 2, what, &v, error)) return false;
  *value = v != 0;
  return true;
}

bool read_layout(Layout* layout, Result* error) {
  int v = 0;
  if (!read_enum(kLayout, 2, "layout", &v, error)) return false;
  *layout = static_cast<Layout>(v);
  return true;
}

bool read_index_spec(int first_slot, IndexSpec* spec, Result* error) {
  int mode = 0;
  if (!read_enum(first_slot, static_cast<int>(IndexMode::kTf) + 1, "index mode", &mode, error)) return false;
  spec->mode = static_cast<IndexMode>(mode);
  return read_flag(first_slot + 1, "index type", &spec->int64, error) &&
         read_flag(first_slot + 2, "storage order", &spec->column_major, error) &&
         read_flag(first_slot + 3, "include-batch flag", &spec->include_batch, error);
}

bool read_pool_params(PoolParams* p, Result* error) {
  p->spatial_rank = read_shape(kShapeA).spatial_rank;
  for (int i = 0; i < p->spatial_rank; ++i) {
    p->kernel[i] = to_int(g_args[kKernel + i]);
    p->stride[i] = to_int(g_args[kStride + i]);
    p->pad_begin[i] = to_int(g_args[kPadBegin + i]);
    p->pad_end[i] = to_int(g_args[kPadEnd + i]);
    p->dilation[i] = to_int(g_args[kDilation + i]);
  }
  int pad_mode = 0;
  if (!read_flag(kCeilMode, "ceil mode", &p->ceil_mode, error) ||
      !read_enum(kPadMode, static_cast<int>(PadMode::kValid) + 1, "padding mode", &pad_mode, error)) {
    return false;
  }
  p->pad_mode = static_cast<PadMode>(pad_mode);
  return read_layout(&p->layout, error);
}

bool read_unpool_params(UnpoolParams* p, Result* error) {
  p->spatial_rank = read_shape(kShapeA).spatial_rank;
  for (int i = 0; i < p->spatial_rank; ++i) {
    p->kernel[i] = to_int(g_args[kKernel + i]);
    p->stride[i] = to_int(g_args[kStride + i]);
    p->pad_begin[i] = to_int(g_args[kPadBegin + i]);
    p->pad_end[i] = to_int(g_args[kPadEnd + i]);
    p->output_size[i] = to_int(g_args[kOutputSize + i]);
  }
  return read_flag(kHasOutputSize, "output-size flag", &p->has_output_size, error) && read_layout(&p->layout, error);
}

bool read_dtype(int code, DType* dtype, Result* error) {
  if (code < 0 || code >= kDTypeCount) {
    *error = Result::Error(Status::kInvalidArgument, "unknown dtype code " + num(code));
    return false;
  }
  *dtype = static_cast<DType>(code);
  return true;
}

// The name of entry `index` of a kernel table, or null (-1: the preferred kernel). An index past the
// table names no kernel: the plan is refused.
template <typename Entry>
const char* kernel_name(const Entry* table, size_t count, int index) {
  if (index < 0) return nullptr;
  return static_cast<size_t>(index) < count ? table[index].name : "(no such kernel)";
}

const char* max_pool_kernel_name(int index) {
  size_t count = 0;
  const MaxPoolKernelEntry* table = max_pool_kernels(&count);
  return kernel_name(table, count, index);
}

const char* scatter_kernel_name(int index) {
  size_t count = 0;
  const ScatterKernelEntry* table = scatter_kernels(&count);
  return kernel_name(table, count, index);
}

// Plans of the one-shot calls (ap.maxPool, …) live in fixed slots, outside the heap: the JS face
// keeps the last few it made, keyed by their snapshotted arguments, and a full heap cannot refuse them.
constexpr int kCachedPlans = 8;
MaxPoolPlan g_max_pool_slots[kCachedPlans];
MaxUnpoolPlan g_max_unpool_slots[kCachedPlans];
MaxPoolBackwardPlan g_max_pool_backward_slots[kCachedPlans];
MaxUnpoolBackwardPlan g_max_unpool_backward_slots[kCachedPlans];

// A plan copied into slot `slot` of `slots` (0 <= slot < kCachedPlans), or (slot -1) into its own
// heap block, freed by argpool_plan_free (plans are trivially copyable); or an out-of-memory status.
template <typename Plan>
int keep(const Plan& plan, int slot, Plan* slots) {
  if (slot >= 0) {
    if (slot >= kCachedPlans) return fail(Status::kInvalidArgument, "no such plan slot");
    slots[slot] = plan;
    g_args[kPlanOut] = static_cast<double>(reinterpret_cast<uintptr_t>(&slots[slot]));
    return 0;
  }
  void* block = std::malloc(sizeof(Plan));
  if (block == nullptr) return fail(Status::kOutOfMemory, "no memory for a plan");
  new (block) Plan(plan);
  g_args[kPlanOut] = static_cast<double>(reinterpret_cast<uintptr_t>(block));
  return 0;
}

// ---- the ABI description --------------------------------------------------------------------------

char g_abi[8192];
size_t g_abi_size = 0;

void put(const char* text) {
  const size_t n = std::strlen(text);
  if (g_abi_size + n < sizeof g_abi) {
    std::memcpy(g_abi + g_abi_size, text, n + 1);
    g_abi_size += n;
  }
}

void put_entry(const char* name, int64_t value, bool* first) {
  char text[160];
  std::snprintf(text, sizeof text, "%s\"%s\":%lld", *first ? "" : ",", name, static_cast<long long>(value));
  *first = false;
  put(text);
}

const char* layout_name(Layout l) { return l == Layout::kNCHW ? "NCHW" : "NHWC"; }

void describe_abi() {
  bool first = true;
  put("{\"slots\":{");
  const struct { const char* name; int value; } slots[] = {
      {"SHAPE_A", kShapeA}, {"SHAPE_B", kShapeB}, {"SHAPE_OUT", kShapeOut}, {"KERNEL", kKernel},
      {"STRIDE", kStride}, {"PAD_BEGIN", kPadBegin}, {"PAD_END", kPadEnd}, {"DILATION", kDilation},
      {"OUTPUT_SIZE", kOutputSize}, {"CEIL_MODE", kCeilMode}, {"HAS_OUTPUT_SIZE", kHasOutputSize},
      {"HAS_POOL_PARAMS", kHasPoolParams}, {"PAD_MODE", kPadMode}, {"LAYOUT", kLayout},
      {"INDEX_MODE", kIndexMode}, {"INDEX_INT64", kIndexInt64}, {"COLUMN_MAJOR", kColumnMajor},
      {"INCLUDE_BATCH", kIncludeBatch}, {"TO_INDEX_MODE", kToIndexMode}, {"TO_INDEX_INT64", kToIndexInt64},
      {"TO_COLUMN_MAJOR", kToColumnMajor}, {"TO_INCLUDE_BATCH", kToIncludeBatch}, {"WITH_INDICES", kWithIndices},
      {"PLAN_OUT", kPlanOut}, {"COUNT", kSlotCount}};
  for (const auto& s : slots) put_entry(s.name, s.value, &first);
  put("},\"dtypes\":{");
  first = true;
  for (int d = 0; d < kDTypeCount; ++d) put_entry(dtype_name(static_cast<DType>(d)), d, &first);
  put("},\"dtypeSizes\":{");
  first = true;
  for (int d = 0; d < kDTypeCount; ++d) {
    put_entry(dtype_name(static_cast<DType>(d)), static_cast<int64_t>(dtype_size(static_cast<DType>(d))), &first);
  }
  put("},\"layouts\":{");
  first = true;
  put_entry("NCHW", static_cast<int>(Layout::kNCHW), &first);
  put_entry("NHWC", static_cast<int>(Layout::kNHWC), &first);
  put("},\"indexModes\":{");
  first = true;
  put_entry("plane", static_cast<int>(IndexMode::kPlane), &first);
  put_entry("global", static_cast<int>(IndexMode::kGlobal), &first);
  put_entry("tf", static_cast<int>(IndexMode::kTf), &first);
  put("},\"padModes\":{");
  first = true;
  put_entry("pytorch", static_cast<int>(PadMode::kPyTorch), &first);
  put_entry("explicit", static_cast<int>(PadMode::kExplicit), &first);
  put_entry("SAME_UPPER", static_cast<int>(PadMode::kSameUpper), &first);
  put_entry("SAME_LOWER", static_cast<int>(PadMode::kSameLower), &first);
  put_entry("VALID", static_cast<int>(PadMode::kValid), &first);
  put("},\"statuses\":{");
  first = true;
  put_entry("ok", static_cast<int>(Status::kOk), &first);
  put_entry("invalidArgument", static_cast<int>(Status::kInvalidArgument), &first);
  put_entry("indexOutOfRange", static_cast<int>(Status::kIndexOutOfRange), &first);
  put_entry("outOfMemory", static_cast<int>(Status::kOutOfMemory), &first);
  put_entry("unsupported", static_cast<int>(Status::kUnsupported), &first);
  put("},\"cachedPlans\":");
  {
    char text[16];
    std::snprintf(text, sizeof text, "%d", kCachedPlans);
    put(text);
  }
  put(",\"maxPoolKernels\":[");
  size_t count = 0;
  const MaxPoolKernelEntry* pool = max_pool_kernels(&count);
  for (size_t i = 0; i < count; ++i) {
    char text[200];
    std::snprintf(text, sizeof text, "%s{\"name\":\"%s\",\"dtype\":\"%s\",\"layout\":\"%s\"}", i ? "," : "",
                  pool[i].name, dtype_name(pool[i].dtype), layout_name(pool[i].layout));
    put(text);
  }
  put("],\"scatterKernels\":[");
  const ScatterKernelEntry* scatter = scatter_kernels(&count);
  for (size_t i = 0; i < count; ++i) {
    char text[200];
    std::snprintf(text, sizeof text, "%s{\"name\":\"%s\",\"op\":\"%s\",\"dtype\":\"%s\",\"layout\":\"%s\"}",
                  i ? "," : "", scatter[i].name, scatter[i].op == ScatterOp::kUnpool     ? "unpool"
                  : scatter[i].op == ScatterOp::kBackward ? "backward"
                                                          : "unpoolBackward",
                  dtype_name(scatter[i].dtype), layout_name(scatter[i].layout));
    put(text);
  }
  put("]}");
}

}  // namespace

// Every export is safe to call with all arguments 0 (a null plan, nothing staged: a refusal): the JS face
// calls each once when it loads, which makes Emscripten replace its wrappers with the raw exports.
extern "C" {

// JSON: the argument block's slots, enum codes, dtype sizes, statuses and the kernel tables.
EMSCRIPTEN_KEEPALIVE const char* argpool_describe_abi() {
  if (g_abi_size == 0) describe_abi();
  return g_abi;
}

EMSCRIPTEN_KEEPALIVE double* argpool_args() { return g_args; }

// The message of the last call that failed (NUL-terminated, in a fixed buffer).
EMSCRIPTEN_KEEPALIVE const char* argpool_error() { return g_error; }

// Bytes currently handed out by malloc (for ap.stats()).
EMSCRIPTEN_KEEPALIVE double argpool_heap_in_use() { return static_cast<double>(mallinfo().uordblks); }

EMSCRIPTEN_KEEPALIVE void argpool_plan_free(void* plan) { std::free(plan); }

// Shapes: input in A (+ pooling parameters) → output in SHAPE_OUT.
EMSCRIPTEN_KEEPALIVE int argpool_pool_output_shape(int dtype_code) {
  Result error;
  DType dtype;
  PoolParams params;
  if (!read_dtype(dtype_code, &dtype, &error) || !read_pool_params(&params, &error)) return finish(error);
  TensorShape out;
  const Result r = pool_output_shape(read_shape(kShapeA), params, dtype, &out, nullptr);
  if (r.ok()) write_shape(kShapeOut, out);
  return finish(r);
}

EMSCRIPTEN_KEEPALIVE int argpool_unpool_output_shape(int dtype_code) {
  Result error;
  DType dtype;
  UnpoolParams params;
  if (!read_dtype(dtype_code, &dtype, &error) || !read_unpool_params(&params, &error)) return finish(error);
  TensorShape out;
  const Result r = unpool_output_shape(read_shape(kShapeA), params, dtype, &out);
  if (r.ok()) write_shape(kShapeOut, out);
  return finish(r);
}

// Plans: the staged arguments → a plan at PLAN_OUT (and the output shape at SHAPE_OUT), or a status.
// `kernel`: -1 for the preferred kernel, else an index into the kernel table (tests). `slot`: -1 for a
// plan of its own (ap.*Plan), else one of the fixed slots of the one-shot calls.
EMSCRIPTEN_KEEPALIVE int argpool_plan_max_pool(int dtype_code, int kernel, int slot) {
  Result error;
  DType dtype;
  PoolParams params;
  IndexSpec index;
  bool with_indices = false;
  if (!read_dtype(dtype_code, &dtype, &error) || !read_pool_params(&params, &error) ||
      !read_index_spec(kIndexMode, &index, &error) || !read_flag(kWithIndices, "indices flag", &with_indices, &error)) {
    return finish(error);
  }
  MaxPoolPlan plan;
  const Result r = make_max_pool_plan(dtype, read_shape(kShapeA), params, index, with_indices,
                                      max_pool_kernel_name(kernel), &plan);
  if (!r.ok()) return finish(r);
  write_shape(kShapeOut, plan.output);
  return keep(plan, slot, g_max_pool_slots);
}

EMSCRIPTEN_KEEPALIVE void argpool_run_max_pool(const MaxPoolPlan* plan, const void* input, void* values,
                                               void* indices) {
  if (plan != nullptr) run_max_pool_plan(*plan, input, values, indices);
}

EMSCRIPTEN_KEEPALIVE int argpool_plan_max_unpool(int dtype_code, int kernel, int slot) {
  Result error;
  DType dtype;
  UnpoolParams params;
  IndexSpec index;
  if (!read_dtype(dtype_code, &dtype, &error) || !read_unpool_params(&params, &error) ||
      !read_index_spec(kIndexMode, &index, &error)) {
    return finish(error);
  }
  MaxUnpoolPlan plan;
  const Result r = make_max_unpool_plan(dtype, read_shape(kShapeA), params, index, scatter_kernel_name(kernel), &plan);
  if (!r.ok()) return finish(r);
  write_shape(kShapeOut, plan.output);
  return keep(plan, slot, g_max_unpool_slots);
}

EMSCRIPTEN_KEEPALIVE int argpool_run_max_unpool(const MaxUnpoolPlan* plan, const void* values, const void* indices,
                                                void* output) {
  if (plan == nullptr) return fail(Status::kInvalidArgument, "no plan");
  return finish(run_max_unpool_plan(*plan, values, indices, output));
}

// gradOutput's shape in A, inputShape in B; pooling parameters when HAS_POOL_PARAMS is 1.
EMSCRIPTEN_KEEPALIVE int argpool_plan_max_pool_backward(int dtype_code, int kernel, int slot) {
  Result error;
  DType dtype;
  Layout layout;
  PoolParams params;
  IndexSpec index;
  bool has_params = false;
  if (!read_dtype(dtype_code, &dtype, &error) || !read_layout(&layout, &error) ||
      !read_index_spec(kIndexMode, &index, &error) ||
      !read_flag(kHasPoolParams, "pooling-parameters flag", &has_params, &error) ||
      (has_params && !read_pool_params(&params, &error))) {
    return finish(error);
  }
  if (has_params) params.spatial_rank = read_shape(kShapeB).spatial_rank;
  MaxPoolBackwardPlan plan;
  const Result r = make_max_pool_backward_plan(dtype, read_shape(kShapeA), read_shape(kShapeB), layout,
                                               has_params ? &params : nullptr, index, scatter_kernel_name(kernel),
                                               &plan);
  if (!r.ok()) return finish(r);
  return keep(plan, slot, g_max_pool_backward_slots);
}

EMSCRIPTEN_KEEPALIVE int argpool_run_max_pool_backward(const MaxPoolBackwardPlan* plan, const void* grad,
                                                       const void* indices, void* grad_input) {
  if (plan == nullptr) return fail(Status::kInvalidArgument, "no plan");
  return finish(run_max_pool_backward_plan(*plan, grad, indices, grad_input));
}

// valuesShape in A, gradOutput's shape in B; unpooling parameters when HAS_POOL_PARAMS is 1.
EMSCRIPTEN_KEEPALIVE int argpool_plan_max_unpool_backward(int dtype_code, int kernel, int slot) {
  Result error;
  DType dtype;
  Layout layout;
  UnpoolParams params;
  IndexSpec index;
  bool has_params = false;
  if (!read_dtype(dtype_code, &dtype, &error) || !read_layout(&layout, &error) ||
      !read_index_spec(kIndexMode, &index, &error) ||
      !read_flag(kHasPoolParams, "unpooling-parameters flag", &has_params, &error) ||
      (has_params && !read_unpool_params(&params, &error))) {
    return finish(error);
  }
  MaxUnpoolBackwardPlan plan;
  const Result r = make_max_unpool_backward_plan(dtype, read_shape(kShapeB), read_shape(kShapeA), layout,
                                                 has_params ? &params : nullptr, index, scatter_kernel_name(kernel),
                                                 &plan);
  if (!r.ok()) return finish(r);
  return keep(plan, slot, g_max_unpool_backward_slots);
}

EMSCRIPTEN_KEEPALIVE int argpool_run_max_unpool_backward(const MaxUnpoolBackwardPlan* plan, const void* grad,
                                                         const void* indices, void* grad_values) {
  if (plan == nullptr) return fail(Status::kInvalidArgument, "no plan");
  return finish(run_max_unpool_backward_plan(*plan, grad, indices, grad_values));
}

// inputShape in A, the indices' shape in B; `input` may equal `output` when both use one storage type.
EMSCRIPTEN_KEEPALIVE int argpool_convert_indices(const void* input, void* output) {
  Result error;
  Layout layout;
  IndexSpec from, to;
  if (!read_layout(&layout, &error) || !read_index_spec(kIndexMode, &from, &error) ||
      !read_index_spec(kToIndexMode, &to, &error)) {
    return finish(error);
  }
  return finish(convert_indices(read_shape(kShapeA), read_shape(kShapeB), layout, from, to, input, output));
}

}  // extern "C"
