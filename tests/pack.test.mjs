// Packaging: `npm pack`, install the tarball into an empty folder and run the seed example there,
// in a process whose PATH has no emcc (and no toolchain at all, only node); the tarball passes
// arethetypeswrong and publint --strict; `engines` admits the Node that runs the tests. (Bundlers,
// the browser and TypeScript projects: tests/consumers.test.mjs.)
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

const root = new URL('..', import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), 'argpool-pack-'));
after(() => rmSync(work, { recursive: true, force: true }));

const npm = (args, cwd) => execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

let packed;
before(() => {
  // --ignore-scripts: dist/ was just built by `npm test`; prepack would only rebuild it.
  [packed] = JSON.parse(npm(['pack', '--ignore-scripts', '--json', '--pack-destination', work], root));
});

test('the npm tarball installs into an empty folder and runs the seed example without emcc', () => {
  const files = packed.files.map((f) => f.path).sort();
  for (const required of ['dist/argpool-wasm.wasm', 'dist/argpool-wasm.mjs', 'dist/argpool-wasm-base64.mjs',
    'dist/argpool.d.cts', 'bindings/js/node.js', 'bindings/js/node.cjs', 'bindings/js/inline.js', 'bindings/js/inline.cjs',
    'bindings/js/browser.js', 'bindings/js/browser.cjs', 'bindings/js/api.js', 'bindings/js/argpool.d.ts',
    'bindings/js/argpool-wasm.d.ts', 'bindings/js/argpool-wasm.d.cts', 'package.json', 'README.md']) {
    assert.ok(files.includes(required), `tarball lacks ${required}: ${files.join(', ')}`);
  }
  assert.ok(!files.some((f) => f.startsWith('src/') || f.startsWith('tests/') || f.startsWith('build/')), files.join(', '));

  const app = join(work, 'app');
  execFileSync('mkdir', ['-p', app]);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  npm(['install', '--no-audit', '--no-fund', '--offline', join(work, packed.filename)], app);

  // PATH holds nothing but a link to node: no emcc, no cmake, no compiler.
  const bin = join(work, 'bin');
  execFileSync('mkdir', ['-p', bin]);
  symlinkSync(process.execPath, join(bin, 'node'));
  writeFileSync(join(app, 'seed.mjs'), `
    import { init } from 'argpool';
    const ap = await init();
    const input = { data: new Float32Array([2, 4, 5, 1, 3, 7, 2, 8, 1, 6, 3, 4, 9, 2, 7, 5]), shape: [1, 1, 4, 4] };
    const { values, indices } = ap.maxPool(input, { kernelSize: 2, stride: 2 });
    const restored = ap.maxUnpool(values, indices, { kernelSize: 2, stride: 2 });
    console.log(JSON.stringify([Array.from(values.data), Array.from(indices.data), Array.from(restored.data)]));
  `);
  writeFileSync(join(app, 'seed.cjs'), `
    const { init } = require(process.argv[2]);
    init().then((ap) => console.log(Array.from(ap.maxPool({ data: new Float32Array([1, 3, 2, 0]), shape: [1, 1, 4] }, { kernelSize: 2 }).indices.data).join(',')));
  `);
  const env = { PATH: bin, HOME: work };
  assert.throws(() => execFileSync('emcc', ['--version'], { env, stdio: 'ignore' }), 'emcc must not be reachable');
  const out = execFileSync(join(bin, 'node'), ['seed.mjs'], { cwd: app, env, encoding: 'utf8' });
  assert.deepEqual(JSON.parse(out), [[7, 8, 9, 7], [5, 7, 12, 14], [0, 0, 0, 0, 0, 7, 0, 8, 0, 0, 0, 0, 9, 0, 7, 0]]);
  for (const specifier of ['argpool', 'argpool/inline']) {
    const cjs = execFileSync(join(bin, 'node'), ['seed.cjs', specifier], { cwd: app, env, encoding: 'utf8' });
    assert.equal(cjs.trim(), '1,2', specifier);
  }
});

test('arethetypeswrong finds no problem in the tarball (every entry, every resolution mode)', () => {
  const attw = join(root, 'node_modules/@arethetypeswrong/cli/dist/index.js');
  const result = spawnSync(process.execPath, [attw, join(work, packed.filename), '--format', 'table-flipped'], { encoding: 'utf8' });
  assert.equal(result.status, 0, `${result.stdout}${result.stderr}`);
  assert.match(result.stdout, /No problems found/);
});

test('publint --strict: no error, warning or suggestion about the tarball', () => {
  const publint = join(root, 'node_modules/publint/src/cli.js');
  const result = spawnSync(process.execPath, [publint, 'run', join(work, packed.filename), '--strict', '--level', 'suggestion'], { encoding: 'utf8' });
  assert.equal(result.status, 0, `${result.stdout}${result.stderr}`);
  assert.match(result.stdout, /All good!/, result.stdout);
});

test('dist/argpool.d.cts is bindings/js/argpool.d.ts as built (run `npm run build` after editing the .d.ts)', () => {
  const source = readFileSync(join(root, 'bindings/js/argpool.d.ts'), 'utf8');
  const built = readFileSync(join(root, 'dist/argpool.d.cts'), 'utf8');
  assert.equal(built.slice(built.indexOf('\n') + 1), source);
});

// `require('argpool')` needs require(esm): unflagged from Node 20.19 and 22.12. CI runs Node 20.
test(`engines.node (${manifest.engines.node}) admits this Node (${process.version}) : the require(esm) range`, () => {
  assert.equal(manifest.engines.node, '^20.19.0 || >=22.12.0');
  const [major, minor] = process.versions.node.split('.').map(Number);
  assert.ok((major === 20 && minor >= 19) || major > 22 || (major === 22 && minor >= 12), process.version);
});
