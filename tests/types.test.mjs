// The TypeScript declarations (bindings/js/argpool.d.ts) type-check the documented usage and
// reject misuse (tests/types/usage.ts, via its @ts-expect-error lines).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { test } from 'node:test';

test('argpool.d.ts accepts the documented API and rejects misuse (tsc --noEmit)', () => {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const project = new URL('./types/tsconfig.json', import.meta.url).pathname;
  const result = spawnSync(process.execPath, [tsc, '-p', project], { encoding: 'utf8' });
  assert.equal(result.status, 0, `tsc failed:\n${result.stdout}${result.stderr}`);
});
