// Type declarations for argpool: max pooling with the argmax mask, max unpooling and the pooling
// backward pass, PyTorch 1.13 semantics, C++ compiled to WebAssembly SIMD.

/** Value arrays argpool computes on. The output keeps the input's type. */
export type FloatArray = Float32Array | Float64Array;

/**
 * A dense row-major tensor: `data.length` must equal the product of `shape`.
 * Shapes are `[N, C, L]`, `[N, C, H, W]` or `[N, C, D, H, W]` (channels first).
 */
export interface Tensor<T extends ArrayLike<number> = FloatArray> {
  data: T;
  shape: number[];
}

/** Indices: for each output element, the flat position of its maximum within its (n, c) plane. */
export type IndexTensor = Tensor<Int32Array>;

/** A number for every spatial dimension, or one number per spatial dimension. */
export type SpatialParam = number | number[];

export interface PoolOptions {
  /** Window size. Required. */
  kernelSize: SpatialParam;
  /** Step between windows. Default: `kernelSize`. `null` also means the default. */
  stride?: SpatialParam | null;
  /** Implicit −∞ padding on both sides, never selected; at most `kernelSize / 2` (PyTorch's rule). Default 0. */
  padding?: SpatialParam | null;
  /** Spacing between window taps. Default 1. */
  dilation?: SpatialParam | null;
  /** Use ceil instead of floor for the output size (a last window must start inside the input or left padding). Default false. */
  ceilMode?: boolean;
}

export interface UnpoolOptions {
  kernelSize: SpatialParam;
  /** Default: `kernelSize`. */
  stride?: SpatialParam | null;
  /** Default 0. */
  padding?: SpatialParam | null;
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

export interface MaxPoolResult<T extends FloatArray = FloatArray> {
  /** The maximum of each window; same typed-array type as the input. */
  values: Tensor<T>;
  /** Flat index (`row * W + col`, or `d * H * W + row * W + col`) of each maximum in its (n, c) plane. */
  indices: IndexTensor;
}

export interface Argpool {
  /** Max pooling with indices over 1, 2 or 3 spatial dimensions (rank taken from `input.shape`). */
  maxPool<T extends FloatArray>(input: Tensor<T>, options: PoolOptions): MaxPoolResult<T>;
  /** As `maxPool`, requiring `input.shape` = `[N, C, L]`. */
  maxPool1d<T extends FloatArray>(input: Tensor<T>, options: PoolOptions): MaxPoolResult<T>;
  /** As `maxPool`, requiring `input.shape` = `[N, C, H, W]`. */
  maxPool2d<T extends FloatArray>(input: Tensor<T>, options: PoolOptions): MaxPoolResult<T>;
  /** As `maxPool`, requiring `input.shape` = `[N, C, D, H, W]`. */
  maxPool3d<T extends FloatArray>(input: Tensor<T>, options: PoolOptions): MaxPoolResult<T>;

  /** Puts each value back at its index; zeros elsewhere. Duplicate indices: the last value in input order wins. */
  maxUnpool<T extends FloatArray>(values: Tensor<T>, indices: IndexTensor, options: UnpoolOptions): Tensor<T>;
  maxUnpool1d<T extends FloatArray>(values: Tensor<T>, indices: IndexTensor, options: UnpoolOptions): Tensor<T>;
  maxUnpool2d<T extends FloatArray>(values: Tensor<T>, indices: IndexTensor, options: UnpoolOptions): Tensor<T>;
  maxUnpool3d<T extends FloatArray>(values: Tensor<T>, indices: IndexTensor, options: UnpoolOptions): Tensor<T>;

  /**
   * Gradient of max pooling with respect to its input: a zero-initialised scatter-add of
   * `gradOutput` through `indices` (overlapping windows add up, in output order).
   * With `options`, `gradOutput.shape` is checked against the pooled shape of `inputShape`.
   */
  maxPoolBackward<T extends FloatArray>(gradOutput: Tensor<T>, indices: IndexTensor, inputShape: number[], options?: PoolOptions): Tensor<T>;
  maxPoolBackward1d<T extends FloatArray>(gradOutput: Tensor<T>, indices: IndexTensor, inputShape: number[], options?: PoolOptions): Tensor<T>;
  maxPoolBackward2d<T extends FloatArray>(gradOutput: Tensor<T>, indices: IndexTensor, inputShape: number[], options?: PoolOptions): Tensor<T>;
  maxPoolBackward3d<T extends FloatArray>(gradOutput: Tensor<T>, indices: IndexTensor, inputShape: number[], options?: PoolOptions): Tensor<T>;

  /** The shape `maxPool` returns for `inputShape` and `options` (throws the same errors). */
  outputShape(inputShape: number[], options: PoolOptions): number[];

  /** Value dtypes this build supports. */
  readonly dtypes: readonly string[];
}

export interface InitOptions {
  /** The module's bytes, when you load them yourself. */
  wasmBinary?: ArrayBuffer | Uint8Array;
  /** A precompiled module (e.g. from `WebAssembly.compileStreaming`). */
  wasmModule?: WebAssembly.Module;
  /** Where to fetch (browser) or read (Node) `argpool-wasm.wasm` from; default: next to the package's glue. */
  wasmUrl?: string | URL;
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
export const outputShape: Argpool['outputShape'];

export type ArgpoolErrorCode =
  | 'ARGPOOL_INVALID_TYPE'
  | 'ARGPOOL_INVALID_ARGUMENT'
  | 'ARGPOOL_INDEX_OUT_OF_RANGE'
  | 'ARGPOOL_OUT_OF_MEMORY'
  | 'ARGPOOL_UNSUPPORTED'
  | 'ARGPOOL_NOT_INITIALIZED'
  | 'ARGPOOL_LOAD_FAILED'
  | 'ARGPOOL_INTERNAL';

/** Library-state problems: not initialised, failed load, out of memory. */
export class ArgpoolError extends Error {
  constructor(message: string, code?: ArgpoolErrorCode, options?: ErrorOptions);
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
