// Shared by the entries (node.js, inline.js, browser.js): a memoised init() that can be retried
// after a failed load, top-level functions that work once init() has resolved, and the ways of
// getting the wasm (a module, bytes, a URL) with errors that say what went wrong.
import { createArgpool } from './api.js';
import { ArgpoolError } from './errors.js';

export const API_NAMES = Object.freeze([
  'maxPool', 'maxPool1d', 'maxPool2d', 'maxPool3d',
  'maxUnpool', 'maxUnpool1d', 'maxUnpool2d', 'maxUnpool3d',
  'maxPoolBackward', 'maxPoolBackward1d', 'maxPoolBackward2d', 'maxPoolBackward3d',
  'maxUnpoolBackward',
  'maxPoolPlan', 'maxUnpoolPlan', 'maxPoolBackwardPlan', 'maxUnpoolBackwardPlan',
  'outputShape', 'unpoolOutputShape', 'convertIndices', 'tensor', 'stats',
]);

// Runs the Emscripten factory with `compile(imports)` → Promise<{ instance, module }> as its only
// way to get the wasm (so the glue never looks for a file itself); rejects instead of hanging.
export function instantiate(factory, compile) {
  return new Promise((resolve, reject) => {
    // Failures reach the caller through the rejection (onAbort gets the reason), so the glue's own
    // console output would only repeat them.
    const config = {
      onAbort: (what) => reject(new Error(String(what))),
      print: () => {},
      printErr: () => {},
      instantiateWasm: (imports, receive) => {
        Promise.resolve(imports).then(compile).then(({ instance, module }) => receive(instance, module), reject);
        return {};
      },
    };
    factory(config).then(resolve, reject);
  });
}

// The `compile` functions for instantiate(), one per way of getting the module.
export const fromModule = (module) => async (imports) => ({ module, instance: await WebAssembly.instantiate(module, imports) });

export function fromBytes(bytes, what) {
  return async (imports) => {
    const view = bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : bytes;
    if (!isWasm(view)) throw new Error(`${what} is not a WebAssembly module: ${describeBytes(view)}`);
    return WebAssembly.instantiate(view, imports);
  };
}

// Fetches `url` with streaming compilation when it is served as application/wasm; every failure
// says what was asked for, what came back and how to fix it. `explicit`: the URL came from
// init({ wasmUrl }) rather than from the package's own location.
export function fromUrl(url, explicit) {
  const fix = explicit ? FIX_WASM_URL : FIX_DEFAULT_URL;
  return async (imports) => {
    let response;
    try {
      response = await fetch(url, { credentials: 'same-origin' });
    } catch (error) {
      throw new Error(`fetch("${url}") failed (${error?.message ?? error}). ${fix}`);
    }
    const type = response.headers.get('content-type') ?? '(none)';
    const got = `GET ${url} → HTTP ${response.status}, content-type ${type}`;
    if (!response.ok) throw new Error(`${got}. ${fix}`);
    if (/^application\/wasm\b/i.test(type) && typeof WebAssembly.instantiateStreaming === 'function') {
      try {
        return await WebAssembly.instantiateStreaming(response, imports);
      } catch (error) {
        // Fetch it again to say what the bytes were (a failed streaming compile consumed them).
        const bytes = new Uint8Array(await (await fetch(url, { credentials: 'same-origin' })).arrayBuffer());
        throw new Error(`${got}, ${describeBytes(bytes)}: ${error?.message ?? error}. ${isWasm(bytes) ? '' : fix}`.trim());
      }
    }
    const bytes = new Uint8Array(await response.arrayBuffer());
    if (!isWasm(bytes)) throw new Error(`${got}, ${describeBytes(bytes)}: not a WebAssembly module. ${fix}`);
    return WebAssembly.instantiate(bytes, imports);
  };
}

const FIX_DEFAULT_URL =
  'argpool-wasm.wasm is not served next to the argpool script that asked for it: the bundler did not ' +
  'emit it (esbuild, Rollup) or a dev server pre-bundled the script away from it (Vite 6 and 7). ' +
  "Fix: import from 'argpool' or 'argpool/inline', which embed the module (no file to serve); or copy " +
  "node_modules/argpool/dist/argpool-wasm.wasm (also exported as 'argpool/argpool.wasm') to your served " +
  "files and pass its URL as init({ wasmUrl }); in Vite, also optimizeDeps: { exclude: ['argpool'] }. " +
  'See the README, "Bundlers".';
const FIX_WASM_URL =
  'init({ wasmUrl }) must be the URL at which node_modules/argpool/dist/argpool-wasm.wasm is served ' +
  "(relative URLs resolve against the page); or import from 'argpool/inline' and pass no wasmUrl.";

const WASM_MAGIC = [0x00, 0x61, 0x73, 0x6d];

export const isWasm = (bytes) => bytes.length >= 8 && WASM_MAGIC.every((byte, k) => bytes[k] === byte);

// "12345 bytes starting 3c 21 64 6f 63 74 79 70 ("<!doctyp…")": enough to tell an HTML page, a
// JSON error or an empty body from a module.
export function describeBytes(bytes) {
  if (bytes.length === 0) return 'an empty body';
  const head = Array.from(bytes.subarray(0, 16));
  const hex = head.map((byte) => byte.toString(16).padStart(2, '0')).join(' ');
  const printable = head.every((byte) => byte === 9 || byte === 10 || byte === 13 || (byte >= 32 && byte < 127));
  const text = printable ? ` ("${String.fromCharCode(...bytes.subarray(0, 40)).replace(/\s+/g, ' ')}${bytes.length > 40 ? '…' : ''}")` : '';
  return `${bytes.length} bytes starting ${hex}${text}`;
}

export function decodeBase64(text) {
  if (typeof Uint8Array.fromBase64 === 'function') return Uint8Array.fromBase64(text);
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let k = 0; k < binary.length; ++k) bytes[k] = binary.charCodeAt(k);
  return bytes;
}

// init({ wasmUrl }) as a string: a URL object (or anything with an href) or a string.
export const urlString = (url) => (typeof url?.href === 'string' ? url.href : String(url));

// The source init(options) asked for, else `fallback()`: a precompiled module, then bytes.
export function chooseSource(options, fallback) {
  if (options.wasmModule !== undefined) return fromModule(options.wasmModule);
  if (options.wasmBinary !== undefined) return fromBytes(options.wasmBinary, 'init({ wasmBinary })');
  return fallback();
}

// `load(options)` resolves to an instantiated Emscripten module.
export function createEntry(load) {
  let pending = null;
  let instance = null;

  function init(options = {}) {
    if (pending === null) {
      pending = Promise.resolve()
        .then(() => load(options))
        .then(
          (Module) => (instance = createArgpool(Module)),
          (cause) => {
            pending = null; // a later init() tries again
            throw new ArgpoolError(
              `argpool: failed to load the WebAssembly module: ${cause?.message ?? cause}`,
              'ARGPOOL_LOAD_FAILED', { cause });
          });
    }
    return pending;
  }

  const entry = { init };
  for (const name of API_NAMES) {
    entry[name] = (...args) => {
      if (instance === null) {
        throw new ArgpoolError(
          `argpool: ${name}() was called before init() resolved; use \`const ap = await init()\` first`,
          'ARGPOOL_NOT_INITIALIZED');
      }
      return instance[name](...args);
    };
  }
  return entry;
}
