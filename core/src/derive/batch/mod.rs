//! The batch stage: turns the batches read from channels into the ordered singular batches the
//! attributes stage builds blocks from (checklist §3.3–3.6).
//!
//! * [`validity`]: the pure validity rules, [`check_singular_batch`] and [`check_span_batch`]
//!   (with [`check_span_batch_prefix`], the part Holocene keeps), in op-node's order.
//! * [`BatchQueue`] (before Holocene): buffers batches, picks the first one that is valid on the
//!   safe head, and derives empty batches once the sequencing window has passed.
//! * [`BatchStage`] (from Holocene): no buffering or reordering; a span batch is unrolled and
//!   each of its blocks is checked as a singular batch; an invalid batch discards the rest of
//!   its channel.
//! * [`BatchProvider`] picks one of the two by the fork (op-node's `BatchMux`).
//!
//! # Interface
//!
//! The stages pull from the previous stage (the channel reader) through [`BatchSource`], as
//! op-node does: how many batches a stage reads per step, and when, decides which batches are
//! dropped, so the pipeline does not push. [`BatchSource::flush_channel`] is how the Holocene
//! stage tells the pipeline to discard the rest of the current channel. Each step returns a
//! [`NextBatch`] or a [`PipelineError`]: `NotEnoughData` (step again), `Eof` (the stage needs the
//! next L1 block), `Temporary` (an [`L2Provider`](super::L2Provider) miss; the stage keeps the
//! batch it was checking and retries it on the next step), `Reset` or `Critical`.

pub mod base;
pub mod holocene;
pub mod queue;
pub mod validity;

#[cfg(test)]
mod tests;

use alloc::vec::Vec;
use alloy_primitives::{B256, Bytes, FixedBytes};

pub use base::OriginTracker;
pub use holocene::BatchStage;
pub use queue::BatchQueue;
pub use validity::{check_singular_batch, check_span_batch, check_span_batch_prefix};

use super::{L2Provider, PipelineError, types::L1BlockRef, types::L2BlockRef};
use crate::{
    batch::{Batch, RawSpanBatch, SingularBatch, SpanBatchElement, SpanBatchError},
    config::RollupConfig,
};

/// A span batch expanded into its blocks (op-node derives it this way as soon as the channel
/// reader decodes it).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SpanBatch {
    /// First 20 bytes of the first block's parent hash.
    pub parent_check: FixedBytes<20>,
    /// First 20 bytes of the last block's L1 origin hash.
    pub l1_origin_check: FixedBytes<20>,
    /// The blocks, in order (timestamps, origin numbers and signed transactions).
    pub elements: Vec<SpanBatchElement>,
}

impl SpanBatch {
    /// Expands a decoded span batch for `cfg`'s chain (genesis time, block time, chain id).
    pub fn from_raw(raw: &RawSpanBatch, cfg: &RollupConfig) -> Result<Self, SpanBatchError> {
        Ok(Self {
            parent_check: raw.prefix.parent_check,
            l1_origin_check: raw.prefix.l1_origin_check,
            elements: raw.expand(cfg.genesis.l2_time, cfg.block_time, cfg.l2_chain_id)?,
        })
    }

    /// Whether `hash` starts with `parent_check`.
    pub fn check_parent_hash(&self, hash: &B256) -> bool {
        hash.as_slice().get(..20) == Some(self.parent_check.as_slice())
    }

    /// Whether `hash` starts with `l1_origin_check`.
    pub fn check_origin_hash(&self, hash: &B256) -> bool {
        hash.as_slice().get(..20) == Some(self.l1_origin_check.as_slice())
    }
}

/// A batch as the batch stage handles it: singular, or a span batch already expanded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StageBatch {
    /// One L2 block.
    Singular(SingularBatch),
    /// A run of L2 blocks.
    Span(SpanBatch),
}

/// A batch and the L1 block whose data carried it (the stage's origin when it was read).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BatchWithInclusion {
    /// The batch.
    pub batch: StageBatch,
    /// The L1 block it was included in.
    pub inclusion_block: L1BlockRef,
}

impl BatchWithInclusion {
    /// Wraps a decoded batch, expanding a span batch for `cfg`'s chain. An expansion failure is
    /// what op-node's channel reader rejects: the batch is dropped.
    pub fn new(
        batch: Batch,
        inclusion_block: L1BlockRef,
        cfg: &RollupConfig,
    ) -> Result<Self, SpanBatchError> {
        let batch = match batch {
            Batch::Singular(b) => StageBatch::Singular(b),
            Batch::Span(raw) => StageBatch::Span(SpanBatch::from_raw(&raw, cfg)?),
        };
        Ok(Self { batch, inclusion_block })
    }
}

/// Wraps a batch just read at `inclusion`, or `None` if the channel reader would have
/// discarded it: a span batch read before Delta (by the inclusion block's time) or one that does
/// not expand (op-node's channel reader drops both).
pub(crate) fn wrap(
    cfg: &RollupConfig,
    batch: Batch,
    inclusion: L1BlockRef,
) -> Option<BatchWithInclusion> {
    if matches!(batch, Batch::Span(_)) && !cfg.is_delta_active(inclusion.timestamp) {
        return None;
    }
    BatchWithInclusion::new(batch, inclusion, cfg).ok()
}

/// The verdict on a batch against the current safe head (op-node's `BatchValidity`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BatchValidity {
    /// Invalid now and forever (unless L1 reorgs): discard it.
    Drop(DropReason),
    /// Valid: apply it.
    Accept,
    /// More L1 blocks are needed to decide.
    Undecided,
    /// Maybe valid later (before Holocene only): keep it.
    Future,
    /// Entirely at or below the safe head (from Holocene): skip it, nothing else happens.
    Past,
}

/// Why a batch is dropped: one variant per rule of checklist §3.3–3.5.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DropReason {
    /// §3.3.1 / §3.4.2 from Holocene: the batch starts after the next L2 timestamp.
    #[error("batch timestamp {timestamp} is after the next L2 timestamp {next}")]
    FutureTimestamp {
        /// The batch's (first) timestamp.
        timestamp: u64,
        /// Safe head time + block time.
        next: u64,
    },
    /// §3.3.2 / §3.4.3 before Holocene: the batch has nothing after the safe head.
    #[error("batch timestamp {timestamp} is before the next L2 timestamp {next}")]
    PastTimestamp {
        /// The batch's (last) timestamp.
        timestamp: u64,
        /// Safe head time + block time.
        next: u64,
    },
    /// §3.3.3: the parent hash is not the safe head's.
    #[error("parent hash does not match the safe head")]
    ParentHashMismatch,
    /// §3.3.4 / §3.4.6: included after its epoch's sequencing window.
    #[error("epoch {epoch} expired before inclusion in L1 block {inclusion}")]
    SequenceWindowExpired {
        /// The batch's (first) epoch.
        epoch: u64,
        /// The inclusion block number.
        inclusion: u64,
    },
    /// §3.3.5 / §3.4.9: the epoch is older than the safe head's.
    #[error("epoch {epoch} is older than {minimum}")]
    EpochTooOld {
        /// The batch's (first) epoch.
        epoch: u64,
        /// The lowest allowed.
        minimum: u64,
    },
    /// §3.3.5 / §3.4.7: the epoch skips L1 blocks.
    #[error("epoch {epoch} is beyond {maximum}")]
    EpochTooFarAhead {
        /// The batch's (first) epoch.
        epoch: u64,
        /// The highest allowed.
        maximum: u64,
    },
    /// §3.3.6: the epoch hash is not the canonical L1 block's.
    #[error("epoch hash does not match L1 block {epoch}")]
    EpochHashMismatch {
        /// The epoch number.
        epoch: u64,
    },
    /// §3.3.7: the L2 timestamp is before its L1 origin's.
    #[error("L2 timestamp {timestamp} is before its L1 origin's {origin_time}")]
    TimestampBeforeOrigin {
        /// The block's timestamp.
        timestamp: u64,
        /// Its origin's timestamp.
        origin_time: u64,
    },
    /// §3.3.8: a fork activation block (Jovian, Karst, Interop) carries user transactions.
    #[error("activation block at {timestamp} carries user transactions")]
    ActivationBlockHasTxs {
        /// The block's timestamp.
        timestamp: u64,
    },
    /// §3.3.9: past the sequencer drift with transactions.
    #[error("timestamp {timestamp} exceeds the sequencer drift limit {max}")]
    SequencerDriftExceeded {
        /// The block's timestamp.
        timestamp: u64,
        /// Origin time + max drift.
        max: u64,
    },
    /// §3.3.9: an empty block past the drift that should have adopted the next origin.
    #[error("empty block at {timestamp} past the drift should have adopted the next L1 origin")]
    ShouldAdoptNextOrigin {
        /// The block's timestamp.
        timestamp: u64,
    },
    /// §3.3.10: an empty transaction.
    #[error("transaction {index} is empty")]
    EmptyTransaction {
        /// Index in the block.
        index: usize,
    },
    /// §3.3.10: a deposit transaction (type 0x7E).
    #[error("transaction {index} is a deposit")]
    DepositTransaction {
        /// Index in the block.
        index: usize,
    },
    /// §3.3.10: an EIP-7702 transaction before Isthmus.
    #[error("transaction {index} is a SetCode transaction before Isthmus")]
    SetCodeBeforeIsthmus {
        /// Index in the block.
        index: usize,
    },
    /// §3.4.1: a span batch whose L1 origin is before Delta.
    #[error("span batch with L1 origin before Delta")]
    SpanBeforeDelta,
    /// §3.4.4: an overlapping span batch that does not start on an L2 block boundary.
    #[error("span batch start {timestamp} is not aligned with the safe chain")]
    MisalignedTimestamp {
        /// The span's first timestamp.
        timestamp: u64,
    },
    /// §3.4.5: `parent_check` does not match the parent block.
    #[error("parent_check does not match L2 block {parent}")]
    ParentCheckMismatch {
        /// The parent block number.
        parent: u64,
    },
    /// §3.4.8: `l1_origin_check` does not match the canonical L1 block.
    #[error("l1_origin_check does not match L1 block {epoch}")]
    OriginCheckMismatch {
        /// The last block's origin number.
        epoch: u64,
    },
    /// §3.4.10: an overlapped block differs from the safe chain.
    #[error("overlapped L2 block {number} differs from the safe chain")]
    OverlapMismatch {
        /// The safe block's number.
        number: u64,
    },
    /// A span batch with no blocks, or one that did not expand (op-node's channel reader drops
    /// those).
    #[error("malformed span batch")]
    MalformedSpan,
    /// §3.5: a span block whose L1 origin is not among the buffered L1 blocks.
    #[error("no buffered L1 block for epoch {epoch}")]
    UnknownOrigin {
        /// The block's origin number.
        epoch: u64,
    },
}

/// The previous stage, as the batch stages read it (the channel reader).
pub trait BatchSource {
    /// The L1 block the previous stages are reading: the inclusion block of what
    /// [`next_batch`](Self::next_batch) returns.
    fn origin(&self) -> L1BlockRef;

    /// The next decoded batch. `Err(PipelineError::Eof)` when there is none at this origin;
    /// `NotEnoughData` when a step consumed input without a batch (e.g. a channel ended).
    fn next_batch(&mut self) -> Result<Batch, PipelineError>;

    /// Discards the rest of the current channel (Holocene: an invalid batch invalidates its
    /// channel's remaining batches).
    fn flush_channel(&mut self);
}

/// A singular batch ready for the attributes stage.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NextBatch {
    /// The batch: parent hash, epoch number and hash, timestamp, transactions.
    pub batch: SingularBatch,
    /// Whether this is the last block of its span batch (always true for a singular batch, an
    /// empty batch, and from Holocene, where each block becomes safe at once). Before Holocene
    /// the safe head only counts as safe once the whole span is applied.
    pub is_last_in_span: bool,
}

impl NextBatch {
    /// The batch's transactions.
    pub fn transactions(&self) -> &[Bytes] {
        &self.batch.transactions
    }
}

/// op-node's `BatchMux`: the pre-Holocene [`BatchQueue`] or the Holocene [`BatchStage`].
#[derive(Clone, Debug)]
pub enum BatchProvider {
    /// Before Holocene.
    Queue(BatchQueue),
    /// From Holocene.
    Stage(BatchStage),
}

impl BatchProvider {
    /// A provider reset to `base` (the safe head's L1 origin), of the kind Holocene's activation
    /// at `base`'s time selects.
    pub fn new(cfg: &RollupConfig, base: L1BlockRef) -> Self {
        let mut provider = Self::Queue(BatchQueue::new());
        provider.reset(cfg, base);
        provider
    }

    /// Resets to `base`, switching kind if Holocene's activation at `base`'s time says so.
    pub fn reset(&mut self, cfg: &RollupConfig, base: L1BlockRef) {
        let holocene = cfg.is_holocene_active(base.timestamp);
        match self {
            Self::Queue(q) if !holocene => q.reset(base),
            Self::Stage(s) if holocene => s.reset(base),
            _ if holocene => *self = Self::Stage(BatchStage::reset_at(base)),
            _ => *self = Self::Queue(BatchQueue::reset_at(base)),
        }
    }

    /// Holocene activated while the pipeline runs (the L1 origin crossed it): switch to the
    /// Holocene stage, keeping the buffered L1 blocks (the first Holocene channel may hold
    /// older batches) and dropping buffered batches. A no-op if already switched.
    pub fn transform_holocene(&mut self) {
        if let Self::Queue(q) = self {
            *self = Self::Stage(BatchStage::from_tracker(q.tracker().clone()));
        }
    }

    /// The next singular batch on `safe_head`.
    pub fn next_batch(
        &mut self,
        cfg: &RollupConfig,
        src: &mut impl BatchSource,
        safe_head: &L2BlockRef,
        l2: &mut impl L2Provider,
    ) -> Result<NextBatch, PipelineError> {
        match self {
            Self::Queue(q) => q.next_batch(cfg, src, safe_head, l2),
            Self::Stage(s) => s.next_batch(cfg, src, safe_head, l2),
        }
    }
}
