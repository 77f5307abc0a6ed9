// Stands in for the Node built-ins (fs, path, os, perf_hooks) that TF.js's ESM bundles import
// but never use in a browser (web/bench.html's import map).
export default {};
