// Plans: the third hop. A plan is made once from a shape, parameters and a dtype (C++ validates them,
// computes the output shape and chooses the kernel from its table), then run any number of times:
// running resolves the snapshotted operands against the plan, stages them, calls the kernel and
// copies the results out. The public functions (api.js) are a plan (kept in a small cache keyed by
// snapshotted values only) plus one run; `ap.maxPoolPlan()` & co. hand the plan to the caller.
import { ArgpoolError, ArgpoolRangeError, ArgpoolTypeError } from './errors.js';
import {
  DTYPE_BY_NAME, DTYPE_BY_TAG, DTYPES, INDEX_TYPE_BY_TAG, INDEX_TYPES, KIND_TYPES, checkShape, hasRank, product,
  rankError, sameShape, shapeString,
} from './options.js';
import {
  ArrayPrototypeJoin, copyList, ObjectFreeze, SafeFinalizationRegistry, SafeMap, SafeSet, TypedArrayPrototypeGetLength,
} from './primordials.js';
import { describe, readProperty, shapeLabel, snapshotTensor } from './snapshot.js';
import { WasmTensor } from './tensor.js';

const FLOAT_TAGS = new SafeSet(['Float32Array', 'Float64Array']);

export function createPlans(rt) {
  const { abi, fns, SLOT, owner } = rt;

  // ---- operands: snapshots resolved against what a call needs (no caller code runs here) ----------

  // The dtype of a snapshotted operand by `kind` ('values', 'float', 'indices'), or an error.
  function dtypeOf(fn, name, snap, kind) {
    if (snap.tensor !== null) {
      const spec = WasmTensor.dtypeOf(snap.tensor);
      const type = kind === 'indices' ? INDEX_TYPES[spec.name] : DTYPE_BY_NAME[spec.name];
      if (type === undefined || (kind === 'float' && !type.float)) {
        const wanted = kind === 'indices' ? "'int32' or 'int64'" : kind === 'float' ? "'float32' or 'float64'" : 'a value dtype';
        throw new ArgpoolTypeError(`${fn}: ${name} must be a ${wanted} tensor, got '${spec.name}'`);
      }
      return type;
    }
    const type = kind === 'indices' ? INDEX_TYPE_BY_TAG.get(snap.tag)
      : kind === 'float' ? (FLOAT_TAGS.has(snap.tag) ? DTYPE_BY_TAG.get(snap.tag) : undefined) : DTYPE_BY_TAG.get(snap.tag);
    if (type === undefined) {
      const text = KIND_TYPES[kind];
      throw new ArgpoolTypeError(`${fn}: ${name}.data must be ${/^[AEIOU]/.test(text) && !/^Uint/.test(text) ? 'an' : 'a'} ${text}, got ${describe(snap.data)}`);
    }
    return type;
  }

  // An input operand: { pointer (0 unless a wasm tensor), data, dtype, shape, count, bytes }.
  // `rank`: the spatial rank required (undefined: any of 1-3).
  function operand(fn, name, snap, kind, rank, layout) {
    const dtype = dtypeOf(fn, name, snap, kind);
    if (snap.tensor !== null) {
      const t = snap.tensor;
      if (!WasmTensor.ownedBy(t, owner)) {
        throw new ArgpoolError(`${fn}: ${name} is a tensor of another argpool instance; create it with this instance's tensor()`,
          'ARGPOOL_FOREIGN_TENSOR');
      }
      const pointer = WasmTensor.rawPointer(t);
      if (pointer === 0) throw new ArgpoolError(`${fn}: ${name}: the tensor was disposed`, 'ARGPOOL_DISPOSED');
      const shape = WasmTensor.dimsOf(t);
      if (!hasRank(shape, rank)) throw rankError(fn, `${name}.shape`, shape, rank, layout);
      const count = product(shape);
      return { source: snap.source, pointer, data: null, dtype, shape, count, bytes: count * dtype.ArrayType.BYTES_PER_ELEMENT };
    }
    const shape = checkShape(fn, shapeLabel(snap), snap.shape, rank, layout);
    const count = product(shape);
    const length = TypedArrayPrototypeGetLength(snap.data);
    if (length !== count) {
      throw new ArgpoolRangeError(`${fn}: ${name}.data has ${length} elements but ${shapeLabel(snap)} ${shapeString(shape)} needs ${count}`);
    }
    return { source: snap.source, pointer: 0, data: snap.data, dtype, shape, count, bytes: count * dtype.ArrayType.BYTES_PER_ELEMENT };
  }

  // An operand that must have exactly `shape` and `type` (a plan's input, or an output target).
  function exact(fn, name, snap, kind, shape, type, role) {
    const given = snap.tensor !== null ? WasmTensor.dtypeOf(snap.tensor).name
      : (DTYPE_BY_TAG.get(snap.tag) ?? INDEX_TYPE_BY_TAG.get(snap.tag))?.name;
    if (given === undefined) dtypeOf(fn, name, snap, kind); // not a typed array of a supported kind: its type error
    const o = given === type.name ? operand(fn, name, snap, kind, shape.length - 2)
      : { dtype: { name: given }, shape: snap.tensor !== null ? WasmTensor.dimsOf(snap.tensor) : snap.shape ?? [] };
    if (o.dtype.name !== type.name || !sameShape(o.shape, shape)) {
      const what = snap.tensor !== null ? `'${o.dtype.name}'` : `${describe(snap.data)}`;
      throw new ArgpoolRangeError(`${fn}: ${name} must be a '${type.name}' tensor of shape ${shapeString(shape)}${role ? ` (${role})` : ''}, got ${what} ${shapeString(o.shape)}`);
    }
    return o;
  }

  // An output that is one of the call's inputs (the same object) is refused before its shape is.
  function notAnInput(fn, name, snap, inputs) {
    for (let i = 0; i < inputs.length; ++i) {
      if (snap.source === inputs[i].source) throw new ArgpoolRangeError(`${fn}: ${name} must not be one of the inputs`);
    }
  }

  // A snapshot resolved against a plan: exactly `type` (a Uint8ClampedArray stands for uint8) and
  // `shape` (`count` elements) — the cheap check of every run; anything else goes to exact() for
  // the error it deserves.
  function planOperand(fn, name, snap, kind, shape, type, count, role) {
    if (snap.tensor !== null) {
      const pointer = WasmTensor.pointerIf(snap.tensor, owner, type.name, shape);
      if (pointer !== 0) {
        return { source: snap.source, pointer, data: null, dtype: type, shape, count, bytes: count * type.ArrayType.BYTES_PER_ELEMENT };
      }
    } else if (snap.tag === type.tag || (snap.tag === 'Uint8ClampedArray' && type.name === 'uint8')) {
      if (sameShape(snap.shape, shape) && TypedArrayPrototypeGetLength(snap.data) === count) {
        const dtype = snap.tag === type.tag ? type : DTYPE_BY_TAG.get(snap.tag);
        return { source: snap.source, pointer: 0, data: snap.data, dtype, shape, count, bytes: count * type.ArrayType.BYTES_PER_ELEMENT };
      }
    }
    return exact(fn, name, snap, kind, shape, type, role);
  }

  function checkDistinct(fn, outputs, inputs) {
    for (let i = 0; i < outputs.length; ++i) {
      const name = outputs[i][0], o = outputs[i][1];
      if (o === null) continue;
      for (let j = 0; j < inputs.length; ++j) {
        const inputName = inputs[j][0], x = inputs[j][1];
        if (x.pointer !== 0 && x.pointer === o.pointer) throw new ArgpoolRangeError(`${fn}: ${name} must not be one of the inputs (${inputName})`);
      }
      for (let j = i + 1; j < outputs.length; ++j) {
        const other = outputs[j][0], p = outputs[j][1];
        if (p !== null && rt.overlap(o, p)) throw new ArgpoolRangeError(`${fn}: ${name} and ${other} must not share memory`);
      }
      for (let j = 0; j < inputs.length; ++j) {
        const inputName = inputs[j][0], x = inputs[j][1];
        if (x.pointer !== 0 && o.pointer !== 0 && rt.overlap(o, x)) {
          throw new ArgpoolRangeError(`${fn}: ${name} must not share memory with ${inputName}`);
        }
      }
    }
  }

  // The `out` argument of maxPool: { values, indices } read once.
  function snapshotPoolOut(fn, out, withIndices) {
    if (out === undefined) return null;
    if (out === null || typeof out !== 'object') throw new ArgpoolTypeError(`${fn}: out must be an object { values, indices }, got ${describe(out)}`);
    const values = snapshotTensor(fn, 'out.values', readProperty(fn, 'out', out, 'values'));
    const indices = withIndices ? snapshotTensor(fn, 'out.indices', readProperty(fn, 'out', out, 'indices')) : null;
    return { out, values, indices };
  }

  function snapshotOutTensor(fn, out) {
    if (out === undefined) return null;
    if (out === null || typeof out !== 'object') throw new ArgpoolTypeError(`${fn}: out must be a tensor, got ${describe(out)}`);
    return { out, tensor: snapshotTensor(fn, 'out', out) };
  }

  // ---- plan objects on the C++ side ------------------------------------------------------------

  // Frees plans that were garbage-collected without dispose(): a safety net, not the rule.
  const planRegistry = new SafeFinalizationRegistry((pointer) => fns.argpool_plan_free(pointer));

  // Makes a plan of `kind` from what `stage(a)` wrote into the argument block. `slot` -1: a plan of
  // its own (heap); else a fixed slot of the one-shot cache. Returns its address and the argument
  // block as C++ left it (output shape).
  function make(fn, makeFn, dtypeCode, kernel, slot, stage) {
    stage(rt.args());
    rt.check(fn, makeFn(dtypeCode, kernel, slot));
    const a = rt.args();
    return { pointer: a[SLOT.PLAN_OUT], a };
  }

  const dtypeCode = (dtype) => abi.dtypes[dtype.name];

  // ---- max pooling ----------------------------------------------------------------------------

  function makePoolPlan(fn, dtype, inputShape, params, slot, kernel = -1) {
    const { pointer, a } = make(fn, fns.argpool_plan_max_pool, dtypeCode(dtype), kernel, slot, (b) => {
      rt.writeShape(b, SLOT.SHAPE_A, inputShape);
      rt.writePoolParams(b, params);
      rt.writeIndexSpec(b, params.index, params.index.type.int64);
      b[SLOT.WITH_INDICES] = params.returnIndices ? 1 : 0;
    });
    const outputShape = rt.readShape(a, SLOT.SHAPE_OUT);
    return ObjectFreeze({
      pointer, dtype, inputShape: ObjectFreeze(copyList(inputShape)), outputShape: ObjectFreeze(outputShape),
      inputCount: product(inputShape), outputCount: product(outputShape), withIndices: params.returnIndices,
      indexType: params.index.type,
    });
  }

  // Runs a pooling plan on a resolved input `x` (dtype and shape already the plan's) and an `out`
  // snapshot (or null: fresh results).
  function runPool(fn, plan, x, outSnap) {
    const { outputShape, outputCount: count, indexType, withIndices } = plan;
    const resultType = x.dtype; // a Uint8ClampedArray input gives Uint8ClampedArray values
    let v = null, ix = null;
    if (outSnap !== null) {
      notAnInput(fn, 'out.values', outSnap.values, [x]);
      if (withIndices) notAnInput(fn, 'out.indices', outSnap.indices, [x, outSnap.values]);
      v = planOperand(fn, 'out.values', outSnap.values, 'values', outputShape, plan.dtype, count, null);
      if (withIndices) ix = planOperand(fn, 'out.indices', outSnap.indices, 'indices', outputShape, indexType, count, null);
      checkDistinct(fn, [['out.values', v], ['out.indices', ix]], [['input', x]]);
    }
    if (x.pointer && v?.pointer && (!withIndices || ix.pointer)) { // all in wasm memory: zero-copy
      fns.argpool_run_max_pool(plan.pointer, x.pointer, v.pointer, withIndices ? ix.pointer : 0);
      return outSnap.out;
    }
    const ValueType = plan.dtype.ArrayType;
    const xBytes = x.pointer ? 0 : rt.align(x.bytes);
    const valuesBytes = v?.pointer ? 0 : rt.align(count * ValueType.BYTES_PER_ELEMENT);
    const indicesBytes = !withIndices || ix?.pointer ? 0 : count * indexType.ArrayType.BYTES_PER_ELEMENT;
    const base = rt.stage(fn, xBytes + valuesBytes + indicesBytes);
    try {
      const xPtr = x.pointer || base;
      if (!x.pointer) rt.copyIn(fn, 'input.data', x.data, ValueType, xPtr, x.count);
      const vPtr = v?.pointer || base + xBytes;
      const iPtr = withIndices ? ix?.pointer || base + xBytes + valuesBytes : 0;
      fns.argpool_run_max_pool(plan.pointer, xPtr, vPtr, iPtr);
      if (outSnap !== null) {
        if (!v.pointer) rt.copyOut(fn, 'out.values.data', v.data, ValueType, vPtr, count);
        if (withIndices && !ix.pointer) rt.copyOut(fn, 'out.indices.data', ix.data, indexType.ArrayType, iPtr, count);
        return outSnap.out;
      }
      const values = { data: rt.copyOut(fn, 'values', null, resultType.ArrayType, vPtr, count), shape: copyList(outputShape) };
      if (!withIndices) return { values };
      return { values, indices: { data: rt.copyOut(fn, 'indices', null, indexType.ArrayType, iPtr, count), shape: copyList(outputShape) } };
    } finally {
      rt.unstage(base);
    }
  }

  // ---- max unpooling --------------------------------------------------------------------------

  function makeUnpoolPlan(fn, dtype, valuesShape, params, indexType, slot, kernel = -1) {
    const { pointer, a } = make(fn, fns.argpool_plan_max_unpool, dtypeCode(dtype), kernel, slot, (b) => {
      rt.writeShape(b, SLOT.SHAPE_A, valuesShape);
      rt.writeUnpoolParams(b, params);
      rt.writeIndexSpec(b, params.index, indexType.int64);
    });
    const outputShape = rt.readShape(a, SLOT.SHAPE_OUT);
    return ObjectFreeze({
      pointer, dtype, indexType, valuesShape: ObjectFreeze(copyList(valuesShape)), outputShape: ObjectFreeze(outputShape),
      valuesCount: product(valuesShape), outputCount: product(outputShape),
    });
  }

  // `v` and `idx` resolved (the plan's dtypes and the values' shape); `outSnap` or null.
  function runScatter(fn, plan, v, idx, outSnap, runFn, resultShape, resultCount, names) {
    const ValueType = plan.dtype.ArrayType;
    let o = null;
    if (outSnap !== null) {
      notAnInput(fn, 'out', outSnap.tensor, [v, idx]);
      o = planOperand(fn, 'out', outSnap.tensor, 'values', resultShape, plan.dtype, resultCount, null);
      checkDistinct(fn, [['out', o]], [[names[0], v], [names[1], idx]]);
    }
    const outBytes = o?.pointer ? 0 : resultCount * ValueType.BYTES_PER_ELEMENT;
    return rt.withStaging(fn, v.pointer ? 0 : v.bytes, idx.pointer ? 0 : idx.bytes, outBytes, (vBuf, iBuf, oBuf) => {
      const vPtr = v.pointer || vBuf;
      const iPtr = idx.pointer || iBuf;
      if (!v.pointer) rt.copyIn(fn, `${names[0]}.data`, v.data, ValueType, vPtr, v.count);
      if (!idx.pointer) rt.copyIn(fn, `${names[1]}.data`, idx.data, idx.dtype.ArrayType, iPtr, idx.count);
      const oPtr = o?.pointer || oBuf;
      rt.check(fn, runFn(plan.pointer, vPtr, iPtr, oPtr));
      if (o !== null) {
        if (!o.pointer) rt.copyOut(fn, 'out.data', o.data, ValueType, oPtr, resultCount);
        return outSnap.out;
      }
      return { data: rt.copyOut(fn, 'output', null, v.dtype.ArrayType, oPtr, resultCount), shape: copyList(resultShape) };
    });
  }

  function runUnpool(fn, plan, v, idx, outSnap) {
    return runScatter(fn, plan, v, idx, outSnap, fns.argpool_run_max_unpool, plan.outputShape, plan.outputCount,
      ['values', 'indices']);
  }

  // ---- the pooling backward pass ----------------------------------------------------------------

  function makeBackwardPlan(fn, dtype, gradShape, inputShape, params, withParams, indexType, slot, kernel = -1) {
    const { pointer } = make(fn, fns.argpool_plan_max_pool_backward, dtypeCode(dtype), kernel, slot, (b) => {
      rt.writeShape(b, SLOT.SHAPE_A, gradShape);
      rt.writeShape(b, SLOT.SHAPE_B, inputShape);
      b[SLOT.HAS_POOL_PARAMS] = withParams ? 1 : 0;
      if (withParams) rt.writePoolParams(b, params);
      b[SLOT.LAYOUT] = abi.layouts[params.layout];
      rt.writeIndexSpec(b, params.index, indexType.int64);
    });
    return ObjectFreeze({
      pointer, dtype, indexType, gradShape: ObjectFreeze(copyList(gradShape)), inputShape: ObjectFreeze(copyList(inputShape)),
      gradCount: product(gradShape), inputCount: product(inputShape),
    });
  }

  function runBackward(fn, plan, g, idx, outSnap) {
    return runScatter(fn, plan, g, idx, outSnap, fns.argpool_run_max_pool_backward, plan.inputShape, plan.inputCount,
      ['gradOutput', 'indices']);
  }

  // ---- the backward pass of unpooling (a gather) -----------------------------------------------

  function makeUnpoolBackwardPlan(fn, dtype, gradShape, valuesShape, params, withParams, indexType, slot, kernel = -1) {
    const { pointer } = make(fn, fns.argpool_plan_max_unpool_backward, dtypeCode(dtype), kernel, slot, (b) => {
      rt.writeShape(b, SLOT.SHAPE_A, valuesShape);
      rt.writeShape(b, SLOT.SHAPE_B, gradShape);
      b[SLOT.HAS_POOL_PARAMS] = withParams ? 1 : 0;
      if (withParams) rt.writeUnpoolParams(b, params);
      b[SLOT.LAYOUT] = abi.layouts[params.layout];
      rt.writeIndexSpec(b, params.index, indexType.int64);
    });
    return ObjectFreeze({
      pointer, dtype, indexType, gradShape: ObjectFreeze(copyList(gradShape)), valuesShape: ObjectFreeze(copyList(valuesShape)),
      gradCount: product(gradShape), valuesCount: product(valuesShape),
    });
  }

  function runUnpoolBackward(fn, plan, g, idx, outSnap) {
    return runScatter(fn, plan, g, idx, outSnap, fns.argpool_run_max_unpool_backward, plan.valuesShape, plan.valuesCount,
      ['gradOutput', 'indices']);
  }

  // ---- the one-shot cache: plans in the module's fixed slots, keyed by snapshotted values -------

  function createCache() {
    const entries = new SafeMap(); // key → { slot, plan }
    const bySlot = new Array(abi.cachedPlans).fill(null);
    let next = 0;
    return {
      get(key, makePlan) {
        const hit = entries.get(key);
        if (hit !== undefined) return hit.plan;
        const slot = next;
        const plan = makePlan(slot); // throws for a bad call: the slot keeps its old plan
        if (bySlot[slot] !== null) entries.delete(bySlot[slot]);
        bySlot[slot] = key;
        entries.set(key, { slot, plan });
        next = (next + 1) % bySlot.length;
        return plan;
      },
    };
  }

  // A cache key: the parameters as text (options are already plain, validated values).
  function paramsKey(p) {
    return `${ArrayPrototypeJoin(p.kernelSize, ',')}|${ArrayPrototypeJoin(p.stride, ',')}|${p.padMode}|${ArrayPrototypeJoin(p.padBegin, ',')}|` +
      `${ArrayPrototypeJoin(p.padEnd, ',')}|${p.dilation ? ArrayPrototypeJoin(p.dilation, ',') : ''}|${p.ceilMode}|${p.returnIndices}|` +
      `${p.outputSize ? ArrayPrototypeJoin(p.outputSize, ',') : ''}|${p.layout}|${p.index.mode}|${p.index.type.name}|` +
      `${p.index.columnMajor}|${p.index.includeBatch}`;
  }

  const shapeKey = (shape) => ArrayPrototypeJoin(shape, ',');

  return ObjectFreeze({
    operand, exact, planOperand, snapshotPoolOut, snapshotOutTensor, planRegistry, createCache, paramsKey, shapeKey,
    makePoolPlan, runPool, makeUnpoolPlan, runUnpool, makeBackwardPlan, runBackward, makeUnpoolBackwardPlan,
    runUnpoolBackward, DTYPES,
  });
}
