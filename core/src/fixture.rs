//! Recorded L1 data: the `keel record` fixture format, and a host over it.
//!
//! A fixture is one JSON document:
//!
//! ```json
//! {
//!   "format": "keel-l1-fixture",
//!   "version": 1,
//!   "l1ChainId": 1,
//!   "blocks": [ { "header": { ...RPC header... }, "transactions": ["0x02f8..."], "receipts": ["0x02f9..."] } ],
//!   "blobs": [ { "versionedHash": "0x01...", "data": "0x..." } ]
//! }
//! ```
//!
//! `blocks` are consecutive canonical L1 blocks in ascending order; `transactions` and
//! `receipts` are EIP-2718 encodings in block order; `blobs` are the 131072-byte blobs of the
//! batcher transactions, keyed by versioned hash. Loading checks that the blocks chain by
//! parent hash and that each block's transactions and receipts match the header's roots, so a
//! fixture cannot silently disagree with itself. Blobs are trusted as recorded (the recorder
//! verifies them against their KZG commitments).

use alloc::{
    boxed::Box,
    collections::BTreeMap,
    string::{String, ToString},
    vec::Vec,
};
use alloy_consensus::{Header, ReceiptEnvelope, TxEnvelope, proofs};
use alloy_eips::eip2718::{Decodable2718, Encodable2718};
use alloy_primitives::{B256, Bytes};
use serde::{Deserialize, Serialize};

use crate::{
    batcher_tx::IndexedBlobHash,
    derive::{BlobProvider, L1BlockRef, L1Provider, ProviderError, error::DataKey, host::Blob},
};

/// The `format` value of a keel L1 fixture.
pub const FIXTURE_FORMAT: &str = "keel-l1-fixture";
/// The fixture version this code reads and writes.
pub const FIXTURE_VERSION: u32 = 1;

/// A recorded range of L1 blocks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct L1Fixture {
    /// Always [`FIXTURE_FORMAT`].
    pub format: String,
    /// Always [`FIXTURE_VERSION`].
    pub version: u32,
    /// Chain id of the L1.
    pub l1_chain_id: u64,
    /// Consecutive canonical blocks, ascending.
    pub blocks: Vec<FixtureBlock>,
    /// Blobs referenced by the blocks' batcher transactions.
    #[serde(default)]
    pub blobs: Vec<FixtureBlob>,
}

/// One recorded L1 block.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FixtureBlock {
    /// The block header.
    pub header: Header,
    /// EIP-2718 encoded transactions, in block order.
    pub transactions: Vec<Bytes>,
    /// EIP-2718 encoded receipts, in block order.
    pub receipts: Vec<Bytes>,
}

/// One recorded blob.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FixtureBlob {
    /// The blob's versioned hash.
    pub versioned_hash: B256,
    /// The 131072 blob bytes.
    pub data: Bytes,
}

/// Why a fixture could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FixtureError {
    /// Not JSON of the fixture's shape.
    #[error("invalid fixture JSON: {0}")]
    Json(String),
    /// Another format or version.
    #[error("unsupported fixture format {format:?} version {version}")]
    Unsupported {
        /// The `format` field.
        format: String,
        /// The `version` field.
        version: u32,
    },
    /// The blocks do not form a chain.
    #[error("block {number} does not follow block {previous}")]
    NotAChain {
        /// The offending block number.
        number: u64,
        /// The block before it in the file.
        previous: u64,
    },
    /// A transaction or receipt does not decode.
    #[error("block {number}: {what} {index} does not decode: {reason}")]
    BadItem {
        /// Block number.
        number: u64,
        /// `"transaction"` or `"receipt"`.
        what: &'static str,
        /// Position in the block.
        index: usize,
        /// Decoder message.
        reason: String,
    },
    /// Transactions or receipts do not match the header's root.
    #[error("block {number}: {what} root mismatch")]
    RootMismatch {
        /// Block number.
        number: u64,
        /// `"transactions"` or `"receipts"`.
        what: &'static str,
    },
    /// A blob is not 131072 bytes.
    #[error("blob {0} has the wrong size")]
    BadBlob(B256),
}

impl L1Fixture {
    /// An empty fixture for `l1_chain_id`.
    pub fn new(l1_chain_id: u64) -> Self {
        Self {
            format: FIXTURE_FORMAT.to_string(),
            version: FIXTURE_VERSION,
            l1_chain_id,
            blocks: Vec::new(),
            blobs: Vec::new(),
        }
    }

    /// Parses a fixture from JSON (not yet validated; see [`FixtureHost::new`]).
    pub fn from_json(json: &str) -> Result<Self, FixtureError> {
        let fixture: Self =
            serde_json::from_str(json).map_err(|e| FixtureError::Json(e.to_string()))?;
        if fixture.format != FIXTURE_FORMAT || fixture.version != FIXTURE_VERSION {
            return Err(FixtureError::Unsupported {
                format: fixture.format,
                version: fixture.version,
            });
        }
        Ok(fixture)
    }

    /// Serializes the fixture.
    pub fn to_json(&self) -> Result<String, FixtureError> {
        serde_json::to_string(self).map_err(|e| FixtureError::Json(e.to_string()))
    }
}

struct LoadedBlock {
    block_ref: L1BlockRef,
    header: Header,
    transactions: Vec<TxEnvelope>,
    receipts: Vec<ReceiptEnvelope>,
}

/// Serves a validated fixture through the host-IO traits.
pub struct FixtureHost {
    blocks: Vec<LoadedBlock>,
    by_hash: BTreeMap<B256, usize>,
    blobs: BTreeMap<B256, Box<Blob>>,
    head: Option<u64>,
}

impl FixtureHost {
    /// Validates and indexes a fixture.
    pub fn new(fixture: &L1Fixture) -> Result<Self, FixtureError> {
        let mut blocks: Vec<LoadedBlock> = Vec::with_capacity(fixture.blocks.len());
        for block in &fixture.blocks {
            let header = block.header.clone();
            let number = header.number;
            if let Some(prev) = blocks.last()
                && (prev.block_ref.number.checked_add(1) != Some(number)
                    || prev.block_ref.hash != header.parent_hash)
            {
                return Err(FixtureError::NotAChain { number, previous: prev.block_ref.number });
            }
            let transactions =
                decode_all::<TxEnvelope>(&block.transactions, number, "transaction")?;
            let receipts = decode_all::<ReceiptEnvelope>(&block.receipts, number, "receipt")?;
            if proofs::calculate_transaction_root(&transactions) != header.transactions_root {
                return Err(FixtureError::RootMismatch { number, what: "transactions" });
            }
            if proofs::calculate_receipt_root(&receipts) != header.receipts_root {
                return Err(FixtureError::RootMismatch { number, what: "receipts" });
            }
            let block_ref = L1BlockRef {
                hash: header.hash_slow(),
                number,
                parent_hash: header.parent_hash,
                timestamp: header.timestamp,
            };
            blocks.push(LoadedBlock { block_ref, header, transactions, receipts });
        }
        let by_hash = blocks.iter().enumerate().map(|(i, b)| (b.block_ref.hash, i)).collect();
        let mut blobs = BTreeMap::new();
        for blob in &fixture.blobs {
            let data: Box<Blob> = blob
                .data
                .as_ref()
                .try_into()
                .map(Box::new)
                .map_err(|_| FixtureError::BadBlob(blob.versioned_hash))?;
            blobs.insert(blob.versioned_hash, data);
        }
        Ok(Self { blocks, by_hash, blobs, head: None })
    }

    /// Limits the visible chain to blocks up to `head` (to replay L1 growing block by block).
    pub fn set_head(&mut self, head: Option<u64>) {
        self.head = head;
    }

    /// The block refs of the fixture, in order.
    pub fn block_refs(&self) -> impl Iterator<Item = L1BlockRef> + '_ {
        self.blocks.iter().map(|b| b.block_ref)
    }

    fn by_hash(&self, hash: B256, what: &'static str) -> Result<&LoadedBlock, ProviderError> {
        self.by_hash
            .get(&hash)
            .and_then(|&i| self.blocks.get(i))
            .ok_or(ProviderError::Missing { what, key: DataKey::Hash(hash) })
    }
}

fn decode_all<T: Decodable2718>(
    items: &[Bytes],
    number: u64,
    what: &'static str,
) -> Result<Vec<T>, FixtureError> {
    items
        .iter()
        .enumerate()
        .map(|(index, raw)| {
            let mut buf = raw.as_ref();
            let item = T::decode_2718(&mut buf).map_err(|e| FixtureError::BadItem {
                number,
                what,
                index,
                reason: e.to_string(),
            })?;
            if buf.is_empty() {
                Ok(item)
            } else {
                Err(FixtureError::BadItem { number, what, index, reason: "trailing bytes".into() })
            }
        })
        .collect()
}

/// Implemented on `&FixtureHost` so one host can serve as both L1 and blob provider at once.
impl L1Provider for &FixtureHost {
    fn block_ref_by_number(&mut self, number: u64) -> Result<Option<L1BlockRef>, ProviderError> {
        if self.head.is_some_and(|head| number > head) {
            return Ok(None);
        }
        let first = self.blocks.first().map_or(0, |b| b.block_ref.number);
        let found = number
            .checked_sub(first)
            .and_then(|i| usize::try_from(i).ok())
            .and_then(|i| self.blocks.get(i))
            .map(|b| b.block_ref);
        Ok(found)
    }

    fn header_by_hash(&mut self, hash: B256) -> Result<Header, ProviderError> {
        Ok(self.by_hash(hash, "l1 header")?.header.clone())
    }

    fn transactions_by_hash(&mut self, hash: B256) -> Result<Vec<TxEnvelope>, ProviderError> {
        Ok(self.by_hash(hash, "l1 transactions")?.transactions.clone())
    }

    fn receipts_by_hash(&mut self, hash: B256) -> Result<Vec<ReceiptEnvelope>, ProviderError> {
        Ok(self.by_hash(hash, "l1 receipts")?.receipts.clone())
    }
}

impl BlobProvider for &FixtureHost {
    fn blobs(
        &mut self,
        _block: &L1BlockRef,
        hashes: &[IndexedBlobHash],
    ) -> Result<Vec<Box<Blob>>, ProviderError> {
        hashes
            .iter()
            .map(|h| {
                self.blobs
                    .get(&h.hash)
                    .cloned()
                    .ok_or(ProviderError::Missing { what: "blob", key: DataKey::Hash(h.hash) })
            })
            .collect()
    }
}

/// Encodes items for a fixture (the recorder's side).
pub fn encode_items<T: Encodable2718>(items: &[T]) -> Vec<Bytes> {
    items.iter().map(|item| Bytes::from(item.encoded_2718())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_consensus::EMPTY_ROOT_HASH;

    fn header(number: u64, parent_hash: B256) -> Header {
        Header {
            number,
            parent_hash,
            timestamp: 1_700_000_000 + 12 * number,
            transactions_root: EMPTY_ROOT_HASH,
            receipts_root: EMPTY_ROOT_HASH,
            base_fee_per_gas: Some(7),
            ..Default::default()
        }
    }

    fn chain(len: u64) -> L1Fixture {
        let mut fixture = L1Fixture::new(1);
        let mut parent = B256::ZERO;
        for number in 100..100 + len {
            let header = header(number, parent);
            parent = header.hash_slow();
            fixture.blocks.push(FixtureBlock {
                header,
                transactions: Vec::new(),
                receipts: Vec::new(),
            });
        }
        fixture
    }

    #[test]
    fn fixture_json_roundtrip_and_serving() {
        let fixture = chain(3);
        let json = fixture.to_json().unwrap();
        assert_eq!(L1Fixture::from_json(&json).unwrap(), fixture);
        let mut owned = FixtureHost::new(&fixture).unwrap();
        let mut host = &owned;
        let second = host.block_ref_by_number(101).unwrap().unwrap();
        assert_eq!(second.parent_hash, fixture.blocks[0].header.hash_slow());
        assert_eq!(host.block_ref_by_number(99).unwrap(), None);
        assert_eq!(host.block_ref_by_number(103).unwrap(), None);
        assert_eq!(host.header_by_hash(second.hash).unwrap().number, 101);
        assert!(matches!(
            host.receipts_by_hash(B256::repeat_byte(9)),
            Err(ProviderError::Missing { what: "l1 receipts", .. })
        ));
        owned.set_head(Some(100));
        assert_eq!((&owned).block_ref_by_number(101).unwrap(), None);
    }

    #[test]
    fn fixture_validation_errors() {
        let mut broken = chain(3);
        broken.blocks[2].header.parent_hash = B256::repeat_byte(1);
        assert!(matches!(
            FixtureHost::new(&broken),
            Err(FixtureError::NotAChain { number: 102, .. })
        ));
        let mut bad_root = chain(1);
        bad_root.blocks[0].header.receipts_root = B256::repeat_byte(2);
        assert!(matches!(
            FixtureHost::new(&bad_root),
            Err(FixtureError::RootMismatch { what: "receipts", .. })
        ));
        let mut bad_tx = chain(1);
        bad_tx.blocks[0].transactions.push(Bytes::from_static(&[0x02, 0x01]));
        assert!(matches!(FixtureHost::new(&bad_tx), Err(FixtureError::BadItem { .. })));
        let mut bad_blob = chain(1);
        bad_blob
            .blobs
            .push(FixtureBlob { versioned_hash: B256::ZERO, data: Bytes::from_static(b"x") });
        assert_eq!(FixtureHost::new(&bad_blob).err(), Some(FixtureError::BadBlob(B256::ZERO)));
        assert!(matches!(L1Fixture::from_json("{}"), Err(FixtureError::Json(_))));
        let mut other = chain(1);
        other.version = 9;
        assert!(matches!(
            L1Fixture::from_json(&other.to_json().unwrap()),
            Err(FixtureError::Unsupported { version: 9, .. })
        ));
    }
}
