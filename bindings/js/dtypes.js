// The typed array of each dtype: the only list of dtypes on the JavaScript side. Which value dtypes
// exist, and their codes, the module says (argpool_describe_abi); runtime.js checks when it loads
// that each has its array here. int64 is for indices and wasm tensors only.
export const TYPED_ARRAY_OF_DTYPE = Object.freeze({
  __proto__: null,
  float32: Float32Array,
  float64: Float64Array,
  int8: Int8Array,
  uint8: Uint8Array,
  int16: Int16Array,
  uint16: Uint16Array,
  int32: Int32Array,
  int64: BigInt64Array,
});
