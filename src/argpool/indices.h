// Index conventions. Kernels always produce and consume per-plane int32 indices (row-major
// spatial offset in one (n, c) plane); this layer converts them from and to the other
// conventions and to int64 (README "Index conventions").
#pragma once

#include "argpool/types.h"

namespace argpool {

// Checks that `spec` suits `layout` and that every index it can produce for an input of logical
// shape `input` fits its storage type (int32 overflow is an error, not a wrap).
Result check_index_spec(const IndexSpec& spec, Layout layout, const TensorShape& input);

// Rewrites `count`-many per-plane int32 indices of a tensor of logical shape `indices_shape`
// (stored in `layout` order) into `spec` in place: `data` holds int32 on entry and `spec`'s
// type on exit (int64 needs 8 bytes per element; conversion runs back to front, so widening in
// place is safe). `input` is the logical shape of the tensor the indices point into.
void encode_indices(const IndexSpec& spec, Layout layout, const TensorShape& input, const TensorShape& indices_shape,
                    void* data);

// Reads indices in `spec` (int32 or int64 storage) and writes per-plane int32 indices into
// `plane`, checking that each one addresses an element of its own (n, c) plane of `target`
// (logical shape); fails with kIndexOutOfRange naming the first bad element.
Result decode_indices(const IndexSpec& spec, Layout layout, const TensorShape& target, const TensorShape& indices_shape,
                      const void* data, int32_t* plane);

// Per-plane int32 indices for the scatter kernels: the caller's own array when it already is one
// (checked in place), else a decoded copy (owned here, freed with the object).
class PlaneIndices {
 public:
  PlaneIndices() = default;
  PlaneIndices(const PlaneIndices&) = delete;
  PlaneIndices& operator=(const PlaneIndices&) = delete;
  ~PlaneIndices();

  // Indices in `spec` for a tensor of logical shape `indices_logical`, pointing into planes of
  // `target_logical` ("input" or "output" plane, for messages: `what`).
  Result load(const IndexSpec& spec, Layout layout, const TensorShape& target_logical,
              const TensorShape& indices_logical, const void* indices, const char* what);

  const int32_t* data() const { return data_; }

 private:
  const int32_t* data_ = nullptr;
  int32_t* buffer_ = nullptr;
};

}  // namespace argpool
