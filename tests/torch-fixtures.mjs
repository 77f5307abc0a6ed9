// Reading the PyTorch reference fixtures of tests/fixtures/torch/ (written by
// tools/gen_torch_fixtures.py; the format is in tests/fixtures/torch/README.md) and comparing
// tensors with them bit for bit.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

export const FIXTURE_DIR = new URL('./fixtures/torch/', import.meta.url);
export const GROUPS = Object.freeze(['maxpool1d', 'maxpool2d', 'maxpool3d', 'unpool', 'backward', 'errors']);
export const FORMAT = 1;

const ARRAY_TYPES = Object.freeze({ float32: Float32Array, float64: Float64Array, int32: Int32Array });

function product(shape) {
  return shape.reduce((n, d) => n * d, 1);
}

// { dtype, shape, data: base64 of little-endian bytes } → { data: <typed array>, shape }.
export function decodeTensor(encoded, label = 'tensor') {
  const ArrayType = ARRAY_TYPES[encoded?.dtype];
  if (!ArrayType) throw new Error(`${label}: unknown dtype ${JSON.stringify(encoded?.dtype)}`);
  if (!Array.isArray(encoded.shape) || !encoded.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new Error(`${label}: bad shape ${JSON.stringify(encoded.shape)}`);
  }
  const bytes = Buffer.from(encoded.data, 'base64');
  const count = product(encoded.shape);
  if (bytes.length !== count * ArrayType.BYTES_PER_ELEMENT) {
    throw new Error(`${label}: ${bytes.length} bytes of data for ${encoded.dtype} shape [${encoded.shape}]`);
  }
  // A fresh, aligned buffer; the bytes are little-endian like every wasm and JS host we run on.
  const buffer = new ArrayBuffer(bytes.length);
  new Uint8Array(buffer).set(bytes);
  return { data: new ArrayType(buffer), shape: encoded.shape.slice() };
}

export function loadGroup(group) {
  const file = new URL(`${group}.json`, FIXTURE_DIR);
  const json = JSON.parse(readFileSync(file, 'utf8'));
  if (json.format !== FORMAT) throw new Error(`${file.pathname}: format ${json.format}, expected ${FORMAT}`);
  if (json.group !== group) throw new Error(`${file.pathname}: group ${json.group}, expected ${group}`);
  if (!Array.isArray(json.cases) || json.cases.length === 0) throw new Error(`${file.pathname}: no cases`);
  return json;
}

// The raw bits of every element: compares NaN payloads, -0 / +0 and infinities exactly.
export function bitsOf(data) {
  if (data instanceof Float32Array) return new Uint32Array(data.buffer, data.byteOffset, data.length);
  if (data instanceof Float64Array) return new BigUint64Array(data.buffer, data.byteOffset, data.length);
  if (data instanceof Int32Array) return new Uint32Array(data.buffer, data.byteOffset, data.length);
  throw new TypeError(`bitsOf: unsupported ${Object.prototype.toString.call(data)}`);
}

function hex(bits, data) {
  return `0x${bits.toString(16).padStart(data.BYTES_PER_ELEMENT * 2, '0')}`;
}

function describeElement(data, bits, i) {
  return data instanceof Int32Array ? `${data[i]}` : `${Object.is(data[i], -0) ? '-0' : data[i]} (${hex(bits[i], data)})`;
}

// Same typed-array type, same shape, same bits; the message names the first differences.
export function assertTensorEqual(actual, expected, what) {
  assert.equal(Object.prototype.toString.call(actual.data), Object.prototype.toString.call(expected.data),
    `${what}: typed-array type`);
  assert.deepEqual(actual.shape, expected.shape, `${what}: shape`);
  assert.equal(actual.data.length, expected.data.length, `${what}: length`);
  const a = bitsOf(actual.data), e = bitsOf(expected.data);
  const diffs = [];
  for (let i = 0; i < e.length; ++i) {
    if (a[i] !== e[i]) diffs.push(i);
  }
  if (diffs.length > 0) {
    const shown = diffs.slice(0, 5).map((i) =>
      `[${i}] expected ${describeElement(expected.data, e, i)}, got ${describeElement(actual.data, a, i)}`);
    assert.fail(`${what}: ${diffs.length} of ${e.length} elements differ from PyTorch: ${shown.join('; ')}`);
  }
}
