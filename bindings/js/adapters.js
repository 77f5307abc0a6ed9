// Framework adapters: ONNX's and TensorFlow.js's own argument names, defaults and index
// conventions, mapped onto the core operations. Arguments are snapshotted once (snapshot.js), like
// every public function's; ONNX Runtime Web tensors ({ data, dims, type }) are accepted as inputs.
import { ArgpoolError, ArgpoolRangeError, ArgpoolTypeError } from './errors.js';
import { checkShape, DTYPE_BY_TAG, KIND_TYPES, product, shapeString } from './options.js';
import {
  ArrayIsArray, ArrayPrototypeIncludes, MathFloor, NumberIsSafeInteger, TypedArrayPrototypeSet, TypedArrayPrototypeSubarray,
} from './primordials.js';
import { describe, readProperty, snapshotList, snapshotOptions, snapshotTensor, typedArrayTag } from './snapshot.js';
import { WasmTensor } from './tensor.js';

const ONNX_POOL_ATTRIBUTES = ['kernel_shape', 'strides', 'pads', 'dilations', 'ceil_mode', 'auto_pad', 'storage_order'];
const ONNX_UNPOOL_ATTRIBUTES = ['kernel_shape', 'strides', 'pads'];
const ONNX_AUTO_PAD = ['NOTSET', 'SAME_UPPER', 'SAME_LOWER', 'VALID'];
const MAX_ELEMENTS = 2 ** 31 - 1;

// [value, value, …] of `length`, without Array.prototype.fill (a caller may have replaced it).
function filled(length, value) {
  const list = new Array(length);
  for (let i = 0; i < length; ++i) list[i] = value;
  return list;
}

const shapeOf = (snap) => (snap.tensor !== null ? WasmTensor.dimsOf(snap.tensor) : snap.shape);

// A { data, shape } snapshot without a genuine typed array has no shape copy: its type error first.
function requireData(fn, name, snap) {
  if (snap.tensor === null && snap.tag === undefined) {
    throw new ArgpoolTypeError(`${fn}: ${name}.data must be a ${KIND_TYPES.values}, got ${describe(snap.data)}`);
  }
}

function rankOf(fn, name, snap) {
  requireData(fn, name, snap);
  const shape = shapeOf(snap);
  const rank = ArrayIsArray(shape) ? shape.length - 2 : NaN;
  if (!(rank >= 1 && rank <= 3)) {
    throw new ArgpoolRangeError(`${fn}: ${name} must be a tensor of 3 to 5 dimensions [N, C, ...spatial], got ${shapeString(shape)}`);
  }
  return rank;
}

// An attribute list (already copied by the snapshot; BigInt elements, as ONNX's int64 attributes
// may come, are converted when exact).
function attributeList(fn, name, value, fallback) {
  if (value === undefined || value === null) return fallback;
  if (!ArrayIsArray(value)) throw new ArgpoolTypeError(`${fn}: attribute ${name} must be an array of integers, got ${describe(value)}`);
  const list = new Array(value.length);
  for (let i = 0; i < value.length; ++i) {
    const v = typeof value[i] === 'bigint' && value[i] >= -(2n ** 53n) && value[i] <= 2n ** 53n ? Number(value[i]) : value[i];
    if (typeof v !== 'number' || !NumberIsSafeInteger(v)) {
      throw new (typeof v === 'number' ? ArgpoolRangeError : ArgpoolTypeError)(`${fn}: attribute ${name}[${i}] must be an integer, got ${describe(value[i])}`);
    }
    list[i] = v;
  }
  return list;
}

function flag(fn, name, value) {
  if (value === undefined || value === null) return 0;
  const v = typeof value === 'bigint' ? Number(value) : value;
  if (v !== 0 && v !== 1) throw new ArgpoolTypeError(`${fn}: attribute ${name} must be 0 or 1, got ${describe(value)}`);
  return v;
}

// A trailing `{ Tensor }` argument (e.g. { Tensor: ort.Tensor }): results are made as such tensors.
// Read once: the `Tensor` member is taken from the snapshot of the object.
function tensorFactory(fn, value) {
  if (value === undefined || value === null || typeof value !== 'object' || ArrayIsArray(value)) return null;
  const Tensor = readProperty(fn, 'factory', value, 'Tensor');
  return typeof Tensor === 'function' ? Tensor : null;
}

// A result { data, shape } (argpool's own fresh arrays) as a tensor of `Tensor` (ort.Tensor's
// constructor: new Tensor(type, data, dims)).
function toFactory(Tensor, tensor) {
  const tag = typedArrayTag(tensor.data);
  const data = tag === 'Uint8ClampedArray' ? new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.length) : tensor.data;
  // ONNX Runtime's type names are argpool's dtype names.
  const type = tag === 'BigInt64Array' ? 'int64' : DTYPE_BY_TAG.get(tag).name;
  return new Tensor(type, data, tensor.shape);
}

export function createAdapters({ maxPoolWith, maxUnpoolWith }) {
  const onnx = {
    // ONNX MaxPool (opsets 8-22): returns { Y, Indices } with Indices as BigInt64Array offsets
    // into the whole NCHW input (storage_order 1: column-major spatial part).
    // With `{ Tensor }` (e.g. { Tensor: ort.Tensor }) as the last argument, Y and Indices are such
    // tensors (Indices int64, as ONNX Runtime gives them).
    maxPool(X, attributes = {}, factory = undefined) {
      const fn = 'onnx.maxPool';
      let Tensor = tensorFactory(fn, factory);
      if (factory === undefined && (Tensor = tensorFactory(fn, attributes)) !== null) attributes = {};
      const xs = snapshotTensor(fn, 'X', X);
      const attrs = snapshotOptions(fn, attributes, ONNX_POOL_ATTRIBUTES, 'attributes');
      const rank = rankOf(fn, 'X', xs);
      const ones = filled(rank, 1);
      const kernelSize = attributeList(fn, 'kernel_shape', attrs.kernel_shape, undefined);
      if (kernelSize === undefined) throw new ArgpoolTypeError(`${fn}: attribute kernel_shape is required`);
      const options = {
        __proto__: null,
        kernelSize,
        stride: attributeList(fn, 'strides', attrs.strides, ones), // ONNX's default stride is 1
        dilation: attributeList(fn, 'dilations', attrs.dilations, ones),
        ceilMode: flag(fn, 'ceil_mode', attrs.ceil_mode) === 1,
        indexMode: 'global',
        indexType: 'int64',
        storageOrder: flag(fn, 'storage_order', attrs.storage_order),
      };
      const autoPad = attrs.auto_pad ?? 'NOTSET';
      if (typeof autoPad !== 'string' || !ArrayPrototypeIncludes(ONNX_AUTO_PAD, autoPad)) {
        throw new ArgpoolTypeError(`${fn}: attribute auto_pad must be one of ${ONNX_AUTO_PAD.map((p) => `'${p}'`).join(', ')}, got ${describe(autoPad)}`);
      }
      if (autoPad !== 'NOTSET') {
        if (attrs.pads !== undefined && attrs.pads !== null) {
          throw new ArgpoolTypeError(`${fn}: attributes pads and auto_pad '${autoPad}' cannot be combined (ONNX: pads only with auto_pad NOTSET)`);
        }
        options.autoPad = autoPad;
      } else {
        options.pads = attributeList(fn, 'pads', attrs.pads, filled(2 * rank, 0));
      }
      const { values, indices } = maxPoolWith(fn, xs, options, null, undefined);
      if (Tensor !== null) return { Y: toFactory(Tensor, values), Indices: toFactory(Tensor, indices) };
      return { Y: values, Indices: indices };
    },

    // ONNX MaxUnpool: indices (BigInt64Array or Int32Array, whole-tensor offsets) are resolved
    // in the inferred shape (in - 1) * stride + kernel - pad_begin - pad_end; `outputShape`
    // ([N, C, ...], numbers or BigInt64Array) then zero-pads each spatial dimension at its end.
    // This differs from ap.maxUnpool's PyTorch rule, which resolves indices in outputSize.
    maxUnpool(X, I, attributes = {}, outputShape = undefined, factory = undefined) {
      const fn = 'onnx.maxUnpool';
      let Tensor = tensorFactory(fn, factory);
      if (factory === undefined && typedArrayTag(outputShape) === undefined && (Tensor = tensorFactory(fn, outputShape)) !== null) {
        // { Tensor } in place of outputShape; an ort.Tensor outputShape (int64 dims) has no Tensor member
        outputShape = undefined;
      }
      const y = unpoolOnnx(fn, X, I, attributes, outputShape);
      return Tensor !== null ? toFactory(Tensor, y) : y;
    },
  };

  function unpoolOnnx(fn, X, I, attributes, outputShape) {
    {
      const xs = snapshotTensor(fn, 'X', X);
      const is = snapshotTensor(fn, 'I', I);
      const attrs = snapshotOptions(fn, attributes, ONNX_UNPOOL_ATTRIBUTES, 'attributes');
      // An ort.Tensor of int64 dims stands for its data.
      const shapeSource = outputShape !== null && typeof outputShape === 'object' && !ArrayIsArray(outputShape) &&
        typedArrayTag(outputShape) === undefined ? readProperty(fn, 'outputShape', outputShape, 'data') : outputShape;
      const shapeCopy = shapeSource === undefined || shapeSource === null ? null : snapshotList(fn, 'outputShape', shapeSource);
      const rank = rankOf(fn, 'X', xs);
      const kernelSize = attributeList(fn, 'kernel_shape', attrs.kernel_shape, undefined);
      if (kernelSize === undefined) throw new ArgpoolTypeError(`${fn}: attribute kernel_shape is required`);
      const options = {
        __proto__: null,
        kernelSize,
        stride: attributeList(fn, 'strides', attrs.strides, filled(rank, 1)),
        pads: attributeList(fn, 'pads', attrs.pads, filled(2 * rank, 0)),
        indexMode: 'global',
      };
      const shape = shapeCopy === null ? null : checkShape(fn, 'outputShape', attributeList(fn, 'outputShape', shapeCopy, undefined), rank);
      if (shape !== null && product(shape) > MAX_ELEMENTS) {
        throw new ArgpoolError(`${fn}: outputShape ${shapeString(shape)} has ${product(shape)} elements, more than wasm memory can hold`,
          'ARGPOOL_OUT_OF_MEMORY');
      }
      const inferred = maxUnpoolWith(fn, xs, is, options, null, undefined);
      if (shape === null) return inferred;
      let ok = shape[0] === inferred.shape[0] && shape[1] === inferred.shape[1];
      for (let d = 2; d < shape.length; ++d) ok &&= shape[d] >= inferred.shape[d];
      if (!ok) {
        throw new ArgpoolRangeError(`${fn}: outputShape ${shapeString(shape)} must be [N, C, ...] with the N and C of X and spatial sizes at least the inferred ${shapeString(inferred.shape)}`);
      }
      const out = new (DTYPE_BY_TAG.get(typedArrayTag(inferred.data)).ArrayType)(product(shape));
      // Copy row by row: the inferred block sits at the start of every padded dimension.
      const inner = inferred.shape[inferred.shape.length - 1];
      const rows = inferred.data.length / inner;
      for (let r = 0; r < rows; ++r) {
        let rest = r, offset = 0, stride = 1;
        for (let d = shape.length - 2; d >= 0; --d) {
          const coordinate = rest % inferred.shape[d];
          rest = MathFloor(rest / inferred.shape[d]);
          stride *= shape[d + 1];
          offset += coordinate * stride;
        }
        TypedArrayPrototypeSet(out, TypedArrayPrototypeSubarray(inferred.data, r * inner, (r + 1) * inner), offset);
      }
      return { data: out, shape };
    }
  }

  const tf = {
    // tf.maxPoolWithArgmax(x, filterSize, strides, pad, includeBatchInIndex) on an NHWC
    // { data, shape } tensor. indexes = (y * W + x) * C + c (+ n * H * W * C with the batch),
    // as TensorFlow; ties keep the first maximum and NaN wins (argpool's rule everywhere).
    maxPoolWithArgmax(x, filterSize, strides, pad, includeBatchInIndex = false) {
      const fn = 'tf.maxPoolWithArgmax';
      const xs = snapshotTensor(fn, 'x', x);
      const kernelSize = snapshotList(fn, 'filterSize', filterSize);
      const stride = snapshotList(fn, 'strides', strides);
      requireData(fn, 'x', xs);
      if (shapeOf(xs).length !== 4) {
        throw new ArgpoolRangeError(`${fn}: x must be a 4-D NHWC tensor [N, H, W, C], got ${shapeString(shapeOf(xs))}`);
      }
      const options = { __proto__: null, layout: 'NHWC', kernelSize, stride, indexMode: 'tf', includeBatchInIndex };
      if (pad === 'valid' || pad === 'same') options.autoPad = pad;
      else if (typeof pad === 'number') options.pads = [pad, pad, pad, pad];
      else throw new ArgpoolTypeError(`${fn}: pad must be 'valid', 'same' or a number, got ${describe(pad)}`);
      const { values, indices } = maxPoolWith(fn, xs, options, null, undefined);
      return { result: values, indexes: indices };
    },
  };

  return { onnx: Object.freeze(onnx), tf: Object.freeze(tf) };
}
