// Packaging: `npm pack`, install the tarball into an empty folder and run the seed example there,
// in a process whose PATH has no emcc (and no toolchain at all, only node).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';

const root = new URL('..', import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), 'argpool-pack-'));
after(() => rmSync(work, { recursive: true, force: true }));

const npm = (args, cwd) => execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

test('the npm tarball installs into an empty folder and runs the seed example without emcc', () => {
  // --ignore-scripts: dist/ was just built by `npm test`; prepack would only rebuild it.
  const [packed] = JSON.parse(npm(['pack', '--ignore-scripts', '--json', '--pack-destination', work], root));
  const files = packed.files.map((f) => f.path).sort();
  for (const required of ['dist/argpool-wasm.wasm', 'dist/argpool-wasm.mjs', 'bindings/js/node.js',
    'bindings/js/browser.js', 'bindings/js/api.js', 'bindings/js/argpool.d.ts', 'package.json', 'README.md']) {
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
    const { init } = require('argpool');
    init().then((ap) => console.log(Array.from(ap.maxPool({ data: new Float32Array([1, 3, 2, 0]), shape: [1, 1, 4] }, { kernelSize: 2 }).indices.data).join(',')));
  `);
  const env = { PATH: bin, HOME: work };
  assert.throws(() => execFileSync('emcc', ['--version'], { env, stdio: 'ignore' }), 'emcc must not be reachable');
  const out = execFileSync(join(bin, 'node'), ['seed.mjs'], { cwd: app, env, encoding: 'utf8' });
  assert.deepEqual(JSON.parse(out), [[7, 8, 9, 7], [5, 7, 12, 14], [0, 0, 0, 0, 0, 7, 0, 8, 0, 0, 0, 0, 9, 0, 7, 0]]);
  const cjs = execFileSync(join(bin, 'node'), ['seed.cjs'], { cwd: app, env, encoding: 'utf8' });
  assert.equal(cjs.trim(), '1,2');
});
