//! Holocene's single staging channel and frame-queue pruning (spec: holocene/derivation §
//! Frame Queue, § Channel Bank; checklist §1.7, §2.2).

use alloc::vec::Vec;

use super::{Channel, ChannelLimits};
use crate::frame::{ChannelId, Frame};

/// Prunes frames as Holocene's frame queue does after each batcher transaction is parsed.
///
/// A frame is dropped if it continues a closed channel or skips a number, or if it is a
/// non-first frame of a channel other than the previous frame's. A first frame arriving while
/// the previous channel is unclosed drops that channel's earlier frames still in `frames`.
pub fn prune_holocene_frames(frames: Vec<Frame>) -> Vec<Frame> {
    let mut kept: Vec<Frame> = Vec::with_capacity(frames.len());
    let mut last: Option<(ChannelId, u16, bool)> = None;
    for frame in frames {
        let keep = match last {
            // Same channel: must directly follow an unclosed frame.
            Some((id, number, is_last)) if id == frame.channel_id => {
                !is_last && u32::from(frame.number) == u32::from(number) + 1
            }
            // Another channel: only a first frame may start it.
            Some(_) => frame.number == 0,
            None => true,
        };
        if !keep {
            continue;
        }
        if let Some((id, _, false)) = last.filter(|(id, _, _)| *id != frame.channel_id) {
            // A new channel starts while the previous one is unclosed: drop the latter.
            kept.retain(|f| f.channel_id != id);
        }
        last = Some((frame.channel_id, frame.number, frame.is_last));
        kept.push(frame);
    }
    kept
}

/// What the assembler did with a frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AssemblerOutcome {
    /// The frame was staged; the channel is not complete yet.
    Staged,
    /// The frame completed the channel, whose data is returned.
    Ready(ChannelId, Vec<u8>),
    /// The frame was dropped (non-first frame without a matching staging channel, or refused).
    DroppedFrame,
    /// The staging channel grew past the size limit and was dropped.
    DroppedOversized,
}

/// Holocene's channel assembler: at most one staging channel at a time.
#[derive(Clone, Debug, Default)]
pub struct ChannelAssembler {
    staging: Option<Channel>,
}

impl ChannelAssembler {
    /// An assembler with no staging channel.
    pub fn new() -> Self {
        Self::default()
    }

    /// The staging channel, if any.
    pub fn staging(&self) -> Option<&Channel> {
        self.staging.as_ref()
    }

    /// Drops the staging channel (pipeline reset).
    pub fn clear(&mut self) {
        self.staging = None;
    }

    /// Drops the staging channel if it timed out by L1 block `l1_block`; returns whether it did.
    pub fn drop_if_timed_out(&mut self, l1_block: u64, limits: &ChannelLimits) -> bool {
        let timed_out =
            self.staging.as_ref().is_some_and(|c| c.is_timed_out(l1_block, limits.channel_timeout));
        if timed_out {
            self.staging = None;
        }
        timed_out
    }

    /// Adds a frame read in L1 block `l1_block`.
    pub fn add_frame(
        &mut self,
        frame: Frame,
        l1_block: u64,
        limits: &ChannelLimits,
    ) -> AssemblerOutcome {
        self.drop_if_timed_out(l1_block, limits);
        if frame.number == 0 {
            // A first frame always starts over, dropping any unfinished channel.
            self.staging = Some(Channel::new(frame.channel_id, l1_block, true));
        }
        let Some(channel) = self.staging.as_mut() else {
            return AssemblerOutcome::DroppedFrame;
        };
        if channel.add_frame(frame, l1_block).is_err() {
            return AssemblerOutcome::DroppedFrame;
        }
        if channel.size() > limits.max_channel_size {
            self.staging = None;
            return AssemblerOutcome::DroppedOversized;
        }
        if channel.is_ready() {
            let id = channel.id();
            let data = channel.data();
            self.staging = None;
            return AssemblerOutcome::Ready(id, data);
        }
        AssemblerOutcome::Staged
    }
}

#[cfg(test)]
mod tests {
    use super::super::buffer::tests::frame;
    use super::*;
    use alloc::vec;

    const LIMITS: ChannelLimits = ChannelLimits {
        channel_timeout: 50,
        max_bank_size: 1_000_000_000,
        max_channel_size: 100_000_000,
        canyon: true,
    };

    fn ids(frames: &[Frame]) -> Vec<(u8, u16)> {
        frames.iter().map(|f| (f.channel_id[0], f.number)).collect()
    }

    #[test]
    fn rule_1_7_holocene_frame_queue_pruning() {
        // Gap in numbering and continuation after is_last are dropped.
        let frames = vec![
            frame(1, 0, b"", false),
            frame(1, 2, b"", false),
            frame(1, 1, b"", true),
            frame(1, 2, b"", false),
        ];
        assert_eq!(ids(&prune_holocene_frames(frames)), [(1, 0), (1, 1)]);
        // Non-first frame of another channel is dropped.
        let frames = vec![frame(1, 0, b"", true), frame(2, 1, b"", false)];
        assert_eq!(ids(&prune_holocene_frames(frames)), [(1, 0)]);
        // A new first frame discards the unclosed channel's frames.
        let frames = vec![frame(1, 0, b"", false), frame(1, 1, b"", false), frame(2, 0, b"", true)];
        assert_eq!(ids(&prune_holocene_frames(frames)), [(2, 0)]);
        // A frame after a closing frame of its channel is dropped.
        let frames = vec![frame(3, 4, b"", false), frame(3, 5, b"", true), frame(3, 6, b"", false)];
        assert_eq!(ids(&prune_holocene_frames(frames)), [(3, 4), (3, 5)]);
    }

    #[test]
    fn rule_2_2_holocene_assembler_single_staging_channel() {
        let mut asm = ChannelAssembler::new();
        assert_eq!(
            asm.add_frame(frame(1, 1, b"x", false), 1, &LIMITS),
            AssemblerOutcome::DroppedFrame
        );
        assert_eq!(asm.add_frame(frame(1, 0, b"a", false), 1, &LIMITS), AssemblerOutcome::Staged);
        // A first frame of another channel replaces the staging channel.
        assert_eq!(asm.add_frame(frame(2, 0, b"b", false), 2, &LIMITS), AssemblerOutcome::Staged);
        assert_eq!(
            asm.add_frame(frame(1, 1, b"x", true), 2, &LIMITS),
            AssemblerOutcome::DroppedFrame
        );
        assert_eq!(
            asm.add_frame(frame(2, 2, b"x", true), 2, &LIMITS),
            AssemblerOutcome::DroppedFrame
        );
        assert_eq!(
            asm.add_frame(frame(2, 1, b"c", true), 3, &LIMITS),
            AssemblerOutcome::Ready(ChannelId::repeat_byte(2), b"bc".to_vec())
        );
        assert!(asm.staging().is_none());
    }

    #[test]
    fn rule_2_2_holocene_assembler_timeout_and_size() {
        let mut asm = ChannelAssembler::new();
        asm.add_frame(frame(1, 0, b"a", false), 100, &LIMITS);
        assert_eq!(
            asm.add_frame(frame(1, 1, b"b", true), 151, &LIMITS),
            AssemblerOutcome::DroppedFrame
        );
        let small = ChannelLimits { max_channel_size: 2 * 200 + 3, ..LIMITS };
        assert_eq!(asm.add_frame(frame(2, 0, b"ab", false), 1, &small), AssemblerOutcome::Staged);
        assert_eq!(
            asm.add_frame(frame(2, 1, b"cd", true), 1, &small),
            AssemblerOutcome::DroppedOversized
        );
    }
}
