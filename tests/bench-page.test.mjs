// The browser benchmark page (web/bench.html, web/bench.js; rows from tools/bench/core.mjs) in
// Debian's Chromium through playwright-core: `?quick&run` completes with every expected row, each
// with a finite positive median, argpool's and naive JavaScript's results equal to argpool's
// reference bit for bit, and JSON that parses. No timing is asserted: the numbers depend on the machine.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { startServer } from '../tools/serve.mjs';
import { ARGPOOL_BACKWARD, ARGPOOL_POOL, ARGPOOL_UNPOOL, BOUND, NAIVE, PAIRED_TF } from './bench-rows.mjs';
import { SKIP_BROWSER, launchBrowser, watchPage } from './browser-helpers.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const POOL = [...ARGPOOL_POOL, NAIVE];
// TF.js-wasm with resident tensors, on A-D only.
const TF = ['tfjs-wasm maxPool (XNNPACK, values only) [resident]', PAIRED_TF, 'tfjs-wasm maxPoolWithArgmax [resident]'];
const EXPECTED = {
  A: [...POOL, ...TF], B: [...POOL, ...TF], C: [...POOL, ...TF], D: [...POOL, ...TF], E: POOL, F: POOL, G: POOL,
  H: ARGPOOL_POOL,
  U: ARGPOOL_UNPOOL,
  V: ARGPOOL_BACKWARD,
};

// A raw GET (fetch would normalise '..' away before sending).
function rawStatus(port, path) {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', reject);
    req.end();
  });
}

// Loads `url`, waits until the page has run (or failed), returns the parsed JSON and the table.
async function runPage(page, url, { click = false, timeout = 240_000 } = {}) {
  await page.goto(url);
  await page.waitForFunction(() => document.getElementById('bench').dataset.status !== 'loading', null, { timeout: 30_000 });
  if (click) await page.click('#bench-run');
  const status = await page.waitForFunction(() => {
    const s = document.getElementById('bench').dataset.status;
    return s === 'done' || s === 'failed' || s === 'stopped' ? s : null;
  }, null, { timeout, polling: 250 }).then((handle) => handle.jsonValue());
  assert.equal(status, 'done', `${await page.textContent('#bench-error')} ${await page.textContent('#load-error')}`);
  const json = JSON.parse(await page.textContent('#bench-json'));
  const table = await page.$$eval('#bench-table tbody tr', (trs) => trs.map((tr) => ({
    workload: tr.dataset.workload,
    row: tr.dataset.row,
    status: tr.dataset.status,
    cells: [...tr.children].map((td) => td.textContent),
  })));
  return { json, table };
}

function assertRows(json, table, expected) {
  const keys = json.rows.map((r) => `${r.workload} ${r.name}`);
  const expectedKeys = Object.entries(expected).flatMap(([w, names]) => names.map((n) => `${w} ${n}`));
  assert.deepEqual(keys, expectedKeys);
  assert.deepEqual(table.map((r) => `${r.workload} ${r.row}`), expectedKeys, 'table rows');
  for (const row of json.rows) {
    const key = `${row.workload} ${row.name}`;
    assert.equal(row.error, undefined, `${key}: ${row.error}`);
    assert.ok(Number.isFinite(row.medianMs) && row.medianMs > 0, `${key}: medianMs ${row.medianMs}`);
    assert.ok(row.samples >= 1 && row.calls >= row.samples, `${key}: samples ${row.samples}, calls ${row.calls}`);
    assert.ok(Number.isFinite(row.ratioToBound) && row.ratioToBound > 0, `${key}: ratioToBound ${row.ratioToBound}`);
    // argpool's rows and the naive JavaScript rows compute PyTorch's results bit for bit.
    if (row.name.startsWith('argpool ') || row.name.startsWith('naive ')) assert.equal(row.check, null, `${key}: ${row.check}`);
  }
  for (const r of table) {
    const key = `${r.workload} ${r.row}`;
    // TF.js-wasm's maxPoolWithArgmax differs from PyTorch's rule on windows whose maximum is negative.
    const tfArgmax = r.row === 'tfjs-wasm maxPoolWithArgmax [resident]';
    assert.equal(r.status, tfArgmax ? 'mismatch' : 'ok', `${key}: ${r.cells.at(-1)}`);
    assert.equal(r.cells.length, 7, key);
    assert.match(r.cells[2], /^\d/, `${key}: median cell '${r.cells[2]}'`);
    assert.match(r.cells[3], /^\d.*×$/, `${key}: ×bound cell '${r.cells[3]}'`);
    // ×argpool: for rows with a form (argpool's own, naive JS, TF.js), against argpool's row of that form.
    // (The interleaved ratios to the bound have no form: they are not compared with argpool.)
    const paired = /, interleaved$/.test(r.row);
    if (!r.row.startsWith('bound') && !r.row.startsWith('platform') && !paired) assert.match(r.cells[4], /^\d.*×$/, `${key}: ×argpool cell '${r.cells[4]}'`);
    assert.match(r.cells[5], /^\d+$/, `${key}: calls cell '${r.cells[5]}'`);
    // Notes: empty (results equal PyTorch's), except that bounds name the faster of their two loops.
    if (r.row.startsWith('bound')) assert.match(r.cells[6], /^(interleaved \(two-passes|two-passes \(interleaved) [\d.e-]+\)$/, key);
    else if (tfArgmax) assert.match(r.cells[6], /values differ/, key);
    else assert.equal(r.cells[6], '', `${key}: notes`);
  }
}

describe('benchmark page server', () => {
  let served;
  before(async () => {
    served = await startServer({ port: 0 });
  });
  after(() => served?.close());

  test('serves the page, its script and the shared bench core, not the rest of tools/', async () => {
    const get = (path) => fetch(new URL(path, served.url), { redirect: 'manual' });
    const page = await get('/web/bench.html');
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type'), /^text\/html/);
    assert.match(await page.text(), /<script type="module" src="bench.js"><\/script>/);
    // Cross-origin isolated, for the finer performance.now().
    assert.equal(page.headers.get('cross-origin-opener-policy'), 'same-origin');
    assert.equal(page.headers.get('cross-origin-embedder-policy'), 'require-corp');
    for (const path of ['/web/bench.js', '/tools/bench/core.mjs']) {
      const res = await get(path);
      assert.equal(res.status, 200, path);
      assert.match(res.headers.get('content-type'), /^text\/javascript/, path);
      await res.arrayBuffer();
    }
    const short = await get('/bench.html?quick&run');
    assert.equal(short.status, 302);
    assert.equal(short.headers.get('location'), '/web/bench.html?quick&run');
    for (const path of ['/tools/bench/bench.mjs', '/tools/bench/peers.mjs', '/tools/bench/', '/tools/serve.mjs',
      '/tools/bench/core.mjs/', '/tools/bench/../serve.mjs', '/tools/bench/core.mjs%00', '/tools/bench/%2e%2e/serve.mjs', '/tools/onnx-model.mjs']) {
      assert.equal(await rawStatus(served.port, path), 404, path);
    }
    // The demo page links to the benchmark page.
    assert.match(await (await get('/web/')).text(), /<a id="bench-link" href="bench.html">/);
  });
});

test('npm run demo (tools/demo.mjs) prints the benchmark page URL', async () => {
  const child = spawn(process.execPath, [join(ROOT, 'tools/demo.mjs'), '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    let out = '';
    const url = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no benchmark URL printed: ${out}`)), 15_000);
      child.stdout.on('data', (chunk) => {
        out += chunk;
        const match = out.match(/http:\/\/127\.0\.0\.1:\d+\/web\/bench\.html/);
        if (match) {
          clearTimeout(timer);
          resolve(match[0]);
        }
      });
    });
    const res = await fetch(url);
    assert.equal(res.status, 200);
    assert.match(await res.text(), /argpool benchmark/);
  } finally {
    child.kill('SIGTERM');
  }
  assert.equal(await exited, 0);
});

describe('benchmark page in Chromium', { skip: SKIP_BROWSER }, () => {
  let served;
  let browser;
  let page;
  let watch;

  before(async () => {
    served = await startServer({ port: 0 });
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(15_000);
    watch = watchPage(page, served.url.slice(0, -1));
  });

  after(async () => {
    await browser?.close();
    await served?.close();
  });

  test('?quick&run: every row of every workload, checks clean, JSON parses', { timeout: 300_000 }, async () => {
    const { json, table } = await runPage(page, `${served.url}bench.html?quick&run`);
    assert.equal(json.quick, true);
    assert.equal(json.only, null);
    assert.equal(json.stopped, false);
    assert.deepEqual(json.workloads.map((w) => w.id), Object.keys(EXPECTED));
    assert.deepEqual(json.workloads.find((w) => w.id === 'C').shape, [1, 32, 56, 56], 'quick: C ÷ 8');
    assertRows(json, table, EXPECTED);
    assert.equal(typeof json.browser.userAgent, 'string');
    assert.match(json.browser.userAgent, /Chrom/);
    assert.ok(Number.isInteger(json.browser.hardwareConcurrency) && json.browser.hardwareConcurrency >= 1);
    assert.equal(json.browser.crossOriginIsolated, true);
    assert.equal(json.timing.budgetMs, 15, 'quick budgets');
    assert.equal(await page.textContent('#bench-ua'), json.browser.userAgent);
    assert.equal(await page.textContent('#bench-cores'), String(json.browser.hardwareConcurrency));
    const count = Object.values(EXPECTED).flat().length;
    assert.match(await page.textContent('#bench-progress'), new RegExp(`^Done: ${count} of ${count} rows in `));
    // argpool comes from the browser entry and dist/, the rows from the shared core.
    const paths = watch.requests.map((url) => new URL(url).pathname);
    for (const path of ['/web/bench.js', '/bindings/js/browser.js', '/dist/argpool-wasm.mjs', '/dist/argpool-wasm.wasm', '/tools/bench/core.mjs']) {
      assert.ok(paths.includes(path), `${path} was not requested`);
    }
  });

  test('?only filters rows; the Run button starts a run; Copy JSON works', { timeout: 120_000 }, async () => {
    const { json, table } = await runPage(page, `${served.url}web/bench.html?quick&only=${encodeURIComponent('^[EH] .*zero-copy')}`, { click: true });
    assert.equal(json.only, '^[EH] .*zero-copy');
    const zeroCopy = ARGPOOL_POOL.filter((name) => /zero-copy/.test(name));
    // Without the bound rows of a workload there is no ratio: only the names and checks are asserted.
    assert.deepEqual(json.rows.map((r) => `${r.workload} ${r.name}`), ['E', 'H'].flatMap((w) => zeroCopy.map((n) => `${w} ${n}`)));
    assert.equal(table.length, 2 * zeroCopy.length);
    for (const row of json.rows) {
      assert.equal(row.check, null, row.name);
      assert.ok(row.medianMs > 0, row.name);
    }
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: served.url.slice(0, -1) });
    await page.click('#bench-copy');
    await page.waitForFunction(() => document.getElementById('bench-copy-status').textContent !== '');
    // With clipboard permission the JSON is copied; without, it is selected for Ctrl+C.
    const copyStatus = await page.textContent('#bench-copy-status');
    const copied = copyStatus === 'Copied.'
      ? await page.evaluate(() => navigator.clipboard.readText())
      : await page.evaluate(() => getSelection().toString());
    assert.match(copyStatus, /^(Copied\.|Selected: )/);
    assert.deepEqual(JSON.parse(copied), json);
    assert.equal(await page.isVisible('#bench-error'), false);
  });

  test('Stop ends a full-budget run after the current row; the page stays responsive', { timeout: 120_000 }, async () => {
    await page.goto(`${served.url}web/bench.html?run&only=${encodeURIComponent('^[AB] ')}`);
    // The click is handled while rows run: the page yields between rows and between samples.
    await page.waitForFunction(() => document.querySelectorAll('#bench-table tbody tr').length >= 1, null, { timeout: 60_000 });
    assert.equal(await page.getAttribute('#bench', 'data-status'), 'running');
    assert.equal(await page.textContent('#bench-run'), 'Stop');
    await page.click('#bench-run');
    await page.waitForFunction(() => document.getElementById('bench').dataset.status === 'stopped', null, { timeout: 60_000 });
    const json = JSON.parse(await page.textContent('#bench-json'));
    assert.equal(json.stopped, true);
    assert.equal(json.quick, false);
    const all = EXPECTED.A.length + EXPECTED.B.length;
    assert.ok(json.rows.length >= 1 && json.rows.length < all, `${json.rows.length} rows`);
    assert.equal(json.rows[0].name, BOUND);
    assert.match(await page.textContent('#bench-progress'), new RegExp(`^Stopped: \\d+ of ${all} rows`));
    assert.equal(await page.textContent('#bench-run'), 'Run');
  });

  test('an invalid ?only shows an error and runs nothing', async () => {
    await page.goto(`${served.url}web/bench.html?quick&run&only=${encodeURIComponent('([')}`);
    await page.waitForFunction(() => !document.getElementById('bench-error').hidden);
    assert.match(await page.textContent('#bench-error'), /not a regular expression/);
    assert.equal(await page.getAttribute('#bench', 'data-status'), 'ready');
    assert.equal(await page.$$eval('#bench-table tbody tr', (trs) => trs.length), 0);
  });

  test('no console errors, uncaught exceptions or failed requests', () => {
    assert.deepEqual(watch.problems, []);
  });
});
