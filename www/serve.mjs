// A local server for the browser page, with no dependencies beyond Node.js:
//
//   node www/serve.mjs [--port 8080] [--host 127.0.0.1] [--l1 URL] [--beacon URL]
//
// serves the repository root (so /www/ and the committed /fixtures/ load) and, when given,
// forwards /l1 to an L1 JSON-RPC node and /beacon/... to a beacon API. The page then reads L1
// from its own origin, so nodes that send no CORS headers (anvil 1.7's beacon routes, most
// beacon nodes) work: enter http://HOST:PORT/l1 and http://HOST:PORT/beacon in the page.
// Prints the page's URL once listening.
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { join, normalize, extname, resolve, dirname, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const TYPES = {
  '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript',
  '.wasm': 'application/wasm', '.json': 'application/json', '.css': 'text/css',
  '.png': 'image/png', '.ts': 'text/plain',
};
// Largest JSON-RPC request forwarded to the L1 node (the page sends small calls).
const MAX_RPC_BODY = 1 << 20;
const CORS = { 'access-control-allow-origin': '*', 'access-control-allow-headers': '*' };

async function readBody(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > MAX_RPC_BODY) throw new Error(`request body over ${MAX_RPC_BODY} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

async function forward(res, upstream) {
  const body = Buffer.from(await upstream.arrayBuffer());
  res.writeHead(upstream.status, {
    ...CORS,
    'content-type': upstream.headers.get('content-type') ?? 'application/json',
  });
  res.end(body);
}

/**
 * A request handler serving `root` and the optional `/l1` and `/beacon` proxies.
 * @param {{root: string, l1?: string, beacon?: string}} options
 */
export function createHandler({ root, l1, beacon }) {
  const base = resolve(root);
  return async (req, res) => {
    const { pathname, search } = new URL(req.url, 'http://localhost');
    try {
      if (req.method === 'OPTIONS') { res.writeHead(204, CORS); res.end(); return; }
      if (l1 && pathname === '/l1') {
        const body = await readBody(req);
        await forward(res, await fetch(l1, {
          method: 'POST', headers: { 'content-type': 'application/json' }, body,
        }));
        return;
      }
      if (beacon && pathname.startsWith('/beacon/')) {
        const target = `${beacon.replace(/\/$/, '')}${pathname.slice('/beacon'.length)}${search}`;
        await forward(res, await fetch(target));
        return;
      }
      let file = join(base, normalize(decodeURIComponent(pathname)));
      if (file !== base && !file.startsWith(base + sep)) throw new Error('outside the root');
      if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
      res.end(body);
    } catch (e) {
      // A node that cannot be reached is a gateway error (the page reports it), a missing
      // file a 404.
      const proxied = pathname === '/l1' || pathname.startsWith('/beacon/');
      res.writeHead(proxied ? 502 : 404, CORS);
      res.end(proxied ? `upstream: ${e.message}` : 'not found');
    }
  };
}

function parseArgs(argv) {
  const options = { port: 8080, host: '127.0.0.1' };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    if (flag === '--port') options.port = Number(value);
    else if (flag === '--host') options.host = value;
    else if (flag === '--l1') options.l1 = value;
    else if (flag === '--beacon') options.beacon = value;
    else throw new Error(`unknown option ${flag} (use --port, --host, --l1, --beacon)`);
  }
  if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535) {
    throw new Error(`--port must be 0..65535`);
  }
  return options;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  let options;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`error: ${e.message}`);
    process.exit(2);
  }
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const server = createServer(createHandler({ root, l1: options.l1, beacon: options.beacon }));
  server.on('error', (e) => { console.error(`error: ${e.message}`); process.exit(1); });
  server.listen(options.port, options.host, () => {
    const origin = `http://${options.host}:${server.address().port}`;
    console.log(`${origin}/www/`);
    if (options.l1) console.log(`L1 RPC: ${origin}/l1 -> ${options.l1}`);
    if (options.beacon) console.log(`beacon: ${origin}/beacon -> ${options.beacon}`);
  });
}
