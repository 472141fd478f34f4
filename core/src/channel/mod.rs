//! Channels: frames reassembled into compressed channel data.
//!
//! Before Holocene many channels are buffered at once in a [`ChannelBank`]; from Holocene a
//! single staging channel is kept by the [`ChannelAssembler`] (spec: derivation § Channel Bank,
//! holocene/derivation § Channel Bank).

mod assembler;
mod bank;
mod buffer;

pub use assembler::{AssemblerOutcome, ChannelAssembler, prune_holocene_frames};
pub use bank::{ChannelBank, FrameOutcome};
pub use buffer::{Channel, ChannelError, FRAME_BANK_OVERHEAD};

/// Per-L1-block limits for channel handling, computed by the caller from the rollup config and
/// the timestamp of the L1 block being read (checklist §0.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChannelLimits {
    /// Channel timeout in L1 blocks (rollup config value; 50 from Granite).
    pub channel_timeout: u64,
    /// Pre-Holocene: maximum total bank size (100 MB; 1 GB from Fjord).
    pub max_bank_size: usize,
    /// Holocene: maximum size of the staging channel (`MAX_RLP_BYTES_PER_CHANNEL`).
    pub max_channel_size: usize,
    /// Whether Canyon is active (read the first ready channel instead of only the head).
    pub canyon: bool,
}
