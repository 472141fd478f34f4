//! Channel stage: the pre-Holocene channel bank or, from Holocene, the single staging channel
//! (checklist §2.1–2.3). The switch happens when the L1 origin first reaches Holocene, and
//! everything buffered is discarded then.

use alloc::vec::Vec;

use super::types::L1BlockRef;
use crate::{
    channel::{AssemblerOutcome, ChannelAssembler, ChannelBank, ChannelLimits},
    config::RollupConfig,
    frame::{ChannelId, Frame},
};

/// Channel limits for frames read in L1 block `origin`.
pub fn channel_limits(cfg: &RollupConfig, origin: &L1BlockRef) -> ChannelLimits {
    ChannelLimits {
        channel_timeout: cfg.channel_timeout(origin.timestamp),
        max_bank_size: usize::try_from(cfg.max_channel_bank_size(origin.timestamp))
            .unwrap_or(usize::MAX),
        max_channel_size: usize::try_from(cfg.max_rlp_bytes_per_channel(origin.timestamp))
            .unwrap_or(usize::MAX),
        canyon: cfg.is_canyon_active(origin.timestamp),
    }
}

/// Bank before Holocene, assembler after.
#[derive(Clone, Debug)]
pub enum ChannelStage {
    /// Pre-Holocene channel bank.
    Bank(ChannelBank),
    /// Holocene staging channel.
    Assembler(ChannelAssembler),
}

impl Default for ChannelStage {
    fn default() -> Self {
        Self::Bank(ChannelBank::new())
    }
}

impl ChannelStage {
    /// The right stage for L1 origin `origin`.
    pub fn for_origin(cfg: &RollupConfig, origin: &L1BlockRef) -> Self {
        if cfg.is_holocene_active(origin.timestamp) {
            Self::Assembler(ChannelAssembler::new())
        } else {
            Self::Bank(ChannelBank::new())
        }
    }

    /// Switches to the Holocene assembler when `origin` is the first Holocene L1 block seen;
    /// returns whether it did (the caller then discards queued frames and batches too).
    pub fn on_new_origin(&mut self, cfg: &RollupConfig, origin: &L1BlockRef) -> bool {
        let activate = matches!(self, Self::Bank(_)) && cfg.is_holocene_active(origin.timestamp);
        if activate {
            *self = Self::Assembler(ChannelAssembler::new());
        }
        activate
    }

    /// Drops everything buffered (reset).
    pub fn clear(&mut self) {
        match self {
            Self::Bank(bank) => bank.clear(),
            Self::Assembler(asm) => asm.clear(),
        }
    }

    /// Feeds a frame read in `origin`; returns a channel if one became readable.
    pub fn add_frame(
        &mut self,
        frame: Frame,
        origin: &L1BlockRef,
        limits: &ChannelLimits,
    ) -> Option<(ChannelId, Vec<u8>)> {
        match self {
            Self::Bank(bank) => {
                bank.ingest(frame, origin.number, limits);
                bank.read(origin.number, limits)
            }
            Self::Assembler(asm) => match asm.add_frame(frame, origin.number, limits) {
                AssemblerOutcome::Ready(id, data) => Some((id, data)),
                _ => None,
            },
        }
    }

    /// Reads a ready channel without new input (the bank may hold several), dropping timed-out
    /// channels as of `origin`.
    pub fn read(
        &mut self,
        origin: &L1BlockRef,
        limits: &ChannelLimits,
    ) -> Option<(ChannelId, Vec<u8>)> {
        match self {
            Self::Bank(bank) => bank.read(origin.number, limits),
            Self::Assembler(asm) => {
                asm.drop_if_timed_out(origin.number, limits);
                None
            }
        }
    }
}
