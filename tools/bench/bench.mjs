// Benchmark: median milliseconds per call of argpool and its peers on fixed workloads, in one
// Node process. `npm run bench` builds dist/ first; then:
//
//   node tools/bench/bench.mjs [--quick] [--out=out/bench.json] [--only=<regex on "workload row">]
//
// Every row goes from typed arrays to typed arrays: inputs are handed over as JS typed arrays and
// results read back into JS each call (tensor creation, copies and dataSync included), which is
// what argpool's plain API does. TF.js rows get the same element count in NHWC (its layout), so no
// transposes are timed. The first result of every row is checked against argpool's (PyTorch's)
// result and any difference is printed in the notes: a row that computes something else says so.
// With tfjs 4.22 (inputs uniform in [-1, 1)) the differences are: TF.js wasm maxPoolWithArgmax and
// maxPool3d return 1.1754944e-38 (FLT_MIN; argmax: index 0) for every window whose maximum is
// negative; TF.js wasm MaxPoolGrad drops the gradient of those windows; TF.js cpu MaxPoolGrad sums
// overlapping windows in float64 and rounds once, where PyTorch rounds after every float32 add.
//
// Adding a row: append to ROWS an object
//   { name, workload: 'A', bound?: true, required?: true, slow?: true,
//     setup: async (ctx) => run | { run, check?(firstResult) → string|null, teardown?() } }
// where ctx = { ap, workload, fx } (fx: the workload's inputs and argpool's reference results,
// see fixtures()) and run() performs one call (sync or returning a promise) and returns its
// result. A row with `bound: true` is the reference of its workload: every row of that workload
// then also prints its ratio to it. Rows may name another reference with `boundKey: 'values'`
// (the bound row with `bound: 'values'`), e.g. values-only pooling against the no-index bound. A row whose setup or run throws prints the reason; a failing
// `required` row makes the process exit with status 1 (after the JSON is written).
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';

import {
  loadArgpool, loadOrt, nchwToNhwc, naiveMaxPool, naiveMaxPoolBackward, naiveMaxUnpool, nhwcToNchw,
  ortMaxPool, ortMaxUnpool, packageVersion, planeIndicesToOrt, product, ROOT, tfIndicesToPlane, useTfBackend,
} from './peers.mjs';

// ---- command line -------------------------------------------------------------------------------

function option(name) {
  const i = process.argv.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (i < 0) return undefined;
  const arg = process.argv[i];
  return arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : process.argv[i + 1];
}

const QUICK = process.argv.includes('--quick');
const OUT = resolve(option('out') ?? join(ROOT, 'out', 'bench.json'));
const ONLY = option('only') ? new RegExp(option('only')) : null;

// Per row: a warm-up, then samples of `batch` calls (batch sized so a sample lasts >= SAMPLE_MS)
// until the budget is spent and MIN_SAMPLES are taken; the result is the median of the samples.
const TIMING = QUICK
  ? { budgetMs: 15, warmupMs: 5, sampleMs: 1, minSamples: 2, maxSamples: 50, slowMinSamples: 1 }
  : { budgetMs: 1000, warmupMs: 200, sampleMs: 2, minSamples: 7, maxSamples: 2000, slowMinSamples: 3 };
const SLOW_BUDGET_MS = QUICK ? 1 : 1500; // rows marked slow (TF.js cpu): few repetitions

// ---- workloads ----------------------------------------------------------------------------------
// All N = 1, float32, NCHW. --quick divides C by 8 (not below 1) to finish fast.

const ALL_WORKLOADS = [
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
];

const WORKLOADS = ALL_WORKLOADS.map((w) => {
  if (!QUICK) return w;
  const shape = w.shape.slice();
  const c = w.op === 'pool-nhwc' ? shape.length - 1 : 1;
  shape[c] = Math.max(1, Math.floor(shape[c] / 8));
  return { ...w, shape, label: `${w.label}, quick: C=${shape[1]}` };
});

const byId = new Map(WORKLOADS.map((w) => [w.id, w]));

function perDim(value, rank) {
  return typeof value === 'number' ? new Array(rank).fill(value) : value.slice();
}

// mulberry32, uniform in [-1, 1) as float32: ties are rare, negative window maxima occur.
function randomData(count, seed) {
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
//   pool:     input (NCHW), inputNhwc, ref = { values, indices }
//   unpool:   pooled = { values, indices } of the input, globalIndices (int64, ORT), ref = output
//   backward: input, pooled, gradOutput, ref = gradient
const fixtureCache = new Map();

function fixtures(ap, w) {
  if (fixtureCache.has(w.id)) return fixtureCache.get(w.id);
  const rank = w.shape.length - 2;
  const input = { data: randomData(product(w.shape), 0x5eed + w.id.charCodeAt(0)), shape: w.shape };
  const fx = { rank, input, inputNhwc: w.op === 'pool-nhwc' ? input.data : nchwToNhwc(input.data, w.shape) };
  if (w.op === 'pool' || w.op === 'pool-nhwc') {
    fx.ref = ap.maxPool(input, w.options);
  } else if (w.op === 'unpool') {
    fx.pooled = ap.maxPool(input, w.options);
    fx.ref = ap.maxUnpool(fx.pooled.values, fx.pooled.indices, w.options);
    fx.globalIndices = planeIndicesToOrt(fx.pooled.indices.data, fx.pooled.values.shape, product(fx.ref.shape.slice(2)));
  } else {
    fx.pooled = ap.maxPool(input, w.options);
    fx.gradOutput = { data: randomData(product(fx.pooled.values.shape), 0x9ad), shape: fx.pooled.values.shape };
    fx.ref = ap.maxPoolBackward(fx.gradOutput, fx.pooled.indices, w.shape);
  }
  fixtureCache.set(w.id, fx);
  return fx;
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
function describeDiffs(values, refValues, indices, refIndices) {
  const parts = [];
  const v = countDiffs(values, refValues);
  if (v !== 0) parts.push(`${v} of ${refValues.length} values differ`);
  if (indices) {
    const i = intDiffCount(indices, refIndices);
    if (i !== 0) parts.push(`${i} of ${refIndices.length} indices differ`);
  }
  return parts.length ? parts.join(', ') + ' from PyTorch semantics' : null;
}

// ---- rows ---------------------------------------------------------------------------------------

// TF.js NHWC shapes and pool arguments for a workload (1D runs as 2D with H = 1).
function tfGeometry(w) {
  const rank = w.shape.length - 2;
  const [n, c, ...spatial] = w.shape;
  const k = perDim(w.options.kernelSize, rank);
  const s = w.options.stride === undefined ? k : perDim(w.options.stride, rank);
  const p = perDim(w.options.padding ?? 0, rank);
  if (p.some((v) => v !== p[0])) throw new Error('TF.js numeric padding is the same on every side and dimension');
  const pad = p[0] === 0 ? 'valid' : p[0];
  if (rank === 1) return { rank: 2, shape: [n, 1, spatial[0], c], k: [1, k[0]], s: [1, s[0]], pad, oneD: true };
  return { rank, shape: [n, ...spatial, c], k, s, pad };
}

// NHWC result of TF.js → NCHW, for checks against argpool.
function tfToNchw(data, ref) {
  return nhwcToNchw(data, ref.shape);
}

function tfPoolRow(backend, argmax) {
  return (w) => ({
    name: `tfjs-${backend} ${argmax ? 'maxPoolWithArgmax' : backend === 'wasm' ? 'maxPool (XNNPACK, values only)' : 'maxPool'}`,
    workload: w.id,
    slow: backend === 'cpu',
    async setup({ fx }) {
      const tf = await useTfBackend(backend);
      const g = tfGeometry(w);
      if (argmax && g.rank !== 2) throw new Error('TF.js has no maxPoolWithArgmax for 3D');
      const op = g.rank === 3 ? (x) => tf.maxPool3d(x, g.k, g.s, g.pad) : (x) => tf.maxPool(x, g.k, g.s, g.pad);
      const run = argmax
        ? () => {
          const x = tf.tensor(fx.inputNhwc, g.shape);
          const { result, indexes } = tf.maxPoolWithArgmax(x, g.k, g.s, g.pad);
          const out = { values: result.dataSync(), indices: indexes.dataSync() };
          tf.dispose([x, result, indexes]);
          return out;
        }
        : () => {
          const x = tf.tensor(fx.inputNhwc, g.shape);
          const y = op(x);
          const out = { values: y.dataSync() };
          tf.dispose([x, y]);
          return out;
        };
      const check = (out) => {
        const values = tfToNchw(out.values, fx.ref.values);
        if (!argmax) return describeDiffs(values, fx.ref.values.data);
        const [, , ...spatial] = w.shape;
        const [inH, inW] = g.oneD ? [1, spatial[0]] : spatial;
        const indices = tfIndicesToPlane(out.indices, fx.ref.values.shape, inH, inW, false);
        return describeDiffs(values, fx.ref.values.data, indices, fx.ref.indices.data);
      };
      return { run, check };
    },
  });
}

function tfBackwardRow(backend) {
  return (w) => ({
    name: `tfjs-${backend} MaxPoolGrad kernel (from x, y, dy)`,
    workload: w.id,
    slow: backend === 'cpu',
    async setup({ fx }) {
      const tf = await useTfBackend(backend);
      const g = tfGeometry(w);
      if (g.rank !== 2) throw new Error('only 2D backward rows are defined for TF.js');
      const yNhwc = nchwToNhwc(fx.pooled.values.data, fx.pooled.values.shape);
      const dyNhwc = nchwToNhwc(fx.gradOutput.data, fx.gradOutput.shape);
      const yShape = [g.shape[0], ...fx.pooled.values.shape.slice(2), g.shape[3]];
      const attrs = { filterSize: g.k, strides: g.s, pad: g.pad, dimRoundingMode: undefined };
      const run = () => {
        const x = tf.tensor(fx.inputNhwc, g.shape);
        const y = tf.tensor(yNhwc, yShape);
        const dy = tf.tensor(dyNhwc, yShape);
        const dx = tf.engine().runKernel('MaxPoolGrad', { dy, input: x, output: y }, attrs);
        const out = dx.dataSync();
        tf.dispose([x, y, dy, dx]);
        return out;
      };
      return { run, check: (out) => describeDiffs(tfToNchw(out, fx.ref), fx.ref.data) };
    },
  });
}

function ortPoolRow(withIndices) {
  return (w) => ({
    name: `onnxruntime-web MaxPool${withIndices ? ' + Indices' : ' (values only)'}`,
    workload: w.id,
    async setup({ fx }) {
      const ort = await loadOrt();
      const { session } = await ortMaxPool(w.shape, w.options, { withIndices });
      const run = async () => {
        const r = await session.run({ X: new ort.Tensor('float32', fx.input.data, w.shape) });
        return { values: r.Y.data, indices: withIndices ? r.Indices.data : null };
      };
      const check = (out) => {
        if (!withIndices) return describeDiffs(out.values, fx.ref.values.data);
        const inPlane = product(w.shape.slice(2));
        const outPlane = product(fx.ref.values.shape.slice(2));
        const perPlane = new Int32Array(out.indices.length);
        for (let i = 0; i < perPlane.length; ++i) perPlane[i] = Number(out.indices[i]) - Math.floor(i / outPlane) * inPlane;
        return describeDiffs(out.values, fx.ref.values.data, perPlane, fx.ref.indices.data);
      };
      return { run, check };
    },
  });
}

// Wasm tensors for zero-copy rows, created once per workload (outside the timing).
function wasmPool(ap, fx, w) {
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
const BOUND_PATTERNS = ['interleaved', 'two-passes'];
function boundRow(w, { name, bound, readCount, writeCount, withIndices }) {
  return {
    name,
    workload: w.id,
    bound,
    required: true,
    setup: ({ ap, fx }) => {
      const input = ap.tensor([readCount(fx)], 'float32');
      const values = ap.tensor([writeCount(fx)], 'float32');
      const indices = withIndices ? ap.tensor([writeCount(fx)], 'int32') : null;
      return {
        variants: BOUND_PATTERNS.map((pattern) => ({ label: pattern, run: () => ap._internal.memoryBound(input, values, indices, pattern) })),
        teardown: () => [input, values, indices].forEach((t) => t?.dispose()),
      };
    },
  };
}

// Cold rows: the same calls with inputs and outputs rotating through buffer sets totalling
// COLD_BYTES (4× a 32 MiB L3), so every call streams from and to DRAM, as a layer's activations do
// when the network around it is large. The hot rows above reuse one set, which stays in L2/L3:
// there the bound is the cache's bandwidth and pooling with indices is compute-limited.
const COLD_BYTES = QUICK ? 1 << 20 : 128 << 20;

function coldSets(ap, fx, withIndices) {
  const inputCount = fx.input.data.length;
  const outShape = fx.ref.values.shape;
  const outCount = fx.ref.values.data.length;
  const setBytes = 4 * (inputCount + outCount * (withIndices ? 2 : 1));
  const n = Math.max(2, Math.ceil(COLD_BYTES / setBytes));
  const sets = [];
  for (let i = 0; i < n; ++i) {
    sets.push({
      x: ap.tensor(fx.input.shape, 'float32', fx.input.data),
      values: ap.tensor(outShape, 'float32'),
      indices: withIndices ? ap.tensor(outShape, 'int32') : undefined,
    });
  }
  return sets;
}

function coldRow(w, { name, bound, boundKey, withIndices, call }) {
  if (w.id === 'E') return null; // 64 bytes per call: no cold regime to speak of
  return {
    name,
    workload: w.id,
    bound,
    boundKey,
    required: true,
    setup: ({ ap, fx }) => {
      const sets = coldSets(ap, fx, withIndices);
      let next = 0;
      let last = null;
      return {
        variants: (bound ? BOUND_PATTERNS : [null]).map((pattern) => ({
          label: pattern,
          run: () => {
            last = sets[next];
            next = next + 1 === sets.length ? 0 : next + 1;
            return call(ap, last, w.options, pattern);
          },
        })),
        check: () => (bound ? null : describeDiffs(last.values.data.slice(), fx.ref.values.data,
          withIndices ? last.indices.data.slice() : null, fx.ref.indices.data)),
        teardown: () => sets.forEach((t) => [t.x, t.values, t.indices].forEach((u) => u?.dispose())),
      };
    },
  };
}

const COLD_ROWS = [
  (w) => coldRow(w, {
    name: 'cold bound: read input, write values + indices once', bound: 'cold', withIndices: true,
    call: (ap, t, options, pattern) => ap._internal.memoryBound(t.x, t.values, t.indices, pattern),
  }),
  (w) => coldRow(w, {
    name: 'cold bound: read input, write values once', bound: 'cold-values', withIndices: false,
    call: (ap, t, options, pattern) => ap._internal.memoryBound(t.x, t.values, null, pattern),
  }),
  (w) => coldRow(w, {
    name: 'cold argpool maxPool zero-copy', boundKey: 'cold', withIndices: true,
    call: (ap, t, options) => ap.maxPool(t.x, options, { values: t.values, indices: t.indices }),
  }),
  (w) => {
    const options = { ...w.options, returnIndices: false };
    return coldRow(w, {
      name: 'cold argpool maxPool values only, zero-copy', boundKey: 'cold-values', withIndices: false,
      call: (ap, t) => ap.maxPool(t.x, options, { values: t.values }),
    });
  },
];

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
    setup: ({ ap, fx }) => {
      const t = wasmPool(ap, fx, w);
      const out = { values: t.values, indices: t.indices };
      return {
        run: () => ap.maxPool(t.x, w.options, out),
        check: () => describeDiffs(t.values.data.slice(), fx.ref.values.data, t.indices.data.slice(), fx.ref.indices.data),
      };
    },
  }),
  (w) => ({
    name: 'argpool maxPool values only, zero-copy',
    workload: w.id,
    boundKey: 'values',
    required: true,
    setup: ({ ap, fx }) => {
      const t = wasmPool(ap, fx, w);
      const options = { ...w.options, returnIndices: false };
      const out = { values: t.values };
      return {
        run: () => ap.maxPool(t.x, options, out),
        check: () => describeDiffs(t.values.data.slice(), fx.ref.values.data),
      };
    },
  }),
  (w) => ({
    name: 'argpool maxPool (typed arrays)',
    workload: w.id,
    required: true,
    setup: ({ ap, fx }) => ({
      run: () => ap.maxPool(fx.input, w.options),
      check: (out) => describeDiffs(out.values.data, fx.ref.values.data, out.indices.data, fx.ref.indices.data),
    }),
  }),
  (w) => ({
    name: 'argpool maxPool values only (returnIndices: false)',
    workload: w.id,
    boundKey: 'values',
    required: true,
    setup: ({ ap, fx }) => {
      const options = { ...w.options, returnIndices: false };
      return {
        run: () => ap.maxPool(fx.input, options),
        check: (out) => (out.indices !== undefined ? 'indices returned' : describeDiffs(out.values.data, fx.ref.values.data)),
      };
    },
  }),
  (w) => ({
    name: 'naive JS (typed arrays, nested loops)',
    workload: w.id,
    required: true,
    setup: ({ fx }) => ({
      run: () => naiveMaxPool(fx.input, w.options),
      check: (out) => describeDiffs(out.values.data, fx.ref.values.data, out.indices.data, fx.ref.indices.data),
    }),
  }),
  ...COLD_ROWS,
  tfPoolRow('wasm', false),
  tfPoolRow('wasm', true),
  tfPoolRow('cpu', true),
  ortPoolRow(false),
  ortPoolRow(true),
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

const UNPOOL_ROWS = [
  scatterBound,
  (w) => ({
    name: 'argpool maxUnpool zero-copy (wasm tensors)',
    workload: w.id,
    required: true,
    setup: ({ ap, fx }) => {
      const t = wasmScatter(ap, fx);
      return {
        run: () => ap.maxUnpool(t.values, t.indices, w.options, t.out),
        check: () => describeDiffs(t.out.data.slice(), fx.ref.data),
      };
    },
  }),
  (w) => ({
    name: 'argpool maxUnpool (typed arrays)',
    workload: w.id,
    required: true,
    setup: ({ ap, fx }) => ({
      run: () => ap.maxUnpool(fx.pooled.values, fx.pooled.indices, w.options),
      check: (out) => describeDiffs(out.data, fx.ref.data),
    }),
  }),
  (w) => ({
    name: 'naive JS (typed arrays, nested loops)',
    workload: w.id,
    required: true,
    setup: ({ fx }) => ({
      run: () => naiveMaxUnpool(fx.pooled.values, fx.pooled.indices, w.options),
      check: (out) => describeDiffs(out.data, fx.ref.data),
    }),
  }),
  (w) => ({
    name: 'onnxruntime-web MaxUnpool (int64 global indices)',
    workload: w.id,
    async setup({ fx }) {
      const { run } = await ortMaxUnpool(fx.pooled.values.shape, w.options);
      return {
        run: () => run(fx.pooled.values.data, fx.globalIndices),
        check: (out) => describeDiffs(out.data, fx.ref.data),
      };
    },
  }),
];

const BACKWARD_ROWS = [
  scatterBound,
  (w) => ({
    name: 'argpool maxPoolBackward zero-copy (wasm tensors)',
    workload: w.id,
    required: true,
    setup: ({ ap, fx }) => {
      const t = wasmScatter(ap, fx);
      return {
        run: () => ap.maxPoolBackward(t.values, t.indices, w.shape, undefined, t.out),
        check: () => describeDiffs(t.out.data.slice(), fx.ref.data),
      };
    },
  }),
  (w) => ({
    name: 'argpool maxPoolBackward (typed arrays)',
    workload: w.id,
    required: true,
    setup: ({ ap, fx }) => ({
      run: () => ap.maxPoolBackward(fx.gradOutput, fx.pooled.indices, w.shape),
      check: (out) => describeDiffs(out.data, fx.ref.data),
    }),
  }),
  (w) => ({
    name: 'naive JS (typed arrays, nested loops)',
    workload: w.id,
    required: true,
    setup: ({ fx }) => ({
      run: () => naiveMaxPoolBackward(fx.gradOutput, fx.pooled.indices, w.shape),
      check: (out) => describeDiffs(out.data, fx.ref.data),
    }),
  }),
  tfBackwardRow('wasm'),
  tfBackwardRow('cpu'),
];

// NHWC: argpool's rows and TF.js-wasm, which is NHWC natively (the NCHW-oriented peers are left out).
const NHWC_ROWS = [
  ...POOL_ROWS.slice(0, 6),
  ...COLD_ROWS,
  (w) => ({
    name: 'tfjs-wasm maxPool (XNNPACK, values only)',
    workload: w.id,
    async setup({ fx }) {
      const tf = await useTfBackend('wasm');
      const k = perDim(w.options.kernelSize, 2);
      return {
        run: () => {
          const x = tf.tensor(fx.input.data, w.shape);
          const y = tf.maxPool(x, k, perDim(w.options.stride, 2), 'valid');
          const values = y.dataSync();
          tf.dispose([x, y]);
          return values;
        },
        check: (values) => describeDiffs(values, fx.ref.values.data),
      };
    },
  }),
];

const FACTORIES = { pool: POOL_ROWS, 'pool-nhwc': NHWC_ROWS, unpool: UNPOOL_ROWS, backward: BACKWARD_ROWS };

const ROWS = WORKLOADS.flatMap((w) => FACTORIES[w.op].map((make) => make(w)).filter(Boolean));

// ---- measurement --------------------------------------------------------------------------------

const now = () => performance.now();

function quantile(sorted, q) {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

async function measure(run, slow) {
  const minSamples = slow ? TIMING.slowMinSamples : TIMING.minSamples;
  const budgetMs = slow ? SLOW_BUDGET_MS : TIMING.budgetMs;
  // First call: its result is checked; it tells whether run() is async.
  let t = now();
  let first = run();
  const isAsync = typeof first?.then === 'function';
  if (isAsync) first = await first;
  let estimate = now() - t;
  // Warm-up (at least one more call).
  const warmupEnd = now() + (slow ? 0 : TIMING.warmupMs);
  let warmupCalls = 0;
  do {
    t = now();
    if (isAsync) await run(); else run();
    estimate = now() - t;
    ++warmupCalls;
  } while (now() < warmupEnd);
  const batch = Math.max(1, Math.min(100_000, Math.ceil(TIMING.sampleMs / Math.max(estimate, 1e-4))));
  const samples = [];
  const start = now();
  while (samples.length < TIMING.maxSamples && (samples.length < minSamples || now() - start < budgetMs)) {
    t = now();
    if (isAsync) {
      for (let i = 0; i < batch; ++i) await run();
    } else {
      for (let i = 0; i < batch; ++i) run();
    }
    samples.push((now() - t) / batch);
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

// ---- report -------------------------------------------------------------------------------------

function fmtMs(ms) {
  if (ms === null || ms === undefined) return 'n/a';
  return ms >= 100 ? ms.toFixed(0) : ms >= 1 ? ms.toFixed(2) : ms.toPrecision(3);
}

function fmtRatio(r) {
  return r === null || r === undefined ? '—' : `${r >= 10 ? r.toFixed(0) : r.toFixed(2)}×`;
}

function table(headers, rows) {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => cells.map((c, i) => (i >= 2 && i <= 5 ? String(c).padStart(widths[i]) : String(c).padEnd(widths[i]))).join('  ').trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

function machineInfo() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model ?? 'unknown',
    logicalCores: cpus.length,
    memoryGiB: +(os.totalmem() / 2 ** 30).toFixed(1),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    v8: process.versions.v8,
    loadAverage: os.loadavg().map((l) => +l.toFixed(2)),
    packages: {
      argpool: packageVersion('argpool'),
      '@tensorflow/tfjs-core': packageVersion('@tensorflow/tfjs-core'),
      '@tensorflow/tfjs-backend-wasm': packageVersion('@tensorflow/tfjs-backend-wasm'),
      '@tensorflow/tfjs-backend-cpu': packageVersion('@tensorflow/tfjs-backend-cpu'),
      'onnxruntime-web': packageVersion('onnxruntime-web'),
    },
  };
}

async function main() {
  const startedAt = new Date();
  const machine = machineInfo();
  console.log(`argpool benchmark${QUICK ? ' (--quick: C/8, tiny repetition counts; numbers are not meaningful)' : ''}`);
  console.log(`  ${machine.cpu}, ${machine.logicalCores} logical cores, ${machine.memoryGiB} GiB; ${machine.os}`);
  console.log(`  Node ${machine.node} (V8 ${machine.v8}); load average ${machine.loadAverage.join(' ')}`);
  console.log(`  ${Object.entries(machine.packages).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  console.log(`  timing: median of samples after warm-up; budget ${TIMING.budgetMs} ms per row ` +
    `(TF.js cpu rows ${SLOW_BUDGET_MS} ms, >= ${TIMING.slowMinSamples} samples); ORT: wasm EP, 1 thread; ` +
    'TF.js wasm: SIMD, no threads; every call goes typed arrays → typed arrays\n');

  const ap = await loadArgpool();
  const selected = ONLY ? ROWS.filter((r) => ONLY.test(`${r.workload} ${r.name}`)) : ROWS;
  const results = [];
  let requiredFailed = false;
  for (const row of selected) {
    const w = byId.get(row.workload);
    const result = {
      workload: row.workload, name: row.name, bound: row.bound === true ? 'indices' : row.bound || false,
      boundKey: row.boundKey ?? 'indices', slow: !!row.slow, required: !!row.required,
    };
    let teardown = null;
    try {
      if (!w) throw new Error(`unknown workload '${row.workload}'`);
      const fx = fixtures(ap, w);
      const made = await row.setup({ ap, workload: w, fx });
      const { run, variants = [{ label: null, run }], check = null } = typeof made === 'function' ? { run: made } : made;
      teardown = typeof made === 'object' ? made.teardown ?? null : null;
      // Rows with variants (the bounds) keep the fastest and name it.
      const measured = [];
      for (const v of variants) measured.push({ label: v.label, ...(await measure(v.run, row.slow)) });
      const best = measured.reduce((a, b) => (b.stats.medianMs < a.stats.medianMs ? b : a));
      Object.assign(result, best.stats);
      if (measured.length > 1) {
        result.variants = measured.map((m) => ({ label: m.label, medianMs: m.stats.medianMs }));
        result.check = null;
        result.note = `${best.label} (${measured.filter((m) => m !== best).map((m) => `${m.label} ${fmtMs(m.stats.medianMs)}`).join(', ')})`;
      } else {
        result.check = check ? check(best.first) : null;
      }
    } catch (error) {
      result.error = String(error?.message ?? error).split('\n')[0].slice(0, 300);
      if (row.required) requiredFailed = true;
    } finally {
      try {
        await teardown?.();
      } catch (error) {
        result.error ??= `teardown: ${error.message}`;
      }
    }
    results.push(result);
    const status = result.error ? `cannot run: ${result.error}` : `${fmtMs(result.medianMs)} ms${result.check ? `  (${result.check})` : ''}`;
    if (process.stderr.isTTY) process.stderr.write(`  ${row.workload}  ${row.name}: ${status}\n`);
  }

  // Ratios to the workload's bound row and to its argpool row.
  for (const r of results) {
    const peers = results.filter((o) => o.workload === r.workload && o.medianMs !== undefined);
    const bound = peers.find((o) => o.bound === r.boundKey) ?? peers.find((o) => o.bound === 'indices');
    const argpool = peers.find((o) => o.name.startsWith('argpool ') && o.required);
    r.ratioToBound = bound && r.medianMs !== undefined ? r.medianMs / bound.medianMs : null;
    r.ratioToArgpool = argpool && r.medianMs !== undefined ? r.medianMs / argpool.medianMs : null;
  }

  const headers = ['workload', 'row', 'median ms', '×bound', '×argpool', 'calls', 'notes'];
  const lines = [];
  for (const w of WORKLOADS) {
    const rs = results.filter((r) => r.workload === w.id);
    if (rs.length === 0) continue;
    rs.forEach((r, i) => lines.push([
      i === 0 ? `${w.id} ${w.label}` : '',
      r.name,
      r.error ? 'n/a' : fmtMs(r.medianMs),
      fmtRatio(r.ratioToBound),
      fmtRatio(r.ratioToArgpool),
      r.error ? '' : String(r.calls),
      r.error ? `cannot run: ${r.error}` : r.check ?? r.note ?? '',
    ]));
  }
  console.log(table(headers, lines));
  machine.loadAverageAfter = os.loadavg().map((l) => +l.toFixed(2));
  console.log(`\nload average after: ${machine.loadAverageAfter.join(' ')}; ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);

  const json = {
    startedAt: startedAt.toISOString(),
    quick: QUICK,
    machine,
    timing: { ...TIMING, slowBudgetMs: SLOW_BUDGET_MS },
    workloads: WORKLOADS.filter((w) => results.some((r) => r.workload === w.id)),
    rows: results,
  };
  mkdirSync(dirname(OUT), { recursive: true });
  writeFileSync(OUT, JSON.stringify(json, null, 2) + '\n');
  console.log(`wrote ${OUT}`);
  if (requiredFailed) {
    console.error('a required row failed');
    process.exitCode = 1;
  }
}

await main();
