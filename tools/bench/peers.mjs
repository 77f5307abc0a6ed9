// Peer adapters shared by the benchmark (tools/bench/bench.mjs) and the cross-check tests
// (tests/peers.test.mjs): loading argpool, TF.js (wasm and cpu backends) and ONNX Runtime Web
// in Node; index conversions between them; and (re-exported from ./core.mjs) layout conversions
// and a naive JavaScript implementation of PyTorch 1.13's max pooling with indices, max unpooling
// and pooling backward.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { maxPoolModel, maxUnpoolModel, symmetricPads } from '../onnx-model.mjs';
import { normalizePoolOptions, perDim, product } from './core.mjs';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const NODE_MODULES = join(ROOT, 'node_modules');

// ---- loaders ------------------------------------------------------------------------------------

let argpoolPromise = null;

// argpool's init(); dist/ may be rebuilt while a bench or test starts, so a failed load is retried
// a few times, 20 s apart.
export function loadArgpool({ attempts = 4, delayMs = 20_000 } = {}) {
  argpoolPromise ??= (async () => {
    const { init } = await import('../../bindings/js/node.js');
    for (let attempt = 1; ; ++attempt) {
      try {
        return await init();
      } catch (error) {
        if (attempt >= attempts) throw error;
        console.error(`argpool failed to load (${error.message}); retrying in ${delayMs / 1000} s`);
        await new Promise((resolve) => setTimeout(resolve, delayMs));
      }
    }
  })();
  return argpoolPromise;
}

let ortPromise = null;

// onnxruntime-web, wasm execution provider, one thread.
export function loadOrt() {
  ortPromise ??= (async () => {
    const ort = await import('onnxruntime-web');
    ort.env.wasm.wasmPaths = join(NODE_MODULES, 'onnxruntime-web', 'dist') + '/';
    ort.env.wasm.numThreads = 1;
    ort.env.logLevel = 'error';
    return ort;
  })();
  return ortPromise;
}

let tfPromise = null;

// TF.js core with the cpu and wasm backends registered; call useTfBackend() before creating tensors.
export function loadTf() {
  tfPromise ??= (async () => {
    const tf = await import('@tensorflow/tfjs-core');
    await import('@tensorflow/tfjs-backend-cpu');
    const { setWasmPaths } = await import('@tensorflow/tfjs-backend-wasm');
    setWasmPaths(join(NODE_MODULES, '@tensorflow', 'tfjs-backend-wasm', 'dist') + '/');
    tf.env().set('PROD', true); // silences the "install tfjs-node" banner of the cpu backend
    return tf;
  })();
  return tfPromise;
}

export async function useTfBackend(name) {
  const tf = await loadTf();
  if (tf.getBackend() !== name) {
    const ok = await tf.setBackend(name);
    if (!ok) throw new Error(`TF.js backend '${name}' failed to initialise`);
  }
  await tf.ready();
  return tf;
}

export function packageVersion(name) {
  try {
    const file = name === 'argpool' ? join(ROOT, 'package.json') : join(NODE_MODULES, name, 'package.json');
    return JSON.parse(readFileSync(file, 'utf8')).version;
  } catch {
    return 'not installed';
  }
}

export { tfIndicesToPlane } from './tfjs-peer-rows.mjs';

// The shape helpers, the naive JavaScript kernels (PyTorch 1.13 CPU semantics) and the layout
// conversions live in the browser-safe ./core.mjs (the browser bench page uses them too).
export {
  naiveMaxPool, naiveMaxPoolBackward, naiveMaxUnpool, nchwToNhwc, nhwcToNchw, normalizePoolOptions, pooledShape,
  pooledSize, product, unpooledShape,
} from './core.mjs';

// ---- indices ------------------------------------------------------------------------------------

// ONNX MaxPool Indices (offsets into the whole NCHW input) → per-plane offsets, as argpool/PyTorch.
export function ortIndicesToPlane(global, outShape, inPlane) {
  const outPlane = product(outShape.slice(2));
  const out = new Int32Array(global.length);
  for (let i = 0; i < global.length; ++i) {
    out[i] = Number(global[i] - BigInt(Math.floor(i / outPlane) * inPlane));
  }
  return out;
}

// Per-plane indices → ONNX MaxUnpool's int64 offsets into the whole NCHW output.
export function planeIndicesToOrt(indices, shape, outPlane) {
  const plane = product(shape.slice(2));
  const out = new BigInt64Array(indices.length);
  for (let i = 0; i < indices.length; ++i) out[i] = BigInt(Math.floor(i / plane) * outPlane + indices[i]);
  return out;
}

// TF.js maxPoolWithArgmax indexes ((b*H + y)*W + x)*C + c (batch term only with
// includeBatchInIndex), NHWC order → argpool's y*W + x, NCHW order.

// ---- ONNX Runtime Web adapters ------------------------------------------------------------------

// Errors only: with ceil_mode, ONNX shape inference declares one more output position than the
// MaxPool kernel produces whenever the last window would start in the right padding (the kernel
// applies PyTorch's rule, the inferred shape does not), and ORT logs a warning for every run.
const sessionOptions = () => ({ logSeverityLevel: 3 }); // ORT writes into the object it gets

// A MaxPool session for one input shape; run(data) resolves to { values, indices? } in argpool's
// layout (indices converted to per-plane Int32Array) plus the raw ORT outputs.
export async function ortMaxPool(inputShape, options, { withIndices = true, symbolic = false } = {}) {
  const ort = await loadOrt();
  const rank = inputShape.length - 2;
  const p = normalizePoolOptions(options, rank);
  const dims = symbolic ? ['N', 'C', ...inputShape.slice(2).map((_, i) => `S${i}`)] : inputShape;
  const session = await ort.InferenceSession.create(maxPoolModel({
    inputShape: dims,
    kernelShape: p.kernelSize,
    strides: p.stride,
    pads: symmetricPads(p.padding),
    dilations: p.dilation,
    ceilMode: p.ceilMode,
    indices: withIndices,
    opset: 12,
  }), sessionOptions());
  const inPlane = product(inputShape.slice(2));
  return {
    session,
    async run(data) {
      const result = await session.run({ X: new ort.Tensor('float32', data, inputShape) });
      const out = { raw: result, values: { data: result.Y.data, shape: result.Y.dims.slice() } };
      if (withIndices) {
        out.indices = { data: ortIndicesToPlane(result.Indices.data, result.Y.dims, inPlane), shape: result.Y.dims.slice() };
      }
      return out;
    },
  };
}

// A MaxUnpool session (no output_shape input) for one values shape; run(values, globalIndices).
export async function ortMaxUnpool(valuesShape, options, { opset = 11 } = {}) {
  const ort = await loadOrt();
  const rank = valuesShape.length - 2;
  const k = perDim(options.kernelSize, rank);
  const session = await ort.InferenceSession.create(maxUnpoolModel({
    inputShape: valuesShape,
    kernelShape: k,
    strides: options.stride === undefined ? k : perDim(options.stride, rank),
    pads: symmetricPads(perDim(options.padding, rank, 0)),
    opset,
  }), sessionOptions());
  return {
    session,
    async run(values, globalIndices) {
      const result = await session.run({
        X: new ort.Tensor('float32', values, valuesShape),
        I: new ort.Tensor('int64', globalIndices, valuesShape),
      });
      return { data: result.Y.data, shape: result.Y.dims.slice() };
    },
    // The feed made once; each call runs the session on it (ORT still copies in and out).
    prepare(values, globalIndices) {
      const feeds = { X: new ort.Tensor('float32', values, valuesShape), I: new ort.Tensor('int64', globalIndices, valuesShape) };
      return async () => {
        const result = await session.run(feeds);
        return { data: result.Y.data, shape: result.Y.dims.slice() };
      };
    },
  };
}
