//! The host-IO traits: everything the pipeline reads but does not compute.
//!
//! One set of traits serves every host: native RPC, the browser, the fault-proof preimage
//! oracle and in-memory fixtures. They are synchronous; see the module docs of
//! [`crate::derive`] for how asynchronous hosts answer them.

use alloc::vec::Vec;
use alloy_consensus::{Header, ReceiptEnvelope, TxEnvelope};
use alloy_primitives::{B256, Bytes};

use super::{
    error::ProviderError,
    types::{L1BlockRef, L2BlockRef},
};
use crate::{batcher_tx::IndexedBlobHash, config::SystemConfig};

/// Size of one EIP-4844 blob.
pub type Blob = [u8; crate::blob::BLOB_SIZE];

/// Reads the canonical L1 chain.
pub trait L1Provider {
    /// The canonical block at `number`, or `None` if it is past the L1 head the host follows
    /// (the pipeline then reports end of data and waits).
    fn block_ref_by_number(&mut self, number: u64) -> Result<Option<L1BlockRef>, ProviderError>;

    /// The full header of a block (for the L1-info deposit: base fee, mix hash, blob gas,
    /// parent beacon root).
    fn header_by_hash(&mut self, hash: B256) -> Result<Header, ProviderError>;

    /// A block's transactions, in block order.
    fn transactions_by_hash(&mut self, hash: B256) -> Result<Vec<TxEnvelope>, ProviderError>;

    /// A block's receipts, in block order (all of them: log indices count across the block).
    fn receipts_by_hash(&mut self, hash: B256) -> Result<Vec<ReceiptEnvelope>, ProviderError>;
}

/// Reads blobs from the L1 beacon chain (or a preimage oracle).
pub trait BlobProvider {
    /// The blobs of `block` with the given hashes, in the order asked. The host must verify
    /// each blob against its versioned hash (KZG) when its source is untrusted.
    fn blobs(
        &mut self,
        block: &L1BlockRef,
        hashes: &[IndexedBlobHash],
    ) -> Result<Vec<alloc::boxed::Box<Blob>>, ProviderError>;
}

/// Reads the L2 chain the engine has (for reset and sync start).
pub trait L2Provider {
    /// The L2 block at `number`, with its L1 origin and sequence number.
    fn l2_block_ref_by_number(&mut self, number: u64) -> Result<L2BlockRef, ProviderError>;

    /// The system config in force after L2 block `number` (recovered from that block).
    fn system_config_by_number(&mut self, number: u64) -> Result<SystemConfig, ProviderError>;

    /// The EIP-2718 encoded transactions of L2 block `number`, deposits included (span batches
    /// that overlap the safe chain are checked against them).
    fn transactions_by_number(&mut self, number: u64) -> Result<Vec<Bytes>, ProviderError>;
}
