// Bad input: every case throws a descriptive Error naming the argument and the rule, thrown by the
// JS wrapper (C++ returns an error value; nothing aborts the module), and the next valid call works.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { ArgpoolError, ArgpoolRangeError, ArgpoolTypeError, init } from '../bindings/js/node.js';

const ap = await init();
const seed = () => ({ data: new Float32Array([2, 4, 5, 1, 3, 7, 2, 8, 1, 6, 3, 4, 9, 2, 7, 5]), shape: [1, 1, 4, 4] });
const pooled = ap.maxPool(seed(), { kernelSize: 2 });
const idx = (data, shape = [1, 1, 2, 2]) => ({ data: Int32Array.from(data), shape });

function assertSeedStillWorks() {
  const { values, indices } = ap.maxPool(seed(), { kernelSize: 2, stride: 2 });
  assert.deepEqual(Array.from(values.data), [7, 8, 9, 7]);
  assert.deepEqual(Array.from(indices.data), [5, 7, 12, 14]);
  const back = ap.maxUnpool(values, indices, { kernelSize: 2 });
  assert.deepEqual(Array.from(back.data), [0, 0, 0, 0, 0, 7, 0, 8, 0, 0, 0, 0, 9, 0, 7, 0]);
}

// [what, call, error class, code, message pattern]
const cases = [
  ['data length ≠ product of shape', () => ap.maxPool({ data: new Float32Array(15), shape: [1, 1, 4, 4] }, { kernelSize: 2 }),
    ArgpoolRangeError, 'ARGPOOL_INVALID_ARGUMENT', /input\.data has 15 elements but input\.shape \[1, 1, 4, 4\] needs 16/],
  ['fractional shape dim', () => ap.maxPool({ data: new Float32Array(16), shape: [1, 1, 4, 4.5] }, { kernelSize: 2 }),
    ArgpoolRangeError, 'ARGPOOL_INVALID_ARGUMENT', /input\.shape\[3\] must be a non-negative integer, got 4\.5/],
  ['negative shape dim', () => ap.maxPool({ data: new Float32Array(16), shape: [1, -1, 4, 4] }, { kernelSize: 2 }),
    ArgpoolRangeError, 'ARGPOOL_INVALID_ARGUMENT', /input\.shape\[1\] must be a non-negative integer, got -1/],
  ['zero spatial size', () => ap.maxPool({ data: new Float32Array(0), shape: [1, 1, 0, 4] }, { kernelSize: 2 }),
    ArgpoolRangeError, 'ARGPOOL_INVALID_ARGUMENT', /input\.shape\[2\] must be between 1 and/],
  ['zero channels', () => ap.maxPool({ data: new Float32Array(0), shape: [1, 0, 4, 4] }, { kernelSize: 2 }),
    ArgpoolRangeError, 'ARGPOOL_INVALID_ARGUMENT', /input\.shape\[1\] must be between 1 and/],
  ['string in shape', () => ap.maxPool({ data: new Float32Array(16), shape: [1, 1, '4', 4] }, { kernelSize: 2 }),
    ArgpoolTypeError, 'ARGPOOL_INVALID_TYPE', /input\.shape\[2\] must be a non-negative integer/],
  ['shape not an array', () => ap.maxPool({ data: new Float32Array(16), shape: 16 }, { kernelSize: 2 }),
    ArgpoolTypeError, 'ARGPOOL_INVALID_TYPE', /input\.shape must be an array/],
  ['rank too low', () => ap.maxPool({ data: new Float32Array(16), shape: [4, 4] }, { kernelSize: 2 }),
    ArgpoolRangeError, 'ARGPOOL_INVALID_ARGUMENT', /input\.shape must have 3, 4 or 5 dimensions/],
  ['rank too high', () => ap.maxPool({ data: new Float32Array(16), shape: [1, 1, 1, 1, 4, 4] }, { kernelSize: 2 }),
    ArgpoolRangeError, 'ARGPOOL_INVALID_ARGUMENT', /input\.shape must have 3, 4 or 5 dimensions/],
  ['maxPool2d given a 3-D input', () => ap.maxPool2d({ data: new Float32Array(16), shape: [1, 1, 16] }, { kernelSize: 2 }),
    ArgpoolRangeError, 'ARGPOOL_INVALID_ARGUMENT', /maxPool2d: input\.shape must have 4 dimensions \[N, C, H, W\], got 3/],
  ['maxPool1d given a 4-D input', () => ap.maxPool1d(seed(), { kernelSize: 2 }),
    ArgpoolRangeError, 'ARGPOOL_INVALID_ARGUMENT', /maxPool1d: input\.shape must have 3/],
  ['maxPool3d given a 4-D input', () => ap.maxPool3d(seed(), { kernelSize: 2 }),
    ArgpoolRangeError, 'ARGPOOL_INVALID_ARGUMENT', /maxPool3d: input\.shape must have 5/],
  ['kernel larger than padded input', () => ap.maxPool(seed(), { kernelSize: 5 }),
    ArgpoolRangeError, 'ARGPOOL_INVALID_ARGUMENT', /kernelSize\[0\] = 5 is larger than the padded input 4/],
  ['dilated kernel larger than padded input', () => ap.maxPool(seed(), { kernelSize: 2, dilation: [1, 4] }),
    ArgpoolRangeError, 'ARGPOOL_INVALID_ARGUMENT', /kernelSize\[1\] = 2 with dilation 4 spans 5 elements/],
  ['kernel 0', () => ap.maxPool(seed(), { kernelSize: 0 }),
    ArgpoolRangeError, 'ARGPOOL_INVALID_ARGUMENT', /kernelSize\[0\] must be at least 1, got 0/],
  ['negative kernel', () => ap.maxPool(seed(), { kernelSize: [2, -2] }),
    ArgpoolRangeError, 'ARGPOOL_INVALID_ARGUMENT', /kernelSize\[1\] must be at least 1, got -2/],
  ['fractional kernel', () => ap.maxPool(seed(), { kernelSize: 1.5 }),
    ArgpoolRangeError, 'ARGPOOL_INVALID_ARGUMENT', /options\.kernelSize must be an integer, got 1\.5/],
  ['NaN kernel', () => ap.maxPool(seed(), { kernelSize: [2, NaN] }),
    ArgpoolRangeError, 'ARGPOOL_INVALID_ARGUMENT', /options\.kernelSize\[1\] must be an integer, got NaN/],
  ['missing kernelSize', () => ap.maxPool(seed(), { stride: 2 }),
    ArgpoolTypeError, 'ARGPOOL_INVALID_TYPE', /options\.kernelSize is required/],
  ['kernelSize array of wrong length', () => ap.maxPool(seed(), { kernelSize: [2, 2, 2] }),
    ArgpoolRangeError, 'ARGPOOL_INVALID_ARGUMENT', /options\.kernelSize must have 2 entries/],
  ['stride 0', () => ap.maxPool(seed(), { kernelSize: 2, stride: 0 }),
    ArgpoolRangeError, 'ARGPOOL_INVALID_ARGUMENT', /stride\[0\] must be at least 1, got 0/],
  ['dilation 0', () => ap.maxPool(seed(), { kernelSize: 2, dilation: [1, 0] }),
    ArgpoolRangeError, 'ARGPOOL_INVALID_ARGUMENT', /dilation\[1\] must be at least 1, got 0/],
  ['negative padding', () => ap.maxPool(seed(), { kernelSize: 2, padding: -1 }),
    ArgpoolRangeError, 'ARGPOOL_INVALID_ARGUMENT', /padding\[0\] must be non-negative, got -1/],
  ['padding more than half the kernel', () => ap.maxPool(seed(), { kernelSize: 3, padding: [1, 2] }),
    ArgpoolRangeError, 'ARGPOOL_INVALID_ARGUMENT', /padding\[1\] = 2 must be at most half of kernelSize\[1\] = 3/],
  ['window of only padding', () => ap.maxPool({ data: new Float32Array(2), shape: [1, 1, 2] }, { kernelSize: 2, stride: 1, padding: 1, dilation: 3 }),
    ArgpoolRangeError, 'ARGPOOL_INVALID_ARGUMENT', /window 0 \(dimension L\) covers only padding/],
  ['ceilMode not a boolean', () => ap.maxPool(seed(), { kernelSize: 2, ceilMode: 1 }),
    ArgpoolTypeError, 'ARGPOOL_INVALID_TYPE', /options\.ceilMode must be a boolean/],
  ['unknown option', () => ap.maxPool(seed(), { kernelSize: 2, kernel_size: 2 }),
    ArgpoolTypeError, 'ARGPOOL_INVALID_TYPE', /unknown option 'kernel_size'/],
  ['options missing', () => ap.maxPool(seed()),
    ArgpoolTypeError, 'ARGPOOL_INVALID_TYPE', /options must be an object/],
  ['huge parameter', () => ap.maxPool(seed(), { kernelSize: 2, stride: 2 ** 40 }),
    ArgpoolRangeError, 'ARGPOOL_INVALID_ARGUMENT', /stride\[0\] must be at most 2147483647/],
  ['unsupported typed array (Uint32Array)', () => ap.maxPool({ data: new Uint32Array(16), shape: [1, 1, 4, 4] }, { kernelSize: 2 }),
    ArgpoolTypeError, 'ARGPOOL_INVALID_TYPE', /input\.data must be a Float32Array, Float64Array, Int8Array, Uint8Array, Int16Array, Uint16Array, Int32Array or Uint8ClampedArray, got a Uint32Array/],
  ['plain array data', () => ap.maxPool({ data: new Array(16).fill(0), shape: [1, 1, 4, 4] }, { kernelSize: 2 }),
    ArgpoolTypeError, 'ARGPOOL_INVALID_TYPE', /input\.data must be a Float32Array, .* got an array/],
  ['input not an object', () => ap.maxPool(new Float32Array(16), { kernelSize: 2 }),
    ArgpoolTypeError, 'ARGPOOL_INVALID_TYPE', /input\.data must be/],
  ['input null', () => ap.maxPool(null, { kernelSize: 2 }),
    ArgpoolTypeError, 'ARGPOOL_INVALID_TYPE', /input must be an object \{ data, shape \}, got null/],
  ['detached input buffer', () => {
    const x = seed();
    structuredClone(x.data.buffer, { transfer: [x.data.buffer] });
    return ap.maxPool(x, { kernelSize: 2 });
  }, ArgpoolRangeError, 'ARGPOOL_INVALID_ARGUMENT', /input\.data has 0 elements but input\.shape \[1, 1, 4, 4\] needs 16/],

  ['indices shape ≠ values shape (unpool)', () => ap.maxUnpool(pooled.values, idx([5, 7, 12, 14], [1, 1, 4, 1]), { kernelSize: 2 }),
    ArgpoolRangeError, 'ARGPOOL_INVALID_ARGUMENT', /indices\.shape \[1, 1, 4, 1\] must equal values\.shape \[1, 1, 2, 2\]/],
  ['indices not an Int32Array', () => ap.maxUnpool(pooled.values, { data: new Float32Array(4), shape: [1, 1, 2, 2] }, { kernelSize: 2 }),
    ArgpoolTypeError, 'ARGPOOL_INVALID_TYPE', /indices\.data must be an Int32Array or BigInt64Array, got a Float32Array/],
  ['unpool index = plane size', () => ap.maxUnpool(pooled.values, idx([5, 7, 16, 14]), { kernelSize: 2 }),
    ArgpoolRangeError, 'ARGPOOL_INDEX_OUT_OF_RANGE', /indices\.data\[2\] = 16 is outside the output plane of 4x4 = 16 elements/],
  ['unpool index -1', () => ap.maxUnpool(pooled.values, idx([-1, 7, 12, 14]), { kernelSize: 2 }),
    ArgpoolRangeError, 'ARGPOOL_INDEX_OUT_OF_RANGE', /indices\.data\[0\] = -1 is outside/],
  ['unpool index 2^31-1', () => ap.maxUnpool(pooled.values, idx([5, 7, 12, 2 ** 31 - 1]), { kernelSize: 2 }),
    ArgpoolRangeError, 'ARGPOOL_INDEX_OUT_OF_RANGE', /indices\.data\[3\] = 2147483647 is outside/],
  ['outputSize at default + stride', () => ap.maxUnpool(pooled.values, pooled.indices, { kernelSize: 2, outputSize: [6, 4] }),
    ArgpoolRangeError, 'ARGPOOL_INVALID_ARGUMENT', /outputSize \[6, 4\]: dimension 0 must be between 2 and 6 exclusive/],
  ['outputSize at default - stride', () => ap.maxUnpool(pooled.values, pooled.indices, { kernelSize: 2, outputSize: [4, 2] }),
    ArgpoolRangeError, 'ARGPOOL_INVALID_ARGUMENT', /dimension 1 must be between 2 and 6 exclusive/],
  ['outputSize of wrong length', () => ap.maxUnpool(pooled.values, pooled.indices, { kernelSize: 2, outputSize: [4, 4, 4] }),
    ArgpoolTypeError, 'ARGPOOL_INVALID_TYPE', /options\.outputSize must be an array of 2 spatial sizes or the full shape of 4/],
  ['outputSize full shape with other N', () => ap.maxUnpool(pooled.values, pooled.indices, { kernelSize: 2, outputSize: [2, 1, 4, 4] }),
    ArgpoolRangeError, 'ARGPOOL_INVALID_ARGUMENT', /must have the N and C of values\.shape/],
  ['unpool with dilation', () => ap.maxUnpool(pooled.values, pooled.indices, { kernelSize: 2, dilation: 2 }),
    ArgpoolRangeError, 'ARGPOOL_INVALID_ARGUMENT', /options\.dilation must be 1/],
  ['maxUnpool2d given 3-D values', () => ap.maxUnpool2d({ data: new Float32Array(4), shape: [1, 1, 4] }, idx([0, 1, 2, 3], [1, 1, 4]), { kernelSize: 2 }),
    ArgpoolRangeError, 'ARGPOOL_INVALID_ARGUMENT', /maxUnpool2d: values\.shape must have 4/],

  ['backward gradient shape ≠ pool output shape', () => ap.maxPoolBackward({ data: new Float32Array(6), shape: [1, 1, 2, 3] }, idx([0, 0, 0, 0, 0, 0], [1, 1, 2, 3]), [1, 1, 4, 4], { kernelSize: 2 }),
    ArgpoolRangeError, 'ARGPOOL_INVALID_ARGUMENT', /gradOutput\.shape \[1, 1, 2, 3\] must equal the pooling output shape \[1, 1, 2, 2\]/],
  ['backward indices shape ≠ gradient shape', () => ap.maxPoolBackward({ data: new Float32Array(4), shape: [1, 1, 2, 2] }, idx([0, 0, 0, 0], [1, 1, 1, 4]), [1, 1, 4, 4]),
    ArgpoolRangeError, 'ARGPOOL_INVALID_ARGUMENT', /indices\.shape \[1, 1, 1, 4\] must equal gradOutput\.shape \[1, 1, 2, 2\]/],
  ['backward inputShape with other C', () => ap.maxPoolBackward({ data: new Float32Array(4), shape: [1, 1, 2, 2] }, pooled.indices, [1, 2, 4, 4]),
    ArgpoolRangeError, 'ARGPOOL_INVALID_ARGUMENT', /inputShape \[1, 2, 4, 4\] must have the rank, N and C of gradOutput\.shape/],
  ['backward index out of range', () => ap.maxPoolBackward({ data: new Float32Array(4), shape: [1, 1, 2, 2] }, idx([0, 1, 2, 16]), [1, 1, 4, 4]),
    ArgpoolRangeError, 'ARGPOOL_INDEX_OUT_OF_RANGE', /indices\.data\[3\] = 16 is outside the input plane of 4x4 = 16 elements/],
  ['backward index -1', () => ap.maxPoolBackward({ data: new Float32Array(4), shape: [1, 1, 2, 2] }, idx([0, -1, 2, 3]), [1, 1, 4, 4]),
    ArgpoolRangeError, 'ARGPOOL_INDEX_OUT_OF_RANGE', /indices\.data\[1\] = -1 is outside/],
  ['backward inputShape not an array', () => ap.maxPoolBackward({ data: new Float32Array(4), shape: [1, 1, 2, 2] }, pooled.indices, 'x'),
    ArgpoolTypeError, 'ARGPOOL_INVALID_TYPE', /inputShape must be an array of integers/],
  ['backward gradient of an unsupported type', () => ap.maxPoolBackward({ data: new Int32Array(4), shape: [1, 1, 2, 2] }, pooled.indices, [1, 1, 4, 4]),
    ArgpoolTypeError, 'ARGPOOL_INVALID_TYPE', /gradOutput\.data must be a Float32Array or Float64Array/],

  ['a request larger than wasm memory can hold', () => ap.maxPoolBackward({ data: new Float32Array(1), shape: [1, 1, 1, 1] }, idx([0], [1, 1, 1, 1]), [1, 1, 1, 2 ** 31 - 1]),
    ArgpoolError, 'ARGPOOL_OUT_OF_MEMORY', /inputShape \[1, 1, 1, 2147483647\] has \d+ elements, more than a 32-bit wasm memory can hold/],
  ['outputShape with bad options', () => ap.outputShape([1, 1, 4, 4], { kernelSize: 2, stride: -1 }),
    ArgpoolRangeError, 'ARGPOOL_INVALID_ARGUMENT', /outputShape: stride\[0\] must be at least 1, got -1/],
];

for (const [what, call, ErrorClass, code, pattern] of cases) {
  test(`bad input: ${what} → ${ErrorClass.name} ${code}, then the next valid call works`, () => {
    assert.throws(call, (error) => {
      assert.ok(error instanceof ErrorClass, `expected ${ErrorClass.name}, got ${error?.name}: ${error?.message}`);
      assert.ok(error instanceof Error);
      assert.equal(error.code, code, error.message);
      assert.match(error.message, pattern);
      assert.match(error.message, /^(maxPool|maxUnpool|maxPoolBackward|outputShape)(1d|2d|3d)?: /);
      return true;
    });
    assertSeedStillWorks();
  });
}

test('argument errors are TypeError/RangeError subclasses; ArgpoolError is used for state problems', () => {
  assert.ok(new ArgpoolTypeError('x') instanceof TypeError);
  assert.ok(new ArgpoolRangeError('x') instanceof RangeError);
  assert.ok(new ArgpoolError('x') instanceof Error);
});
