//! The pipeline's front half: L1 blocks in, batches (with their L1 inclusion block) out.
//!
//! It chains retrieval, the frame queue, the channel stage and the channel reader, pulling from
//! the earliest stage only when the later ones are empty, as op-node's stages do. It never
//! advances L1 itself: when the current L1 block is exhausted it reports
//! [`PipelineError::Eof`], and the pipeline decides whether to move the traversal on.

use alloc::collections::VecDeque;

use super::{
    channel_reader::read_channel,
    channel_stage::{ChannelStage, channel_limits},
    error::PipelineError,
    frame_queue::FrameQueue,
    host::{BlobProvider, L1Provider},
    retrieval::L1Retrieval,
    types::L1BlockRef,
};
use crate::{
    batch::Batch,
    config::{RollupConfig, SystemConfig},
};

/// Counters over the whole run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BatchSourceStats {
    /// Channels read.
    pub channels: u64,
    /// Batches decoded.
    pub batches: u64,
}

/// Retrieval, frames, channels and channel reading for the current L1 origin.
#[derive(Clone, Debug)]
pub struct BatchSource {
    origin: L1BlockRef,
    retrieval: L1Retrieval,
    frames: FrameQueue,
    channels: ChannelStage,
    batches: VecDeque<Batch>,
    stats: BatchSourceStats,
}

impl BatchSource {
    /// A source starting at L1 block `origin`.
    pub fn new(cfg: &RollupConfig, origin: L1BlockRef) -> Self {
        Self {
            origin,
            retrieval: L1Retrieval::new(),
            frames: FrameQueue::new(),
            channels: ChannelStage::for_origin(cfg, &origin),
            batches: VecDeque::new(),
            stats: BatchSourceStats::default(),
        }
    }

    /// The L1 block data is read from.
    pub fn origin(&self) -> L1BlockRef {
        self.origin
    }

    /// Run totals.
    pub fn stats(&self) -> BatchSourceStats {
        self.stats
    }

    /// Retrieval totals.
    pub fn retrieval_stats(&self) -> super::retrieval::RetrievalStats {
        self.retrieval.stats()
    }

    /// Moves to a new L1 block (after the traversal advanced). At Holocene activation every
    /// buffered frame, channel and batch is discarded; returns whether that happened.
    pub fn on_new_origin(&mut self, cfg: &RollupConfig, origin: L1BlockRef) -> bool {
        self.origin = origin;
        let activated = self.channels.on_new_origin(cfg, &origin);
        if activated {
            self.frames.clear();
            self.batches.clear();
        }
        activated
    }

    /// Discards the rest of the current channel's batches (Holocene: a dropped batch flushes
    /// its channel).
    pub fn flush_channel(&mut self) {
        self.batches.clear();
    }

    /// Discards everything (pipeline reset).
    pub fn clear(&mut self, cfg: &RollupConfig, origin: L1BlockRef) {
        *self = Self { stats: self.stats, ..Self::new(cfg, origin) };
    }

    /// The next batch and the L1 block it was read in; [`PipelineError::Eof`] once the origin
    /// has no more data.
    pub fn next_batch(
        &mut self,
        cfg: &RollupConfig,
        system_config: &SystemConfig,
        l1: &mut impl L1Provider,
        blobs: &mut impl BlobProvider,
    ) -> Result<(Batch, L1BlockRef), PipelineError> {
        let origin = self.origin;
        let limits = channel_limits(cfg, &origin);
        loop {
            if let Some(batch) = self.batches.pop_front() {
                return Ok((batch, origin));
            }
            // The bank may hold several ready channels; read them before taking new frames.
            if let Some((_, channel)) = self.channels.read(&origin, &limits) {
                self.read(cfg, &channel);
                continue;
            }
            if let Some(frame) = self.frames.next_frame() {
                if let Some((_, channel)) = self.channels.add_frame(frame, &origin, &limits) {
                    self.read(cfg, &channel);
                }
                continue;
            }
            if let Some(payload) = self.retrieval.next_data() {
                self.frames.add_payload(&payload, cfg.is_holocene_active(origin.timestamp));
                continue;
            }
            if !self.retrieval.is_loaded(&origin) {
                self.retrieval.load(origin, system_config, cfg, l1, blobs)?;
                continue;
            }
            return Err(PipelineError::Eof);
        }
    }

    fn read(&mut self, cfg: &RollupConfig, channel: &[u8]) {
        let stats = read_channel(cfg, &self.origin, channel, &mut self.batches);
        self.stats.channels += 1;
        self.stats.batches += stats.batches as u64;
    }
}
