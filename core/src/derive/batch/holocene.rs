//! The Holocene batch stage (holocene/derivation.md § Span Batches, § Batch Queue; op-node
//! `BatchStage`), checklist §3.5.
//!
//! Batches are taken in order, one at a time, never buffered. A span batch passes the prefix
//! checks (§3.4 steps 1–9) and is unrolled; each of its blocks, like each singular batch, is then
//! checked with the singular rules. A *past* batch is skipped; a dropped batch discards the rest
//! of its span batch and of its channel ([`BatchSource::flush_channel`]). With nothing left to
//! read, empty batches are derived once the sequencing window has expired.

use super::{
    BatchSource, BatchValidity, BatchWithInclusion, NextBatch, OriginTracker, SpanBatch,
    StageBatch, validity::check_singular_batch, validity::check_span_batch_prefix,
};
use crate::{
    batch::SingularBatch,
    config::RollupConfig,
    derive::{
        L2Provider, PipelineError,
        types::{L1BlockRef, L2BlockRef},
    },
};

/// The Holocene batch stage.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BatchStage {
    pub(crate) tracker: OriginTracker,
    /// A span batch read but not yet checked because a host lookup missed; retried first.
    pending: Option<SpanBatch>,
}

impl BatchStage {
    /// A stage reset to `base`.
    pub fn reset_at(base: L1BlockRef) -> Self {
        Self { tracker: OriginTracker::reset_at(base), pending: None }
    }

    /// A stage continuing from the pre-Holocene queue's L1 view (Holocene activating while the
    /// pipeline runs: the first Holocene channel may still hold older batches).
    pub fn from_tracker(mut tracker: OriginTracker) -> Self {
        tracker.next_span.clear();
        Self { tracker, pending: None }
    }

    /// Resets to `base` (the safe head's L1 origin).
    pub fn reset(&mut self, base: L1BlockRef) {
        self.tracker.reset(base);
        self.pending = None;
    }

    /// The L1 view.
    pub const fn tracker(&self) -> &OriginTracker {
        &self.tracker
    }

    /// Discards the rest of the current span batch and tells the previous stage to discard the
    /// rest of its channel.
    fn flush_channel(&mut self, src: &mut impl BatchSource) {
        self.tracker.next_span.clear();
        self.pending = None;
        src.flush_channel();
    }

    /// The next singular batch on `safe_head` (op-node `BatchStage.NextBatch`).
    ///
    /// Every returned batch has `is_last_in_span` set: from Holocene each block is safe at once.
    pub fn next_batch(
        &mut self,
        cfg: &RollupConfig,
        src: &mut impl BatchSource,
        safe_head: &L2BlockRef,
        l2: &mut impl L2Provider,
    ) -> Result<NextBatch, PipelineError> {
        let src_origin = src.origin();
        self.tracker.update_origins(src_origin, safe_head);

        // At or below the safe head's origin a channel can only hold past batches: drain.
        if OriginTracker::origin_behind(&src_origin, safe_head)
            || safe_head.l1_origin.number == self.tracker.origin.number
        {
            src.next_batch()?;
            return Err(PipelineError::NotEnoughData);
        }
        if self.tracker.l1_blocks.len() < 2 {
            return Err(PipelineError::Critical(alloc::format!(
                "batch stage at L1 {} buffers {} L1 blocks, needs the safe head's origin and the next",
                self.tracker.origin.number,
                self.tracker.l1_blocks.len()
            )));
        }
        self.tracker.check_epoch(safe_head)?;

        let candidate = match self.next_candidate(cfg, src, safe_head, l2) {
            Ok(Some(batch)) => batch,
            // Dropped or skipped while reading: step again.
            Ok(None) => return Err(PipelineError::NotEnoughData),
            Err(PipelineError::Eof) => {
                // Nothing left to read: empty batches once the window has expired.
                let batch = self.tracker.derive_empty_batch(cfg, true, safe_head)?;
                return Ok(NextBatch { batch, is_last_in_span: true });
            }
            Err(e) => return Err(e),
        };

        let origin = self.tracker.origin;
        match check_singular_batch(cfg, &self.tracker.l1_blocks, safe_head, &candidate, &origin) {
            BatchValidity::Accept => Ok(NextBatch { batch: candidate, is_last_in_span: true }),
            // Skip it and read on.
            BatchValidity::Past | BatchValidity::Undecided => Err(PipelineError::NotEnoughData),
            BatchValidity::Drop(_) => {
                self.flush_channel(src);
                Err(PipelineError::NotEnoughData)
            }
            BatchValidity::Future => {
                Err(PipelineError::Critical("future batch in the Holocene batch stage".into()))
            }
        }
    }

    /// The next singular batch to check: the next block of the current span, or the next batch
    /// read (a span batch first passes its prefix checks and is unrolled). `Ok(None)` when the
    /// batch read was skipped or dropped.
    fn next_candidate(
        &mut self,
        cfg: &RollupConfig,
        src: &mut impl BatchSource,
        safe_head: &L2BlockRef,
        l2: &mut impl L2Provider,
    ) -> Result<Option<SingularBatch>, PipelineError> {
        if let Some(popped) = self.tracker.next_from_span(cfg, safe_head) {
            return Ok(self.accept_popped(popped, src));
        }
        let span = match self.pending.take() {
            Some(span) => span,
            None => {
                let Some(BatchWithInclusion { batch, .. }) =
                    super::wrap(cfg, src.next_batch()?, self.tracker.origin)
                else {
                    return Ok(None);
                };
                match batch {
                    StageBatch::Singular(b) => return Ok(Some(b)),
                    StageBatch::Span(span) => span,
                }
            }
        };
        let origin = self.tracker.origin;
        let checked =
            check_span_batch_prefix(cfg, &self.tracker.l1_blocks, safe_head, &span, &origin, l2);
        match checked {
            Err(e) => {
                self.pending = Some(span);
                Err(e)
            }
            Ok((BatchValidity::Accept, _)) => {
                self.tracker.set_span(span, safe_head);
                match self.tracker.pop_span(safe_head) {
                    Some(popped) => Ok(self.accept_popped(popped, src)),
                    None => Ok(None),
                }
            }
            Ok((BatchValidity::Drop(_), _)) => {
                self.flush_channel(src);
                Ok(None)
            }
            // Past: skip it alone. Undecided (an L1 block not read yet): skipped, as op-node does.
            Ok((BatchValidity::Past | BatchValidity::Undecided, _)) => Ok(None),
            Ok((BatchValidity::Future, _)) => {
                Err(PipelineError::Critical("future span batch in the Holocene batch stage".into()))
            }
        }
    }

    /// A span block whose L1 origin is not buffered is dropped like an invalid batch (§3.5).
    fn accept_popped(
        &mut self,
        popped: Result<(SingularBatch, bool), super::DropReason>,
        src: &mut impl BatchSource,
    ) -> Option<SingularBatch> {
        match popped {
            Ok((batch, _)) => Some(batch),
            Err(_) => {
                self.flush_channel(src);
                None
            }
        }
    }
}
