// argpool/tfjs in browsers and bundlers ("default" export condition): argpool loaded by the browser entry.
import { init } from './browser.js';
import { createRegisterArgpool } from './tfjs.js';

export { KERNELS } from './tfjs.js';
export const registerArgpool = createRegisterArgpool(init);
