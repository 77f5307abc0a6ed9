// Node entry ("node" export condition): the wasm embedded, as in inline.js, so that the entry keeps
// working when bundled for Node (esbuild --platform=node, webpack's node target) where no file
// sits next to the bundle; init({ wasmUrl }) reads a file instead. Emscripten 3.1.6's web glue
// would fetch() a file path in Node, so the bytes are always handed to it.
import { readFile } from 'node:fs/promises';

import factory from '../../dist/argpool-wasm.mjs';
import wasmBase64 from '../../dist/argpool-wasm-base64.mjs';
import { chooseSource, createEntry, decodeBase64, fromBytes, instantiate, urlString } from './loader.js';

export { ArgpoolError, ArgpoolRangeError, ArgpoolTypeError } from './errors.js';

// A path, or a file: URL (a URL object or anything with an href).
async function readWasmFile(path) {
  try {
    return await readFile(typeof path?.href === 'string' ? new URL(path.href) : path);
  } catch (error) {
    throw new Error(`reading init({ wasmUrl }) = ${urlString(path)} failed (${error.code ?? error.message}): ` +
      'wasmUrl must be a path or file: URL of argpool-wasm.wasm (node_modules/argpool/dist/argpool-wasm.wasm); ' +
      'without wasmUrl the module embedded in the package is used');
  }
}

const entry = createEntry(async (options) => instantiate(factory, chooseSource(options, () => (
  options.wasmUrl !== undefined
    ? async (imports) => fromBytes(await readWasmFile(options.wasmUrl), `the file ${urlString(options.wasmUrl)}`)(imports)
    : fromBytes(decodeBase64(wasmBase64), 'the embedded module')))));

export const {
  init,
  maxPool, maxPool1d, maxPool2d, maxPool3d,
  maxUnpool, maxUnpool1d, maxUnpool2d, maxUnpool3d,
  maxPoolBackward, maxPoolBackward1d, maxPoolBackward2d, maxPoolBackward3d,
  maxUnpoolBackward,
  maxPoolPlan, maxUnpoolPlan, maxPoolBackwardPlan, maxUnpoolBackwardPlan,
  outputShape, unpoolOutputShape, convertIndices, tensor, stats,
} = entry;
