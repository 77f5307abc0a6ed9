// tf.layers for argpool/tfjs: max pooling that also outputs the argmax indexes, and max unpooling
// that puts values back at them (SegNet-style decoders). Both are registered for serialization,
// so model.save() and tf.loadLayersModel() round-trip them. Shapes come from argpool's rules
// (apt.maxPoolShape, apt.maxUnpoolShape), with unknown (null) dims passed through.
import { ArgpoolTypeError } from './errors.js';

const pair = (v, fallback) => (v === undefined || v === null ? fallback : typeof v === 'number' ? [v, v] : v.slice());

function checkPadding(name, padding) {
  if (padding !== 'valid' && padding !== 'same') {
    throw new ArgpoolTypeError(`${name}: padding must be 'valid' or 'same', got ${JSON.stringify(padding)}`);
  }
  return padding;
}

// Runs a shape function on a shape with unknown dims as 1, then puts the unknown ones back where
// they cannot be known (batch, and every spatial dim when one is unknown).
function withUnknowns(shape, compute) {
  const known = shape.map((d) => (d === null || d === undefined ? 1 : d));
  const out = compute(known);
  const spatialUnknown = shape.slice(1, -1).some((d) => d === null || d === undefined);
  return out.map((d, i) => (i === 0 ? shape[0] ?? null : i < out.length - 1 && spatialUnknown ? null : d));
}

export function createLayers(tf, apt) {
  class MaxPooling2DWithArgmax extends tf.layers.Layer {
    static className = 'ArgpoolMaxPooling2DWithArgmax';

    constructor(args = {}) {
      super(args);
      this.poolSize = pair(args.poolSize, [2, 2]);
      this.strides = pair(args.strides, this.poolSize);
      this.padding = checkPadding('maxPooling2dWithArgmax', args.padding ?? 'valid');
      this.includeBatchInIndex = Boolean(args.includeBatchInIndex ?? false);
    }

    computeOutputShape(inputShape) {
      const shape = withUnknowns(inputShape, (s) => apt.maxPoolShape(s, this.poolSize, this.strides, this.padding));
      return [shape, shape.slice()];
    }

    call(inputs) {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const { result, indexes } = apt.maxPoolWithArgmax(x, this.poolSize, this.strides, this.padding, this.includeBatchInIndex);
      return [result, indexes];
    }

    getConfig() {
      return { ...super.getConfig(), poolSize: this.poolSize, strides: this.strides, padding: this.padding, includeBatchInIndex: this.includeBatchInIndex };
    }
  }

  class MaxUnpooling2D extends tf.layers.Layer {
    static className = 'ArgpoolMaxUnpooling2D';

    constructor(args = {}) {
      super(args);
      this.poolSize = pair(args.poolSize, [2, 2]);
      this.strides = pair(args.strides, this.poolSize);
      this.padding = checkPadding('maxUnpooling2d', args.padding ?? 'valid');
    }

    computeOutputShape(inputShape) {
      const [values, , like] = inputShape;
      if (like !== undefined) return [values[0] ?? null, like[1] ?? null, like[2] ?? null, values[3] ?? null];
      return withUnknowns(values, (s) => apt.maxUnpoolShape(s, this.poolSize, this.strides, this.padding));
    }

    call(inputs) {
      if (!Array.isArray(inputs) || inputs.length < 2 || inputs.length > 3) {
        throw new ArgpoolTypeError('maxUnpooling2d: inputs must be [values, indexes] or [values, indexes, like]');
      }
      const [values, indexes, like] = inputs;
      const outputShape = like === undefined ? undefined : [values.shape[0], like.shape[1], like.shape[2], values.shape[3]];
      return apt.maxUnpool(values, indexes, this.poolSize, this.strides, this.padding, outputShape);
    }

    getConfig() {
      return { ...super.getConfig(), poolSize: this.poolSize, strides: this.strides, padding: this.padding };
    }
  }

  tf.serialization.registerClass(MaxPooling2DWithArgmax);
  tf.serialization.registerClass(MaxUnpooling2D);

  return Object.freeze({
    maxPooling2dWithArgmax: (args) => new MaxPooling2DWithArgmax(args),
    maxUnpooling2d: (args) => new MaxUnpooling2D(args),
    MaxPooling2DWithArgmax,
    MaxUnpooling2D,
  });
}
