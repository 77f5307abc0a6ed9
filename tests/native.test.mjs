// Runs the native GoogleTest suites (built with ASan/UBSan by tools/build.mjs) through ctest.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { test } from 'node:test';

const dir = new URL('../build/native/', import.meta.url).pathname;

test('native C++ tests (shape rules, scalar kernels vs brute force) pass under ASan/UBSan', () => {
  assert.ok(existsSync(dir + 'CTestTestfile.cmake'), 'build/native is missing: run `node tools/build.mjs` first');
  const result = spawnSync('ctest', ['--test-dir', dir, '--output-on-failure'], { encoding: 'utf8' });
  const summary = result.stdout.match(/\d+% tests passed.*/)?.[0] ?? result.stdout.slice(-2000);
  assert.equal(result.status, 0, `ctest failed:\n${result.stdout.slice(-4000)}\n${result.stderr}`);
  assert.match(summary, /100% tests passed, 0 tests failed out of [1-9]/);
});
