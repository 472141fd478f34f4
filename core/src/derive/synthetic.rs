//! A stand-in for the execution engine when deriving offline (`keel derive` on a recorded L1).
//!
//! Deriving needs the hash of each L2 block it produces: the next batch names it as its
//! parent. Without executing the block that hash is unknown, so offline derivation names each
//! block with a *synthetic* hash computed from what a batcher also knows: the parent hash, the
//! timestamp and the batch's (non-deposit) transactions. keel's test chains build their batches
//! with the same rule, so they can be derived end to end without an engine; real chains need
//! real block hashes (an engine or an L2 node), which the block executor will provide.

use alloc::vec::Vec;
use alloy_eips::BlockNumHash;
use alloy_primitives::{B256, Bytes, keccak256};

use super::{
    error::{DataKey, ProviderError},
    host::L2Provider,
    types::L2BlockRef,
};
use crate::config::SystemConfig;

/// Domain tag of synthetic block hashes.
const SYNTHETIC_HASH_TAG: &[u8] = b"keel/synthetic-l2/v1";

/// First byte of a deposit transaction.
const DEPOSIT_TX_TYPE: u8 = 0x7e;

/// The synthetic hash of the L2 block at `timestamp` on `parent_hash` carrying `transactions`
/// (deposit transactions, which the batcher does not post, are skipped).
pub fn synthetic_block_hash(parent_hash: B256, timestamp: u64, transactions: &[Bytes]) -> B256 {
    let mut preimage = Vec::with_capacity(SYNTHETIC_HASH_TAG.len() + 40 + 32 * transactions.len());
    preimage.extend_from_slice(SYNTHETIC_HASH_TAG);
    preimage.extend_from_slice(parent_hash.as_slice());
    preimage.extend_from_slice(&timestamp.to_be_bytes());
    for tx in transactions.iter().filter(|tx| tx.first() != Some(&DEPOSIT_TX_TYPE)) {
        preimage.extend_from_slice(keccak256(tx).as_slice());
    }
    keccak256(preimage)
}

struct SyntheticBlock {
    block: L2BlockRef,
    transactions: Vec<Bytes>,
    system_config: SystemConfig,
}

/// An in-memory L2 chain grown from derived attributes, serving [`L2Provider`].
pub struct SyntheticL2 {
    blocks: Vec<SyntheticBlock>,
}

impl SyntheticL2 {
    /// A chain whose head is `start`, with the system config in force after it.
    pub fn new(start: L2BlockRef, system_config: SystemConfig) -> Self {
        Self {
            blocks: alloc::vec![SyntheticBlock {
                block: start,
                transactions: Vec::new(),
                system_config
            }],
        }
    }

    /// The block the chain started from.
    pub fn start(&self) -> L2BlockRef {
        self.blocks.first().map(|b| b.block).unwrap_or_default()
    }

    /// The chain head.
    pub fn head(&self) -> L2BlockRef {
        self.blocks.last().map(|b| b.block).unwrap_or_default()
    }

    /// Appends the block built from `transactions` at `timestamp` with L1 origin `epoch` on the
    /// current head, and returns it.
    pub fn append(
        &mut self,
        timestamp: u64,
        epoch: BlockNumHash,
        transactions: Vec<Bytes>,
        system_config: SystemConfig,
    ) -> L2BlockRef {
        let parent = self.head();
        let seq_number = if epoch.number == parent.l1_origin.number {
            parent.seq_number.saturating_add(1)
        } else {
            0
        };
        let block = L2BlockRef {
            hash: synthetic_block_hash(parent.hash, timestamp, &transactions),
            number: parent.number.saturating_add(1),
            parent_hash: parent.hash,
            timestamp,
            l1_origin: epoch,
            seq_number,
        };
        self.blocks.push(SyntheticBlock { block, transactions, system_config });
        block
    }

    /// Drops every block after `number` (a reset moved the safe head back); the start block is
    /// always kept.
    pub fn truncate_after(&mut self, number: u64) {
        let first = self.blocks.first().map_or(0, |b| b.block.number);
        let keep = number.saturating_sub(first).saturating_add(1);
        self.blocks.truncate(usize::try_from(keep).unwrap_or(usize::MAX).max(1));
    }

    /// The system config in force after the head.
    pub fn head_system_config(&self) -> SystemConfig {
        self.blocks.last().map(|b| b.system_config).unwrap_or_default()
    }

    fn get(&self, number: u64) -> Result<&SyntheticBlock, ProviderError> {
        let first = self.blocks.first().map_or(0, |b| b.block.number);
        number
            .checked_sub(first)
            .and_then(|i| usize::try_from(i).ok())
            .and_then(|i| self.blocks.get(i))
            .ok_or(ProviderError::Missing { what: "l2 block", key: DataKey::Number(number) })
    }
}

impl L2Provider for SyntheticL2 {
    fn l2_block_ref_by_number(&mut self, number: u64) -> Result<L2BlockRef, ProviderError> {
        Ok(self.get(number)?.block)
    }

    fn system_config_by_number(&mut self, number: u64) -> Result<SystemConfig, ProviderError> {
        Ok(self.get(number)?.system_config)
    }

    fn transactions_by_number(&mut self, number: u64) -> Result<Vec<Bytes>, ProviderError> {
        Ok(self.get(number)?.transactions.clone())
    }
}

impl core::fmt::Debug for SyntheticL2 {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("SyntheticL2").field("head", &self.head()).finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synthetic_chain_links_and_numbers() {
        let start = L2BlockRef { number: 10, timestamp: 100, ..Default::default() };
        let mut l2 = SyntheticL2::new(start, SystemConfig::default());
        let epoch = BlockNumHash { number: 5, hash: B256::repeat_byte(5) };
        let deposit = Bytes::from_static(&[0x7e, 0xc0]);
        let user = Bytes::from_static(&[0x02, 0xc0]);
        let a = l2.append(
            102,
            epoch,
            alloc::vec![deposit.clone(), user.clone()],
            SystemConfig::default(),
        );
        assert_eq!((a.number, a.parent_hash, a.seq_number), (11, start.hash, 0));
        assert_eq!(a.hash, synthetic_block_hash(start.hash, 102, core::slice::from_ref(&user)));
        let b = l2.append(104, epoch, alloc::vec![deposit], SystemConfig::default());
        assert_eq!((b.number, b.parent_hash, b.seq_number), (12, a.hash, 1));
        assert_eq!(l2.l2_block_ref_by_number(11).unwrap(), a);
        assert_eq!(l2.transactions_by_number(11).unwrap().len(), 2);
        assert!(l2.l2_block_ref_by_number(13).is_err());
        assert!(l2.l2_block_ref_by_number(9).is_err());
        assert_ne!(synthetic_block_hash(a.hash, 104, &[]), synthetic_block_hash(a.hash, 106, &[]));
    }
}
