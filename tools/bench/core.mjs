// The browser-safe core of the benchmark, shared by the Node bench (tools/bench/bench.mjs) and the
// browser page (web/bench.html, web/bench.js; tools/serve.mjs serves this one file of tools/):
// the workloads, the timing method, the inputs and reference results, the checks, the naive
// JavaScript kernels (PyTorch 1.13 CPU semantics) and the rows that need nothing but argpool: the
// memory-traffic bound, argpool itself and naive JavaScript. No imports: nothing here may need
// Node (bench.mjs adds the TF.js and ONNX Runtime rows, tools/bench/peers.mjs the peer adapters).
//
// A row is { name, workload: 'A', bound?: true | 'values', boundKey?: 'values', required?: true,
// slow?: true, setup: async (ctx) => run | { run, check?(firstResult) → string|null, teardown?() } }
// with ctx = { ap, tester, workload, fx } (fx: see buildFixtures(); tester: tests/support/tester-core.mjs,
// whose own module runs the memory-bound kernel)); run() performs one call (sync or
// returning a promise) and returns its result. See bench.mjs for what `bound` and `boundKey` mean.
// A row with `paired: true` returns `bounds` ([run]) from setup as well: run() and those are timed
// interleaved (measurePaired) and the row's `pairedRatio` is run's time over theirs
// (`pairedWith`: 'bound', the default, or what else the row compares with, e.g. 'tfjs').

// ---- workloads ----------------------------------------------------------------------------------
// All N = 1, float32, NCHW (H: NHWC). Quick mode divides C by 8 (not below 1) to finish fast.

export const ALL_WORKLOADS = Object.freeze([
  { id: 'A', op: 'pool', label: '2D 64×112×112 k2s2', shape: [1, 64, 112, 112], options: { kernelSize: 2, stride: 2 } },
  { id: 'B', op: 'pool', label: '2D 64×112×112 k3s2p1', shape: [1, 64, 112, 112], options: { kernelSize: 3, stride: 2, padding: 1 } },
  { id: 'C', op: 'pool', label: '2D 256×56×56 k2s2', shape: [1, 256, 56, 56], options: { kernelSize: 2, stride: 2 } },
  { id: 'D', op: 'pool', label: '2D 512×14×14 k2s2', shape: [1, 512, 14, 14], options: { kernelSize: 2, stride: 2 } },
  { id: 'E', op: 'pool', label: '2D 1×4×4 k2s2', shape: [1, 1, 4, 4], options: { kernelSize: 2, stride: 2 } },
  { id: 'F', op: 'pool', label: '1D 64×12544 k2s2', shape: [1, 64, 12544], options: { kernelSize: 2, stride: 2 } },
  { id: 'G', op: 'pool', label: '3D 64×16×28×28 k2s2', shape: [1, 64, 16, 28, 28], options: { kernelSize: 2, stride: 2 } },
  { id: 'H', op: 'pool-nhwc', label: 'NHWC 2D 112×112×64 k2s2', shape: [1, 112, 112, 64], options: { kernelSize: 2, stride: 2, layout: 'NHWC' } },
  { id: 'U', op: 'unpool', label: 'unpool 2D 64×56×56 → 64×112×112 k2s2 (A\'s mask)', shape: [1, 64, 112, 112], options: { kernelSize: 2, stride: 2 } },
  { id: 'V', op: 'backward', label: 'backward 2D 64×56×56 → 64×112×112 k3s2p1 (B\'s mask)', shape: [1, 64, 112, 112], options: { kernelSize: 3, stride: 2, padding: 1 } },
]);

export function workloadsFor({ quick = false } = {}) {
  return ALL_WORKLOADS.map((w) => {
    if (!quick) return w;
    const shape = w.shape.slice();
    const c = w.op === 'pool-nhwc' ? shape.length - 1 : 1;
    shape[c] = Math.max(1, Math.floor(shape[c] / 8));
    return { ...w, shape, label: `${w.label}, quick: C=${shape[c]}` };
  });
}

// Per row: a warm-up, then samples of `batch` calls (batch sized so a sample lasts >= sampleMs)
// until the budget is spent and minSamples are taken; the result is the median of the samples.
// Rows marked slow (TF.js cpu) get slowBudgetMs and slowMinSamples: few repetitions.
export const TIMING = Object.freeze({
  quick: Object.freeze({ budgetMs: 15, warmupMs: 5, sampleMs: 1, minSamples: 2, maxSamples: 50, slowMinSamples: 1, slowBudgetMs: 1 }),
  full: Object.freeze({ budgetMs: 1000, warmupMs: 200, sampleMs: 2, minSamples: 7, maxSamples: 2000, slowMinSamples: 3, slowBudgetMs: 1500 }),
});

// ---- options and shapes -------------------------------------------------------------------------
// The naive JavaScript peer's own shape rules: it stands for code written without argpool and is
// the independent oracle of tests/peers.test.mjs, so it must not ask argpool. Everything else in
// the bench takes shapes from argpool's results (buildFixtures) or ap.outputShape.

export function perDim(value, rank, fallback) {
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

// ---- layouts ------------------------------------------------------------------------------------

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

// ---- inputs and reference results ---------------------------------------------------------------

// mulberry32, uniform in [-1, 1) as float32: ties are rare, negative window maxima occur.
export function randomData(count, seed) {
  const data = new Float32Array(count);
  let a = seed >>> 0;
  for (let i = 0; i < count; ++i) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    data[i] = (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  }
  return data;
}

// Inputs of a workload and argpool's results for them (the reference every row is checked against).
//   pool:     input (NCHW; H: NHWC), ref = { values, indices }
//   unpool:   input, pooled = { values, indices } of the input, ref = output
//   backward: input, pooled, gradOutput, ref = gradient
// Rows that need wasm tensors create them once per workload in fx.wasm (disposeFixtures frees them).
export function buildFixtures(ap, w) {
  const rank = w.shape.length - 2;
  const input = { data: randomData(product(w.shape), 0x5eed + w.id.charCodeAt(0)), shape: w.shape };
  const fx = { rank, input };
  if (w.op === 'pool' || w.op === 'pool-nhwc') {
    fx.ref = ap.maxPool(input, w.options);
  } else if (w.op === 'unpool') {
    fx.pooled = ap.maxPool(input, w.options);
    fx.ref = ap.maxUnpool(fx.pooled.values, fx.pooled.indices, w.options);
  } else {
    fx.pooled = ap.maxPool(input, w.options);
    fx.gradOutput = { data: randomData(product(fx.pooled.values.shape), 0x9ad), shape: fx.pooled.values.shape };
    fx.ref = ap.maxPoolBackward(fx.gradOutput, fx.pooled.indices, w.shape);
  }
  return fx;
}

export function disposeFixtures(fx) {
  if (fx?.wasm) for (const t of Object.values(fx.wasm)) t?.dispose?.();
  if (fx) fx.wasm = undefined;
}

// ---- checks -------------------------------------------------------------------------------------

function countDiffs(a, b) {
  if (a.length !== b.length) return `length ${a.length} vs ${b.length}`;
  const fa = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const fb = new Uint32Array(b.buffer, b.byteOffset, b.length);
  let n = 0;
  for (let i = 0; i < a.length; ++i) if (fa[i] !== fb[i]) ++n;
  return n;
}

function intDiffCount(a, b) {
  if (a.length !== b.length) return `length ${a.length} vs ${b.length}`;
  let n = 0;
  for (let i = 0; i < a.length; ++i) if (Number(a[i]) !== b[i]) ++n;
  return n;
}

// null when equal bit for bit; otherwise how many outputs differ.
export function describeDiffs(values, refValues, indices, refIndices) {
  const parts = [];
  const v = countDiffs(values, refValues);
  if (v !== 0) parts.push(`${v} of ${refValues.length} values differ`);
  if (indices) {
    const i = intDiffCount(indices, refIndices);
    if (i !== 0) parts.push(`${i} of ${refIndices.length} indices differ`);
  }
  return parts.length ? parts.join(', ') + ' from PyTorch semantics' : null;
}

// ---- rows that need only argpool ----------------------------------------------------------------

// Wasm tensors for zero-copy rows, created once per workload (outside the timing).
function wasmPool(ap, fx) {
  fx.wasm ??= (() => {
    const x = ap.tensor(fx.input.shape, 'float32', fx.input.data);
    const shape = fx.ref.values.shape;
    return { x, values: ap.tensor(shape, 'float32'), indices: ap.tensor(shape, 'int32') };
  })();
  return fx.wasm;
}

// The memory-traffic floor of a workload, built with the project (src/kernels/memory_bound_f32_wasmsimd.cpp):
// read `readCount` floats once and write `writeCount` floats (and as many int32 indices) once.
// Both loops are timed, reads and writes interleaved as a kernel's are (fastest in cache) and in
// two passes (fastest from DRAM); the faster one is the bound, and the notes name it.
export const BOUND_PATTERNS = Object.freeze(['interleaved', 'two-passes']);

function boundRow(w, { name, bound, readCount, writeCount, withIndices }) {
  return {
    name,
    workload: w.id,
    bound,
    required: true,
    setup: ({ tester, fx }) => {
      const input = tester.ap.tensor([readCount(fx)], 'float32');
      const values = tester.ap.tensor([writeCount(fx)], 'float32');
      const indices = withIndices ? tester.ap.tensor([writeCount(fx)], 'int32') : null;
      return {
        variants: BOUND_PATTERNS.map((pattern) => ({ label: pattern, run: () => tester.memoryBound(input, values, indices, pattern) })),
        teardown: () => [input, values, indices].forEach((t) => t?.dispose()),
      };
    },
  };
}

// The ratio to the bound, interleaved: a row of sequential samples and the bound's row are timed
// seconds apart, and on a shared machine their medians drift by 10-30 % in that time. Here a batch
// of the argpool call and a batch of each bound pattern alternate, round after round, and the
// result is the median of the per-round ratios (argpool ÷ the faster pattern of that round).
// The row's medianMs is argpool's; `pairedRatio` (with p25/p75) is the ratio.
export const PAIRED_INDICES = 'argpool plan zero-copy ÷ bound, interleaved';
export const PAIRED_VALUES = 'argpool plan values only ÷ values bound, interleaved';
export const PAIRED_SCATTER = 'argpool zero-copy ÷ bound, interleaved';

function pairedRow(w, { name, output, readCount, writeCount, withIndices, make }) {
  return {
    name,
    workload: w.id,
    required: true,
    paired: true,
    output,
    setup: ({ ap, tester, fx }) => {
      const made = make(ap, fx);
      const input = tester.ap.tensor([readCount(fx)], 'float32');
      const values = tester.ap.tensor([writeCount(fx)], 'float32');
      const indices = withIndices ? tester.ap.tensor([writeCount(fx)], 'int32') : null;
      return {
        ...made,
        bounds: BOUND_PATTERNS.map((pattern) => () => tester.memoryBound(input, values, indices, pattern)),
        teardown: () => {
          made.teardown?.();
          [input, values, indices].forEach((t) => t?.dispose());
        },
      };
    },
  };
}

const NAIVE = 'naive JS (typed arrays, nested loops)';
const REUSED_OUT = 'argpool maxPool (typed arrays, out arrays reused)';
const FRESH_ARRAYS = 'platform: new Float32Array + Int32Array, set() of the results';

const POOL_ROWS = [
  (w) => boundRow(w, {
    name: 'bound: read input, write values + indices once (wasm SIMD)', bound: true, withIndices: true,
    readCount: (fx) => fx.input.data.length, writeCount: (fx) => fx.ref.values.data.length,
  }),
  (w) => boundRow(w, {
    name: 'bound: read input, write values once (wasm SIMD)', bound: 'values', withIndices: false,
    readCount: (fx) => fx.input.data.length, writeCount: (fx) => fx.ref.values.data.length,
  }),
  (w) => ({
    name: 'argpool maxPool zero-copy (wasm tensors)',
    workload: w.id,
    required: true,
    form: 'resident', output: 'indices', reference: true,
    setup: ({ ap, fx }) => {
      const t = wasmPool(ap, fx);
      const out = { values: t.values, indices: t.indices };
      return {
        run: () => ap.maxPool(t.x, w.options, out),
        check: () => describeDiffs(t.values.data.slice(), fx.ref.values.data, t.indices.data.slice(), fx.ref.indices.data),
      };
    },
  }),
  // The same call through a plan made once (validation and kernel choice outside the loop).
  (w) => ({
    name: 'argpool maxPoolPlan(...).run zero-copy (wasm tensors)',
    workload: w.id,
    required: true,
    form: 'resident', output: 'indices',
    setup: ({ ap, fx }) => {
      const t = wasmPool(ap, fx);
      const out = { values: t.values, indices: t.indices };
      const plan = ap.maxPoolPlan(fx.input.shape, w.options);
      return {
        run: () => plan.run(t.x, out),
        check: () => describeDiffs(t.values.data.slice(), fx.ref.values.data, t.indices.data.slice(), fx.ref.indices.data),
        teardown: () => plan.dispose(),
      };
    },
  }),
  (w) => ({
    name: 'argpool maxPool values only, zero-copy',
    workload: w.id,
    boundKey: 'values',
    required: true,
    form: 'resident', output: 'values', reference: true,
    setup: ({ ap, fx }) => {
      const t = wasmPool(ap, fx);
      const options = { ...w.options, returnIndices: false };
      const out = { values: t.values };
      return {
        run: () => ap.maxPool(t.x, options, out),
        check: () => describeDiffs(t.values.data.slice(), fx.ref.values.data),
      };
    },
  }),
  // The kernels against the bound, interleaved: see pairedRow.
  (w) => pairedRow(w, {
    name: PAIRED_INDICES, output: 'indices', readCount: (fx) => fx.input.data.length,
    writeCount: (fx) => fx.ref.values.data.length, withIndices: true,
    make: (ap, fx) => {
      const t = wasmPool(ap, fx);
      const plan = ap.maxPoolPlan(fx.input.shape, w.options);
      const out = { values: t.values, indices: t.indices };
      return {
        run: () => plan.run(t.x, out),
        check: () => describeDiffs(t.values.data.slice(), fx.ref.values.data, t.indices.data.slice(), fx.ref.indices.data),
        teardown: () => plan.dispose(),
      };
    },
  }),
  (w) => pairedRow(w, {
    name: PAIRED_VALUES, output: 'values', readCount: (fx) => fx.input.data.length,
    writeCount: (fx) => fx.ref.values.data.length, withIndices: false,
    make: (ap, fx) => {
      const t = wasmPool(ap, fx);
      const plan = ap.maxPoolPlan(fx.input.shape, { ...w.options, returnIndices: false });
      const out = { values: t.values };
      return {
        run: () => plan.run(t.x, out),
        check: () => describeDiffs(t.values.data.slice(), fx.ref.values.data),
        teardown: () => plan.dispose(),
      };
    },
  }),
  (w) => ({
    name: 'argpool maxPool (typed arrays)',
    workload: w.id,
    required: true,
    form: 'copies', output: 'indices', reference: true,
    setup: ({ ap, fx }) => ({
      run: () => ap.maxPool(fx.input, w.options),
      check: (out) => describeDiffs(out.values.data, fx.ref.values.data, out.indices.data, fx.ref.indices.data),
    }),
  }),
  // The loop pattern for plain arrays: results written into the same typed arrays every call.
  (w) => ({
    name: REUSED_OUT,
    workload: w.id,
    required: true,
    form: 'copies', output: 'indices',
    setup: ({ ap, fx }) => {
      const out = {
        values: { data: new Float32Array(fx.ref.values.data.length), shape: fx.ref.values.shape },
        indices: { data: new Int32Array(fx.ref.indices.data.length), shape: fx.ref.indices.shape },
      };
      return {
        run: () => ap.maxPool(fx.input, w.options, out),
        check: () => describeDiffs(out.values.data, fx.ref.values.data, out.indices.data, fx.ref.indices.data),
      };
    },
  }),
  // Not argpool: what the platform charges for fresh result arrays of this size (allocate, fill
  // from an existing array), the floor of any API that returns new arrays.
  (w) => ({
    name: FRESH_ARRAYS,
    workload: w.id,
    setup: ({ fx }) => {
      const values = fx.ref.values.data, indices = fx.ref.indices.data;
      return () => {
        const v = new Float32Array(values.length);
        v.set(values);
        const i = new Int32Array(indices.length);
        i.set(indices);
        return { v, i };
      };
    },
  }),
  (w) => ({
    name: 'argpool maxPool values only (returnIndices: false)',
    workload: w.id,
    boundKey: 'values',
    required: true,
    form: 'copies', output: 'values', reference: true,
    setup: ({ ap, fx }) => {
      const options = { ...w.options, returnIndices: false };
      return {
        run: () => ap.maxPool(fx.input, options),
        check: (out) => (out.indices !== undefined ? 'indices returned' : describeDiffs(out.values.data, fx.ref.values.data)),
      };
    },
  }),
  (w) => ({
    name: NAIVE,
    workload: w.id,
    required: true,
    form: 'copies', output: 'indices',
    setup: ({ fx }) => ({
      run: () => naiveMaxPool(fx.input, w.options),
      check: (out) => describeDiffs(out.values.data, fx.ref.values.data, out.indices.data, fx.ref.indices.data),
    }),
  }),
];

// Unpool and backward read values/gradients and indices (2 words per pooled element) and write
// the unpooled/input-shaped result once.
const scatterBound = (w) => boundRow(w, {
  name: 'bound: read values + indices, write the output once (wasm SIMD)', bound: true, withIndices: false,
  readCount: (fx) => 2 * fx.pooled.values.data.length, writeCount: (fx) => fx.ref.data.length,
});

function wasmScatter(ap, fx) {
  fx.wasm ??= {
    values: ap.tensor(fx.pooled.values.shape, 'float32', fx.gradOutput?.data ?? fx.pooled.values.data),
    indices: ap.tensor(fx.pooled.indices.shape, 'int32', fx.pooled.indices.data),
    out: ap.tensor(fx.ref.shape, 'float32'),
  };
  return fx.wasm;
}

// The rows of a scatter workload (unpool or backward): its bound, then argpool zero-copy, argpool
// with typed arrays and naive JavaScript, each given how to call it on wasm tensors `t` or on the
// fixtures `fx`.
function scatterRows(op, { zeroCopy, typedArrays, naive }) {
  const row = (name, form, setup) => (w) => ({
    name, workload: w.id, required: true, form, output: 'output', reference: name.startsWith('argpool'), setup: (ctx) => setup(w, ctx),
  });
  return [
    scatterBound,
    row(`argpool ${op} zero-copy (wasm tensors)`, 'resident', (w, { ap, fx }) => {
      const t = wasmScatter(ap, fx);
      return { run: () => zeroCopy(ap, t, w), check: () => describeDiffs(t.out.data.slice(), fx.ref.data) };
    }),
    (w) => pairedRow(w, {
      name: PAIRED_SCATTER, output: 'output', readCount: (fx) => 2 * fx.pooled.values.data.length,
      writeCount: (fx) => fx.ref.data.length, withIndices: false,
      make: (ap, fx) => {
        const t = wasmScatter(ap, fx);
        return { run: () => zeroCopy(ap, t, w), check: () => describeDiffs(t.out.data.slice(), fx.ref.data) };
      },
    }),
    row(`argpool ${op} (typed arrays)`, 'copies', (w, { ap, fx }) => ({
      run: () => typedArrays(ap, fx, w),
      check: (out) => describeDiffs(out.data, fx.ref.data),
    })),
    row(NAIVE, 'copies', (w, { fx }) => ({ run: () => naive(fx, w), check: (out) => describeDiffs(out.data, fx.ref.data) })),
  ];
}

const UNPOOL_ROWS = scatterRows('maxUnpool', {
  zeroCopy: (ap, t, w) => ap.maxUnpool(t.values, t.indices, w.options, t.out),
  typedArrays: (ap, fx, w) => ap.maxUnpool(fx.pooled.values, fx.pooled.indices, w.options),
  naive: (fx, w) => naiveMaxUnpool(fx.pooled.values, fx.pooled.indices, w.options),
});

const BACKWARD_ROWS = scatterRows('maxPoolBackward', {
  zeroCopy: (ap, t, w) => ap.maxPoolBackward(t.values, t.indices, w.shape, undefined, t.out),
  typedArrays: (ap, fx, w) => ap.maxPoolBackward(fx.gradOutput, fx.pooled.indices, w.shape),
  naive: (fx, w) => naiveMaxPoolBackward(fx.gradOutput, fx.pooled.indices, w.shape),
});

// Row factories per workload op, in table order. NHWC: no naive row (it is NCHW-only).
export const CORE_ROWS = Object.freeze({
  pool: Object.freeze(POOL_ROWS),
  'pool-nhwc': Object.freeze(POOL_ROWS.slice(0, -1)), // all but naive JS, the last
  unpool: Object.freeze(UNPOOL_ROWS),
  backward: Object.freeze(BACKWARD_ROWS),
});

// ---- measurement --------------------------------------------------------------------------------

const now = () => performance.now();
const MAX_BATCH = 100_000;

export function quantile(sorted, q) {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

// Times run() with `timing` (TIMING.quick or TIMING.full). `pause`, if given, is awaited between
// samples at most every pauseEveryMs (the browser page yields to its event loop there); the time
// spent in it is not counted against the budget and is in no sample.
export async function measure(run, { timing, slow = false, pause = null, pauseEveryMs = 100 }) {
  const minSamples = slow ? timing.slowMinSamples : timing.minSamples;
  const budgetMs = slow ? timing.slowBudgetMs : timing.budgetMs;
  // First call: its result is checked; it tells whether run() is async.
  let t = now();
  let first = run();
  const isAsync = typeof first?.then === 'function';
  if (isAsync) first = await first;
  let estimate = now() - t;
  // Warm-up (at least one more call).
  const warmupEnd = now() + (slow ? 0 : timing.warmupMs);
  let warmupCalls = 0;
  do {
    t = now();
    if (isAsync) await run(); else run();
    estimate = now() - t;
    ++warmupCalls;
  } while (now() < warmupEnd);
  let batch = Math.max(1, Math.min(MAX_BATCH, Math.ceil(timing.sampleMs / Math.max(estimate, 1e-4))));
  // The estimate of one call is only as good as the timer: browsers step performance.now() by
  // 5 µs (cross-origin isolated) to 100 µs, so a fast call reads as 0 or one step. Grow the batch
  // until two batches in a row last >= sampleMs each (one could include a pause of the engine:
  // compilation, GC). These calls count as warm-up. Slow rows: one call per sample.
  if (!slow) {
    for (let long = 0; long < 2 && batch < MAX_BATCH;) {
      t = now();
      if (isAsync) {
        for (let i = 0; i < batch; ++i) await run();
      } else {
        for (let i = 0; i < batch; ++i) run();
      }
      const elapsed = now() - t;
      warmupCalls += batch;
      if (elapsed >= timing.sampleMs) {
        ++long;
      } else {
        long = 0;
        const factor = elapsed > 0 ? Math.min(10, Math.max(1.25, (1.2 * timing.sampleMs) / elapsed)) : 10;
        batch = Math.min(MAX_BATCH, Math.ceil(batch * factor));
      }
    }
  }
  const samples = [];
  let start = now();
  let lastPause = start;
  while (samples.length < timing.maxSamples && (samples.length < minSamples || now() - start < budgetMs)) {
    t = now();
    if (isAsync) {
      for (let i = 0; i < batch; ++i) await run();
    } else {
      for (let i = 0; i < batch; ++i) run();
    }
    const end = now();
    samples.push((end - t) / batch);
    if (pause && end - lastPause >= pauseEveryMs) {
      await pause();
      lastPause = now();
      start += lastPause - end;
    }
  }
  const sorted = samples.slice().sort((a, b) => a - b);
  return {
    first,
    stats: {
      medianMs: quantile(sorted, 0.5),
      p25Ms: quantile(sorted, 0.25),
      p75Ms: quantile(sorted, 0.75),
      minMs: sorted[0],
      samples: samples.length,
      callsPerSample: batch,
      calls: 1 + warmupCalls + samples.length * batch,
      async: isAsync,
    },
  };
}

// Interleaved timing of run() against `bounds` (pairedRow): a warm-up of each, batches sized to
// last >= sampleMs, then rounds of one batch of run() and one of each bound until the budget
// (twice a row's) is spent and at least 2 × minSamples rounds are taken. Per round the ratio is
// run's time over the faster bound's.
export async function measurePaired(run, bounds, { timing, pause = null }) {
  const first = run();
  const batchOf = (f) => {
    let batch = 1;
    for (;;) {
      const t = now();
      for (let i = 0; i < batch; ++i) f();
      const elapsed = now() - t;
      if (elapsed >= timing.sampleMs || batch >= MAX_BATCH) return batch;
      batch = Math.min(MAX_BATCH, Math.ceil(batch * (elapsed > 0 ? Math.min(10, Math.max(1.25, (1.2 * timing.sampleMs) / elapsed)) : 10)));
    }
  };
  const warmEnd = now() + timing.warmupMs;
  while (now() < warmEnd) {
    run();
    for (const b of bounds) b();
  }
  const runBatch = batchOf(run);
  const boundBatches = bounds.map(batchOf);
  const timeBatch = (f, batch) => {
    const t = now();
    for (let i = 0; i < batch; ++i) f();
    return (now() - t) / batch;
  };
  const ratios = [], runMs = [], boundMs = [];
  let start = now();
  while (ratios.length < timing.maxSamples && (ratios.length < 2 * timing.minSamples || now() - start < 2 * timing.budgetMs)) {
    const a = timeBatch(run, runBatch);
    const b = Math.min(...bounds.map((f, k) => timeBatch(f, boundBatches[k])));
    ratios.push(a / b);
    runMs.push(a);
    boundMs.push(b);
    if (pause) {
      const before = now();
      await pause();
      start += now() - before;
    }
  }
  const sorted = (list) => list.slice().sort((x, y) => x - y);
  const r = sorted(ratios);
  return {
    first,
    stats: {
      medianMs: quantile(sorted(runMs), 0.5),
      boundMs: quantile(sorted(boundMs), 0.5),
      pairedRatio: quantile(r, 0.5),
      pairedRatioP25: quantile(r, 0.25),
      pairedRatioP75: quantile(r, 0.75),
      samples: ratios.length,
      callsPerSample: runBatch,
      calls: 1 + ratios.length * runBatch,
    },
  };
}

// Sets up, times, checks and tears down one row; never throws. `fixtures(w)` gives the workload's
// fx. The result: { workload, name, bound, boundKey, slow, required } with the stats of measure()
// and `check` (null: bit for bit PyTorch's result), or `error` when the row cannot run. A row may
// return `variants` ([{ label, run }]) instead of `run`: each is timed and the fastest kept, with
// `variants` and `note` in the result.
export async function runRow(row, { ap, tester, workload, fixtures, timing, pause = null }) {
  const result = {
    workload: row.workload, name: row.name, bound: row.bound === true ? 'indices' : row.bound || false,
    boundKey: row.boundKey ?? 'indices', slow: !!row.slow, required: !!row.required, paired: !!row.paired,
    pairedWith: row.paired ? row.pairedWith ?? 'bound' : null,
    form: row.form ?? null, output: row.output ?? null, reference: !!row.reference,
  };
  let teardown = null;
  try {
    if (!workload) throw new Error(`unknown workload '${row.workload}'`);
    const fx = fixtures(workload);
    const made = await row.setup({ ap, tester, workload, fx });
    const { run, variants = [{ label: null, run }], check = null, bounds = null } = typeof made === 'function' ? { run: made } : made;
    teardown = typeof made === 'object' ? made.teardown ?? null : null;
    if (bounds !== null) {
      const { first, stats } = await measurePaired(run, bounds, { timing, pause });
      Object.assign(result, stats);
      result.check = check ? check(first) : null;
      return result;
    }
    // Rows with variants (the bounds) keep the fastest and name it in `note`.
    const measured = [];
    for (const v of variants) measured.push({ label: v.label, ...(await measure(v.run, { timing, slow: row.slow, pause })) });
    const best = measured.reduce((a, b) => (b.stats.medianMs < a.stats.medianMs ? b : a));
    Object.assign(result, best.stats);
    result.check = check ? check(best.first) : null;
    if (measured.length > 1) {
      result.variants = measured.map((m) => ({ label: m.label, medianMs: m.stats.medianMs }));
      result.note = `${best.label} (${measured.filter((m) => m !== best).map((m) => `${m.label} ${fmtMs(m.stats.medianMs)}`).join(', ')})`;
    }
  } catch (error) {
    result.error = String(error?.message ?? error).split('\n')[0].slice(0, 300);
  } finally {
    try {
      await teardown?.();
    } catch (error) {
      result.error ??= `teardown: ${error.message}`;
    }
  }
  return result;
}

// Ratios of every result to its workload's bound row (the one named by boundKey, else the one with
// indices) and to argpool's row of the same form and output — like with like only: a row with
// resident tensors (argpool's wasm tensors, TF.js tensors kept between calls) against argpool
// zero-copy, a row that takes and returns typed arrays against argpool with typed arrays; values
// only against values only. `ratioTo` names the argpool row a ratio uses.
export function addRatios(results) {
  for (const r of results) {
    const peers = results.filter((o) => o.workload === r.workload && o.medianMs !== undefined);
    const bound = peers.find((o) => o.bound === r.boundKey) ?? peers.find((o) => o.bound === 'indices');
    const like = r.form === null ? undefined : peers.find((o) => o.reference && o.form === r.form && o.output === r.output);
    r.ratioToBound = r.pairedWith === 'bound' ? r.pairedRatio ?? null
      : bound && r.medianMs !== undefined ? r.medianMs / bound.medianMs : null;
    r.ratioToArgpool = like && r.medianMs !== undefined ? r.medianMs / like.medianMs : null;
    r.ratioTo = like ? like.name : null;
  }
  return results;
}

// ---- formatting ---------------------------------------------------------------------------------

export function fmtMs(ms) {
  if (ms === null || ms === undefined) return 'n/a';
  return ms >= 100 ? ms.toFixed(0) : ms >= 1 ? ms.toFixed(2) : ms.toPrecision(3);
}

export function fmtRatio(r) {
  return r === null || r === undefined ? '—' : `${r >= 10 ? r.toFixed(0) : r.toFixed(2)}×`;
}
