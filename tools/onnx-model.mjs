// A tiny, dependency-free protobuf encoder for ONNX ModelProto bytes: enough to build one-node
// MaxPool / MaxUnpool models for cross-checks and benchmarks against ONNX Runtime Web.
//
// Field numbers follow onnx/onnx.proto3 (ONNX 1.x):
//   ModelProto        ir_version=1 producer_name=2 producer_version=3 graph=7 opset_import=8
//   OperatorSetIdProto domain=1 version=2
//   GraphProto        node=1 name=2 initializer=5 input=11 output=12
//   NodeProto         input=1 output=2 name=3 op_type=4 attribute=5 domain=7
//   AttributeProto    name=1 f=2 i=3 s=4 floats=7 ints=8 type=20 (FLOAT=1 INT=2 STRING=3 FLOATS=6 INTS=7)
//   ValueInfoProto    name=1 type=2;  TypeProto tensor_type=1;  TypeProto.Tensor elem_type=1 shape=2
//   TensorShapeProto  dim=1;  Dimension dim_value=1 dim_param=2
//   TensorProto       dims=1 data_type=2 name=8 raw_data=9
//
// Usage:
//   import { maxPoolModel, maxUnpoolModel } from './onnx-model.mjs';
//   const bytes = maxPoolModel({ inputShape: [1, 3, 8, 8], kernelShape: [2, 2], strides: [2, 2], indices: true });
//   const session = await ort.InferenceSession.create(bytes);

export const ElemType = Object.freeze({ FLOAT: 1, UINT8: 2, INT8: 3, INT32: 6, INT64: 7, DOUBLE: 11 });

const AttributeType = Object.freeze({ FLOAT: 1, INT: 2, STRING: 3, FLOATS: 6, INTS: 7 });
const WIRE_VARINT = 0;
const WIRE_FIXED32 = 5;
const WIRE_BYTES = 2;
const IR_VERSION = 7; // ONNX 1.8: the IR of opsets 12 and 13
const textEncoder = new TextEncoder();

// ---- wire-level writer --------------------------------------------------------------------------

class Writer {
  constructor() {
    this.bytes = [];
  }

  // Unsigned or two's-complement 64-bit varint (negative int64 values take 10 bytes, as protobuf).
  varint(value) {
    let v = BigInt.asUintN(64, BigInt(value));
    do {
      let byte = Number(v & 0x7fn);
      v >>= 7n;
      if (v !== 0n) byte |= 0x80;
      this.bytes.push(byte);
    } while (v !== 0n);
    return this;
  }

  tag(field, wire) {
    return this.varint((field << 3) | wire);
  }

  int(field, value) {
    return this.tag(field, WIRE_VARINT).varint(value);
  }

  float(field, value) {
    const b = new Uint8Array(new Float32Array([value]).buffer);
    this.tag(field, WIRE_FIXED32);
    this.bytes.push(...b);
    return this;
  }

  raw(field, bytes) {
    this.tag(field, WIRE_BYTES).varint(bytes.length);
    for (const b of bytes) this.bytes.push(b);
    return this;
  }

  string(field, text) {
    return this.raw(field, textEncoder.encode(text));
  }

  message(field, build) {
    const inner = new Writer();
    build(inner);
    return this.raw(field, inner.bytes);
  }

  // Packed repeated varints (proto3 default for scalar repeated fields).
  packedInts(field, values) {
    const inner = new Writer();
    for (const v of values) inner.varint(v);
    return this.raw(field, inner.bytes);
  }

  finish() {
    return Uint8Array.from(this.bytes);
  }
}

// ---- ONNX messages ------------------------------------------------------------------------------

function isInteger(v) {
  return (typeof v === 'number' && Number.isSafeInteger(v)) || typeof v === 'bigint';
}

// Attribute values: an integer → INT, an array of integers → INTS, a string → STRING,
// { float: x } → FLOAT, { floats: [...] } → FLOATS.
function writeAttribute(w, name, value) {
  w.string(1, name);
  if (isInteger(value)) {
    w.int(3, value).int(20, AttributeType.INT);
  } else if (typeof value === 'string') {
    w.string(4, value).int(20, AttributeType.STRING);
  } else if (Array.isArray(value) && value.every(isInteger)) {
    w.packedInts(8, value).int(20, AttributeType.INTS);
  } else if (value !== null && typeof value === 'object' && typeof value.float === 'number') {
    w.float(2, value.float).int(20, AttributeType.FLOAT);
  } else if (value !== null && typeof value === 'object' && Array.isArray(value.floats)) {
    for (const f of value.floats) w.float(7, f);
    w.int(20, AttributeType.FLOATS);
  } else {
    throw new TypeError(`onnx-model: attribute ${name} has an unsupported value ${JSON.stringify(value)}`);
  }
}

// A value_info entry: shape is an array of dims (number → dim_value, string → dim_param,
// null → unknown dim) or undefined for an unknown rank.
function writeValueInfo(w, { name, elemType, shape }) {
  w.string(1, name);
  w.message(2, (type) =>
    type.message(1, (tensor) => {
      tensor.int(1, elemType);
      if (shape !== undefined) {
        tensor.message(2, (s) => {
          for (const d of shape) {
            s.message(1, (dim) => {
              if (isInteger(d)) dim.int(1, d);
              else if (typeof d === 'string') dim.string(2, d);
              else if (d !== null) throw new TypeError(`onnx-model: bad dim ${JSON.stringify(d)} of ${name}`);
            });
          }
        });
      }
    }));
}

// An int64 initializer tensor (used for a constant output_shape).
function writeInt64Tensor(w, name, values) {
  w.packedInts(1, [values.length]);
  w.int(2, ElemType.INT64);
  w.string(8, name);
  const raw = new Uint8Array(values.length * 8);
  const view = new DataView(raw.buffer);
  values.forEach((v, i) => view.setBigInt64(i * 8, BigInt(v), true));
  w.raw(9, raw);
}

/**
 * Encodes a ModelProto.
 * graph: { name, nodes: [{ opType, inputs, outputs, name?, domain?, attributes: { name: value } }],
 *          inputs: [{ name, elemType, shape }], outputs: [...], initializers: [{ name, int64: [...] }] }
 */
export function encodeModel({ graph, opset, irVersion = IR_VERSION, producer = 'argpool-tools' }) {
  const w = new Writer();
  w.int(1, irVersion);
  w.string(2, producer);
  w.string(3, '0');
  w.message(7, (g) => {
    for (const node of graph.nodes) {
      g.message(1, (n) => {
        for (const input of node.inputs) n.string(1, input);
        for (const output of node.outputs) n.string(2, output);
        n.string(3, node.name ?? node.opType);
        n.string(4, node.opType);
        for (const [key, value] of Object.entries(node.attributes ?? {})) {
          if (value !== undefined) n.message(5, (a) => writeAttribute(a, key, value));
        }
        if (node.domain) n.string(7, node.domain);
      });
    }
    g.string(2, graph.name ?? 'graph');
    for (const init of graph.initializers ?? []) g.message(5, (t) => writeInt64Tensor(t, init.name, init.int64));
    for (const input of graph.inputs) g.message(11, (v) => writeValueInfo(v, input));
    for (const output of graph.outputs) g.message(12, (v) => writeValueInfo(v, output));
  });
  w.message(8, (o) => o.string(1, '').int(2, opset));
  return w.finish();
}

function spatialRank(shape, what) {
  if (!Array.isArray(shape) || shape.length < 3) {
    throw new TypeError(`onnx-model: ${what} must be an array [N, C, ...spatial] of 3 or more dims`);
  }
  return shape.length - 2;
}

/**
 * One MaxPool node: input X, outputs Y and (when `indices`) Indices (int64).
 * inputShape: dims of X (numbers or symbolic names); outputShape: optional dims of Y and Indices.
 * pads: ONNX layout [x1_begin, x2_begin, ..., x1_end, x2_end, ...]; symmetricPads() builds it.
 * Attributes left undefined are not written (ONNX defaults apply).
 */
export function maxPoolModel({
  inputShape, outputShape, kernelShape, strides, pads, dilations, ceilMode, autoPad, storageOrder,
  indices = false, elemType = ElemType.FLOAT, opset = 12,
}) {
  const rank = spatialRank(inputShape, 'inputShape');
  if (!Array.isArray(kernelShape) || kernelShape.length !== rank) {
    throw new TypeError(`onnx-model: kernelShape must have ${rank} entries`);
  }
  const outputs = [{ name: 'Y', elemType, shape: outputShape }];
  if (indices) outputs.push({ name: 'Indices', elemType: ElemType.INT64, shape: outputShape });
  return encodeModel({
    opset,
    graph: {
      name: 'maxpool',
      nodes: [{
        opType: 'MaxPool',
        inputs: ['X'],
        outputs: outputs.map((o) => o.name),
        attributes: {
          auto_pad: autoPad,
          ceil_mode: ceilMode === undefined ? undefined : Number(ceilMode),
          dilations,
          kernel_shape: kernelShape,
          pads,
          storage_order: storageOrder,
          strides,
        },
      }],
      inputs: [{ name: 'X', elemType, shape: inputShape }],
      outputs,
    },
  });
}

/**
 * One MaxUnpool node: inputs X (values), I (int64 indices into the whole output tensor) and,
 * when `outputShapeInput` is true, a graph input `output_shape` (int64 [rank + 2]); when it is an
 * array, a constant initializer with those values. outputShape gives the dims of Y if known.
 */
export function maxUnpoolModel({
  inputShape, outputShape, kernelShape, strides, pads, outputShapeInput = false,
  elemType = ElemType.FLOAT, opset = 11,
}) {
  const rank = spatialRank(inputShape, 'inputShape');
  if (!Array.isArray(kernelShape) || kernelShape.length !== rank) {
    throw new TypeError(`onnx-model: kernelShape must have ${rank} entries`);
  }
  const inputs = [
    { name: 'X', elemType, shape: inputShape },
    { name: 'I', elemType: ElemType.INT64, shape: inputShape },
  ];
  const nodeInputs = ['X', 'I'];
  const initializers = [];
  if (outputShapeInput === true) {
    inputs.push({ name: 'output_shape', elemType: ElemType.INT64, shape: [rank + 2] });
    nodeInputs.push('output_shape');
  } else if (Array.isArray(outputShapeInput)) {
    initializers.push({ name: 'output_shape', int64: outputShapeInput });
    nodeInputs.push('output_shape');
  }
  return encodeModel({
    opset,
    graph: {
      name: 'maxunpool',
      nodes: [{
        opType: 'MaxUnpool',
        inputs: nodeInputs,
        outputs: ['Y'],
        attributes: { kernel_shape: kernelShape, pads, strides },
      }],
      inputs,
      initializers,
      outputs: [{ name: 'Y', elemType, shape: outputShape }],
    },
  });
}

// PyTorch-style symmetric padding [p1, ..., pn] → ONNX pads [p1, ..., pn, p1, ..., pn].
export function symmetricPads(padding) {
  return [...padding, ...padding];
}
