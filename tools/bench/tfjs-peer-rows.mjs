// TensorFlow.js peer rows, shared by the Node bench (bench.mjs) and the browser page (web/bench.js):
// browser-safe, no imports but ./core.mjs. Each front end passes `useBackend(name)`, an async
// function that returns the `tf` namespace with that backend active.
//
// Every peer row comes in two forms, compared only with argpool's row of the same form (addRatios):
//   resident:     inputs made once outside the timed call, as argpool's wasm tensors are (TF.js:
//                 tensors kept, each call op(x) and dispose() of its results — the cpu and wasm
//                 backends compute synchronously; ONNX Runtime: the feed made once — session.run
//                 still copies into and out of its own memory, it has no resident form);
//   typed arrays: a JS typed array in, JS typed arrays out (tensor creation and dataSync timed),
//                 as argpool's plain API.
import { describeDiffs, nchwToNhwc, nhwcToNchw, perDim, product } from './core.mjs';

export const FORMS = Object.freeze({ resident: 'resident', copies: 'typed arrays' });
export const peerName = (base, form) => `${base} [${FORMS[form]}]`;
export const bothForms = (make, ...args) => [make(...args, 'resident'), make(...args, 'copies')];

// TF.js NHWC shapes and pool arguments for a workload (1D runs as 2D with H = 1).
export function tfGeometry(w) {
  if (w.op === 'pool-nhwc') {
    const k = perDim(w.options.kernelSize, 2);
    return { rank: 2, shape: w.shape, k, s: w.options.stride === undefined ? k : perDim(w.options.stride, 2), pad: 'valid' };
  }
  const rank = w.shape.length - 2;
  const [n, c, ...spatial] = w.shape;
  const k = perDim(w.options.kernelSize, rank);
  const s = w.options.stride === undefined ? k : perDim(w.options.stride, rank);
  const p = perDim(w.options.padding, rank, 0);
  if (p.some((v) => v !== p[0])) throw new Error('TF.js numeric padding is the same on every side and dimension');
  const pad = p[0] === 0 ? 'valid' : p[0];
  if (rank === 1) return { rank: 2, shape: [n, 1, spatial[0], c], k: [1, k[0]], s: [1, s[0]], pad, oneD: true };
  return { rank, shape: [n, ...spatial, c], k, s, pad };
}

// TF.js maxPoolWithArgmax indexes ((b·H + y)·W + x)·C + c → argpool's per-plane y·W + x, NCHW
// order (-1 where an index is not of its own channel).
export function tfIndicesToPlane(indexes, nchwOutShape, inH, inW, includeBatchInIndex) {
  const [n, c] = nchwOutShape;
  const outPlane = product(nchwOutShape.slice(2));
  const out = new Int32Array(indexes.length);
  for (let b = 0; b < n; ++b) {
    for (let i = 0; i < outPlane; ++i) {
      for (let ch = 0; ch < c; ++ch) {
        let index = indexes[(b * outPlane + i) * c + ch];
        if (includeBatchInIndex) index -= b * inH * inW * c;
        const pos = (index - ch) / c;
        out[(b * c + ch) * outPlane + i] = Number.isInteger(pos) ? pos : -1;
      }
    }
  }
  return out;
}

const inputNhwc = (w, fx) => (fx.inputNhwc ??= w.op === 'pool-nhwc' ? fx.input.data : nchwToNhwc(fx.input.data, w.shape));

// A TF.js row in one form: `input(tf, fx)` makes the input tensors, `op(tf, inputs)` returns the
// tensors of one call, `check(data, fx)` compares their data (NHWC) with argpool's.
function tfRow(w, useBackend, { backend, base, form, output, input, op, check }) {
  return {
    name: peerName(`tfjs-${backend} ${base}`, form),
    workload: w.id,
    slow: backend === 'cpu',
    form,
    output,
    async setup({ fx }) {
      const tf = await useBackend(backend);
      const read = (ts) => ts.map((t) => t.dataSync());
      const inputs = input(tf, fx);
      if (form === 'resident') {
        const first = op(tf, inputs);
        const firstData = read(first);
        tf.dispose(first);
        return {
          run: () => tf.dispose(op(tf, inputs)),
          check: () => check(firstData, fx),
          teardown: () => tf.dispose(inputs),
        };
      }
      tf.dispose(inputs);
      return {
        run: () => {
          const fresh = input(tf, fx);
          const ts = op(tf, fresh);
          const data = read(ts);
          tf.dispose([...fresh, ...ts]);
          return data;
        },
        check: (data) => check(data, fx),
      };
    },
  };
}

export function tfPoolRow(useBackend, backend, argmax, form) {
  return (w) => {
    const g = tfGeometry(w);
    return tfRow(w, useBackend, {
      backend, form, output: argmax ? 'indices' : 'values',
      base: argmax ? 'maxPoolWithArgmax' : backend === 'wasm' ? 'maxPool (XNNPACK, values only)' : 'maxPool',
      input: (tf, fx) => {
        if (argmax && g.rank !== 2) throw new Error('TF.js has no maxPoolWithArgmax for 3D');
        return [tf.tensor(inputNhwc(w, fx), g.shape)];
      },
      op: (tf, [x]) => {
        if (argmax) {
          const { result, indexes } = tf.maxPoolWithArgmax(x, g.k, g.s, g.pad);
          return [result, indexes];
        }
        return [g.rank === 3 ? tf.maxPool3d(x, g.k, g.s, g.pad) : tf.maxPool(x, g.k, g.s, g.pad)];
      },
      check: ([valuesNhwc, indicesNhwc], fx) => {
        const values = w.op === 'pool-nhwc' ? valuesNhwc : nhwcToNchw(valuesNhwc, fx.ref.values.shape);
        if (!argmax) return describeDiffs(values, fx.ref.values.data);
        const [, , ...spatial] = w.shape;
        const [inH, inW] = g.oneD ? [1, spatial[0]] : spatial;
        const indices = tfIndicesToPlane(indicesNhwc, fx.ref.values.shape, inH, inW, false);
        return describeDiffs(values, fx.ref.values.data, indices, fx.ref.indices.data);
      },
    });
  };
}

export function tfBackwardRow(useBackend, backend, form) {
  return (w) => {
    const g = tfGeometry(w);
    const attrs = { filterSize: g.k, strides: g.s, pad: g.pad, dimRoundingMode: undefined };
    return tfRow(w, useBackend, {
      backend, form, output: 'output', base: 'MaxPoolGrad kernel (from x, y, dy)',
      input: (tf, fx) => {
        if (g.rank !== 2) throw new Error('only 2D backward rows are defined for TF.js');
        const yShape = [g.shape[0], ...fx.pooled.values.shape.slice(2), g.shape[3]];
        return [
          tf.tensor(inputNhwc(w, fx), g.shape),
          tf.tensor(nchwToNhwc(fx.pooled.values.data, fx.pooled.values.shape), yShape),
          tf.tensor(nchwToNhwc(fx.gradOutput.data, fx.gradOutput.shape), yShape),
        ];
      },
      op: (tf, [x, y, dy]) => [tf.engine().runKernel('MaxPoolGrad', { dy, input: x, output: y }, attrs)],
      check: ([dx], fx) => describeDiffs(nhwcToNchw(dx, fx.ref.shape), fx.ref.data),
    });
  };
}

// argpool with indices (a plan, wasm tensors) against TF.js-wasm's XNNPACK maxPool (values only,
// tensors resident), interleaved like the bound's paired rows (measurePaired in core.mjs): the
// median per-round ratio argpool ÷ TF.js, below 1 when argpool is faster. Two rows timed seconds
// apart drift by 10-30 % on a shared machine; alternating batches do not.
export const PAIRED_TF = 'argpool plan zero-copy ÷ tfjs-wasm maxPool (XNNPACK, values only) [resident], interleaved';

export function tfPairedRow(useBackend) {
  return (w) => {
    const g = tfGeometry(w);
    return {
      name: PAIRED_TF,
      workload: w.id,
      paired: true,
      pairedWith: 'tfjs',
      output: 'indices',
      async setup({ ap, fx }) {
        const tf = await useBackend('wasm');
        const xt = tf.tensor(inputNhwc(w, fx), g.shape);
        const op = g.rank === 3 ? () => tf.maxPool3d(xt, g.k, g.s, g.pad) : () => tf.maxPool(xt, g.k, g.s, g.pad);
        const x = ap.tensor(fx.input.shape, 'float32', fx.input.data);
        const values = ap.tensor(fx.ref.values.shape, 'float32'), indices = ap.tensor(fx.ref.values.shape, 'int32');
        const plan = ap.maxPoolPlan(fx.input.shape, w.options);
        const out = { values, indices };
        return {
          run: () => plan.run(x, out),
          bounds: [() => op().dispose()],
          check: () => describeDiffs(values.data.slice(), fx.ref.values.data, indices.data.slice(), fx.ref.indices.data),
          teardown: () => {
            plan.dispose();
            [x, values, indices].forEach((t) => t.dispose());
            xt.dispose();
          },
        };
      },
    };
  };
}
