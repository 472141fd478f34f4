//! Offline derivation: the pipeline driven over a recorded L1, with a [`SyntheticL2`] standing
//! in for the engine (see its docs for what that means for block hashes). This is the driver
//! behind `keel derive` and the browser's fixture mode, and the model for the node's event loop:
//! attributes become the new safe head, an L1 reorg resets to a sync start found by walking the
//! L2 chain back to a canonical L1 origin.

use alloc::boxed::Box;
use alloy_eips::BlockNumHash;

use super::{
    attributes::AttributesWithParent,
    error::{PipelineError, StepOutcome},
    host::{BlobProvider, L1Provider, L2Provider},
    pipeline::{DerivationPipeline, PipelineStart},
    synthetic::SyntheticL2,
    types::{L1BlockRef, L2BlockRef},
};
use crate::{
    config::{RollupConfig, SystemConfig},
    deposit::decode_deposit,
    l1_info::{L1BlobSchedule, L1BlockInfo},
};

/// Run totals.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct DeriveStats {
    /// L1 blocks the pipeline moved through.
    pub l1_blocks: u64,
    /// Payload attributes derived (L2 blocks).
    pub l2_blocks: u64,
    /// Resets (L1 reorgs).
    pub resets: u64,
}

/// What one step did.
#[derive(Clone, Debug, PartialEq)]
pub enum DeriveEvent {
    /// Attributes were derived and appended as the new safe head.
    Attributes(Box<AttributesWithParent>, L2BlockRef),
    /// The pipeline moved to a new L1 block.
    OriginAdvanced(L1BlockRef),
    /// An L1 reorg reset the pipeline; the safe head moved back to this block.
    Reset(L2BlockRef),
}

/// The pipeline plus a synthetic L2 chain.
#[derive(Debug)]
pub struct OfflineDeriver {
    pipeline: DerivationPipeline,
    l2: SyntheticL2,
    stats: DeriveStats,
}

impl OfflineDeriver {
    /// Starts deriving on `safe_head` (built with `system_config`), reading L1 from
    /// `l1_origin` (normally the safe head's L1 origin).
    pub fn new(
        cfg: RollupConfig,
        blob_schedule: L1BlobSchedule,
        safe_head: L2BlockRef,
        l1_origin: L1BlockRef,
        system_config: SystemConfig,
    ) -> Self {
        let start = PipelineStart {
            l1_origin,
            l1_system_config: system_config,
            l2_system_config: system_config,
        };
        Self {
            pipeline: DerivationPipeline::new(cfg, blob_schedule, start),
            l2: SyntheticL2::new(safe_head, system_config),
            stats: DeriveStats::default(),
        }
    }

    /// Starts at the rollup's genesis, whose L1 block must be `genesis_l1`.
    pub fn from_genesis(
        cfg: RollupConfig,
        blob_schedule: L1BlobSchedule,
        genesis_l1: L1BlockRef,
    ) -> Self {
        let genesis = L2BlockRef {
            hash: cfg.genesis.l2.hash,
            number: cfg.genesis.l2.number,
            parent_hash: alloy_primitives::B256::ZERO,
            timestamp: cfg.genesis.l2_time,
            l1_origin: cfg.genesis.l1,
            seq_number: 0,
        };
        let system_config = cfg.genesis.system_config;
        Self::new(cfg, blob_schedule, genesis, genesis_l1, system_config)
    }

    /// The current safe head.
    pub fn safe_head(&self) -> L2BlockRef {
        self.l2.head()
    }

    /// The pipeline (origin, counters).
    pub fn pipeline(&self) -> &DerivationPipeline {
        &self.pipeline
    }

    /// The derived chain.
    pub fn l2(&mut self) -> &mut SyntheticL2 {
        &mut self.l2
    }

    /// Run totals.
    pub fn stats(&self) -> DeriveStats {
        self.stats
    }

    /// One step. [`PipelineError::Eof`] means the recorded L1 is used up (or the host has no
    /// next block yet); temporary errors may be retried with the same call.
    pub fn step(
        &mut self,
        l1: &mut impl L1Provider,
        blobs: &mut impl BlobProvider,
    ) -> Result<DeriveEvent, PipelineError> {
        let safe_head = self.l2.head();
        match self.pipeline.step(l1, blobs, &mut self.l2, &safe_head) {
            Ok(StepOutcome::AttributesReady) => {
                let attributes = self.pipeline.take_attributes().ok_or_else(|| {
                    PipelineError::Critical("pipeline reported attributes but had none".into())
                })?;
                let head = self.apply(&attributes)?;
                self.stats.l2_blocks += 1;
                Ok(DeriveEvent::Attributes(Box::new(attributes), head))
            }
            Ok(StepOutcome::OriginAdvanced(origin)) => {
                self.stats.l1_blocks += 1;
                Ok(DeriveEvent::OriginAdvanced(origin))
            }
            Err(PipelineError::Reset(_)) => {
                let head = self.reset(l1)?;
                self.stats.resets += 1;
                Ok(DeriveEvent::Reset(head))
            }
            Err(e) => Err(e),
        }
    }

    /// Appends the block the attributes describe, naming its L1 origin from its L1-info deposit.
    fn apply(&mut self, attributes: &AttributesWithParent) -> Result<L2BlockRef, PipelineError> {
        let txs = attributes.attributes.transactions.clone().unwrap_or_default();
        let info = txs
            .first()
            .ok_or_else(|| PipelineError::Critical("attributes without an L1-info deposit".into()))
            .and_then(|tx| {
                let deposit = decode_deposit(tx)
                    .map_err(|e| PipelineError::Critical(alloc::format!("L1-info deposit: {e}")))?;
                L1BlockInfo::decode(&deposit.input)
                    .map_err(|e| PipelineError::Critical(alloc::format!("L1-info calldata: {e}")))
            })?;
        let epoch = BlockNumHash { number: info.number, hash: info.block_hash };
        let timestamp = attributes.attributes.payload_attributes.timestamp;
        Ok(self.l2.append(timestamp, epoch, txs, *self.pipeline.system_config()))
    }

    /// Finds the sync start after an L1 reorg and restarts the pipeline there (checklist §6.6,
    /// with the safe and unsafe heads being the same chain offline).
    ///
    /// The head moves back to the newest block whose L1 origin is still canonical. The safe head
    /// then moves back a whole sequencing window, to the parent of the first epoch-opening block
    /// whose origin is more than a window older, because any later block's batch may have been
    /// posted in the reorged L1 blocks. The pipeline restarts a channel timeout of L1 blocks
    /// before the safe head's origin (or at the start block), so channels opened before the safe
    /// head are read again.
    fn reset(&mut self, l1: &mut impl L1Provider) -> Result<L2BlockRef, PipelineError> {
        let cfg = self.pipeline.rollup_config().clone();
        let start = self.l2.start();
        let mut head = self.l2.head();
        while !is_canonical(l1, head.l1_origin)? {
            if head.number <= start.number {
                return Err(PipelineError::Critical(alloc::format!(
                    "L1 origin {} of the start block is no longer canonical",
                    head.l1_origin.number
                )));
            }
            head = self.l2.l2_block_ref_by_number(head.number - 1)?;
        }
        let mut safe = head;
        loop {
            if safe.number <= start.number {
                safe = start;
                break;
            }
            let window_end = safe.l1_origin.number.saturating_add(cfg.seq_window_size);
            if window_end < head.l1_origin.number && safe.seq_number == 0 {
                safe = self.l2.l2_block_ref_by_number(safe.number - 1)?;
                break;
            }
            safe = self.l2.l2_block_ref_by_number(safe.number - 1)?;
        }
        self.l2.truncate_after(safe.number);
        let safe_origin =
            l1.block_ref_by_number(safe.l1_origin.number)?.ok_or(PipelineError::Eof)?;
        let timeout = cfg.channel_timeout(safe_origin.timestamp);
        let mut base = safe;
        while base.number > start.number
            && base.l1_origin.number.saturating_add(timeout) > safe.l1_origin.number
        {
            base = self.l2.l2_block_ref_by_number(base.number - 1)?;
        }
        let l1_origin = l1.block_ref_by_number(base.l1_origin.number)?.ok_or(PipelineError::Eof)?;
        let start = PipelineStart {
            l1_origin,
            l1_system_config: self.l2.system_config_by_number(base.number)?,
            l2_system_config: self.l2.head_system_config(),
        };
        self.pipeline.reset(start);
        Ok(safe)
    }
}

fn is_canonical(l1: &mut impl L1Provider, origin: BlockNumHash) -> Result<bool, PipelineError> {
    Ok(l1.block_ref_by_number(origin.number)?.is_some_and(|b| b.hash == origin.hash))
}
