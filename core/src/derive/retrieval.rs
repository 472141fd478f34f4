//! L1 retrieval: the batcher data of one L1 block, as a queue of payloads (spec: derivation §
//! L1 Retrieval, ecotone/derivation § Blob Retrieval; checklist §1.2, §1.5).

use alloc::{collections::VecDeque, vec::Vec};
use alloy_primitives::Bytes;

use super::{
    error::PipelineError,
    host::{BlobProvider, L1Provider},
    types::L1BlockRef,
};
use crate::{
    batcher_tx::{BatcherData, BatcherFilter, select_from_block_recovering},
    blob::decode_blob,
    config::{RollupConfig, SystemConfig},
};

/// Counters of what retrieval saw, for logs and metrics.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RetrievalStats {
    /// Batcher transactions selected.
    pub batcher_txs: u64,
    /// Blobs fetched.
    pub blobs: u64,
    /// Blobs skipped because their encoding was invalid.
    pub invalid_blobs: u64,
    /// Bytes of batcher data produced.
    pub bytes: u64,
}

/// Batcher payloads of the current L1 block, in transaction (and blob) order.
#[derive(Clone, Debug, Default)]
pub struct L1Retrieval {
    block: Option<L1BlockRef>,
    data: VecDeque<Bytes>,
    stats: RetrievalStats,
}

impl L1Retrieval {
    /// An empty retrieval stage.
    pub fn new() -> Self {
        Self::default()
    }

    /// Totals so far.
    pub fn stats(&self) -> RetrievalStats {
        self.stats
    }

    /// Drops any loaded data (reset).
    pub fn clear(&mut self) {
        self.block = None;
        self.data.clear();
    }

    /// Whether data for `block` has been loaded (possibly already consumed).
    pub fn is_loaded(&self, block: &L1BlockRef) -> bool {
        self.block.as_ref() == Some(block)
    }

    /// Loads the batcher data of `block`. On a host miss the stage stays unloaded, so a retry
    /// loads the block again from scratch and yields the same data.
    pub fn load(
        &mut self,
        block: L1BlockRef,
        system_config: &SystemConfig,
        cfg: &RollupConfig,
        l1: &mut impl L1Provider,
        blobs: &mut impl BlobProvider,
    ) -> Result<(), PipelineError> {
        let txs = l1.transactions_by_hash(block.hash)?;
        let filter = BatcherFilter {
            batch_inbox: cfg.batch_inbox_address,
            batcher: system_config.batcher_address,
            ecotone_active: cfg.is_ecotone_active(block.timestamp),
        };
        let selected = select_from_block_recovering(txs.iter(), &filter);
        let hashes: Vec<_> = selected
            .iter()
            .filter_map(|d| match d {
                BatcherData::Blobs(h) => Some(h.iter().copied()),
                BatcherData::Calldata(_) => None,
            })
            .flatten()
            .collect();
        let mut fetched =
            if hashes.is_empty() { Vec::new() } else { blobs.blobs(&block, &hashes)? }.into_iter();
        if fetched.len() != hashes.len() {
            return Err(PipelineError::Critical(alloc::format!(
                "blob provider returned {} blobs for {} hashes in L1 block {}",
                fetched.len(),
                hashes.len(),
                block.number
            )));
        }
        let mut data = VecDeque::new();
        for item in selected {
            self.stats.batcher_txs += 1;
            match item {
                BatcherData::Calldata(calldata) => data.push_back(calldata),
                BatcherData::Blobs(tx_hashes) => {
                    for _ in tx_hashes {
                        let Some(blob) = fetched.next() else { break };
                        self.stats.blobs += 1;
                        // An invalid blob encoding drops that blob only.
                        match decode_blob(blob.as_slice()) {
                            Ok(decoded) => data.push_back(Bytes::from(decoded)),
                            Err(_) => self.stats.invalid_blobs += 1,
                        }
                    }
                }
            }
        }
        self.stats.bytes += data.iter().map(|d| d.len() as u64).sum::<u64>();
        self.block = Some(block);
        self.data = data;
        Ok(())
    }

    /// The next payload of the loaded block, or `None` when it has no more.
    pub fn next_data(&mut self) -> Option<Bytes> {
        self.data.pop_front()
    }
}
