// The seed example: the first test of the project and the first example of the README.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { init } from '../bindings/js/node.js';

test('seed example: 4x4 input, kernel 2, stride 2 → values [[7,8],[9,7]], mask [[5,7],[12,14]]', async () => {
  const ap = await init();
  const input = {
    data: new Float32Array([2, 4, 5, 1, 3, 7, 2, 8, 1, 6, 3, 4, 9, 2, 7, 5]),
    shape: [1, 1, 4, 4],
  };
  const { values, indices } = ap.maxPool(input, { kernelSize: 2, stride: 2, padding: 0, dilation: 1, ceilMode: false });
  assert.ok(values.data instanceof Float32Array);
  assert.ok(indices.data instanceof Int32Array);
  assert.deepEqual(Array.from(values.data), [7, 8, 9, 7]);
  assert.deepEqual(values.shape, [1, 1, 2, 2]);
  assert.deepEqual(Array.from(indices.data), [5, 7, 12, 14]);
  assert.deepEqual(indices.shape, [1, 1, 2, 2]);

  const restored = ap.maxUnpool(values, indices, { kernelSize: 2, stride: 2, padding: 0, outputSize: [4, 4] });
  assert.deepEqual(Array.from(restored.data), [0, 0, 0, 0, 0, 7, 0, 8, 0, 0, 0, 0, 9, 0, 7, 0]);
  assert.deepEqual(restored.shape, [1, 1, 4, 4]);

  const grad = ap.maxPoolBackward({ data: new Float32Array([1, 2, 3, 4]), shape: [1, 1, 2, 2] }, indices, [1, 1, 4, 4]);
  assert.deepEqual(Array.from(grad.data), [0, 0, 0, 0, 0, 1, 0, 2, 0, 0, 0, 0, 3, 0, 4, 0]);
});
