// Compiled (not run) by tests/types.test.mjs: the README's examples must type-check against
// bindings/js/argpool.d.ts, and misuse must not.
import { init, ArgpoolError, type Argpool, type WasmTensor } from 'argpool';

async function examples(): Promise<void> {
  const ap: Argpool = await init();
  const input = { data: new Float32Array(16), shape: [1, 1, 4, 4] };
  const { values, indices } = ap.maxPool(input, { kernelSize: 2, stride: 2 });
  const v: Float32Array = values.data;
  const restored = ap.maxUnpool(values, indices, { kernelSize: 2, stride: 2, outputSize: [4, 4] });
  const grad = ap.maxPoolBackward({ data: new Float32Array(4), shape: [1, 1, 2, 2] }, indices, [1, 1, 4, 4]);
  const x: WasmTensor<Float32Array> = ap.tensor([1, 64, 112, 112], 'float32');
  const out = { values: ap.tensor([1, 64, 56, 56], 'float32'), indices: ap.tensor([1, 64, 56, 56], 'int32') };
  ap.maxPool(x, { kernelSize: 2 }, out);
  ap.maxPool(x, { kernelSize: 2, returnIndices: false });
  const onnx = ap.onnx.maxPool(input, { kernel_shape: [2, 2], pads: [0, 0, 1, 1], storage_order: 1 });
  const i64: BigInt64Array = onnx.Indices.data;
  ap.tf.maxPoolWithArgmax({ data: new Float32Array(16), shape: [1, 4, 4, 1] }, 2, 2, 'same', true);
  ap.convertIndices(indices, { from: 'plane', to: 'global', inputShape: [1, 1, 4, 4], indexType: 'int64' });
  ap.maxPool({ data: new Uint8Array(16), shape: [1, 4, 4, 1] }, { kernelSize: 2, layout: 'NHWC', indexMode: 'tf' });
  const s: number = ap.stats().liveTensors;
  x.dispose();
  void [v, restored, grad, i64, s, ArgpoolError];
}

async function misuse(): Promise<void> {
  const ap = await init();
  // @ts-expect-error kernelSize is required
  ap.maxPool({ data: new Float32Array(16), shape: [1, 1, 4, 4] }, { stride: 2 });
  // @ts-expect-error layout must be 'NCHW' or 'NHWC'
  ap.maxPool({ data: new Float32Array(16), shape: [1, 1, 4, 4] }, { kernelSize: 2, layout: 'CHW' });
  // @ts-expect-error backward needs float gradients
  ap.maxPoolBackward({ data: new Int8Array(4), shape: [1, 1, 2, 2] }, { data: new Int32Array(4), shape: [1, 1, 2, 2] }, [1, 1, 4, 4]);
}

async function plans(): Promise<void> {
  const ap = await init();
  const plan = ap.maxPoolPlan([1, 1, 4, 4], { kernelSize: 2 }, { dtype: 'float32' });
  const shape: number[] = plan.outputShape;
  const r = plan.run({ data: new Float32Array(16), shape: [1, 1, 4, 4] });
  const f32: Float32Array = r.values.data;
  plan.dispose();
  const unpool = ap.maxUnpoolPlan([1, 1, 2, 2], { kernelSize: 2 }, { dtype: 'float32', indexType: 'int32' });
  const back = ap.maxPoolBackwardPlan([1, 1, 2, 2], [1, 1, 4, 4], { kernelSize: 2 }, { indexType: 'int32' });
  const ub = ap.maxUnpoolBackwardPlan([1, 1, 4, 4], [1, 1, 2, 2], { kernelSize: 2 });
  const full: number[] = ap.unpoolOutputShape([1, 1, 2, 2], { kernelSize: 2 });
  // @ts-expect-error the backward pass takes float gradients only
  ap.maxPoolBackwardPlan([1, 1, 2, 2], [1, 1, 4, 4], null, { dtype: 'int8' });
  void [shape, f32, unpool, back, ub, full];
}

void [examples, misuse, plans];
