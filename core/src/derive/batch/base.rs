//! State both batch stages share (op-node `baseBatchStage`): the stage's L1 origin, the window of
//! L1 blocks from the safe head's epoch on, the blocks left of the current span batch, and
//! empty-batch derivation when the sequencing window expires (§3.6).

use alloc::{collections::VecDeque, vec::Vec};
use alloy_primitives::{B256, Bytes};

use super::{DropReason, SpanBatch};
use crate::{
    batch::SingularBatch,
    config::RollupConfig,
    derive::{
        PipelineError,
        error::ResetReason,
        types::{L1BlockRef, L2BlockRef},
    },
};

/// One block of an accepted span batch, waiting to be handed out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct SpanBlock {
    timestamp: u64,
    epoch_num: u64,
    /// `None` if the epoch is not among the buffered L1 blocks.
    epoch_hash: Option<B256>,
    transactions: Vec<Bytes>,
}

/// The stage's L1 view and the rest of the current span batch.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OriginTracker {
    /// The L1 block the stage is at (its previous stage's origin).
    pub(crate) origin: L1BlockRef,
    /// Consecutive L1 blocks: the current epoch first. Bounded by the sequencing window.
    pub(crate) l1_blocks: Vec<L1BlockRef>,
    /// The unreturned blocks of the current span batch.
    pub(crate) next_span: VecDeque<SpanBlock>,
}

impl OriginTracker {
    /// A tracker reset to `base`, the safe head's L1 origin.
    pub fn reset_at(base: L1BlockRef) -> Self {
        let mut t = Self::default();
        t.reset(base);
        t
    }

    /// Resets to `base`: it becomes the only buffered L1 block.
    pub fn reset(&mut self, base: L1BlockRef) {
        self.origin = base;
        self.l1_blocks.clear();
        self.l1_blocks.push(base);
        self.next_span.clear();
    }

    /// The L1 block the stage is at.
    pub const fn origin(&self) -> &L1BlockRef {
        &self.origin
    }

    /// The buffered L1 blocks, current epoch first.
    pub fn l1_blocks(&self) -> &[L1BlockRef] {
        &self.l1_blocks
    }

    /// Whether the previous stage is still reading L1 blocks older than the safe head's origin.
    pub(crate) const fn origin_behind(src_origin: &L1BlockRef, parent: &L2BlockRef) -> bool {
        src_origin.number < parent.l1_origin.number
    }

    /// Follows the previous stage's origin and drops epochs the safe head has left.
    pub(crate) fn update_origins(&mut self, src_origin: L1BlockRef, parent: &L2BlockRef) {
        let behind = Self::origin_behind(&src_origin, parent);
        if self.origin != src_origin {
            self.origin = src_origin;
            if behind {
                // Only right after a reset: the pipeline replays L1 below the safe head's origin.
                self.l1_blocks.clear();
            } else {
                self.l1_blocks.push(src_origin);
            }
        }
        let advanced = self.l1_blocks.first().is_some_and(|b| parent.l1_origin.number > b.number);
        if advanced
            && let Some(i) = self.l1_blocks.iter().position(|b| b.number == parent.l1_origin.number)
        {
            self.l1_blocks.drain(..i);
        }
    }

    /// The safe head's origin must be the buffered epoch or the one just before it (the stage
    /// moves its epoch ahead when it has derived all empty batches of an epoch).
    pub(crate) fn check_epoch(&self, parent: &L2BlockRef) -> Result<(), PipelineError> {
        let Some(epoch) = self.l1_blocks.first() else {
            return Err(PipelineError::Critical("batch stage has no L1 origin buffered".into()));
        };
        if parent.l1_origin != epoch.id()
            && parent.l1_origin.number.saturating_add(1) != epoch.number
        {
            return Err(PipelineError::Reset(ResetReason::OriginMismatch {
                origin: epoch.hash,
                parent_origin: parent.l1_origin.hash,
            }));
        }
        Ok(())
    }

    /// Queues the blocks of an accepted span batch that come after `parent`, each with its
    /// epoch hash from the buffered L1 blocks (op-node `GetSingularBatches`).
    pub(crate) fn set_span(&mut self, span: SpanBatch, parent: &L2BlockRef) {
        self.next_span.clear();
        let mut idx = 0usize;
        for e in span.elements.into_iter().filter(|e| e.timestamp > parent.timestamp) {
            let found =
                self.l1_blocks.iter().enumerate().skip(idx).find(|(_, b)| b.number == e.epoch_num);
            let epoch_hash = found.map(|(i, b)| {
                idx = i;
                b.hash
            });
            self.next_span.push_back(SpanBlock {
                timestamp: e.timestamp,
                epoch_num: e.epoch_num,
                epoch_hash,
                transactions: e.transactions,
            });
        }
    }

    /// The first queued span block whose epoch is not buffered, if any.
    pub(crate) fn span_missing_origin(&self) -> Option<u64> {
        self.next_span.iter().find(|b| b.epoch_hash.is_none()).map(|b| b.epoch_num)
    }

    /// Pops the next span block as a singular batch on `parent`: its parent hash is the safe
    /// head's (the span's parent check covered it). `Err` if its epoch is not buffered.
    pub(crate) fn pop_span(
        &mut self,
        parent: &L2BlockRef,
    ) -> Option<Result<(SingularBatch, bool), DropReason>> {
        let block = self.next_span.pop_front()?;
        let last = self.next_span.is_empty();
        let Some(epoch_hash) = block.epoch_hash else {
            return Some(Err(DropReason::UnknownOrigin { epoch: block.epoch_num }));
        };
        Some(Ok((
            SingularBatch {
                parent_hash: parent.hash,
                epoch_num: block.epoch_num,
                epoch_hash,
                timestamp: block.timestamp,
                transactions: block.transactions,
            },
            last,
        )))
    }

    /// The next block of the current span if it builds on `parent`; otherwise the rest of the
    /// span is discarded (the previous block was not applied).
    pub(crate) fn next_from_span(
        &mut self,
        cfg: &RollupConfig,
        parent: &L2BlockRef,
    ) -> Option<Result<(SingularBatch, bool), DropReason>> {
        let front = self.next_span.front()?;
        if front.timestamp == parent.timestamp.saturating_add(cfg.block_time) {
            self.pop_span(parent)
        } else {
            self.next_span.clear();
            None
        }
    }

    /// §3.6: an empty batch on `parent` if the current epoch's sequencing window has expired
    /// (at the window's last L1 block only once it is fully read: `out_of_data`). `Eof` if
    /// none can be derived yet; when the epoch is filled up to the next L1 block's time, the
    /// epoch moves ahead and `Eof` is returned too (the next call derives in the next epoch).
    pub(crate) fn derive_empty_batch(
        &mut self,
        cfg: &RollupConfig,
        out_of_data: bool,
        parent: &L2BlockRef,
    ) -> Result<SingularBatch, PipelineError> {
        let Some(epoch) = self.l1_blocks.first().copied() else {
            return Err(PipelineError::Critical("batch stage has no L1 origin buffered".into()));
        };
        let expiry = epoch.number.saturating_add(cfg.seq_window_size);
        let force = (expiry == self.origin.number && out_of_data) || expiry < self.origin.number;
        if !force {
            return Err(PipelineError::Eof);
        }
        let Some(next_epoch) = self.l1_blocks.get(1).copied() else {
            return Err(PipelineError::Eof);
        };
        let first_of_epoch = epoch.number == parent.l1_origin.number.saturating_add(1);
        let next = parent.timestamp.saturating_add(cfg.block_time);
        if next < next_epoch.timestamp || first_of_epoch {
            return Ok(SingularBatch {
                parent_hash: parent.hash,
                epoch_num: epoch.number,
                epoch_hash: epoch.hash,
                timestamp: next,
                transactions: Vec::new(),
            });
        }
        self.l1_blocks.remove(0);
        Err(PipelineError::Eof)
    }
}
