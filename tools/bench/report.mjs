// Markdown summary of a `npm run bench` JSON file: the tables the README's performance section
// quotes, and every target of the performance issue with the measured figure and whether it is met.
//
//   node tools/bench/report.mjs [out/bench.json | out/bench-browser.json]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { ROOT } from './peers.mjs';

const file = process.argv[2] ?? join(ROOT, 'out', 'bench.json');
const json = JSON.parse(readFileSync(file, 'utf8'));
const rows = json.rows;

const find = (w, name) => rows.find((r) => r.workload === w && r.name === name && r.medianMs !== undefined);
const ms = (r) => (r === undefined ? '—' : r.medianMs < 0.01 ? `${(r.medianMs * 1000).toPrecision(3)} µs` : r.medianMs.toFixed(3));
const ratio = (r) => (r?.ratioToBound === undefined || r.ratioToBound === null ? '' : ` (${r.ratioToBound.toFixed(2)}×)`);

const R = (name) => `${name} [resident]`;
const T = (name) => `${name} [typed arrays]`;
// [label, row name, print × bound?]. Resident rows and typed-array rows are separate tables:
// only rows of one form are compared.
const RESIDENT = [
  ['bound (values + indices)', 'bound: read input, write values + indices once (wasm SIMD)', false],
  ['bound (values only)', 'bound: read input, write values once (wasm SIMD)', false],
  ['argpool zero-copy', 'argpool maxPool zero-copy (wasm tensors)', true],
  ['argpool zero-copy through a plan', 'argpool maxPoolPlan(...).run zero-copy (wasm tensors)', true],
  ['argpool values only, zero-copy', 'argpool maxPool values only, zero-copy', true],
  ['TF.js-wasm maxPool (XNNPACK, values only)', R('tfjs-wasm maxPool (XNNPACK, values only)'), false],
  ['TF.js-wasm maxPoolWithArgmax', R('tfjs-wasm maxPoolWithArgmax'), false],
  ['TF.js-cpu maxPoolWithArgmax', R('tfjs-cpu maxPoolWithArgmax'), false],
  ['ORT-web MaxPool (values only), feed made once', R('onnxruntime-web MaxPool (values only)'), false],
  ['ORT-web MaxPool + Indices, feed made once', R('onnxruntime-web MaxPool + Indices'), false],
];
const COPIES = [
  ['argpool typed arrays (fresh results)', 'argpool maxPool (typed arrays)', false],
  ['argpool typed arrays, out arrays reused', 'argpool maxPool (typed arrays, out arrays reused)', false],
  ['platform: new + set() of arrays of the results\' size', 'platform: new Float32Array + Int32Array, set() of the results', false],
  ['argpool values only, typed arrays', 'argpool maxPool values only (returnIndices: false)', false],
  ['naive JavaScript', 'naive JS (typed arrays, nested loops)', false],
  ['TF.js-wasm maxPool (XNNPACK, values only)', T('tfjs-wasm maxPool (XNNPACK, values only)'), false],
  ['TF.js-wasm maxPoolWithArgmax', T('tfjs-wasm maxPoolWithArgmax'), false],
  ['TF.js-cpu maxPoolWithArgmax', T('tfjs-cpu maxPoolWithArgmax'), false],
  ['ORT-web MaxPool (values only)', T('onnxruntime-web MaxPool (values only)'), false],
  ['ORT-web MaxPool + Indices', T('onnxruntime-web MaxPool + Indices'), false],
];
const COLD = [
  ['cold bound (values + indices)', 'cold bound: read input, write values + indices once', false],
  ['cold bound (values only)', 'cold bound: read input, write values once', false],
  ['cold argpool zero-copy', 'cold argpool maxPool zero-copy', true],
  ['cold argpool values only, zero-copy', 'cold argpool maxPool values only, zero-copy', true],
];
const POOL = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H'];

function table(title, workloads, spec) {
  const lines = [`| ${title} | ${workloads.join(' | ')} |`, `|---|${workloads.map(() => '---').join('|')}|`];
  for (const [label, name, withRatio] of spec) {
    const cells = workloads.map((w) => {
      const r = find(w, name);
      return r === undefined ? '—' : ms(r) + (withRatio ? ratio(r) : '');
    });
    if (cells.some((c) => c !== '—')) lines.push(`| ${label} | ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

// A Node run (npm run bench) has `machine`; a browser run (web/bench.html, tools/bench/browser.mjs) `browser`.
const m = json.machine;
if (m) {
  console.log(`Machine: ${m.cpu}, ${m.logicalCores} cores, ${m.memoryGiB} GiB; Node ${m.node} (V8 ${m.v8}); ` +
    Object.entries(m.packages).map(([k, v]) => `${k} ${v}`).join(', ') +
    `; load average ${m.loadAverage.join(' ')} → ${m.loadAverageAfter?.join(' ')}; ${json.startedAt}${json.quick ? ' (--quick)' : ''}\n`);
} else {
  console.log(`Browser: ${json.browser.userAgent}; hardwareConcurrency ${json.browser.hardwareConcurrency}; ${json.startedAt}${json.quick ? ' (quick)' : ''}\n`);
}
console.log('Median ms per call (× the bound of the same regime):\n');
console.log(table('in cache, resident tensors', POOL, RESIDENT));
console.log();
console.log(table('in cache, typed arrays in and out', POOL, COPIES));
console.log();
console.log(table('from DRAM (cold), resident', POOL.filter((w) => w !== 'E'), COLD));
console.log();
console.log(table('unpool / backward', ['U', 'V'], [
  ['bound', 'bound: read values + indices, write the output once (wasm SIMD)', false],
  ['argpool zero-copy', 'argpool maxUnpool zero-copy (wasm tensors)', true],
  ['argpool zero-copy', 'argpool maxPoolBackward zero-copy (wasm tensors)', true],
  ['TF.js-wasm MaxPoolGrad, resident', R('tfjs-wasm MaxPoolGrad kernel (from x, y, dy)'), false],
  ['TF.js-cpu MaxPoolGrad, resident', R('tfjs-cpu MaxPoolGrad kernel (from x, y, dy)'), false],
  ['ORT-web MaxUnpool, feed made once', R('onnxruntime-web MaxUnpool (int64 global indices)'), false],
  ['argpool typed arrays', 'argpool maxUnpool (typed arrays)', false],
  ['argpool typed arrays', 'argpool maxPoolBackward (typed arrays)', false],
  ['naive JavaScript', 'naive JS (typed arrays, nested loops)', false],
  ['TF.js-wasm MaxPoolGrad, typed arrays', T('tfjs-wasm MaxPoolGrad kernel (from x, y, dy)'), false],
  ['TF.js-cpu MaxPoolGrad, typed arrays', T('tfjs-cpu MaxPoolGrad kernel (from x, y, dy)'), false],
  ['ORT-web MaxUnpool, typed arrays', T('onnxruntime-web MaxUnpool (int64 global indices)'), false],
]));

// The ratios to the bound measured interleaved (pairedRow in core.mjs): median of per-round
// ratios, with the middle half of the rounds.
const PAIRED = [
  ['with indices (plan, zero-copy)', 'argpool plan zero-copy ÷ bound, interleaved'],
  ['values only (plan, zero-copy)', 'argpool plan values only ÷ values bound, interleaved'],
  ['unpool / backward (zero-copy)', 'argpool zero-copy ÷ bound, interleaved'],
];
const PAIRED_TF = 'argpool plan zero-copy ÷ tfjs-wasm maxPool (XNNPACK, values only) [resident], interleaved';
const pairedCell = (r) => (r?.pairedRatio === undefined ? '—'
  : `${r.pairedRatio.toFixed(2)}× (${r.pairedRatioP25.toFixed(2)}–${r.pairedRatioP75.toFixed(2)})`);
const pairedWorkloads = [...POOL, 'U', 'V'];
const pairedLines = [`| × bound, interleaved | ${pairedWorkloads.join(' | ')} |`, `|---|${pairedWorkloads.map(() => '---').join('|')}|`];
for (const [label, name] of PAIRED) {
  const cells = pairedWorkloads.map((w) => pairedCell(find(w, name)));
  if (cells.some((c) => c !== '—')) pairedLines.push(`| ${label} | ${cells.join(' | ')} |`);
}
const tfCells = pairedWorkloads.map((w) => pairedCell(find(w, PAIRED_TF)));
if (tfCells.some((c) => c !== '—')) pairedLines.push(`| argpool with indices ÷ TF.js-wasm XNNPACK values only (both resident) | ${tfCells.join(' | ')} |`);
if (pairedLines.length > 2) {
  console.log('\nIn cache, measured interleaved (median of per-round ratios; middle half): × the bound, and argpool ÷ TF.js-wasm:\n');
  console.log(pairedLines.join('\n'));
}

// ---- targets (the performance issue's, in cache) -----------------------------------------------

const targets = [];
const target = (what, value, limit, met) => targets.push({ what, value, limit, met });
const get = (w, name) => find(w, name)?.medianMs;
const ZC = 'argpool maxPool zero-copy (wasm tensors)';
const VO = 'argpool maxPool values only, zero-copy';
const TA = 'argpool maxPool (typed arrays)';
const REUSED = 'argpool maxPool (typed arrays, out arrays reused)';
const FRESH = 'platform: new Float32Array + Int32Array, set() of the results';
// argpool 0.1's typed-array rows in Node (README of 0.1): the 0.2 rows must be no slower.
const TYPED_0_1 = { A: 0.347, B: 0.481, C: 0.337, D: 0.052 };
for (const w of ['A', 'B', 'C', 'D']) {
  const a = get(w, ZC), x = get(w, R('tfjs-wasm maxPool (XNNPACK, values only)'));
  if (a && x) target(`${w}: argpool with indices, zero-copy, vs TF.js-wasm XNNPACK values only, resident (row medians)`, `${a.toFixed(4)} vs ${x.toFixed(4)} ms`, 'faster', a < x);
  const p = find(w, PAIRED_TF);
  if (p?.pairedRatio !== undefined) {
    target(`${w}: argpool with indices ÷ TF.js-wasm XNNPACK values only, resident (interleaved)`, `${p.pairedRatio.toFixed(2)}×`, '< 1×', p.pairedRatio < 1);
  }
}
// × bound: the interleaved ratio when the run has it, else the ratio of the two rows' medians.
const boundRatio = (w, pairedName, rowName) => {
  const p = find(w, pairedName);
  if (p?.pairedRatio !== undefined) return { r: p.pairedRatio, how: 'interleaved' };
  const r = find(w, rowName)?.ratioToBound;
  return r === undefined || r === null ? undefined : { r, how: 'row medians' };
};
for (const [w, limit] of [['A', 1.4], ['B', 2.5], ['C', 1.4], ['D', 2.0]]) {
  const x = boundRatio(w, PAIRED[0][1], ZC);
  if (x) target(`${w} with indices, zero-copy: × bound (${x.how})`, `${x.r.toFixed(2)}×`, `≤ ${limit}×`, x.r <= limit);
}
for (const w of ['A', 'B', 'C', 'D']) {
  const x = boundRatio(w, PAIRED[1][1], VO);
  if (x) target(`${w} values only, zero-copy: × values bound (${x.how})`, `${x.r.toFixed(2)}×`, '≤ 1.3×', x.r <= 1.3);
}
for (const [w, name, limit] of [['U', 'argpool maxUnpool zero-copy (wasm tensors)', 1.3], ['V', 'argpool maxPoolBackward zero-copy (wasm tensors)', 2]]) {
  const x = boundRatio(w, PAIRED[2][1], name);
  if (x) target(`${w} zero-copy: × its bound (${x.how})`, `${x.r.toFixed(2)}×`, `≤ ${limit}×`, x.r <= limit);
}
const e0 = get('E', ZC), e1 = get('E', TA);
if (e0) target('E zero-copy, µs per call', (e0 * 1000).toFixed(3), '≤ 0.3', e0 * 1000 <= 0.3);
const ep = get('E', 'argpool maxPoolPlan(...).run zero-copy (wasm tensors)');
if (ep) target('E zero-copy through a plan, µs per call', (ep * 1000).toFixed(3), '≤ 0.3', ep * 1000 <= 0.3);
if (e1) target('E typed arrays, µs per call', (e1 * 1000).toFixed(3), '≤ 1', e1 * 1000 <= 1);
for (const w of ['A', 'B', 'C', 'D']) {
  const zc = get(w, ZC), reused = get(w, REUSED), fresh = get(w, TA), platform = get(w, FRESH);
  if (zc && reused) target(`${w} typed arrays, out reused: × zero-copy`, `${(reused / zc).toFixed(2)}×`, '≤ 2.5×', reused / zc <= 2.5);
  if (zc && reused && fresh && platform) {
    target(`${w} fresh results: − (reused + platform's new + set())`, `${(fresh - reused - platform).toFixed(4)} ms`, '≤ 0', fresh - reused - platform <= 0);
  }
  if (fresh && m) target(`${w} typed arrays (Node) vs 0.1's ${TYPED_0_1[w]} ms`, `${fresh.toFixed(3)} ms`, `≤ ${TYPED_0_1[w]}`, fresh <= TYPED_0_1[w]);
}
console.log('\n| target | measured | goal | met |\n|---|---|---|---|');
for (const t of targets) console.log(`| ${t.what} | ${t.value} | ${t.limit} | ${t.met ? 'yes' : 'no'} |`);
