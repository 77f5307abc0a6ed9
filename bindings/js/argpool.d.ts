// Type declarations for argpool: max pooling with the argmax mask, max unpooling and the pooling
// backward pass, PyTorch 1.13 semantics, C++ compiled to WebAssembly SIMD.

/** Float arrays (every operation). */
export type FloatArray = Float32Array | Float64Array;
/** Value arrays maxPool and maxUnpool accept; the output keeps the input's type. */
export type ValueArray = FloatArray | Int8Array | Uint8Array | Uint8ClampedArray | Int16Array | Uint16Array | Int32Array;
/** Index arrays: int32 (default) or int64 (ONNX / PyTorch tensors). */
export type IndexArray = Int32Array | BigInt64Array;
export type Layout = 'NCHW' | 'NHWC';
export type IndexMode = 'plane' | 'global' | 'tf';
export type IndexType = 'int32' | 'int64';
export type TensorDType = 'float32' | 'float64' | 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'int64';
/** The typed array of each tensor dtype. */
export interface TensorArrays {
  float32: Float32Array; float64: Float64Array; int8: Int8Array; uint8: Uint8Array;
  int16: Int16Array; uint16: Uint16Array; int32: Int32Array; int64: BigInt64Array;
}

/**
 * A dense row-major tensor: `data.length` must equal the product of `shape`.
 * Shapes are `[N, C, L]`, `[N, C, H, W]` or `[N, C, D, H, W]` (layout 'NCHW', the default), or
 * `[N, L, C]`, `[N, H, W, C]`, `[N, D, H, W, C]` (layout 'NHWC').
 */
export interface Tensor<T extends ArrayLike<number | bigint> = ValueArray> {
  data: T;
  shape: number[];
}

/** A tensor that lives in wasm memory (see `tensor()`): operations read and write it in place. */
export interface WasmTensor<T extends ArrayLike<number | bigint> = ValueArray | BigInt64Array> {
  readonly shape: readonly number[];
  readonly dtype: TensorDType;
  readonly size: number;
  readonly disposed: boolean;
  /** A view of the tensor's memory, derived anew on every access (memory growth never leaves it stale). */
  readonly data: T;
  /** Frees the memory now (idempotent). A FinalizationRegistry frees forgotten tensors eventually. */
  dispose(): void;
}

/** A plain tensor or a wasm tensor of this instance. */
export type TensorLike<T extends ArrayLike<number | bigint> = ValueArray> = Tensor<T> | WasmTensor<T>;

/** Indices: for each output element, where its maximum came from (see `IndexMode`). */
export type IndexTensor = Tensor<IndexArray>;

/** A number for every spatial dimension, or one number per spatial dimension. */
export type SpatialParam = number | number[];

/** How tensors are laid out and what indices mean. */
export interface IndexOptions {
  /** Memory layout of every tensor of the call. Default 'NCHW'. */
  layout?: Layout;
  /**
   * 'plane' (default): spatial offset within one (n, c) plane, PyTorch's return_indices (in NHWC too);
   * 'global': offset into the whole input tensor as laid out (ONNX);
   * 'tf': (y * W + x) * C + c, plus n * H * W * C with `includeBatchInIndex` (TensorFlow).
   */
  indexMode?: IndexMode;
  /** Storage of produced indices: Int32Array (default) or BigInt64Array. int32 overflow is an error. */
  indexType?: IndexType;
  /** indexMode 'global' with layout 'NCHW': 1 = column-major spatial offset (ONNX storage_order). Default 0. */
  storageOrder?: 0 | 1;
  /** indexMode 'tf': add the batch offset. Default false. */
  includeBatchInIndex?: boolean;
}

export interface PoolOptions extends IndexOptions {
  /** Window size. Required. */
  kernelSize: SpatialParam;
  /** Step between windows. Default: `kernelSize`. `null` also means the default. */
  stride?: SpatialParam | null;
  /** Symmetric implicit −∞ padding, never selected; at most `kernelSize / 2` (PyTorch's rule). Default 0. */
  padding?: SpatialParam | null;
  /** Explicit padding in ONNX order [begin per dimension..., end per dimension...]; may exceed half the kernel. */
  pads?: number[] | null;
  /** Automatic padding (ONNX's auto_pad; TensorFlow's 'same' = 'SAME_UPPER', 'valid' = 'VALID'). */
  autoPad?: 'NOTSET' | 'SAME_UPPER' | 'SAME_LOWER' | 'VALID' | 'same' | 'valid';
  /** Spacing between window taps. Default 1. */
  dilation?: SpatialParam | null;
  /** Use ceil instead of floor for the output size (a last window must start inside the input or left padding). Default false. */
  ceilMode?: boolean;
  /** false: compute values only (faster); the result has no `indices`. Default true. */
  returnIndices?: boolean;
}

export interface UnpoolOptions extends IndexOptions {
  kernelSize: SpatialParam;
  /** Default: `kernelSize`. */
  stride?: SpatialParam | null;
  /** Default 0. */
  padding?: SpatialParam | null;
  /** Explicit padding in ONNX order (instead of `padding`). */
  pads?: number[] | null;
  /**
   * Output size: spatial sizes, or the full `[N, C, ...spatial]` shape. Default per dimension:
   * `(in − 1) · stride − 2 · padding + kernelSize`; an explicit size must lie strictly within
   * default ± stride. Indices are resolved in the plane of this size (PyTorch's rule).
   */
  outputSize?: number[] | null;
  /** Accepted so that pooling options can be reused; must be 1 (unpooling has no dilation). */
  dilation?: SpatialParam | null;
  /** Accepted so that pooling options can be reused; ignored. */
  ceilMode?: boolean;
}

export interface MaxPoolResult<T extends ValueArray = ValueArray> {
  /** The maximum of each window; same typed-array type as the input. */
  values: Tensor<T>;
  /** Where each maximum came from: by default the flat index `row * W + col` (`d * H * W + row * W + col`) in its (n, c) plane. Absent with `returnIndices: false`. */
  indices: IndexTensor;
}

export interface MaxPoolOut<T extends ValueArray = ValueArray> {
  values: TensorLike<T>;
  indices?: TensorLike<IndexArray>;
}

export interface ConvertIndicesOptions {
  /** The convention of `indices`: a mode, or one with its own storageOrder / includeBatchInIndex. */
  from: IndexMode | { indexMode: IndexMode; storageOrder?: 0 | 1; includeBatchInIndex?: boolean };
  to: IndexMode | { indexMode: IndexMode; storageOrder?: 0 | 1; includeBatchInIndex?: boolean };
  /** Shape of the pooled input the indices point into (in `layout`). */
  inputShape: number[];
  layout?: Layout;
  /** For a 'global' side given by name. */
  storageOrder?: 0 | 1;
  /** For a 'tf' side given by name. */
  includeBatchInIndex?: boolean;
  /** Storage of the result; default: the type of `indices`. */
  indexType?: IndexType;
}

export interface Stats {
  /** Size of the module's linear memory. */
  wasmMemoryBytes: number;
  /** Bytes handed out by the module's allocator (tensors, a scratch block of at most 1 MiB). */
  heapInUseBytes: number;
  /** Wasm tensors created and not yet disposed or collected. */
  liveTensors: number;
}

/** ONNX operators with ONNX's attribute names and defaults (strides default to 1). */
export interface OnnxAdapter {
  maxPool(X: Tensor, attributes: {
    kernel_shape: number[]; strides?: number[]; pads?: number[]; dilations?: number[];
    ceil_mode?: 0 | 1; auto_pad?: 'NOTSET' | 'SAME_UPPER' | 'SAME_LOWER' | 'VALID'; storage_order?: 0 | 1;
  }): { Y: Tensor; Indices: Tensor<BigInt64Array> };
  /**
   * ONNX MaxUnpool: indices (whole-tensor offsets) are resolved in the inferred shape
   * (in − 1)·stride + kernel − pads, then each spatial dimension is zero-padded at its end up to
   * `outputShape` (ONNX's reference). `ap.maxUnpool` instead resolves indices in `outputSize` (PyTorch).
   */
  maxUnpool(X: Tensor, I: Tensor<IndexArray>, attributes: { kernel_shape: number[]; strides?: number[]; pads?: number[] },
    outputShape?: number[] | BigInt64Array): Tensor;
}

/** TensorFlow.js's maxPoolWithArgmax conventions (NHWC; indexes (y·W + x)·C + c). */
export interface TfAdapter {
  maxPoolWithArgmax(x: Tensor, filterSize: number | [number, number], strides: number | [number, number],
    pad: 'valid' | 'same' | number, includeBatchInIndex?: boolean): { result: Tensor; indexes: Tensor<Int32Array> };
}

/**
 * A plan: shapes and parameters validated and the kernel chosen once, in C++; `run` then only
 * stages, computes and copies. Free it with `dispose()` (idempotent); a FinalizationRegistry frees
 * forgotten plans eventually. A disposed plan's `run` throws `ARGPOOL_DISPOSED`.
 */
export interface Plan {
  readonly disposed: boolean;
  dispose(): void;
}

export interface MaxPoolPlan extends Plan {
  readonly inputShape: number[];
  /** The pooled shape, e.g. [N, C, Ho, Wo]. */
  readonly outputShape: number[];
  /** `input`: a wasm tensor or { data, shape } of the plan's shape and dtype. Same result as `ap.maxPool`. */
  run<T extends ValueArray>(input: TensorLike<T>): MaxPoolResult<T>;
  run<T extends ValueArray, O extends MaxPoolOut<T>>(input: TensorLike<T>, out: O): O;
}

export interface MaxUnpoolPlan extends Plan {
  readonly valuesShape: number[];
  readonly outputShape: number[];
  run<T extends ValueArray>(values: TensorLike<T>, indices: TensorLike<IndexArray>, out?: TensorLike<T>): Tensor<T>;
}

export interface MaxPoolBackwardPlan extends Plan {
  readonly gradShape: number[];
  readonly inputShape: number[];
  /** The result's shape: `inputShape`. */
  readonly outputShape: number[];
  run<T extends FloatArray>(gradOutput: TensorLike<T>, indices: TensorLike<IndexArray>, out?: TensorLike<T>): Tensor<T>;
}

export interface MaxUnpoolBackwardPlan extends Plan {
  readonly gradShape: number[];
  readonly valuesShape: number[];
  /** The result's shape: `valuesShape`. */
  readonly outputShape: number[];
  run<T extends ValueArray>(gradOutput: TensorLike<T>, indices: TensorLike<IndexArray>, out?: TensorLike<T>): Tensor<T>;
}

export type ValueDType = 'float32' | 'float64' | 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32';

export interface Argpool {
  /** A pooling plan for inputs of `inputShape` and `dtype` (default 'float32'); throws as `maxPool` would. */
  maxPoolPlan(inputShape: number[], options: PoolOptions, planOptions?: { dtype?: ValueDType }): MaxPoolPlan;
  /** An unpooling plan for values of `valuesShape`; `indexType` is the indices' storage (default 'int32'). */
  maxUnpoolPlan(valuesShape: number[], options: UnpoolOptions, planOptions?: { dtype?: ValueDType; indexType?: IndexType }): MaxUnpoolPlan;
  /** A plan of the pooling backward pass (gradient dtype 'float32' by default, or 'float64'). */
  maxPoolBackwardPlan(gradShape: number[], inputShape: number[], options?: Partial<PoolOptions> | null,
    planOptions?: { dtype?: 'float32' | 'float64'; indexType?: IndexType }): MaxPoolBackwardPlan;
  /** A plan of the unpooling backward pass (the gather `maxUnpoolBackward` runs). */
  maxUnpoolBackwardPlan(gradShape: number[], valuesShape: number[], options?: Partial<UnpoolOptions> | null,
    planOptions?: { dtype?: ValueDType; indexType?: IndexType }): MaxUnpoolBackwardPlan;
  /** The shape `maxUnpool` returns for values of `valuesShape` and `options` (throws the same errors). */
  unpoolOutputShape(valuesShape: number[], options: UnpoolOptions): number[];

  /**
   * Max pooling with indices over 1, 2 or 3 spatial dimensions (rank taken from `input.shape`).
   * With `out`, writes into its tensors (wasm tensors: no copy) and returns `out`.
   */
  maxPool<T extends ValueArray>(input: TensorLike<T>, options: PoolOptions): MaxPoolResult<T>;
  maxPool<T extends ValueArray, O extends MaxPoolOut<T>>(input: TensorLike<T>, options: PoolOptions, out: O): O;
  /** As `maxPool`, requiring 1 spatial dimension. */
  maxPool1d<T extends ValueArray>(input: TensorLike<T>, options: PoolOptions, out?: MaxPoolOut<T>): MaxPoolResult<T>;
  /** As `maxPool`, requiring 2 spatial dimensions. */
  maxPool2d<T extends ValueArray>(input: TensorLike<T>, options: PoolOptions, out?: MaxPoolOut<T>): MaxPoolResult<T>;
  /** As `maxPool`, requiring 3 spatial dimensions. */
  maxPool3d<T extends ValueArray>(input: TensorLike<T>, options: PoolOptions, out?: MaxPoolOut<T>): MaxPoolResult<T>;

  /** Puts each value back at its index; zeros elsewhere. Duplicate indices: the last value in input order wins. */
  maxUnpool<T extends ValueArray>(values: TensorLike<T>, indices: TensorLike<IndexArray>, options: UnpoolOptions, out?: TensorLike<T>): Tensor<T>;
  maxUnpool1d<T extends ValueArray>(values: TensorLike<T>, indices: TensorLike<IndexArray>, options: UnpoolOptions, out?: TensorLike<T>): Tensor<T>;
  maxUnpool2d<T extends ValueArray>(values: TensorLike<T>, indices: TensorLike<IndexArray>, options: UnpoolOptions, out?: TensorLike<T>): Tensor<T>;
  maxUnpool3d<T extends ValueArray>(values: TensorLike<T>, indices: TensorLike<IndexArray>, options: UnpoolOptions, out?: TensorLike<T>): Tensor<T>;

  /**
   * Gradient of max pooling with respect to its input: a zero-initialised scatter-add of
   * `gradOutput` through `indices` (overlapping windows add up, in output order).
   * `options` may give only the layout and index convention; with `kernelSize` too,
   * `gradOutput.shape` is checked against the pooled shape of `inputShape`.
   */
  maxPoolBackward<T extends FloatArray>(gradOutput: TensorLike<T>, indices: TensorLike<IndexArray>, inputShape: number[], options?: Partial<PoolOptions> | null, out?: TensorLike<T>): Tensor<T>;
  maxPoolBackward1d<T extends FloatArray>(gradOutput: TensorLike<T>, indices: TensorLike<IndexArray>, inputShape: number[], options?: Partial<PoolOptions> | null, out?: TensorLike<T>): Tensor<T>;
  maxPoolBackward2d<T extends FloatArray>(gradOutput: TensorLike<T>, indices: TensorLike<IndexArray>, inputShape: number[], options?: Partial<PoolOptions> | null, out?: TensorLike<T>): Tensor<T>;
  maxPoolBackward3d<T extends FloatArray>(gradOutput: TensorLike<T>, indices: TensorLike<IndexArray>, inputShape: number[], options?: Partial<PoolOptions> | null, out?: TensorLike<T>): Tensor<T>;

  /**
   * Gradient of max unpooling with respect to its values (PyTorch's max_unpool backward): each
   * value's gradient is `gradOutput` at the value's index in its own (n, c) plane — a gather.
   * Every dtype, layout and index convention `maxUnpool` takes. `options` may give only the
   * layout and index convention; with `kernelSize` too, `gradOutput.shape` is checked against
   * the unpooled shape of `valuesShape`.
   */
  maxUnpoolBackward<T extends ValueArray>(gradOutput: TensorLike<T>, indices: TensorLike<IndexArray>, valuesShape: number[], options?: Partial<UnpoolOptions> | null, out?: TensorLike<T>): Tensor<T>;

  /** The shape `maxPool` returns for `inputShape` and `options` (throws the same errors). */
  outputShape(inputShape: number[], options: PoolOptions): number[];

  /** Rewrites indices from one convention to another, exactly (every index is validated). */
  convertIndices(indices: TensorLike<IndexArray>, options: ConvertIndicesOptions): Tensor<IndexArray>;

  /**
   * A zero-filled tensor in wasm memory (or filled from `source`: a typed array of a compatible
   * kind, or an array-like of numbers — BigInts for 'int64'). Dispose it when done.
   */
  tensor<D extends TensorDType = 'float32'>(shape: number[], dtype?: D, source?: ArrayLike<number | bigint>): WasmTensor<TensorArrays[D]>;

  /** Memory and tensor counters of this instance. */
  stats(): Stats;

  readonly onnx: OnnxAdapter;
  readonly tf: TfAdapter;

  /** Value dtypes this build supports. */
  readonly dtypes: readonly string[];
}

// `WebAssembly.Module` and `URL` are declared by the DOM lib and by @types/node; a project may have
// neither, so they are taken from the global scope when it declares them.
/** `WebAssembly.Module` where the project's libs declare it. */
export type WasmModule = typeof globalThis extends { WebAssembly: { Module: abstract new (...args: never) => infer M } } ? M : object;
/** A `URL` (or anything whose `href` is a URL string). */
export interface UrlLike { readonly href: string }

export interface InitOptions {
  /** The module's bytes, when you load them yourself. */
  wasmBinary?: ArrayBuffer | Uint8Array;
  /** A precompiled module (e.g. from `WebAssembly.compileStreaming`). */
  wasmModule?: WasmModule;
  /**
   * Where to fetch (browser) or read (Node: a path or file: URL) `argpool-wasm.wasm` from.
   * Default: `argpool/streaming` fetches the file next to its script; the other entries use the
   * module embedded in the package.
   */
  wasmUrl?: string | UrlLike;
}

/**
 * Loads the WebAssembly module once. Later calls return the same promise (their options are
 * ignored); after a failed load, the next call tries again.
 */
export function init(options?: InitOptions): Promise<Argpool>;

/** The same functions as on the `Argpool` object; they throw `ARGPOOL_NOT_INITIALIZED` until `init()` resolved. */
export const maxPool: Argpool['maxPool'];
export const maxPool1d: Argpool['maxPool1d'];
export const maxPool2d: Argpool['maxPool2d'];
export const maxPool3d: Argpool['maxPool3d'];
export const maxUnpool: Argpool['maxUnpool'];
export const maxUnpool1d: Argpool['maxUnpool1d'];
export const maxUnpool2d: Argpool['maxUnpool2d'];
export const maxUnpool3d: Argpool['maxUnpool3d'];
export const maxPoolBackward: Argpool['maxPoolBackward'];
export const maxPoolBackward1d: Argpool['maxPoolBackward1d'];
export const maxPoolBackward2d: Argpool['maxPoolBackward2d'];
export const maxPoolBackward3d: Argpool['maxPoolBackward3d'];
export const maxUnpoolBackward: Argpool['maxUnpoolBackward'];
export const maxPoolPlan: Argpool['maxPoolPlan'];
export const maxUnpoolPlan: Argpool['maxUnpoolPlan'];
export const maxPoolBackwardPlan: Argpool['maxPoolBackwardPlan'];
export const maxUnpoolBackwardPlan: Argpool['maxUnpoolBackwardPlan'];
export const unpoolOutputShape: Argpool['unpoolOutputShape'];
export const outputShape: Argpool['outputShape'];
export const convertIndices: Argpool['convertIndices'];
export const tensor: Argpool['tensor'];
export const stats: Argpool['stats'];

export type ArgpoolErrorCode =
  | 'ARGPOOL_INVALID_TYPE'
  | 'ARGPOOL_INVALID_ARGUMENT'
  | 'ARGPOOL_INDEX_OUT_OF_RANGE'
  | 'ARGPOOL_OUT_OF_MEMORY'
  | 'ARGPOOL_UNSUPPORTED'
  | 'ARGPOOL_NOT_INITIALIZED'
  | 'ARGPOOL_DISPOSED'
  | 'ARGPOOL_FOREIGN_TENSOR'
  | 'ARGPOOL_LOAD_FAILED'
  | 'ARGPOOL_INTERNAL';

/** Library-state problems: not initialised, failed load, out of memory, disposed or foreign tensors. */
export class ArgpoolError extends Error {
  constructor(message: string, code?: ArgpoolErrorCode, options?: { cause?: unknown });
  readonly code: ArgpoolErrorCode;
}
/** An argument of the wrong type (e.g. an Int8Array where a Float32Array is needed). */
export class ArgpoolTypeError extends TypeError {
  constructor(message: string, code?: ArgpoolErrorCode);
  readonly code: ArgpoolErrorCode;
}
/** An argument with a wrong value: shapes, lengths, parameters, out-of-range indices. */
export class ArgpoolRangeError extends RangeError {
  constructor(message: string, code?: ArgpoolErrorCode);
  readonly code: ArgpoolErrorCode;
}
