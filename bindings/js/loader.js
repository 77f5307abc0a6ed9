// Shared by the Node and browser entries: a memoised init() that can be retried after a failed
// load, and top-level functions that work once init() has resolved.
import { createArgpool } from './api.js';
import { ArgpoolError } from './errors.js';

export const API_NAMES = Object.freeze([
  'maxPool', 'maxPool1d', 'maxPool2d', 'maxPool3d',
  'maxUnpool', 'maxUnpool1d', 'maxUnpool2d', 'maxUnpool3d',
  'maxPoolBackward', 'maxPoolBackward1d', 'maxPoolBackward2d', 'maxPoolBackward3d',
  'maxUnpoolBackward',
  'maxPoolPlan', 'maxUnpoolPlan', 'maxPoolBackwardPlan', 'maxUnpoolBackwardPlan',
  'outputShape', 'unpoolOutputShape', 'convertIndices', 'tensor', 'stats',
]);

// Runs the Emscripten factory; rejects (instead of hanging) when instantiation fails.
export function instantiate(factory, { wasmBinary, wasmModule, locateFile } = {}) {
  return new Promise((resolve, reject) => {
    // Failures reach the caller through the rejection (onAbort gets the reason), so the glue's own
    // console output would only repeat them.
    const config = { onAbort: (what) => reject(new Error(String(what))), print: () => {}, printErr: () => {} };
    if (wasmBinary !== undefined) config.wasmBinary = wasmBinary;
    if (locateFile !== undefined) config.locateFile = locateFile;
    if (wasmModule !== undefined) {
      config.instantiateWasm = (imports, receive) => {
        WebAssembly.instantiate(wasmModule, imports).then((instance) => receive(instance, wasmModule), reject);
        return {};
      };
    }
    factory(config).then(resolve, reject);
  });
}

// `load(options)` resolves to an instantiated Emscripten module.
export function createEntry(load) {
  let pending = null;
  let instance = null;

  function init(options = {}) {
    if (pending === null) {
      pending = Promise.resolve()
        .then(() => load(options))
        .then(
          (Module) => (instance = createArgpool(Module)),
          (cause) => {
            pending = null; // a later init() tries again
            throw new ArgpoolError(
              `argpool: failed to load the WebAssembly module: ${cause?.message ?? cause}`,
              'ARGPOOL_LOAD_FAILED', { cause });
          });
    }
    return pending;
  }

  const entry = { init };
  for (const name of API_NAMES) {
    entry[name] = (...args) => {
      if (instance === null) {
        throw new ArgpoolError(
          `argpool: ${name}() was called before init() resolved; use \`const ap = await init()\` first`,
          'ARGPOOL_NOT_INITIALIZED');
      }
      return instance[name](...args);
    };
  }
  return entry;
}
