// Streaming entry (`argpool/streaming`; what `argpool` resolves to under webpack): fetches
// dist/argpool-wasm.wasm, located by new URL('…', import.meta.url), a pattern browsers, webpack 5,
// Vite builds and Parcel resolve (they emit the file as an asset), and compiles it while it
// downloads. esbuild and Rollup emit no asset for it: there, use `argpool` (embedded) or
// init({ wasmUrl }). Also the file to import in a page with no bundler.
import factory from '../../dist/argpool-wasm.mjs';
import { chooseSource, createEntry, fromUrl, instantiate, urlString } from './loader.js';

export { ArgpoolError, ArgpoolRangeError, ArgpoolTypeError } from './errors.js';

const entry = createEntry((options) => instantiate(factory, chooseSource(options, () => (
  options.wasmUrl !== undefined
    ? fromUrl(urlString(options.wasmUrl), true)
    : fromUrl(String(new URL('../../dist/argpool-wasm.wasm', import.meta.url)), false)))));

export const {
  init,
  maxPool, maxPool1d, maxPool2d, maxPool3d,
  maxUnpool, maxUnpool1d, maxUnpool2d, maxUnpool3d,
  maxPoolBackward, maxPoolBackward1d, maxPoolBackward2d, maxPoolBackward3d,
  maxUnpoolBackward,
  maxPoolPlan, maxUnpoolPlan, maxPoolBackwardPlan, maxUnpoolBackwardPlan,
  outputShape, unpoolOutputShape, convertIndices, tensor, stats,
} = entry;
