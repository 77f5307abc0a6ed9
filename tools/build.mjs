// Builds the wasm module into dist/ (emcmake + cmake, incremental) with the files derived from it
// (see writeDerived) and, unless --wasm-only, the native core and its GoogleTest suites with
// AddressSanitizer/UBSan into build/native.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const wasmOnly = process.argv.includes('--wasm-only');
// Debian's emcc needs its JS modules (acorn, ...) from /usr/share/nodejs.
const env = {
  ...process.env,
  NODE_PATH: ['/usr/share/nodejs', process.env.NODE_PATH].filter(Boolean).join(':'),
};

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, env, stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.error?.code === 'ENOENT') {
    console.error(`argpool build: '${command}' not found; run \`npm run setup\` (or: sudo apt-get install -y emscripten cmake g++ libgtest-dev)`);
    process.exit(1);
  }
  if (result.status !== 0) {
    console.error(`argpool build: ${command} ${args.join(' ')} failed`);
    process.exit(result.status ?? 1);
  }
}

function configure(dir, command, args) {
  if (!existsSync(join(root, dir, 'CMakeCache.txt'))) run(command, args);
}

configure('build/wasm', 'emcmake', ['cmake', '-S', '.', '-B', 'build/wasm', '-DCMAKE_BUILD_TYPE=Release',
  `-DCMAKE_CROSSCOMPILING_EMULATOR=${process.execPath}`]);
run('cmake', ['--build', 'build/wasm', '-j', '2']);
writeDerived();

if (!wasmOnly) {
  configure('build/native', 'cmake', ['-S', '.', '-B', 'build/native', '-DCMAKE_BUILD_TYPE=Debug', '-DARGPOOL_SANITIZE=ON']);
  run('cmake', ['--build', 'build/native', '-j', '2']);
}

// Files derived from the build and the sources, written only when their content changes (tests
// may be reading dist/ meanwhile):
// - dist/argpool-wasm-base64.mjs: the .wasm as a base64 string, for the entries that embed it
//   (any bundler, any runtime: no asset to emit, copy or serve);
// - dist/argpool.d.cts, dist/tfjs.d.cts: the declarations as CommonJS-format files, for `require`
//   consumers (same text: in a .d.cts, top-level exports describe `module.exports`).
function writeDerived() {
  const wasm = readFileSync(join(root, 'dist/argpool-wasm.wasm'));
  writeIfChanged('dist/argpool-wasm-base64.mjs',
    `// dist/argpool-wasm.wasm (${wasm.length} bytes) as base64, written by tools/build.mjs.\n` +
    `export default ${JSON.stringify(wasm.toString('base64'))};\n`);
  writeIfChanged('dist/argpool.d.cts',
    '// Written by tools/build.mjs from bindings/js/argpool.d.ts (the declarations for `require`).\n' +
    readFileSync(join(root, 'bindings/js/argpool.d.ts'), 'utf8'));
  writeIfChanged('dist/tfjs.d.cts',
    '// Written by tools/build.mjs from bindings/js/tfjs.d.ts (the declarations of argpool/tfjs for `require`).\n' +
    readFileSync(join(root, 'bindings/js/tfjs.d.ts'), 'utf8').replaceAll("from './argpool.js'", "from './argpool.cjs'"));
}

function writeIfChanged(path, text) {
  const file = join(root, path);
  if (!existsSync(file) || readFileSync(file, 'utf8') !== text) writeFileSync(file, text);
}
