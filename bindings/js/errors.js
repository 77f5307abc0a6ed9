// Error classes. Argument problems are TypeError / RangeError subclasses (as JavaScript's own
// built-ins report them); state problems (not initialised, load failure, memory) are ArgpoolError.
// Every error carries a stable `code` starting with "ARGPOOL_".

export class ArgpoolError extends Error {
  constructor(message, code = 'ARGPOOL_ERROR', options) {
    super(message, options);
    this.name = 'ArgpoolError';
    this.code = code;
  }
}

export class ArgpoolTypeError extends TypeError {
  constructor(message, code = 'ARGPOOL_INVALID_TYPE') {
    super(message);
    this.name = 'ArgpoolTypeError';
    this.code = code;
  }
}

export class ArgpoolRangeError extends RangeError {
  constructor(message, code = 'ARGPOOL_INVALID_ARGUMENT') {
    super(message);
    this.name = 'ArgpoolRangeError';
    this.code = code;
  }
}

// C++ statuses (by their ABI names, bindings/wasm_exports.cpp) → JS errors.
export function errorFromStatus(status, message) {
  switch (status) {
    case 'invalidArgument': return new ArgpoolRangeError(message, 'ARGPOOL_INVALID_ARGUMENT');
    case 'indexOutOfRange': return new ArgpoolRangeError(message, 'ARGPOOL_INDEX_OUT_OF_RANGE');
    case 'outOfMemory': return new ArgpoolError(message, 'ARGPOOL_OUT_OF_MEMORY');
    case 'unsupported': return new ArgpoolError(message, 'ARGPOOL_UNSUPPORTED');
    default: return new ArgpoolError(`${message} (${status})`, 'ARGPOOL_INTERNAL');
  }
}
