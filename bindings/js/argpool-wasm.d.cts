// `require('argpool/argpool.wasm')`: see argpool-wasm.d.ts (a bundler's asset rule makes the file its URL).
declare const wasmUrl: string;
export = wasmUrl;
