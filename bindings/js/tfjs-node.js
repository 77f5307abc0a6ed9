// argpool/tfjs in Node ("node" export condition): argpool loaded by the Node entry.
import { init } from './node.js';
import { createRegisterArgpool } from './tfjs.js';

export { KERNELS } from './tfjs.js';
export const registerArgpool = createRegisterArgpool(init);
