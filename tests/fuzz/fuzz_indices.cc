// libFuzzer target: argpool::convert_indices between every pair of index conventions (plane,
// global with row- or column-major planes, tf with or without the batch; int32 or int64 storage),
// both layouts, in place or not, with valid and corrupted indices, against the validation oracle
// and a reference decode/encode.
//
// Input layout (tests/fuzz/README.md): mode byte, then a small or a wide configuration, then data.
//   mode bit 0: wide configuration; bit 1: NHWC; bit 2: in place (when both use the same storage).
#include "fuzz_common.h"

using namespace fuzz;

namespace {

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Reader r(data, size);
  const uint8_t mode = r.byte();
  const Layout layout = (mode & 2) ? Layout::kNHWC : Layout::kNCHW;
  ShapePtr input_shape, indices_shape;
  if (mode & 1) {
    input_shape = wide_shape(r);
    indices_shape = r.flag() ? wide_shape(r) : copy_shape(*input_shape);
    if (r.flag()) {  // new spatial sizes
      for (int i = 0; i < std::min(3, std::max(0, indices_shape->spatial_rank)); ++i) {
        indices_shape->dims[nchw(layout) ? 2 + i : 1 + i] = r.wide();
      }
    }
  } else {
    const TensorShape in = small_logical(r, 4, 6, 10, 30);
    TensorShape idx = in;
    for (int i = 0; i < idx.spatial_rank; ++i) idx.dims[2 + i] = 1 + r.byte() % in.dims[2 + i];
    if (r.byte() >= 0xF0) idx.dims[r.byte() % 2] += 1;  // another N or C
    input_shape = copy_shape(physical_of(in, layout));
    indices_shape = copy_shape(physical_of(idx, layout));
  }
  const IndexSpec from = read_index_spec(r), to = read_index_spec(r);

  // The oracle: both shapes valid, same rank, N and C; the input's plane addressable by the int32
  // per-plane step between the conventions; both conventions valid for the input.
  Expect e = expect_tensor_shape(*input_shape, DType::kFloat32, /*check_memory=*/false);
  if (e.ok()) e = expect_tensor_shape(*indices_shape, DType::kInt32);
  TensorShape in, idx;
  if (e.ok()) {
    in = logical_of(*input_shape, layout);
    idx = logical_of(*indices_shape, layout);
    if (in.spatial_rank != idx.spatial_rank || in.dims[0] != idx.dims[0] || in.dims[1] != idx.dims[1]) {
      e = Expect::Invalid();
    }
  }
  if (e.ok()) e = expect_plane(in);
  if (e.ok()) e = expect_index_spec(from, layout, in);
  if (e.ok()) e = expect_index_spec(to, layout, in);
  if (!e.ok()) {
    if (e.fails()) {
      check_expect(argpool::convert_indices(*input_shape, *indices_shape, layout, from, to, nullptr, nullptr), e,
                   "convert_indices on invalid input");
    }
    return 0;
  }
  const i128 count = count_of(*indices_shape);
  if (count == 0) {
    check_expect(argpool::convert_indices(*input_shape, *indices_shape, layout, from, to, nullptr, nullptr),
                 Expect::Ok(), "convert_indices (N = 0)");
    return 0;
  }
  if (count > kMaxElements) return 0;

  IndexBuffer source = read_indices(r, from, layout, idx, in);
  const bool in_place = (mode & 4) && from.int64 == to.int64;
  IndexBuffer output(to.int64, static_cast<size_t>(count), -77);
  IndexBuffer* out = in_place ? &source : &output;
  const IndexBuffer original = source;
  const Result res =
      argpool::convert_indices(*input_shape, *indices_shape, layout, from, to, source.data(), out->data());
  std::vector<int64_t> planes;
  if (const int64_t bad = reference_decode(from, layout, idx, in, original, &planes); bad >= 0) {
    check_index_failure(res, static_cast<size_t>(bad), original.get(static_cast<size_t>(bad)), "convert_indices");
    for (size_t i = 0; i < out->size(); ++i) {
      FUZZ_CHECK(out->get(i) == (in_place ? original.get(i) : -77), "convert_indices wrote output before rejecting");
    }
    return 0;
  }
  check_expect(res, Expect::Ok(), "convert_indices");
  IndexBuffer want(to.int64, static_cast<size_t>(count), 0);
  const int64_t channels = idx.dims[1], plane = static_cast<int64_t>(plane_of(idx));
  for (size_t e2 = 0; e2 < want.size(); ++e2) {
    const int64_t n = static_cast<int64_t>(e2) / (channels * plane);
    const int64_t c = nchw(layout) ? static_cast<int64_t>(e2) / plane % channels : static_cast<int64_t>(e2) % channels;
    want.set(e2, encode_index(to, layout, in, planes[e2], n, c));
  }
  check_same_indices(*out, want, "convert_indices vs reference");
  return 0;
}
