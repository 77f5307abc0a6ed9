// Runs the benchmark page (web/bench.html) in headless Chromium and prints its table, like
// `npm run bench` does for Node, and writes the page's JSON.
//
//   node tools/bench/browser.mjs [--quick] [--only=<regex on "workload row">] [--out=out/bench-browser.json]
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

import { launchBrowser } from '../../tests/browser-helpers.mjs';
import { startServer } from '../serve.mjs';
import { fmtMs, fmtRatio } from './core.mjs';
import { ROOT } from './peers.mjs';

const option = (name) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const quick = process.argv.includes('--quick');
const only = option('only');
const out = resolve(option('out') ?? join(ROOT, 'out', 'bench-browser.json'));

const served = await startServer({ port: 0 });
const browser = await launchBrowser();
try {
  const page = await browser.newPage();
  const search = new URLSearchParams();
  search.set('run', '');
  if (quick) search.set('quick', '');
  if (only) search.set('only', only);
  await page.goto(`${served.url}web/bench.html?${search.toString()}`);
  const status = await page.waitForFunction(() => {
    const s = document.getElementById('bench').dataset.status;
    return s === 'done' || s === 'failed' ? s : null;
  }, null, { timeout: 3_600_000, polling: 1000 }).then((h) => h.jsonValue());
  if (status !== 'done') throw new Error(`the page ended '${status}': ${await page.textContent('#bench-error')}`);
  const json = JSON.parse(await page.textContent('#bench-json'));
  console.log(`argpool benchmark page in ${json.browser.userAgent}; hardwareConcurrency ${json.browser.hardwareConcurrency}` +
    `${json.quick ? ' (quick: numbers are not meaningful)' : ''}; ${json.seconds} s`);
  let last = null;
  for (const r of json.rows) {
    const w = r.workload === last ? '' : r.workload;
    last = r.workload;
    console.log([w.padEnd(2), r.name.padEnd(66), (r.error ? 'n/a' : fmtMs(r.medianMs)).padStart(9), fmtRatio(r.ratioToBound).padStart(7),
      fmtRatio(r.ratioToArgpool).padStart(8), r.error ? `cannot run: ${r.error}` : r.check ?? r.note ?? ''].join('  '));
  }
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(json, null, 2) + '\n');
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
  served.close();
}
