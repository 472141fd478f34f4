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
//!
//! The same checks serve blocks read from a live L1 node ([`verify_block`]: the recorder and
//! the browser's live mode), and [`FixtureHost`] grows block by block ([`FixtureHost::push_block`])
//! for hosts that fetch L1 as derivation goes.

use alloc::{
    boxed::Box,
    collections::BTreeMap,
    string::{String, ToString},
    vec::Vec,
};
use alloy_consensus::{Header, ReceiptEnvelope, Signed, TxEip4844Variant, TxEnvelope, proofs};
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
    /// The blocks do not form a chain (a live L1 reorganized, or a fixture's blocks are not
    /// consecutive).
    #[error("L1 block {number} does not build on block {previous} {previous_hash}")]
    NotAChain {
        /// The offending block number.
        number: u64,
        /// The block before it.
        previous: u64,
        /// Hash of the block before it.
        previous_hash: B256,
    },
    /// A transaction or receipt does not decode.
    #[error("L1 block {number}: {what} {index} does not decode: {reason}")]
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
    #[error("L1 block {number}: {what} do not match the header's {what} root")]
    RootMismatch {
        /// Block number.
        number: u64,
        /// `"transactions"` or `"receipts"`.
        what: &'static str,
    },
    /// The node answered with another block than asked for.
    #[error("asked the L1 RPC for block {asked}, got block {got}")]
    WrongNumber {
        /// Requested number.
        asked: u64,
        /// Number in the answer.
        got: u64,
    },
    /// The header does not hash to the hash the node gave.
    #[error(
        "L1 block {number}: header hashes to {computed} but the L1 RPC says {claimed} (a header field keel does not know?)"
    )]
    HeaderHash {
        /// Block number.
        number: u64,
        /// Hash of the decoded header.
        computed: B256,
        /// Hash the node gave.
        claimed: B256,
    },
    /// Not one receipt per transaction.
    #[error(
        "L1 block {number}: receipts do not match the transactions ({receipts} receipts for {transactions} transactions)"
    )]
    ReceiptCount {
        /// Block number.
        number: u64,
        /// Receipts served.
        receipts: usize,
        /// Transactions in the block.
        transactions: usize,
    },
    /// A receipt is for another block or transaction.
    #[error(
        "L1 block {number}: receipts do not match the transactions (receipt {index} is for another block or transaction)"
    )]
    ReceiptMismatch {
        /// Block number.
        number: u64,
        /// Position of the receipt.
        index: usize,
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

/// A receipt as an L1 node serves it: the consensus receipt and where the node says it belongs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServedReceipt {
    /// The receipt.
    pub receipt: ReceiptEnvelope,
    /// The block the node says it is of.
    pub block_hash: Option<B256>,
    /// Its position in that block.
    pub transaction_index: Option<u64>,
    /// The transaction it is for.
    pub transaction_hash: B256,
}

/// An L1 block whose hash, header, transactions and receipts agree (see [`verify_block`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedBlock {
    block_ref: L1BlockRef,
    header: Header,
    transactions: Vec<TxEnvelope>,
    receipts: Vec<ReceiptEnvelope>,
    sidecars_in_root: bool,
}

impl VerifiedBlock {
    /// The block's reference (its hash is the header's).
    pub fn block_ref(&self) -> L1BlockRef {
        self.block_ref
    }

    /// The header.
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// The transactions as the header's root commits to them, in block order.
    pub fn transactions(&self) -> &[TxEnvelope] {
        &self.transactions
    }

    /// The receipts, in block order.
    pub fn receipts(&self) -> &[ReceiptEnvelope] {
        &self.receipts
    }

    /// Whether the transactions root commits to blob transactions with their sidecars (the
    /// network encoding), as anvil (1.7) builds its blocks; then they are kept with sidecars.
    pub fn sidecars_in_root(&self) -> bool {
        self.sidecars_in_root
    }

    /// The block as a fixture records it.
    pub fn to_fixture_block(&self) -> FixtureBlock {
        FixtureBlock {
            header: self.header.clone(),
            transactions: encode_items(&self.transactions),
            receipts: encode_items(&self.receipts),
        }
    }
}

/// Checks a block as an L1 node served it: it is block `asked`, its header hashes to `hash`,
/// the transactions and receipts match the header's roots, and each receipt is the one of its
/// transaction in this block. Blob transactions are kept without their sidecars (the consensus
/// encoding) unless the root commits to the sidecars ([`VerifiedBlock::sidecars_in_root`]).
pub fn verify_block(
    asked: u64,
    hash: B256,
    header: Header,
    transactions: Vec<TxEnvelope>,
    receipts: Vec<ServedReceipt>,
) -> Result<VerifiedBlock, FixtureError> {
    let number = header.number;
    if number != asked {
        return Err(FixtureError::WrongNumber { asked, got: number });
    }
    let computed = header.hash_slow();
    if computed != hash {
        return Err(FixtureError::HeaderHash { number, computed, claimed: hash });
    }
    let (transactions, sidecars_in_root) =
        committed_transactions(number, header.transactions_root, transactions)?;
    let receipts = place_receipts(number, hash, &transactions, receipts)?;
    check_receipts_root(&header, &receipts)?;
    Ok(VerifiedBlock {
        block_ref: block_ref(hash, &header),
        header,
        transactions,
        receipts,
        sidecars_in_root,
    })
}

/// Checks that `next` is the block after `previous` (by number and parent hash).
pub fn check_follows(previous: &L1BlockRef, next: &L1BlockRef) -> Result<(), FixtureError> {
    if previous.number.checked_add(1) == Some(next.number) && previous.hash == next.parent_hash {
        Ok(())
    } else {
        Err(FixtureError::NotAChain {
            number: next.number,
            previous: previous.number,
            previous_hash: previous.hash,
        })
    }
}

fn block_ref(hash: B256, header: &Header) -> L1BlockRef {
    L1BlockRef {
        hash,
        number: header.number,
        parent_hash: header.parent_hash,
        timestamp: header.timestamp,
    }
}

/// The transactions as the header's root commits to them, and whether that is with blob
/// sidecars: without them (the consensus encoding), unless only the served (network) encoding
/// matches, as anvil (1.7) puts blob transactions into its blocks.
fn committed_transactions(
    number: u64,
    root: B256,
    served: Vec<TxEnvelope>,
) -> Result<(Vec<TxEnvelope>, bool), FixtureError> {
    let mismatch = FixtureError::RootMismatch { number, what: "transactions" };
    // Most blocks have no sidecars: then there is nothing to strip and one root to compute.
    if !served.iter().any(has_sidecar) {
        return if proofs::calculate_transaction_root(&served) == root {
            Ok((served, false))
        } else {
            Err(mismatch)
        };
    }
    let canonical: Vec<TxEnvelope> = served.iter().map(without_sidecar).collect();
    if proofs::calculate_transaction_root(&canonical) == root {
        return Ok((canonical, false));
    }
    if proofs::calculate_transaction_root(&served) == root {
        return Ok((served, true));
    }
    Err(mismatch)
}

fn has_sidecar(tx: &TxEnvelope) -> bool {
    matches!(tx, TxEnvelope::Eip4844(signed)
        if matches!(signed.tx(), TxEip4844Variant::TxEip4844WithSidecar(_)))
}

fn without_sidecar(tx: &TxEnvelope) -> TxEnvelope {
    match tx {
        TxEnvelope::Eip4844(signed) => match signed.tx() {
            TxEip4844Variant::TxEip4844WithSidecar(with_sidecar) => {
                TxEnvelope::Eip4844(Signed::new_unchecked(
                    TxEip4844Variant::TxEip4844(with_sidecar.tx.clone()),
                    *signed.signature(),
                    *signed.hash(),
                ))
            }
            TxEip4844Variant::TxEip4844(_) => tx.clone(),
        },
        other => other.clone(),
    }
}

/// The receipts in block order, each checked to be its transaction's in block `hash`.
fn place_receipts(
    number: u64,
    hash: B256,
    transactions: &[TxEnvelope],
    mut receipts: Vec<ServedReceipt>,
) -> Result<Vec<ReceiptEnvelope>, FixtureError> {
    if receipts.len() != transactions.len() {
        return Err(FixtureError::ReceiptCount {
            number,
            receipts: receipts.len(),
            transactions: transactions.len(),
        });
    }
    receipts.sort_by_key(|r| r.transaction_index);
    receipts
        .into_iter()
        .zip(transactions)
        .enumerate()
        .map(|(index, (served, tx))| {
            let matches = served.block_hash == Some(hash)
                && served.transaction_index == u64::try_from(index).ok()
                && served.transaction_hash == *tx.tx_hash();
            if matches {
                Ok(served.receipt)
            } else {
                Err(FixtureError::ReceiptMismatch { number, index })
            }
        })
        .collect()
}

fn check_receipts_root(header: &Header, receipts: &[ReceiptEnvelope]) -> Result<(), FixtureError> {
    if proofs::calculate_receipt_root(receipts) == header.receipts_root {
        Ok(())
    } else {
        Err(FixtureError::RootMismatch { number: header.number, what: "receipts" })
    }
}

/// Serves validated L1 blocks through the host-IO traits: a fixture's, or blocks appended as
/// they are fetched.
#[derive(Default)]
pub struct FixtureHost {
    blocks: Vec<VerifiedBlock>,
    by_hash: BTreeMap<B256, usize>,
    blobs: BTreeMap<B256, Box<Blob>>,
    head: Option<u64>,
}

impl FixtureHost {
    /// Validates and indexes a fixture.
    pub fn new(fixture: &L1Fixture) -> Result<Self, FixtureError> {
        let mut host = Self::default();
        host.blocks.reserve(fixture.blocks.len());
        for block in &fixture.blocks {
            let header = block.header.clone();
            let number = header.number;
            let block_ref = block_ref(header.hash_slow(), &header);
            host.check_extends(&block_ref)?;
            let transactions =
                decode_all::<TxEnvelope>(&block.transactions, number, "transaction")?;
            let receipts = decode_all::<ReceiptEnvelope>(&block.receipts, number, "receipt")?;
            let (transactions, sidecars_in_root) =
                committed_transactions(number, header.transactions_root, transactions)?;
            check_receipts_root(&header, &receipts)?;
            host.append(VerifiedBlock {
                block_ref,
                header,
                transactions,
                receipts,
                sidecars_in_root,
            });
        }
        for blob in &fixture.blobs {
            let data: Box<Blob> = blob
                .data
                .as_ref()
                .try_into()
                .map(Box::new)
                .map_err(|_| FixtureError::BadBlob(blob.versioned_hash))?;
            host.blobs.insert(blob.versioned_hash, data);
        }
        Ok(host)
    }

    /// Checks that `block` would extend the chain served (any block starts an empty host).
    pub fn check_extends(&self, block: &L1BlockRef) -> Result<(), FixtureError> {
        self.tip().map_or(Ok(()), |tip| check_follows(&tip, block))
    }

    /// Appends a verified block on the tip.
    pub fn push_block(&mut self, block: VerifiedBlock) -> Result<(), FixtureError> {
        self.check_extends(&block.block_ref)?;
        self.append(block);
        Ok(())
    }

    /// Appends a block served under `block_ref.hash` as given, without checking that the
    /// header hashes to it or that the transactions and receipts match its roots: for
    /// synthetic chains that need real hashes on made-up headers (benchmarks). It must still
    /// extend the tip.
    pub fn push_unverified_block(
        &mut self,
        block_ref: L1BlockRef,
        header: Header,
        transactions: Vec<TxEnvelope>,
        receipts: Vec<ReceiptEnvelope>,
    ) -> Result<(), FixtureError> {
        self.push_block(VerifiedBlock {
            block_ref,
            header,
            transactions,
            receipts,
            sidecars_in_root: false,
        })
    }

    /// Adds blobs, by versioned hash (trusted as given: check them before).
    pub fn add_blobs(&mut self, blobs: impl IntoIterator<Item = (B256, Box<Blob>)>) {
        self.blobs.extend(blobs);
    }

    fn append(&mut self, block: VerifiedBlock) {
        self.by_hash.insert(block.block_ref.hash, self.blocks.len());
        self.blocks.push(block);
    }

    /// Limits the visible chain to blocks up to `head` (to replay L1 growing block by block).
    pub fn set_head(&mut self, head: Option<u64>) {
        self.head = head;
    }

    /// The block refs of the fixture, in order.
    pub fn block_refs(&self) -> impl Iterator<Item = L1BlockRef> + '_ {
        self.blocks.iter().map(|b| b.block_ref)
    }

    /// The last block (whatever [`Self::set_head`] hides).
    pub fn tip(&self) -> Option<L1BlockRef> {
        self.blocks.last().map(|b| b.block_ref)
    }

    /// How many blocks the host holds.
    pub fn block_count(&self) -> usize {
        self.blocks.len()
    }

    /// How many blobs the host holds.
    pub fn blob_count(&self) -> usize {
        self.blobs.len()
    }

    fn by_hash(&self, hash: B256, what: &'static str) -> Result<&VerifiedBlock, ProviderError> {
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
    use alloc::vec;
    use alloy_consensus::{
        EMPTY_ROOT_HASH, Receipt, SignableTransaction, TxEip1559, TxEip4844, TxEip4844WithSidecar,
    };
    use alloy_eips::eip7594::BlobTransactionSidecarVariant;
    use alloy_primitives::Signature;

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

    fn eip1559(nonce: u64) -> TxEnvelope {
        let tx = TxEip1559 { chain_id: 1, nonce, gas_limit: 21_000, ..Default::default() };
        tx.into_signed(Signature::test_signature()).into()
    }

    fn receipt(gas: u64) -> ReceiptEnvelope {
        let receipt = Receipt { status: true.into(), cumulative_gas_used: gas, logs: Vec::new() };
        ReceiptEnvelope::Eip1559(receipt.with_bloom())
    }

    /// A block 100 with `txs` and one receipt each; the header commits to them.
    fn served_block(txs: &[TxEnvelope]) -> (Header, B256, Vec<ServedReceipt>) {
        let receipts: Vec<ReceiptEnvelope> =
            (1..=txs.len() as u64).map(|i| receipt(21_000 * i)).collect();
        let header = Header {
            transactions_root: proofs::calculate_transaction_root(txs),
            receipts_root: proofs::calculate_receipt_root(&receipts),
            ..header(100, B256::ZERO)
        };
        let hash = header.hash_slow();
        let served = receipts
            .into_iter()
            .zip(txs)
            .enumerate()
            .map(|(i, (receipt, tx))| ServedReceipt {
                receipt,
                block_hash: Some(hash),
                transaction_index: Some(i as u64),
                transaction_hash: *tx.tx_hash(),
            })
            .collect();
        (header, hash, served)
    }

    #[test]
    fn served_blocks_are_verified() {
        let txs = vec![eip1559(0), eip1559(1)];
        let (header, hash, receipts) = served_block(&txs);
        let mut reversed = receipts.clone();
        reversed.reverse(); // served out of order: placed by transaction index
        let block = verify_block(100, hash, header.clone(), txs.clone(), reversed).unwrap();
        assert_eq!(block.block_ref(), block_ref(hash, &header));
        assert_eq!(block.transactions(), txs.as_slice());
        assert_eq!(block.receipts(), &[receipt(21_000), receipt(42_000)]);
        assert!(!block.sidecars_in_root());
        let recorded = block.to_fixture_block();
        assert_eq!(recorded.transactions, encode_items(&txs));
        let fixture = L1Fixture { blocks: vec![recorded], ..L1Fixture::new(1) };
        assert_eq!((&FixtureHost::new(&fixture).unwrap()).transactions_by_hash(hash).unwrap(), txs);

        let verify =
            |asked, hash, header: &Header, txs: &[TxEnvelope], receipts: &[ServedReceipt]| {
                verify_block(asked, hash, header.clone(), txs.to_vec(), receipts.to_vec())
                    .unwrap_err()
            };
        assert_eq!(
            verify(101, hash, &header, &txs, &receipts),
            FixtureError::WrongNumber { asked: 101, got: 100 }
        );
        let other = B256::repeat_byte(3);
        assert_eq!(
            verify(100, other, &header, &txs, &receipts),
            FixtureError::HeaderHash { number: 100, computed: hash, claimed: other }
        );
        assert_eq!(
            verify(100, hash, &header, &txs[..1], &receipts),
            FixtureError::RootMismatch { number: 100, what: "transactions" }
        );
        assert_eq!(
            verify(100, hash, &header, &txs, &receipts[..1]),
            FixtureError::ReceiptCount { number: 100, receipts: 1, transactions: 2 }
        );
        let mut wrong_block = receipts.clone();
        wrong_block[1].block_hash = Some(other);
        assert_eq!(
            verify(100, hash, &header, &txs, &wrong_block),
            FixtureError::ReceiptMismatch { number: 100, index: 1 }
        );
        let mut swapped = receipts.clone();
        swapped.swap(0, 1);
        (swapped[0].transaction_index, swapped[1].transaction_index) = (Some(0), Some(1));
        assert_eq!(
            verify(100, hash, &header, &txs, &swapped),
            FixtureError::ReceiptMismatch { number: 100, index: 0 }
        );
        let mut bad_receipt = receipts.clone();
        bad_receipt[0].receipt = receipt(1);
        assert_eq!(
            verify(100, hash, &header, &txs, &bad_receipt),
            FixtureError::RootMismatch { number: 100, what: "receipts" }
        );
    }

    #[test]
    fn blob_sidecars_count_in_the_root_only_when_the_header_says_so() {
        let blob_tx = TxEip4844 { chain_id: 1, gas_limit: 21_000, ..Default::default() };
        let signed = blob_tx.clone().into_signed(Signature::test_signature());
        let (canonical, sig, tx_hash) = (signed.tx().clone(), *signed.signature(), *signed.hash());
        let with_sidecar = TxEnvelope::Eip4844(Signed::new_unchecked(
            TxEip4844Variant::TxEip4844WithSidecar(TxEip4844WithSidecar::from_tx_and_sidecar(
                canonical.clone(),
                BlobTransactionSidecarVariant::default(),
            )),
            sig,
            tx_hash,
        ));
        let stripped = TxEnvelope::Eip4844(Signed::new_unchecked(canonical.into(), sig, tx_hash));
        assert_ne!(with_sidecar, stripped);
        assert_eq!(without_sidecar(&with_sidecar), stripped);

        // A consensus header: the sidecar is dropped.
        let (header, hash, receipts) = served_block(core::slice::from_ref(&stripped));
        let block = verify_block(100, hash, header, vec![with_sidecar.clone()], receipts).unwrap();
        assert_eq!(block.transactions(), core::slice::from_ref(&stripped));
        assert!(!block.sidecars_in_root());

        // anvil's header commits to the network encoding: the sidecar is kept.
        let (header, hash, receipts) = served_block(core::slice::from_ref(&with_sidecar));
        let block =
            verify_block(100, hash, header.clone(), vec![with_sidecar.clone()], receipts.clone())
                .unwrap();
        assert_eq!(block.transactions(), core::slice::from_ref(&with_sidecar));
        assert!(block.sidecars_in_root());
        // The stripped form alone cannot match that header.
        assert_eq!(
            verify_block(100, hash, header, vec![stripped], receipts).unwrap_err(),
            FixtureError::RootMismatch { number: 100, what: "transactions" }
        );
    }

    #[test]
    fn a_host_grows_block_by_block() {
        let fixture = chain(3);
        let full = FixtureHost::new(&fixture).unwrap();
        let refs: Vec<L1BlockRef> = full.block_refs().collect();
        let mut host = FixtureHost::default();
        assert_eq!(host.tip(), None);
        for (block, block_ref) in fixture.blocks.iter().zip(&refs) {
            let verified = verify_block(
                block_ref.number,
                block_ref.hash,
                block.header.clone(),
                Vec::new(),
                Vec::new(),
            )
            .unwrap();
            host.push_block(verified).unwrap();
            assert_eq!(host.tip(), Some(*block_ref));
        }
        assert_eq!(host.block_count(), 3);
        assert_eq!((&host).block_ref_by_number(101).unwrap(), Some(refs[1]));
        assert_eq!((&host).header_by_hash(refs[2].hash).unwrap(), fixture.blocks[2].header);

        // Not on the tip: the same block again, or one that skips a number.
        let again = verify_block(
            102,
            refs[2].hash,
            fixture.blocks[2].header.clone(),
            Vec::new(),
            Vec::new(),
        )
        .unwrap();
        let not_a_chain =
            FixtureError::NotAChain { number: 102, previous: 102, previous_hash: refs[2].hash };
        assert_eq!(host.push_block(again), Err(not_a_chain.clone()));
        assert_eq!(check_follows(&refs[2], &refs[2]), Err(not_a_chain));
        assert_eq!(check_follows(&refs[0], &refs[1]), Ok(()));
        assert!(matches!(
            check_follows(&refs[0], &refs[2]),
            Err(FixtureError::NotAChain { number: 102, previous: 100, .. })
        ));

        // Made-up headers under given hashes; blobs by versioned hash.
        let given = L1BlockRef {
            hash: B256::repeat_byte(7),
            number: 103,
            parent_hash: refs[2].hash,
            timestamp: 1,
        };
        host.push_unverified_block(given, header(103, B256::ZERO), vec![eip1559(0)], Vec::new())
            .unwrap();
        assert_eq!((&host).transactions_by_hash(given.hash).unwrap(), vec![eip1559(0)]);
        assert_eq!((&host).block_ref_by_number(103).unwrap(), Some(given));
        let blob: Box<Blob> = Box::new([1; 131_072]);
        host.add_blobs([(B256::repeat_byte(1), blob.clone())]);
        assert_eq!(host.blob_count(), 1);
        let wanted = [IndexedBlobHash { index: 0, hash: B256::repeat_byte(1) }];
        assert_eq!((&host).blobs(&given, &wanted).unwrap(), vec![blob]);
    }
}
