// Peer adapters shared by the benchmark (tools/bench/bench.mjs) and the cross-check tests
// (tests/peers.test.mjs): loading argpool, TF.js (wasm and cpu backends) and ONNX Runtime Web
// in Node; layout and index conversions between them; and a naive JavaScript implementation of
// PyTorch 1.13's max pooling with indices, max unpooling and pooling backward.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { maxPoolModel, maxUnpoolModel, symmetricPads } from '../onnx-model.mjs';

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

// ---- options and shapes -------------------------------------------------------------------------

function perDim(value, rank, fallback) {
  if (value === undefined || value === null) return new Array(rank).fill(fallback);
  return typeof value === 'number' ? new Array(rank).fill(value) : value.slice();
}

// argpool/PyTorch options → per-dimension arrays.
export function normalizePoolOptions(options, rank) {
  const kernelSize = perDim(options.kernelSize, rank);
  return {
    kernelSize,
    stride: options.stride === undefined || options.stride === null ? kernelSize.slice() : perDim(options.stride, rank),
    padding: perDim(options.padding, rank, 0),
    dilation: perDim(options.dilation, rank, 1),
    ceilMode: options.ceilMode ?? false,
  };
}

// PyTorch 1.13 pooling_output_shape.
export function pooledSize(size, kernel, pad, stride, dilation, ceilMode) {
  let out = Math.floor((size + 2 * pad - dilation * (kernel - 1) - 1 + (ceilMode ? stride - 1 : 0)) / stride) + 1;
  if (ceilMode && (out - 1) * stride >= size + pad) --out;
  return out;
}

export function pooledShape(shape, options) {
  const rank = shape.length - 2;
  const p = normalizePoolOptions(options, rank);
  return [shape[0], shape[1], ...shape.slice(2).map((s, i) =>
    pooledSize(s, p.kernelSize[i], p.padding[i], p.stride[i], p.dilation[i], p.ceilMode))];
}

// PyTorch's default max_unpool output size: (in - 1) * stride - 2 * pad + kernel.
export function unpooledShape(shape, { kernelSize, stride, padding }) {
  const rank = shape.length - 2;
  const k = perDim(kernelSize, rank);
  const s = stride === undefined ? k : perDim(stride, rank);
  const p = perDim(padding, rank, 0);
  return [shape[0], shape[1], ...shape.slice(2).map((n, i) => (n - 1) * s[i] - 2 * p[i] + k[i])];
}

export function product(shape) {
  return shape.reduce((a, b) => a * b, 1);
}

// ---- naive JavaScript (PyTorch 1.13 CPU semantics) ----------------------------------------------
// Every rank is run as 3D with unit leading dims. The index of a window's maximum is the flat
// position t*H*W + h*W + w within its (n, c) plane; the first maximum in scan order wins and NaN
// counts as a maximum (`val > max || isNaN(val)`), as ATen's cpu_max_pool.

function as3d(shape, p) {
  const lead = 5 - shape.length;
  const pad = (arr, v) => [...new Array(lead).fill(v), ...arr];
  return {
    spatial: pad(shape.slice(2), 1),
    k: pad(p.kernelSize, 1), s: pad(p.stride, 1), pad: pad(p.padding, 0), d: pad(p.dilation, 1),
  };
}

export function naiveMaxPool(input, options) {
  const { data, shape } = input;
  const p = normalizePoolOptions(options, shape.length - 2);
  const outShape = pooledShape(shape, p);
  const { spatial: [iD, iH, iW], k, s, pad, d } = as3d(shape, p);
  const [oD, oH, oW] = as3d(outShape, p).spatial;
  const planes = shape[0] * shape[1];
  const inPlane = iD * iH * iW;
  const outPlane = oD * oH * oW;
  const values = new data.constructor(planes * outPlane);
  const indices = new Int32Array(planes * outPlane);
  for (let plane = 0; plane < planes; ++plane) {
    const x = plane * inPlane;
    let o = plane * outPlane;
    for (let ot = 0; ot < oD; ++ot) {
      let t0 = ot * s[0] - pad[0];
      const t1 = Math.min(t0 + (k[0] - 1) * d[0] + 1, iD);
      while (t0 < 0) t0 += d[0];
      for (let oh = 0; oh < oH; ++oh) {
        let h0 = oh * s[1] - pad[1];
        const h1 = Math.min(h0 + (k[1] - 1) * d[1] + 1, iH);
        while (h0 < 0) h0 += d[1];
        for (let ow = 0; ow < oW; ++ow, ++o) {
          let w0 = ow * s[2] - pad[2];
          const w1 = Math.min(w0 + (k[2] - 1) * d[2] + 1, iW);
          while (w0 < 0) w0 += d[2];
          let maxIndex = (t0 * iH + h0) * iW + w0;
          let maxValue = -Infinity;
          for (let t = t0; t < t1; t += d[0]) {
            for (let h = h0; h < h1; h += d[1]) {
              for (let w = w0; w < w1; w += d[2]) {
                const index = (t * iH + h) * iW + w;
                const v = data[x + index];
                if (v > maxValue || v !== v) {
                  maxValue = v;
                  maxIndex = index;
                }
              }
            }
          }
          values[o] = maxValue;
          indices[o] = maxIndex;
        }
      }
    }
  }
  return { values: { data: values, shape: outShape }, indices: { data: indices, shape: outShape.slice() } };
}

// max_unpool: zeros, then out[plane][indices[i]] = values[i] in order (a later duplicate wins).
export function naiveMaxUnpool(values, indices, options) {
  const shape = values.shape;
  const outShape = options.outputSize
    ? [shape[0], shape[1], ...options.outputSize.slice(options.outputSize.length - (shape.length - 2))]
    : unpooledShape(shape, options);
  const planes = shape[0] * shape[1];
  const inPlane = product(shape.slice(2));
  const outPlane = product(outShape.slice(2));
  const out = new values.data.constructor(planes * outPlane);
  const v = values.data;
  const idx = indices.data;
  for (let plane = 0; plane < planes; ++plane) {
    const base = plane * outPlane;
    for (let i = plane * inPlane, end = i + inPlane; i < end; ++i) {
      const j = idx[i];
      if (j < 0 || j >= outPlane) throw new RangeError(`naiveMaxUnpool: index ${j} out of range [0, ${outPlane})`);
      out[base + j] = v[i];
    }
  }
  return { data: out, shape: outShape };
}

// Pooling backward: zeros, then gradInput[plane][indices[i]] += gradOutput[i] in output order,
// rounded to the element type after every addition (float32 sums as ATen's float kernel).
export function naiveMaxPoolBackward(gradOutput, indices, inputShape) {
  const planes = inputShape[0] * inputShape[1];
  const inPlane = product(inputShape.slice(2));
  const outPlane = product(gradOutput.shape.slice(2));
  const g = gradOutput.data;
  const idx = indices.data;
  const out = new g.constructor(planes * inPlane);
  const f32 = out instanceof Float32Array;
  for (let plane = 0; plane < planes; ++plane) {
    const base = plane * inPlane;
    for (let i = plane * outPlane, end = i + outPlane; i < end; ++i) {
      const j = base + idx[i];
      out[j] = f32 ? Math.fround(out[j] + g[i]) : out[j] + g[i];
    }
  }
  return { data: out, shape: inputShape.slice() };
}

// ---- layouts and indices ------------------------------------------------------------------------

// [N, C, ...spatial] ↔ [N, ...spatial, C]
export function nchwToNhwc(data, shape) {
  const [n, c] = shape;
  const plane = product(shape.slice(2));
  const out = new data.constructor(data.length);
  for (let b = 0; b < n; ++b) {
    for (let ch = 0; ch < c; ++ch) {
      const src = (b * c + ch) * plane;
      for (let i = 0; i < plane; ++i) out[(b * plane + i) * c + ch] = data[src + i];
    }
  }
  return out;
}

export function nhwcToNchw(data, nchwShape) {
  const [n, c] = nchwShape;
  const plane = product(nchwShape.slice(2));
  const out = new data.constructor(data.length);
  for (let b = 0; b < n; ++b) {
    for (let ch = 0; ch < c; ++ch) {
      const dst = (b * c + ch) * plane;
      for (let i = 0; i < plane; ++i) out[dst + i] = data[(b * plane + i) * c + ch];
    }
  }
  return out;
}

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
export function tfIndicesToPlane(indexes, nchwOutShape, inH, inW, includeBatchInIndex) {
  const [n, c] = nchwOutShape;
  const outPlane = product(nchwOutShape.slice(2));
  const out = new Int32Array(indexes.length);
  for (let b = 0; b < n; ++b) {
    for (let i = 0; i < outPlane; ++i) {
      for (let ch = 0; ch < c; ++ch) {
        let index = indexes[(b * outPlane + i) * c + ch];
        if (includeBatchInIndex) index -= b * inH * inW * c;
        const pos = (index - ch) / c;
        out[(b * c + ch) * outPlane + i] = Number.isInteger(pos) ? pos : -1;
      }
    }
  }
  return out;
}

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
  };
}
