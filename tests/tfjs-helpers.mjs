// Shared by the tests/tfjs*.test.mjs files: TF.js (the @tensorflow/tfjs bundle, whose cpu backend
// is the reference) with the wasm backend added, pointed at its .wasm files in node_modules.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

export async function loadTfjs() {
  const tf = await import('@tensorflow/tfjs');
  const { setWasmPaths } = await import('@tensorflow/tfjs-backend-wasm');
  setWasmPaths(join(ROOT, 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist') + '/');
  tf.env().set('PROD', true); // no "install tfjs-node" banner
  return tf;
}

export async function useBackend(tf, name) {
  if (tf.getBackend() !== name && !(await tf.setBackend(name))) throw new Error(`TF.js backend '${name}' failed to initialise`);
  await tf.ready();
}

// Distinct float32 values of mixed sign (a shuffled ramp), so windows have no ties.
export function distinctValues(random, count, offset = -count / 2) {
  const data = new Float32Array(count);
  for (let i = 0; i < count; ++i) data[i] = (i + offset) * 0.125;
  for (let i = count - 1; i > 0; --i) {
    const j = Math.floor(random() * (i + 1));
    [data[i], data[j]] = [data[j], data[i]];
  }
  return data;
}
