// The demo page (web/) and its server (tools/serve.mjs, tools/demo.mjs), tested in Debian's
// Chromium through playwright-core. Every number the page shows is compared with argpool in Node.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { init } from '../bindings/js/node.js';
import { startServer } from '../tools/serve.mjs';
import {
  SKIP_BROWSER, launchBrowser, openDemo, planesToRgb, readCanvas, readGrid, readInput, rgbOf, rgbaToPlanes, watchPage,
} from './browser-helpers.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SCREENSHOTS = join(ROOT, 'out', 'screenshots');
const SEED = [2, 4, 5, 1, 3, 7, 2, 8, 1, 6, 3, 4, 9, 2, 7, 5];

// A raw GET (fetch would normalise '..' away before sending).
function rawGet(port, path, method = 'GET') {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('demo server', () => {
  let served;
  before(async () => {
    served = await startServer({ port: 0 });
  });
  after(() => served?.close());

  test('serves the page, the browser entry, the glue and the .wasm with their content types', async () => {
    const root = await rawGet(served.port, '/');
    assert.equal(root.status, 302);
    assert.equal(root.headers.location, '/web/');
    const page = await rawGet(served.port, '/web/');
    assert.equal(page.status, 200);
    assert.match(page.headers['content-type'], /^text\/html/);
    assert.match(page.body.toString(), /<script type="module" src="app.js"><\/script>/);
    for (const [path, type] of [
      ['/web/app.js', /^text\/javascript/],
      ['/web/style.css', /^text\/css/],
      ['/bindings/js/browser.js', /^text\/javascript/],
      ['/dist/argpool-wasm.mjs', /^text\/javascript/],
      ['/dist/argpool-wasm.wasm', /^application\/wasm$/],
    ]) {
      const res = await rawGet(served.port, path);
      assert.equal(res.status, 200, path);
      assert.match(res.headers['content-type'], type, path);
    }
    const wasm = await rawGet(served.port, '/dist/argpool-wasm.wasm');
    assert.deepEqual([...wasm.body.subarray(0, 4)], [0x00, 0x61, 0x73, 0x6d]); // "\0asm"
    assert.equal(Number(wasm.headers['content-length']), statSync(join(ROOT, 'dist/argpool-wasm.wasm')).size);
    const head = await rawGet(served.port, '/web/index.html', 'HEAD');
    assert.equal(head.status, 200);
    assert.equal(head.body.length, 0);
    assert.equal((await rawGet(served.port, '/web/index.html', 'POST')).status, 405);
  });

  test('serves nothing outside web/, bindings/js/ and dist/, and no directory traversal', async () => {
    for (const path of [
      '/package.json', '/README.md', '/tools/serve.mjs', '/src/argpool/shape.cpp', '/.git/config',
      '/node_modules/playwright-core/package.json', '/build/', '/tests/demo.test.mjs',
      '/web/../package.json', '/dist/../tools/serve.mjs', '/web/%2e%2e/package.json', '/%2e%2e/%2e%2e/etc/passwd',
      '/web/..%2fpackage.json', '/web/%2e%2e%2f%2e%2e%2fetc%2fpasswd', '/web/..%5cpackage.json',
      '//etc/passwd', '/web//index.html', '/web/%00', '/web/%E0%A4%A', '/bindings/js/../../package.json',
      '/web/missing.js',
    ]) {
      const res = await rawGet(served.port, path);
      assert.equal(res.status, 404, `${path} → ${res.status}`);
      assert.doesNotMatch(res.body.toString(), /"name": "argpool"|root:/, path);
    }
  });

  test('tools/demo.mjs serves until SIGTERM, prints the URL, takes --port or PORT', async () => {
    async function run(args, env) {
      const child = spawn(process.execPath, [join(ROOT, 'tools/demo.mjs'), ...args], {
        env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (chunk) => { out += chunk; });
      child.stderr.on('data', (chunk) => { err += chunk; });
      const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
      // The URL line, or null once the child exits or 15 s pass.
      const url = await new Promise((resolve) => {
        const deadline = Date.now() + 15_000;
        let done = false;
        exited.then(() => { done = true; });
        const check = () => {
          const match = out.match(/http:\/\/127\.0\.0\.1:(\d+)\/web\//);
          if (match) resolve(match[0]);
          else if (done || Date.now() > deadline) resolve(null);
          else setTimeout(check, 20);
        };
        check();
      });
      return { child, url, exited, output: () => ({ out, err }) };
    }

    for (const [args, env] of [[[], { PORT: '0' }], [['--port', '0'], { PORT: 'not-a-port' }], [['--port=0'], {}]]) {
      const { child, url, exited, output } = await run(args, env);
      try {
        assert.ok(url, `no URL printed for ${args.join(' ')} PORT=${env.PORT}: ${JSON.stringify(output())}`);
        assert.notEqual(new URL(url).port, '0');
        const res = await fetch(url);
        assert.equal(res.status, 200);
        assert.match(await res.text(), /argpool demo/);
      } finally {
        child.kill('SIGTERM');
      }
      assert.deepEqual(await exited, { code: 0, signal: null });
    }

    const bad = await run(['--port', 'abc'], {});
    assert.equal(bad.url, null);
    assert.equal((await bad.exited).code, 2);
    assert.match(bad.output().err, /port must be an integer/);
  });
});

describe('demo page in Chromium', { skip: SKIP_BROWSER }, () => {
  let served;
  let browser;
  let page;
  let watch;
  let ap;

  before(async () => {
    ap = await init();
    served = await startServer({ port: 0 });
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    page.setDefaultTimeout(15_000);
    watch = watchPage(page, served.url.slice(0, -1));
    await openDemo(page, served.url, watch);
    mkdirSync(SCREENSHOTS, { recursive: true });
  });

  after(async () => {
    await browser?.close();
    await served?.close();
  });

  const outputs = (sel = '#output-grid') => readGrid(page, sel);

  async function seed() {
    await page.click('[data-preset="seed"]');
    await page.waitForFunction(() => document.getElementById('grid-mode').dataset.status === 'ready');
  }

  async function setPooling({ kernel = 2, stride = '', padding = 0, dilation = 1, ceil = false }) {
    await page.fill('#grid-kernel', String(kernel));
    await page.fill('#grid-stride', String(stride));
    await page.fill('#grid-padding', String(padding));
    await page.fill('#grid-dilation', String(dilation));
    await page.setChecked('#grid-ceil', ceil);
  }

  // Every grid of the page against argpool in Node, for the input the page shows.
  async function assertGridsMatchNode(options, label) {
    assert.equal(await page.getAttribute('#grid-mode', 'data-status'), 'ready', `${label}: ${await page.textContent('#grid-error')}`);
    const input = await readInput(page);
    const expected = ap.maxPool(input, options);
    const [oh, ow] = expected.values.shape.slice(2);
    assert.equal(await page.getAttribute('#output-grid', 'data-shape'), `${oh}x${ow}`, label);
    const out = await outputs();
    assert.deepEqual(out.map((cell) => cell.value), Array.from(expected.values.data, String), `${label}: values`);
    const mask = await outputs('#mask-grid');
    assert.deepEqual(mask.map((cell) => cell.index), Array.from(expected.indices.data), `${label}: mask`);
    const [H, W] = input.shape.slice(2);
    assert.deepEqual(mask.map((cell) => cell.text.replace(/^\d+/, '')),
      Array.from(expected.indices.data, (i) => `(${Math.floor(i / W)}, ${i % W})`), `${label}: mask (row, col)`);
    const unpooled = ap.maxUnpool(expected.values, expected.indices, {
      kernelSize: (options.dilation ?? 1) * (options.kernelSize - 1) + 1,
      stride: options.stride ?? options.kernelSize, padding: options.padding ?? 0, outputSize: [H, W],
    });
    assert.deepEqual((await readGrid(page, '#unpool-grid')).map((cell) => cell.value), Array.from(unpooled.data, String), `${label}: unpooled`);
    const ones = { data: new Float32Array(oh * ow).fill(1), shape: expected.values.shape };
    const grad = ap.maxPoolBackward(ones, expected.indices, input.shape, options);
    const backward = await readGrid(page, '#backward-grid');
    assert.deepEqual(backward.map((cell) => cell.value), Array.from(grad.data, String), `${label}: backward`);
    // With ones upstream, the gradient of a cell counts the outputs that picked it: the ×n badges.
    assert.deepEqual(backward.map((cell) => cell.picks), Array.from(grad.data), `${label}: picks`);
    assert.deepEqual(backward.map((cell) => /×\d+$/.test(cell.text)), Array.from(grad.data, (g) => g > 1), `${label}: badges`);
    return { input, expected };
  }

  test('argpool comes from the browser entry and dist/, nothing from the network', () => {
    const paths = watch.requests.map((url) => new URL(url).pathname);
    for (const path of ['/web/app.js', '/bindings/js/browser.js', '/dist/argpool-wasm.mjs', '/dist/argpool-wasm.wasm']) {
      assert.ok(paths.includes(path), `${path} was not requested: ${paths.join(' ')}`);
    }
    assert.deepEqual(watch.requests.filter((url) => !url.startsWith(served.url) && !url.startsWith('data:')), []);
  });

  test('seed example: values 7, 8, 9, 7 and mask 5, 7, 12, 14', async () => {
    await page.screenshot({ path: join(SCREENSHOTS, 'grid-1280x720.png') });
    const input = await readInput(page);
    assert.deepEqual(Array.from(input.data), SEED);
    assert.deepEqual(input.shape, [1, 1, 4, 4]);
    const out = await outputs();
    assert.deepEqual(out.map((cell) => cell.text), ['7', '8', '9', '7']);
    assert.deepEqual(out.map((cell) => cell.value), ['7', '8', '9', '7']);
    const mask = await outputs('#mask-grid');
    assert.deepEqual(mask.map((cell) => cell.index), [5, 7, 12, 14]);
    assert.deepEqual(mask.map((cell) => cell.text), ['5(1, 1)', '7(1, 3)', '12(3, 0)', '14(3, 2)']);
    assert.deepEqual((await readGrid(page, '#unpool-grid')).map((cell) => Number(cell.value)),
      [0, 0, 0, 0, 0, 7, 0, 8, 0, 0, 0, 0, 9, 0, 7, 0]);
    assert.deepEqual((await readGrid(page, '#backward-grid')).map((cell) => Number(cell.value)),
      [0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 1, 0, 1, 0]);
    assert.equal(await page.textContent('#step-text'),
      'Window 1 of 4: output (0, 0) = max(2, 4, 3, 7) = 7 at input (1, 1) → mask index 1·4 + 1 = 5.');
    await assertGridsMatchNode({ kernelSize: 2, stride: 2 }, 'seed');
  });

  test('changing kernel, stride, padding, dilation and ceil mode updates output and mask as argpool in Node', async () => {
    await seed();
    const cases = [
      { kernel: 3, stride: 1 },
      { kernel: 2, stride: 1, padding: 1 },
      { kernel: 3, stride: 2, padding: 1, ceil: true },
      { kernel: 2, stride: 1, dilation: 2 },
      { kernel: 2, stride: 3, ceil: true },
      { kernel: 4 }, // stride left empty: defaults to the kernel
    ];
    const shapes = [];
    for (const c of cases) {
      await setPooling(c);
      const options = { kernelSize: c.kernel };
      if (c.stride !== undefined) options.stride = c.stride;
      if (c.padding) options.padding = c.padding;
      if (c.dilation) options.dilation = c.dilation;
      if (c.ceil) options.ceilMode = true;
      const { expected } = await assertGridsMatchNode(options, JSON.stringify(c));
      shapes.push(expected.values.shape.slice(2).join('x'));
    }
    assert.deepEqual(shapes, ['2x2', '5x5', '3x3', '2x2', '2x2', '1x1']);
    // kernel 3, stride 1 on the seed: overlapping windows pick 7 and 8 several times.
    await setPooling({ kernel: 3, stride: 1 });
    const backward = await readGrid(page, '#backward-grid');
    assert.deepEqual(backward.map((cell) => cell.picks), [0, 0, 0, 0, 0, 1, 0, 2, 0, 0, 0, 0, 1, 0, 0, 0]);
    assert.deepEqual(backward.filter((cell) => cell.picks > 1).map((cell) => cell.text), ['2×2']);
    await setPooling({ kernel: 2, stride: 1 });
    assert.deepEqual((await readGrid(page, '#backward-grid')).map((cell) => cell.picks),
      [0, 0, 0, 0, 0, 4, 0, 2, 0, 0, 0, 0, 1, 0, 2, 0]);

    // A 16×16 random input, then the ties, NaN and −∞ presets.
    await page.fill('#grid-rows', '16');
    await page.fill('#grid-cols', '16');
    await setPooling({ kernel: 3, stride: 2, padding: 1 });
    const options = { kernelSize: 3, stride: 2, padding: 1 };
    const random = [];
    for (const preset of ['random', 'random', 'ties', 'nan', 'neginf']) {
      await page.click(`[data-preset="${preset}"]`);
      const { input, expected } = await assertGridsMatchNode(options, preset);
      assert.deepEqual(input.shape, [1, 1, 16, 16]);
      assert.deepEqual(expected.values.shape, [1, 1, 8, 8]);
      if (preset === 'random') random.push(Array.from(input.data).join());
      if (preset === 'nan') assert.ok(input.data.some(Number.isNaN) && expected.values.data.some(Number.isNaN));
      if (preset === 'neginf') assert.equal(expected.values.data[0], -Infinity);
    }
    assert.notEqual(random[0], random[1], 'Random gives a new input');
    await page.screenshot({ path: join(SCREENSHOTS, 'grid-16x16-1280x720.png'), fullPage: true });
  });

  test('hovering an output highlights its window and source cell; hovering an input shows what it feeds', async () => {
    await seed();
    for (const [o, source, rows, cols] of [[0, 5, [0, 1], [0, 1]], [1, 7, [0, 1], [2, 3]], [2, 12, [2, 3], [0, 1]], [3, 14, [2, 3], [2, 3]]]) {
      await page.hover(`#output-grid .cell[data-o="${o}"]`);
      const input = await readGrid(page, '#input-grid');
      const sources = input.filter((cell) => cell.classes.includes('is-source'));
      assert.deepEqual(sources.map((cell) => [cell.r, cell.c]), [[Math.floor(source / 4), source % 4]], `output ${o}`);
      const window = input.filter((cell) => cell.classes.includes('in-window')).map((cell) => [cell.r, cell.c]);
      assert.deepEqual(window, rows.flatMap((r) => cols.map((c) => [r, c])), `window of output ${o}`);
      const unpooled = (await readGrid(page, '#unpool-grid')).filter((cell) => cell.classes.includes('is-source'));
      assert.deepEqual(unpooled.map((cell) => [cell.r, cell.c]), [[Math.floor(source / 4), source % 4]]);
      const current = (await outputs('#mask-grid')).filter((cell) => cell.classes.includes('is-current'));
      assert.deepEqual(current.map((cell) => cell.o), [o]);
      assert.equal(await page.isVisible('#input-grid .window'), true);
    }
    // Hovering a mask cell does the same as its output.
    await page.hover('#mask-grid .cell[data-o="2"]');
    assert.deepEqual((await readGrid(page, '#input-grid')).filter((c) => c.classes.includes('is-source')).map((c) => [c.r, c.c]), [[3, 0]]);

    // The reverse: input (1, 1) = 7 feeds output (0, 0); input (0, 0) = 2 feeds nothing.
    await page.hover('#input-grid .cell[data-r="1"][data-c="1"]');
    let out = await outputs();
    assert.deepEqual(out.filter((cell) => cell.classes.includes('feeds')).map((cell) => cell.o), [0]);
    assert.match(await page.textContent('#step-text'), /^Input \(1, 1\) = 7 is the maximum of 1 window: output \(0, 0\)/);
    await page.hover('#input-grid .cell[data-r="0"][data-c="0"]');
    out = await outputs();
    assert.deepEqual(out.filter((cell) => cell.classes.includes('feeds')).map((cell) => cell.o), []);
    assert.deepEqual(out.filter((cell) => cell.classes.includes('covers')).map((cell) => cell.o), [0]);
    // Overlapping windows: with kernel 2, stride 1, input (1, 1) = 7 is the maximum of 4 outputs.
    await setPooling({ kernel: 2, stride: 1 });
    await page.hover('#input-grid .cell[data-r="1"][data-c="1"]');
    out = await outputs();
    assert.deepEqual(out.filter((cell) => cell.classes.includes('feeds')).map((cell) => cell.o), [0, 1, 3, 4]);
    await page.hover('#output-grid .cell[data-o="4"]');
    const input = await readGrid(page, '#input-grid');
    assert.deepEqual(input.filter((c) => c.classes.includes('is-source')).map((c) => [c.r, c.c]), [[1, 1]]);
    assert.deepEqual(input.filter((c) => c.classes.includes('in-window')).map((c) => [c.r, c.c]), [[1, 1], [1, 2], [2, 1], [2, 2]]);
    await page.mouse.move(0, 0);
  });

  test('step buttons, play and arrow keys walk the window over the outputs', async () => {
    await seed();
    const current = async () => (await outputs()).filter((cell) => cell.classes.includes('is-current')).map((cell) => cell.o);
    assert.deepEqual(await current(), [0]);
    await page.click('#step-next');
    assert.deepEqual(await current(), [1]);
    assert.match(await page.textContent('#step-text'), /^Window 2 of 4: output \(0, 1\) = max\(5, 1, 2, 8\) = 8 at input \(1, 3\) → mask index 1·4 \+ 3 = 7\./);
    await page.click('#step-prev');
    await page.click('#step-prev');
    assert.deepEqual(await current(), [3]);
    // Keyboard: the output grid is one tab stop; arrows move within it.
    await page.focus('#output-grid .cell[data-o="3"]');
    await page.keyboard.press('ArrowUp');
    assert.equal(await page.evaluate(() => document.activeElement.dataset.o), '1');
    assert.deepEqual(await current(), [1]);
    await page.keyboard.press('ArrowLeft');
    assert.deepEqual(await current(), [0]);
    assert.deepEqual((await readGrid(page, '#input-grid')).filter((c) => c.classes.includes('is-source')).map((c) => [c.r, c.c]), [[1, 1]]);
    const tabStops = await page.$$eval('#output-grid .cell', (nodes) => nodes.map((node) => node.tabIndex));
    assert.deepEqual(tabStops, [0, -1, -1, -1]);
    // Play advances by itself; Pause stops it.
    await page.click('#step-play');
    assert.equal(await page.getAttribute('#step-play', 'aria-pressed'), 'true');
    await page.waitForFunction(() => document.querySelector('#output-grid .is-current')?.dataset.o === '2', null, { timeout: 5000 });
    await page.click('#step-play');
    assert.equal(await page.getAttribute('#step-play', 'aria-pressed'), 'false');
    const stopped = await current();
    await page.waitForTimeout(1200);
    assert.deepEqual(await current(), stopped);
  });

  test('an invalid setting shows argpool\'s message inline and a following valid one recovers', async () => {
    await seed();
    const input = { data: Float32Array.from(SEED), shape: [1, 1, 4, 4] };
    const messageFor = (options) => {
      try {
        ap.maxPool(input, options);
      } catch (error) {
        return error.message;
      }
      throw new Error(`argpool accepted ${JSON.stringify(options)}`);
    };
    for (const [settings, options] of [
      [{ kernel: 5, stride: 2 }, { kernelSize: 5, stride: 2, padding: 0, dilation: 1 }],
      [{ kernel: 2, stride: 2, padding: 2 }, { kernelSize: 2, stride: 2, padding: 2, dilation: 1 }],
      [{ kernel: 2, stride: 0 }, { kernelSize: 2, stride: 0, padding: 0, dilation: 1 }],
      [{ kernel: 2, stride: 2, dilation: 0 }, { kernelSize: 2, stride: 2, padding: 0, dilation: 0 }],
      [{ kernel: 2.5, stride: 2 }, { kernelSize: 2.5, stride: 2, padding: 0, dilation: 1 }],
      [{ kernel: '', stride: 2 }, { stride: 2, padding: 0, dilation: 1 }],
    ]) {
      await setPooling(settings);
      assert.equal(await page.isVisible('#grid-error'), true, JSON.stringify(settings));
      assert.equal(await page.textContent('#grid-error'), messageFor(options));
      assert.equal(await page.getAttribute('#grid-mode', 'data-status'), 'error');
      assert.equal(await page.isDisabled('#step-next'), true);
      await setPooling({ kernel: 2, stride: 2 });
      assert.equal(await page.isVisible('#grid-error'), false);
      assert.deepEqual((await outputs()).map((cell) => cell.text), ['7', '8', '9', '7']);
      assert.deepEqual((await outputs('#mask-grid')).map((cell) => cell.index), [5, 7, 12, 14]);
    }
    // The page's own limit on the input size.
    await page.fill('#grid-rows', '17');
    assert.equal(await page.textContent('#grid-error'), 'Rows must be a whole number from 1 to 16, got 17');
    await page.fill('#grid-rows', '4');
    assert.equal(await page.isVisible('#grid-error'), false);
    assert.deepEqual((await outputs()).map((cell) => cell.text), ['7', '8', '9', '7']);
  });

  test('input cells are editable (numbers, NaN, inf) and a bad entry is reported', async () => {
    await seed();
    const cell = (r, c) => `#input-grid input.cell[data-r="${r}"][data-c="${c}"]`;
    await page.fill(cell(0, 0), '100');
    await page.press(cell(0, 0), 'Enter');
    assert.equal(await page.evaluate(() => document.activeElement.dataset.r), '1', 'Enter moves down');
    assert.deepEqual((await outputs()).map((c) => c.value), ['100', '8', '9', '7']);
    assert.deepEqual((await outputs('#mask-grid')).map((c) => c.index), [0, 7, 12, 14]);
    await page.fill(cell(2, 3), 'NaN');
    await page.press(cell(2, 3), 'Enter');
    assert.deepEqual((await outputs()).map((c) => c.value), ['100', '8', '9', 'NaN']);
    assert.deepEqual((await outputs('#mask-grid')).map((c) => c.index), [0, 7, 12, 11]);
    await page.fill(cell(3, 0), '-inf');
    await page.press(cell(3, 0), 'Tab');
    await page.waitForFunction(() => document.querySelector('#output-grid .cell[data-o="2"]')?.dataset.value === '6');
    assert.deepEqual((await outputs('#mask-grid')).map((c) => c.index), [0, 7, 9, 11]);
    await page.fill(cell(0, 1), 'abc');
    await page.press(cell(0, 1), 'Enter');
    assert.equal(await page.isVisible('#cell-error'), true);
    assert.match(await page.textContent('#cell-error'), /Input \(0, 1\): "abc" is not a number/);
    await page.press(cell(0, 1), 'Escape');
    assert.equal(await page.isVisible('#cell-error'), false);
    assert.equal(await page.inputValue(cell(0, 1)), '4');
    await assertGridsMatchNode({ kernelSize: 2, stride: 2 }, 'edited');
  });

  test('controls are labelled; tabs work with the keyboard', async () => {
    const unlabelled = await page.$$eval('input, select, button, [role="tab"]', (nodes) => nodes
      .filter((node) => !(node.labels?.length > 0 || node.getAttribute('aria-label') || node.textContent.trim()))
      .map((node) => node.outerHTML.slice(0, 80)));
    assert.deepEqual(unlabelled, []);
    await page.focus('#tab-grid');
    await page.keyboard.press('ArrowRight');
    assert.equal(await page.getAttribute('#tab-image', 'aria-selected'), 'true');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'tab-image');
    assert.equal(await page.isVisible('#image-mode'), true);
    assert.equal(await page.isVisible('#grid-mode'), false);
    await page.keyboard.press('ArrowLeft');
    assert.equal(await page.getAttribute('#tab-grid', 'aria-selected'), 'true');
    assert.equal(await page.isVisible('#grid-mode'), true);
  });

  test('image mode draws the pooled picture, the mask and the unpooled picture as argpool computes them', async () => {
    await page.click('#tab-image');
    await page.waitForFunction(() => document.getElementById('image-mode').dataset.status === 'ready');
    const input = await readCanvas(page, '#image-input');
    assert.deepEqual([input.width, input.height], [384, 384]);
    assert.ok(input.distinct > 1000, `input has ${input.distinct} colours`);
    const planes = rgbaToPlanes(input.rgba, 384, 384);
    const expected = ap.maxPool({ data: planes, shape: [1, 3, 384, 384] }, { kernelSize: 2, stride: 2 });
    const unpooled = ap.maxUnpool(expected.values, expected.indices, { kernelSize: 2, stride: 2, outputSize: [384, 384] });

    const pooled = await readCanvas(page, '#image-pooled');
    assert.deepEqual([pooled.width, pooled.height], [192, 192]);
    assert.ok(pooled.distinct > 500 && pooled.nonBlack > 0.9 * 192 * 192, `pooled: ${pooled.distinct} colours`);
    assert.deepEqual(rgbOf(pooled.rgba), planesToRgb(expected.values.data, 192, 192));

    const mask = await readCanvas(page, '#image-mask');
    assert.deepEqual([mask.width, mask.height], [192, 192]);
    assert.equal(mask.distinct, 4, 'one colour per position in a 2×2 window');
    // Mask colours encode the position of the red channel's maximum within its window.
    const colourOf = new Map();
    for (let o = 0; o < 192 * 192; ++o) {
      const index = expected.indices.data[o];
      const position = (Math.floor(index / 384) % 2) * 2 + (index % 384) % 2;
      const rgb = mask.rgba.slice(4 * o, 4 * o + 3).join();
      if (!colourOf.has(position)) colourOf.set(position, rgb);
      assert.equal(colourOf.get(position), rgb, `mask pixel ${o}`);
    }
    assert.equal(new Set(colourOf.values()).size, 4);

    const unpool = await readCanvas(page, '#image-unpooled');
    assert.deepEqual([unpool.width, unpool.height], [384, 384]);
    assert.ok(unpool.nonBlack > 0.2 * 384 * 384, `unpooled: ${unpool.nonBlack} non-black pixels`);
    assert.deepEqual(rgbOf(unpool.rgba), planesToRgb(unpooled.data, 384, 384));

    // The timing table: argpool and the plain-JS reference agree bit for bit on every operation.
    await page.waitForFunction(() => document.getElementById('timing').dataset.status === 'done', null, { timeout: 30_000 });
    const rows = await page.$$eval('#timing tbody tr', (trs) => trs.map((tr) => ({
      op: tr.dataset.op, match: tr.dataset.match, cells: [...tr.querySelectorAll('td')].map((td) => td.textContent),
    })));
    assert.deepEqual(rows.map((row) => [row.op, row.match]), [['maxPool', 'true'], ['maxUnpool', 'true'], ['maxPoolBackward', 'true']]);
    for (const row of rows) {
      assert.match(row.cells[0], /^\d+(\.\d+)? (ms|µs)$/);
      assert.match(row.cells[1], /^\d+(\.\d+)? (ms|µs)$/);
    }
    await page.screenshot({ path: join(SCREENSHOTS, 'image-1280x720.png') });

    // Other settings: kernel 3, stride 3 → 128×128, nine mask colours at most.
    await page.fill('#image-kernel', '3');
    await page.fill('#image-stride', '3');
    const pooled3 = await readCanvas(page, '#image-pooled');
    assert.deepEqual([pooled3.width, pooled3.height], [128, 128]);
    const expected3 = ap.maxPool({ data: planes, shape: [1, 3, 384, 384] }, { kernelSize: 3, stride: 3 });
    assert.deepEqual(rgbOf(pooled3.rgba), planesToRgb(expected3.values.data, 128, 128));
    const mask3 = await readCanvas(page, '#image-mask');
    assert.ok(mask3.distinct >= 2 && mask3.distinct <= 9, `mask has ${mask3.distinct} colours`);

    // An invalid setting shows argpool's message; a valid one recovers.
    await page.fill('#image-padding', '2');
    let message = null;
    try {
      ap.maxPool({ data: planes, shape: [1, 3, 384, 384] }, { kernelSize: 3, stride: 3, padding: 2, dilation: 1 });
    } catch (error) {
      message = error.message;
    }
    assert.match(message, /^maxPool: padding\[0\] = 2 must be at most half of kernelSize\[0\] = 3/);
    assert.equal(await page.isVisible('#image-error'), true);
    assert.equal(await page.textContent('#image-error'), message);
    assert.equal(await page.getAttribute('#image-mode', 'data-status'), 'error');
    await page.fill('#image-padding', '1');
    assert.equal(await page.isVisible('#image-error'), false);
    assert.deepEqual(await page.$eval('#image-pooled', (c) => [c.width, c.height]), [128, 128]);
    await page.fill('#image-kernel', '2');
    await page.fill('#image-stride', '2');
    await page.fill('#image-padding', '0');
  });

  test('image mode pools a picked local file', async () => {
    for (const [id, value] of [['kernel', '2'], ['stride', '2'], ['padding', '0'], ['dilation', '1']]) {
      await page.fill(`#image-${id}`, value);
    }
    const png = await page.screenshot({ clip: { x: 0, y: 0, width: 300, height: 200 } });
    await page.setInputFiles('#image-file', { name: 'picked.png', mimeType: 'image/png', buffer: png });
    await page.waitForFunction(() => document.getElementById('image-input').width === 300);
    assert.equal(await page.inputValue('#image-source'), 'file');
    assert.deepEqual(await page.$eval('#image-pooled', (c) => [c.width, c.height]), [150, 100]);
    const input = await readCanvas(page, '#image-input');
    const expected = ap.maxPool({ data: rgbaToPlanes(input.rgba, 200, 300), shape: [1, 3, 200, 300] }, { kernelSize: 2, stride: 2 });
    assert.deepEqual(rgbOf((await readCanvas(page, '#image-pooled')).rgba), planesToRgb(expected.values.data, 100, 150));
    await page.selectOption('#image-source', 'generated');
    await page.waitForFunction(() => document.getElementById('image-input').width === 384);
  });

  test('readable on a narrow (390 px) viewport: nothing wider than the screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      for (const mode of ['image', 'grid']) {
        await page.click(`#tab-${mode}`);
        await page.waitForFunction((m) => document.getElementById(`${m}-mode`).dataset.status === 'ready', mode);
        const width = await page.evaluate(() => document.documentElement.scrollWidth);
        assert.ok(width <= 390, `${mode} mode is ${width} px wide`);
        await page.screenshot({ path: join(SCREENSHOTS, `${mode}-390.png`), fullPage: true });
      }
      await seed();
    } finally {
      await page.setViewportSize({ width: 1280, height: 720 });
    }
    if (process.env.ARGPOOL_UPDATE_SCREENSHOT === '1') {
      // The README's picture: the seed example with the second window selected.
      await page.click('#step-next');
      await page.mouse.move(0, 0);
      const png = await page.screenshot();
      assert.ok(png.length < 150_000, `web/screenshot.png would be ${png.length} bytes`);
      writeFileSync(join(ROOT, 'web', 'screenshot.png'), png);
    }
  });

  test('no console errors, uncaught exceptions or failed requests', () => {
    assert.deepEqual(watch.problems, []);
  });
});
