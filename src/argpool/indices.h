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

}  // namespace argpool
