// argpool/tfjs: argpool as TensorFlow.js kernels, gradients and layers. Types are structural so that
// argpool does not depend on TF.js's own type declarations (TF.js is an optional peer dependency).
import type { Argpool } from './argpool.js';

/** The subset of a tf.Tensor that these declarations use. */
export interface TfTensorLike {
  readonly shape: number[];
  readonly dtype: string;
  readonly rank: number;
  dispose(): void;
}

export type TfPad = 'valid' | 'same' | number;

/** argpool's own TF.js kernel names (no TF.js equivalent). */
export declare const KERNELS: Readonly<{
  maxUnpool: 'ArgpoolMaxUnpool';
  maxUnpoolGrad: 'ArgpoolMaxUnpoolGrad';
  maxPoolWithArgmaxGrad: 'ArgpoolMaxPoolWithArgmaxGrad';
}>;

export interface RegisterOptions {
  /** Backends to register argpool's kernels for; default: those of 'cpu' and 'wasm' that tf has. */
  backends?: string[];
  /** An argpool instance (from init()); default: the package's own init(). */
  argpool?: Argpool;
}

export interface ArgpoolLayers {
  /** Max pooling with two outputs: [values, indexes] (TF index convention). */
  maxPooling2dWithArgmax(args?: { poolSize?: number | [number, number]; strides?: number | [number, number]; padding?: 'valid' | 'same'; includeBatchInIndex?: boolean; name?: string }): any;
  /** Max unpooling of inputs [values, indexes] or [values, indexes, like] (like: the output's spatial size). */
  maxUnpooling2d(args?: { poolSize?: number | [number, number]; strides?: number | [number, number]; padding?: 'valid' | 'same'; name?: string }): any;
}

export interface ArgpoolTf {
  /** tf.maxPoolWithArgmax with argpool's kernel (NHWC; indexes ((b·H + y)·W + x)·C + c with the batch). */
  maxPoolWithArgmax<T extends TfTensorLike>(x: T, filterSize: number | [number, number], strides: number | [number, number], pad: TfPad,
    includeBatchInIndex?: boolean): { result: T; indexes: T };
  /**
   * Max unpooling: NHWC; outputShape [N, H, W, C] defaults to (h − 1)·s + k ('valid'),
   * (h − 1)·s + k − 2p (a number p), h·s ('same'). Differentiable with respect to x.
   * indexes: int32, or float32 holding exact integers.
   */
  maxUnpool<T extends TfTensorLike>(x: T, indexes: TfTensorLike, filterSize: number | [number, number], strides: number | [number, number],
    pad: TfPad, outputShape?: [number, number, number, number] | null, includeBatchInIndex?: boolean): T;
  /** The shape maxUnpool returns. */
  maxUnpoolShape(xShape: number[], filterSize: number | [number, number], strides: number | [number, number], pad: TfPad, outputShape?: number[]): number[];
  /** The shape maxPoolWithArgmax returns. */
  maxPoolShape(xShape: number[], filterSize: number | [number, number], strides: number | [number, number], pad: TfPad): number[];
  /** Restores exactly the kernels and gradients registered before. Idempotent. */
  unregister(): void;
  /** The backends argpool is registered for. */
  readonly backends: string[];
  /** The argpool instance the kernels run on. */
  readonly argpool: Argpool;
  readonly kernels: typeof KERNELS;
  /** Present when tf has tf.layers. */
  readonly layers?: ArgpoolLayers;
}

/** Registers argpool's kernels and gradients with `tf`; a second call returns the same object. */
export declare function registerArgpool(tf: unknown, options?: RegisterOptions): Promise<ArgpoolTf>;
