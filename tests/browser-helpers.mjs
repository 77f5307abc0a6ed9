// Helpers for tests/demo.test.mjs: Debian's Chromium through playwright-core, and readers for the
// demo page's grids and canvases. (Not a test file: node --test only runs *.test.mjs.)
import { existsSync } from 'node:fs';

import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.ARGPOOL_CHROMIUM ?? '/usr/bin/chromium';

// tools/setup.sh skips installing Chromium when ARGPOOL_SKIP_BROWSER=1; the browser tests then
// skip too. Otherwise a missing Chromium is a failure, not a skip.
export const SKIP_BROWSER = process.env.ARGPOOL_SKIP_BROWSER === '1'
  ? 'ARGPOOL_SKIP_BROWSER=1'
  : false;

export async function launchBrowser() {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} not found: run \`npm run setup\` (apt-get install chromium) or set ARGPOOL_SKIP_BROWSER=1`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    timeout: 30_000,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

// Records console errors, uncaught exceptions, failed requests and requests that leave `origin`.
export function watchPage(page, origin) {
  const problems = [];
  const requests = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.stack ?? error.message}`));
  page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()} ${request.failure()?.errorText ?? ''}`));
  page.on('request', (request) => {
    requests.push(request.url());
    const url = request.url();
    if (!url.startsWith(origin) && !url.startsWith('data:') && !url.startsWith('blob:')) {
      problems.push(`request outside the demo server: ${url}`);
    }
  });
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`);
  });
  return { problems, requests };
}

// Loads the page until argpool is up. The wasm build in dist/ may be replaced while the tests
// run (a rebuild writes the glue and the .wasm one after the other): one retry after a pause.
export async function openDemo(page, url, watch) {
  for (let attempt = 1; ; ++attempt) {
    await page.goto(url);
    const state = await page.waitForFunction(() => {
      const status = document.getElementById('grid-mode')?.dataset.status;
      return status === 'ready' || status === 'failed' ? status : null;
    }, null, { timeout: 20_000 }).then((handle) => handle.jsonValue());
    if (state === 'ready') return;
    if (attempt >= 2) throw new Error(`the demo page did not load argpool: ${await page.textContent('#load-error')}`);
    await new Promise((resolve) => setTimeout(resolve, 15_000));
    watch.problems.length = 0;
  }
}

// Cells of one grid of the page, in DOM order (row-major).
export function readGrid(page, selector) {
  return page.$$eval(`${selector} .cell`, (nodes) => nodes.map((node) => ({
    r: node.dataset.r === undefined ? undefined : Number(node.dataset.r),
    c: node.dataset.c === undefined ? undefined : Number(node.dataset.c),
    o: node.dataset.o === undefined ? undefined : Number(node.dataset.o),
    value: node.dataset.value,
    index: node.dataset.index === undefined ? undefined : Number(node.dataset.index),
    picks: node.dataset.picks === undefined ? undefined : Number(node.dataset.picks),
    text: node.tagName === 'INPUT' ? node.value : node.textContent,
    classes: [...node.classList],
  })));
}

// The real (non-padding) input cells as a Float32Array in row-major order, with their shape.
export async function readInput(page) {
  const cells = (await readGrid(page, '#input-grid')).filter((cell) => cell.value !== undefined);
  const height = Math.max(...cells.map((cell) => cell.r)) + 1;
  const width = Math.max(...cells.map((cell) => cell.c)) + 1;
  assertRowMajor(cells, width);
  return { data: Float32Array.from(cells, (cell) => Number(cell.value)), shape: [1, 1, height, width] };
}

function assertRowMajor(cells, width) {
  cells.forEach((cell, k) => {
    if (cell.r * width + cell.c !== k) throw new Error(`input cell ${k} is at (${cell.r}, ${cell.c})`);
  });
}

// Pixels of a canvas: size, RGBA bytes (as a plain array) and how many distinct colours it has.
export function readCanvas(page, selector) {
  return page.$eval(selector, (canvas) => {
    const { width, height } = canvas;
    const data = canvas.getContext('2d').getImageData(0, 0, width, height).data;
    const colours = new Set();
    let nonBlack = 0;
    for (let p = 0; p < data.length; p += 4) {
      const rgb = (data[p] << 16) | (data[p + 1] << 8) | data[p + 2];
      colours.add(rgb);
      if (rgb !== 0) nonBlack += 1;
    }
    return { width, height, rgba: Array.from(data), distinct: colours.size, nonBlack };
  });
}

// RGBA bytes → Float32 planes [1, 3, H, W], as the page feeds argpool.
export function rgbaToPlanes(rgba, height, width) {
  const n = height * width;
  const planes = new Float32Array(3 * n);
  for (let p = 0; p < n; ++p) {
    for (let ch = 0; ch < 3; ++ch) planes[ch * n + p] = rgba[4 * p + ch];
  }
  return planes;
}

// Float32 planes [1, 3, H, W] → RGB bytes (what the page draws, alpha left out).
export function planesToRgb(planes, height, width) {
  const n = height * width;
  const rgb = new Uint8ClampedArray(3 * n);
  for (let p = 0; p < n; ++p) {
    for (let ch = 0; ch < 3; ++ch) rgb[3 * p + ch] = planes[ch * n + p];
  }
  return rgb;
}

export function rgbOf(rgba) {
  const rgb = new Uint8ClampedArray((rgba.length / 4) * 3);
  for (let p = 0, q = 0; p < rgba.length; p += 4, q += 3) {
    rgb[q] = rgba[p];
    rgb[q + 1] = rgba[p + 1];
    rgb[q + 2] = rgba[p + 2];
  }
  return rgb;
}
