// Loader for the ONNX MaxPool / MaxUnpool conformance fixtures in tests/fixtures/onnx/ (format,
// provenance and licence: tests/fixtures/onnx/README.md). Knows ONNX's conventions only and
// nothing of argpool, so that any adapter (PyTorch-semantics runs, a future ONNX interop layer)
// can share it. Not a test file itself: the name must not match *.test.mjs.
import { readdirSync, readFileSync } from 'node:fs';

export const FIXTURES_DIR = new URL('./fixtures/onnx/', import.meta.url);

// ONNX tensor element types that may appear in the fixtures, with their little-endian readers.
const DTYPES = Object.freeze({
  float32: { ArrayType: Float32Array, read: (v, o) => v.getFloat32(o, true) },
  float64: { ArrayType: Float64Array, read: (v, o) => v.getFloat64(o, true) },
  int8: { ArrayType: Int8Array, read: (v, o) => v.getInt8(o) },
  uint8: { ArrayType: Uint8Array, read: (v, o) => v.getUint8(o) },
  int16: { ArrayType: Int16Array, read: (v, o) => v.getInt16(o, true) },
  uint16: { ArrayType: Uint16Array, read: (v, o) => v.getUint16(o, true) },
  int32: { ArrayType: Int32Array, read: (v, o) => v.getInt32(o, true) },
  uint32: { ArrayType: Uint32Array, read: (v, o) => v.getUint32(o, true) },
  int64: { ArrayType: BigInt64Array, read: (v, o) => v.getBigInt64(o, true) },
  uint64: { ArrayType: BigUint64Array, read: (v, o) => v.getBigUint64(o, true) },
});

const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export function product(shape) {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

// Every test name (file name without .json), sorted.
export function listCases(dir = FIXTURES_DIR) {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();
}

// { name, role, dtype, shape, data } with `data` base64 of little-endian bytes
// → { name, role, dtype, shape, data: <typed array of the dtype> }.
export function decodeTensor(tensor) {
  const { name, role, dtype, shape } = tensor;
  const kind = DTYPES[dtype];
  if (!kind) throw new Error(`tensor ${name}: unsupported dtype ${JSON.stringify(dtype)}`);
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new Error(`tensor ${name}: bad shape ${JSON.stringify(shape)}`);
  }
  const count = product(shape);
  const bytes = Buffer.from(tensor.data, 'base64');
  const size = kind.ArrayType.BYTES_PER_ELEMENT;
  if (bytes.length !== count * size) {
    throw new Error(`tensor ${name}: ${bytes.length} bytes of data, but ${dtype} of shape [${shape}] needs ${count * size}`);
  }
  let data;
  if (HOST_IS_LITTLE_ENDIAN || size === 1) {
    // Copy into a fresh, aligned buffer (Buffer.from may hand out a slice of a shared pool).
    data = new kind.ArrayType(count);
    new Uint8Array(data.buffer).set(bytes);
  } else {
    data = new kind.ArrayType(count);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i < count; ++i) data[i] = kind.read(view, i * size);
  }
  return Object.freeze({ name, role, dtype, shape: Object.freeze(shape.slice()), data });
}

// Loads and decodes one case. `attributes` holds every attribute with ONNX's defaults filled in
// (strides default to 1, not to the kernel size); `attributesSetInModel` only those the model sets.
export function loadCase(name, dir = FIXTURES_DIR) {
  const json = JSON.parse(readFileSync(new URL(`${name}.json`, dir), 'utf8'));
  if (json.test_name !== name) throw new Error(`${name}.json: test_name is ${JSON.stringify(json.test_name)}`);
  const inputs = json.inputs.map(decodeTensor);
  const outputs = json.outputs.map(decodeTensor);
  const byRole = (list) => (role) => list.find((t) => t.role === role);
  return Object.freeze({
    name: json.test_name,
    suite: json.suite,
    op: json.op,
    domain: json.domain,
    opset: json.opset,
    irVersion: json.ir_version,
    source: json.source,
    attributes: json.attributes,
    attributesSetInModel: json.attributes_set_in_model,
    derived: json.derived,
    inputs,
    outputs,
    input: byRole(inputs), // input('X'), input('I'), input('output_shape') → tensor or undefined
    output: byRole(outputs), // output('Y'), output('Indices') → tensor or undefined
  });
}

export function loadCases(dir = FIXTURES_DIR) {
  return listCases(dir).map((name) => loadCase(name, dir));
}

// ONNX `pads` [x1_begin, …, xk_begin, x1_end, …, xk_end] → { begin, end }.
export function splitPads(pads, rank) {
  if (pads.length !== 2 * rank) throw new Error(`pads ${JSON.stringify(pads)} must have ${2 * rank} entries`);
  return { begin: pads.slice(0, rank), end: pads.slice(rank) };
}

// The pads a MaxPool node actually applies, from its attributes and the input's spatial sizes:
// explicit `pads` for NOTSET, zeros for VALID, and for SAME_UPPER / SAME_LOWER the pads giving
// out = ceil(L / stride), the odd element going to the end (UPPER) or the beginning (LOWER).
export function maxPoolPads(attributes, spatialShape) {
  const rank = spatialShape.length;
  const { auto_pad: autoPad = 'NOTSET' } = attributes;
  const kernel = attributes.kernel_shape;
  const strides = attributes.strides ?? new Array(rank).fill(1);
  const dilations = attributes.dilations ?? new Array(rank).fill(1);
  switch (autoPad) {
    case 'NOTSET':
      return splitPads(attributes.pads ?? new Array(2 * rank).fill(0), rank);
    case 'VALID':
      return { begin: new Array(rank).fill(0), end: new Array(rank).fill(0) };
    case 'SAME_UPPER':
    case 'SAME_LOWER': {
      const begin = [];
      const end = [];
      spatialShape.forEach((L, i) => {
        const out = Math.ceil(L / strides[i]);
        const total = Math.max((out - 1) * strides[i] + (kernel[i] - 1) * dilations[i] + 1 - L, 0);
        const small = Math.floor(total / 2);
        begin.push(autoPad === 'SAME_UPPER' ? small : total - small);
        end.push(autoPad === 'SAME_UPPER' ? total - small : small);
      });
      return { begin, end };
    }
    default:
      throw new Error(`unknown auto_pad ${JSON.stringify(autoPad)}`);
  }
}

// ONNX indices (offsets into the whole flattened tensor of shape `tensorShape`, spatial part
// row-major for storage_order 0, column-major for 1) → per-(n, c)-plane row-major offsets, the
// convention of PyTorch's return_indices, as an Int32Array. `indicesShape` is [N, C, ...]: the
// (n, c) of element i is floor(i / (product of its spatial sizes)). Throws on any index that
// does not lie in its own (n, c) plane.
export function indicesToPlane(indices, indicesShape, tensorShape, storageOrder = 0) {
  const spatial = tensorShape.slice(2);
  const plane = product(spatial);
  const perPlane = product(indicesShape.slice(2));
  if (indices.length !== product(indicesShape)) throw new Error('indices length does not match indicesShape');
  const out = new Int32Array(indices.length);
  for (let i = 0; i < indices.length; ++i) {
    const nc = Math.floor(i / perPlane);
    let offset = Number(indices[i]) - nc * plane;
    if (!Number.isSafeInteger(offset) || offset < 0 || offset >= plane) {
      throw new Error(`index ${indices[i]} at position ${i} is outside (n, c) plane ${nc} of a tensor of shape [${tensorShape}]`);
    }
    if (storageOrder === 1) {
      // Column-major: offset = d1 + d2*D1 + d3*D1*D2 → row-major ((d1*D2 + d2)*D3 + d3).
      const coords = [];
      for (const size of spatial) {
        coords.push(offset % size);
        offset = Math.floor(offset / size);
      }
      offset = coords.reduce((acc, d, k) => acc * spatial[k] + d, 0);
    } else if (storageOrder !== 0) {
      throw new Error(`unknown storage_order ${storageOrder}`);
    }
    out[i] = offset;
  }
  return out;
}
