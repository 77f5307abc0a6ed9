// The kernel tester in Node: tests/support/tester-core.mjs over build/wasm/tester/argpool-tester.{mjs,wasm}.
import { readFile } from 'node:fs/promises';

import { createTesterWith } from './tester-core.mjs';

const DIR = new URL('../../build/wasm/tester/', import.meta.url);

// Builds the tester; `wasmBinary`: the .wasm (read from build/ when omitted).
export async function createTester({ wasmBinary } = {}) {
  const { default: factory } = await import(new URL('argpool-tester.mjs', DIR));
  return createTesterWith(factory, wasmBinary ?? (await readFile(new URL('argpool-tester.wasm', DIR))));
}
