// The argument block: doubles that the JS face fills (after it has snapshotted the caller's values)
// right before it asks C++ for a plan or a shape. Doubles rather than int32 so that any JS integer
// arrives exactly and C++ rejects out-of-range values instead of seeing them wrapped. C++ reads the
// block only while making a plan or a shape: running a plan never reads it. The JS face learns
// these numbers from argpool_describe_abi() (bindings/wasm_exports.cpp), never from a copy of its own.
#pragma once

namespace argpool_abi {

enum Slot : int {
  kShapeA = 0,          // [rank, d0..d4]: pool input, unpool values, backward gradOutput, convert inputShape
  kShapeB = 6,          // [rank, d0..d4]: convert indices; backward inputShape
  kShapeOut = 12,       // [rank, d0..d4], written by C++: an output shape
  kKernel = 18,         // 3 slots each, spatial rank taken from shape A
  kStride = 21,
  kPadBegin = 24,
  kPadEnd = 27,
  kDilation = 30,
  kOutputSize = 33,     // unpool, 3 slots
  kCeilMode = 36,       // 0 or 1
  kHasOutputSize = 37,  // unpool: 0 or 1
  kHasPoolParams = 38,  // backward: 0 or 1 (check gradOutput against the pooled shape)
  kPadMode = 39,        // argpool::PadMode
  kLayout = 40,         // argpool::Layout
  kIndexMode = 41,      // argpool::IndexSpec of the indices produced or consumed
  kIndexInt64 = 42,
  kColumnMajor = 43,
  kIncludeBatch = 44,
  kToIndexMode = 45,    // convert_indices: the target IndexSpec
  kToIndexInt64 = 46,
  kToColumnMajor = 47,
  kToIncludeBatch = 48,
  kWithIndices = 49,    // max pool plan: 0 or 1
  kPlanOut = 50,        // written by C++: the address of a plan just made
  kSlotCount = 52,
};

}  // namespace argpool_abi
