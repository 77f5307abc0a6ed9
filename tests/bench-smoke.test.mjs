// Smoke test of the benchmark harness: `node tools/bench/bench.mjs --quick` exits 0 and writes JSON
// with every expected row (a row added to the bench is added to EXPECTED here). No timing is
// asserted: the numbers depend on the machine.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import { ARGPOOL_BACKWARD, ARGPOOL_POOL, ARGPOOL_UNPOOL, bothForms, NAIVE, PAIRED_TF } from './bench-rows.mjs';

const bench = new URL('../tools/bench/bench.mjs', import.meta.url).pathname;

const COLD = [
  'cold bound: read input, write values + indices once',
  'cold bound: read input, write values once',
  'cold argpool maxPool zero-copy',
  'cold argpool maxPool values only, zero-copy',
];
const PEERS = [
  ...bothForms('tfjs-wasm maxPool (XNNPACK, values only)'),
  PAIRED_TF,
  ...bothForms('tfjs-wasm maxPoolWithArgmax'),
  ...bothForms('tfjs-cpu maxPoolWithArgmax'),
  ...bothForms('onnxruntime-web MaxPool (values only)'),
  ...bothForms('onnxruntime-web MaxPool + Indices'),
];
const POOL_HOT = [...ARGPOOL_POOL, NAIVE, ...PEERS];
const POOL = [...ARGPOOL_POOL, NAIVE, ...COLD, ...PEERS];
const EXPECTED = {
  A: POOL, B: POOL, C: POOL, D: POOL, E: POOL_HOT, F: POOL, G: POOL,
  H: [...ARGPOOL_POOL, ...COLD, ...bothForms('tfjs-wasm maxPool (XNNPACK, values only)'), PAIRED_TF],
  U: [...ARGPOOL_UNPOOL, ...bothForms('onnxruntime-web MaxUnpool (int64 global indices)')],
  V: [...ARGPOOL_BACKWARD, ...bothForms('tfjs-wasm MaxPoolGrad kernel (from x, y, dy)'), ...bothForms('tfjs-cpu MaxPoolGrad kernel (from x, y, dy)')],
};
// The only rows that cannot run, with their reason.
const CANNOT_RUN = Object.fromEntries(['tfjs-wasm maxPoolWithArgmax', 'tfjs-cpu maxPoolWithArgmax']
  .flatMap((name) => bothForms(name)).map((name) => [`G ${name}`, /no maxPoolWithArgmax for 3D/]));

test('bench --quick exits 0 and writes JSON with every expected row', () => {
  const dir = mkdtempSync(join(tmpdir(), 'argpool-bench-'));
  try {
    const out = join(dir, 'bench.json');
    const result = spawnSync(process.execPath, [bench, '--quick', `--out=${out}`], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(result.status, 0, `bench --quick failed (status ${result.status}, signal ${result.signal}):\n${result.stdout.slice(-3000)}\n${result.stderr.slice(-3000)}`);
    const json = JSON.parse(readFileSync(out, 'utf8'));
    assert.equal(json.quick, true);
    for (const key of ['cpu', 'logicalCores', 'node', 'packages']) assert.ok(key in json.machine, `machine.${key}`);
    assert.deepEqual(Object.keys(json.machine.packages),
      ['argpool', '@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-backend-cpu', 'onnxruntime-web']);
    assert.deepEqual(json.workloads.map((w) => w.id), Object.keys(EXPECTED));

    const keys = json.rows.map((r) => `${r.workload} ${r.name}`);
    const expectedKeys = Object.entries(EXPECTED).flatMap(([w, names]) => names.map((n) => `${w} ${n}`));
    assert.deepEqual(keys, expectedKeys);
    for (const row of json.rows) {
      const key = `${row.workload} ${row.name}`;
      if (CANNOT_RUN[key]) {
        assert.match(row.error ?? '', CANNOT_RUN[key], key);
        assert.equal(row.medianMs, undefined, key);
        continue;
      }
      assert.equal(row.error, undefined, `${key}: ${row.error}`);
      assert.ok(Number.isFinite(row.medianMs) && row.medianMs > 0, `${key}: medianMs ${row.medianMs}`);
      assert.ok(row.samples >= 1 && row.calls >= row.samples, `${key}: samples ${row.samples}, calls ${row.calls}`);
      // argpool's rows and the naive JavaScript rows compute PyTorch's results bit for bit.
      if (row.required) assert.equal(row.check, null, `${key}: ${row.check}`);
      // Bounds time both loops and keep the faster.
      if (row.bound) assert.deepEqual(row.variants.map((v) => v.label), ['interleaved', 'two-passes'], key);
    }
    assert.match(result.stdout, /median ms/);
    // The README/issue summary reads the same JSON.
    const report = spawnSync(process.execPath, [new URL('../tools/bench/report.mjs', import.meta.url).pathname, out], { encoding: 'utf8' });
    assert.equal(report.status, 0, report.stderr);
    assert.match(report.stdout, /\| in cache, resident tensors \| A \| B \| C \| D \| E \| F \| G \| H \|/);
    assert.match(report.stdout, /\| in cache, typed arrays in and out \| A \| B \| C \| D \| E \| F \| G \| H \|/);
    assert.match(report.stdout, /\| A with indices, zero-copy: × bound \(interleaved\) \| [\d.]+× \| ≤ 1.4× \| (yes|no) \|/);
    assert.match(report.stdout, /\| × bound, interleaved \| A \| B \| C \| D \| E \| F \| G \| H \| U \| V \|/);
    assert.match(report.stdout, /\| V zero-copy: × its bound \(interleaved\) \| [\d.]+× \| ≤ 2× \| (yes|no) \|/);
    assert.match(report.stdout, /\| B: argpool with indices, zero-copy, vs TF.js-wasm XNNPACK values only, resident \(row medians\) \| [\d.]+ vs [\d.]+ ms \| faster \| (yes|no) \|/);
    assert.match(report.stdout, /\| B: argpool with indices ÷ TF.js-wasm XNNPACK values only, resident \(interleaved\) \| [\d.]+× \| < 1× \| (yes|no) \|/);
    assert.match(report.stdout, /\| E typed arrays, µs per call \| [\d.]+ \| ≤ 1 \| (yes|no) \|/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
