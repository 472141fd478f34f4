//! The pre-Holocene batch queue (derivation.md § Batch Queue; op-node `BatchQueue`).
//!
//! Each step reads at most one batch from the previous stage and buffers it unless it is
//! already invalid; then it hands out the first buffered batch that is valid on the safe head,
//! dropping invalid ones on the way and keeping future ones. A span batch is unrolled into
//! singular batches once accepted. With nothing acceptable and the sequencing window expired,
//! it derives empty batches (§3.6).

use alloc::vec::Vec;

use super::{
    BatchSource, BatchValidity, BatchWithInclusion, NextBatch, OriginTracker, StageBatch,
    validity::check_batch,
};
use crate::{
    config::RollupConfig,
    derive::{
        L2Provider, PipelineError,
        types::{L1BlockRef, L2BlockRef},
    },
};

/// The pre-Holocene batch queue.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BatchQueue {
    tracker: OriginTracker,
    /// Buffered batches, in the order they were read.
    batches: Vec<BatchWithInclusion>,
    /// A batch read but not yet checked because a host lookup missed; retried first.
    pending: Option<BatchWithInclusion>,
}

impl BatchQueue {
    /// An empty queue; [`reset`](Self::reset) it before use.
    pub fn new() -> Self {
        Self::default()
    }

    /// A queue reset to `base`.
    pub fn reset_at(base: L1BlockRef) -> Self {
        Self { tracker: OriginTracker::reset_at(base), ..Self::default() }
    }

    /// Resets to `base` (the safe head's L1 origin), dropping every buffered batch.
    pub fn reset(&mut self, base: L1BlockRef) {
        self.tracker.reset(base);
        self.batches.clear();
        self.pending = None;
    }

    /// The L1 view.
    pub const fn tracker(&self) -> &OriginTracker {
        &self.tracker
    }

    /// Number of buffered batches.
    pub fn buffered(&self) -> usize {
        self.batches.len()
    }

    /// The next singular batch on `safe_head` (op-node `BatchQueue.NextBatch`).
    pub fn next_batch(
        &mut self,
        cfg: &RollupConfig,
        src: &mut impl BatchSource,
        safe_head: &L2BlockRef,
        l2: &mut impl L2Provider,
    ) -> Result<NextBatch, PipelineError> {
        if let Some(popped) = self.tracker.next_from_span(cfg, safe_head) {
            let (batch, is_last_in_span) = popped.map_err(span_origin_error)?;
            return Ok(NextBatch { batch, is_last_in_span });
        }

        let src_origin = src.origin();
        self.tracker.update_origins(src_origin, safe_head);
        let behind = OriginTracker::origin_behind(&src_origin, safe_head);

        // Read one batch. Below the safe head's origin everything read is discarded.
        let mut out_of_data = false;
        if let Some(batch) = self.pending.take() {
            self.add_batch(cfg, batch, safe_head, l2)?;
        } else {
            match src.next_batch() {
                Err(PipelineError::Eof) => out_of_data = true,
                Err(e) => return Err(e),
                Ok(batch) if !behind => {
                    if let Some(batch) = super::wrap(cfg, batch, self.tracker.origin) {
                        self.add_batch(cfg, batch, safe_head, l2)?;
                    }
                }
                Ok(_) => {}
            }
        }
        if behind {
            return Err(if out_of_data {
                PipelineError::Eof
            } else {
                PipelineError::NotEnoughData
            });
        }

        let batch = match self.derive_next_batch(cfg, out_of_data, safe_head, l2) {
            Ok(b) => b,
            Err(PipelineError::Eof) if !out_of_data => return Err(PipelineError::NotEnoughData),
            Err(e) => return Err(e),
        };
        match batch {
            StageBatch::Singular(batch) => Ok(NextBatch { batch, is_last_in_span: true }),
            StageBatch::Span(span) => {
                self.tracker.set_span(span, safe_head);
                if let Some(epoch) = self.tracker.span_missing_origin() {
                    self.tracker.next_span.clear();
                    return Err(span_origin_error(super::DropReason::UnknownOrigin { epoch }));
                }
                let (batch, is_last_in_span) = self
                    .tracker
                    .pop_span(safe_head)
                    .ok_or_else(|| PipelineError::Critical("accepted span batch is empty".into()))?
                    .map_err(span_origin_error)?;
                Ok(NextBatch { batch, is_last_in_span })
            }
        }
    }

    /// Buffers `batch` unless it is already invalid on `parent` (op-node `AddBatch`). On a host
    /// miss the batch is kept for the next step.
    fn add_batch(
        &mut self,
        cfg: &RollupConfig,
        batch: BatchWithInclusion,
        parent: &L2BlockRef,
        l2: &mut impl L2Provider,
    ) -> Result<(), PipelineError> {
        if self.tracker.l1_blocks.is_empty() {
            return Err(PipelineError::Critical("batch queue has no L1 origin buffered".into()));
        }
        match check_batch(cfg, &self.tracker.l1_blocks, parent, &batch, l2) {
            Ok(BatchValidity::Drop(_)) => Ok(()),
            Ok(_) => {
                self.batches.push(batch);
                Ok(())
            }
            Err(e) => {
                self.pending = Some(batch);
                Err(e)
            }
        }
    }

    /// The first buffered batch valid on `parent`, or an empty batch (op-node
    /// `deriveNextBatch`). `Eof` when nothing can be derived yet. A host miss leaves the buffer
    /// as it was.
    fn derive_next_batch(
        &mut self,
        cfg: &RollupConfig,
        out_of_data: bool,
        parent: &L2BlockRef,
        l2: &mut impl L2Provider,
    ) -> Result<StageBatch, PipelineError> {
        self.tracker.check_epoch(parent)?;
        // Decide first, then edit the buffer, so an error leaves it intact.
        let mut keep = Vec::with_capacity(self.batches.len());
        let mut accepted = None;
        let mut undecided = false;
        for (i, batch) in self.batches.iter().enumerate() {
            match check_batch(cfg, &self.tracker.l1_blocks, parent, batch, l2)? {
                BatchValidity::Future => keep.push(true),
                BatchValidity::Drop(_) => keep.push(false),
                BatchValidity::Accept => {
                    accepted = Some(i);
                    break;
                }
                BatchValidity::Undecided => {
                    undecided = true;
                    break;
                }
                BatchValidity::Past => {
                    return Err(PipelineError::Critical(
                        "past batch in the pre-Holocene batch queue".into(),
                    ));
                }
            }
        }
        // Batches after the one decided on are kept unchecked.
        keep.resize(self.batches.len(), true);
        let mut taken = None;
        let old = core::mem::take(&mut self.batches);
        for (i, (batch, k)) in old.into_iter().zip(keep).enumerate() {
            if Some(i) == accepted {
                taken = Some(batch.batch);
            } else if k {
                self.batches.push(batch);
            }
        }
        if undecided {
            return Err(PipelineError::Eof);
        }
        if let Some(batch) = taken {
            return Ok(batch);
        }
        self.tracker.derive_empty_batch(cfg, out_of_data, parent).map(StageBatch::Singular)
    }
}

/// A span block whose origin is not buffered cannot happen after the span was accepted: the
/// stage's state is broken (op-node: critical).
fn span_origin_error(reason: super::DropReason) -> PipelineError {
    PipelineError::Critical(alloc::format!("accepted span batch: {reason}"))
}
