//! Live derivation from an L1 node: JavaScript fetches blocks, receipts and blobs (JSON-RPC and
//! beacon REST over `fetch`, see `www/live.js`) and hands the answers to a [`LiveDeriver`],
//! which checks them the way `keel record` does and grows an in-memory L1 the pipeline reads.
//!
//! The pipeline's host traits are synchronous, so the protocol is pull-by-event: stepping
//! reports `{"kind":"needL1","number":n}` when the pipeline has used up the L1 it has, the page
//! fetches block `n` ([`LiveDeriver::add_block`]) and, when the block has blob transactions to
//! the batch inbox, their blobs ([`LiveDeriver::add_blobs`]), then steps again.
//!
//! Checks on every block: the header hashes to the hash the node claims, the number is the one
//! asked for, it builds on the previous block (an L1 reorg is reported, not followed), the
//! transactions and receipts match the header's roots, and every receipt belongs to its
//! transaction. Blobs: 131072 bytes of canonical field elements whose KZG commitment gives a
//! versioned hash of the block's batcher transactions (computed in pure Rust, [`crate::kzg`],
//! since c-kzg does not build for wasm32-unknown-unknown), as `keel record` checks them.

use alloy_consensus::{Header, Transaction, TxEnvelope};
use alloy_primitives::{B256, Bytes};
use alloy_rpc_types_eth::{Block, BlockTransactions, TransactionReceipt};
use keel_core::{
    config::RollupConfig,
    derive::{host::Blob, offline::OfflineDeriver},
    fixture::{
        FixtureError, FixtureHost, ServedReceipt, VerifiedBlock, check_follows, verify_block,
    },
};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

use crate::{
    WasmError,
    deriver::{BlobSchedule, DeriveEventJson, Driver, StatsJson},
    inspect::resolve_config,
    js_err,
    kzg::{BLS_MODULUS, KzgSetup},
    to_js,
};

/// Beacon slot length on Ethereum and its testnets.
const SECONDS_PER_SLOT: u64 = 12;

/// Why an L1 answer was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LiveError {
    /// The block JSON is not an `eth_getBlockByNumber(n, true)` result.
    #[error("L1 block {number}: not a block with full transactions: {reason}")]
    BlockJson {
        /// Block asked for.
        number: u64,
        /// Decoder message.
        reason: String,
    },
    /// The receipts JSON is not a list of receipts.
    #[error("L1 block {number}: bad receipts JSON: {reason}")]
    ReceiptsJson {
        /// Block number.
        number: u64,
        /// Decoder message.
        reason: String,
    },
    /// The beacon answer is not `{"data": [blob hex, ...]}`.
    #[error("L1 block {number}: bad beacon blobs JSON: {reason}")]
    BlobsJson {
        /// Block number.
        number: u64,
        /// Decoder message.
        reason: String,
    },
    /// The block does not hold together (number, header hash, transactions, receipts).
    #[error(transparent)]
    Block(#[from] FixtureError),
    /// The first block is not the rollup's genesis L1 block.
    #[error(
        "L1 block {number} is {got}, but the rollup's genesis L1 block is {expected}: wrong L1 for this rollup?"
    )]
    Genesis {
        /// Genesis L1 number.
        number: u64,
        /// Hash served.
        got: B256,
        /// Hash in the rollup config.
        expected: B256,
    },
    /// The block does not build on the previous one.
    #[error(
        "L1 block {number} does not build on block {previous} {previous_hash}: the L1 reorganized (live mode does not follow reorgs; start again)"
    )]
    Reorg {
        /// Block number.
        number: u64,
        /// Previous block number.
        previous: u64,
        /// Previous block hash as read.
        previous_hash: B256,
    },
    /// A block was given while the previous one still waits for its blobs, or blobs were given
    /// with no block waiting.
    #[error("out of order: {0}")]
    Order(String),
    /// A served blob's KZG commitment matches no versioned hash of the block.
    #[error(
        "L1 block {number} (slot {slot}): the beacon node sent a blob with versioned hash {hash}, which no transaction of the block references"
    )]
    BlobMismatch {
        /// Block number.
        number: u64,
        /// Beacon slot.
        slot: u64,
        /// The blob's versioned hash (from its KZG commitment).
        hash: B256,
    },
    /// A batcher blob was not served.
    #[error(
        "L1 block {number} (slot {slot}): the beacon node has no blob with versioned hash {hash} (pruned?)"
    )]
    BlobMissing {
        /// Block number.
        number: u64,
        /// Beacon slot.
        slot: u64,
        /// The missing blob's versioned hash.
        hash: B256,
    },
    /// The KZG commitment could not be computed.
    #[error("L1 block {number}: {reason}")]
    Kzg {
        /// Block number.
        number: u64,
        /// What failed.
        reason: String,
    },
    /// A blob is malformed.
    #[error("L1 block {number} (slot {slot}): blob {index} is not a blob ({reason})")]
    BadBlob {
        /// Block number.
        number: u64,
        /// Beacon slot.
        slot: u64,
        /// Position in the answer.
        index: usize,
        /// Size or field element problem.
        reason: String,
    },
    /// The block's timestamp is not on a slot boundary after beacon genesis.
    #[error(
        "L1 block {number}: timestamp {timestamp} is not on a 12-second slot after beacon genesis {genesis_time}"
    )]
    NotOnSlot {
        /// Block number.
        number: u64,
        /// Timestamp.
        timestamp: u64,
        /// Beacon genesis time.
        genesis_time: u64,
    },
}

impl From<LiveError> for WasmError {
    fn from(e: LiveError) -> Self {
        WasmError::Live(e.to_string())
    }
}

/// A checked block waiting for its batcher blobs.
struct Pending {
    block: VerifiedBlock,
    /// Versioned hashes of the blobs of transactions to the batch inbox, in block order.
    wanted: Vec<B256>,
    /// Every versioned hash of the block, in block order.
    all: Vec<B256>,
    slot: u64,
}

/// What JavaScript must fetch after [`LiveDeriver::add_block`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BlockAdded {
    /// Block number.
    pub number: u64,
    /// Block hash.
    pub hash: B256,
    /// Beacon slot of the block (`None` when no blobs are needed and the genesis time is
    /// unknown).
    pub slot: Option<u64>,
    /// Versioned hashes of the batcher blobs to fetch (then call `addBlobs`); empty when the
    /// block is complete.
    pub blob_hashes: Vec<B256>,
}

#[derive(Deserialize)]
struct BeaconBlobs {
    data: Vec<Bytes>,
}

/// Derivation from a live L1, fed block by block by JavaScript.
#[wasm_bindgen]
pub struct LiveDeriver {
    cfg: RollupConfig,
    schedule: BlobSchedule,
    genesis_time: Option<u64>,
    /// The L1 read so far, grown block by block.
    host: FixtureHost,
    pending: Option<Pending>,
    driver: Option<Driver>,
    kzg: Option<KzgSetup>,
    verify_blobs: bool,
}

impl LiveDeriver {
    /// A deriver for the rollup (network name, op-node JSON or chain TOML); nothing is read yet.
    pub fn create(rollup: &str, schedule: BlobSchedule) -> Result<Self, WasmError> {
        let (cfg, _) = resolve_config(rollup)?;
        Ok(Self {
            cfg,
            schedule,
            genesis_time: None,
            host: FixtureHost::default(),
            pending: None,
            driver: None,
            kzg: None,
            verify_blobs: true,
        })
    }

    /// Sets the beacon chain's genesis time (`/eth/v1/beacon/genesis`), for blob slots.
    pub fn set_beacon_genesis_time(&mut self, time: u64) {
        self.genesis_time = Some(time);
    }

    /// Whether blobs are checked against their versioned hashes by KZG commitment (default
    /// true). Off only for synthetic chains whose versioned hashes are not real commitments
    /// (keel's multi-fork test chain); then blobs are matched by position in the block.
    pub fn set_verify_blobs(&mut self, verify: bool) {
        self.verify_blobs = verify;
    }

    /// The next L1 block to fetch: the rollup's genesis L1 block first.
    pub fn next_block(&self) -> u64 {
        match (&self.pending, self.host.tip()) {
            (Some(p), _) => p.block.block_ref().number,
            (None, Some(last)) => last.number.saturating_add(1),
            (None, None) => self.cfg.genesis.l1.number,
        }
    }

    /// The L1 chain id the rollup config names.
    pub fn l1_chain_id(&self) -> u64 {
        self.cfg.l1_chain_id
    }

    /// Checks a block (`eth_getBlockByNumber(n, true)` result JSON) and its receipts
    /// (`eth_getBlockReceipts` result JSON, or the per-transaction receipts as a JSON list) and
    /// appends it, or holds it until [`Self::add_blobs`] when it has batcher blobs.
    pub fn add_block(
        &mut self,
        block_json: &str,
        receipts_json: &str,
    ) -> Result<BlockAdded, WasmError> {
        if let Some(p) = &self.pending {
            return Err(LiveError::Order(format!(
                "block {} still waits for its blobs",
                p.block.block_ref().number
            ))
            .into());
        }
        let asked = self.next_block();
        let block: Block = serde_json::from_str(block_json)
            .map_err(|e| LiveError::BlockJson { number: asked, reason: e.to_string() })?;
        let loaded = self.check_block(asked, block, receipts_json)?;
        let number = loaded.block_ref().number;
        let hash = loaded.block_ref().hash;
        let inbox = self.cfg.batch_inbox_address;
        let mut all: Vec<B256> = Vec::new();
        let mut wanted: Vec<B256> = Vec::new();
        for tx in loaded.transactions() {
            let Some(hashes) = tx.blob_versioned_hashes() else { continue };
            all.extend_from_slice(hashes);
            if tx.to() == Some(inbox) {
                for h in hashes {
                    if !wanted.contains(h) {
                        wanted.push(*h);
                    }
                }
            }
        }
        let slot = self.genesis_time.map(|genesis_time| slot_of(loaded.header(), genesis_time));
        if wanted.is_empty() {
            self.commit(loaded, Vec::new())?;
            return Ok(BlockAdded {
                number,
                hash,
                slot: slot.and_then(Result::ok),
                blob_hashes: wanted,
            });
        }
        let slot = slot
            .ok_or_else(|| {
                LiveError::Order("set the beacon genesis time before blocks with blobs".into())
            })?
            .map_err(WasmError::from)?;
        self.pending = Some(Pending { block: loaded, wanted: wanted.clone(), all, slot });
        Ok(BlockAdded { number, hash, slot: Some(slot), blob_hashes: wanted })
    }

    fn check_block(
        &self,
        asked: u64,
        block: Block,
        receipts_json: &str,
    ) -> Result<VerifiedBlock, LiveError> {
        let claimed = block.header.hash;
        let served: Vec<TxEnvelope> = match block.transactions {
            BlockTransactions::Full(txs) => txs.into_iter().map(|tx| tx.into_inner()).collect(),
            BlockTransactions::Hashes(hashes) if hashes.is_empty() => Vec::new(),
            _ => {
                return Err(LiveError::BlockJson {
                    number: asked,
                    reason: "transaction hashes instead of full transactions".into(),
                });
            }
        };
        let receipts = if served.is_empty() {
            Vec::new()
        } else {
            let receipts: Vec<TransactionReceipt> = serde_json::from_str(receipts_json)
                .map_err(|e| LiveError::ReceiptsJson { number: asked, reason: e.to_string() })?;
            receipts.into_iter().map(served_receipt).collect()
        };
        let verified = verify_block(asked, claimed, block.header.inner, served, receipts)?;
        match self.host.tip() {
            Some(prev) => check_follows(&prev, &verified.block_ref()).map_err(|_| {
                LiveError::Reorg { number: asked, previous: prev.number, previous_hash: prev.hash }
            })?,
            None => {
                let genesis = self.cfg.genesis.l1;
                if claimed != genesis.hash {
                    return Err(LiveError::Genesis {
                        number: asked,
                        got: claimed,
                        expected: genesis.hash,
                    });
                }
            }
        }
        Ok(verified)
    }

    /// Completes the waiting block with the beacon node's answer (`/eth/v1/beacon/blobs/{slot}`
    /// JSON, `{"data": [blob hex, ...]}`), asked with the block's batcher versioned hashes as
    /// filter. Each blob is matched to its versioned hash by KZG commitment; the block's other
    /// blobs (from a node ignoring the filter) are skipped, any other blob is refused.
    pub fn add_blobs(&mut self, beacon_json: &str) -> Result<(), WasmError> {
        let pending = self
            .pending
            .take()
            .ok_or_else(|| LiveError::Order("no block waits for blobs".into()))?;
        match self.check_blobs(&pending, beacon_json) {
            Ok(blobs) => Ok(self.commit(pending.block, blobs)?),
            Err(e) => {
                // The block stays waiting: the page may fetch its blobs again.
                self.pending = Some(pending);
                Err(e.into())
            }
        }
    }

    fn check_blobs(
        &mut self,
        pending: &Pending,
        beacon_json: &str,
    ) -> Result<Vec<(B256, Box<Blob>)>, LiveError> {
        let number = pending.block.block_ref().number;
        let slot = pending.slot;
        let served: BeaconBlobs = serde_json::from_str(beacon_json)
            .map_err(|e| LiveError::BlobsJson { number, reason: e.to_string() })?;
        if !self.verify_blobs {
            return Self::positional_blobs(pending, served.data);
        }
        let kzg = self.kzg(number)?;
        let mut found: Vec<Option<Box<Blob>>> = pending.wanted.iter().map(|_| None).collect();
        for (index, data) in served.data.into_iter().enumerate() {
            let blob: Box<Blob> = data.as_ref().try_into().map(Box::new).map_err(|_| {
                LiveError::BadBlob { number, slot, index, reason: format!("{} bytes", data.len()) }
            })?;
            if let Some(element) = blob.chunks_exact(32).position(|fe| fe >= &BLS_MODULUS[..]) {
                return Err(LiveError::BadBlob {
                    number,
                    slot,
                    index,
                    reason: format!("field element {element} is not below the BLS modulus"),
                });
            }
            let hash = kzg
                .versioned_hash(&blob)
                .map_err(|e| LiveError::Kzg { number, reason: e.to_string() })?;
            match pending.wanted.iter().position(|w| *w == hash).and_then(|i| found.get_mut(i)) {
                Some(entry) => *entry = Some(blob),
                // A node that ignores the versioned-hash filter sends the block's other blobs.
                None if pending.all.contains(&hash) => {}
                None => return Err(LiveError::BlobMismatch { number, slot, hash }),
            }
        }
        pending
            .wanted
            .iter()
            .zip(found)
            .map(|(hash, blob)| match blob {
                Some(blob) => Ok((*hash, blob)),
                None => Err(LiveError::BlobMissing { number, slot, hash: *hash }),
            })
            .collect()
    }

    /// Without KZG: blobs taken in block order, as many as asked for (or all of the block's).
    fn positional_blobs(
        pending: &Pending,
        served: Vec<Bytes>,
    ) -> Result<Vec<(B256, Box<Blob>)>, LiveError> {
        let number = pending.block.block_ref().number;
        let slot = pending.slot;
        let hashes: &[B256] =
            if served.len() == pending.all.len() { &pending.all } else { &pending.wanted };
        let mut out = Vec::new();
        for (index, hash) in hashes.iter().enumerate() {
            let data =
                served.get(index).ok_or(LiveError::BlobMissing { number, slot, hash: *hash })?;
            let blob: Box<Blob> = data.as_ref().try_into().map(Box::new).map_err(|_| {
                LiveError::BadBlob { number, slot, index, reason: format!("{} bytes", data.len()) }
            })?;
            if pending.wanted.contains(hash) {
                out.push((*hash, blob));
            }
        }
        Ok(out)
    }

    /// The KZG setup, decoded on first use (only blocks with batcher blobs need it).
    fn kzg(&mut self, number: u64) -> Result<&KzgSetup, LiveError> {
        if self.kzg.is_none() {
            let setup =
                KzgSetup::load().map_err(|e| LiveError::Kzg { number, reason: e.to_string() })?;
            self.kzg = Some(setup);
        }
        self.kzg.as_ref().ok_or_else(|| LiveError::Kzg { number, reason: "no setup".into() })
    }

    fn commit(
        &mut self,
        block: VerifiedBlock,
        blobs: Vec<(B256, Box<Blob>)>,
    ) -> Result<(), LiveError> {
        let block_ref = block.block_ref();
        // Checked against the tip when the block came; the tip has not moved since.
        self.host.push_block(block)?;
        self.host.add_blobs(blobs);
        if self.driver.is_none() {
            self.driver = Some(Driver::new(OfflineDeriver::from_genesis(
                self.cfg.clone(),
                self.schedule.schedule(),
                block_ref,
            )));
        }
        Ok(())
    }

    /// One event; `{"kind":"needL1","number":n}` when block `n` must be added first.
    pub fn next_event(&mut self) -> Result<LiveEventJson, WasmError> {
        let Some(driver) = self.driver.as_mut() else {
            return Ok(LiveEventJson::NeedL1 { number: self.next_block() });
        };
        if self.pending.is_none()
            && let Some(event) = driver.step(&mut &self.host, &mut &self.host)?
        {
            return Ok(LiveEventJson::Event(driver.event_json(event)));
        }
        Ok(LiveEventJson::NeedL1 { number: self.next_block() })
    }

    /// Run totals (`l1Total` is the number of L1 blocks read from the node so far).
    pub fn totals(&self) -> StatsJson {
        let l1_total = self.host.block_count() as u64;
        match &self.driver {
            Some(d) => d.totals(l1_total, false),
            None => StatsJson { l1_total, ..StatsJson::default() },
        }
    }

    /// The attributes hashes so far.
    pub fn hashes(&self) -> &[B256] {
        self.driver.as_ref().map_or(&[], |d| &d.hashes)
    }
}

/// A live event as sent to JavaScript: the fixture deriver's events, or
/// `{"kind":"needL1","number":n}`.
#[derive(Clone, Debug, PartialEq)]
pub enum LiveEventJson {
    /// A derivation event.
    Event(DeriveEventJson),
    /// The pipeline needs L1 block `number`.
    NeedL1 {
        /// The block to add next.
        number: u64,
    },
}

impl Serialize for LiveEventJson {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct NeedL1 {
            kind: &'static str,
            number: u64,
        }
        match self {
            Self::Event(event) => event.serialize(s),
            Self::NeedL1 { number } => NeedL1 { kind: "needL1", number: *number }.serialize(s),
        }
    }
}

fn slot_of(header: &Header, genesis_time: u64) -> Result<u64, LiveError> {
    match header.timestamp.checked_sub(genesis_time) {
        Some(since) if since % SECONDS_PER_SLOT == 0 => Ok(since / SECONDS_PER_SLOT),
        _ => Err(LiveError::NotOnSlot {
            number: header.number,
            timestamp: header.timestamp,
            genesis_time,
        }),
    }
}

/// A receipt as the JSON-RPC serves it, with where it says it belongs.
fn served_receipt(receipt: TransactionReceipt) -> ServedReceipt {
    ServedReceipt {
        block_hash: receipt.block_hash,
        transaction_index: receipt.transaction_index,
        transaction_hash: receipt.transaction_hash,
        receipt: receipt.into_primitives_receipt().inner,
    }
}

#[wasm_bindgen]
impl LiveDeriver {
    /// `new LiveDeriver(rollupConfig, blobSchedule)`: a network name or rollup config text, and
    /// `"mainnet"`, `"sepolia"` or `"cancun-from-genesis"`.
    #[wasm_bindgen(constructor)]
    pub fn js_new(
        #[wasm_bindgen(js_name = rollupConfig)] rollup_config: &str,
        #[wasm_bindgen(
            js_name = blobSchedule,
            unchecked_param_type = "\"mainnet\" | \"sepolia\" | \"cancun-from-genesis\""
        )]
        blob_schedule: &str,
    ) -> Result<LiveDeriver, JsError> {
        BlobSchedule::parse(blob_schedule)
            .and_then(|s| Self::create(rollup_config, s))
            .map_err(js_err)
    }

    /// Sets the beacon genesis time in seconds (from `/eth/v1/beacon/genesis`).
    #[wasm_bindgen(js_name = setBeaconGenesisTime)]
    pub fn js_set_beacon_genesis_time(&mut self, time: f64) {
        self.set_beacon_genesis_time(time as u64);
    }

    /// Whether blobs are verified by KZG commitment (default true; off only for synthetic test
    /// chains with made-up versioned hashes).
    #[wasm_bindgen(js_name = setVerifyBlobs)]
    pub fn js_set_verify_blobs(&mut self, verify: bool) {
        self.set_verify_blobs(verify);
    }

    /// The L1 block number to fetch next.
    #[wasm_bindgen(js_name = nextBlock)]
    pub fn js_next_block(&self) -> f64 {
        self.next_block() as f64
    }

    /// The L1 chain id of the rollup config (compare with `eth_chainId`).
    #[wasm_bindgen(js_name = l1ChainId)]
    pub fn js_l1_chain_id(&self) -> f64 {
        self.l1_chain_id() as f64
    }

    /// Adds the next block: `blockJson` is the `eth_getBlockByNumber(n, true)` result,
    /// `receiptsJson` the block's receipts (a JSON list). When the result's `blobHashes` is not
    /// empty, fetch those blobs of `slot` and call `addBlobs`.
    #[wasm_bindgen(js_name = addBlock, unchecked_return_type = "BlockAdded")]
    pub fn js_add_block(
        &mut self,
        #[wasm_bindgen(js_name = blockJson)] block_json: &str,
        #[wasm_bindgen(js_name = receiptsJson)] receipts_json: &str,
    ) -> Result<JsValue, JsError> {
        to_js(&self.add_block(block_json, receipts_json).map_err(js_err)?)
    }

    /// Completes the waiting block with the beacon `blobs` answer (`{"data": [...]}` JSON).
    #[wasm_bindgen(js_name = addBlobs)]
    pub fn js_add_blobs(
        &mut self,
        #[wasm_bindgen(js_name = beaconJson)] beacon_json: &str,
    ) -> Result<(), JsError> {
        self.add_blobs(beacon_json).map_err(js_err)
    }

    /// Up to `max` events, ending with `{kind: "needL1", number}` when the pipeline needs
    /// another L1 block (the other kinds are the fixture deriver's, but for `eof`).
    #[wasm_bindgen(js_name = stepMany, unchecked_return_type = "LiveEvent[]")]
    pub fn js_step_many(&mut self, max: u32) -> Result<JsValue, JsError> {
        let mut events = Vec::new();
        for _ in 0..max.max(1) {
            let event = self.next_event().map_err(js_err)?;
            let need = matches!(event, LiveEventJson::NeedL1 { .. });
            events.push(event);
            if need {
                break;
            }
        }
        to_js(&events)
    }

    /// Run totals (as `FixtureDeriver.stats`; `l1Total` counts blocks read so far).
    #[wasm_bindgen(js_name = stats, unchecked_return_type = "DeriveStats")]
    pub fn js_stats(&self) -> Result<JsValue, JsError> {
        to_js(&self.totals())
    }

    /// The attributes hashes derived so far, in order.
    #[wasm_bindgen(js_name = attributesHashes, unchecked_return_type = "Hex[]")]
    pub fn js_attributes_hashes(&self) -> Vec<String> {
        self.hashes().iter().map(ToString::to_string).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_consensus::ReceiptEnvelope;
    use alloy_eips::eip2718::Decodable2718;
    use keel_core::fixture::{FixtureBlock, L1Fixture};
    use serde_json::{Value, json};

    const GENESIS_TIME: u64 = 1_700_000_000 - 12 * 1000;

    fn multi_fork() -> (String, L1Fixture) {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/multi-fork");
        let l1 = std::fs::read_to_string(format!("{dir}/l1.json")).unwrap();
        (
            std::fs::read_to_string(format!("{dir}/rollup.json")).unwrap(),
            L1Fixture::from_json(&l1).unwrap(),
        )
    }

    /// A fixture block as an L1 JSON-RPC node serves it: the block with full transactions,
    /// and its receipts.
    fn rpc_json(block: &FixtureBlock) -> (Value, Value) {
        let hash = block.header.hash_slow();
        let number = format!("{:#x}", block.header.number);
        let txs: Vec<TxEnvelope> = block
            .transactions
            .iter()
            .map(|raw| TxEnvelope::decode_2718(&mut raw.as_ref()).unwrap())
            .collect();
        let mut rpc_txs = Vec::new();
        let mut rpc_receipts = Vec::new();
        for (i, (tx, raw_receipt)) in txs.iter().zip(&block.receipts).enumerate() {
            let mut t = serde_json::to_value(tx).unwrap();
            t["from"] = json!(alloy_primitives::Address::ZERO);
            t["blockHash"] = json!(hash);
            t["blockNumber"] = json!(number);
            t["transactionIndex"] = json!(format!("{i:#x}"));
            rpc_txs.push(t);
            let receipt = ReceiptEnvelope::decode_2718(&mut raw_receipt.as_ref()).unwrap();
            let mut r = serde_json::to_value(&receipt).unwrap();
            r["transactionHash"] = json!(tx.tx_hash());
            r["transactionIndex"] = json!(format!("{i:#x}"));
            r["blockHash"] = json!(hash);
            r["blockNumber"] = json!(number);
            r["gasUsed"] = json!("0x0");
            r["effectiveGasPrice"] = json!("0x0");
            r["from"] = json!(alloy_primitives::Address::ZERO);
            r["to"] = json!(tx.to());
            r["contractAddress"] = Value::Null;
            for log in r["logs"].as_array_mut().unwrap() {
                log["blockHash"] = json!(hash);
                log["blockNumber"] = json!(number);
                log["transactionHash"] = json!(tx.tx_hash());
                log["transactionIndex"] = json!(format!("{i:#x}"));
                log["logIndex"] = json!("0x0");
                log["removed"] = json!(false);
            }
            rpc_receipts.push(r);
        }
        let mut b = serde_json::to_value(&block.header).unwrap();
        b["hash"] = json!(hash);
        b["uncles"] = json!([]);
        b["transactions"] = Value::Array(rpc_txs);
        (b, Value::Array(rpc_receipts))
    }

    fn beacon_json(fixture: &L1Fixture, hashes: &[B256]) -> String {
        let data: Vec<&Bytes> = hashes
            .iter()
            .map(|h| &fixture.blobs.iter().find(|b| b.versioned_hash == *h).unwrap().data)
            .collect();
        json!({ "data": data }).to_string()
    }

    fn feed(d: &mut LiveDeriver, fixture: &L1Fixture, number: u64) -> Result<(), WasmError> {
        let first = fixture.blocks[0].header.number;
        let block = &fixture.blocks[(number - first) as usize];
        let (b, r) = rpc_json(block);
        let added = d.add_block(&b.to_string(), &r.to_string())?;
        assert_eq!(added.number, number);
        assert_eq!(added.slot, Some(number));
        if !added.blob_hashes.is_empty() {
            d.add_blobs(&beacon_json(fixture, &added.blob_hashes))?;
        }
        Ok(())
    }

    #[test]
    fn live_derivation_of_the_multi_fork_chain_equals_the_fixture_deriver() {
        let (rollup, fixture) = multi_fork();
        let mut expected = crate::FixtureDeriver::load(
            &rollup,
            &fixture.to_json().unwrap(),
            BlobSchedule::CancunFromGenesis,
        )
        .unwrap();
        expected.run_to_end().unwrap();

        let mut d = LiveDeriver::create(&rollup, BlobSchedule::CancunFromGenesis).unwrap();
        d.set_beacon_genesis_time(GENESIS_TIME);
        // The test chain's versioned hashes are made up, not KZG commitments.
        d.set_verify_blobs(false);
        let last = fixture.blocks.last().unwrap().header.number;
        let mut blobs_fed = 0;
        loop {
            match d.next_event().unwrap() {
                LiveEventJson::NeedL1 { number } if number > last => break,
                LiveEventJson::NeedL1 { number } => {
                    let before = d.host.blob_count();
                    feed(&mut d, &fixture, number).unwrap();
                    blobs_fed += d.host.blob_count() - before;
                }
                LiveEventJson::Event(_) => {}
            }
        }
        assert_eq!(d.hashes().len(), 269);
        assert_eq!(d.hashes(), expected.hashes());
        assert!(blobs_fed > 0, "the chain has blob batches");
        let stats = d.totals();
        assert_eq!(stats.l2_blocks, 269);
        assert_eq!(stats.l1_total, fixture.blocks.len() as u64);
        let event = crate::deriver::json(&LiveEventJson::NeedL1 { number: 7 }).unwrap();
        assert_eq!(event, r#"{"kind":"needL1","number":7}"#);
    }

    #[test]
    fn bad_l1_answers_are_typed_errors() {
        let (rollup, fixture) = multi_fork();
        let mut d = LiveDeriver::create(&rollup, BlobSchedule::CancunFromGenesis).unwrap();
        assert_eq!(d.next_block(), 1000);
        let live = |e: WasmError| match e {
            WasmError::Live(m) => m,
            other => panic!("not a live error: {other}"),
        };
        // Not JSON, not a block.
        let e = live(d.add_block("{", "[]").unwrap_err());
        assert!(e.starts_with("L1 block 1000: not a block"), "{e}");
        // Another block than asked.
        let (b1, r1) = rpc_json(&fixture.blocks[1]);
        let e = live(d.add_block(&b1.to_string(), &r1.to_string()).unwrap_err());
        assert_eq!(e, "asked the L1 RPC for block 1000, got block 1001");
        // A header field changed: the hash no longer matches.
        let (mut b0, r0) = rpc_json(&fixture.blocks[0]);
        b0["gasUsed"] = json!("0x1");
        let e = live(d.add_block(&b0.to_string(), &r0.to_string()).unwrap_err());
        assert!(e.contains("header hashes to"), "{e}");
        // Blobs before any block waits for them.
        let e = live(d.add_blobs(r#"{"data":[]}"#).unwrap_err());
        assert_eq!(e, "out of order: no block waits for blobs");
        // A block of another chain as genesis.
        let mut other = LiveDeriver::create("op-mainnet", BlobSchedule::Mainnet).unwrap();
        let (b0, r0) = rpc_json(&fixture.blocks[0]);
        let mut b0_other = b0.clone();
        b0_other["number"] = json!(format!("{:#x}", other.next_block()));
        assert!(other.add_block(&b0_other.to_string(), &r0.to_string()).is_err());

        // The chain up to the first blob block, then bad blob answers.
        d.set_beacon_genesis_time(GENESIS_TIME);
        let blob_block = fixture
            .blocks
            .iter()
            .position(|b| {
                b.transactions.iter().any(|raw| {
                    TxEnvelope::decode_2718(&mut raw.as_ref())
                        .unwrap()
                        .blob_versioned_hashes()
                        .is_some()
                })
            })
            .unwrap();
        for i in 0..blob_block {
            feed(&mut d, &fixture, 1000 + i as u64).unwrap();
        }
        let (b, r) = rpc_json(&fixture.blocks[blob_block]);
        // Receipts that do not match the transactions.
        let e = live(d.add_block(&b.to_string(), "[]").unwrap_err());
        assert!(e.contains("receipts do not match the transactions (0 receipts for"), "{e}");
        let added = d.add_block(&b.to_string(), &r.to_string()).unwrap();
        assert!(!added.blob_hashes.is_empty());
        // Another block while this one waits.
        let e = live(d.add_block(&b.to_string(), &r.to_string()).unwrap_err());
        assert!(e.starts_with("out of order: block"), "{e}");
        let e = live(d.add_blobs("not json").unwrap_err());
        assert!(e.contains("bad beacon blobs JSON"), "{e}");
        let e = live(d.add_blobs(r#"{"data":[]}"#).unwrap_err());
        assert!(e.contains("the beacon node has no blob with versioned hash"), "{e}");
        let short: Vec<String> = added.blob_hashes.iter().map(|_| "0x00".to_string()).collect();
        let e = live(d.add_blobs(&json!({ "data": short }).to_string()).unwrap_err());
        assert!(e.contains("blob 0 is not a blob (1 bytes)"), "{e}");
        let high: Vec<String> =
            added.blob_hashes.iter().map(|_| format!("0x{}", "ff".repeat(131072))).collect();
        let e = live(d.add_blobs(&json!({ "data": high }).to_string()).unwrap_err());
        assert!(e.contains("field element 0 is not below the BLS modulus"), "{e}");
        // A valid blob of no transaction of the block.
        let mut other = vec![0u8; 131072];
        other[31] = 7;
        let other = format!("0x{}", alloy_primitives::hex::encode(&other));
        let e = live(d.add_blobs(&json!({ "data": [other] }).to_string()).unwrap_err());
        assert!(e.contains("which no transaction of the block references"), "{e}");
        // The block still waits; the served blobs complete it (matched by position: the test
        // chain's versioned hashes are made up).
        d.set_verify_blobs(false);
        d.add_blobs(&beacon_json(&fixture, &added.blob_hashes)).unwrap();
        // A block that does not build on the last one.
        let (mut next, r) = rpc_json(&fixture.blocks[blob_block + 1]);
        next["parentHash"] = json!(B256::repeat_byte(1));
        let e = live(d.add_block(&next.to_string(), &r.to_string()).unwrap_err());
        assert!(e.contains("header hashes to") || e.contains("reorganized"), "{e}");
    }
}
