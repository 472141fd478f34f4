//! L1 traversal: walks the canonical L1 chain one block at a time (spec: derivation § L1
//! Traversal; checklist §1.1).
//!
//! Each new block must build on the current one, otherwise the pipeline resets. The block's
//! SystemConfig updates are applied *before* its batcher data is read, so a batcher change in
//! block N already governs block N's data.

use alloc::vec::Vec;

use super::{
    error::{PipelineError, ResetReason},
    host::L1Provider,
    types::L1BlockRef,
};
use crate::{
    config::{RollupConfig, SystemConfig},
    system_config_update::{ConfigUpdateError, apply_receipts},
};

/// The L1 traversal stage: the current L1 block and the L1 copy of the system config.
#[derive(Clone, Debug)]
pub struct L1Traversal {
    block: L1BlockRef,
    handed_out: bool,
    system_config: SystemConfig,
    skipped_updates: Vec<(u64, ConfigUpdateError)>,
}

impl L1Traversal {
    /// Starts at `origin` with the system config in force at it.
    pub fn new(origin: L1BlockRef, system_config: SystemConfig) -> Self {
        Self { block: origin, handed_out: false, system_config, skipped_updates: Vec::new() }
    }

    /// The current L1 block.
    pub fn origin(&self) -> L1BlockRef {
        self.block
    }

    /// The system config used to authenticate batcher transactions.
    pub fn system_config(&self) -> &SystemConfig {
        &self.system_config
    }

    /// Config updates skipped (malformed) in the last block, with their block log index.
    pub fn skipped_updates(&self) -> &[(u64, ConfigUpdateError)] {
        &self.skipped_updates
    }

    /// Hands out the current block once; afterwards [`PipelineError::Eof`] until advanced.
    pub fn next_l1_block(&mut self) -> Result<L1BlockRef, PipelineError> {
        if self.handed_out {
            return Err(PipelineError::Eof);
        }
        self.handed_out = true;
        Ok(self.block)
    }

    /// Moves to the next canonical L1 block, applying its SystemConfig updates.
    ///
    /// Returns [`PipelineError::Eof`] when the host has no next block yet and
    /// [`PipelineError::Reset`] when the next block does not build on the current one.
    pub fn advance(
        &mut self,
        l1: &mut impl L1Provider,
        cfg: &RollupConfig,
    ) -> Result<L1BlockRef, PipelineError> {
        let number = self.block.number.saturating_add(1);
        let next = l1.block_ref_by_number(number)?.ok_or(PipelineError::Eof)?;
        if next.parent_hash != self.block.hash {
            return Err(PipelineError::Reset(ResetReason::L1Reorg {
                number: next.number,
                parent: next.parent_hash,
                expected: self.block.hash,
            }));
        }
        let receipts = l1.receipts_by_hash(next.hash)?;
        let mut config = self.system_config;
        // Malformed updates are skipped (op-node since Nov 2025); later logs still apply.
        self.skipped_updates = apply_receipts(&mut config, &receipts, cfg, next.timestamp);
        self.system_config = config;
        self.block = next;
        self.handed_out = false;
        Ok(next)
    }
}
