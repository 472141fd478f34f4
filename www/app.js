// keel in the browser: derivation from a recorded fixture or a live L1 (JSON-RPC + beacon over
// fetch, www/live.js) with a live view, and the inspect box. No framework: the wasm bundle
// (www/pkg, built by scripts/build-wasm.sh) does the work, this file only wires the page. State
// the browser test reads is on `window.keel`.
import init, {
  FixtureDeriver, LiveDeriver, inspectTx, inspectCalldata, inspectBlobs, inspectChannel, networkNames,
} from './pkg/keel_wasm.js';
import { L1Client, L1Error, l1Feeder } from './live.js';

const $ = (id) => document.getElementById(id);
const page = {
  state: 'loading', // loading | idle | running | stopped | done | error
  error: null,
  mode: null, // fixture | live
  hashes: [],
  blocks: [],
  attributes: [], // the keel derive JSON line of each block (live mode)
  stats: null,
  deriveMs: 0,
  wallMs: 0,
  benchMs: null,
  pollMs: 4000, // how often live mode asks for a new L1 head when following it
};
window.keel = page;

let fixtureText = null;
let fixtureChainId = null;
let deriver = null;
let stopRequested = false;

function setState(state, text) {
  page.state = state;
  document.body.dataset.state = state;
  const s = $('status');
  s.textContent = text ?? state;
  s.className = state === 'done' ? 'done' : '';
  $('start').disabled = state === 'running' || state === 'loading' || fixtureText === null;
  $('live').disabled = state === 'running' || state === 'loading';
  $('stop').disabled = state !== 'running';
  $('bench').disabled = state === 'running' || state === 'loading' || fixtureText === null;
}

function showError(message) {
  const box = $('error');
  box.textContent = message;
  box.classList.add('shown');
  page.error = message;
}

function clearError() {
  $('error').classList.remove('shown');
  page.error = null;
}

// wasm-bindgen turns a Rust error into a JS Error; anything else thrown is shown as is.
const messageOf = (e) => (e instanceof Error ? e.message : String(e));

window.addEventListener('error', (e) => showError(`Unexpected error: ${e.message}`));
window.addEventListener('unhandledrejection', (e) => showError(`Unexpected error: ${messageOf(e.reason)}`));

// ---------- loading inputs ----------

async function fetchText(url, what) {
  let res;
  try {
    res = await fetch(url);
  } catch (e) {
    throw new Error(`could not fetch ${what} (${url}): ${messageOf(e)}. Serve the repository root over HTTP (not file://), e.g. \`node www/serve.mjs\`, and open /www/.`);
  }
  if (!res.ok) {
    const hint = res.status === 429 ? ' (rate limited: try again later)' : '';
    throw new Error(`could not fetch ${what} (${url}): HTTP ${res.status}${hint}`);
  }
  return res.text();
}

function useFixture(text, name) {
  let parsed;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new Error(`${name} is not JSON: ${messageOf(e)}`);
  }
  if (parsed.format !== 'keel-l1-fixture') {
    throw new Error(`${name} is not a keel L1 fixture (format is ${JSON.stringify(parsed.format)}, expected "keel-l1-fixture")`);
  }
  fixtureText = text;
  fixtureChainId = parsed.l1ChainId ?? parsed.l1_chain_id ?? null;
  const blocks = parsed.blocks?.length ?? 0;
  const first = parsed.blocks?.[0]?.header?.number;
  const last = parsed.blocks?.[blocks - 1]?.header?.number;
  $('fixture-info').textContent =
    `${name}: ${blocks} L1 blocks (${Number(first)}..${Number(last)}), ${parsed.blobs?.length ?? 0} blobs, L1 chain id ${fixtureChainId}`;
  setState('idle', 'ready');
}

async function loadDemo() {
  clearError();
  try {
    const [rollup, l1] = await Promise.all([
      fetchText('../fixtures/multi-fork/rollup.json', 'the demo rollup config'),
      fetchText('../fixtures/multi-fork/l1.json', 'the demo L1 fixture'),
    ]);
    $('network').value = '';
    $('rollup').value = rollup;
    $('schedule').value = 'cancun-from-genesis';
    useFixture(l1, 'multi-fork demo');
  } catch (e) {
    showError(messageOf(e));
  }
}

async function readFile(input) {
  const file = input.files?.[0];
  return file ? { name: file.name, text: await file.text() } : null;
}

// ---------- derivation ----------

function rollupArg() {
  const network = $('network').value;
  if (network) return network;
  const text = $('rollup').value.trim();
  if (!text) throw new Error('choose a network or paste a rollup config');
  return text;
}

function scheduleArg() {
  const chosen = $('schedule').value;
  if (chosen !== 'auto') return chosen;
  if (fixtureChainId === 1) return 'mainnet';
  if (fixtureChainId === 11155111) return 'sepolia';
  return 'cancun-from-genesis';
}

const fmt = (n) => Number(n).toLocaleString('en-US');

/** @param {import('./pkg/keel_wasm.js').DeriveStats} stats */
function renderStats(stats) {
  page.stats = stats;
  $('s-l1').textContent = `${fmt(stats.l1Blocks)} / ${fmt(stats.l1Total)}`;
  $('s-txs').textContent = fmt(stats.batcherTxs);
  $('s-blobs').textContent = fmt(stats.blobs);
  $('s-bytes').textContent = fmt(stats.batcherBytes);
  $('s-channels').textContent = fmt(stats.channels);
  $('s-batches').textContent = fmt(stats.batches);
  $('s-l2').textContent = fmt(stats.l2Blocks);
  $('s-resets').textContent = fmt(stats.resets);
  $('s-head').textContent = `#${stats.safeHead}`;
  $('s-origin').textContent = `#${stats.l1Origin}`;
  $('s-time').textContent = page.deriveMs.toFixed(0);
  const rate = page.deriveMs > 0 ? (stats.l2Blocks * 1000) / page.deriveMs : 0;
  $('s-rate').textContent = rate.toFixed(0);
}

// Throughput chart: L2 blocks derived per 100 ms bucket of wall time.
const chart = { buckets: [], start: 0 };

function recordThroughput(now, blocks) {
  const i = Math.floor((now - chart.start) / 100);
  while (chart.buckets.length <= i) chart.buckets.push(0);
  chart.buckets[i] += blocks;
}

function drawChart() {
  const canvas = $('chart');
  const ctx = canvas.getContext('2d');
  const { width, height } = canvas;
  ctx.clearRect(0, 0, width, height);
  const data = chart.buckets;
  const max = Math.max(1, ...data);
  const n = Math.max(data.length, 50);
  const w = width / n;
  ctx.fillStyle = '#d0342c';
  data.forEach((v, i) => {
    const h = (v / max) * (height - 18);
    ctx.fillRect(i * w, height - h, Math.max(1, w - 1), h);
  });
  ctx.fillStyle = '#667085';
  ctx.font = '11px system-ui, sans-serif';
  ctx.fillText(`L2 blocks per 100 ms (max ${max})`, 6, 12);
}

/** @param {import('./pkg/keel_wasm.js').AttributesEvent} ev */
function addRow(ev) {
  const block = ev.l2Block;
  const attrs = ev.attributes;
  const origin = block.l1Origin;
  const tr = document.createElement('tr');
  tr.dataset.hash = ev.attributesHash;
  const ts = new Date(Number(block.timestamp) * 1000).toISOString().replace('.000Z', 'Z');
  const txs = document.createElement('details');
  const summary = document.createElement('summary');
  summary.textContent = `${ev.txCount}`;
  txs.append(summary);
  txs.addEventListener('toggle', () => {
    if (!txs.open || txs.querySelector('ol')) return;
    const ol = document.createElement('ol');
    ol.start = 0;
    ev.txHashes.forEach((h, i) => {
      const li = document.createElement('li');
      const raw = attrs.attributes.transactions?.[i] ?? '';
      const type = raw.startsWith('0x7e') ? 'deposit' : `type 0x${raw.slice(2, 4)}`;
      li.className = 'mono';
      li.textContent = `${h} (${type}, ${(raw.length - 2) / 2} bytes)`;
      ol.append(li);
    });
    txs.append(ol);
  });
  const cells = [
    [`#${block.number}`, 'mono'],
    [ts, 'mono'],
    [`#${origin.number}`, 'mono'],
    [txs, ''],
    [ev.attributesHash, 'mono'],
  ];
  for (const [content, cls] of cells) {
    const td = document.createElement('td');
    if (cls) td.className = cls;
    td.append(content);
    tr.append(td);
  }
  return tr;
}

const MAX_ROWS = 5000;

function resetView() {
  clearError();
  stopRequested = false;
  page.hashes = [];
  page.blocks = [];
  page.attributes = [];
  page.deriveMs = 0;
  $('rows').textContent = '';
  $('blocks-note').textContent = '';
  chart.buckets = [];
}

// Steps `d` (a FixtureDeriver or LiveDeriver) until the fixture ends or `needL1` says false,
// rendering between ~25 ms slices. `needL1(number)` fetches and adds L1 block `number`.
async function runLoop(d, needL1, label) {
  setState('running', label);
  const started = performance.now();
  chart.start = started;
  let done = false;
  try {
    while (!done && !stopRequested) {
      const sliceStart = performance.now();
      const fragment = document.createDocumentFragment();
      let derived = 0;
      let need = null;
      while (!done && need === null && performance.now() - sliceStart < 25) {
        const t0 = performance.now();
        const events = d.stepMany(64);
        page.deriveMs += performance.now() - t0;
        for (const ev of events) {
          if (ev.kind === 'attributes') {
            page.hashes.push(ev.attributesHash);
            page.blocks.push({
              number: ev.l2Block.number,
              timestamp: ev.l2Block.timestamp,
              l1Origin: ev.l2Block.l1Origin.number,
              txCount: ev.txCount,
            });
            if (page.mode === 'live') page.attributes.push(ev.attributes);
            if (page.hashes.length <= MAX_ROWS) fragment.append(addRow(ev));
            derived += 1;
          } else if (ev.kind === 'eof') {
            done = true;
          } else if (ev.kind === 'needL1') {
            need = ev.number;
          }
        }
      }
      $('rows').append(fragment);
      recordThroughput(performance.now(), derived);
      renderStats(d.stats());
      drawChart();
      if (need !== null) {
        $('status').textContent = `reading L1 block ${fmt(need)}…`;
        // A feeder that gives up because Stop was pressed (while following the head) stops
        // the run; otherwise the L1 data is exhausted.
        if (!(await needL1(need)) && !stopRequested) done = true;
      } else {
        await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
      }
    }
  } catch (e) {
    page.wallMs = performance.now() - started;
    renderStats(d.stats());
    showError(e instanceof L1Error
      ? `L1 ${e.kind === 'network' ? 'unreachable' : e.kind === 'rate-limit' ? 'rate limit' : e.kind === 'missing-blob' ? 'blob missing' : e.kind === 'bad-json' ? 'answer is not JSON' : 'request failed'}: ${e.message}`
      : `Derivation stopped: ${messageOf(e)}`);
    setState('error', 'error');
    return;
  }
  page.wallMs = performance.now() - started;
  if (page.hashes.length > MAX_ROWS) {
    $('blocks-note').textContent = `(showing the first ${fmt(MAX_ROWS)} of ${fmt(page.hashes.length)})`;
  }
  renderStats(d.stats());
  drawChart();
  if (done) {
    setState('done', `done: ${fmt(page.hashes.length)} L2 blocks in ${page.deriveMs.toFixed(0)} ms of derivation (${(page.wallMs / 1000).toFixed(2)} s with ${page.mode === 'live' ? 'L1 requests and ' : ''}rendering)`);
  } else {
    setState('stopped', `stopped at ${fmt(page.hashes.length)} L2 blocks`);
  }
}

async function derive() {
  resetView();
  page.mode = 'fixture';
  try {
    deriver?.free();
    deriver = null;
    deriver = new FixtureDeriver(rollupArg(), fixtureText, scheduleArg());
  } catch (e) {
    showError(`Cannot start: ${messageOf(e)}`);
    setState('error', 'error');
    return;
  }
  await runLoop(deriver, async () => false, 'deriving…');
}

// Live mode: the page asks the L1 nodes itself (they must allow this page's origin: CORS).
async function deriveLive() {
  resetView();
  page.mode = 'live';
  const rpc = $('l1-rpc').value.trim();
  const beacon = $('l1-beacon').value.trim() || rpc;
  if (!rpc) {
    showError('Enter an L1 RPC URL (and a beacon URL, if not the same server).');
    setState('error', 'error');
    return;
  }
  setState('running', 'connecting to the L1…');
  const client = new L1Client(rpc, beacon);
  let to;
  try {
    const chainId = await client.chainId();
    fixtureChainId = chainId;
    deriver?.free();
    deriver = null;
    deriver = new LiveDeriver(rollupArg(), scheduleArg());
    if (chainId !== deriver.l1ChainId()) {
      throw new Error(`the L1 RPC serves chain ${chainId}, but the rollup's L1 is chain ${deriver.l1ChainId()}`);
    }
    deriver.setBeaconGenesisTime(await client.beaconGenesisTime());
    const head = await client.blockNumber();
    const toText = $('l1-to').value.trim();
    to = toText ? Math.min(Number(toText), head) : head;
    if (!Number.isSafeInteger(to)) throw new Error(`"to L1 block" is not a block number: ${toText}`);
  } catch (e) {
    showError(e instanceof L1Error ? `L1: ${e.message}` : `Cannot start: ${messageOf(e)}`);
    setState('error', 'error');
    return;
  }
  const following = $('l1-follow').checked && !$('l1-to').value.trim();
  $('fixture-info').textContent = following
    ? `live L1 ${new URL(rpc).host}, chain ${fixtureChainId}, following the head (now ${fmt(to)})`
    : `live L1 ${new URL(rpc).host}, chain ${fixtureChainId}, up to block ${fmt(to)}`;
  const feeder = l1Feeder(client, deriver, to, {
    follow: () => following && !stopRequested,
    pollMs: page.pollMs,
    onWait: (number) => { $('status').textContent = `following the L1 head: waiting for block ${fmt(number)}…`; },
  });
  await runLoop(deriver, feeder, 'deriving from the L1…');
}

// Derivation speed without the live view: fresh derivers run to the end inside wasm (no event
// objects), best of seven. Compare with the native_derive example on the same fixture.
async function benchmark() {
  clearError();
  $('bench-result').textContent = 'benchmarking…';
  await new Promise((r) => setTimeout(r, 0));
  try {
    const rollup = rollupArg();
    const schedule = scheduleArg();
    let best = Infinity;
    let stats = null;
    for (let i = 0; i < 7; i += 1) {
      const d = new FixtureDeriver(rollup, fixtureText, schedule);
      const t0 = performance.now();
      stats = d.runAll();
      best = Math.min(best, performance.now() - t0);
      d.free();
    }
    page.benchMs = best;
    $('bench-result').textContent =
      `benchmark: ${fmt(stats.l2Blocks)} L2 blocks from ${fmt(stats.l1Blocks)} L1 blocks in ${best.toFixed(1)} ms (best of 7), ${((stats.l2Blocks * 1000) / best).toFixed(0)} blocks/s`;
  } catch (e) {
    $('bench-result').textContent = '';
    showError(`Benchmark failed: ${messageOf(e)}`);
  }
}

// ---------- inspect ----------

function bytesLen(hex) {
  return hex.replace(/^0x/i, '').replace(/\s+/g, '').length / 2;
}

// Kinds to try for pasted data, most likely first: a blob is 131072 bytes, calldata starts with
// version 0x00, a transaction with a type byte (1..4) or an RLP list; 0x01 is also a brotli
// channel's first byte, so a channel is always the last resort.
function guessKinds(text) {
  const hex = text.trim().replace(/^0x/i, '').replace(/\s+/g, '');
  if (bytesLen(text.trim()) === 131072 || /\n\s*\n/.test(text.trim())) return ['blob'];
  const first = parseInt(hex.slice(0, 2), 16);
  if (first === 0) return ['calldata', 'channel'];
  if (first >= 0xc0 || (first >= 1 && first <= 4)) return ['tx', 'channel'];
  return ['channel', 'tx'];
}

/** @returns {import('./pkg/keel_wasm.js').InspectReport} */
function inspectAs(kind, input, network) {
  if (kind === 'tx') return inspectTx(input, network);
  if (kind === 'calldata') return inspectCalldata(input, network);
  if (kind === 'channel') return inspectChannel(input, network);
  return inspectBlobs(input.trim().split(/\n\s*\n/), network);
}

function runInspect() {
  const out = $('inspect-output');
  const input = $('inspect-input').value;
  const chosen = $('inspect-kind').value;
  const kinds = chosen === 'auto' ? guessKinds(input) : [chosen];
  let firstError = null;
  try {
    const net = $('inspect-network').value;
    const network = net === '@rollup' ? rollupArg() : net || undefined;
    for (const kind of kinds) {
      try {
        const report = inspectAs(kind, input, network);
        out.textContent = JSON.stringify(report, null, 2);
        out.dataset.kind = kind;
        // Single-line form: `keel inspect`'s own output, which the browser test compares with.
        out.dataset.raw = JSON.stringify(report);
        return;
      } catch (e) {
        firstError ??= `error (${kind}): ${messageOf(e)}`;
      }
    }
  } catch (e) {
    firstError ??= `error: ${messageOf(e)}`;
  }
  out.textContent = firstError;
  out.dataset.raw = '';
}

// ---------- wiring ----------

async function main() {
  setState('loading', 'loading the wasm module…');
  try {
    await init();
  } catch (e) {
    showError(`Could not load the wasm module (www/pkg): ${messageOf(e)}. Build it with scripts/build-wasm.sh.`);
    setState('error', 'error');
    return;
  }
  for (const name of networkNames()) {
    for (const sel of [$('network'), $('inspect-network')]) {
      const o = document.createElement('option');
      o.value = name;
      o.textContent = name;
      sel.append(o);
    }
  }
  const o = document.createElement('option');
  o.value = '@rollup';
  o.textContent = 'the rollup config above';
  $('inspect-network').append(o);

  $('demo').addEventListener('click', loadDemo);
  $('fixture-file').addEventListener('change', async (e) => {
    clearError();
    try {
      const f = await readFile(e.target);
      if (f) useFixture(f.text, f.name);
    } catch (err) {
      showError(messageOf(err));
    }
  });
  $('rollup-file').addEventListener('change', async (e) => {
    const f = await readFile(e.target);
    if (f) {
      $('network').value = '';
      $('rollup').value = f.text;
    }
  });
  $('inspect-file').addEventListener('change', async (e) => {
    const file = e.target.files?.[0];
    if (!file) return;
    const bytes = new Uint8Array(await file.arrayBuffer());
    const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
    // Raw binary files are shown as hex so the box always holds text.
    $('inspect-input').value = /^[\s0-9a-fA-Fx]*$/.test(text)
      ? text
      : `0x${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
  });
  $('inspect-go').addEventListener('click', runInspect);
  $('start').addEventListener('click', derive);
  $('live').addEventListener('click', deriveLive);
  $('stop').addEventListener('click', () => { stopRequested = true; });
  $('bench').addEventListener('click', benchmark);
  setState('idle', 'load a fixture to start');
  drawChart();
}

main();
