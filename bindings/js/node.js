// Node entry ("node" export condition): reads the .wasm next to the glue with fs and passes the
// bytes, because Emscripten 3.1.6's web glue would fetch() a file path in Node.
import { readFile } from 'node:fs/promises';

import { createEntry, instantiate } from './loader.js';

export { ArgpoolError, ArgpoolRangeError, ArgpoolTypeError } from './errors.js';

const WASM_URL = new URL('../../dist/argpool-wasm.wasm', import.meta.url);

const entry = createEntry(async (options) => {
  const { default: factory } = await import('../../dist/argpool-wasm.mjs');
  if (options.wasmModule !== undefined) return instantiate(factory, { wasmModule: options.wasmModule });
  const wasmBinary = options.wasmBinary ?? (await readFile(options.wasmUrl ?? WASM_URL));
  return instantiate(factory, { wasmBinary });
});

export const {
  init,
  maxPool, maxPool1d, maxPool2d, maxPool3d,
  maxUnpool, maxUnpool1d, maxUnpool2d, maxUnpool3d,
  maxPoolBackward, maxPoolBackward1d, maxPoolBackward2d, maxPoolBackward3d,
  maxUnpoolBackward,
  maxPoolPlan, maxUnpoolPlan, maxPoolBackwardPlan, maxUnpoolBackwardPlan,
  outputShape, unpoolOutputShape, convertIndices, tensor, stats,
} = entry;
