//! Channel reader: decompresses a channel and decodes its batches (spec: derivation § Channel
//! Format, fjord/derivation; checklist §2.4).

use alloc::collections::VecDeque;

use super::types::L1BlockRef;
use crate::{
    batch::{Batch, BatchReader},
    compression::decompress,
    config::RollupConfig,
};

/// What reading one channel produced.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ChannelReadStats {
    /// Batches decoded.
    pub batches: usize,
    /// Span batches dropped because the L1 block predates Delta.
    pub pre_delta_span_batches: usize,
    /// Whether decoding stopped at an error (the rest of the channel is discarded).
    pub stopped_early: bool,
}

/// Decodes every batch of a channel read in L1 block `origin`.
///
/// The decompressed size is capped by `MAX_RLP_BYTES_PER_CHANNEL` for the origin; brotli is
/// accepted from Fjord. Batches decoded before an error are kept; the error discards the rest.
/// Span batches read before Delta (by the L1 block's time) are dropped early, as op-node does.
pub fn read_channel(
    cfg: &RollupConfig,
    origin: &L1BlockRef,
    channel: &[u8],
    out: &mut VecDeque<Batch>,
) -> ChannelReadStats {
    let mut stats = ChannelReadStats::default();
    let limit =
        usize::try_from(cfg.max_rlp_bytes_per_channel(origin.timestamp)).unwrap_or(usize::MAX);
    let Ok(decompressed) = decompress(channel, cfg.is_brotli_allowed(origin.timestamp), limit)
    else {
        stats.stopped_early = true;
        return stats;
    };
    let delta = cfg.is_delta_active(origin.timestamp);
    for item in BatchReader::new(&decompressed.data) {
        match item {
            Ok(Batch::Span(_)) if !delta => stats.pre_delta_span_batches += 1,
            Ok(batch) => {
                stats.batches += 1;
                out.push_back(batch);
            }
            Err(_) => stats.stopped_early = true,
        }
    }
    stats
}
