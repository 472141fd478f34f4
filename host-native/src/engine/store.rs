//! The engine's on-disk store (redb): preimages, blocks, the canonical index, transaction
//! locations and the forkchoice.
//!
//! | table        | key                  | value                                              |
//! |--------------|----------------------|----------------------------------------------------|
//! | `preimages`  | keccak256 (32 bytes) | trie node, contract code or RLP header             |
//! | `blocks`     | block hash           | RLP `[header, [tx, ...], [receipt (EIP-2718), ...]]` |
//! | `canonical`  | block number (u64)   | block hash                                         |
//! | `txs`        | transaction hash     | block hash (32) ++ index (u64 big-endian)          |
//! | `meta`       | `genesis`, `head`, `safe`, `finalized` | block hash                       |
//!
//! Every change to the chain happens in one write transaction, so a crash never leaves a
//! forkchoice pointing at a block that was not stored.

use std::path::Path;

use alloy_consensus::Header;
use alloy_primitives::{B256, Bytes};
use alloy_rlp::{RlpDecodable, RlpEncodable};
use keel_core::executor::{ExecError, PreimageSource};
use redb::{
    Database, ReadOnlyTable, ReadTransaction, ReadableDatabase, ReadableTable, TableDefinition,
    WriteTransaction,
};

const PREIMAGES: TableDefinition<'_, &[u8; 32], &[u8]> = TableDefinition::new("preimages");
const BLOCKS: TableDefinition<'_, &[u8; 32], &[u8]> = TableDefinition::new("blocks");
const CANONICAL: TableDefinition<'_, u64, &[u8; 32]> = TableDefinition::new("canonical");
const TXS: TableDefinition<'_, &[u8; 32], &[u8]> = TableDefinition::new("txs");
const META: TableDefinition<'_, &str, &[u8; 32]> = TableDefinition::new("meta");

/// Why the store failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum StoreError {
    /// redb reported an error (I/O, corruption, a lock held by another process).
    #[error("database error: {0}")]
    Db(String),
    /// A stored block record does not decode.
    #[error("stored block {hash} is corrupt: {reason}")]
    CorruptBlock {
        /// The block's hash.
        hash: B256,
        /// The decoding error.
        reason: String,
    },
    /// A stored transaction location is not 40 bytes.
    #[error("stored location of transaction {0} is corrupt")]
    CorruptTxLocation(B256),
}

fn db_err<E: Into<redb::Error>>(e: E) -> StoreError {
    StoreError::Db(e.into().to_string())
}

/// A block as stored: header, raw transactions and EIP-2718 receipts.
#[derive(Debug, Clone, PartialEq, Eq, RlpEncodable, RlpDecodable)]
pub(crate) struct StoredBlock {
    /// The sealed header.
    pub(crate) header: Header,
    /// EIP-2718 encoded transactions, in block order.
    pub(crate) transactions: Vec<Bytes>,
    /// EIP-2718 encoded receipts, one per transaction (empty for a genesis block).
    pub(crate) receipts: Vec<Bytes>,
}

impl StoredBlock {
    /// A block the executor built or re-executed, with its receipts encoded for storage.
    pub(crate) fn executed(
        header: Header,
        transactions: Vec<Bytes>,
        receipts: &[op_alloy_consensus::OpReceiptEnvelope],
    ) -> Self {
        let receipts = receipts
            .iter()
            .map(|r| Bytes::from(alloy_eips::Encodable2718::encoded_2718(r)))
            .collect();
        Self { header, transactions, receipts }
    }
}

/// Keys of the `meta` table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MetaKey {
    /// The genesis block hash.
    Genesis,
    /// The forkchoice head.
    Head,
    /// The forkchoice safe block.
    Safe,
    /// The forkchoice finalized block.
    Finalized,
}

impl MetaKey {
    const fn name(self) -> &'static str {
        match self {
            Self::Genesis => "genesis",
            Self::Head => "head",
            Self::Safe => "safe",
            Self::Finalized => "finalized",
        }
    }
}

/// The redb database.
#[derive(Debug)]
pub(crate) struct Store {
    db: Database,
}

impl Store {
    /// Opens (or creates) the store at `path`.
    pub(crate) fn open(path: &Path) -> Result<Self, StoreError> {
        Self::init(Database::create(path).map_err(db_err)?)
    }

    /// A store that lives in memory only (`--dev`, tests): the same code path as on disk.
    pub(crate) fn in_memory() -> Result<Self, StoreError> {
        let db = Database::builder()
            .create_with_backend(redb::backends::InMemoryBackend::new())
            .map_err(db_err)?;
        Self::init(db)
    }

    /// Creates the tables, so that read transactions can always open them.
    fn init(db: Database) -> Result<Self, StoreError> {
        let txn = db.begin_write().map_err(db_err)?;
        txn.open_table(PREIMAGES).map_err(db_err)?;
        txn.open_table(BLOCKS).map_err(db_err)?;
        txn.open_table(CANONICAL).map_err(db_err)?;
        txn.open_table(TXS).map_err(db_err)?;
        txn.open_table(META).map_err(db_err)?;
        txn.commit().map_err(db_err)?;
        Ok(Self { db })
    }

    /// A consistent read-only view.
    pub(crate) fn read(&self) -> Result<StoreRead, StoreError> {
        StoreRead::new(self.db.begin_read().map_err(db_err)?)
    }

    /// A write transaction; nothing is visible until [`StoreWrite::commit`].
    pub(crate) fn write(&self) -> Result<StoreWrite, StoreError> {
        Ok(StoreWrite { txn: self.db.begin_write().map_err(db_err)? })
    }
}

impl PreimageSource for Store {
    fn preimage(&self, hash: B256) -> Result<Bytes, ExecError> {
        match self.read() {
            Ok(read) => read.preimage(hash),
            Err(e) => {
                tracing::error!(%hash, error = %e, "preimage read failed");
                Err(ExecError::MissingPreimage(hash))
            }
        }
    }
}

fn decode_block(hash: B256, bytes: &[u8]) -> Result<StoredBlock, StoreError> {
    alloy_rlp::decode_exact(bytes)
        .map_err(|e| StoreError::CorruptBlock { hash, reason: e.to_string() })
}

fn decode_location(tx: B256, bytes: &[u8]) -> Result<(B256, u64), StoreError> {
    let (hash, index) = bytes.split_first_chunk::<32>().ok_or(StoreError::CorruptTxLocation(tx))?;
    let index: [u8; 8] = index.try_into().map_err(|_| StoreError::CorruptTxLocation(tx))?;
    Ok((B256::from(*hash), u64::from_be_bytes(index)))
}

/// A read transaction with its tables open.
pub(crate) struct StoreRead {
    preimages: ReadOnlyTable<&'static [u8; 32], &'static [u8]>,
    blocks: ReadOnlyTable<&'static [u8; 32], &'static [u8]>,
    canonical: ReadOnlyTable<u64, &'static [u8; 32]>,
    txs: ReadOnlyTable<&'static [u8; 32], &'static [u8]>,
    meta: ReadOnlyTable<&'static str, &'static [u8; 32]>,
}

impl std::fmt::Debug for StoreRead {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoreRead").finish_non_exhaustive()
    }
}

impl StoreRead {
    fn new(txn: ReadTransaction) -> Result<Self, StoreError> {
        Ok(Self {
            preimages: txn.open_table(PREIMAGES).map_err(db_err)?,
            blocks: txn.open_table(BLOCKS).map_err(db_err)?,
            canonical: txn.open_table(CANONICAL).map_err(db_err)?,
            txs: txn.open_table(TXS).map_err(db_err)?,
            meta: txn.open_table(META).map_err(db_err)?,
        })
    }

    /// The block stored under `hash`.
    pub(crate) fn block(&self, hash: B256) -> Result<Option<StoredBlock>, StoreError> {
        let Some(guard) = self.blocks.get(&hash.0).map_err(db_err)? else { return Ok(None) };
        decode_block(hash, guard.value()).map(Some)
    }

    /// Whether a block is stored under `hash`.
    pub(crate) fn has_block(&self, hash: B256) -> Result<bool, StoreError> {
        Ok(self.blocks.get(&hash.0).map_err(db_err)?.is_some())
    }

    /// The canonical block hash at `number`.
    pub(crate) fn canonical(&self, number: u64) -> Result<Option<B256>, StoreError> {
        Ok(self.canonical.get(number).map_err(db_err)?.map(|g| B256::from(*g.value())))
    }

    /// A `meta` entry.
    pub(crate) fn meta(&self, key: MetaKey) -> Result<Option<B256>, StoreError> {
        Ok(self.meta.get(key.name()).map_err(db_err)?.map(|g| B256::from(*g.value())))
    }

    /// Where a transaction was included: block hash and index (any stored block, canonical
    /// or not; the caller checks).
    pub(crate) fn tx_location(&self, tx: B256) -> Result<Option<(B256, u64)>, StoreError> {
        let Some(guard) = self.txs.get(&tx.0).map_err(db_err)? else { return Ok(None) };
        decode_location(tx, guard.value()).map(Some)
    }

    /// A raw preimage, if stored.
    pub(crate) fn get_preimage(&self, hash: B256) -> Result<Option<Bytes>, StoreError> {
        Ok(self.preimages.get(&hash.0).map_err(db_err)?.map(|g| Bytes::copy_from_slice(g.value())))
    }
}

impl PreimageSource for StoreRead {
    fn preimage(&self, hash: B256) -> Result<Bytes, ExecError> {
        match self.get_preimage(hash) {
            Ok(Some(bytes)) => Ok(bytes),
            Ok(None) => Err(ExecError::MissingPreimage(hash)),
            Err(e) => {
                tracing::error!(%hash, error = %e, "preimage read failed");
                Err(ExecError::MissingPreimage(hash))
            }
        }
    }
}

/// A write transaction. Dropping it without [`StoreWrite::commit`] discards every change.
pub(crate) struct StoreWrite {
    txn: WriteTransaction,
}

impl std::fmt::Debug for StoreWrite {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoreWrite").finish_non_exhaustive()
    }
}

impl StoreWrite {
    /// Stores preimages (existing keys are overwritten with the same bytes).
    pub(crate) fn put_preimages<'a>(
        &self,
        preimages: impl IntoIterator<Item = (&'a B256, &'a [u8])>,
    ) -> Result<(), StoreError> {
        let mut table = self.txn.open_table(PREIMAGES).map_err(db_err)?;
        for (hash, bytes) in preimages {
            table.insert(&hash.0, bytes).map_err(db_err)?;
        }
        Ok(())
    }

    /// Stores a block, its header as a preimage (BLOCKHASH walks headers by hash) and the
    /// location of each of its transactions.
    pub(crate) fn put_block(&self, hash: B256, block: &StoredBlock) -> Result<(), StoreError> {
        let header_rlp = alloy_rlp::encode(&block.header);
        self.put_preimages([(&hash, header_rlp.as_slice())])?;
        let mut blocks = self.txn.open_table(BLOCKS).map_err(db_err)?;
        blocks.insert(&hash.0, alloy_rlp::encode(block).as_slice()).map_err(db_err)?;
        self.index_transactions(hash, block)
    }

    /// Points each of the block's transaction hashes at it (a block that becomes canonical
    /// takes over transactions it shares with a block of another branch).
    pub(crate) fn index_transactions(
        &self,
        hash: B256,
        block: &StoredBlock,
    ) -> Result<(), StoreError> {
        let mut txs = self.txn.open_table(TXS).map_err(db_err)?;
        for (index, tx) in (0u64..).zip(&block.transactions) {
            let mut location = [0u8; 40];
            let (block_part, index_part) = location.split_at_mut(32);
            block_part.copy_from_slice(hash.as_slice());
            index_part.copy_from_slice(&index.to_be_bytes());
            txs.insert(&alloy_primitives::keccak256(tx).0, location.as_slice()).map_err(db_err)?;
        }
        Ok(())
    }

    /// The block stored under `hash` (including ones written in this transaction).
    pub(crate) fn block(&self, hash: B256) -> Result<Option<StoredBlock>, StoreError> {
        let table = self.txn.open_table(BLOCKS).map_err(db_err)?;
        let Some(guard) = table.get(&hash.0).map_err(db_err)? else { return Ok(None) };
        decode_block(hash, guard.value()).map(Some)
    }

    /// The canonical hash at `number`.
    pub(crate) fn canonical(&self, number: u64) -> Result<Option<B256>, StoreError> {
        let table = self.txn.open_table(CANONICAL).map_err(db_err)?;
        Ok(table.get(number).map_err(db_err)?.map(|g| B256::from(*g.value())))
    }

    /// Sets the canonical hash at `number`.
    pub(crate) fn set_canonical(&self, number: u64, hash: B256) -> Result<(), StoreError> {
        let mut table = self.txn.open_table(CANONICAL).map_err(db_err)?;
        table.insert(number, &hash.0).map_err(db_err)?;
        Ok(())
    }

    /// Removes every canonical entry above `number`.
    pub(crate) fn truncate_canonical_above(&self, number: u64) -> Result<(), StoreError> {
        let Some(first) = number.checked_add(1) else { return Ok(()) };
        let mut table = self.txn.open_table(CANONICAL).map_err(db_err)?;
        table.retain_in(first.., |_, _| false).map_err(db_err)?;
        Ok(())
    }

    /// Sets a `meta` entry.
    pub(crate) fn set_meta(&self, key: MetaKey, hash: B256) -> Result<(), StoreError> {
        let mut table = self.txn.open_table(META).map_err(db_err)?;
        table.insert(key.name(), &hash.0).map_err(db_err)?;
        Ok(())
    }

    /// Makes every change durable and visible at once.
    pub(crate) fn commit(self) -> Result<(), StoreError> {
        self.txn.commit().map_err(db_err)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    fn block(number: u64) -> (B256, StoredBlock) {
        let header = Header { number, ..Default::default() };
        let hash = header.hash_slow();
        (
            hash,
            StoredBlock {
                header,
                transactions: vec![Bytes::from(vec![1, 2, 3])],
                receipts: vec![],
            },
        )
    }

    #[test]
    fn uncommitted_writes_are_discarded_and_committed_ones_kept() {
        let store = Store::in_memory().unwrap();
        let (hash, stored) = block(1);
        let write = store.write().unwrap();
        write.put_block(hash, &stored).unwrap();
        drop(write);
        assert!(!store.read().unwrap().has_block(hash).unwrap());

        let write = store.write().unwrap();
        write.put_block(hash, &stored).unwrap();
        write.set_canonical(1, hash).unwrap();
        write.set_meta(MetaKey::Head, hash).unwrap();
        write.commit().unwrap();
        let read = store.read().unwrap();
        assert_eq!(read.block(hash).unwrap(), Some(stored.clone()));
        assert_eq!(read.canonical(1).unwrap(), Some(hash));
        assert_eq!(read.meta(MetaKey::Head).unwrap(), Some(hash));
        // The header is a preimage of its hash, for BLOCKHASH.
        assert_eq!(read.preimage(hash).unwrap(), Bytes::from(alloy_rlp::encode(&stored.header)));
        let tx = alloy_primitives::keccak256([1u8, 2, 3]);
        assert_eq!(read.tx_location(tx).unwrap(), Some((hash, 0)));
    }

    #[test]
    fn truncate_removes_only_higher_numbers() {
        let store = Store::in_memory().unwrap();
        let write = store.write().unwrap();
        for n in 0..5 {
            write.set_canonical(n, B256::with_last_byte(n as u8)).unwrap();
        }
        write.truncate_canonical_above(2).unwrap();
        write.commit().unwrap();
        let read = store.read().unwrap();
        assert_eq!(read.canonical(2).unwrap(), Some(B256::with_last_byte(2)));
        assert_eq!(read.canonical(3).unwrap(), None);
        assert_eq!(read.canonical(4).unwrap(), None);
    }

    #[test]
    fn missing_preimage_is_typed() {
        let store = Store::in_memory().unwrap();
        let hash = B256::repeat_byte(7);
        assert_eq!(store.preimage(hash), Err(ExecError::MissingPreimage(hash)));
    }

    #[test]
    fn corrupt_location_is_an_error() {
        assert_eq!(
            decode_location(B256::ZERO, &[0u8; 39]),
            Err(StoreError::CorruptTxLocation(B256::ZERO))
        );
    }
}
