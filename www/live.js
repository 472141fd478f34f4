// Live L1 for the page: JSON-RPC and beacon REST over `fetch`, with typed errors the page shows
// in its error box, and the loop that feeds a wasm LiveDeriver block by block. The wasm side
// checks every answer (header hash, roots, receipts, chaining, blob sizes); this file only
// fetches, retries rate-limited requests and names what went wrong.

/**
 * Why an L1 request failed.
 * kind: 'network' (unreachable, or the browser blocked the answer: CORS), 'rate-limit' (HTTP 429
 * or JSON-RPC -32005 after retries), 'missing-blob' (beacon 404/410: pruned or wrong slot),
 * 'not-found' (no such block yet), 'bad-json', 'http' (another status), 'rpc' (a JSON-RPC error).
 */
export class L1Error extends Error {
  /** @param {string} kind @param {string} message */
  constructor(kind, message) {
    super(message);
    this.name = 'L1Error';
    this.kind = kind;
  }
}

const RETRIES = 4;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Origin of a URL without path or query (which may carry an API key). */
function originOf(url) {
  try {
    return new URL(url).origin;
  } catch {
    return 'the given URL';
  }
}

/** One HTTP request; network failures, statuses and bad JSON become L1Errors. */
async function request(url, init, what, { blob = false } = {}) {
  for (let attempt = 1; ; attempt += 1) {
    let res;
    try {
      res = await fetch(url, init);
    } catch (e) {
      throw new L1Error('network', `${what}: cannot reach ${originOf(url)} (${e instanceof Error ? e.message : e}). The server is down, the URL is wrong, or the browser blocked the answer because the server does not allow this page's origin (CORS: it must send Access-Control-Allow-Origin; anvil does by default).`);
    }
    if (res.status === 429) {
      if (attempt <= RETRIES) {
        await sleep(250 * 2 ** attempt);
        continue;
      }
      throw new L1Error('rate-limit', `${what}: rate limited by ${originOf(url)} (HTTP 429 after ${attempt} attempts); wait, or use an endpoint with a higher limit.`);
    }
    const text = await res.text();
    if (blob && (res.status === 404 || res.status === 410)) {
      throw new L1Error('missing-blob', `${what}: the beacon node has no blobs for this block (HTTP ${res.status}): blobs are pruned after about 18 days, or the beacon URL is for another chain.`);
    }
    if (!res.ok) {
      throw new L1Error('http', `${what}: HTTP ${res.status} from ${originOf(url)}: ${text.slice(0, 200)}`);
    }
    try {
      return JSON.parse(text);
    } catch (e) {
      throw new L1Error('bad-json', `${what}: the answer from ${originOf(url)} is not JSON (${e.message}): ${text.slice(0, 120)}`);
    }
  }
}

/** An L1 execution node (JSON-RPC) and beacon node (REST). */
export class L1Client {
  /** @param {string} rpcUrl @param {string} beaconUrl */
  constructor(rpcUrl, beaconUrl) {
    this.rpcUrl = rpcUrl;
    this.beaconUrl = beaconUrl.replace(/\/+$/, '');
    this.id = 0;
  }

  /** A JSON-RPC call; returns `result` (may be null). */
  async rpc(method, params) {
    for (let attempt = 1; ; attempt += 1) {
      this.id += 1;
      const body = JSON.stringify({ jsonrpc: '2.0', id: this.id, method, params });
      const answer = await request(this.rpcUrl, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body,
      }, method);
      if (answer && answer.error) {
        const { code, message } = answer.error;
        if (code === -32005 && attempt <= RETRIES) {
          await sleep(250 * 2 ** attempt);
          continue;
        }
        throw new L1Error(code === -32005 ? 'rate-limit' : 'rpc', `${method}: JSON-RPC error ${code}: ${message}`);
      }
      if (!answer || typeof answer !== 'object' || !('result' in answer)) {
        throw new L1Error('bad-json', `${method}: not a JSON-RPC answer`);
      }
      return answer.result;
    }
  }

  async chainId() {
    return Number(BigInt(await this.rpc('eth_chainId', [])));
  }

  async blockNumber() {
    return Number(BigInt(await this.rpc('eth_blockNumber', [])));
  }

  /** The block with full transactions and its receipts, as JSON text for the wasm deriver. */
  async block(number) {
    const block = await this.rpc('eth_getBlockByNumber', [`0x${number.toString(16)}`, true]);
    if (block === null) throw new L1Error('not-found', `L1 block ${number} not found (past the head?)`);
    let receipts = [];
    if (block.transactions.length > 0) {
      try {
        receipts = await this.rpc('eth_getBlockReceipts', [block.hash]);
      } catch (e) {
        // Nodes without eth_getBlockReceipts: one request per transaction.
        if (!(e instanceof L1Error) || e.kind !== 'rpc') throw e;
        receipts = await Promise.all(block.transactions.map((tx) => this.rpc('eth_getTransactionReceipt', [tx.hash])));
      }
      if (!Array.isArray(receipts)) throw new L1Error('bad-json', `receipts of L1 block ${number}: not a list`);
    }
    return { blockJson: JSON.stringify(block), receiptsJson: JSON.stringify(receipts) };
  }

  /** Beacon genesis time in seconds. */
  async beaconGenesisTime() {
    const answer = await request(`${this.beaconUrl}/eth/v1/beacon/genesis`, { headers: { accept: 'application/json' } }, 'beacon genesis');
    const time = Number(answer?.data?.genesis_time);
    if (!Number.isFinite(time)) throw new L1Error('bad-json', 'beacon genesis: no data.genesis_time');
    return time;
  }

  /** The beacon `blobs` answer for a slot, filtered to the given versioned hashes (JSON text). */
  async blobs(slot, hashes) {
    const query = hashes.map((h) => `versioned_hashes=${h}`).join('&');
    const answer = await request(`${this.beaconUrl}/eth/v1/beacon/blobs/${slot}?${query}`, { headers: { accept: 'application/json' } }, `beacon blobs of slot ${slot}`, { blob: true });
    return JSON.stringify(answer);
  }
}

/**
 * Feeds a LiveDeriver: returns `feed(number)`, which fetches L1 block `number` (and its batcher
 * blobs) and adds it, prefetching up to `ahead` further blocks. Past `to` it resolves to false,
 * unless `follow()` is true: then it polls the head every `pollMs` (calling `onWait(number)`)
 * until block `number` exists or `follow()` turns false (the page's Stop).
 * @param {L1Client} client
 * @param {import('./pkg/keel_wasm.js').LiveDeriver} deriver
 * @param {number} to last block
 * @param {{ahead?: number, onBlock?: (added: import('./pkg/keel_wasm.js').BlockAdded) => void,
 *   follow?: () => boolean, pollMs?: number, onWait?: (number: number) => void}} [options]
 * @returns {(number: number) => Promise<boolean>}
 */
export function l1Feeder(client, deriver, to, {
  ahead = 6, onBlock = () => {}, follow = () => false, pollMs = 4000, onWait = () => {},
} = {}) {
  const inflight = new Map();
  const get = (n) => {
    if (!inflight.has(n)) {
      const p = client.block(n);
      p.catch(() => {}); // surfaced when awaited
      inflight.set(n, p);
    }
    return inflight.get(n);
  };
  return async (number) => {
    while (number > to) {
      if (!follow()) return false;
      onWait(number);
      await sleep(pollMs);
      if (!follow()) return false;
      to = Math.max(to, await client.blockNumber());
    }
    for (let n = number; n <= Math.min(to, number + ahead); n += 1) get(n);
    const { blockJson, receiptsJson } = await get(number);
    inflight.delete(number);
    const added = deriver.addBlock(blockJson, receiptsJson);
    if (added.blobHashes.length > 0) {
      deriver.addBlobs(await client.blobs(added.slot, added.blobHashes));
    }
    onBlock(added);
    return true;
  };
}
