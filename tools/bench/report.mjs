// Markdown summary of a `npm run bench` JSON file: the tables the README's performance section
// quotes, and every target of the performance issue with the measured figure and whether it is met.
//
//   node tools/bench/report.mjs [out/bench.json]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { ROOT } from './peers.mjs';

const file = process.argv[2] ?? join(ROOT, 'out', 'bench.json');
const json = JSON.parse(readFileSync(file, 'utf8'));
const rows = json.rows;

const find = (w, name) => rows.find((r) => r.workload === w && r.name === name && r.medianMs !== undefined);
const ms = (r) => (r === undefined ? '—' : r.medianMs < 0.01 ? `${(r.medianMs * 1000).toPrecision(3)} µs` : r.medianMs.toFixed(3));
const ratio = (r) => (r?.ratioToBound === undefined || r.ratioToBound === null ? '' : ` (${r.ratioToBound.toFixed(2)}×)`);

const HOT = [
  ['bound (values + indices)', 'bound: read input, write values + indices once (wasm SIMD)', false],
  ['bound (values only)', 'bound: read input, write values once (wasm SIMD)', false],
  ['argpool zero-copy', 'argpool maxPool zero-copy (wasm tensors)', true],
  ['argpool values only, zero-copy', 'argpool maxPool values only, zero-copy', true],
  ['argpool typed arrays', 'argpool maxPool (typed arrays)', false],
  ['argpool values only, typed arrays', 'argpool maxPool values only (returnIndices: false)', false],
  ['naive JavaScript', 'naive JS (typed arrays, nested loops)', false],
  ['TF.js-wasm maxPool (XNNPACK, values only)', 'tfjs-wasm maxPool (XNNPACK, values only)', false],
  ['TF.js-wasm maxPoolWithArgmax', 'tfjs-wasm maxPoolWithArgmax', false],
  ['TF.js-cpu maxPoolWithArgmax', 'tfjs-cpu maxPoolWithArgmax', false],
  ['ORT-web MaxPool (values only)', 'onnxruntime-web MaxPool (values only)', false],
  ['ORT-web MaxPool + Indices', 'onnxruntime-web MaxPool + Indices', false],
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

const m = json.machine;
console.log(`Machine: ${m.cpu}, ${m.logicalCores} cores, ${m.memoryGiB} GiB; Node ${m.node} (V8 ${m.v8}); ` +
  Object.entries(m.packages).map(([k, v]) => `${k} ${v}`).join(', ') +
  `; load average ${m.loadAverage.join(' ')} → ${m.loadAverageAfter?.join(' ')}; ${json.startedAt}${json.quick ? ' (--quick)' : ''}\n`);
console.log('Median ms per call (× the bound of the same regime):\n');
console.log(table('in cache (hot)', POOL, HOT));
console.log();
console.log(table('from DRAM (cold)', POOL.filter((w) => w !== 'E'), COLD));
console.log();
console.log(table('unpool / backward', ['U', 'V'], [
  ['bound', 'bound: read values + indices, write the output once (wasm SIMD)', false],
  ['argpool zero-copy', 'argpool maxUnpool zero-copy (wasm tensors)', true],
  ['argpool zero-copy', 'argpool maxPoolBackward zero-copy (wasm tensors)', true],
  ['argpool typed arrays', 'argpool maxUnpool (typed arrays)', false],
  ['argpool typed arrays', 'argpool maxPoolBackward (typed arrays)', false],
  ['naive JavaScript', 'naive JS (typed arrays, nested loops)', false],
  ['ORT-web MaxUnpool', 'onnxruntime-web MaxUnpool (int64 global indices)', false],
  ['TF.js-wasm MaxPoolGrad', 'tfjs-wasm MaxPoolGrad kernel (from x, y, dy)', false],
  ['TF.js-cpu MaxPoolGrad', 'tfjs-cpu MaxPoolGrad kernel (from x, y, dy)', false],
]));

// ---- targets ------------------------------------------------------------------------------------

const targets = [];
const target = (what, value, limit, met) => targets.push({ what, value, limit, met });
const get = (w, name) => find(w, name)?.medianMs;
const ZC = 'argpool maxPool zero-copy (wasm tensors)';
const VO = 'argpool maxPool values only, zero-copy';
const TA = 'argpool maxPool (typed arrays)';
for (const [w, limit] of [['A', 1.15], ['C', 1.15], ['D', 1.4], ['B', 1.6]]) {
  for (const [regime, name] of [['hot', ZC], ['cold', 'cold argpool maxPool zero-copy']]) {
    const r = find(w, name)?.ratioToBound;
    if (r !== undefined) target(`${w} with indices, zero-copy, ${regime}: × bound`, `${r.toFixed(2)}×`, `≤ ${limit}×`, r <= limit);
  }
}
for (const w of ['A', 'B', 'C', 'D']) {
  const a = get(w, ZC), x = get(w, 'tfjs-wasm maxPool (XNNPACK, values only)');
  if (a && x) target(`${w}: argpool with indices vs TF.js-wasm XNNPACK values only`, `${a.toFixed(3)} vs ${x.toFixed(3)} ms`, 'no slower', a <= x);
}
for (const w of ['A', 'B', 'C', 'D']) {
  for (const [regime, name] of [['hot', VO], ['cold', 'cold argpool maxPool values only, zero-copy']]) {
    const r = find(w, name)?.ratioToBound;
    if (r !== undefined) target(`${w} values only, zero-copy, ${regime}: × no-index bound`, `${r.toFixed(2)}×`, '≤ 1.15×', r <= 1.15);
  }
}
for (const w of ['A', 'B', 'C', 'D']) {
  const ort = get(w, 'onnxruntime-web MaxPool + Indices');
  const zc = get(w, ZC), ta = get(w, TA);
  if (ort && zc) target(`${w}: ORT-web with indices / argpool zero-copy`, `${(ort / zc).toFixed(1)}×`, '≥ 25×', ort / zc >= 25);
  if (ort && ta) target(`${w}: ORT-web with indices / argpool typed arrays`, `${(ort / ta).toFixed(1)}×`, '≥ 8×', ort / ta >= 8);
}
const e0 = get('E', ZC), e1 = get('E', TA);
if (e0) target('E zero-copy, µs per call', (e0 * 1000).toFixed(2), '≤ 0.3', e0 * 1000 <= 0.3);
if (e1) target('E typed arrays, µs per call', (e1 * 1000).toFixed(2), '≤ 1', e1 * 1000 <= 1);
const ortUnpool = get('U', 'onnxruntime-web MaxUnpool (int64 global indices)');
for (const [w, name] of [['U', 'argpool maxUnpool zero-copy (wasm tensors)'], ['V', 'argpool maxPoolBackward zero-copy (wasm tensors)']]) {
  const r = find(w, name);
  if (r) target(`${w} zero-copy: × its bound`, `${r.ratioToBound.toFixed(2)}×`, '≤ 1.5×', r.ratioToBound <= 1.5);
  if (r && ortUnpool) target(`${w}: ORT-web MaxUnpool / argpool zero-copy`, `${(ortUnpool / r.medianMs).toFixed(1)}×`, '≥ 20×', ortUnpool / r.medianMs >= 20);
}
console.log('\n| target | measured | goal | met |\n|---|---|---|---|');
for (const t of targets) console.log(`| ${t.what} | ${t.value} | ${t.limit} | ${t.met ? 'yes' : 'no'} |`);
