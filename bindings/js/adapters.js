// Framework adapters: ONNX's and TensorFlow.js's own argument names, defaults and index
// conventions, mapped onto maxPool / maxUnpool. No computation of their own beyond ONNX's
// output_shape padding.
import { ArgpoolRangeError, ArgpoolTypeError } from './errors.js';
import { checkOptions, describe, shapeString } from './options.js';

const ONNX_POOL_ATTRIBUTES = ['kernel_shape', 'strides', 'pads', 'dilations', 'ceil_mode', 'auto_pad', 'storage_order'];
const ONNX_UNPOOL_ATTRIBUTES = ['kernel_shape', 'strides', 'pads'];

function rankOf(fn, name, tensor) {
  const rank = Array.isArray(tensor?.shape) ? tensor.shape.length - 2 : NaN;
  if (!(rank >= 1 && rank <= 3)) {
    throw new ArgpoolTypeError(`${fn}: ${name} must be a tensor { data, shape } of 3 to 5 dimensions, got ${describe(tensor?.shape ?? tensor)}`);
  }
  return rank;
}

function attributeList(fn, attributes, name, rank, fallback) {
  const value = attributes[name];
  if (value === undefined || value === null) return fallback;
  if (!Array.isArray(value) && !ArrayBuffer.isView(value)) {
    throw new ArgpoolTypeError(`${fn}: attribute ${name} must be an array of integers, got ${describe(value)}`);
  }
  return Array.from(value, Number);
}

// ONNX Runtime Web tensors ({ data, dims, type }): read as { data, shape }; others pass unchanged.
function fromOrt(X) {
  if (X !== null && typeof X === 'object' && X.shape === undefined && X.dims !== undefined && ArrayBuffer.isView(X.data)) {
    return { data: X.data, shape: Array.from(X.dims, Number) };
  }
  return X;
}

// A trailing `{ Tensor }` argument (e.g. { Tensor: ort.Tensor }): results are made as such tensors.
const isTensorFactory = (value) => value !== null && typeof value === 'object' && typeof value.Tensor === 'function';

const ORT_TYPES = new Map([[Float32Array, 'float32'], [Float64Array, 'float64'], [Int8Array, 'int8'], [Uint8Array, 'uint8'],
  [Uint8ClampedArray, 'uint8'], [Int16Array, 'int16'], [Uint16Array, 'uint16'], [Int32Array, 'int32'], [BigInt64Array, 'int64']]);

function toOrt(factory, tensor) {
  const data = tensor.data instanceof Uint8ClampedArray ? new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.length) : tensor.data;
  return new factory.Tensor(ORT_TYPES.get(data.constructor), data, tensor.shape);
}

export function createAdapters(ap) {
  const onnx = {
    // ONNX MaxPool (opsets 8-22): returns { Y, Indices } with Indices as BigInt64Array offsets
    // into the whole NCHW input (storage_order 1: column-major spatial part).
    // With `{ Tensor }` (e.g. { Tensor: ort.Tensor }) as the last argument, Y and Indices are such
    // tensors (Indices int64, as ONNX Runtime gives them).
    maxPool(X, attributes = {}, factory = undefined) {
      const fn = 'onnx.maxPool';
      if (isTensorFactory(attributes) && factory === undefined) [attributes, factory] = [{}, attributes];
      X = fromOrt(X);
      const rank = rankOf(fn, 'X', X);
      checkOptions(fn, attributes, ONNX_POOL_ATTRIBUTES);
      const ones = new Array(rank).fill(1);
      const options = {
        kernelSize: attributeList(fn, attributes, 'kernel_shape', rank, undefined),
        stride: attributeList(fn, attributes, 'strides', rank, ones), // ONNX's default stride is 1
        dilation: attributeList(fn, attributes, 'dilations', rank, ones),
        ceilMode: Boolean(attributes.ceil_mode ?? 0),
        indexMode: 'global',
        indexType: 'int64',
        storageOrder: attributes.storage_order ?? 0,
      };
      const autoPad = attributes.auto_pad ?? 'NOTSET';
      if (autoPad !== 'NOTSET') options.autoPad = autoPad;
      else options.pads = attributeList(fn, attributes, 'pads', rank, new Array(2 * rank).fill(0));
      if (options.kernelSize === undefined) throw new ArgpoolTypeError(`${fn}: attribute kernel_shape is required`);
      const { values, indices } = ap.maxPool(X, options);
      if (isTensorFactory(factory)) return { Y: toOrt(factory, values), Indices: toOrt(factory, indices) };
      return { Y: values, Indices: indices };
    },

    // ONNX MaxUnpool: indices (BigInt64Array or Int32Array, whole-tensor offsets) are resolved
    // in the inferred shape (in - 1) * stride + kernel - pad_begin - pad_end; `outputShape`
    // ([N, C, ...], numbers or BigInt64Array) then zero-pads each spatial dimension at its end.
    // This differs from ap.maxUnpool's PyTorch rule, which resolves indices in outputSize.
    // X, I (and outputShape) may be ONNX Runtime Web tensors; with `{ Tensor }` as the last
    // argument the result is such a tensor.
    maxUnpool(X, I, attributes = {}, outputShape = undefined, factory = undefined) {
      const fn = 'onnx.maxUnpool';
      if (isTensorFactory(outputShape) && factory === undefined) [outputShape, factory] = [undefined, outputShape];
      const y = unpoolOnnx(fn, fromOrt(X), fromOrt(I), attributes, outputShape);
      return isTensorFactory(factory) ? toOrt(factory, y) : y;
    },
  };

  // ONNX MaxUnpool on { data, shape } tensors (see onnx.maxUnpool).
  function unpoolOnnx(fn, X, I, attributes, outputShape) {
    if (outputShape !== null && typeof outputShape === 'object' && ArrayBuffer.isView(outputShape.data)) outputShape = outputShape.data;
    const rank = rankOf(fn, 'X', X);
    checkOptions(fn, attributes, ONNX_UNPOOL_ATTRIBUTES);
    const kernelSize = attributeList(fn, attributes, 'kernel_shape', rank, undefined);
    if (kernelSize === undefined) throw new ArgpoolTypeError(`${fn}: attribute kernel_shape is required`);
    const inferred = ap.maxUnpool(X, I, {
      kernelSize,
      stride: attributeList(fn, attributes, 'strides', rank, new Array(rank).fill(1)),
      pads: attributeList(fn, attributes, 'pads', rank, new Array(2 * rank).fill(0)),
      indexMode: 'global',
    });
    if (outputShape === undefined || outputShape === null) return inferred;
    const shape = attributeList(fn, { output_shape: outputShape }, 'output_shape', rank, undefined);
    const ok = shape.length === rank + 2 && shape[0] === inferred.shape[0] && shape[1] === inferred.shape[1] &&
      shape.every((d, i) => Number.isSafeInteger(d) && (i < 2 || d >= inferred.shape[i]));
    if (!ok) {
      throw new ArgpoolRangeError(`${fn}: outputShape ${shapeString(shape)} must be [N, C, ...] with the N and C of X and spatial sizes at least the inferred ${shapeString(inferred.shape)}`);
    }
    const out = new inferred.data.constructor(shape.reduce((a, b) => a * b, 1));
    // Copy row by row: the inferred block sits at the start of every padded dimension.
    const inner = inferred.shape[inferred.shape.length - 1];
    const rows = inferred.data.length / inner;
    for (let r = 0; r < rows; ++r) {
      let rest = r, offset = 0, stride = 1;
      for (let d = shape.length - 2; d >= 0; --d) {
        const coordinate = rest % inferred.shape[d];
        rest = Math.floor(rest / inferred.shape[d]);
        stride *= shape[d + 1];
        offset += coordinate * stride;
      }
      out.set(inferred.data.subarray(r * inner, (r + 1) * inner), offset);
    }
    return { data: out, shape };
  }

  const tf = {
    // tf.maxPoolWithArgmax(x, filterSize, strides, pad, includeBatchInIndex) on an NHWC
    // { data, shape } tensor. indexes = (y * W + x) * C + c (+ n * H * W * C with the batch),
    // as TensorFlow; ties keep the first maximum and NaN wins (argpool's rule everywhere).
    maxPoolWithArgmax(x, filterSize, strides, pad, includeBatchInIndex = false) {
      const fn = 'tf.maxPoolWithArgmax';
      if (!Array.isArray(x?.shape) || x.shape.length !== 4) {
        throw new ArgpoolTypeError(`${fn}: x must be a 4-D NHWC tensor { data, shape: [N, H, W, C] }, got ${describe(x?.shape ?? x)}`);
      }
      const options = { layout: 'NHWC', kernelSize: filterSize, stride: strides, indexMode: 'tf', includeBatchInIndex };
      if (pad === 'valid' || pad === 'same') options.autoPad = pad;
      else if (typeof pad === 'number') options.pads = [pad, pad, pad, pad];
      else throw new ArgpoolTypeError(`${fn}: pad must be 'valid', 'same' or a number, got ${describe(pad)}`);
      const { values, indices } = ap.maxPool(x, options);
      return { result: values, indexes: indices };
    },
  };

  return { onnx: Object.freeze(onnx), tf: Object.freeze(tf) };
}
