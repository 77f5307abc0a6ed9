// Static server for the demo and benchmark pages: serves web/, the files an npm user of argpool
// gets (bindings/js/ and dist/), the benchmark's browser-safe core (tools/bench/core.mjs, tfjs-peer-rows.mjs), the TF.js-wasm files its peer rows load, and the
// kernel tester whose memory-bound kernel the benchmark page times (build/wasm/tester/,
// tests/support/tester-core.mjs) from the repository root on 127.0.0.1, nothing else. Used by tools/demo.mjs (`npm run demo`) and
// started in-process by tests/demo.test.mjs and tests/bench-page.test.mjs.
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { dirname, extname, join, posix, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

// The only top-level folders the pages need, and single files outside them.
const ALLOWED_PREFIXES = ['/web/', '/bindings/js/', '/dist/', '/build/wasm/tester/'];
// web/bench.html's rows and bound, and TF.js-wasm for its peer rows.
const ALLOWED_FILES = ['/tools/bench/core.mjs', '/tools/bench/tfjs-peer-rows.mjs', '/tests/support/tester-core.mjs',
  '/node_modules/@tensorflow/tfjs-core/dist/tf-core.fesm.js', '/node_modules/@tensorflow/tfjs-backend-wasm/dist/tf-backend-wasm.fesm.js',
  '/node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm', '/node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm'];

// Short addresses → the pages.
const REDIRECTS = { '/': '/web/', '/web': '/web/', '/bench.html': '/web/bench.html' };

// The benchmark page is cross-origin isolated (everything it loads is same-origin): browsers then
// give performance.now() a finer resolution (Chromium: 5 µs instead of 100 µs).
const ISOLATED = new Set(['/web/bench.html']);
const ISOLATION_HEADERS = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

const CONTENT_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ts': 'text/plain; charset=utf-8',
};

function send(response, status, message, headers = {}) {
  response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', ...headers });
  response.end(response.req.method === 'HEAD' ? undefined : `${message}\n`);
}

// Maps a request path to a file under `root`, or returns null when it is not servable.
export function resolveRequestPath(root, rawPath) {
  let path;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    return null;
  }
  if (path.includes('\0') || path.includes('\\')) return null;
  if (path === '/' || path === '/web') path = '/web/';
  const normalized = posix.normalize(path);
  if (normalized !== path) return null; // no '..', '.' or empty segments
  if (!ALLOWED_PREFIXES.some((prefix) => normalized.startsWith(prefix)) && !ALLOWED_FILES.includes(normalized)) return null;
  const relative = normalized.endsWith('/') ? normalized + 'index.html' : normalized;
  return join(root, ...relative.split('/').filter(Boolean));
}

async function handle(root, realRoot, request, response) {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    send(response, 405, 'method not allowed', { Allow: 'GET, HEAD' });
    return;
  }
  const url = new URL(request.url, 'http://127.0.0.1');
  if (Object.hasOwn(REDIRECTS, url.pathname)) {
    const location = REDIRECTS[url.pathname] + url.search;
    send(response, 302, `see ${location}`, { Location: location });
    return;
  }
  const file = resolveRequestPath(root, url.pathname);
  if (file === null) {
    send(response, 404, 'not found');
    return;
  }
  let real;
  let info;
  try {
    real = await realpath(file);
    info = await stat(real);
  } catch {
    send(response, 404, 'not found');
    return;
  }
  // Symbolic links must not lead out of the repository.
  if (!real.startsWith(realRoot + sep) || !info.isFile()) {
    send(response, 404, 'not found');
    return;
  }
  response.writeHead(200, {
    'Content-Type': CONTENT_TYPES[extname(real)] ?? 'application/octet-stream',
    'Content-Length': info.size,
    'Cache-Control': 'no-store', // the lead rebuilds dist/ often; never serve a stale module
    'X-Content-Type-Options': 'nosniff',
    ...(ISOLATED.has(url.pathname) ? ISOLATION_HEADERS : {}),
  });
  if (request.method === 'HEAD') {
    response.end();
    return;
  }
  const stream = createReadStream(real);
  stream.on('error', () => response.destroy());
  stream.pipe(response);
}

// Starts the server; resolves to { server, port, url, close() }. port 0 picks a free port.
export async function startServer({ port = 8080, host = '127.0.0.1', root = REPO_ROOT } = {}) {
  const realRoot = await realpath(root);
  const server = createServer((request, response) => {
    handle(root, realRoot, request, response).catch(() => {
      if (!response.headersSent) send(response, 500, 'internal error');
      else response.destroy();
    });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const actualPort = server.address().port;
  return {
    server,
    port: actualPort,
    url: `http://${host}:${actualPort}/`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections?.();
      }),
  };
}
