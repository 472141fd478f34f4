// Browser test of www/: Debian's Chromium driven by playwright-core (no browser download).
// Serves the repository root with www/serve.mjs on 127.0.0.1 (free port), loads the multi-fork demo, derives it,
// and checks that the page's attributes hashes equal the native ones; then checks the inspect
// box against `keel inspect` output for real batcher vectors. Saves a screenshot and a
// benchmark line under the artifacts directory. Run by scripts/test-browser.sh, which prepares:
//   KEEL_PLAYWRIGHT  path of the installed playwright-core package
//   KEEL_NATIVE      JSON from the native_derive example: {"hashes": [...], "ms": n}
//   KEEL_INSPECT     JSON list [{kind, network, input (hex), expected (keel inspect stdout)}]
//   KEEL_ARTIFACTS   directory for the screenshot and bench.json
//   KEEL_ANVIL_URL, KEEL_ANVIL_ROLLUP, KEEL_ANVIL_DERIVE (keel derive output), KEEL_ANVIL_NATIVE
//                    live mode: the anvil L1 with the test rollup, and what native derivation
//                    gives on it (the page must read anvil over fetch and derive the same)
import { createServer } from 'node:http';
import { createHandler } from '../serve.mjs';
import { createRequire } from 'node:module';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set (run scripts/test-browser.sh)`);
  return v;
};
const require = createRequire(join(env('KEEL_PLAYWRIGHT'), 'package.json'));
const { chromium } = require(env('KEEL_PLAYWRIGHT'));
const native = JSON.parse(await readFile(env('KEEL_NATIVE'), 'utf8'));
const inspectCases = JSON.parse(await readFile(env('KEEL_INSPECT'), 'utf8'));
const artifacts = env('KEEL_ARTIFACTS');
await mkdir(artifacts, { recursive: true });

const anvilUrl = env('KEEL_ANVIL_URL');
// anvil (1.7.1) sends CORS headers on its JSON-RPC but not on its beacon routes, so the page
// reads the beacon API through www/serve.mjs's /beacon proxy (what a researcher runs in front of
// anvil), which this server uses for everything but the error routes of the live mode's in-page
// messages: /mock-429 (rate limit), /mock-badjson, and /mock-noblobs (a beacon that answers
// genesis from anvil but has no blobs: 404).
async function mock(req, res, path) {
  const cors = { 'access-control-allow-origin': '*', 'access-control-allow-headers': '*' };
  if (req.method === 'OPTIONS') { res.writeHead(204, cors); res.end(); return; }
  if (path.startsWith('/mock-429')) { res.writeHead(429, cors); res.end('slow down'); return; }
  if (path.startsWith('/mock-badjson')) { res.writeHead(200, cors); res.end('<html>not json</html>'); return; }
  if (path === '/mock-noblobs/eth/v1/beacon/genesis') {
    const body = await (await fetch(`${anvilUrl}/eth/v1/beacon/genesis`)).text();
    res.writeHead(200, { ...cors, 'content-type': 'application/json' }); res.end(body); return;
  }
  res.writeHead(404, cors); res.end('{"code":404,"message":"no blobs"}');
}
const serve = createHandler({ root, beacon: anvilUrl });
const server = createServer(async (req, res) => {
  const pathname = new URL(req.url, 'http://x').pathname;
  if (pathname.startsWith('/mock-')) {
    try { await mock(req, res, pathname); } catch { res.writeHead(500); res.end('mock failed'); }
    return;
  }
  await serve(req, res);
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${server.address().port}/www/`;

const failures = [];
const check = (ok, message) => {
  if (ok) console.log(`ok: ${message}`);
  else { console.log(`FAIL: ${message}`); failures.push(message); }
};

const browser = await chromium.launch({
  executablePath: process.env.KEEL_CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--no-first-run'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1400 } });
  const consoleErrors = [];
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => consoleErrors.push(e.message));
  await page.goto(url);
  await page.waitForFunction(() => window.keel && window.keel.state !== 'loading', null, { timeout: 30000 });
  check(await page.evaluate(() => window.keel.state) === 'idle', 'wasm module loaded');

  await page.click('#demo');
  await page.waitForFunction(() => window.keel.state === 'idle' && !document.querySelector('#start').disabled, null, { timeout: 30000 });
  await page.click('#start');
  await page.waitForFunction(() => ['done', 'error'].includes(window.keel.state), null, { timeout: 300000 });
  const result = await page.evaluate(() => ({
    state: window.keel.state, error: window.keel.error, hashes: window.keel.hashes,
    deriveMs: window.keel.deriveMs, wallMs: window.keel.wallMs, stats: window.keel.stats,
    rows: document.querySelectorAll('#rows tr').length,
  }));
  check(result.state === 'done', `derivation finished (state ${result.state}${result.error ? `: ${result.error}` : ''})`);
  check(result.hashes.length === 269, `269 L2 blocks derived in the page (got ${result.hashes.length})`);
  check(result.rows === result.hashes.length, `table shows every block (${result.rows} rows)`);
  const same = result.hashes.length === native.hashes.length
    && result.hashes.every((h, i) => h === native.hashes[i]);
  check(same, 'attributes hashes equal the native OfflineDeriver (keel derive) ones');
  await page.click('#bench');
  await page.waitForFunction(() => window.keel.benchMs !== null || window.keel.error, null, { timeout: 120000 });
  const benchMs = await page.evaluate(() => window.keel.benchMs);
  check(benchMs !== null, `benchmark ran (${benchMs} ms)`);
  // The typed API itself (keel_wasm.d.ts): objects and arrays, not JSON text.
  const api = await page.evaluate(async () => {
    const m = await import(new URL('pkg/keel_wasm.js', location.href).href);
    const [rollup, l1] = await Promise.all(['rollup', 'l1'].map(
      (f) => fetch(`../fixtures/multi-fork/${f}.json`).then((r) => r.text())));
    const d = new m.FixtureDeriver(rollup, l1, 'cancun-from-genesis');
    const first = d.step();
    const many = d.stepMany(16);
    const progress = [];
    const final = d.runAll((s) => progress.push(s), 64);
    const out = {
      names: m.networkNames(), first, many, progress, final, stats: d.stats(),
      hashes: d.attributesHashes(), eof: d.step(),
    };
    d.free();
    return out;
  });
  const isStats = (s) => s !== null && typeof s === 'object' && typeof s.l2Blocks === 'number'
    && typeof s.done === 'boolean' && typeof s.safeHead === 'number';
  check(Array.isArray(api.names) && api.names.includes('op-mainnet'), `networkNames() is an array (${api.names})`);
  check(api.first.kind === 'origin' && typeof api.first.l1Block.number === 'number', `step() returns an event object (${JSON.stringify(api.first).slice(0, 120)})`);
  check(Array.isArray(api.many) && api.many.length === 16 && api.many.every((e) => typeof e.kind === 'string')
    && api.many.some((e) => e.kind === 'attributes' && /^0x[0-9a-f]{64}$/.test(e.attributesHash)
      && e.txHashes.length === e.txCount && Array.isArray(e.attributes.attributes.transactions)),
  'stepMany(16) returns 16 event objects with typed attributes events');
  check(api.progress.length >= 2 && api.progress.every(isStats) && api.progress.at(-1).done,
    `runAll progress gets stats objects (${api.progress.length} calls)`);
  check(isStats(api.final) && api.final.l2Blocks === 269 && api.final.done
    && JSON.stringify(api.final) === JSON.stringify(api.stats), 'runAll() and stats() return the same stats object (269 L2 blocks, done)');
  check(Array.isArray(api.hashes) && api.hashes.length === 269 && api.hashes.every((h, i) => h === native.hashes[i]),
    'attributesHashes() is the array of native attributes hashes');
  check(api.eof.kind === 'eof', 'step() after the end returns {kind: "eof"}');

  // Expand one block's tx list, then take the screenshot.
  await page.click('#rows tr:nth-child(2) details summary');
  await page.screenshot({ path: join(artifacts, 'derive-multi-fork.png'), fullPage: false });

  // Each vector with its kind chosen, then with the kind guessed ("auto").
  for (const c of inspectCases) {
    for (const kind of [c.kind, 'auto']) {
      const got = await page.evaluate(({ input, network, k }) => {
        document.querySelector('#inspect-input').value = input;
        document.querySelector('#inspect-kind').value = k;
        document.querySelector('#inspect-network').value = network;
        document.querySelector('#inspect-go').click();
        const out = document.querySelector('#inspect-output');
        return { raw: out.dataset.raw, text: out.textContent };
      }, { input: c.input, network: c.network, k: kind }).catch((e) => ({ raw: '', text: String(e) }));
      check(got.raw === c.expected.trim(), `inspect (${kind}) ${c.kind} ${c.name}: same JSON as keel inspect${got.raw ? '' : ` (${got.text.slice(0, 200)})`}`);
    }
    // The export itself returns the report as an object (`kind` as keel inspect names it).
    const direct = await page.evaluate(async ({ input, network, kind }) => {
      const m = await import(new URL('pkg/keel_wasm.js', location.href).href);
      const f = { tx: m.inspectTx, calldata: m.inspectCalldata, channel: m.inspectChannel }[kind];
      const report = f ? f(input, network) : m.inspectBlobs([input], network);
      return { type: typeof report, kind: report.kind, json: JSON.stringify(report) };
    }, c).catch((e) => ({ type: String(e) }));
    check(direct.type === 'object' && direct.kind === c.kind && direct.json === c.expected.trim(),
      `${{ tx: 'inspectTx', calldata: 'inspectCalldata', channel: 'inspectChannel', blob: 'inspectBlobs' }[c.kind]}() returns the ${c.kind} report object (${direct.type})`);
  }
  await page.evaluate(() => {
    document.querySelector('#inspect-input').value = '0x02abc';
    document.querySelector('#inspect-kind').value = 'tx';
    document.querySelector('#inspect-go').click();
  });
  const errText = await page.textContent('#inspect-output');
  check(errText.startsWith('error (tx): invalid hex input'), `inspect error shown in the page (${errText})`);
  check(consoleErrors.length === 0, `no console errors (${consoleErrors.join('; ')})`);

  // Live mode: the page reads the anvil L1 over fetch and derives what keel derive derives.
  const anvilRollup = await readFile(env('KEEL_ANVIL_ROLLUP'), 'utf8');
  const anvilDerive = (await readFile(env('KEEL_ANVIL_DERIVE'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
  const anvilNative = JSON.parse(await readFile(env('KEEL_ANVIL_NATIVE'), 'utf8'));
  // Fills the live-mode form for the anvil rollup and presses "Derive from L1".
  const clickLive = async (rpc, beacon, follow = false) => {
    await page.evaluate(({ rollup, rpc, beacon, follow }) => {
      document.querySelector('#network').value = '';
      document.querySelector('#rollup').value = rollup;
      document.querySelector('#schedule').value = 'cancun-from-genesis';
      document.querySelector('#l1-rpc').value = rpc;
      document.querySelector('#l1-beacon').value = beacon;
      document.querySelector('#l1-to').value = '';
      document.querySelector('#l1-follow').checked = follow;
    }, { rollup: anvilRollup, rpc, beacon, follow });
    await page.click('#live');
  };
  const startLive = async (rpc, beacon) => {
    await clickLive(rpc, beacon);
    await page.waitForFunction(() => window.keel.mode === 'live' && ['done', 'error'].includes(window.keel.state), null, { timeout: 120000 });
    return page.evaluate(() => ({
      state: window.keel.state, error: window.keel.error, hashes: window.keel.hashes,
      attributes: window.keel.attributes, stats: window.keel.stats, wallMs: window.keel.wallMs,
      rows: document.querySelectorAll('#rows tr').length,
      shown: document.querySelector('#error').classList.contains('shown') ? document.querySelector('#error').textContent : '',
    }));
  };
  const live = await startLive(anvilUrl, `${new URL(url).origin}/beacon`);
  check(live.state === 'done', `live derivation from anvil finished (state ${live.state}${live.error ? `: ${live.error}` : ''})`);
  check(live.hashes.length === anvilNative.hashes.length && live.hashes.length === 6, `live: ${live.hashes.length} L2 blocks (native ${anvilNative.hashes.length}, expected 6)`);
  check(live.hashes.every((h, i) => h === anvilNative.hashes[i]), 'live: attributes hashes equal the native ones (keel record + OfflineDeriver)');
  check(live.attributes.length === anvilDerive.length
    && live.attributes.every((a, i) => JSON.stringify(a) === JSON.stringify(anvilDerive[i])), 'live: every block\'s attributes JSON equals the keel derive line');
  check(live.rows === 6 && live.stats.blobs >= 1 && live.stats.batcherTxs >= 2, `live: table and stats (rows ${live.rows}, batcher txs ${live.stats.batcherTxs}, blobs ${live.stats.blobs})`);
  await page.screenshot({ path: join(artifacts, 'derive-anvil-live.png'), fullPage: false });
  check(consoleErrors.length === 0, `no console errors in live mode (${consoleErrors.join('; ')})`);

  // Failures are named in the page.
  const origin = new URL(url).origin;
  const cases = [
    ['http://127.0.0.1:1', 'http://127.0.0.1:1', 'L1: eth_chainId: cannot reach http://127.0.0.1:1', 'unreachable L1 (network or CORS)'],
    [`${origin}/mock-429`, `${origin}/mock-429`, 'rate limited', 'HTTP 429'],
    [`${origin}/mock-badjson`, `${origin}/mock-badjson`, 'is not JSON', 'bad JSON'],
    [anvilUrl, `${origin}/mock-noblobs`, 'L1 blob missing: beacon blobs of slot 3: the beacon node has no blobs for this block (HTTP 404)', 'missing blob (beacon 404)'],
  ];
  for (const [rpc, beacon, expected, what] of cases) {
    const r = await startLive(rpc, beacon);
    check(r.state === 'error' && r.shown.includes(expected), `live error shown in the page for ${what}: ${r.shown.slice(0, 160)}`);
  }
  await page.screenshot({ path: join(artifacts, 'live-error.png'), fullPage: false });

  // Following the head: past the last block the page keeps polling, reads blocks mined later
  // (12 s apart, on slot boundaries), and Stop ends the run; no new L2 blocks without batches.
  const anvilRpc = async (method, params) => {
    const res = await fetch(anvilUrl, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
    });
    return (await res.json()).result;
  };
  await page.evaluate(() => { window.keel.pollMs = 200; });
  await clickLive(anvilUrl, `${origin}/beacon`, true);
  await page.waitForFunction(() => document.querySelector('#status').textContent.startsWith('following the L1 head'), null, { timeout: 60000 });
  const before = await page.evaluate(() => window.keel.stats.l1Total);
  for (let i = 0; i < 2; i += 1) {
    const latest = await anvilRpc('eth_getBlockByNumber', ['latest', false]);
    await anvilRpc('evm_mine', [Number(BigInt(latest.timestamp)) + 12]);
  }
  await page.waitForFunction((n) => window.keel.stats.l1Total >= n, before + 2, { timeout: 60000 });
  await page.click('#stop');
  await page.waitForFunction(() => window.keel.state === 'stopped', null, { timeout: 30000 });
  const followed = await page.evaluate(() => ({
    state: window.keel.state, hashes: window.keel.hashes, l1Total: window.keel.stats.l1Total, error: window.keel.error,
  }));
  check(followed.state === 'stopped' && !followed.error && followed.l1Total === before + 2
    && followed.hashes.length === 6 && followed.hashes.every((h, i) => h === anvilNative.hashes[i]),
  `live: following the head read the ${followed.l1Total - before} L1 blocks mined after it, then Stop ended the run (${followed.state}${followed.error ? `: ${followed.error}` : ''})`);

  const bench = {
    fixture: 'fixtures/multi-fork', l2Blocks: result.hashes.length,
    browserMs: Math.round(benchMs * 10) / 10, nativeMs: Math.round(native.ms * 10) / 10,
    ratio: Math.round((benchMs / native.ms) * 100) / 100,
    liveViewDeriveMs: Math.round(result.deriveMs), liveViewWallMs: Math.round(result.wallMs),
    wasmGzipBytes: Number(process.env.KEEL_WASM_GZIP ?? 0) || undefined,
    liveAnvilWallMs: Math.round(live.wallMs),
  };
  await writeFile(join(artifacts, 'bench.json'), `${JSON.stringify(bench)}\n`);
  console.log(`bench: ${JSON.stringify(bench)}`);
} finally {
  await browser.close();
  server.close();
}
if (failures.length) {
  console.log(`${failures.length} browser check(s) failed`);
  process.exit(1);
}
console.log('browser test passed');
