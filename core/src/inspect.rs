//! Human-readable reports of batcher data, the engine behind `keel inspect` and the browser's
//! inspect box (both print exactly this JSON).
//!
//! Inspection is forgiving where derivation is strict: it reports what each layer holds and
//! where decoding stopped, rather than silently dropping data. It does not know the L1 block a
//! payload came from, so it allows brotli and uses the largest (Fjord) size limits.

use alloc::{
    boxed::Box,
    collections::BTreeMap,
    string::{String, ToString},
    vec::Vec,
};
use alloy_consensus::{Transaction, transaction::SignerRecoverable};
use alloy_eips::eip2718::Typed2718;
use alloy_primitives::{Address, B256, Bytes, FixedBytes, keccak256};
use serde::Serialize;

use crate::{
    batch::{Batch, BatchReader, RawSpanBatch, SingularBatch, span::SpanTxType},
    batcher_tx::decode_l1_tx,
    blob::decode_blob,
    channel::Channel,
    compression::{CompressionKind, StreamEnd, decompress},
    config::{MAX_RLP_BYTES_PER_CHANNEL_FJORD, RollupConfig},
    frame::{ChannelId, Frame, parse_frames},
};

/// Why inspection could not produce a report at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InspectError {
    /// The input is empty.
    #[error("empty input")]
    Empty,
    /// The bytes are not a valid signed L1 transaction.
    #[error("not a signed L1 transaction: {0}")]
    Transaction(String),
    /// The calldata is not a valid batcher payload.
    #[error("not a batcher payload: {0}")]
    Payload(String),
    /// A blob could not be decoded.
    #[error("blob {index}: {reason}")]
    Blob {
        /// Position of the blob in the input list.
        index: usize,
        /// What was wrong.
        reason: String,
    },
    /// The channel data names no known compression.
    #[error("not channel data: {0}")]
    Channel(String),
    /// The input looks like hex text but is not valid hex.
    #[error("invalid hex input: {0}")]
    Hex(String),
    /// The report could not be serialized.
    #[error("cannot serialize report: {0}")]
    Json(String),
}

/// Turns file contents into bytes: hex text (optionally `0x`/`0X`-prefixed; whitespace,
/// including line breaks, ignored) is decoded, anything else is taken as raw bytes.
///
/// Raw batcher data never consists only of hex digits and whitespace (transactions start with a
/// type byte or an RLP list header, calldata with `0x00`, channels with `0x78`/`0x01`), so the
/// two forms cannot be confused in practice. Text that is hex but malformed (an odd number of
/// digits) is an error rather than being misread as raw bytes.
pub fn decode_input(input: &[u8]) -> Result<Vec<u8>, InspectError> {
    let text = input.trim_ascii();
    let digits = text.strip_prefix(b"0x").or_else(|| text.strip_prefix(b"0X")).unwrap_or(text);
    let is_hex = !digits.is_empty()
        && digits.iter().all(|b| b.is_ascii_hexdigit() || b.is_ascii_whitespace());
    if !is_hex {
        return Ok(input.to_vec());
    }
    let compact: Vec<u8> = digits.iter().copied().filter(|b| !b.is_ascii_whitespace()).collect();
    if !compact.len().is_multiple_of(2) {
        return Err(InspectError::Hex(String::from("odd number of hex digits")));
    }
    alloy_primitives::hex::decode(&compact).map_err(|e| InspectError::Hex(e.to_string()))
}

/// One frame, without its data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FrameReport {
    /// Channel id.
    pub channel_id: ChannelId,
    /// Frame number within the channel.
    pub number: u16,
    /// Length of the frame data.
    pub data_len: usize,
    /// Whether the frame closes its channel.
    pub is_last: bool,
}

impl From<&Frame> for FrameReport {
    fn from(f: &Frame) -> Self {
        Self {
            channel_id: f.channel_id,
            number: f.number,
            data_len: f.data.len(),
            is_last: f.is_last,
        }
    }
}

/// A channel assembled from the inspected frames.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ChannelReport {
    /// Channel id.
    pub id: ChannelId,
    /// Number of frames seen.
    pub frames: usize,
    /// Whether every frame up to the closing one is present.
    pub complete: bool,
    /// Decoded contents, for complete channels.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contents: Option<ChannelContents>,
}

/// What a channel's data holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ChannelContents {
    /// Compression codec; absent when the first byte names none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compression: Option<CompressionKind>,
    /// Compressed size in bytes.
    pub compressed_size: usize,
    /// Decompressed size in bytes.
    pub decompressed_size: usize,
    /// How decompression ended; absent when nothing was decompressed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stream_end: Option<StreamEnd>,
    /// Number of batches decoded.
    pub batch_count: usize,
    /// The batches, in channel order.
    pub batches: Vec<BatchReport>,
    /// Why decoding stopped early, if it did (the rest of the channel is discarded).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// One batch.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum BatchReport {
    /// A singular batch.
    Singular(SingularReport),
    /// A span batch.
    Span(Box<SpanReport>),
}

/// A singular batch.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SingularReport {
    /// Parent L2 block hash.
    pub parent_hash: B256,
    /// L1 origin number.
    pub epoch_num: u64,
    /// L1 origin hash.
    pub epoch_hash: B256,
    /// L2 timestamp.
    pub timestamp: u64,
    /// L2 block number, when a rollup config is given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub l2_block_number: Option<u64>,
    /// Number of transactions.
    pub tx_count: usize,
    /// The transactions.
    pub transactions: Vec<TxSummary>,
}

/// One L2 transaction of a batch.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TxSummary {
    /// keccak256 of the EIP-2718 encoding.
    pub hash: B256,
    /// EIP-2718 type (0 for legacy); `null` when the first byte is no valid envelope start.
    #[serde(rename = "type")]
    pub tx_type: Option<u8>,
    /// Chain id, if the transaction commits to one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chain_id: Option<u64>,
    /// Why the transaction did not decode, if it did not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// Transaction counts of a span batch by kind.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SpanTxCounts {
    /// Legacy transactions with EIP-155 replay protection.
    pub legacy_protected: usize,
    /// Legacy transactions without replay protection.
    pub legacy_unprotected: usize,
    /// EIP-2930 transactions.
    pub eip2930: usize,
    /// EIP-1559 transactions.
    pub eip1559: usize,
    /// EIP-7702 transactions.
    pub eip7702: usize,
}

/// A span batch.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SpanReport {
    /// Timestamp of the first block minus the L2 genesis time.
    pub rel_timestamp: u64,
    /// L1 origin number of the last block.
    pub l1_origin_num: u64,
    /// First 20 bytes of the parent hash of the first block.
    pub parent_check: FixedBytes<20>,
    /// First 20 bytes of the last block's L1 origin hash.
    pub l1_origin_check: FixedBytes<20>,
    /// Number of blocks.
    pub block_count: u64,
    /// Number of set origin bits.
    pub origin_bits_set: usize,
    /// L1 origin number of the first block.
    pub start_epoch_num: u64,
    /// Total transactions.
    pub tx_count: u64,
    /// Transactions by kind.
    pub tx_types: SpanTxCounts,
    /// Contract creations.
    pub contract_creations: usize,
    /// Most transactions in one block.
    pub max_txs_per_block: u64,
    /// Blocks without transactions.
    pub empty_blocks: usize,
    /// The blocks, when a rollup config is given (timestamps and hashes need it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub blocks: Option<Vec<SpanBlockReport>>,
    /// Why expansion into blocks failed, if it did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expand_error: Option<String>,
}

/// One block of an expanded span batch.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SpanBlockReport {
    /// L2 block number (absent only if it would overflow).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub l2_block_number: Option<u64>,
    /// L2 timestamp.
    pub timestamp: u64,
    /// L1 origin number.
    pub epoch_num: u64,
    /// Number of transactions.
    pub tx_count: usize,
    /// Transaction hashes.
    pub transactions: Vec<B256>,
}

/// `keel inspect channel`: compressed channel bytes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ChannelDataReport {
    /// Always `"channel"`.
    pub kind: &'static str,
    /// The decoded contents.
    #[serde(flatten)]
    pub contents: ChannelContents,
}

/// `keel inspect calldata` and `keel inspect blob`: frames and the channels they form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PayloadReport {
    /// `"calldata"` or `"blob"`.
    pub kind: &'static str,
    /// Decoded size of each blob (blob inputs only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub blobs: Vec<BlobReport>,
    /// All frames, in input order.
    pub frames: Vec<FrameReport>,
    /// Channels formed by the frames, in order of first appearance.
    pub channels: Vec<ChannelReport>,
}

/// One decoded blob.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BlobReport {
    /// Length of the data the blob carries.
    pub data_len: usize,
    /// Number of frames in it.
    pub frames: usize,
}

/// Whether a transaction is batcher data for a known network.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct InboxCheck {
    /// The network checked against.
    pub network: String,
    /// Its batch inbox.
    pub batch_inbox: Address,
    /// Its genesis batcher (the batcher can change through SystemConfig updates later).
    pub genesis_batcher: Address,
    /// Whether the transaction is sent to the inbox.
    pub to_inbox: bool,
    /// Whether the sender is the genesis batcher.
    pub from_genesis_batcher: bool,
}

/// `keel inspect tx`: a signed L1 transaction.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TxReport {
    /// Always `"tx"`.
    pub kind: &'static str,
    /// Transaction hash.
    pub hash: B256,
    /// EIP-2718 type.
    #[serde(rename = "type")]
    pub tx_type: u8,
    /// Chain id, if the transaction commits to one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chain_id: Option<u64>,
    /// Nonce.
    pub nonce: u64,
    /// Recovered sender.
    pub from: Address,
    /// Recipient (`None` for a contract creation).
    pub to: Option<Address>,
    /// Calldata length.
    pub calldata_len: usize,
    /// Blob versioned hashes (type 3).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub blob_hashes: Vec<B256>,
    /// Batch-inbox check against the given network, or every built-in network whose inbox
    /// matches the recipient.
    pub inbox: Vec<InboxCheck>,
    /// The calldata as batcher data (for blob transactions the data is in the blobs).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub calldata: Option<PayloadReport>,
    /// Why the calldata is not batcher data, if it is not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub calldata_error: Option<String>,
}

/// Settings for an inspection.
#[derive(Clone, Copy, Debug, Default)]
pub struct Inspector<'a> {
    /// Rollup config used to expand span batches and number blocks.
    pub config: Option<&'a RollupConfig>,
    /// Name of the network the config belongs to, for the inbox check.
    pub network: Option<&'a str>,
}

impl<'a> Inspector<'a> {
    /// An inspector with an optional rollup config.
    pub fn new(config: Option<&'a RollupConfig>, network: Option<&'a str>) -> Self {
        Self { config, network }
    }

    /// Decodes compressed channel data.
    pub fn channel(&self, data: &[u8]) -> Result<ChannelDataReport, InspectError> {
        if data.is_empty() {
            return Err(InspectError::Empty);
        }
        crate::compression::detect(data).map_err(|e| InspectError::Channel(e.to_string()))?;
        Ok(ChannelDataReport { kind: "channel", contents: self.channel_contents(data) })
    }

    /// Decodes batcher calldata (`version ++ frames`).
    pub fn calldata(&self, data: &[u8]) -> Result<PayloadReport, InspectError> {
        let frames = parse_frames(data).map_err(|e| InspectError::Payload(e.to_string()))?;
        Ok(self.frames_report("calldata", Vec::new(), frames))
    }

    /// Decodes blobs, in transaction order.
    pub fn blobs(&self, blobs: &[&[u8]]) -> Result<PayloadReport, InspectError> {
        let mut reports = Vec::with_capacity(blobs.len());
        let mut frames = Vec::new();
        for (index, blob) in blobs.iter().enumerate() {
            let data = decode_blob(blob)
                .map_err(|e| InspectError::Blob { index, reason: e.to_string() })?;
            let blob_frames = parse_frames(&data)
                .map_err(|e| InspectError::Blob { index, reason: e.to_string() })?;
            reports.push(BlobReport { data_len: data.len(), frames: blob_frames.len() });
            frames.extend(blob_frames);
        }
        Ok(self.frames_report("blob", reports, frames))
    }

    /// Decodes a raw signed L1 transaction.
    pub fn transaction(&self, raw: &[u8]) -> Result<TxReport, InspectError> {
        if raw.is_empty() {
            return Err(InspectError::Empty);
        }
        let tx = decode_l1_tx(raw).map_err(|e| InspectError::Transaction(e.to_string()))?;
        let from = tx.recover_signer().map_err(|e| InspectError::Transaction(e.to_string()))?;
        let to = tx.to();
        let inbox = self.inbox_checks(to, from);
        let blob_hashes = tx.blob_versioned_hashes().map(<[B256]>::to_vec).unwrap_or_default();
        let (calldata, calldata_error) = if blob_hashes.is_empty() {
            match self.calldata(tx.input()) {
                Ok(report) => (Some(report), None),
                Err(e) => (None, Some(e.to_string())),
            }
        } else {
            (None, None)
        };
        Ok(TxReport {
            kind: "tx",
            hash: *tx.tx_hash(),
            tx_type: tx.ty(),
            chain_id: tx.chain_id(),
            nonce: tx.nonce(),
            from,
            to,
            calldata_len: tx.input().len(),
            blob_hashes,
            inbox,
            calldata,
            calldata_error,
        })
    }

    fn inbox_checks(&self, to: Option<Address>, from: Address) -> Vec<InboxCheck> {
        let check = |network: &str, config: &RollupConfig| InboxCheck {
            network: network.to_string(),
            batch_inbox: config.batch_inbox_address,
            genesis_batcher: config.genesis.system_config.batcher_address,
            to_inbox: to == Some(config.batch_inbox_address),
            from_genesis_batcher: from == config.genesis.system_config.batcher_address,
        };
        if let Some(config) = self.config {
            return alloc::vec![check(self.network.unwrap_or("custom"), config)];
        }
        crate::config::NETWORK_NAMES
            .iter()
            .filter_map(|&name| RollupConfig::by_name(name).map(|c| (name, c)))
            .filter(|(_, c)| to == Some(c.batch_inbox_address))
            .map(|(name, c)| check(name, &c))
            .collect()
    }

    fn frames_report(
        &self,
        kind: &'static str,
        blobs: Vec<BlobReport>,
        frames: Vec<Frame>,
    ) -> PayloadReport {
        let reports = frames.iter().map(FrameReport::from).collect();
        // Group by channel in order of first appearance; inspection accepts any frame order.
        let mut order: Vec<ChannelId> = Vec::new();
        let mut channels: BTreeMap<ChannelId, Channel> = BTreeMap::new();
        for frame in frames {
            let id = frame.channel_id;
            let channel = channels.entry(id).or_insert_with(|| {
                order.push(id);
                Channel::new(id, 0, false)
            });
            // Duplicate or conflicting frames are dropped, as the channel bank would.
            let _ = channel.add_frame(frame, 0);
        }
        let channels = order
            .into_iter()
            .filter_map(|id| channels.remove(&id))
            .map(|channel| {
                let complete = channel.is_ready();
                ChannelReport {
                    id: channel.id(),
                    frames: channel.frame_count(),
                    complete,
                    contents: complete.then(|| self.channel_contents(&channel.data())),
                }
            })
            .collect();
        PayloadReport { kind, blobs, frames: reports, channels }
    }

    fn channel_contents(&self, data: &[u8]) -> ChannelContents {
        let limit = MAX_RLP_BYTES_PER_CHANNEL_FJORD as usize;
        let decompressed = match decompress(data, true, limit) {
            Ok(d) => d,
            Err(e) => {
                return ChannelContents {
                    compression: None,
                    compressed_size: data.len(),
                    decompressed_size: 0,
                    stream_end: None,
                    batch_count: 0,
                    batches: Vec::new(),
                    error: Some(e.to_string()),
                };
            }
        };
        let mut batches = Vec::new();
        let mut error = None;
        for item in BatchReader::new(&decompressed.data) {
            match item {
                Ok(batch) => batches.push(self.batch_report(batch)),
                Err(e) => error = Some(e.to_string()),
            }
        }
        ChannelContents {
            compression: Some(decompressed.kind),
            compressed_size: data.len(),
            decompressed_size: decompressed.data.len(),
            stream_end: Some(decompressed.end),
            batch_count: batches.len(),
            batches,
            error,
        }
    }

    fn batch_report(&self, batch: Batch) -> BatchReport {
        match batch {
            Batch::Singular(b) => BatchReport::Singular(self.singular_report(b)),
            Batch::Span(b) => BatchReport::Span(Box::new(self.span_report(&b))),
        }
    }

    fn singular_report(&self, batch: SingularBatch) -> SingularReport {
        let transactions = batch.transactions.iter().map(tx_summary).collect();
        SingularReport {
            parent_hash: batch.parent_hash,
            epoch_num: batch.epoch_num,
            epoch_hash: batch.epoch_hash,
            timestamp: batch.timestamp,
            l2_block_number: self.config.and_then(|c| block_number_at(c, batch.timestamp)),
            tx_count: batch.transactions.len(),
            transactions,
        }
    }

    fn span_report(&self, batch: &RawSpanBatch) -> SpanReport {
        let txs = &batch.payload.txs;
        let mut tx_types = SpanTxCounts::default();
        for i in 0..txs.len() {
            match txs.tx_type(i) {
                Some(SpanTxType::Legacy) => tx_types.legacy_unprotected += 1,
                Some(SpanTxType::Eip2930) => tx_types.eip2930 += 1,
                Some(SpanTxType::Eip1559) => tx_types.eip1559 += 1,
                Some(SpanTxType::Eip7702) => tx_types.eip7702 += 1,
                None => {}
            }
        }
        let protected = txs.protected_bits.count_ones();
        tx_types.legacy_protected = protected;
        tx_types.legacy_unprotected = tx_types.legacy_unprotected.saturating_sub(protected);
        let counts = &batch.payload.block_tx_counts;
        let (blocks, expand_error) = match self.config {
            None => (None, None),
            Some(config) => {
                match batch.expand(config.genesis.l2_time, config.block_time, config.l2_chain_id) {
                    Ok(elements) => (
                        Some(
                            elements
                                .into_iter()
                                .map(|e| SpanBlockReport {
                                    l2_block_number: block_number_at(config, e.timestamp),
                                    timestamp: e.timestamp,
                                    epoch_num: e.epoch_num,
                                    tx_count: e.transactions.len(),
                                    transactions: e.transactions.iter().map(keccak256).collect(),
                                })
                                .collect(),
                        ),
                        None,
                    ),
                    Err(e) => (None, Some(e.to_string())),
                }
            }
        };
        SpanReport {
            rel_timestamp: batch.prefix.rel_timestamp,
            l1_origin_num: batch.prefix.l1_origin_num,
            parent_check: batch.prefix.parent_check,
            l1_origin_check: batch.prefix.l1_origin_check,
            block_count: batch.block_count(),
            origin_bits_set: batch.payload.origin_bits.count_ones(),
            start_epoch_num: batch.start_epoch_num(),
            tx_count: batch.tx_count(),
            tx_types,
            contract_creations: txs.contract_creation_count(),
            max_txs_per_block: counts.iter().copied().max().unwrap_or(0),
            empty_blocks: counts.iter().filter(|&&c| c == 0).count(),
            blocks,
            expand_error,
        }
    }
}

/// The L2 block at exactly `timestamp`, if one is (timestamps between blocks have none).
fn block_number_at(config: &RollupConfig, timestamp: u64) -> Option<u64> {
    let number = config.l2_block_number_at(timestamp)?;
    (config.timestamp_of_block(number) == Some(timestamp)).then_some(number)
}

fn tx_summary(raw: &Bytes) -> TxSummary {
    let hash = keccak256(raw);
    // EIP-2718: below 0x7f is a type byte, from 0xc0 an RLP list (legacy), between is invalid.
    let tx_type = match raw.first() {
        Some(&b) if b < 0x7f => Some(b),
        Some(&b) if b >= 0xc0 => Some(0),
        _ => None,
    };
    match decode_l1_tx(raw) {
        Ok(tx) => TxSummary { hash, tx_type, chain_id: tx.chain_id(), error: None },
        Err(e) => TxSummary { hash, tx_type, chain_id: None, error: Some(e.to_string()) },
    }
}

/// Serializes a report as compact or indented JSON.
pub fn to_json<T: Serialize>(report: &T, pretty: bool) -> Result<String, InspectError> {
    let out =
        if pretty { serde_json::to_string_pretty(report) } else { serde_json::to_string(report) };
    out.map_err(|e| InspectError::Json(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_input_accepts_hex_forms_and_raw() {
        let raw = [0x00, 0xab, 0x78];
        assert_eq!(decode_input(b"00ab78").unwrap(), raw);
        assert_eq!(decode_input(b"0x00AB78\n").unwrap(), raw);
        assert_eq!(decode_input(b"0X00ab\r\n78 ").unwrap(), raw);
        assert_eq!(decode_input(&raw).unwrap(), raw);
        assert_eq!(decode_input(&[0x02, 0xf8]).unwrap(), [0x02, 0xf8]);
    }

    #[test]
    fn decode_input_rejects_odd_hex() {
        assert!(matches!(decode_input(b"0x00a"), Err(InspectError::Hex(_))));
        assert!(matches!(decode_input(b"abc"), Err(InspectError::Hex(_))));
    }

    #[test]
    fn tx_summary_types() {
        assert_eq!(tx_summary(&Bytes::from_static(&[0x02, 0xc0])).tx_type, Some(2));
        assert_eq!(tx_summary(&Bytes::from_static(&[0xc0])).tx_type, Some(0));
        let bad = tx_summary(&Bytes::from_static(&[0x90]));
        assert_eq!(bad.tx_type, None);
        assert!(bad.error.is_some());
    }
}
