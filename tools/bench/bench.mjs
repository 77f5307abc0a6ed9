// Benchmark: median milliseconds per call of argpool and its peers on fixed workloads, in one
// Node process. `npm run bench` builds dist/ first; then:
//
//   node tools/bench/bench.mjs [--quick] [--out=out/bench.json] [--only=<regex on "workload row">]
//
// argpool's rows and every peer's come in two forms: resident (argpool's wasm tensors; TF.js tensors
// made once, each call op(x) and dispose(); ONNX Runtime's feed made once) and typed arrays → typed
// arrays (copies, tensor creation and dataSync included). A ratio to argpool (×argpool) is only
// taken between rows of the same form and output (addRatios in core.mjs). The ratio to the bound
// is also measured interleaved (rows named '… ÷ bound, interleaved': batches of argpool and of the
// bound alternate, the median per-round ratio is kept), which a drifting machine cannot skew as it
// skews two rows timed seconds apart. TF.js rows get the same
// element count in NHWC (its layout), so no
// transposes are timed. The first result of every row is checked against argpool's (PyTorch's)
// result and any difference is printed in the notes: a row that computes something else says so.
// With tfjs 4.22 (inputs uniform in [-1, 1)) the differences are: TF.js wasm maxPoolWithArgmax and
// maxPool3d return 1.1754944e-38 (FLT_MIN; argmax: index 0) for every window whose maximum is
// negative; TF.js wasm MaxPoolGrad drops the gradient of those windows; TF.js cpu MaxPoolGrad sums
// overlapping windows in float64 and rounds once, where PyTorch rounds after every float32 add.
//
// The workloads, the timing method, the checks and the rows that need only argpool (the bound,
// argpool itself, naive JavaScript) live in the browser-safe ./core.mjs, shared with the browser
// page web/bench.html; this file adds the TF.js and ONNX Runtime rows and the Node report.
//
// Adding a row: append to ROWS (or, for a row that needs only argpool, to CORE_ROWS in core.mjs) an object
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
  addRatios, BOUND_PATTERNS, buildFixtures, CORE_ROWS, describeDiffs, fmtMs, fmtRatio, nchwToNhwc, nhwcToNchw, perDim, product, runRow,
  TIMING as TIMING_PRESETS, workloadsFor,
} from './core.mjs';
import { createTester } from '../../tests/support/tester.mjs';
import {
  bothForms, peerName, tfBackwardRow as tfBackwardRowWith, tfPairedRow, tfPoolRow as tfPoolRowWith,
} from './tfjs-peer-rows.mjs';
import {
  loadArgpool, loadOrt, ortMaxPool, ortMaxUnpool, packageVersion, planeIndicesToOrt, ROOT, useTfBackend,
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

// Per row: a warm-up, then samples of `batch` calls (batch sized so a sample lasts >= sampleMs)
// until the budget is spent and minSamples are taken; the result is the median of the samples.
// Rows marked slow (TF.js cpu) get few repetitions (slowBudgetMs). See measure() in core.mjs.
const TIMING = QUICK ? TIMING_PRESETS.quick : TIMING_PRESETS.full;

// ---- workloads ----------------------------------------------------------------------------------
// ALL_WORKLOADS in core.mjs. All N = 1, float32, NCHW. --quick divides C by 8 (not below 1).

const WORKLOADS = workloadsFor({ quick: QUICK });

const byId = new Map(WORKLOADS.map((w) => [w.id, w]));

// The core fixtures (core.mjs: input, argpool's reference results) plus what the peers need:
//   inputNhwc (TF.js), globalIndices (int64, ORT MaxUnpool).
const fixtureCache = new Map();

function fixtures(ap, w) {
  if (fixtureCache.has(w.id)) return fixtureCache.get(w.id);
  const fx = buildFixtures(ap, w);
  fx.inputNhwc = w.op === 'pool-nhwc' ? fx.input.data : nchwToNhwc(fx.input.data, w.shape);
  if (w.op === 'unpool') {
    fx.globalIndices = planeIndicesToOrt(fx.pooled.indices.data, fx.pooled.values.shape, product(fx.ref.shape.slice(2)));
  }
  fixtureCache.set(w.id, fx);
  return fx;
}

// ---- rows ---------------------------------------------------------------------------------------

// TF.js rows (shared with the browser bench page): tools/bench/tfjs-peer-rows.mjs, given how to
// get TF.js with a backend in Node.
const tfPoolRow = (backend, argmax, form) => tfPoolRowWith(useTfBackend, backend, argmax, form);
const tfBackwardRow = (backend, form) => tfBackwardRowWith(useTfBackend, backend, form);

function ortPoolRow(withIndices, form) {
  return (w) => ({
    name: peerName(`onnxruntime-web MaxPool${withIndices ? ' + Indices' : ' (values only)'}`, form),
    workload: w.id,
    form,
    output: withIndices ? 'indices' : 'values',
    async setup({ fx }) {
      const ort = await loadOrt();
      const { session } = await ortMaxPool(w.shape, w.options, { withIndices });
      const feeds = { X: new ort.Tensor('float32', fx.input.data, w.shape) };
      const read = (r) => ({ values: r.Y.data, indices: withIndices ? r.Indices.data : null });
      const run = form === 'resident'
        ? () => session.run(feeds)
        : async () => read(await session.run({ X: new ort.Tensor('float32', fx.input.data, w.shape) }));
      const check = (first) => {
        const out = form === 'resident' ? read(first) : first;
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


// Cold rows (Node only): the same calls with inputs and outputs rotating through buffer sets
// totalling COLD_BYTES (4× a 32 MiB L3), so every call streams from and to DRAM, as a layer's
// activations do when the network around it is large. The other rows reuse one set, which stays
// in L2/L3: there the bound is the cache's bandwidth and pooling with indices is compute-limited.
const COLD_BYTES = QUICK ? 1 << 20 : 128 << 20;

function coldSets(ap, fx, withIndices) {
  const outShape = fx.ref.values.shape;
  const setBytes = 4 * (fx.input.data.length + fx.ref.values.data.length * (withIndices ? 2 : 1));
  return Array.from({ length: Math.max(2, Math.ceil(COLD_BYTES / setBytes)) }, () => ({
    x: ap.tensor(fx.input.shape, 'float32', fx.input.data),
    values: ap.tensor(outShape, 'float32'),
    indices: withIndices ? ap.tensor(outShape, 'int32') : undefined,
  }));
}

function coldRow(w, { name, bound, boundKey, withIndices, call }) {
  if (w.id === 'E') return null; // 64 bytes per call: no cold regime to speak of
  return {
    name,
    workload: w.id,
    bound,
    boundKey,
    required: true,
    setup: ({ ap, tester, fx }) => {
      // The bound rows run the tester's memory-bound kernel over tensors of the tester's own module.
      const owner = bound ? tester.ap : ap;
      const sets = coldSets(owner, fx, withIndices);
      let next = 0;
      let last = null;
      const variant = (pattern) => ({
        label: pattern,
        run: () => {
          last = sets[next];
          next = next + 1 === sets.length ? 0 : next + 1;
          return call(bound ? tester : ap, last, w.options, pattern);
        },
      });
      return {
        variants: (bound ? BOUND_PATTERNS : [null]).map(variant),
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
    call: (tester, t, options, pattern) => tester.memoryBound(t.x, t.values, t.indices, pattern),
  }),
  (w) => coldRow(w, {
    name: 'cold bound: read input, write values once', bound: 'cold-values', withIndices: false,
    call: (tester, t, options, pattern) => tester.memoryBound(t.x, t.values, null, pattern),
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

// The rows that need only argpool (bound, argpool, naive JavaScript) come from core.mjs.
const POOL_ROWS = [
  ...CORE_ROWS.pool,
  ...COLD_ROWS,
  ...bothForms(tfPoolRow, 'wasm', false),
  tfPairedRow(useTfBackend),
  ...bothForms(tfPoolRow, 'wasm', true),
  ...bothForms(tfPoolRow, 'cpu', true),
  ...bothForms(ortPoolRow, false),
  ...bothForms(ortPoolRow, true),
];

const UNPOOL_ROWS = [
  ...CORE_ROWS.unpool,
  ...['resident', 'copies'].map((form) => (w) => ({
    name: peerName('onnxruntime-web MaxUnpool (int64 global indices)', form),
    workload: w.id,
    form,
    output: 'output',
    async setup({ fx }) {
      const { run, prepare } = await ortMaxUnpool(fx.pooled.values.shape, w.options);
      if (form === 'resident') {
        const prepared = prepare(fx.pooled.values.data, fx.globalIndices);
        return { run: prepared, check: (out) => describeDiffs(out.data, fx.ref.data) };
      }
      return {
        run: () => run(fx.pooled.values.data, fx.globalIndices),
        check: (out) => describeDiffs(out.data, fx.ref.data),
      };
    },
  })),
];

const BACKWARD_ROWS = [
  ...CORE_ROWS.backward,
  ...bothForms(tfBackwardRow, 'wasm'),
  ...bothForms(tfBackwardRow, 'cpu'),
];

// NHWC: argpool's rows and TF.js-wasm, which is NHWC natively (the NCHW-oriented peers are left out).
const NHWC_ROWS = [
  ...CORE_ROWS['pool-nhwc'],
  ...COLD_ROWS,
  ...bothForms(tfPoolRow, 'wasm', false),
  tfPairedRow(useTfBackend),
];

const FACTORIES = { pool: POOL_ROWS, 'pool-nhwc': NHWC_ROWS, unpool: UNPOOL_ROWS, backward: BACKWARD_ROWS };

const ROWS = WORKLOADS.flatMap((w) => FACTORIES[w.op].map((make) => make(w)).filter(Boolean));

// ---- report -------------------------------------------------------------------------------------

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
    `(TF.js cpu rows ${TIMING.slowBudgetMs} ms, >= ${TIMING.slowMinSamples} samples); ORT: wasm EP, 1 thread; ` +
    'TF.js wasm: SIMD, no threads; peer rows in two forms: [resident] (inputs made once) and [typed arrays] (typed arrays in and out); ×argpool compares a row only with argpool\'s row of the same form and output\n');

  const ap = await loadArgpool();
  const tester = await createTester();
  const selected = ONLY ? ROWS.filter((r) => ONLY.test(`${r.workload} ${r.name}`)) : ROWS;
  const results = [];
  let requiredFailed = false;
  for (const row of selected) {
    const result = await runRow(row, { ap, tester, workload: byId.get(row.workload), fixtures: (w) => fixtures(ap, w), timing: TIMING });
    if (row.required && result.error) requiredFailed = true;
    results.push(result);
    const status = result.error ? `cannot run: ${result.error}` : `${fmtMs(result.medianMs)} ms${result.check ? `  (${result.check})` : ''}`;
    if (process.stderr.isTTY) process.stderr.write(`  ${row.workload}  ${row.name}: ${status}\n`);
  }

  // Ratios to the workload's bound row and to its argpool row.
  addRatios(results);

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
    timing: { ...TIMING },
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
// TF.js kernel rows (issue 11): tf.maxPool forward + gradient and tf.maxPoolWithArgmax, without and with registerArgpool.
if (!ONLY || ONLY.test('tfjs')) await (await import('./tfjs-rows.mjs')).runTfjsRows({ quick: QUICK });
