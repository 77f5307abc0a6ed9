// A small SegNet-style model in TensorFlow.js with argpool's layers: the encoder's max pooling
// keeps its argmax indexes, and the decoder unpools at them (two pool/unpool levels). Trained in
// Node on synthetic images of squares and discs, to segment the shapes from the background.
//
//   node examples/segnet-tfjs/segnet.mjs [steps]      (cpu backend; prints the loss as it falls)
import { fileURLToPath } from 'node:url';

import * as tf from '@tensorflow/tfjs';

import { registerArgpool } from 'argpool/tfjs';

// A batch of `count` images [count, size, size, 1] with noisy backgrounds, and their masks.
export function syntheticBatch(count, size, random = Math.random) {
  const images = new Float32Array(count * size * size);
  const masks = new Float32Array(count * size * size);
  for (let n = 0; n < count; ++n) {
    const cx = 3 + random() * (size - 6), cy = 3 + random() * (size - 6), r = 2 + random() * (size / 4);
    const square = random() < 0.5;
    for (let y = 0; y < size; ++y) {
      for (let x = 0; x < size; ++x) {
        const inside = square ? Math.abs(x - cx) <= r && Math.abs(y - cy) <= r : (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
        const e = (n * size + y) * size + x;
        masks[e] = inside ? 1 : 0;
        images[e] = (inside ? 0.8 : 0.2) + (random() - 0.5) * 0.3;
      }
    }
  }
  return { images: tf.tensor4d(images, [count, size, size, 1]), masks: tf.tensor4d(masks, [count, size, size, 1]) };
}

export function buildModel(apt, size = 16) {
  const conv = (filters, activation = 'relu') => tf.layers.conv2d({ filters, kernelSize: 3, padding: 'same', activation });
  const input = tf.input({ shape: [size, size, 1] });
  const e1 = conv(8).apply(input);
  const [p1, i1] = apt.layers.maxPooling2dWithArgmax({ poolSize: 2 }).apply(e1);
  const e2 = conv(16).apply(p1);
  const [p2, i2] = apt.layers.maxPooling2dWithArgmax({ poolSize: 2 }).apply(e2);
  const bottom = conv(16).apply(p2);
  const u2 = apt.layers.maxUnpooling2d({ poolSize: 2 }).apply([bottom, i2, e2]);
  const d2 = conv(8).apply(u2);
  const u1 = apt.layers.maxUnpooling2d({ poolSize: 2 }).apply([d2, i1, e1]);
  const output = conv(1, 'sigmoid').apply(conv(8).apply(u1));
  return tf.model({ inputs: input, outputs: output });
}

// Trains for `epochs` epochs on one synthetic set; returns the loss after each epoch.
// `backend`: 'cpu' (TF.js-wasm has no convolution gradients to train with).
export async function train({ epochs = 20, count = 32, size = 16, batchSize = 8, seed = 1, backend = 'cpu' } = {}) {
  const apt = await registerArgpool(tf, { backends: [backend] });
  await tf.setBackend(backend);
  await tf.ready();
  let s = seed;
  const random = () => ((s = (s * 16807) % 2147483647) / 2147483647);
  const model = buildModel(apt, size);
  model.compile({ optimizer: tf.train.adam(0.01), loss: 'binaryCrossentropy' });
  const { images, masks } = syntheticBatch(count, size, random);
  const history = await model.fit(images, masks, { epochs, batchSize, shuffle: false, verbose: 0 });
  tf.dispose([images, masks]);
  return { losses: history.history.loss, model, apt };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  tf.env().set('PROD', true);
  const epochs = Number(process.argv[2] ?? 30);
  const { losses } = await train({ epochs });
  losses.forEach((loss, i) => console.log(`epoch ${i + 1}: loss ${loss.toFixed(4)}`));
}
