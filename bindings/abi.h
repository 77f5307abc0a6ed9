// Layout of the argument block that the JS wrapper fills before each call (bindings/js/abi.js
// mirrors it). Doubles rather than int32 so that any JS integer arrives exactly and C++ can reject
// out-of-range values instead of seeing them wrapped.
#pragma once

namespace argpool_abi {

enum Slot : int {
  kShapeA = 0,          // [rank, d0..d4]: pool input, unpool values, backward gradOutput, convert inputShape
  kShapeB = 6,          // [rank, d0..d4]: indices (unpool, backward, convert)
  kShapeC = 12,         // [rank, d0..d4]: backward inputShape
  kKernel = 18,         // 3 slots each, spatial rank taken from shape A
  kStride = 21,
  kPadBegin = 24,
  kDilation = 27,
  kCeilMode = 30,
  kHasOutputSize = 31,  // unpool
  kOutputSize = 32,     // 3 slots
  kHasPoolParams = 35,  // backward: check gradOutput against the pooled shape
  kShapeOut = 36,       // [rank, d0..d4], written by the *_output_shape calls
  kPadEnd = 42,         // 3 slots
  kPadMode = 45,        // argpool::PadMode
  kLayout = 46,         // argpool::Layout
  kIndexMode = 47,      // argpool::IndexSpec (the indices produced or consumed)
  kIndexInt64 = 48,
  kColumnMajor = 49,
  kIncludeBatch = 50,
  kToIndexMode = 51,    // convert_indices: the target IndexSpec
  kToIndexInt64 = 52,
  kToColumnMajor = 53,
  kToIncludeBatch = 54,
  kSlotCount = 56,
};

}  // namespace argpool_abi
