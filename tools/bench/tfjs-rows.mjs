// TF.js rows of `npm run bench` (issue 11): on TF.js-cpu and TF.js-wasm, [1, 112, 112, 64] float32,
// k2s2 and k3s2 'same': tf.maxPool forward + gradient and tf.maxPoolWithArgmax, each without and
// with registerArgpool (argpool's kernels registered for that backend). Median of samples after
// warm-up; every call ends with dataSync() so the work is done within the timing.
import { join } from 'node:path';

import { ROOT } from './peers.mjs';

const SHAPE = [1, 112, 112, 64];
const CASES = [
  { label: 'k2s2', k: 2, s: 2, pad: 'same' },
  { label: "k3s2 'same'", k: 3, s: 2, pad: 'same' },
];

function median(list) {
  const sorted = [...list].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function time(fn, { budgetMs, minSamples, warmup }) {
  for (let i = 0; i < warmup; ++i) fn();
  const samples = [];
  const start = performance.now();
  while (samples.length < minSamples || (performance.now() - start < budgetMs && samples.length < 200)) {
    const t0 = performance.now();
    fn();
    samples.push(performance.now() - t0);
  }
  return median(samples);
}

// Returns rows { backend, workload, op, withoutMs, withMs, speedup }.
export async function runTfjsRows({ quick = false, log = console.log } = {}) {
  const tf = await import('@tensorflow/tfjs');
  const { setWasmPaths } = await import('@tensorflow/tfjs-backend-wasm');
  setWasmPaths(join(ROOT, 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist') + '/');
  tf.env().set('PROD', true);
  const { registerArgpool } = await import('../../bindings/js/tfjs-node.js');
  const timing = quick ? { budgetMs: 0, minSamples: 2, warmup: 1 } : { budgetMs: 1500, minSamples: 7, warmup: 2 };
  const rows = [];
  for (const backend of ['cpu', 'wasm']) {
    await tf.setBackend(backend);
    await tf.ready();
    const x = tf.randomNormal(SHAPE, 0, 1, 'float32', 1);
    const ops = CASES.flatMap((c) => {
      const dy = tf.tidy(() => tf.onesLike(tf.maxPool(x, c.k, c.s, c.pad)));
      return [
        // Nothing is returned from tidy: TF.js walks a returned value for tensors, element by element.
        { c, op: 'tf.maxPool forward + gradient', dy, run: () => tf.tidy(() => { tf.grad((t) => tf.maxPool(t, c.k, c.s, c.pad))(x, dy).dataSync(); }) },
        { c, op: 'tf.maxPoolWithArgmax', dy, run: () => tf.tidy(() => { const r = tf.maxPoolWithArgmax(x, c.k, c.s, c.pad); r.result.dataSync(); r.indexes.dataSync(); }) },
      ];
    });
    const without = ops.map((o) => time(o.run, timing));
    const apt = await registerArgpool(tf, { backends: [backend] });
    const withArgpool = ops.map((o) => time(o.run, timing));
    apt.unregister();
    ops.forEach((o, i) => rows.push({
      backend, workload: `[${SHAPE}] ${o.c.label}`, op: o.op, withoutMs: without[i], withMs: withArgpool[i], speedup: without[i] / withArgpool[i],
    }));
    tf.dispose([x, ...ops.map((o) => o.dy)]);
  }
  const fmt = (ms) => (ms >= 10 ? ms.toFixed(1) : ms.toFixed(3));
  log('\nTF.js rows (median ms per call; "with" = after registerArgpool for that backend)');
  log(['backend', 'workload', 'op', 'without', 'with argpool', 'speed-up'].join(' | '));
  for (const r of rows) log([`TF.js-${r.backend}`, r.workload, r.op, fmt(r.withoutMs), fmt(r.withMs), `${r.speedup.toFixed(1)}×`].join(' | '));
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) await runTfjsRows({ quick: process.argv.includes('--quick') });
