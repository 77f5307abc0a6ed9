// argpool/tfjs in browsers and bundlers ("default" export condition): argpool with the wasm embedded
// (inline.js), which every bundler and dev server loads with no configuration.
import { init } from './inline.js';
import { createRegisterArgpool } from './tfjs.js';

export { KERNELS } from './tfjs.js';
export const registerArgpool = createRegisterArgpool(init);
