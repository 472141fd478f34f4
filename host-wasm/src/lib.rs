//! keel's core for browsers: the `keel inspect` reports and offline derivation over a recorded
//! L1 fixture, exported to JavaScript with `wasm-bindgen` (`scripts/build-wasm.sh` builds the
//! `www/pkg` bundle the page loads).
//!
//! Every export is a thin wrapper over a plain Rust function of this crate ([`inspect`],
//! [`FixtureDeriver`]) so the same code is unit-tested natively. Results cross the boundary as
//! plain JavaScript objects, typed in the generated `keel_wasm.d.ts` by the interfaces of
//! [`TS_TYPES`]: the reports are `keel inspect`'s JSON (its single-line form, parsed) and
//! derivation events carry the `keel derive` attributes JSON.
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

pub mod deriver;
pub mod inspect;
pub mod kzg;
pub mod live;

pub use deriver::{BlobSchedule, DeriveEventJson, FixtureDeriver, StatsJson};
pub use keel_core;
pub use live::{BlockAdded, LiveDeriver, LiveError, LiveEventJson};

use serde::Serialize;
use wasm_bindgen::prelude::*;

/// The TypeScript types of the values the exports return, added to `keel_wasm.d.ts`. They
/// describe the serde JSON of the Rust types named in each comment (kept in step by hand: the
/// browser test reads every shape). u64 values are JS numbers (exact below 2^53).
#[wasm_bindgen(typescript_custom_section)]
pub const TS_TYPES: &str = r#"
/** `0x`-prefixed hex: hashes, addresses, byte strings and Engine-API quantities. */
export type Hex = `0x${string}`;

/** An L1 or L2 block's number and hash (alloy `BlockNumHash`). */
export interface BlockNumHash { number: number; hash: Hex; }

/** An L1 block (`L1BlockRef`). */
export interface L1BlockRef { hash: Hex; number: number; parentHash: Hex; timestamp: number; }

/** An L2 block with its L1 origin and position in the epoch (`L2BlockRef`). */
export interface L2BlockRef {
  hash: Hex; number: number; parentHash: Hex; timestamp: number;
  l1Origin: BlockNumHash; seqNumber: number;
}

/** An EIP-4895 withdrawal (Engine-API form). */
export interface Withdrawal { index: Hex; validatorIndex: Hex; address: Hex; amount: Hex; }

/** Engine-API payload attributes with the OP Stack fields (op-alloy `OpPayloadAttributes`). */
export interface OpPayloadAttributes {
  timestamp: Hex;
  prevRandao: Hex;
  suggestedFeeRecipient: Hex;
  withdrawals?: Withdrawal[];
  parentBeaconBlockRoot?: Hex;
  slotNumber?: Hex;
  targetGasLimit?: Hex;
  /** EIP-2718 encoded transactions, deposits first. */
  transactions?: Hex[];
  noTxPool?: boolean;
  gasLimit?: Hex;
  eip1559Params?: Hex;
  minBaseFee?: number;
}

/** One `keel derive` output line (`AttributesWithParent`). */
export interface AttributesWithParent {
  attributes: OpPayloadAttributes;
  /** The L2 block the attributes build on. */
  parent: L2BlockRef;
  /** The L1 block whose data completed the batch, if known. */
  derivedFrom: L1BlockRef | null;
  isLastInSpan: boolean;
}

/** Attributes were derived: the new safe head and what it is built from. */
export interface AttributesEvent {
  kind: "attributes";
  l2Block: L2BlockRef;
  /** keel-core's `attributes_hash()`, the digest compared across hosts. */
  attributesHash: Hex;
  txCount: number;
  /** keccak256 of each transaction's EIP-2718 encoding, in order. */
  txHashes: Hex[];
  attributes: AttributesWithParent;
}

/** The pipeline moved to a new L1 block. */
export interface OriginEvent { kind: "origin"; l1Block: L1BlockRef; }

/** An L1 reorg reset the pipeline to this safe head. */
export interface ResetEvent { kind: "reset"; safeHead: L2BlockRef; }

/** The fixture's L1 is used up (then `eof` forever). */
export interface EofEvent { kind: "eof"; }

/** Live mode: add L1 block `number` (`LiveDeriver.addBlock`), then step again. */
export interface NeedL1Event { kind: "needL1"; number: number; }

/** A `FixtureDeriver` event. */
export type DeriveEvent = AttributesEvent | OriginEvent | ResetEvent | EofEvent;

/** A `LiveDeriver` event. */
export type LiveEvent = AttributesEvent | OriginEvent | ResetEvent | NeedL1Event;

/** Run totals. */
export interface DeriveStats {
  /** L1 blocks in the fixture (live: read from the node so far). */
  l1Total: number;
  /** L1 blocks read, the start block included. */
  l1Blocks: number;
  l2Blocks: number;
  resets: number;
  batcherTxs: number;
  blobs: number;
  /** Bytes of batcher frames read. */
  batcherBytes: number;
  channels: number;
  batches: number;
  /** Safe head number. */
  safeHead: number;
  /** Current L1 origin number. */
  l1Origin: number;
  /** Whether the fixture is used up (always false live). */
  done: boolean;
}

/** What `LiveDeriver.addBlock` checked and what to fetch next. */
export interface BlockAdded {
  number: number;
  hash: Hex;
  /** Beacon slot; null when no blobs are needed and the beacon genesis time is not set. */
  slot: number | null;
  /** Versioned hashes of the batcher blobs to fetch, then call `addBlobs`; empty when done. */
  blobHashes: Hex[];
}

/** One frame, without its data (`keel inspect`). */
export interface FrameReport { channel_id: Hex; number: number; data_len: number; is_last: boolean; }

/** How decompression ended. */
export type StreamEnd =
  | { kind: "complete" } | { kind: "limit_reached" } | { kind: "truncated" }
  | { kind: "corrupt"; detail: string };

/** One L2 transaction of a batch. */
export interface TxSummary { hash: Hex; type: number | null; chain_id?: number; error?: string; }

/** A singular batch. */
export interface SingularBatchReport {
  type: "singular";
  parent_hash: Hex; epoch_num: number; epoch_hash: Hex; timestamp: number;
  /** With a rollup config only. */
  l2_block_number?: number;
  tx_count: number;
  transactions: TxSummary[];
}

/** One block of an expanded span batch. */
export interface SpanBlockReport {
  l2_block_number?: number; timestamp: number; epoch_num: number; tx_count: number;
  transactions: Hex[];
}

/** A span batch. */
export interface SpanBatchReport {
  type: "span";
  rel_timestamp: number; l1_origin_num: number; parent_check: Hex; l1_origin_check: Hex;
  block_count: number; origin_bits_set: number; start_epoch_num: number; tx_count: number;
  tx_types: {
    legacy_protected: number; legacy_unprotected: number; eip2930: number; eip1559: number;
    eip7702: number;
  };
  contract_creations: number; max_txs_per_block: number; empty_blocks: number;
  /** With a rollup config only. */
  blocks?: SpanBlockReport[];
  expand_error?: string;
}

/** One batch of a channel. */
export type BatchReport = SingularBatchReport | SpanBatchReport;

/** What a channel's data holds. */
export interface ChannelContents {
  compression?: "zlib" | "brotli";
  compressed_size: number;
  decompressed_size: number;
  stream_end?: StreamEnd;
  batch_count: number;
  batches: BatchReport[];
  /** Why decoding stopped early, if it did. */
  error?: string;
}

/** A channel assembled from the inspected frames. */
export interface ChannelReport {
  id: Hex; frames: number; complete: boolean;
  /** For complete channels. */
  contents?: ChannelContents;
}

/** Whether a transaction is batcher data for a network. */
export interface InboxCheck {
  network: string; batch_inbox: Hex; genesis_batcher: Hex; to_inbox: boolean;
  from_genesis_batcher: boolean;
}

/** `keel inspect calldata` / `keel inspect blob`: frames and the channels they form. */
export interface InspectPayloadReport {
  kind: "calldata" | "blob";
  /** Blob inputs only. */
  blobs?: { data_len: number; frames: number }[];
  frames: FrameReport[];
  channels: ChannelReport[];
}

/** `keel inspect channel`: compressed channel data. */
export interface InspectChannelReport extends ChannelContents { kind: "channel"; }

/** `keel inspect tx`: a signed L1 transaction. */
export interface InspectTxReport {
  kind: "tx";
  hash: Hex;
  type: number;
  chain_id?: number;
  nonce: number;
  from: Hex;
  /** null for a contract creation. */
  to: Hex | null;
  calldata_len: number;
  blob_hashes?: Hex[];
  inbox: InboxCheck[];
  /** The calldata as batcher data (blob transactions carry theirs in blobs). */
  calldata?: InspectPayloadReport;
  calldata_error?: string;
}

/** Any `keel inspect` report, told apart by `kind`. */
export type InspectReport = InspectTxReport | InspectPayloadReport | InspectChannelReport;
"#;

/// What went wrong in a keel-wasm call; JavaScript sees the message as an `Error`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WasmError {
    /// Not a built-in network name, nor a rollup config (JSON or superchain TOML).
    #[error("unknown network `{name}` (known: {known}); or paste an op-node rollup.json")]
    UnknownNetwork {
        /// What was given.
        name: String,
        /// The built-in names.
        known: String,
    },
    /// The rollup config did not parse.
    #[error("bad rollup config: {0}")]
    Config(String),
    /// The inspected data could not be framed (same messages as `keel inspect`).
    #[error("{0}")]
    Inspect(#[from] keel_core::inspect::InspectError),
    /// An input in a blob list was neither a string nor a `Uint8Array`.
    #[error("blob {index}: expected a hex string or a Uint8Array")]
    BlobType {
        /// Position in the list.
        index: usize,
    },
    /// The L1 fixture did not parse or is inconsistent.
    #[error("bad L1 fixture: {0}")]
    Fixture(String),
    /// The blob schedule name is unknown.
    #[error("unknown blob schedule `{0}` (known: mainnet, sepolia, cancun-from-genesis)")]
    BlobSchedule(String),
    /// The fixture does not hold the rollup's genesis L1 block.
    #[error("the fixture does not match the rollup's genesis: {0}")]
    Genesis(String),
    /// Derivation failed.
    #[error("derivation failed: {0}")]
    Derive(String),
    /// A report could not be serialized.
    #[error("JSON output failed: {0}")]
    Json(String),
    /// An L1 node's answer was refused (live mode).
    #[error("{0}")]
    Live(String),
    /// The progress callback threw.
    #[error("progress callback failed: {0}")]
    Callback(String),
}

/// The bytes of a JS input: a string is taken as text (hex, as `keel inspect` reads files), a
/// `Uint8Array` (or anything array-like of bytes) as raw bytes.
fn input_bytes(value: &JsValue) -> Option<Vec<u8>> {
    if let Some(text) = value.as_string() {
        return Some(text.into_bytes());
    }
    value.dyn_ref::<js_sys::Uint8Array>().map(js_sys::Uint8Array::to_vec)
}

fn js_err(e: WasmError) -> JsError {
    JsError::new(&e.to_string())
}

/// `value` as a plain JavaScript object: its serde JSON parsed by the engine's `JSON.parse`
/// (one boundary crossing, and the fastest object builder for this many small fields).
fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    let text = deriver::json(value).map_err(js_err)?;
    js_sys::JSON::parse(&text).map_err(|e| js_err(WasmError::Json(format!("{e:?}"))))
}

/// An inspect report (single-line JSON text) as a JavaScript object.
fn report(json: Result<String, WasmError>) -> Result<JsValue, JsError> {
    let text = json.map_err(js_err)?;
    js_sys::JSON::parse(&text).map_err(|e| js_err(WasmError::Json(format!("{e:?}"))))
}

fn single_input(value: &JsValue) -> Result<Vec<u8>, JsError> {
    input_bytes(value).ok_or_else(|| JsError::new("expected a hex string or a Uint8Array"))
}

/// `keel inspect tx`: a raw signed L1 transaction (hex string or bytes) to its report.
/// `network` is a built-in network name or a rollup config (JSON or superchain TOML text).
#[wasm_bindgen(js_name = inspectTx, unchecked_return_type = "InspectTxReport")]
pub fn js_inspect_tx(
    #[wasm_bindgen(unchecked_param_type = "Uint8Array | string")] input: JsValue,
    network: Option<String>,
) -> Result<JsValue, JsError> {
    report(inspect::tx(&single_input(&input)?, network.as_deref()))
}

/// `keel inspect calldata`: batcher calldata (version byte, frames) to its report.
#[wasm_bindgen(js_name = inspectCalldata, unchecked_return_type = "InspectPayloadReport")]
pub fn js_inspect_calldata(
    #[wasm_bindgen(unchecked_param_type = "Uint8Array | string")] input: JsValue,
    network: Option<String>,
) -> Result<JsValue, JsError> {
    report(inspect::calldata(&single_input(&input)?, network.as_deref()))
}

/// `keel inspect blob`: blobs in transaction order (an array of hex strings or byte arrays).
#[wasm_bindgen(js_name = inspectBlobs, unchecked_return_type = "InspectPayloadReport")]
pub fn js_inspect_blobs(
    #[wasm_bindgen(unchecked_param_type = "(Uint8Array | string)[]")] inputs: js_sys::Array,
    network: Option<String>,
) -> Result<JsValue, JsError> {
    let blobs = inputs
        .iter()
        .enumerate()
        .map(|(index, v)| input_bytes(&v).ok_or(WasmError::BlobType { index }))
        .collect::<Result<Vec<_>, _>>()
        .map_err(js_err)?;
    report(inspect::blobs(&blobs, network.as_deref()))
}

/// `keel inspect channel`: compressed channel data to its report.
#[wasm_bindgen(js_name = inspectChannel, unchecked_return_type = "InspectChannelReport")]
pub fn js_inspect_channel(
    #[wasm_bindgen(unchecked_param_type = "Uint8Array | string")] input: JsValue,
    network: Option<String>,
) -> Result<JsValue, JsError> {
    report(inspect::channel(&single_input(&input)?, network.as_deref()))
}

/// The built-in network names, for a picker.
#[wasm_bindgen(js_name = networkNames)]
pub fn js_network_names() -> Vec<String> {
    keel_core::config::NETWORK_NAMES.iter().map(|n| (*n).to_string()).collect()
}
