// ap.maxUnpoolBackward: the gradient of max unpooling with respect to its values, a gather of
// gradOutput at the indices (PyTorch's max_unpool backward). Checked against a JS gather, against
// the definition of the gradient (unpool is linear in its values), across dtypes, layouts, ranks
// and index conventions, and for its errors.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { init } from '../bindings/js/node.js';
import { randInt, rng } from './random.mjs';

const ap = await init();

const product = (shape) => shape.reduce((a, b) => a * b, 1);

// Logical [N, C, ...spatial] dims of a physical shape.
const logical = (shape, layout) => (layout === 'NHWC' ? [shape[0], shape[shape.length - 1], ...shape.slice(1, -1)] : shape);

// The gather by definition, element by element: gradValues[n, c, i] = gradOutput[n, c, plane index].
function referenceGather(gradOutput, gradShape, indices, valuesShape, layout) {
  const [N, C, ...vSpatial] = logical(valuesShape, layout);
  const gPlane = product(logical(gradShape, layout).slice(2));
  const vPlane = product(vSpatial);
  const out = new gradOutput.constructor(product(valuesShape));
  for (let n = 0; n < N; ++n) {
    for (let c = 0; c < C; ++c) {
      for (let i = 0; i < vPlane; ++i) {
        const e = layout === 'NHWC' ? (n * vPlane + i) * C + c : (n * C + c) * vPlane + i;
        const g = layout === 'NHWC' ? (n * gPlane + indices[e]) * C + c : (n * C + c) * gPlane + indices[e];
        out[e] = gradOutput[g];
      }
    }
  }
  return out;
}

function randomData(random, ArrayType, count) {
  const data = new ArrayType(count);
  for (let i = 0; i < count; ++i) data[i] = ArrayType === Float32Array || ArrayType === Float64Array ? (random() - 0.5) * 64 : randInt(random, 0, 100);
  return data;
}

// A random case: values spatial dims, kernel / stride and per-plane indices drawn from each
// value's own window (distinct by construction when the windows do not overlap).
function randomCase(random, rank, layout) {
  const spatial = Array.from({ length: rank }, () => randInt(random, 1, 5));
  const kernelSize = Array.from({ length: rank }, () => randInt(random, 1, 3));
  const N = randInt(random, 1, 2), C = randInt(random, 1, 5);
  const valuesShape = layout === 'NHWC' ? [N, ...spatial, C] : [N, C, ...spatial];
  const options = { kernelSize, layout };
  const gradShape = ap.maxUnpool({ data: new Float32Array(product(valuesShape)), shape: valuesShape },
    { data: new Int32Array(product(valuesShape)), shape: valuesShape }, options).shape;
  const gSpatial = logical(gradShape, layout).slice(2);
  const indices = new Int32Array(product(valuesShape));
  const vPlane = product(spatial);
  for (let e = 0; e < indices.length; ++e) {
    const i = layout === 'NHWC' ? Math.floor(e / C) % vPlane : e % vPlane;
    // spatial coordinates of value i, then a tap inside its window
    let rest = i, index = 0, stride = 1;
    for (let d = rank - 1; d >= 0; --d) {
      const coordinate = rest % spatial[d];
      rest = Math.floor(rest / spatial[d]);
      index += (coordinate * kernelSize[d] + randInt(random, 0, kernelSize[d] - 1)) * stride;
      stride *= gSpatial[d];
    }
    indices[e] = index;
  }
  return { valuesShape, gradShape, options, indices };
}

test('maxUnpoolBackward gathers gradOutput at the indices: every dtype, layout and rank, with and without options', () => {
  const random = rng(11);
  for (const ArrayType of [Float32Array, Float64Array, Int8Array, Uint8Array, Int16Array, Uint16Array, Int32Array]) {
    for (const layout of ['NCHW', 'NHWC']) {
      for (const rank of [1, 2, 3]) {
        const { valuesShape, gradShape, options, indices } = randomCase(random, rank, layout);
        const gradOutput = randomData(random, ArrayType, product(gradShape));
        const expected = referenceGather(gradOutput, gradShape, indices, valuesShape, layout);
        const withOptions = ap.maxUnpoolBackward({ data: gradOutput, shape: gradShape }, { data: indices, shape: valuesShape }, valuesShape, options);
        const withLayoutOnly = ap.maxUnpoolBackward({ data: gradOutput, shape: gradShape }, { data: indices, shape: valuesShape }, valuesShape, { layout });
        const label = `${ArrayType.name} ${layout} values ${valuesShape} grad ${gradShape}`;
        assert.ok(withOptions.data instanceof ArrayType, label);
        assert.deepEqual(withOptions.shape, valuesShape, label);
        assert.deepEqual(Array.from(withOptions.data), Array.from(expected), label);
        assert.deepEqual(Array.from(withLayoutOnly.data), Array.from(expected), label);
      }
    }
  }
});

test('maxUnpoolBackward is the gradient of maxUnpool with respect to its values (PyTorch semantics)', () => {
  // unpool is linear in its values, so d/dv_e sum(g · unpool(v)) = sum(g · unpool(onehot_e)):
  // computed with maxUnpool itself, in float64, for every element e.
  const random = rng(12);
  for (const layout of ['NCHW', 'NHWC']) {
    const { valuesShape, gradShape, options, indices } = randomCase(random, 2, layout);
    const g = randomData(random, Float64Array, product(gradShape));
    const got = ap.maxUnpoolBackward({ data: g, shape: gradShape }, { data: indices, shape: valuesShape }, valuesShape, options);
    const idx = { data: indices, shape: valuesShape };
    for (let e = 0; e < product(valuesShape); ++e) {
      const onehot = new Float64Array(product(valuesShape));
      onehot[e] = 1;
      const y = ap.maxUnpool({ data: onehot, shape: valuesShape }, idx, options).data;
      let dot = 0;
      for (let k = 0; k < y.length; ++k) dot += g[k] * y[k];
      assert.equal(got.data[e], dot, `${layout} element ${e}`);
    }
  }
});

test('maxUnpoolBackward reads every index convention maxUnpool reads (plane, global, tf; int32 and int64)', () => {
  const random = rng(13);
  const conventions = {
    NCHW: [{ indexMode: 'global' }, { indexMode: 'global', storageOrder: 1 }],
    NHWC: [{ indexMode: 'global' }, { indexMode: 'tf' }, { indexMode: 'tf', includeBatchInIndex: true }],
  };
  for (const layout of ['NCHW', 'NHWC']) {
    const { valuesShape, gradShape, options, indices } = randomCase(random, 2, layout);
    const gradOutput = randomData(random, Float32Array, product(gradShape));
    const expected = Array.from(referenceGather(gradOutput, gradShape, indices, valuesShape, layout));
    for (const side of conventions[layout]) {
      for (const indexType of ['int32', 'int64']) {
        const converted = ap.convertIndices({ data: indices, shape: valuesShape },
          { from: 'plane', to: side, inputShape: gradShape, layout, indexType });
        const got = ap.maxUnpoolBackward({ data: gradOutput, shape: gradShape }, converted, valuesShape, { ...options, ...side });
        assert.deepEqual(Array.from(got.data), expected, `${layout} ${JSON.stringify(side)} ${indexType}`);
      }
    }
  }
});

test('maxUnpoolBackward writes into out (plain and wasm tensors) and takes wasm tensors as inputs', () => {
  const gradShape = [1, 2, 4, 4];
  const g = ap.tensor(gradShape, 'float32', Float32Array.from({ length: 32 }, (_, i) => i - 10));
  const idx = ap.tensor([1, 2, 2, 2], 'int32', [0, 3, 10, 15, 1, 6, 8, 13]);
  const out = ap.tensor([1, 2, 2, 2], 'float32');
  try {
    assert.equal(ap.maxUnpoolBackward(g, idx, [1, 2, 2, 2], { kernelSize: 2 }, out), out);
    assert.deepEqual(Array.from(out.data), [-10, -7, 0, 5, 7, 12, 14, 19]);
    const plain = { data: new Float32Array(8), shape: [1, 2, 2, 2] };
    ap.maxUnpoolBackward(g, idx, [1, 2, 2, 2], null, plain);
    assert.deepEqual(Array.from(plain.data), [-10, -7, 0, 5, 7, 12, 14, 19]);
  } finally {
    for (const t of [g, idx, out]) t.dispose();
  }
});

test('maxUnpoolBackward rejects bad shapes and indices with clear errors, and the next call works', () => {
  const g = { data: new Float32Array(16), shape: [1, 1, 4, 4] };
  const idx = { data: Int32Array.from([0, 3, 8, 15]), shape: [1, 1, 2, 2] };
  assert.throws(() => ap.maxUnpoolBackward(g, idx, [1, 1, 3, 3]), { code: 'ARGPOOL_INVALID_ARGUMENT', message: /indices.shape \[1, 1, 2, 2\] must equal valuesShape \[1, 1, 3, 3\]/ });
  assert.throws(() => ap.maxUnpoolBackward(g, idx, [1, 2, 2, 2]), { code: 'ARGPOOL_INVALID_ARGUMENT', message: /must have the rank, N and C of valuesShape/ });
  assert.throws(() => ap.maxUnpoolBackward(g, idx, [1, 1, 2, 2], { kernelSize: 3 }), { code: 'ARGPOOL_INVALID_ARGUMENT', message: /must equal the unpooling output shape \[1, 1, 6, 6\]/ });
  assert.throws(() => ap.maxUnpoolBackward(g, { data: Int32Array.from([0, 3, 8, 16]), shape: [1, 1, 2, 2] }, [1, 1, 2, 2]),
    { code: 'ARGPOOL_INDEX_OUT_OF_RANGE', message: /indices.data\[3\] = 16 is outside the gradOutput plane/ });
  assert.throws(() => ap.maxUnpoolBackward(g, { data: new Float32Array(4), shape: [1, 1, 2, 2] }, [1, 1, 2, 2]), { code: 'ARGPOOL_INVALID_TYPE' });
  assert.throws(() => ap.maxUnpoolBackward(g, idx, 'x'), { code: 'ARGPOOL_INVALID_TYPE', message: /valuesShape must be an array/ });
  const before = ap.stats().heapInUseBytes;
  assert.deepEqual(Array.from(ap.maxUnpoolBackward({ data: Float32Array.from({ length: 16 }, (_, i) => i), shape: [1, 1, 4, 4] }, idx, [1, 1, 2, 2]).data), [0, 3, 8, 15]);
  assert.equal(ap.stats().heapInUseBytes, before);
});
