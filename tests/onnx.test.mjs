// ONNX's MaxPool / MaxUnpool conformance data (tests/fixtures/onnx/, Apache-2.0, see its README)
// run through argpool's PyTorch-semantics API. Every case PyTorch semantics can express runs and
// must match bit for bit; the others are skipped by name below: all 30 run through ap.onnx.* in
// tests/interop.test.mjs.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { init } from '../bindings/js/node.js';
import { indicesToPlane, listCases, loadCase, maxPoolPads, product, splitPads } from './onnx-fixtures.mjs';

const EXPECTED_CASE_COUNT = 30;

// Cases argpool cannot run today (PyTorch semantics has no way to express them), with the reason.
// Everything else runs, including test_maxpool_2d_precomputed_same_upper: its SAME_UPPER pads
// work out symmetric (1 on every side of a 5x5 input, kernel 3, stride 2), which PyTorch expresses.
const SKIPPED = Object.freeze({
  test_maxpool_2d_pads:
    'pads 2 > floor(kernel 3 / 2) = 1: PyTorch options allow pad <= kernel/2 only (runs through ap.onnx.maxPool in interop.test.mjs)',
  test_maxpool_2d_same_lower:
    'auto_pad SAME_LOWER gives asymmetric pads (begin 1, end 0 per dim): PyTorch options pad symmetrically (runs through ap.onnx.maxPool in interop.test.mjs)',
  test_maxpool_2d_same_upper:
    'auto_pad SAME_UPPER gives asymmetric pads (begin 0, end 1 per dim): PyTorch options pad symmetrically (runs through ap.onnx.maxPool in interop.test.mjs)',
  test_maxpool_2d_uint8:
    'uint8 input: PyTorch 1.13 max_pool on CPU takes floating types only, so this PyTorch-semantics suite has no reference (runs through ap.onnx.maxPool in interop.test.mjs)',
});

// Why a case is not expressible with PyTorch semantics, or null when it is.
function whyNotExpressible(c) {
  const a = c.attributes;
  if (c.op === 'MaxPool') {
    const x = c.input('X');
    if (x.dtype !== 'float32') return `${x.dtype} input`;
    if (![0, 1].includes(a.storage_order)) return `storage_order ${a.storage_order}`;
    const { begin, end } = maxPoolPads(a, x.shape.slice(2));
    if (begin.some((p, i) => p !== end[i])) return `asymmetric pads (auto_pad ${a.auto_pad})`;
    if (begin.some((p, i) => p > Math.floor(a.kernel_shape[i] / 2))) return 'pads > kernel/2';
    return null;
  }
  if (c.op === 'MaxUnpool') {
    if (c.input('X').dtype !== 'float32') return `${c.input('X').dtype} input`;
    const { begin, end } = splitPads(a.pads, a.kernel_shape.length);
    if (begin.some((p, i) => p !== end[i])) return 'asymmetric pads';
    return null;
  }
  return `op ${c.op}`;
}

// Bit-for-bit comparison of two Float32Arrays (tells -0 from 0 and compares NaN payloads).
function assertSameBits(actual, expected, what, [got, want] = ['argpool', 'ONNX']) {
  assert.ok(actual instanceof Float32Array, `${what}: ${got} is a ${actual?.constructor?.name}, expected a Float32Array`);
  assert.ok(expected instanceof Float32Array, `${what}: expected data is not float32`);
  assert.equal(actual.length, expected.length, `${what}: length`);
  const a = new Uint32Array(actual.buffer, actual.byteOffset, actual.length);
  const e = new Uint32Array(expected.buffer, expected.byteOffset, expected.length);
  for (let i = 0; i < a.length; ++i) {
    if (a[i] !== e[i]) {
      assert.fail(`${what}: first difference at flat position ${i}: ${got} ${actual[i]} (0x${a[i].toString(16)}), ` +
        `${want} ${expected[i]} (0x${e[i].toString(16)})`);
    }
  }
}

function assertSameInts(actual, expected, what) {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < actual.length; ++i) {
    if (actual[i] !== expected[i]) {
      assert.fail(`${what}: first difference at flat position ${i}: argpool ${actual[i]}, ONNX (converted) ${expected[i]}`);
    }
  }
}

function runMaxPool(ap, c) {
  const a = c.attributes;
  const x = c.input('X');
  const { begin } = maxPoolPads(a, x.shape.slice(2));
  // ONNX's default stride is 1 and PyTorch's is the kernel size: always pass the ONNX value.
  const options = {
    kernelSize: a.kernel_shape.slice(),
    stride: a.strides.slice(),
    padding: begin,
    dilation: a.dilations.slice(),
    ceilMode: a.ceil_mode === 1,
  };
  const { values, indices } = ap.maxPool({ data: x.data, shape: x.shape.slice() }, options);
  const y = c.output('Y');
  assert.deepEqual(values.shape, y.shape, 'Y shape');
  assertSameBits(values.data, y.data, 'Y');
  const z = c.output('Indices');
  if (z) {
    assert.equal(z.dtype, 'int64');
    assert.deepEqual(indices.shape, z.shape, 'Indices shape');
    assertSameInts(indices.data, indicesToPlane(z.data, z.shape, x.shape, a.storage_order), 'Indices');
  }
  return { values, indices };
}

// MaxUnpool without output_shape: ONNX indices refer to the inferred output shape
// (in - 1)*stride + kernel - pad_begin - pad_end.
function runMaxUnpool(ap, c) {
  const a = c.attributes;
  const x = c.input('X');
  const i = c.input('I');
  const rank = x.shape.length - 2;
  const { begin, end } = splitPads(a.pads, rank);
  const inferred = x.shape.slice(2).map((d, k) => (d - 1) * a.strides[k] + a.kernel_shape[k] - begin[k] - end[k]);
  const fullShape = [...x.shape.slice(0, 2), ...inferred];
  const out = ap.maxUnpool(
    { data: x.data, shape: x.shape.slice() },
    { data: indicesToPlane(i.data, i.shape, fullShape, 0), shape: i.shape.slice() },
    { kernelSize: a.kernel_shape.slice(), stride: a.strides.slice(), padding: begin });
  return out;
}

const ap = await init();
const names = listCases();
const skipped = names.filter((name) => name in SKIPPED);
const ran = names.filter((name) => !(name in SKIPPED));

test('fixture set: 30 ONNX cases, each either run or skipped by name', () => {
  assert.equal(names.length, EXPECTED_CASE_COUNT, `tests/fixtures/onnx/ holds ${names.length} cases: ${names.join(', ')}`);
  for (const name of Object.keys(SKIPPED)) assert.ok(names.includes(name), `skipped case ${name} has no fixture`);
  assert.equal(ran.length + skipped.length, EXPECTED_CASE_COUNT, `ran ${ran.length} + skipped ${skipped.length}`);
  assert.equal(skipped.length, Object.keys(SKIPPED).length);
  assert.equal(ran.length, EXPECTED_CASE_COUNT - Object.keys(SKIPPED).length);
});

test('fixture decoding: dtypes, typed arrays, lengths, SAME pads agree with the converter', () => {
  const arrayTypes = { float32: Float32Array, uint8: Uint8Array, int64: BigInt64Array };
  for (const name of names) {
    const c = loadCase(name);
    for (const t of [...c.inputs, ...c.outputs]) {
      assert.ok(t.data instanceof arrayTypes[t.dtype], `${name} ${t.name}: ${t.dtype} decoded as ${t.data.constructor.name}`);
      assert.equal(t.data.length, product(t.shape), `${name} ${t.name}: length`);
    }
    if (c.op === 'MaxPool') {
      const { begin, end } = maxPoolPads(c.attributes, c.input('X').shape.slice(2));
      assert.deepEqual([...begin, ...end], c.derived.effective_pads, `${name}: pads`);
    }
    // Whether a case runs is decided by its attributes, and the named skip list must agree.
    assert.equal(whyNotExpressible(c) !== null, name in SKIPPED, `${name}: ${whyNotExpressible(c)}`);
  }
  // Known values: the 5x5 input 1..25 and ONNX's column-major Indices of the storage_order 1 case.
  const c = loadCase('test_maxpool_with_argmax_2d_precomputed_strides');
  assert.deepEqual(Array.from(c.input('X').data), Array.from({ length: 25 }, (_, i) => i + 1));
  assert.deepEqual(Array.from(c.output('Y').data), [7, 9, 17, 19]);
  assert.deepEqual(Array.from(c.output('Indices').data), [6n, 16n, 8n, 18n]);
  assert.deepEqual(Array.from(indicesToPlane(c.output('Indices').data, [1, 1, 2, 2], [1, 1, 5, 5], 1)), [6, 8, 16, 18]);
  assert.deepEqual(Array.from(indicesToPlane(new BigInt64Array([7n, 49n]), [1, 2, 1, 1], [1, 2, 5, 5], 0)), [7, 24]);
  assert.throws(() => indicesToPlane(new BigInt64Array([25n]), [1, 1, 1, 1], [1, 1, 5, 5], 0), /outside/);
});

for (const name of names) {
  if (name in SKIPPED) {
    test(name, { skip: SKIPPED[name] }, () => {});
    continue;
  }
  if (name === 'test_maxunpool_export_with_output_shape') {
    test(`${name} (ONNX and PyTorch disagree: argpool gives PyTorch's answer)`, () => {
      const c = loadCase(name);
      const outputShape = Array.from(c.input('output_shape').data, Number);
      assert.deepEqual(outputShape, [1, 1, 5, 5]);
      assert.deepEqual(Array.from(c.input('X').data), [5, 6, 7, 8]);
      assert.deepEqual(Array.from(c.input('I').data), [5n, 7n, 13n, 15n]);
      const a = c.attributes;
      // PyTorch: the flat offsets 5, 7, 13, 15 are resolved in the requested 5x5 plane:
      // 5 → (1,0), 7 → (1,2), 13 → (2,3), 15 → (3,0).
      const pytorch = new Float32Array(25);
      pytorch[1 * 5 + 0] = 5;
      pytorch[1 * 5 + 2] = 6;
      pytorch[2 * 5 + 3] = 7;
      pytorch[3 * 5 + 0] = 8;
      const out = ap.maxUnpool(
        { data: c.input('X').data, shape: c.input('X').shape.slice() },
        { data: indicesToPlane(c.input('I').data, c.input('I').shape, outputShape, 0), shape: c.input('I').shape.slice() },
        { kernelSize: a.kernel_shape.slice(), stride: a.strides.slice(), padding: splitPads(a.pads, 2).begin, outputSize: outputShape });
      assert.deepEqual(out.shape, [1, 1, 5, 5]);
      assertSameBits(out.data, pytorch, 'Y', ['argpool', 'PyTorch']);
      // ONNX resolves the offsets in the inferred 4x4 plane, (1,1), (1,3), (3,1), (3,3), then pads to 5x5.
      const y = c.output('Y');
      const onnx = new Float32Array(25);
      onnx[1 * 5 + 1] = 5;
      onnx[1 * 5 + 3] = 6;
      onnx[3 * 5 + 1] = 7;
      onnx[3 * 5 + 3] = 8;
      assert.deepEqual(y.shape, [1, 1, 5, 5]);
      assertSameBits(y.data, onnx, 'ONNX expected Y', ['fixture', 'hand-built']);
      assert.notDeepEqual(Array.from(out.data), Array.from(y.data), 'argpool must differ from ONNX here');
    });
    continue;
  }
  test(name, () => {
    const c = loadCase(name);
    if (c.op === 'MaxPool') {
      runMaxPool(ap, c);
    } else if (c.op === 'MaxUnpool') {
      assert.equal(c.input('output_shape'), undefined);
      const out = runMaxUnpool(ap, c);
      const y = c.output('Y');
      assert.deepEqual(out.shape, y.shape, 'Y shape');
      assertSameBits(out.data, y.data, 'Y');
    } else {
      assert.fail(`unexpected op ${c.op}`);
    }
  });
}
