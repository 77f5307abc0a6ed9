// Browser and bundler entry ("default" export condition): the glue finds its .wasm with
// new URL('argpool-wasm.wasm', import.meta.url), which browsers, webpack 5 and Vite resolve.
import { createEntry, instantiate } from './loader.js';

export { ArgpoolError, ArgpoolRangeError, ArgpoolTypeError } from './errors.js';

const entry = createEntry(async (options) => {
  const { default: factory } = await import('../../dist/argpool-wasm.mjs');
  const { wasmBinary, wasmModule, wasmUrl } = options;
  return instantiate(factory, {
    wasmBinary,
    wasmModule,
    locateFile: wasmUrl !== undefined ? () => String(wasmUrl) : undefined,
  });
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
