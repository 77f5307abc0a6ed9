// argpool against PyTorch 1.13, bit for bit: values (raw bits, so NaN payloads, -0 and infinities
// count), indices and shapes of every case in tests/fixtures/torch/ (tools/gen_torch_fixtures.py).
// Float32 pooling cases run on every kernel that applies, not only the one `auto` picks.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { init } from '../bindings/js/node.js';
import { createTester } from './support/tester.mjs';
import { GROUPS, assertTensorEqual, decodeTensor, loadGroup } from './torch-fixtures.mjs';

const ap = await init();
const tester = await createTester();
const fixtures = Object.fromEntries(GROUPS.map((group) => [group, loadGroup(group)]));

// What argpool's message must mention for each reason PyTorch rejected a case.
const REASONS = {
  stride: /stride/,
  padding: /padding/,
  dilation: /dilation/,
  kernelSize: /kernelSize/,
  channels: /input\.shape\[1\]/,
  outputSize: /outputSize/,
  indices: /indices/,
  gradOutput: /gradOutput/,
  'padding-only-window': /only padding/,
};

function perDim(options, key, rank, fallback) {
  const value = options[key] ?? fallback;
  return typeof value === 'number' ? new Array(rank).fill(value) : value;
}

// The specialised float32 kernels that must accept these parameters (src/kernels/kernels.h):
// a square H x W window with dilation 1 and, for 3D input, a trivial depth.
function fastPathFor(shape, options) {
  const rank = shape.length - 2;
  if (rank < 2) return null;
  const k = perDim(options, 'kernelSize', rank);
  const s = perDim(options, 'stride', rank, k);
  const p = perDim(options, 'padding', rank, 0);
  const d = perDim(options, 'dilation', rank, 1);
  const o = rank - 2;
  if (o === 1 && (k[0] !== 1 || s[0] !== 1 || p[0] !== 0 || d[0] !== 1)) return null;
  const hw = (a) => [a[o], a[o + 1]];
  const same = (a, v) => hw(a).every((x) => x === v);
  if (!same(d, 1)) return null;
  if (same(k, 2) && same(s, 2) && same(p, 0)) return 'f32_k2s2_wasmsimd';
  if (same(k, 3) && same(s, 2) && same(p, 1)) return 'f32_3x3s2p1_wasmsimd';
  return null;
}

function checkPool(c) {
  const input = decodeTensor(c.input, 'input');
  const values = decodeTensor(c.values, 'values');
  const indices = decodeTensor(c.indices, 'indices');
  const rank = input.shape.length - 2;

  const out = ap.maxPool(input, c.options);
  assertTensorEqual(out.values, values, 'maxPool values');
  assertTensorEqual(out.indices, indices, 'maxPool indices');
  const ranked = ap[`maxPool${rank}d`](input, c.options);
  assertTensorEqual(ranked.values, values, `maxPool${rank}d values`);
  assertTensorEqual(ranked.indices, indices, `maxPool${rank}d indices`);
  assert.deepEqual(ap.outputShape(input.shape, c.options), values.shape, 'outputShape');

  const kernels = ['scalar'];
  if (input.data instanceof Float32Array) {
    kernels.push('f32_generic_wasmsimd');
    const fast = fastPathFor(input.shape, c.options);
    if (fast) kernels.push(fast);
  }
  for (const kernel of kernels) {
    const k = tester.maxPool(input, c.options, kernel);
    assertTensorEqual(k.values, values, `kernel ${kernel}: values`);
    assertTensorEqual(k.indices, indices, `kernel ${kernel}: indices`);
  }
}

function checkUnpool(c) {
  const values = decodeTensor(c.values, 'values');
  const indices = decodeTensor(c.indices, 'indices');
  const expected = decodeTensor(c.output, 'output');
  const rank = values.shape.length - 2;
  assertTensorEqual(ap.maxUnpool(values, indices, c.options), expected, 'maxUnpool output');
  assertTensorEqual(ap[`maxUnpool${rank}d`](values, indices, c.options), expected, `maxUnpool${rank}d output`);
}

function checkBackward(c) {
  const input = decodeTensor(c.input, 'input');
  const grad = decodeTensor(c.gradOutput, 'gradOutput');
  const indices = decodeTensor(c.indices, 'indices');
  const expected = decodeTensor(c.gradInput, 'gradInput');
  const rank = input.shape.length - 2;
  // argpool's own mask first: the gradient goes where PyTorch's forward pass put it.
  assertTensorEqual(ap.maxPool(input, c.options).indices, indices, 'maxPool indices');
  assertTensorEqual(ap.maxPoolBackward(grad, indices, c.inputShape, c.options), expected,
    'maxPoolBackward gradInput (with options)');
  assertTensorEqual(ap.maxPoolBackward(grad, indices, c.inputShape), expected,
    'maxPoolBackward gradInput (without options)');
  assertTensorEqual(ap[`maxPoolBackward${rank}d`](grad, indices, c.inputShape, c.options), expected,
    `maxPoolBackward${rank}d gradInput`);
}

function expectThrow(fn, c, what) {
  const pattern = REASONS[c.error.reason];
  assert.ok(pattern, `unknown reason ${c.error.reason}`);
  assert.throws(fn, (err) => {
    assert.ok(err instanceof RangeError, `${what}: expected a RangeError, got ${err?.name}: ${err?.message}`);
    assert.match(err.code, /^ARGPOOL_/, `${what}: error code`);
    if (c.error.reason === 'indices') assert.equal(err.code, 'ARGPOOL_INDEX_OUT_OF_RANGE', `${what}: error code`);
    assert.match(err.message, pattern, `${what}: the message should name the ${c.error.reason} problem`);
    return true;
  }, `${what}: PyTorch rejects this case (${c.error.torch ?? c.deviation}); argpool must throw`);
}

function checkError(c) {
  if (c.op === 'maxPool') {
    const input = decodeTensor(c.input, 'input');
    expectThrow(() => ap.maxPool(input, c.options), c, 'maxPool');
    expectThrow(() => ap.outputShape(input.shape, c.options), c, 'outputShape');
  } else if (c.op === 'maxUnpool') {
    const values = decodeTensor(c.values, 'values');
    const indices = decodeTensor(c.indices, 'indices');
    expectThrow(() => ap.maxUnpool(values, indices, c.options), c, 'maxUnpool');
  } else if (c.op === 'maxPoolBackward') {
    const grad = decodeTensor(c.gradOutput, 'gradOutput');
    const indices = decodeTensor(c.indices, 'indices');
    expectThrow(() => ap.maxPoolBackward(grad, indices, c.inputShape, c.options), c, 'maxPoolBackward');
  } else {
    assert.fail(`unknown op ${c.op}`);
  }
}

// Known deliberate deviation: a window made only of padding. PyTorch returns -inf with an index
// of no element of that window (outside the plane, or in another row), which unpooling and the
// backward pass cannot use; argpool throws a RangeError instead. The fixture keeps PyTorch's
// result: the input has no -inf, so a -inf output can only come from such a window.
function checkDeviation(c) {
  assert.equal(c.error.reason, 'padding-only-window', 'the only deliberate deviation');
  const input = decodeTensor(c.input, 'input');
  const values = decodeTensor(c.torchResult.values, 'torch values');
  assert.ok(!input.data.includes(-Infinity) && values.data.includes(-Infinity),
    'PyTorch gives -inf for a window of padding only');
  checkError(c);
}

const CHECKS = { maxPool: checkPool, maxUnpool: checkUnpool, maxPoolBackward: checkBackward };

for (const group of GROUPS) {
  const { cases, torch: version } = fixtures[group];
  test(`${group}: ${cases.length} cases from PyTorch ${version}`, async (t) => {
    assert.match(version, /^1\.13/, 'fixtures come from PyTorch 1.13');
    for (const c of cases) {
      const check = c.deviation ? checkDeviation : c.error ? checkError : CHECKS[c.op];
      const label = c.deviation ? `deviation: ${c.name}` : c.error ? `throws: ${c.name}` : c.name;
      await t.test(label, () => {
        assert.ok(check, `unknown op ${c.op}`);
        try {
          check(c);
        } catch (err) {
          if (err instanceof assert.AssertionError) err.message = `${c.name}: ${err.message}`;
          throw err;
        }
      });
    }
  });
}

test('fixtures cover what they claim', () => {
  const all = GROUPS.flatMap((g) => fixtures[g].cases);
  const has = (pred) => all.some(pred);
  const dtypes = (c) => [c.input, c.values, c.gradOutput].filter(Boolean).map((t) => t.dtype);
  assert.ok(has((c) => dtypes(c).includes('float32')) && has((c) => dtypes(c).includes('float64')), 'both dtypes');
  for (const rank of [1, 2, 3]) {
    for (const op of ['maxPool', 'maxUnpool', 'maxPoolBackward']) {
      assert.ok(has((c) => c.op === op && !c.error && (c.input ?? c.values).shape.length === rank + 2),
        `${op} ${rank}D`);
      assert.ok(has((c) => c.op === op && !c.error && (c.input ?? c.values).shape[0] === 0), `${op} with N = 0`);
    }
  }
  const fast = new Set(fixtures.maxpool2d.cases.filter((c) => c.input.dtype === 'float32')
    .map((c) => `${fastPathFor(c.input.shape, c.options)} W=${c.input.shape[3]}`));
  for (const kernel of ['f32_k2s2_wasmsimd', 'f32_3x3s2p1_wasmsimd']) {
    for (let w = kernel.startsWith('f32_2x2') ? 2 : 1; w <= 17; ++w) assert.ok(fast.has(`${kernel} W=${w}`), `${kernel} W=${w}`);
  }
  assert.ok(has((c) => c.op === 'maxUnpool' && !c.error && c.options.outputSize?.length === c.values.shape.length),
    'full-shape outputSize');
  assert.ok(fixtures.errors.cases.filter((c) => c.deviation).length >= 1, 'the padding-only deviation');
});
