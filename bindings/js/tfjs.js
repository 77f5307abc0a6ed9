// argpool/tfjs: argpool as TensorFlow.js kernels and gradients. TF.js is never imported: the
// caller passes its `tf` namespace in, so TF.js stays an optional peer dependency.
//
// Per listed backend this registers kernels for MaxPoolWithArgmax, MaxPoolGrad, MaxPool3DGrad and
// argpool's own unpooling kernels; and the gradients that TF.js lacks (MaxPoolWithArgmax, unpooling).
// Every kernel stages each input into argpool's wasm memory with one copy (read in place from the
// backend: the cpu backend's values array, the wasm backend's heap), runs argpool on wasm tensors,
// and copies each result out once (into the wasm backend's heap, or as the cpu backend's values).
import { ArgpoolError, ArgpoolRangeError, ArgpoolTypeError } from './errors.js';
import { createLayers } from './tfjs-layers.js';

// argpool's own kernels (no TF.js equivalent).
export const KERNELS = Object.freeze({
  maxUnpool: 'ArgpoolMaxUnpool', // inputs { x, indexes }; attrs { filterSize, strides, pad, outputShape, includeBatchInIndex }
  maxUnpoolGrad: 'ArgpoolMaxUnpoolGrad', // inputs { dy, indexes }; attrs { includeBatchInIndex }: a gather
  maxPoolWithArgmaxGrad: 'ArgpoolMaxPoolWithArgmaxGrad', // inputs { dy, indexes }; attrs { inputShape, includeBatchInIndex }
});

const DEFAULT_BACKENDS = ['cpu', 'wasm'];
// Backends whose MaxPool forward argpool replaces: measured faster there (tools/bench/tfjs-rows.mjs).
const FORWARD_BACKENDS = ['cpu'];
// Float32 holds every integer up to 2^24 exactly; above it a float index may have been rounded.
const MAX_FLOAT_INDEX = 2 ** 24;

const describe = (v) => (v === null ? 'null' : Array.isArray(v) ? `an array of length ${v.length}` : typeof v === 'string' ? `the string ${JSON.stringify(v)}` : typeof v === 'number' ? `${v}` : `a value of type ${typeof v}`);

// registerArgpool for one way of loading argpool (the Node or the browser entry's init()).
export function createRegisterArgpool(init) {
  const registered = new WeakMap(); // tf namespace → Promise<apt>

  return async function registerArgpool(tf, options = {}) {
    checkTf(tf);
    if (options === null || typeof options !== 'object') {
      throw new ArgpoolTypeError(`registerArgpool: options must be an object { backends, argpool }, got ${describe(options)}`);
    }
    for (const key of Object.keys(options)) {
      if (key !== 'backends' && key !== 'argpool') {
        throw new ArgpoolTypeError(`registerArgpool: unknown option '${key}'; known options: backends, argpool`);
      }
    }
    const backends = options.backends ?? DEFAULT_BACKENDS.filter((name) => tf.findBackendFactory(name) != null);
    if (!Array.isArray(backends) || backends.some((b) => typeof b !== 'string')) {
      throw new ArgpoolTypeError(`registerArgpool: options.backends must be an array of backend names such as ['cpu', 'wasm'], got ${describe(backends)}`);
    }
    let pending = registered.get(tf);
    if (pending === undefined) {
      pending = Promise.resolve(options.argpool ?? init()).then((ap) => createApt(tf, ap, () => registered.delete(tf)));
      registered.set(tf, pending);
      pending.catch(() => registered.delete(tf));
    }
    const apt = await pending;
    apt._registerBackends(backends);
    return apt;
  };
}

function checkTf(tf) {
  const needed = ['registerKernel', 'unregisterKernel', 'getKernel', 'registerGradient', 'unregisterGradient', 'getGradient',
    'findBackendFactory', 'engine', 'zeros', 'Tensor', 'maxPoolWithArgmax', 'backend_util'];
  const missing = tf === null || (typeof tf !== 'object' && typeof tf !== 'function') ? needed : needed.filter((k) => tf[k] === undefined);
  if (missing.length > 0) {
    throw new ArgpoolTypeError(`registerArgpool: tf must be the TensorFlow.js namespace (import * as tf from '@tensorflow/tfjs' or tfjs-core), missing ${missing.join(', ')}`);
  }
}

// A number or [h, w] (or [d, h, w]): the per-dimension list argpool takes.
function spatialList(fn, name, value, rank) {
  if (typeof value === 'number') return new Array(rank).fill(value);
  if (Array.isArray(value) && value.length === rank) return value.slice();
  throw new ArgpoolTypeError(`${fn}: ${name} must be a number or an array of ${rank} numbers, got ${describe(value)}`);
}

// TF.js pooling attributes → argpool options (NHWC / NDHWC). TF's 'same' puts the odd padding
// at the end (ONNX SAME_UPPER); a number pads every side; explicit padding lists [[0, 0], ...].
// dimRoundingMode 'ceil' is ceil mode; 'round' has no argpool equivalent (null: the caller
// hands the call to TF.js's own kernel).
function poolOptions(fn, rank, filterSize, strides, pad, dimRoundingMode) {
  const options = { layout: 'NHWC', kernelSize: spatialList(fn, 'filterSize', filterSize, rank), stride: spatialList(fn, 'strides', strides, rank) };
  if (pad === 'valid') options.autoPad = 'VALID';
  else if (pad === 'same') options.autoPad = 'SAME_UPPER';
  else if (typeof pad === 'number') options.pads = new Array(2 * rank).fill(pad);
  else if (Array.isArray(pad) && pad.length === rank + 2 && pad.every((p) => Array.isArray(p) && p.length === 2)) {
    options.pads = [...pad.slice(1, -1).map((p) => p[0]), ...pad.slice(1, -1).map((p) => p[1])];
  } else {
    throw new ArgpoolTypeError(`${fn}: pad must be 'valid', 'same', a number or explicit padding, got ${describe(pad)}`);
  }
  if (dimRoundingMode === 'round') return null;
  if (dimRoundingMode === 'ceil' && typeof pad === 'number') options.ceilMode = true;
  return options;
}

function sameShape(a, b) {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function createApt(tf, ap, forget) {
  const registrations = []; // { kernelName, backendName, prior } in registration order
  const gradients = []; // { kernelName, prior }
  const backendsDone = new Set();

  // ---- the data path -----------------------------------------------------------------------------

  // The backend's storage of `info` as a typed array, in place where the backend allows it. For
  // the wasm backend the view is only valid until its next allocation: use it at once.
  function storage(backend, info) {
    if (typeof backend.typedArrayFromHeap === 'function' && backend.dataIdMap !== undefined) return backend.typedArrayFromHeap(info);
    const values = backend.data?.get?.(info.dataId)?.values;
    if (ArrayBuffer.isView(values)) return values;
    return backend.readSync(info.dataId);
  }

  // A float32 or int32 TF.js tensor as an argpool wasm tensor (one copy).
  function stageValues(fn, name, backend, info) {
    if (info.dtype !== 'float32' && info.dtype !== 'int32') {
      throw new ArgpoolTypeError(`${fn}: ${name} must be a float32 or int32 tensor, got '${info.dtype}'`);
    }
    return ap.tensor(info.shape, info.dtype, storage(backend, info));
  }

  function stageFloat(fn, name, backend, info) {
    if (info.dtype !== 'float32') throw new ArgpoolTypeError(`${fn}: ${name} must be a float32 tensor, got '${info.dtype}'`);
    return ap.tensor(info.shape, 'float32', storage(backend, info));
  }

  // Indexes: int32, or float32 holding exact integers (tf.layers passes them as float32).
  function stageIndexes(fn, backend, info) {
    if (info.dtype !== 'int32' && info.dtype !== 'float32') {
      throw new ArgpoolTypeError(`${fn}: indexes must be an int32 tensor (or float32 holding integers), got '${info.dtype}'`);
    }
    const data = storage(backend, info);
    if (!(data instanceof Int32Array)) {
      for (let i = 0; i < data.length; ++i) {
        const v = data[i];
        if (!Number.isInteger(v) || v < -MAX_FLOAT_INDEX || v > MAX_FLOAT_INDEX) {
          throw new ArgpoolRangeError(`${fn}: indexes[${i}] = ${v} is not an integer that float32 holds exactly (|index| <= 2^24); pass int32 indexes`);
        }
      }
    }
    return ap.tensor(info.shape, 'int32', data);
  }

  // argpool wasm tensors → TensorInfos of the backend (one copy each).
  function emit(backend, tensors) {
    if (typeof backend.makeOutput === 'function' && typeof backend.typedArrayFromHeap === 'function') {
      const infos = tensors.map((t) => backend.makeOutput(t.shape.slice(), t.dtype));
      // Views taken after the last allocation: makeOutput may grow (and detach) the heap.
      infos.forEach((info, i) => backend.typedArrayFromHeap(info).set(tensors[i].data));
      return infos;
    }
    return tensors.map((t) => ({ dataId: backend.write(t.data.slice(), t.shape.slice(), t.dtype), shape: t.shape.slice(), dtype: t.dtype }));
  }

  // Runs body(own) with a list to which staged wasm tensors are added; all are freed afterwards.
  function withTensors(body) {
    const own = [];
    try {
      return body(own);
    } finally {
      for (const t of own) t.dispose();
    }
  }

  const own = (list, t) => (list.push(t), t);

  // ---- kernels -----------------------------------------------------------------------------------

  function maxPoolWithArgmaxKernel({ inputs, backend, attrs }) {
    const fn = 'MaxPoolWithArgmax';
    const { x } = inputs;
    const { filterSize, strides, pad, includeBatchInIndex } = attrs;
    if (x.shape.length !== 4) throw new ArgpoolRangeError(`${fn}: x must be rank 4 (NHWC), got rank ${x.shape.length}`);
    const options = { ...poolOptions(fn, 2, filterSize, strides, pad), indexMode: 'tf', includeBatchInIndex: Boolean(includeBatchInIndex) };
    return withTensors((list) => {
      const input = own(list, stageValues(fn, 'x', backend, x));
      const shape = ap.outputShape(x.shape, options);
      const values = own(list, ap.tensor(shape, x.dtype));
      const indices = own(list, ap.tensor(shape, 'int32'));
      ap.maxPool(input, options, { values, indices });
      return emit(backend, [values, indices]);
    });
  }

  // MaxPool forward (values only), registered where it is faster than the backend's own: on
  // TF.js-cpu (README "TensorFlow.js"; TF.js-wasm's is XNNPACK). TF.js's own output shape
  // (backend_util.computePool2DInfo) decides; anything argpool cannot match goes to `prior`.
  function maxPoolKernel(prior) {
    const fn = 'MaxPool';
    return (args) => {
      const { inputs, backend, attrs } = args;
      const { x } = inputs;
      const { filterSize, strides, pad, dimRoundingMode } = attrs;
      if (x.shape.length === 4 && x.dtype === 'float32') {
        const options = poolOptions(fn, 2, filterSize, strides, pad, dimRoundingMode);
        const expected = tf.backend_util.computePool2DInfo(x.shape, filterSize, strides, 1, pad, dimRoundingMode).outShape;
        if (options !== null) {
          options.returnIndices = false;
          const shape = ap.outputShape(x.shape, options);
          if (sameShape(shape, expected)) {
            return withTensors((list) => {
              const input = own(list, stageFloat(fn, 'x', backend, x));
              const values = own(list, ap.tensor(shape, 'float32'));
              ap.maxPool(input, options, { values });
              return emit(backend, [values])[0];
            });
          }
        }
      }
      if (prior === undefined) throw new ArgpoolRangeError(`${fn}: argpool cannot pool this input and the backend has no kernel of its own`);
      return prior.kernelFunc(args);
    };
  }

  // MaxPoolGrad / MaxPool3DGrad: argmax of the input (as TF.js-cpu: first maximum), then argpool's
  // scatter-add of dy. `prior`: TF.js's own kernel for what argpool cannot express.
  function maxPoolGradKernel(rank, prior) {
    const fn = rank === 2 ? 'MaxPoolGrad' : 'MaxPool3DGrad';
    return (args) => {
      const { inputs, backend, attrs } = args;
      const { dy, input } = inputs;
      const { filterSize, strides, pad, dimRoundingMode } = attrs;
      // TF.js's MaxPool gradient does not pass dimRoundingMode on: dy's shape tells floor from ceil.
      const floor = poolOptions(fn, rank, filterSize, strides, pad, 'floor');
      const candidates = typeof pad === 'number' ? [floor, { ...floor, ceilMode: true }] : [floor];
      const options = candidates.find((o) => sameShape(ap.outputShape(input.shape, o), dy.shape));
      if (options !== undefined && input.dtype === 'float32' && dy.dtype === 'float32') {
        const pooled = dy.shape;
        {
          return withTensors((list) => {
            const x = own(list, stageFloat(fn, 'input', backend, input));
            const values = own(list, ap.tensor(pooled, 'float32'));
            const indices = own(list, ap.tensor(pooled, 'int32'));
            ap.maxPool(x, options, { values, indices });
            const g = own(list, stageFloat(fn, 'dy', backend, dy));
            const dx = own(list, ap.tensor(input.shape, 'float32'));
            ap.maxPoolBackward(g, indices, input.shape, { layout: 'NHWC' }, dx);
            return emit(backend, [dx])[0];
          });
        }
      }
      if (prior === undefined) {
        throw new ArgpoolRangeError(`${fn}: argpool cannot compute this gradient (dimRoundingMode ${describe(dimRoundingMode)}, dtype '${input.dtype}', dy shape [${dy.shape}]) and the backend has no kernel of its own`);
      }
      return prior.kernelFunc(args);
    };
  }

  // Unpool options: NHWC, TF index convention. 'same' pooling maps size H to ceil(H / s): its
  // inverse is H = h·s, which argpool's unpooling gives for kernel = stride.
  function unpoolOptions(fn, filterSize, strides, pad, outputShape, includeBatchInIndex) {
    const kernelSize = spatialList(fn, 'filterSize', filterSize, 2);
    const stride = spatialList(fn, 'strides', strides, 2);
    const options = { layout: 'NHWC', indexMode: 'tf', includeBatchInIndex: Boolean(includeBatchInIndex), stride };
    if (pad === 'same') options.kernelSize = stride;
    else if (pad === 'valid') options.kernelSize = kernelSize;
    else if (typeof pad === 'number') Object.assign(options, { kernelSize, pads: [pad, pad, pad, pad] });
    else throw new ArgpoolTypeError(`${fn}: pad must be 'valid', 'same' or a number, got ${describe(pad)}`);
    if (outputShape !== undefined && outputShape !== null) options.outputSize = outputShape;
    return options;
  }

  // The unpooled shape, from argpool's own shape rules (ap.unpoolOutputShape). `valuesShape` [N, h, w, C].
  const unpoolShape = (valuesShape, options) => ap.unpoolOutputShape(valuesShape, options);

  function maxUnpoolKernel({ inputs, backend, attrs }) {
    const fn = 'maxUnpool';
    const { x, indexes } = inputs;
    const { filterSize, strides, pad, outputShape, includeBatchInIndex } = attrs;
    const options = unpoolOptions(fn, filterSize, strides, pad, outputShape, includeBatchInIndex);
    return withTensors((list) => {
      const values = own(list, stageValues(fn, 'x', backend, x));
      const indices = own(list, stageIndexes(fn, backend, indexes));
      const output = own(list, ap.tensor(unpoolShape(x.shape, options), x.dtype));
      ap.maxUnpool(values, indices, options, output);
      return emit(backend, [output])[0];
    });
  }

  function maxUnpoolGradKernel({ inputs, backend, attrs }) {
    const fn = 'maxUnpool (gradient)';
    const { dy, indexes } = inputs;
    return withTensors((list) => {
      const g = own(list, stageFloat(fn, 'dy', backend, dy));
      const indices = own(list, stageIndexes(fn, backend, indexes));
      const dx = own(list, ap.tensor(indexes.shape, 'float32'));
      ap.maxUnpoolBackward(g, indices, indexes.shape, { layout: 'NHWC', indexMode: 'tf', includeBatchInIndex: Boolean(attrs.includeBatchInIndex) }, dx);
      return emit(backend, [dx])[0];
    });
  }

  function maxPoolWithArgmaxGradKernel({ inputs, backend, attrs }) {
    const fn = 'MaxPoolWithArgmax (gradient)';
    const { dy, indexes } = inputs;
    return withTensors((list) => {
      const g = own(list, stageFloat(fn, 'dy', backend, dy));
      const indices = own(list, stageIndexes(fn, backend, indexes));
      const dx = own(list, ap.tensor(attrs.inputShape, 'float32'));
      ap.maxPoolBackward(g, indices, attrs.inputShape, { layout: 'NHWC', indexMode: 'tf', includeBatchInIndex: Boolean(attrs.includeBatchInIndex) }, dx);
      return emit(backend, [dx])[0];
    });
  }

  // ---- registration --------------------------------------------------------------------------------

  const runKernel = (name, inputs, attrs) => tf.engine().runKernel(name, inputs, attrs);

  const GRADIENTS = [
    {
      kernelName: 'MaxPoolWithArgmax',
      inputsToSave: ['x'],
      outputsToSave: [false, true],
      gradFunc: (dys, saved, attrs) => {
        const [x, indexes] = saved;
        const dy = Array.isArray(dys) ? dys[0] : dys;
        return { x: () => runKernel(KERNELS.maxPoolWithArgmaxGrad, { dy, indexes }, { inputShape: x.shape, includeBatchInIndex: attrs.includeBatchInIndex }) };
      },
    },
    {
      kernelName: KERNELS.maxUnpool,
      inputsToSave: ['indexes'],
      gradFunc: (dy, saved, attrs) => {
        const [indexes] = saved;
        return {
          x: () => runKernel(KERNELS.maxUnpoolGrad, { dy, indexes }, { includeBatchInIndex: attrs.includeBatchInIndex }),
          indexes: () => tf.zeros(indexes.shape), // integer positions: no gradient (TF.js wants float32 zeros)
        };
      },
    },
  ];

  function registerKernel(kernelName, backendName, makeKernelFunc) {
    if (registrations.some((r) => r.kernelName === kernelName && r.backendName === backendName)) return;
    const prior = tf.getKernel(kernelName, backendName);
    if (prior !== undefined) tf.unregisterKernel(kernelName, backendName);
    tf.registerKernel({ kernelName, backendName, kernelFunc: makeKernelFunc(prior) });
    registrations.push({ kernelName, backendName, prior });
  }

  function registerBackends(backends) {
    if (unregistered) throw new ArgpoolError('registerArgpool: this registration was undone by unregister(); call registerArgpool again', 'ARGPOOL_UNREGISTERED');
    for (const backendName of backends) {
      if (backendsDone.has(backendName)) continue;
      registerKernel('MaxPoolWithArgmax', backendName, () => maxPoolWithArgmaxKernel);
      if (FORWARD_BACKENDS.includes(backendName)) registerKernel('MaxPool', backendName, (prior) => maxPoolKernel(prior));
      registerKernel('MaxPoolGrad', backendName, (prior) => maxPoolGradKernel(2, prior));
      registerKernel('MaxPool3DGrad', backendName, (prior) => maxPoolGradKernel(3, prior));
      registerKernel(KERNELS.maxUnpool, backendName, () => maxUnpoolKernel);
      registerKernel(KERNELS.maxUnpoolGrad, backendName, () => maxUnpoolGradKernel);
      registerKernel(KERNELS.maxPoolWithArgmaxGrad, backendName, () => maxPoolWithArgmaxGradKernel);
      backendsDone.add(backendName);
    }
    if (gradients.length === 0) {
      for (const config of GRADIENTS) {
        gradients.push({ kernelName: config.kernelName, prior: tf.getGradient(config.kernelName) });
        tf.registerGradient(config);
      }
    }
  }

  let unregistered = false;

  // Restores exactly the kernels and gradients registered before, in reverse order.
  function unregister() {
    if (unregistered) return;
    unregistered = true;
    for (const { kernelName, backendName, prior } of registrations.reverse()) {
      tf.unregisterKernel(kernelName, backendName);
      if (prior !== undefined) tf.registerKernel(prior);
    }
    for (const { kernelName, prior } of gradients.reverse()) {
      tf.unregisterGradient(kernelName);
      if (prior !== undefined) tf.registerGradient(prior);
    }
    registrations.length = 0;
    gradients.length = 0;
    forget();
  }

  function checkTensor(fn, name, t) {
    if (!(t instanceof tf.Tensor)) throw new ArgpoolTypeError(`${fn}: ${name} must be a tf.Tensor, got ${describe(t)}`);
  }

  function checkBackend(fn) {
    const backendName = tf.getBackend();
    if (tf.getKernel(KERNELS.maxUnpool, backendName) === undefined) {
      throw new ArgpoolError(`${fn}: argpool is not registered for the backend '${backendName}'; list it in registerArgpool(tf, { backends })`, 'ARGPOOL_BACKEND_NOT_REGISTERED');
    }
  }

  const apt = {
    /** tf.maxPoolWithArgmax with argpool's kernel: { result, indexes }. */
    maxPoolWithArgmax(x, filterSize, strides, pad, includeBatchInIndex = false) {
      checkTensor('apt.maxPoolWithArgmax', 'x', x);
      checkBackend('apt.maxPoolWithArgmax');
      return tf.maxPoolWithArgmax(x, filterSize, strides, pad, includeBatchInIndex);
    },
    /** Max unpooling (NHWC, TF index convention), differentiable with respect to x. */
    maxUnpool(x, indexes, filterSize, strides, pad, outputShape = undefined, includeBatchInIndex = false) {
      const fn = 'apt.maxUnpool';
      checkTensor(fn, 'x', x);
      checkTensor(fn, 'indexes', indexes);
      if (x.rank !== 4) throw new ArgpoolRangeError(`${fn}: x must be rank 4 (NHWC), got rank ${x.rank}`);
      if (outputShape !== undefined && outputShape !== null && !(Array.isArray(outputShape) && outputShape.length === 4)) {
        throw new ArgpoolTypeError(`${fn}: outputShape must be [N, H, W, C], got ${describe(outputShape)}`);
      }
      checkBackend(fn);
      const attrs = { filterSize, strides, pad, outputShape: outputShape ?? null, includeBatchInIndex: Boolean(includeBatchInIndex) };
      return runKernel(KERNELS.maxUnpool, { x, indexes }, attrs);
    },
    /** The shape apt.maxUnpool returns (argpool's shape rules). */
    maxUnpoolShape(xShape, filterSize, strides, pad, outputShape = undefined) {
      return unpoolShape(xShape, unpoolOptions('apt.maxUnpoolShape', filterSize, strides, pad, outputShape, false));
    },
    /** The shape tf.maxPoolWithArgmax returns with argpool's kernel. */
    maxPoolShape(xShape, filterSize, strides, pad) {
      return ap.outputShape(xShape, poolOptions('apt.maxPoolShape', 2, filterSize, strides, pad));
    },
    unregister,
    get backends() { return [...backendsDone]; },
    argpool: ap,
    kernels: KERNELS,
  };
  Object.defineProperty(apt, '_registerBackends', { value: registerBackends, enumerable: false });
  if (tf.layers !== undefined && tf.serialization !== undefined) apt.layers = createLayers(tf, apt);
  return Object.freeze(apt);
}
