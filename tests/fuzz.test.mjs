// Native fuzzing of the C++ core in a short campaign: tools/fuzz.sh builds the libFuzzer targets
// (tests/fuzz/, clang with ASan and UBSan, build/fuzz) and runs each one from the committed seeds
// plus the scratch corpus in out/fuzz/. Any finding (crash, sanitizer report, failed check against
// the brute-force references, timeout) fails the test; the input is left in out/fuzz/artifacts/.
// Campaign length per target: ARGPOOL_FUZZ_SECONDS, else about 60 s in total in CI, else 5 s.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { test } from 'node:test';

const root = new URL('..', import.meta.url).pathname;
const targets = readdirSync(new URL('fuzz/', import.meta.url)).filter((f) => /^fuzz_\w+\.cc$/.test(f)).length;
const seconds = process.env.ARGPOOL_FUZZ_SECONDS ??
  String(process.env.CI === 'true' ? Math.max(1, Math.floor(60 / targets)) : 5);

function run(command, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => { stdout += chunk; });
    child.stderr.on('data', (chunk) => { stderr += chunk; });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

test(`libFuzzer targets find nothing in ${seconds} s each (ASan + UBSan, brute-force references)`,
  { timeout: 30 * 60 * 1000 }, async (t) => {
    const { code, stdout, stderr } = await run('bash', ['tools/fuzz.sh', seconds]);
    const summaries = [...stdout.matchAll(/^fuzz-summary (.*)$/gm)]
      .map((m) => Object.fromEntries(m[1].split(' ').map((field) => field.split('='))));
    for (const s of summaries) {
      t.diagnostic(`${s.target}: ${s.executions} executions in ${s.seconds} s (${s.exec_per_sec}/s), ` +
        `corpus ${s.corpus}, ${s.status}`);
    }
    assert.equal(code, 0, `tools/fuzz.sh failed (exit ${code}); a finding is reproduced with the command below\n` +
      `${stdout.slice(-3000)}\n${stderr.slice(-8000)}`);
    assert.equal(summaries.length, targets, `expected one summary per target:\n${stdout}`);
    for (const s of summaries) {
      assert.equal(s.status, 'ok', `${s.target}: ${s.status}`);
      assert.ok(Number(s.executions) > 0, `${s.target} executed nothing`);
    }
  });
