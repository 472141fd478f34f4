//! Singular batches (type 0): one L2 block's contents (spec: derivation § Batch Format).

use alloc::vec::Vec;
use alloy_primitives::{B256, Bytes};
use alloy_rlp::{RlpDecodable, RlpEncodable};

/// `rlp([parent_hash, epoch_number, epoch_hash, timestamp, transaction_list])`.
#[derive(Clone, Debug, PartialEq, Eq, RlpEncodable, RlpDecodable)]
pub struct SingularBatch {
    /// Hash of the L2 block this batch builds on.
    pub parent_hash: B256,
    /// L1 origin (epoch) block number.
    pub epoch_num: u64,
    /// L1 origin (epoch) block hash.
    pub epoch_hash: B256,
    /// L2 block timestamp.
    pub timestamp: u64,
    /// Opaque EIP-2718 encoded transactions.
    pub transactions: Vec<Bytes>,
}

impl SingularBatch {
    /// Decodes the batch body (after the type byte). Bytes after the RLP list are ignored, as
    /// the spec allows.
    pub fn decode(body: &[u8]) -> Result<Self, alloy_rlp::Error> {
        let mut buf = body;
        <Self as alloy_rlp::Decodable>::decode(&mut buf)
    }

    /// Appends the batch body (without the type byte) to `out`.
    pub fn encode(&self, out: &mut Vec<u8>) {
        alloy_rlp::Encodable::encode(self, out);
    }
}
