// `argpool/argpool.wasm`: the compiled module as a file, for setups that serve it themselves.
// What the import gives is the bundler's: the file's URL with an asset rule (webpack
// `type: 'asset/resource'`, esbuild `--loader:.wasm=file`, Parcel `url:`, Vite `?url`); pass it as
// init({ wasmUrl }).
declare const wasmUrl: string;
export default wasmUrl;
