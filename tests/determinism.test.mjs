// Determinism across engines: the same inputs give the same bits in Node and in Chromium. One
// self-contained battery (every kernel family, dtypes, layouts, unpool, overlapping backward,
// conversions) runs in both; the SHA-256 of every output must match.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { init } from '../bindings/js/node.js';
import { startServer } from '../tools/serve.mjs';
import { launchBrowser, SKIP_BROWSER } from './browser-helpers.mjs';

// Runs in Node and in the page: no closures, only `ap` and globals both have.
async function battery(ap) {
  let s = 0x1234567;
  const random = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const values = (ArrayType, n) => ArrayType.from({ length: n }, () => {
    const r = random();
    if (ArrayType !== Float32Array && ArrayType !== Float64Array) return Math.floor(r * 200) - 100;
    return r < 0.03 ? NaN : r < 0.05 ? -Infinity : r < 0.08 ? -0 : Math.round((r - 0.5) * 40) / 8 + r * 1e-3;
  });
  const digest = async (typed) => {
    const bytes = new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength);
    const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
    return Array.from(hash, (b) => b.toString(16).padStart(2, '0')).join('');
  };
  const out = {};
  const cases = [
    ['f32 2x2s2', Float32Array, [2, 8, 37, 41], { kernelSize: 2 }],
    ['f32 3x3s2p1', Float32Array, [2, 8, 37, 41], { kernelSize: 3, stride: 2, padding: 1 }],
    ['f32 generic dilated ceil', Float32Array, [2, 3, 29, 31], { kernelSize: [3, 2], stride: [2, 1], dilation: 2, ceilMode: true }],
    ['f32 1d', Float32Array, [3, 4, 301], { kernelSize: 4, stride: 3, padding: 2 }],
    ['f32 3d', Float32Array, [1, 3, 9, 10, 11], { kernelSize: 2, stride: 2 }],
    ['f32 nhwc', Float32Array, [2, 17, 19, 13], { kernelSize: 3, stride: 2, padding: 1, layout: 'NHWC' }],
    ['f64', Float64Array, [2, 3, 23, 29], { kernelSize: 3, stride: 1, padding: 1 }],
    ['i8 nchw', Int8Array, [2, 3, 23, 71], { kernelSize: 2, stride: 1 }],
    ['u8 nhwc', Uint8Array, [1, 21, 22, 35], { kernelSize: 3, stride: 2, layout: 'NHWC' }],
    ['i16 onnx pads', Int16Array, [1, 2, 15, 16], { kernelSize: 3, pads: [2, 0, 1, 2] }],
  ];
  for (const [name, ArrayType, shape, options] of cases) {
    const x = { data: values(ArrayType, shape.reduce((a, b) => a * b, 1)), shape };
    const { values: v, indices } = ap.maxPool(x, options);
    out[`${name} values`] = await digest(v.data);
    out[`${name} indices`] = await digest(indices.data);
    const global = ap.maxPool(x, { ...options, indexMode: 'global', indexType: 'int64' });
    out[`${name} global int64`] = await digest(global.indices.data);
    if (ArrayType === Float32Array || ArrayType === Float64Array) {
      const grad = { data: values(ArrayType, v.data.length).map((g) => (Number.isNaN(g) ? 0.5 : g)), shape: v.shape };
      out[`${name} backward`] = await digest(ap.maxPoolBackward(grad, indices, shape, { layout: options.layout }).data);
    }
  }
  const pooled = ap.maxPool({ data: values(Float32Array, 2 * 3 * 32 * 32), shape: [2, 3, 32, 32] }, { kernelSize: 3, stride: 1, padding: 1 });
  out['unpool with duplicate indices'] = await digest(ap.maxUnpool(pooled.values, pooled.indices, { kernelSize: 1, outputSize: [32, 32] }).data);
  out['convert plane → tf'] = await digest(ap.convertIndices(pooled.indices, { from: 'plane', to: 'tf', inputShape: [2, 3, 32, 32], includeBatchInIndex: true }).data);
  return out;
}

let server = null;
let browser = null;
before(async () => {
  if (SKIP_BROWSER) return;
  server = await startServer({ port: 0 });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

test('a battery of every kernel family gives the same bits in Node and in Chromium', { skip: SKIP_BROWSER }, async (t) => {
  const node = await battery(await init());
  assert.equal(Object.keys(node).length, 39); // 10 cases x 3, 7 float backward passes, 2 more
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(new URL("web/index.html", server.url).href);
  const chromium = await page.evaluate(`(async () => {
    const { init } = await import('/bindings/js/browser.js');
    return (${battery.toString()})(await init());
  })()`);
  assert.deepEqual(errors, []);
  assert.deepEqual(chromium, node);
  t.diagnostic(`${Object.keys(node).length} outputs identical (SHA-256) in Node ${process.version} and Chromium ${browser.version()}`);
});
