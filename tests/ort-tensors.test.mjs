// ONNX Runtime Web tensors through ap.onnx.maxPool / ap.onnx.maxUnpool: ort.Tensor inputs
// ({ data, dims, type }) and, with { Tensor: ort.Tensor } last, ort.Tensor results that feed
// straight into an ORT session (used between sessions: ORT-web has no custom ops in JS).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { init } from '../bindings/js/node.js';
import { maxPoolModel, maxUnpoolModel } from '../tools/onnx-model.mjs';
import { loadOrt } from '../tools/bench/peers.mjs';
import { distinctValues } from './tfjs-helpers.mjs';
import { rng } from './random.mjs';

const ap = await init();
const ort = await loadOrt();

const shape = [2, 3, 7, 7]; // the size MaxUnpool infers back from 4 x 4: (4 - 1)·2 + 3 - 2
const x = new ort.Tensor('float32', distinctValues(rng(21), 2 * 3 * 7 * 7), shape);
const attributes = { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] };

test('onnx.maxPool takes an ort.Tensor and, given { Tensor }, returns ort.Tensors equal to ORT-web\'s MaxPool', async () => {
  const session = await ort.InferenceSession.create(maxPoolModel({
    inputShape: shape, kernelShape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], indices: true,
  }));
  const expected = await session.run({ X: x });
  const { Y, Indices } = ap.onnx.maxPool(x, attributes, { Tensor: ort.Tensor });
  assert.ok(Y instanceof ort.Tensor && Indices instanceof ort.Tensor);
  assert.equal(Y.type, 'float32');
  assert.equal(Indices.type, 'int64');
  assert.deepEqual(Array.from(Y.dims), Array.from(expected.Y.dims));
  assert.deepEqual(Array.from(Y.data), Array.from(expected.Y.data));
  assert.deepEqual(Array.from(Indices.data), Array.from(expected.Indices.data));
  // Without the factory: plain { data, shape } results, as before.
  const plain = ap.onnx.maxPool(x, attributes);
  assert.deepEqual(plain.Y.shape, Array.from(expected.Y.dims));
  assert.ok(!(plain.Y instanceof ort.Tensor));
});

test('onnx.maxUnpool takes ort.Tensors (and an output_shape tensor) and returns an ort.Tensor equal to ORT-web\'s MaxUnpool', async () => {
  const { Y, Indices } = ap.onnx.maxPool(x, attributes, { Tensor: ort.Tensor });
  const session = await ort.InferenceSession.create(maxUnpoolModel({
    inputShape: Array.from(Y.dims), kernelShape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], outputShapeInput: true,
  }));
  const outputShape = new ort.Tensor('int64', BigInt64Array.from(shape, BigInt), [4]);
  const expected = await session.run({ X: Y, I: Indices, output_shape: outputShape });
  const y = ap.onnx.maxUnpool(Y, Indices, attributes, outputShape, { Tensor: ort.Tensor });
  assert.ok(y instanceof ort.Tensor);
  assert.equal(y.type, 'float32');
  assert.deepEqual(Array.from(y.dims), shape);
  assert.deepEqual(Array.from(y.data), Array.from(expected[session.outputNames[0]].data));
  const inferred = ap.onnx.maxUnpool(Y, Indices, attributes, { Tensor: ort.Tensor }); // factory in outputShape's place
  assert.ok(inferred instanceof ort.Tensor);
  assert.deepEqual(Array.from(inferred.dims), shape);
  assert.deepEqual(Array.from(inferred.data), Array.from(y.data));
});

test('argpool results feed an ORT session directly', async () => {
  const session = await ort.InferenceSession.create(maxPoolModel({ inputShape: [2, 3, 4, 4], kernelShape: [2, 2], strides: [1, 1] }));
  const { Y } = ap.onnx.maxPool(x, attributes, { Tensor: ort.Tensor });
  const out = await session.run({ X: Y });
  assert.deepEqual(Array.from(out.Y.dims), [2, 3, 3, 3]);
});
