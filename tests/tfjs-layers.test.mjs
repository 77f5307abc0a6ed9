// argpool/tfjs layers: shapes, a model.save → tf.loadLayersModel round trip, and a short
// training run of the SegNet example (examples/segnet-tfjs) whose loss must fall.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { registerArgpool } from '../bindings/js/tfjs-node.js';
import { buildModel, train } from '../examples/segnet-tfjs/segnet.mjs';
import { rng } from './random.mjs';
import { distinctValues, loadTfjs, useBackend } from './tfjs-helpers.mjs';

const tf = await loadTfjs();
await useBackend(tf, 'cpu');
const apt = await registerArgpool(tf, { backends: ['cpu'] });

test('layers: output shapes from argpool\'s rules, symbolic and concrete', () => {
  const input = tf.input({ shape: [7, 9, 3] });
  const [values, indexes] = apt.layers.maxPooling2dWithArgmax({ poolSize: 3, strides: 2, padding: 'same' }).apply(input);
  assert.deepEqual(values.shape, [null, 4, 5, 3]);
  assert.deepEqual(indexes.shape, [null, 4, 5, 3]);
  assert.deepEqual(apt.layers.maxUnpooling2d({ poolSize: 3, strides: 2, padding: 'same' }).apply([values, indexes]).shape, [null, 8, 10, 3]);
  assert.deepEqual(apt.layers.maxUnpooling2d({ poolSize: 3, strides: 2, padding: 'same' }).apply([values, indexes, input]).shape, [null, 7, 9, 3]);
  tf.tidy(() => {
    const x = tf.tensor4d(distinctValues(rng(1), 2 * 7 * 9 * 3), [2, 7, 9, 3]);
    const [v, i] = apt.layers.maxPooling2dWithArgmax({ poolSize: 3, strides: 2, padding: 'same' }).apply(x);
    const expected = tf.maxPool(x, 3, 2, 'same');
    assert.deepEqual(Array.from(v.dataSync()), Array.from(expected.dataSync()));
    const y = apt.layers.maxUnpooling2d({ poolSize: 3, strides: 2, padding: 'same' }).apply([v, i, x]);
    assert.deepEqual(y.shape, [2, 7, 9, 3]);
    // every pooled value is back where it came from
    const data = y.dataSync(), xs = x.dataSync();
    for (let e = 0; e < data.length; ++e) assert.ok(data[e] === 0 || data[e] === xs[e], `element ${e}`);
  });
});

test('layers: model.save and tf.loadLayersModel round-trip a model with both layers', async () => {
  const model = buildModel(apt, 8);
  let artifacts;
  await model.save(tf.io.withSaveHandler(async (a) => { artifacts = a; return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }; }));
  const text = JSON.stringify(artifacts.modelTopology);
  assert.match(text, /ArgpoolMaxPooling2DWithArgmax/);
  assert.match(text, /ArgpoolMaxUnpooling2D/);
  const loaded = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
  tf.tidy(() => {
    const x = tf.tensor4d(distinctValues(rng(2), 2 * 8 * 8), [2, 8, 8, 1]);
    assert.deepEqual(Array.from(loaded.predict(x).dataSync()), Array.from(model.predict(x).dataSync()));
  });
  const layer = loaded.layers.find((l) => l.getClassName() === 'ArgpoolMaxPooling2DWithArgmax');
  assert.deepEqual(layer.getConfig().poolSize, [2, 2]);
  model.dispose();
  loaded.dispose();
});

test('the SegNet example trains: its loss falls', async () => {
  const { losses, model } = await train({ epochs: 5, count: 8, size: 16, batchSize: 2 });
  assert.equal(losses.length, 5);
  assert.ok(losses[4] < losses[0] * 0.9, `losses ${losses.map((l) => l.toFixed(4)).join(', ')}`);
  model.dispose();
});
