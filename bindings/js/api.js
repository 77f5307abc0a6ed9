// The public API over one instantiated module. Every function runs one direction, each hop once:
// snapshot of the caller's values (snapshot.js) → parameters (options.js) → plan (C++: validate,
// shape, choose the kernel; plans.js) → run (stage, kernel, copy out; runtime.js).
import { createAdapters } from './adapters.js';
import { ArgpoolError, ArgpoolRangeError, ArgpoolTypeError } from './errors.js';
import {
  DTYPE_BY_NAME, DTYPES, INDEX_TYPES, POOL_OPTIONS, UNPOOL_OPTIONS, checkShape, layoutOf, parseIndexOptions,
  parseLayout, parsePoolOptions, parseTensorOptions, parseUnpoolOptions, product, sameShape, shapeString,
} from './options.js';
import {
  ArrayIsArray, copyList, MathMax, NumberIsSafeInteger, ObjectFreeze, ObjectHasOwn, SafeSet, SafeWeakRef, TypedArrayPrototypeFill,
  TypedArrayPrototypeGetLength, TypedArrayPrototypeSet, WeakRefPrototypeDeref,
} from './primordials.js';
import { createPlans } from './plans.js';
import { createRuntime } from './runtime.js';
import {
  describe, readProperty, sameSnapshot, snapshotKey, snapshotList, snapshotOptions, snapshotTensor, typedArrayTag,
} from './snapshot.js';
import { TENSOR_DTYPES, WasmTensor } from './tensor.js';

const CONVERT_OPTIONS = ['from', 'to', 'inputShape', 'layout', 'storageOrder', 'includeBatchInIndex', 'indexType'];
const CONVERSION_SIDES = ['from', 'to'];
const CONVERSION_SIDE_OPTIONS = ['indexMode', 'storageOrder', 'includeBatchInIndex'];
const BIGINT_TAGS = new SafeSet(['BigInt64Array', 'BigUint64Array']);

// `testing`: for tests/support/tester.mjs only (never reached from the package's entries): plans
// may name a kernel of the module's tables.
export function createArgpool(Module, { testing = null } = {}) {
  const rt = createRuntime(Module, { extraExports: testing?.extraExports ?? [] });
  const P = createPlans(rt);
  const poolCache = P.createCache();
  const unpoolCache = P.createCache();
  const backwardCache = P.createCache();
  const unpoolBackwardCache = P.createCache();

  // Options that must be given (an object with at least kernelSize): undefined is not {} here.
  function required(fn, options) {
    if (options === undefined) {
      throw new ArgpoolTypeError(`${fn}: options must be an object such as { kernelSize: 2 }, got undefined`);
    }
    return options;
  }

  // ---- max pooling ------------------------------------------------------------------------------

  // Plans of the one-shot calls are keyed by the snapshot's own values when they have a text
  // (snapshotKey: equal texts parse alike), else by the parsed parameters.
  // A call like the previous one (same dtype, shape, rank and snapshotted option values) reuses its
  // key without building it again; the cache still decides whether the plan is there.
  let lastPool = null;
  function maxPoolWith(fn, xs, opts, outSnap, rank) {
    const x = P.operand(fn, 'input', xs, 'values', rank, layoutOf(opts));
    let key;
    if (lastPool !== null && lastPool.dtype === x.dtype && lastPool.rank === rank && sameShape(lastPool.shape, x.shape) &&
        sameSnapshot(lastPool.opts, opts)) {
      key = lastPool.key;
    } else {
      const optionsKey = snapshotKey(opts);
      key = `${x.dtype.name}|${P.shapeKey(x.shape)}|${rank}|${optionsKey ?? P.paramsKey(parsePoolOptions(fn, opts, x.shape.length - 2))}`;
    }
    const plan = poolCache.get(key, (slot) => P.makePoolPlan(fn, x.dtype, x.shape, parsePoolOptions(fn, opts, x.shape.length - 2), slot));
    lastPool = { dtype: x.dtype, rank, shape: x.shape, opts, key };
    return P.runPool(fn, plan, x, outSnap);
  }

  function maxPoolImpl(fn, input, options, out, rank) {
    const xs = snapshotTensor(fn, 'input', input);
    const opts = snapshotOptions(fn, required(fn, options), POOL_OPTIONS);
    const outSnap = P.snapshotPoolOut(fn, out, opts.returnIndices !== false);
    return maxPoolWith(fn, xs, opts, outSnap, rank);
  }

  // ---- max unpooling ----------------------------------------------------------------------------

  function maxUnpoolWith(fn, vs, is, opts, outSnap, rank) {
    const layout = layoutOf(opts);
    const v = P.operand(fn, 'values', vs, 'values', rank, layout);
    const idx = P.operand(fn, 'indices', is, 'indices', rank, layout);
    const params = parseUnpoolOptions(fn, opts, v.shape);
    const plan = unpoolCache.get(`${v.dtype.name}|${idx.dtype.name}|${P.shapeKey(v.shape)}|${P.paramsKey(params)}`,
      (slot) => P.makeUnpoolPlan(fn, v.dtype, v.shape, params, idx.dtype, slot));
    checkSameShape(fn, 'indices', idx, 'values', v);
    return P.runUnpool(fn, plan, v, idx, outSnap);
  }

  function maxUnpoolImpl(fn, values, indices, options, out, rank) {
    const vs = snapshotTensor(fn, 'values', values);
    const is = snapshotTensor(fn, 'indices', indices);
    const opts = snapshotOptions(fn, required(fn, options), UNPOOL_OPTIONS);
    const outSnap = P.snapshotOutTensor(fn, out);
    return maxUnpoolWith(fn, vs, is, opts, outSnap, rank);
  }

  function checkSameShape(fn, name, a, otherName, b) {
    if (!sameShape(a.shape, b.shape)) {
      throw new ArgpoolRangeError(`${fn}: ${name}.shape ${shapeString(a.shape)} must equal ${otherName}.shape ${shapeString(b.shape)}`);
    }
  }

  // ---- the pooling backward pass ----------------------------------------------------------------

  function backwardParams(fn, opts, rank) {
    // Pooling parameters are optional: with them, gradOutput's shape is checked against them.
    const withParams = opts.kernelSize !== undefined;
    return { withParams, params: withParams ? parsePoolOptions(fn, opts, rank) : parseTensorOptions(fn, opts) };
  }

  function maxPoolBackwardImpl(fn, gradOutput, indices, inputShape, options, out, rank) {
    const gs = snapshotTensor(fn, 'gradOutput', gradOutput);
    const is = snapshotTensor(fn, 'indices', indices);
    const shapeCopy = snapshotList(fn, 'inputShape', inputShape);
    const opts = options === null ? { __proto__: null } : snapshotOptions(fn, options, POOL_OPTIONS);
    const outSnap = P.snapshotOutTensor(fn, out);
    const layout = layoutOf(opts);
    const g = P.operand(fn, 'gradOutput', gs, 'float', rank, layout);
    const idx = P.operand(fn, 'indices', is, 'indices', rank, layout);
    const shape = checkShape(fn, 'inputShape', shapeCopy, rank, layout);
    const { withParams, params } = backwardParams(fn, opts, shape.length - 2);
    const key = `${g.dtype.name}|${idx.dtype.name}|${P.shapeKey(g.shape)}|${P.shapeKey(shape)}|${withParams ? P.paramsKey(params) : ''}|` +
      `${params.layout}|${params.index.mode}|${params.index.columnMajor}|${params.index.includeBatch}`;
    const plan = backwardCache.get(key,
      (slot) => P.makeBackwardPlan(fn, g.dtype, g.shape, shape, params, withParams, idx.dtype, slot));
    checkSameShape(fn, 'indices', idx, 'gradOutput', g);
    return P.runBackward(fn, plan, g, idx, outSnap);
  }

  // ---- the backward pass of unpooling ------------------------------------------------------------

  function unpoolBackwardParams(fn, opts, valuesShape) {
    // Unpooling parameters are optional: with them, gradOutput's shape is checked against them.
    const withParams = opts.kernelSize !== undefined;
    return { withParams, params: withParams ? parseUnpoolOptions(fn, opts, valuesShape) : parseTensorOptions(fn, opts) };
  }

  function maxUnpoolBackward(gradOutput, indices, valuesShape, options, out) {
    const fn = 'maxUnpoolBackward';
    const gs = snapshotTensor(fn, 'gradOutput', gradOutput);
    const is = snapshotTensor(fn, 'indices', indices);
    const shapeCopy = snapshotList(fn, 'valuesShape', valuesShape);
    const opts = options === null ? { __proto__: null } : snapshotOptions(fn, options, UNPOOL_OPTIONS);
    const outSnap = P.snapshotOutTensor(fn, out);
    const layout = layoutOf(opts);
    const g = P.operand(fn, 'gradOutput', gs, 'values', undefined, layout);
    const idx = P.operand(fn, 'indices', is, 'indices', g.shape.length - 2, layout);
    const shape = checkShape(fn, 'valuesShape', shapeCopy, g.shape.length - 2, layout);
    const { withParams, params } = unpoolBackwardParams(fn, opts, shape);
    const key = `${g.dtype.name}|${idx.dtype.name}|${P.shapeKey(g.shape)}|${P.shapeKey(shape)}|${withParams ? P.paramsKey(params) : ''}|` +
      `${params.layout}|${params.index.mode}|${params.index.columnMajor}|${params.index.includeBatch}`;
    const plan = unpoolBackwardCache.get(key,
      (slot) => P.makeUnpoolBackwardPlan(fn, g.dtype, g.shape, shape, params, withParams, idx.dtype, slot));
    if (!sameShape(idx.shape, shape)) {
      throw new ArgpoolRangeError(`${fn}: indices.shape ${shapeString(idx.shape)} must equal valuesShape ${shapeString(shape)}`);
    }
    return P.runUnpoolBackward(fn, plan, g, idx, outSnap);
  }

  // ---- shapes -----------------------------------------------------------------------------------

  function outputShape(inputShape, options) {
    const fn = 'outputShape';
    const shape = checkShape(fn, 'inputShape', snapshotList(fn, 'inputShape', inputShape), undefined);
    const opts = snapshotOptions(fn, options, POOL_OPTIONS);
    const params = parsePoolOptions(fn, opts, shape.length - 2);
    const a = rt.args();
    rt.writeShape(a, rt.SLOT.SHAPE_A, shape);
    rt.writePoolParams(a, params);
    rt.check(fn, rt.fns.argpool_pool_output_shape(rt.abi.dtypes.float32));
    return rt.readShape(rt.args(), rt.SLOT.SHAPE_OUT);
  }

  function unpoolOutputShape(valuesShape, options) {
    const fn = 'unpoolOutputShape';
    const shape = checkShape(fn, 'valuesShape', snapshotList(fn, 'valuesShape', valuesShape), undefined);
    const opts = snapshotOptions(fn, options, UNPOOL_OPTIONS);
    const params = parseUnpoolOptions(fn, opts, shape);
    const a = rt.args();
    rt.writeShape(a, rt.SLOT.SHAPE_A, shape);
    rt.writeUnpoolParams(a, params);
    rt.check(fn, rt.fns.argpool_unpool_output_shape(rt.abi.dtypes.float32));
    return rt.readShape(rt.args(), rt.SLOT.SHAPE_OUT);
  }

  // ---- index conventions ------------------------------------------------------------------------

  // One side of a conversion: a mode name (sharing storageOrder / includeBatchInIndex from the
  // options) or an object { indexMode, storageOrder, includeBatchInIndex }.
  function conversionSide(fn, name, side, opts) {
    if (typeof side === 'string') {
      // Shared options belong to the side whose convention they describe.
      return parseIndexOptions(fn, {
        indexMode: side,
        storageOrder: side === 'global' ? opts.storageOrder : undefined,
        includeBatchInIndex: side === 'tf' ? opts.includeBatchInIndex : undefined,
      });
    }
    if (side === null || typeof side !== 'object') {
      throw new ArgpoolTypeError(`${fn}: options.${name} must be 'plane', 'global', 'tf' or { indexMode, storageOrder, includeBatchInIndex }, got ${describe(side)}`);
    }
    return parseIndexOptions(fn, side);
  }

  function convertIndices(indices, options) {
    const fn = 'convertIndices';
    const is = snapshotTensor(fn, 'indices', indices);
    const opts = snapshotOptions(fn, options, CONVERT_OPTIONS);
    if (options === undefined) throw new ArgpoolTypeError(`${fn}: options { from, to, inputShape } are required`);
    for (let s = 0; s < CONVERSION_SIDES.length; ++s) {
      const side = CONVERSION_SIDES[s];
      const value = opts[side];
      if (value !== null && typeof value === 'object' && !ArrayIsArray(value)) {
        opts[side] = snapshotOptions(fn, value, CONVERSION_SIDE_OPTIONS, `options.${side}`);
      }
    }
    const layout = parseLayout(fn, opts);
    const idx = P.operand(fn, 'indices', is, 'indices', undefined, layout);
    const inputShape = checkShape(fn, 'options.inputShape', opts.inputShape, idx.shape.length - 2, layout);
    const from = conversionSide(fn, 'from', opts.from, opts);
    const to = conversionSide(fn, 'to', opts.to, opts);
    const type = opts.indexType === undefined ? idx.dtype : parseIndexOptions(fn, { indexType: opts.indexType }).type;
    const count = idx.count;
    const bytes = count * MathMax(type.ArrayType.BYTES_PER_ELEMENT, 4);
    return rt.withStaging(fn, idx.pointer ? 0 : idx.bytes, bytes, 0, (inBuffer, outBuffer) => {
      const inPtr = idx.pointer || inBuffer;
      if (!idx.pointer) rt.copyIn(fn, 'indices.data', idx.data, idx.dtype.ArrayType, inPtr, count);
      const a = rt.args();
      rt.writeShape(a, rt.SLOT.SHAPE_A, inputShape);
      rt.writeShape(a, rt.SLOT.SHAPE_B, idx.shape);
      a[rt.SLOT.LAYOUT] = rt.abi.layouts[layout];
      rt.writeIndexSpec(a, from, idx.dtype.int64);
      rt.writeIndexSpec(a, to, type.int64, true);
      rt.check(fn, rt.fns.argpool_convert_indices(inPtr, outBuffer));
      return { data: rt.copyOut(fn, 'indices', null, type.ArrayType, outBuffer, count), shape: copyList(idx.shape) };
    });
  }

  // ---- wasm tensors -----------------------------------------------------------------------------

  function tensor(shape, dtype = 'float32', source = undefined) {
    const fn = 'tensor';
    const dims = snapshotList(fn, 'shape', shape);
    if (!ArrayIsArray(dims) || dims.length === 0) {
      throw new ArgpoolTypeError(`${fn}: shape must be a non-empty array of integers, got ${describe(shape)}`);
    }
    for (let i = 0; i < dims.length; ++i) {
      const d = dims[i];
      if (typeof d !== 'number' || !NumberIsSafeInteger(d) || d < 0) {
        throw new (typeof d === 'number' ? ArgpoolRangeError : ArgpoolTypeError)(
          `${fn}: shape[${i}] must be a non-negative integer, got ${describe(d)}`);
      }
    }
    const spec = typeof dtype === 'string' && ObjectHasOwn(TENSOR_DTYPES, dtype) ? TENSOR_DTYPES[dtype] : null;
    if (spec === null) {
      throw new ArgpoolTypeError(`${fn}: dtype must be one of ${Object.keys(TENSOR_DTYPES).map((d) => `'${d}'`).join(', ')}, got ${describe(dtype)}`);
    }
    const count = product(dims);
    const bytes = count * spec.ArrayType.BYTES_PER_ELEMENT;
    if (!(bytes <= 2 ** 31 - 1)) {
      throw new ArgpoolError(`${fn}: ${shapeString(dims)} of '${dtype}' needs ${bytes} bytes, more than the 2 GiB the module can hold`,
        'ARGPOOL_OUT_OF_MEMORY');
    }
    // The source is read (and converted) completely before any memory is allocated: a source that
    // fails leaks nothing, and none of its code runs once the tensor exists.
    const typed = source === undefined ? null : sourceArray(fn, source, spec, count);
    const pointer = rt.malloc(fn, bytes);
    const t = new WasmTensor(rt.owner, pointer, dims, spec);
    try {
      const view = rt.viewAt(spec.ArrayType, pointer, count);
      if (typed !== null) rt.copyIn(fn, 'source', typed, spec.ArrayType, pointer, count);
      else TypedArrayPrototypeFill(view, spec.ArrayType === BigInt64Array ? 0n : 0);
    } catch (error) {
      rt.free(pointer);
      throw error;
    }
    rt.registerTensor(t, pointer);
    return t;
  }

  // `source` as a typed array of `count` elements: a genuine typed array of a compatible kind as it
  // is (measured again at the copy), anything array-like converted into a new one here.
  function sourceArray(fn, source, spec, count) {
    const tag = typedArrayTag(source);
    const wantsBigInt = spec.ArrayType === BigInt64Array;
    if (tag !== undefined) {
      if (BIGINT_TAGS.has(tag) !== wantsBigInt) {
        throw new ArgpoolTypeError(`${fn}: source ${describe(source)} cannot fill a '${spec.name}' tensor (${wantsBigInt ? 'BigInt' : 'number'} elements needed)`);
      }
      const length = TypedArrayPrototypeGetLength(source);
      if (length !== count) throw new ArgpoolRangeError(`${fn}: source must have ${count} elements, got ${length}`);
      return source;
    }
    if (source === null || typeof source !== 'object') {
      throw new ArgpoolRangeError(`${fn}: source must be an array-like of ${count} elements, got ${describe(source)}`);
    }
    const length = readProperty(fn, 'source', source, 'length');
    if (length !== count) {
      throw new ArgpoolRangeError(`${fn}: source must be an array-like of ${count} elements, got ${describe(source)} of length ${describe(length)}`);
    }
    // Elements must already be numbers (BigInts for int64): objects are refused, not converted,
    // so no caller valueOf runs.
    const copy = new spec.ArrayType(count);
    const kind = wantsBigInt ? 'bigint' : 'number';
    for (let i = 0; i < count; ++i) {
      let element;
      try {
        element = source[i];
      } catch (cause) {
        const error = new ArgpoolTypeError(`${fn}: reading source[${i}] threw: ${cause?.message ?? cause}`, 'ARGPOOL_INVALID_TYPE');
        error.cause = cause;
        throw error;
      }
      if (typeof element !== kind) {
        throw new ArgpoolTypeError(`${fn}: source[${i}] must be a ${wantsBigInt ? 'BigInt' : 'number'} to fill a '${spec.name}' tensor, got ${describe(element)}`,
          'ARGPOOL_INVALID_TYPE');
      }
      copy[i] = element;
    }
    return copy;
  }

  // ---- plans ------------------------------------------------------------------------------------

  function planOptions(fn, options, allowed) {
    return snapshotOptions(fn, options, allowed, 'planOptions');
  }

  function valueDtype(fn, name, value, fallback, float = false) {
    const given = value ?? fallback;
    const dtype = typeof given === 'string' ? DTYPE_BY_NAME[given] : undefined; // no caller toString
    if (dtype === undefined || (float && !dtype.float)) {
      const names = DTYPES.filter((d) => !float || d.float).map((d) => `'${d.name}'`).join(', ');
      throw new ArgpoolTypeError(`${fn}: planOptions.${name} must be one of ${names}, got ${describe(value)}`);
    }
    return dtype;
  }

  function indexType(fn, value) {
    if (value === undefined) return INDEX_TYPES.int32;
    if (typeof value !== 'string' || !ObjectHasOwn(INDEX_TYPES, value)) {
      throw new ArgpoolTypeError(`${fn}: planOptions.indexType must be 'int32' or 'int64', got ${describe(value)}`);
    }
    return INDEX_TYPES[value];
  }

  // The JS face of a plan made with its own heap block: freed by dispose() or, as a safety net,
  // when the plan object is garbage-collected.
  class Plan {
    #state;
    #token;

    constructor(state) {
      this.#state = state;
      this.#token = {};
      P.planRegistry.register(this, state.pointer, this.#token);
    }

    /** @internal */
    static stateOf(fn, plan) {
      const state = plan.#state;
      if (state === null) throw new ArgpoolError(`${fn}: the plan was disposed`, 'ARGPOOL_DISPOSED');
      return state;
    }

    get disposed() { return this.#state === null; }

    /** Frees the plan now. Idempotent. */
    dispose() {
      if (this.#state !== null) {
        P.planRegistry.unregister(this.#token);
        rt.fns.argpool_plan_free(this.#state.pointer);
        this.#state = null;
      }
    }
  }

  const isPlan = (value, Class) => value instanceof Class;

  class MaxPoolPlan extends Plan {
    #inputShape;
    #outputShape;
    // The operands of the last zero-copy run, held weakly (a plan must not keep tensors alive).
    #lastInput = null;
    #lastValues = null;
    #lastIndices = null;

    constructor(state) {
      super(state);
      this.#inputShape = state.inputShape;
      this.#outputShape = state.outputShape;
    }

    get inputShape() { return copyList(this.#inputShape); }
    get outputShape() { return copyList(this.#outputShape); }

    run(input, out) {
      const fn = 'maxPoolPlan.run';
      if (!isPlan(this, MaxPoolPlan)) throw new ArgpoolTypeError(`${fn}: called on something that is not a plan`);
      if (out !== undefined && out !== null && typeof out === 'object' && WasmTensor.isTensor(input)) {
        // Zero-copy: every operand a live wasm tensor of the plan's dtypes and shapes. `out`'s members
        // are read once; any mismatch takes the general path below, which reports it.
        const values = readProperty(fn, 'out', out, 'values');
        const state = Plan.stateOf(fn, this);
        const indices = state.withIndices ? readProperty(fn, 'out', out, 'indices') : null;
        const live = Plan.stateOf(fn, this);
        if (this.#lastInput !== null && input === WeakRefPrototypeDeref(this.#lastInput) &&
            values === WeakRefPrototypeDeref(this.#lastValues) &&
            indices === (this.#lastIndices === null ? null : WeakRefPrototypeDeref(this.#lastIndices))) {
          // The tensors of the last zero-copy run: dtype, shape and owner never change, and
          // disposal zeroes the pointer, so a live pointer is all that needs checking.
          const x = WasmTensor.rawPointer(input), v = WasmTensor.rawPointer(values);
          const i = indices === null ? -1 : WasmTensor.rawPointer(indices);
          if (x !== 0 && v !== 0 && i !== 0) {
            rt.fns.argpool_run_max_pool(live.pointer, x, v, i === -1 ? 0 : i);
            return out;
          }
        }
        const { owner } = rt;
        const x = WasmTensor.pointerIf(input, owner, live.dtype.name, live.inputShape);
        const v = WasmTensor.pointerIf(values, owner, live.dtype.name, live.outputShape);
        const i = live.withIndices ? WasmTensor.pointerIf(indices, owner, live.indexType.name, live.outputShape) : -1;
        if (x !== 0 && v !== 0 && i !== 0 && v !== x && i !== x && i !== v) {
          this.#lastInput = new SafeWeakRef(input);
          this.#lastValues = new SafeWeakRef(values);
          this.#lastIndices = indices === null ? null : new SafeWeakRef(indices);
          rt.fns.argpool_run_max_pool(live.pointer, x, v, i === -1 ? 0 : i);
          return out;
        }
        return this.#general(fn, input, { out, values: snapshotTensor(fn, 'out.values', values),
          indices: live.withIndices ? snapshotTensor(fn, 'out.indices', indices) : null });
      }
      return this.#general(fn, input, undefined, out);
    }

    #general(fn, input, outSnapshot, out) {
      const xs = snapshotTensor(fn, 'input', input);
      const state = Plan.stateOf(fn, this);
      const outSnap = outSnapshot ?? P.snapshotPoolOut(fn, out, state.withIndices);
      const live = Plan.stateOf(fn, this); // a getter may have disposed the plan
      const x = P.planOperand(fn, 'input', xs, 'values', live.inputShape, live.dtype, live.inputCount, "the plan's input");
      return P.runPool(fn, live, x, outSnap);
    }
  }

  function maxPoolPlan(inputShape, options, planOpts) {
    const fn = 'maxPoolPlan';
    const shapeCopy = snapshotList(fn, 'inputShape', inputShape);
    const opts = snapshotOptions(fn, options, POOL_OPTIONS);
    const po = planOptions(fn, planOpts, testing ? ['dtype', 'kernel'] : ['dtype']);
    const shape = checkShape(fn, 'inputShape', shapeCopy, undefined, layoutOf(opts));
    const dtype = valueDtype(fn, 'dtype', po.dtype, 'float32');
    const params = parsePoolOptions(fn, opts, shape.length - 2);
    const kernel = testing ? testing.kernelIndex('maxPool', po.kernel) : -1;
    return new MaxPoolPlan(P.makePoolPlan(fn, dtype, shape, params, -1, kernel));
  }

  class MaxUnpoolPlan extends Plan {
    #valuesShape;
    #outputShape;

    constructor(state) {
      super(state);
      this.#valuesShape = state.valuesShape;
      this.#outputShape = state.outputShape;
    }

    get valuesShape() { return copyList(this.#valuesShape); }
    get outputShape() { return copyList(this.#outputShape); }

    run(values, indices, out) {
      const fn = 'maxUnpoolPlan.run';
      if (!isPlan(this, MaxUnpoolPlan)) throw new ArgpoolTypeError(`${fn}: called on something that is not a plan`);
      const vs = snapshotTensor(fn, 'values', values);
      const is = snapshotTensor(fn, 'indices', indices);
      const outSnap = P.snapshotOutTensor(fn, out);
      const state = Plan.stateOf(fn, this);
      const v = P.planOperand(fn, 'values', vs, 'values', state.valuesShape, state.dtype, state.valuesCount, "the plan's values");
      const idx = P.planOperand(fn, 'indices', is, 'indices', state.valuesShape, state.indexType, state.valuesCount, "the plan's indices");
      return P.runUnpool(fn, state, v, idx, outSnap);
    }
  }

  function maxUnpoolPlan(valuesShape, options, planOpts) {
    const fn = 'maxUnpoolPlan';
    const shapeCopy = snapshotList(fn, 'valuesShape', valuesShape);
    const opts = snapshotOptions(fn, options, UNPOOL_OPTIONS);
    const po = planOptions(fn, planOpts, testing ? ['dtype', 'indexType', 'kernel'] : ['dtype', 'indexType']);
    const shape = checkShape(fn, 'valuesShape', shapeCopy, undefined, layoutOf(opts));
    const dtype = valueDtype(fn, 'dtype', po.dtype, 'float32');
    const type = indexType(fn, po.indexType);
    const params = parseUnpoolOptions(fn, opts, shape);
    const kernel = testing ? testing.kernelIndex('scatter', po.kernel) : -1;
    return new MaxUnpoolPlan(P.makeUnpoolPlan(fn, dtype, shape, params, type, -1, kernel));
  }

  class MaxPoolBackwardPlan extends Plan {
    #gradShape;
    #inputShape;

    constructor(state) {
      super(state);
      this.#gradShape = state.gradShape;
      this.#inputShape = state.inputShape;
    }

    get gradShape() { return copyList(this.#gradShape); }
    get inputShape() { return copyList(this.#inputShape); }
    /** The shape of the result (the pooling input's): the same as inputShape. */
    get outputShape() { return copyList(this.#inputShape); }

    run(gradOutput, indices, out) {
      const fn = 'maxPoolBackwardPlan.run';
      if (!isPlan(this, MaxPoolBackwardPlan)) throw new ArgpoolTypeError(`${fn}: called on something that is not a plan`);
      const gs = snapshotTensor(fn, 'gradOutput', gradOutput);
      const is = snapshotTensor(fn, 'indices', indices);
      const outSnap = P.snapshotOutTensor(fn, out);
      const state = Plan.stateOf(fn, this);
      const g = P.planOperand(fn, 'gradOutput', gs, 'float', state.gradShape, state.dtype, state.gradCount, "the plan's gradient");
      const idx = P.planOperand(fn, 'indices', is, 'indices', state.gradShape, state.indexType, state.gradCount, "the plan's indices");
      return P.runBackward(fn, state, g, idx, outSnap);
    }
  }

  function maxPoolBackwardPlan(gradShape, inputShape, options, planOpts) {
    const fn = 'maxPoolBackwardPlan';
    const gradCopy = snapshotList(fn, 'gradShape', gradShape);
    const inputCopy = snapshotList(fn, 'inputShape', inputShape);
    const opts = options === undefined || options === null ? { __proto__: null } : snapshotOptions(fn, options, POOL_OPTIONS);
    const po = planOptions(fn, planOpts, testing ? ['dtype', 'indexType', 'kernel'] : ['dtype', 'indexType']);
    const layout = layoutOf(opts);
    const grad = checkShape(fn, 'gradShape', gradCopy, undefined, layout);
    const input = checkShape(fn, 'inputShape', inputCopy, grad.length - 2, layout);
    const dtype = valueDtype(fn, 'dtype', po.dtype, 'float32', true);
    const type = indexType(fn, po.indexType);
    const { withParams, params } = backwardParams(fn, opts, input.length - 2);
    const kernel = testing ? testing.kernelIndex('scatter', po.kernel) : -1;
    return new MaxPoolBackwardPlan(P.makeBackwardPlan(fn, dtype, grad, input, params, withParams, type, -1, kernel));
  }

  class MaxUnpoolBackwardPlan extends Plan {
    #gradShape;
    #valuesShape;

    constructor(state) {
      super(state);
      this.#gradShape = state.gradShape;
      this.#valuesShape = state.valuesShape;
    }

    get gradShape() { return copyList(this.#gradShape); }
    get valuesShape() { return copyList(this.#valuesShape); }
    /** The shape of the result (the values'): the same as valuesShape. */
    get outputShape() { return copyList(this.#valuesShape); }

    run(gradOutput, indices, out) {
      const fn = 'maxUnpoolBackwardPlan.run';
      if (!isPlan(this, MaxUnpoolBackwardPlan)) throw new ArgpoolTypeError(`${fn}: called on something that is not a plan`);
      const gs = snapshotTensor(fn, 'gradOutput', gradOutput);
      const is = snapshotTensor(fn, 'indices', indices);
      const outSnap = P.snapshotOutTensor(fn, out);
      const state = Plan.stateOf(fn, this);
      const g = P.planOperand(fn, 'gradOutput', gs, 'values', state.gradShape, state.dtype, state.gradCount, "the plan's gradient");
      const idx = P.planOperand(fn, 'indices', is, 'indices', state.valuesShape, state.indexType, state.valuesCount, "the plan's indices");
      return P.runUnpoolBackward(fn, state, g, idx, outSnap);
    }
  }

  function maxUnpoolBackwardPlan(gradShape, valuesShape, options, planOpts) {
    const fn = 'maxUnpoolBackwardPlan';
    const gradCopy = snapshotList(fn, 'gradShape', gradShape);
    const valuesCopy = snapshotList(fn, 'valuesShape', valuesShape);
    const opts = options === undefined || options === null ? { __proto__: null } : snapshotOptions(fn, options, UNPOOL_OPTIONS);
    const po = planOptions(fn, planOpts, testing ? ['dtype', 'indexType', 'kernel'] : ['dtype', 'indexType']);
    const layout = layoutOf(opts);
    const grad = checkShape(fn, 'gradShape', gradCopy, undefined, layout);
    const values = checkShape(fn, 'valuesShape', valuesCopy, grad.length - 2, layout);
    const dtype = valueDtype(fn, 'dtype', po.dtype, 'float32');
    const type = indexType(fn, po.indexType);
    const { withParams, params } = unpoolBackwardParams(fn, opts, values);
    const kernel = testing ? testing.kernelIndex('scatter', po.kernel) : -1;
    return new MaxUnpoolBackwardPlan(P.makeUnpoolBackwardPlan(fn, dtype, grad, values, params, withParams, type, -1, kernel));
  }

  const api = {
    maxPool: (input, options, out) => maxPoolImpl('maxPool', input, options, out, undefined),
    maxPool1d: (input, options, out) => maxPoolImpl('maxPool1d', input, options, out, 1),
    maxPool2d: (input, options, out) => maxPoolImpl('maxPool2d', input, options, out, 2),
    maxPool3d: (input, options, out) => maxPoolImpl('maxPool3d', input, options, out, 3),
    maxUnpool: (values, indices, options, out) => maxUnpoolImpl('maxUnpool', values, indices, options, out, undefined),
    maxUnpool1d: (values, indices, options, out) => maxUnpoolImpl('maxUnpool1d', values, indices, options, out, 1),
    maxUnpool2d: (values, indices, options, out) => maxUnpoolImpl('maxUnpool2d', values, indices, options, out, 2),
    maxUnpool3d: (values, indices, options, out) => maxUnpoolImpl('maxUnpool3d', values, indices, options, out, 3),
    maxPoolBackward: (g, i, s, o, out) => maxPoolBackwardImpl('maxPoolBackward', g, i, s, o, out, undefined),
    maxPoolBackward1d: (g, i, s, o, out) => maxPoolBackwardImpl('maxPoolBackward1d', g, i, s, o, out, 1),
    maxPoolBackward2d: (g, i, s, o, out) => maxPoolBackwardImpl('maxPoolBackward2d', g, i, s, o, out, 2),
    maxPoolBackward3d: (g, i, s, o, out) => maxPoolBackwardImpl('maxPoolBackward3d', g, i, s, o, out, 3),
    maxUnpoolBackward,
    maxPoolPlan,
    maxUnpoolPlan,
    maxPoolBackwardPlan,
    maxUnpoolBackwardPlan,
    outputShape,
    unpoolOutputShape,
    convertIndices,
    tensor,
    stats: () => rt.stats(),
    dtypes: ObjectFreeze(DTYPES.map((d) => d.name)),
  };
  Object.assign(api, createAdapters({ maxPoolWith, maxUnpoolWith, unpoolOutputShape }));
  if (testing) testing.attach(api, { rt, P, copy: TypedArrayPrototypeSet });
  return ObjectFreeze(api);
}
