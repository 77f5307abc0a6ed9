// The benchmark page: the rows of `npm run bench` that need nothing but argpool (the memory-traffic
// bound, argpool, naive JavaScript), timed in this browser with the same workloads, method and
// checks: all of them come from tools/bench/core.mjs, which the Node bench imports too.
// Address options: ?quick (C ÷ 8, tiny budgets), ?run (start at once), ?only=<regex on "workload row">.
import { init } from '../bindings/js/browser.js';
import { createTesterWith } from '../tests/support/tester-core.mjs';
import {
  addRatios, buildFixtures, CORE_ROWS, disposeFixtures, fmtMs, fmtRatio, runRow, TIMING, workloadsFor,
} from '../tools/bench/core.mjs';
import { tfPairedRow, tfPoolRow } from '../tools/bench/tfjs-peer-rows.mjs';

const $ = (id) => document.getElementById(id);
const root = $('bench');
const runButton = $('bench-run');
const quickBox = $('bench-quick');
const onlyInput = $('bench-only');
const errorBox = $('bench-error');
const progressText = $('bench-progress');
const progressBar = $('bench-progress-bar');
const tbody = document.querySelector('#bench-table tbody');
const jsonBox = $('bench-json');
const copyButton = $('bench-copy');
const copyStatus = $('bench-copy-status');

// ---- TF.js-wasm (served from node_modules; bench.html's import map resolves its bare imports) ----

let tfPromise = null;

async function useTfBackend(name) {
  tfPromise ??= (async () => {
    const tf = await import('@tensorflow/tfjs-core');
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    wasm.setWasmPaths('/node_modules/@tensorflow/tfjs-backend-wasm/dist/');
    // One thread, like argpool and the Node bench (the page is cross-origin isolated, so TF.js
    // would otherwise start workers).
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    tf.env().set('PROD', true);
    return tf;
  })();
  const tf = await tfPromise;
  if (tf.getBackend() !== name && !(await tf.setBackend(name))) throw new Error(`TF.js backend '${name}' failed to initialise`);
  await tf.ready();
  return tf;
}

// TF.js-wasm with its tensors resident, on the 2D NCHW workloads A-D, next to argpool zero-copy.
const TF_WORKLOADS = new Set(['A', 'B', 'C', 'D']);
const TF_ROWS = [tfPoolRow(useTfBackend, 'wasm', false, 'resident'), tfPairedRow(useTfBackend), tfPoolRow(useTfBackend, 'wasm', true, 'resident')];
const rowsOf = (w) => [...CORE_ROWS[w.op], ...(TF_WORKLOADS.has(w.id) ? TF_ROWS : [])].map((make) => make(w));

// ---- address options ----------------------------------------------------------------------------

const params = new URLSearchParams(location.search);
const flag = (name) => params.has(name) && !['0', 'false', 'no'].includes(params.get(name).toLowerCase());
quickBox.checked = flag('quick');
onlyInput.value = params.get('only') ?? '';

function parseOnly(text) {
  if (text.trim() === '') return null;
  try {
    return new RegExp(text);
  } catch (error) {
    throw new Error(`Rows to run: not a regular expression: ${error.message}`);
  }
}

// ---- environment --------------------------------------------------------------------------------

// The smallest step of performance.now() seen within ~20 ms.
function timerResolutionMs() {
  let best = Infinity;
  const end = performance.now() + 20;
  let last = performance.now();
  for (let i = 0; i < 1e6; ++i) {
    const t = performance.now();
    if (t > last) {
      best = Math.min(best, t - last);
      last = t;
    }
    if (t > end) break;
  }
  return Number.isFinite(best) ? +best.toPrecision(3) : null;
}

const browser = {
  userAgent: navigator.userAgent,
  hardwareConcurrency: navigator.hardwareConcurrency ?? null,
  deviceMemoryGiB: navigator.deviceMemory ?? null,
  crossOriginIsolated: globalThis.crossOriginIsolated === true,
  timerResolutionMs: timerResolutionMs(),
};

function showEnvironment(extra = {}) {
  const entries = [
    ['User agent', browser.userAgent],
    ['Logical cores (navigator.hardwareConcurrency)', browser.hardwareConcurrency ?? 'not reported'],
    ['Timer', `performance.now() steps of ${browser.timerResolutionMs ?? '?'} ms; ${browser.crossOriginIsolated ? 'cross-origin isolated' : 'not cross-origin isolated (coarser timer)'}`],
    ...Object.entries(extra),
  ];
  $('bench-env').replaceChildren(...entries.flatMap(([k, v]) => {
    const dt = document.createElement('dt');
    dt.textContent = k;
    const dd = document.createElement('dd');
    dd.textContent = String(v);
    if (k === 'User agent') dd.id = 'bench-ua';
    if (k.startsWith('Logical cores')) dd.id = 'bench-cores';
    return [dt, dd];
  }));
}
showEnvironment();

// ---- table --------------------------------------------------------------------------------------

function cell(tag, text, attrs = {}) {
  const node = document.createElement(tag);
  node.textContent = text;
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  return node;
}

function render(workloads, results) {
  const rows = [];
  for (const w of workloads) {
    const rs = results.filter((r) => r.workload === w.id);
    rs.forEach((r, i) => {
      const tr = document.createElement('tr');
      tr.dataset.workload = r.workload;
      tr.dataset.row = r.name;
      tr.dataset.status = r.error ? 'error' : r.check ? 'mismatch' : 'ok';
      if (i === 0) tr.classList.add('first');
      tr.append(
        cell('th', i === 0 ? `${w.id} ${w.label}` : '', { scope: 'row' }),
        cell('td', r.name),
        cell('td', r.error ? 'n/a' : fmtMs(r.medianMs), r.error ? {} : {
          title: `p25 ${fmtMs(r.p25Ms)}, p75 ${fmtMs(r.p75Ms)}, min ${fmtMs(r.minMs)} ms; ${r.samples} samples of ${r.callsPerSample} calls`,
        }),
        cell('td', fmtRatio(r.ratioToBound)),
        cell('td', fmtRatio(r.ratioToArgpool), r.ratioTo ? { title: `against ${r.ratioTo}` } : {}),
        cell('td', r.error ? '' : String(r.calls)),
        cell('td', r.error ? `cannot run: ${r.error}` : r.check ?? r.note ?? ''),
      );
      rows.push(tr);
    });
  }
  tbody.replaceChildren(...rows);
}

// ---- running ------------------------------------------------------------------------------------

// Lets the page paint and handle input between rows and, within a row, between samples.
const yieldToBrowser = () => new Promise((resolve) => setTimeout(resolve, 0));

let ap = null;
let tester = null; // the test-only module whose memory-bound kernel gives the bound rows
let running = false;
let stopRequested = false;
let lastJson = null;

function setStatus(status) {
  root.dataset.status = status;
  runButton.textContent = status === 'running' ? 'Stop' : 'Run';
  runButton.disabled = ap === null;
  quickBox.disabled = onlyInput.disabled = status === 'running';
}

function showError(message) {
  errorBox.hidden = message === null;
  errorBox.textContent = message ?? '';
}

async function runBench() {
  let only;
  try {
    only = parseOnly(onlyInput.value);
  } catch (error) {
    showError(error.message);
    return;
  }
  showError(null);
  const quick = quickBox.checked;
  const next = new URLSearchParams();
  if (quick) next.set('quick', '');
  if (only) next.set('only', only.source);
  const search = next.toString().replace(/=(&|$)/g, '$1');
  history.replaceState(null, '', search ? `?${search}` : location.pathname);

  const timing = quick ? TIMING.quick : TIMING.full;
  const workloads = workloadsFor({ quick });
  const byId = new Map(workloads.map((w) => [w.id, w]));
  const all = workloads.flatMap(rowsOf);
  const selected = only ? all.filter((r) => only.test(`${r.workload} ${r.name}`)) : all;
  if (selected.length === 0) {
    showError(`No row matches /${only.source}/.`);
    return;
  }

  running = true;
  stopRequested = false;
  setStatus('running');
  copyButton.disabled = true;
  jsonBox.textContent = '(appears when the run ends)';
  lastJson = null;
  let hidden = document.hidden;
  const onVisibility = () => { hidden ||= document.hidden; };
  document.addEventListener('visibilitychange', onVisibility);

  const startedAt = new Date();
  const t0 = performance.now();
  const results = [];
  // One workload's inputs at a time; its wasm tensors are freed when the next workload starts.
  let fx = null;
  let fxId = null;
  const fixtures = (w) => {
    if (fxId !== w.id) {
      disposeFixtures(fx);
      fx = null;
      fxId = null;
      fx = buildFixtures(ap, w);
      fxId = w.id;
    }
    return fx;
  };
  progressBar.max = selected.length;
  render(workloads, results);
  try {
    for (let i = 0; i < selected.length && !stopRequested; ++i) {
      const row = selected[i];
      progressBar.value = i;
      progressText.textContent = `Row ${i + 1} of ${selected.length}: ${row.workload} ${row.name}…`;
      await yieldToBrowser();
      const result = await runRow(row, { ap, tester, workload: byId.get(row.workload), fixtures, timing, pause: yieldToBrowser });
      results.push(result);
      addRatios(results);
      render(workloads, results);
    }
  } finally {
    disposeFixtures(fx);
    document.removeEventListener('visibilitychange', onVisibility);
  }
  const seconds = (performance.now() - t0) / 1000;
  const stopped = stopRequested;
  progressBar.value = results.length;
  const failed = results.filter((r) => r.error).length;
  const mismatched = results.filter((r) => r.check).length;
  progressText.textContent = `${stopped ? 'Stopped' : 'Done'}: ${results.length} of ${selected.length} rows in ${seconds.toFixed(1)} s` +
    `${failed ? `; ${failed} could not run` : ''}${mismatched ? `; ${mismatched} differ from argpool` : ''}` +
    `${hidden ? '; the tab was in the background for part of the run, so timings are unreliable' : ''}.`;

  lastJson = {
    startedAt: startedAt.toISOString(),
    seconds: +seconds.toFixed(2),
    quick,
    only: only ? only.source : null,
    stopped,
    hiddenDuringRun: hidden,
    browser,
    argpool: { wasmMemoryBytes: ap.stats().wasmMemoryBytes },
    timing,
    workloads: workloads.filter((w) => results.some((r) => r.workload === w.id)),
    rows: results,
  };
  jsonBox.textContent = JSON.stringify(lastJson, null, 2);
  showEnvironment({ 'argpool wasm memory': `${(lastJson.argpool.wasmMemoryBytes / 2 ** 20).toFixed(0)} MiB` });
  copyButton.disabled = false;
  running = false;
  setStatus(stopped ? 'stopped' : 'done');
}

runButton.addEventListener('click', () => {
  if (running) {
    stopRequested = true;
    runButton.disabled = true;
    progressText.textContent = 'Stopping after this row…';
    return;
  }
  runBench().catch((error) => {
    running = false;
    showError(`The run failed: ${error.message}`);
    setStatus('failed');
  });
});

copyButton.addEventListener('click', async () => {
  const text = jsonBox.textContent;
  try {
    await navigator.clipboard.writeText(text);
    copyStatus.textContent = 'Copied.';
  } catch {
    // No clipboard permission: select the text for Ctrl+C instead.
    getSelection().selectAllChildren(jsonBox);
    copyStatus.textContent = 'Selected: press Ctrl+C (⌘C) to copy.';
  }
});

// ---- start --------------------------------------------------------------------------------------

// The tester (build/wasm/tester/, built beside dist/ by `npm run build`) is the package's module
// plus the memory-bound kernel; it never ships, so the page loads it from the repository.
async function loadTester() {
  const base = new URL('../build/wasm/tester/', import.meta.url);
  const { default: factory } = await import(new URL('argpool-tester.mjs', base).href);
  const response = await fetch(new URL('argpool-tester.wasm', base));
  if (!response.ok) throw new Error(`the tester module: ${response.url} answered ${response.status} (run npm run build)`);
  return createTesterWith(factory, new Uint8Array(await response.arrayBuffer()));
}

try {
  [ap, tester] = await Promise.all([init(), loadTester()]);
} catch (error) {
  $('load-status').hidden = true;
  const loadError = $('load-error');
  loadError.hidden = false;
  loadError.textContent = `${error.message}. This page needs a browser with WebAssembly SIMD and must be served over HTTP (npm run demo).`;
  root.dataset.status = 'failed';
  throw error;
}
$('load-status').textContent = 'argpool loaded.';
$('load-status').classList.add('visually-hidden');
setStatus('ready');
if (flag('run')) runButton.click();
