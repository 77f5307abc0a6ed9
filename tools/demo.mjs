// `npm run demo`: serves the demo page (web/) and the benchmark page (web/bench.html) with the built
// package on 127.0.0.1 until interrupted.
// Port: --port <n> (or --port=<n>), else $PORT, else 8080; 0 picks a free port.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { REPO_ROOT, startServer } from './serve.mjs';

function parsePort(argv, env) {
  let value = env.PORT;
  for (let i = 0; i < argv.length; ++i) {
    if (argv[i] === '--port') value = argv[++i];
    else if (argv[i].startsWith('--port=')) value = argv[i].slice('--port='.length);
    else {
      console.error(`argpool demo: unknown argument '${argv[i]}' (usage: node tools/demo.mjs [--port <n>])`);
      process.exit(2);
    }
  }
  if (value === undefined || value === '') return 8080;
  const port = Number(value);
  if (!/^\d+$/.test(String(value).trim()) || port > 65535) {
    console.error(`argpool demo: the port must be an integer from 0 to 65535, got '${value}'`);
    process.exit(2);
  }
  return port;
}

const port = parsePort(process.argv.slice(2), process.env);
for (const file of ['dist/argpool-wasm.mjs', 'dist/argpool-wasm.wasm']) {
  if (!existsSync(join(REPO_ROOT, file))) {
    console.error(`argpool demo: ${file} is missing; build it with \`node tools/build.mjs --wasm-only\` (or run \`npm run demo\`)`);
    process.exit(1);
  }
}

let served;
try {
  served = await startServer({ port });
} catch (error) {
  const hint = error.code === 'EADDRINUSE' ? ` (port ${port} is in use; try --port <n>)` : '';
  console.error(`argpool demo: cannot listen on 127.0.0.1:${port}: ${error.message}${hint}`);
  process.exit(1);
}
console.log(`argpool demo: serving ${served.url}web/  (Ctrl+C to stop)`);
console.log(`argpool benchmark page: ${served.url}web/bench.html  (?quick: fast mode, ?run: start at once, ?only=<regex>)`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (stopping) process.exit(1);
    stopping = true;
    served.close().then(() => process.exit(0));
  });
}
