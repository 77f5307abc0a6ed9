// Tensors that live in wasm memory: operations read and write them in place (no copy). `data` is
// a view re-derived on every access, so memory growth never leaves a caller with a stale view.
import { TYPED_ARRAY_OF_DTYPE } from './dtypes.js';
import { ArgpoolError } from './errors.js';
import { copyList, ObjectFreeze } from './primordials.js';

export const TENSOR_DTYPES = Object.freeze(Object.fromEntries(Object.entries(TYPED_ARRAY_OF_DTYPE)
  .map(([name, ArrayType]) => [name, Object.freeze({ name, ArrayType })])));

export class WasmTensor {
  #owner;
  #pointer;
  #length;
  #shape;
  #dims;
  #dtype;

  /** @internal Created by `ap.tensor()`. */
  constructor(owner, pointer, shape, dtype) {
    this.#owner = owner;
    this.#pointer = pointer;
    let length = 1;
    for (let i = 0; i < shape.length; ++i) length *= shape[i];
    this.#length = length;
    // Built-ins captured at load: a tensor is made after its memory is allocated, when no caller
    // code may run (a replaced Array.prototype.slice would).
    this.#shape = ObjectFreeze(copyList(shape));
    this.#dims = copyList(shape); // the same dims unfrozen: V8 reads frozen arrays' elements slowly
    this.#dtype = dtype;
  }

  get shape() { return this.#shape; }
  get dtype() { return this.#dtype.name; }
  get size() { return this.#length; }
  get disposed() { return this.#pointer === 0; }

  /** A typed-array view of the tensor's memory; take a new one after any argpool call. */
  get data() {
    const pointer = this.#pointer;
    if (pointer === 0) throw disposedError('tensor.data');
    return new this.#dtype.ArrayType(this.#owner.Module.HEAPU8.buffer, pointer, this.#length);
  }

  /** Frees the tensor's memory now. Idempotent. */
  dispose() {
    if (this.#pointer !== 0) {
      this.#owner.release(this, this.#pointer);
      this.#pointer = 0;
    }
  }

  /** @internal The address for operations, after checking the tensor is usable by `owner`. */
  static pointerFor(tensor, owner, label) {
    if (tensor.#owner !== owner) {
      throw new ArgpoolError(`${label} is a tensor of another argpool instance; create it with this instance's tensor()`,
        'ARGPOOL_FOREIGN_TENSOR');
    }
    if (tensor.#pointer === 0) throw disposedError(label);
    return tensor.#pointer;
  }

  static dtypeOf(tensor) { return tensor.#dtype; }

  /** @internal Whether `value` is a WasmTensor (a brand check: runs no caller code, false for a Proxy). */
  static isTensor(value) { return value !== null && typeof value === 'object' && #pointer in value; }

  /**
   * @internal The address of a live tensor of `owner` with dtype `dtypeName` and exactly `dims`, else 0
   * (the caller then takes the general path, which says what is wrong). Runs no caller code.
   */
  static pointerIf(value, owner, dtypeName, dims) {
    if (value === null || typeof value !== 'object' || !(#pointer in value)) return 0;
    if (value.#owner !== owner || value.#dtype.name !== dtypeName) return 0;
    const mine = value.#dims;
    if (mine.length !== dims.length) return 0;
    for (let i = 0; i < dims.length; ++i) if (mine[i] !== dims[i]) return 0;
    return value.#pointer;
  }

  /** @internal The address or 0 when disposed, without checks. */
  static rawPointer(tensor) { return tensor.#pointer; }

  /** @internal Whether the tensor belongs to `owner`. */
  static ownedBy(tensor, owner) { return tensor.#owner === owner; }

  /** @internal The shape for reading inside argpool (never handed out, never modified). */
  static dimsOf(tensor) { return tensor.#dims; }
}

function disposedError(label) {
  return new ArgpoolError(`${label}: the tensor was disposed`, 'ARGPOOL_DISPOSED');
}
