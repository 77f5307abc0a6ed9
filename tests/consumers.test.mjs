// The package as its users get it: `npm pack`, the tarball installed (offline) into a scratch
// folder, then each setup of the README's "Bundlers" table builds the README's seed example with
// no bundler configuration, from the bundlers pinned in devDependencies; the result runs in
// Chromium (one browser for the whole file) or in Node, and must give the seed's values
// [7, 8, 9, 7] and mask [5, 7, 12, 14]. The TypeScript setups compile against the tarball's
// declarations with neither the DOM lib nor @types/node. At most two setups build at a time.
import assert from 'node:assert/strict';
import { execFile, execFileSync, spawn } from 'node:child_process';
import { cpSync, createReadStream, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, extname, join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';

import { launchBrowser, SKIP_BROWSER, watchPage } from './browser-helpers.mjs';

const root = new URL('..', import.meta.url).pathname;
const requireHere = createRequire(import.meta.url);
// The bundlers pinned in devDependencies (some export no ./package.json: read it from its folder).
const packageDir = (name) => join(root, 'node_modules', name);
const bin = (name, path) => join(packageDir(name), path);
const versionOf = (name) => JSON.parse(readFileSync(join(packageDir(name), 'package.json'), 'utf8')).version;
const run = promisify(execFile);

const EXPECTED = { values: [7, 8, 9, 7], indices: [5, 7, 12, 14] };

// The README's seed example; `report` publishes the result (page, worker or console).
const SEED_BODY = `
const input = { data: new Float32Array([2, 4, 5, 1, 3, 7, 2, 8, 1, 6, 3, 4, 9, 2, 7, 5]), shape: [1, 1, 4, 4] };
const { values, indices } = ap.maxPool(input, { kernelSize: 2, stride: 2 });
report({ values: Array.from(values.data), indices: Array.from(indices.data) });`;
// A page's results go to globalThis.__argpool.main (main thread) and .worker (module worker).
const REPORT_PAGE = "const report = (result) => { (globalThis.__argpool ??= {}).main = result; };";
const REPORT_WORKER = 'const report = (result) => postMessage(result);';
const REPORT_CONSOLE = 'const report = (result) => console.log(JSON.stringify(result));';

const seedModule = (specifier, report, { topLevelAwait = true } = {}) => (topLevelAwait
  ? `import { init } from '${specifier}';\n${report}\nconst ap = await init();${SEED_BODY}\n`
  : `import { init } from '${specifier}';\n${report}\ninit().then((ap) => {${SEED_BODY}\n}, (error) => report({ error: String(error?.stack ?? error) }));\n`);

// A page's module that starts a module worker and reports what it posts.
const WORKER_STARTER = `const report = (result) => { (globalThis.__argpool ??= {}).worker = result; };
const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
worker.onmessage = (event) => report(event.data);
worker.onerror = (event) => report({ error: 'worker: ' + (event.message ?? 'failed to start') });
`;

// Errors before any result end the wait too (and say why).
const ERROR_HOOK = `<script>
addEventListener('error', (e) => { globalThis.__argpoolError ??= String(e.error?.stack ?? e.message); });
addEventListener('unhandledrejection', (e) => { globalThis.__argpoolError ??= String(e.reason?.stack ?? e.reason); });
</script>`;
const page = (script) => `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,">${ERROR_HOOK}</head><body>${script}</body></html>\n`;

let work;
let browser;
let tarballName;
const timings = [];

before(async () => {
  work = join(tmpdir(), `argpool-consumers-${process.pid}`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  // --ignore-scripts: `npm test` has just built dist/; prepack would only rebuild it.
  const [packed] = JSON.parse(execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work],
    { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }));
  tarballName = packed.filename;
  writeFileSync(join(work, 'package.json'), JSON.stringify({ name: 'consumers', private: true, type: 'module' }));
  execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', join(work, tarballName)],
    { cwd: work, stdio: ['ignore', 'pipe', 'pipe'] });
  if (!SKIP_BROWSER) browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
  if (timings.length > 0) console.log(`# consumer setups (s): ${timings.join(', ')}`);
});

// One folder per setup, with its own package.json (Vite keeps its cache beside the nearest one).
function app(name, files, packageJson = { type: 'module' }) {
  const dir = join(work, name);
  for (const [path, text] of Object.entries({ 'package.json': JSON.stringify({ name, private: true, ...packageJson }), ...files })) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

async function timed(name, job) {
  const start = performance.now();
  try {
    return await job();
  } finally {
    timings.push(`${name} ${((performance.now() - start) / 1000).toFixed(1)}`);
  }
}

async function command(file, args, cwd) {
  try {
    return (await run(file, args, { cwd, encoding: 'utf8', maxBuffer: 16 << 20 })).stdout;
  } catch (error) {
    throw new Error(`${file} ${args.join(' ')} failed:\n${error.stdout}${error.stderr}`);
  }
}
const node = (args, cwd) => command(process.execPath, args, cwd);

// ---- Serving and checking a page --------------------------------------------------------------

const CONTENT_TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css' };

// Serves `dir` (any file under it) on 127.0.0.1, port 0.
async function serveFolder(dir) {
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url, 'http://x').pathname);
    const file = join(dir, path.endsWith('/') ? `${path}index.html` : path);
    if (relative(dir, file).startsWith('..') || !statSync(file, { throwIfNoEntry: false })?.isFile()) {
      response.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
      return;
    }
    response.writeHead(200, { 'Content-Type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(response);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${server.address().port}`;
  return { origin, close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }) };
}

// Opens `url`, waits for the seed's result from each of `threads` ('main', 'worker') and checks
// them, with no failed request or console error.
async function checkPage(url, threads = ['main']) {
  const context = await browser.newContext();
  try {
    const tab = await context.newPage();
    const watch = watchPage(tab, new URL(url).origin);
    await tab.goto(url);
    const result = await tab.waitForFunction((keys) => {
      const results = globalThis.__argpool ?? {};
      if (globalThis.__argpoolError !== undefined) return { error: globalThis.__argpoolError, ...results };
      return keys.every((key) => results[key] !== undefined) ? results : null;
    }, threads, { timeout: 20_000 })
      .then((handle) => handle.jsonValue())
      .catch((error) => ({ error: `no result: ${error.message}` }));
    const expected = Object.fromEntries(threads.map((key) => [key, EXPECTED]));
    assert.deepEqual(result, expected, `${url}: ${JSON.stringify(result)}\n${watch.problems.join('\n')}`);
    assert.deepEqual(watch.problems, [], url);
    return watch.requests;
  } finally {
    await context.close();
  }
}

// Serves a build's output folder and checks its index.html.
async function checkBuild(dir, threads) {
  const server = await serveFolder(dir);
  try {
    await checkPage(`${server.origin}/index.html`, threads);
  } finally {
    await server.close();
  }
}

// No build output may hold the build machine's paths (webpack inlines import.meta.url as file://…).
function assertNoMachinePaths(dir) {
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !/\.(m?js|cjs|html)$/.test(entry.name)) continue;
    const text = readFileSync(join(entry.parentPath ?? entry.path, entry.name), 'utf8');
    for (const leak of [work, root.replace(/\/$/, ''), 'file://']) {
      assert.ok(!text.includes(leak), `${entry.name} contains ${leak}`);
    }
  }
}

// ---- Vite ---------------------------------------------------------------------------------------

function viteApp(name, { topLevelAwait = true } = {}) {
  return app(name, {
    'index.html': page('<script type="module" src="/main.js"></script><script type="module" src="/worker-main.js"></script>'),
    'main.js': seedModule('argpool', REPORT_PAGE, { topLevelAwait }),
    'worker-main.js': WORKER_STARTER,
    // Workers report through their message handler: no top-level await needed there.
    'worker.js': seedModule('argpool', REPORT_WORKER, { topLevelAwait: false }),
  });
}

// `vite` (dev server) on 127.0.0.1 and a free port; always stopped.
async function withViteDevServer(vite, dir, use) {
  const child = spawn(process.execPath, [vite, '--host', '127.0.0.1', '--port', '0', '--strictPort'],
    { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } });
  let output = '';
  try {
    const origin = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`vite dev server did not start:\n${output}`)), 30_000);
      const onData = (chunk) => {
        output += chunk;
        const match = /Local:\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(output.replace(/\x1b\[[0-9;]*m/g, ''));
        if (match) { clearTimeout(timer); resolve(match[1]); }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`vite exited (${code}):\n${output}`)); });
    });
    await use(origin);
  } finally {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.on('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  }
}

const VITES = [
  { name: 'vite6', version: versionOf('vite6'), topLevelAwait: false },
  { name: 'vite7', version: versionOf('vite7'), topLevelAwait: true },
  { name: 'vite8', version: versionOf('vite8'), topLevelAwait: true },
];

describe('consumers of the packed tarball', { concurrency: 2, skip: SKIP_BROWSER }, () => {
  for (const { name, version, topLevelAwait } of VITES) {
    it(`Vite ${version}: vite build, main thread and module worker`, () => timed(`${name} build`, async () => {
      // Vite 6's default build target (es2020 browsers) rejects top-level await: `.then()` there.
      const dir = viteApp(`${name}-build`, { topLevelAwait });
      await node([bin(name, 'bin/vite.js'), 'build', '--logLevel', 'warn'], dir);
      assertNoMachinePaths(join(dir, 'dist'));
      await checkBuild(join(dir, 'dist'), ['main', 'worker']);
    }));

    it(`Vite ${version}: vite dev server, main thread and module worker`, () => timed(`${name} dev`, async () => {
      const dir = viteApp(`${name}-dev`);
      await withViteDevServer(bin(name, 'bin/vite.js'), dir, async (origin) => {
        await checkPage(`${origin}/index.html`, ['main', 'worker']);
      });
    }));
  }

  it(`webpack ${versionOf('webpack')}: main thread and module worker`, () => timed('webpack', async () => {
    const dir = app('webpack', {
      'src/index.js': seedModule('argpool', REPORT_PAGE),
      'src/worker-main.js': WORKER_STARTER,
      'src/worker.js': seedModule('argpool', REPORT_WORKER, { topLevelAwait: false }),
    });
    // webpack's defaults (what `webpack --mode production` does with no config file), two entries.
    await node(['--input-type=module', '-e', `
      import webpack from ${JSON.stringify(requireHere.resolve('webpack'))};
      webpack({ mode: 'production', context: ${JSON.stringify(dir)}, entry: { main: './src/index.js', worker: './src/worker-main.js' } },
        (error, stats) => {
          if (error || stats.hasErrors()) { console.error(error ?? stats.toString('errors-only')); process.exit(1); }
        });`], dir);
    const out = join(dir, 'dist');
    writeFileSync(join(out, 'index.html'), page('<script src="main.js"></script><script src="worker.js"></script>'));
    // `argpool` is the streaming entry under webpack: the .wasm is an emitted asset, not embedded.
    assert.ok(readdirSync(out).some((file) => file.endsWith('.wasm')), readdirSync(out).join(', '));
    assert.ok(!readFileSync(join(out, 'main.js'), 'utf8').includes('AGFzbQ'), 'main.js embeds the module');
    assertNoMachinePaths(out);
    await checkBuild(out, ['main', 'worker']);
  }));

  it(`Rollup ${versionOf('rollup')} with @rollup/plugin-node-resolve ${versionOf('@rollup/plugin-node-resolve')}`, () => timed('rollup', async () => {
    const dir = app('rollup', { 'src/main.js': seedModule('argpool', REPORT_PAGE) });
    // The plugin's defaults, a single output file (rollup -p node-resolve -o dist/bundle.js -f es).
    await node(['--input-type=module', '-e', `
      import { rollup } from ${JSON.stringify(requireHere.resolve('rollup'))};
      import nodeResolve from ${JSON.stringify(requireHere.resolve('@rollup/plugin-node-resolve'))};
      const bundle = await rollup({ input: 'src/main.js', plugins: [nodeResolve()] });
      await bundle.write({ file: 'dist/bundle.js', format: 'es' });`], dir);
    writeFileSync(join(dir, 'dist/index.html'), page('<script type="module" src="bundle.js"></script>'));
    assertNoMachinePaths(join(dir, 'dist'));
    await checkBuild(join(dir, 'dist'), ['main']);
  }));

  const esbuildVersion = versionOf('esbuild');
  it(`esbuild ${esbuildVersion} --bundle (browser)`, () => timed('esbuild', async () => {
    const dir = app('esbuild', { 'src/main.js': seedModule('argpool', REPORT_PAGE) });
    await command(bin('esbuild', 'bin/esbuild'), ['src/main.js', '--bundle', '--format=esm', '--outfile=dist/bundle.js', '--log-level=warning'], dir);
    writeFileSync(join(dir, 'dist/index.html'), page('<script type="module" src="bundle.js"></script>'));
    assertNoMachinePaths(join(dir, 'dist'));
    await checkBuild(join(dir, 'dist'), ['main']);
  }));

  it(`esbuild ${esbuildVersion} --bundle --platform=node, run from a folder with no node_modules`, () => timed('esbuild node', async () => {
    const dir = app('esbuild-node', {
      'src/main.mjs': seedModule('argpool', REPORT_CONSOLE),
      'src/main.cjs': `const { init } = require('argpool');\n${REPORT_CONSOLE}\ninit().then((ap) => {${SEED_BODY}\n});\n`,
    });
    const esbuild = bin('esbuild', 'bin/esbuild');
    await command(esbuild, ['src/main.mjs', '--bundle', '--platform=node', '--format=esm', '--outfile=dist/bundle.mjs', '--log-level=warning'], dir);
    await command(esbuild, ['src/main.cjs', '--bundle', '--platform=node', '--outfile=dist/bundle.cjs', '--log-level=warning'], dir);
    assertNoMachinePaths(join(dir, 'dist'));
    const away = join(work, 'esbuild-node-deployed');
    cpSync(join(dir, 'dist'), away, { recursive: true });
    for (const file of ['bundle.mjs', 'bundle.cjs']) assert.deepEqual(JSON.parse(await node([file], away)), EXPECTED, file);
  }));

  it(`Parcel ${versionOf('parcel')}: parcel build`, () => timed('parcel', async () => {
    const dir = app('parcel', {
      'src/index.html': page('<script type="module" src="./main.js"></script>'),
      'src/main.js': seedModule('argpool', REPORT_PAGE),
    });
    await node([bin('parcel', 'lib/bin.js'), 'build', 'src/index.html', '--no-cache', '--no-source-maps', '--dist-dir', 'dist', '--log-level', 'warn'], dir);
    assertNoMachinePaths(join(dir, 'dist'));
    await checkBuild(join(dir, 'dist'), ['main']);
  }));

  it(`esbuild ${esbuildVersion} with argpool/streaming and no copied .wasm: the error names the URL, the answer and the fix`, () => timed('esbuild streaming', async () => {
    const dir = app('esbuild-streaming', { 'src/main.js': seedModule('argpool/streaming', REPORT_PAGE, { topLevelAwait: false }) });
    await command(bin('esbuild', 'bin/esbuild'), ['src/main.js', '--bundle', '--format=esm', '--outfile=dist/bundle.js', '--log-level=error'], dir);
    writeFileSync(join(dir, 'dist/index.html'), page('<script type="module" src="bundle.js"></script>'));
    const server = await serveFolder(join(dir, 'dist'));
    const context = await browser.newContext();
    try {
      const tab = await context.newPage();
      await tab.goto(`${server.origin}/index.html`);
      const { error } = await tab.waitForFunction(() => globalThis.__argpool?.main).then((handle) => handle.jsonValue());
      assert.match(error, /ARGPOOL_LOAD_FAILED|failed to load the WebAssembly module/);
      assert.ok(error.includes(`GET ${server.origin}/dist/argpool-wasm.wasm → HTTP 404, content-type text/plain`), error);
      assert.match(error, /'argpool\/inline'/);
      assert.match(error, /init\(\{ wasmUrl \}\)/);
    } finally {
      await context.close();
      await server.close();
    }
  }));

  it('plain <script type="module"> importing argpool/streaming from the package folder', () => timed('plain', async () => {
    // The page sits in the app; the server's root is the app folder, node_modules included.
    const dir = app('plain', {
      'index.html': page(`<script type="module">\n${seedModule('./node_modules/argpool/bindings/js/browser.js', REPORT_PAGE)}</script>`),
    });
    cpSync(join(work, 'node_modules'), join(dir, 'node_modules'), { recursive: true });
    await checkBuild(dir, ['main']);
  }));
});

// ---- TypeScript ---------------------------------------------------------------------------------

const TS_VERSION = versionOf('typescript');
// No DOM lib, no @types/node: only what ES2022 declares.
const TS_BASE = { strict: true, target: 'ES2022', lib: ['ES2022'], types: [], skipLibCheck: false };
// The README's seed, typed, plus every subpath.
const TS_ESM_SOURCE = `import { init, ArgpoolError, type InitOptions, type MaxPoolResult } from 'argpool';
import { init as initInline } from 'argpool/inline';
import { init as initStreaming } from 'argpool/streaming';
import wasmUrl from 'argpool/argpool.wasm';
const options: InitOptions = { wasmUrl };
// @ts-expect-error: a string is not a WebAssembly.Module
const wrong: InitOptions = { wasmModule: 'argpool-wasm.wasm' };
void options; void wrong; void initInline; void initStreaming;
const report = (result: { values: number[]; indices: number[] }): void => console.log(JSON.stringify(result));
declare const console: { log(text: string): void };
init().then((ap) => {
  const input = { data: new Float32Array([2, 4, 5, 1, 3, 7, 2, 8, 1, 6, 3, 4, 9, 2, 7, 5]), shape: [1, 1, 4, 4] };
  const { values, indices }: MaxPoolResult<Float32Array> = ap.maxPool(input, { kernelSize: 2, stride: 2 });
  report({ values: Array.from(values.data), indices: Array.from(indices.data, Number) });
}, (error: unknown) => { if (error instanceof ArgpoolError) throw new Error(error.code); });
`;
// In a CommonJS project `import` compiles to require(): the declarations must be CommonJS ones.
const TS_CJS_SOURCE = TS_ESM_SOURCE.replace("import wasmUrl from 'argpool/argpool.wasm';", "import wasmUrl = require('argpool/argpool.wasm');");

async function tsc(dir) {
  await node([bin('typescript', 'bin/tsc'), '-p', dir], dir);
}

describe(`TypeScript ${TS_VERSION} against the tarball's declarations (lib ES2022 only, no @types/node)`, { concurrency: 2 }, () => {
  it('module node16, ESM project: compiles, and the output runs in Node', () => timed('ts node16 esm', async () => {
    const dir = app('ts-node16-esm', {
      'tsconfig.json': JSON.stringify({ compilerOptions: { ...TS_BASE, module: 'node16', moduleResolution: 'node16', outDir: 'out' }, files: ['main.ts'] }),
      'main.ts': TS_ESM_SOURCE.replace("import wasmUrl from 'argpool/argpool.wasm';", "const wasmUrl = 'argpool-wasm.wasm';"),
    });
    await tsc(dir);
    assert.deepEqual(JSON.parse(await node(['out/main.js'], dir)), EXPECTED);
  }));

  it('module node16, CommonJS project (`require` types): compiles, and the output runs in Node', () => timed('ts node16 cjs', async () => {
    const dir = app('ts-node16-cjs', {
      'tsconfig.json': JSON.stringify({ compilerOptions: { ...TS_BASE, module: 'node16', moduleResolution: 'node16', outDir: 'out' }, files: ['main.ts'] }),
      'main.ts': TS_CJS_SOURCE.replace("import wasmUrl = require('argpool/argpool.wasm');", "const wasmUrl = 'argpool-wasm.wasm';"),
      'types.ts': TS_CJS_SOURCE,
    }, { type: 'commonjs' });
    await tsc(dir);
    assert.deepEqual(JSON.parse(await node(['out/main.js'], dir)), EXPECTED);
    // `argpool/argpool.wasm` is typed for require too (type-checked only: Node can't load a .wasm).
    writeFileSync(join(dir, 'tsconfig.types.json'), JSON.stringify({ compilerOptions: { ...TS_BASE, module: 'node16', moduleResolution: 'node16', noEmit: true }, files: ['types.ts'] }));
    await command(process.execPath, [bin('typescript', 'bin/tsc'), '-p', 'tsconfig.types.json'], dir);
  }));

  it('moduleResolution bundler, and with the DOM lib (WebAssembly.Module and URL accepted)', () => timed('ts bundler', async () => {
    const dir = app('ts-bundler', {
      'tsconfig.json': JSON.stringify({ compilerOptions: { ...TS_BASE, module: 'ESNext', moduleResolution: 'bundler', noEmit: true }, files: ['main.ts'] }),
      'main.ts': TS_ESM_SOURCE,
      'dom/tsconfig.json': JSON.stringify({ compilerOptions: { ...TS_BASE, lib: ['ES2022', 'DOM'], module: 'ESNext', moduleResolution: 'bundler', noEmit: true }, files: ['dom.ts'] }),
      'dom/dom.ts': `import { init } from 'argpool';\nimport wasmUrl from 'argpool/argpool.wasm';\n` +
        'export async function load(): Promise<void> {\n  const wasmModule = await WebAssembly.compileStreaming(fetch(wasmUrl));\n' +
        '  await init({ wasmModule, wasmUrl: new URL(wasmUrl, document.baseURI) });\n}\n',
    });
    await tsc(dir);
    await tsc(join(dir, 'dom'));
  }));

  it('moduleResolution node10 (subpaths through typesVersions)', () => timed('ts node10', async () => {
    const dir = app('ts-node10', {
      'tsconfig.json': JSON.stringify({ compilerOptions: { ...TS_BASE, module: 'ESNext', moduleResolution: 'node10', noEmit: true }, files: ['main.ts'] }),
      'main.ts': TS_ESM_SOURCE,
    }, {});
    await tsc(dir);
  }));
});
