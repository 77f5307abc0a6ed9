// Entry with the wasm embedded (base64 in dist/argpool-wasm-base64.mjs): nothing to emit, copy or
// serve, so it works in every bundler and dev server with no configuration. It is what `argpool`
// resolves to in browsers and bundlers other than webpack (see package.json "exports"), and
// `argpool/inline` everywhere. Static imports only: one chunk, whatever the bundler's settings.
import factory from '../../dist/argpool-wasm.mjs';
import wasmBase64 from '../../dist/argpool-wasm-base64.mjs';
import { chooseSource, createEntry, decodeBase64, fromBytes, fromUrl, instantiate, urlString } from './loader.js';

export { ArgpoolError, ArgpoolRangeError, ArgpoolTypeError } from './errors.js';

const entry = createEntry((options) => instantiate(factory, chooseSource(options, () => (
  options.wasmUrl !== undefined
    ? fromUrl(urlString(options.wasmUrl), true)
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
