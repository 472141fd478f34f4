//! One channel being assembled from its frames.

use alloc::{collections::BTreeMap, vec::Vec};

use crate::frame::{ChannelId, Frame};

/// Bytes each frame is charged for in channel-size accounting, on top of its data.
pub const FRAME_BANK_OVERHEAD: usize = 200;

/// Why a frame was not added to a channel. The frame is dropped; the channel is kept.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChannelError {
    /// The frame belongs to another channel.
    #[error("frame for channel {got} added to channel {expected}")]
    WrongChannel {
        /// The channel's id.
        expected: ChannelId,
        /// The frame's channel id.
        got: ChannelId,
    },
    /// The channel already has a closing frame.
    #[error("second closing frame {0} for an already closed channel")]
    AlreadyClosed(u16),
    /// A frame with this number is already present.
    #[error("duplicate frame number {0}")]
    DuplicateFrame(u16),
    /// The channel is closed and the frame lies at or past its end.
    #[error("frame number {number} is past the closing frame {end}")]
    PastEnd {
        /// The frame's number.
        number: u16,
        /// The closing frame's number.
        end: u16,
    },
    /// Holocene requires frames in order; this one is not the next.
    #[error("frame {got} out of order, expected frame {expected}")]
    OutOfOrder {
        /// The next frame number the channel expects.
        expected: usize,
        /// The frame's number.
        got: u16,
    },
}

/// A channel: its frames so far, where it opened and whether it is closed.
#[derive(Clone, Debug)]
pub struct Channel {
    id: ChannelId,
    open_l1_block: u64,
    highest_l1_block: u64,
    frames: BTreeMap<u16, Frame>,
    end_frame: Option<u16>,
    highest_frame: u16,
    size: usize,
    in_order: bool,
}

impl Channel {
    /// Opens a channel in L1 block `open_l1_block`. With `in_order` (Holocene) frames must
    /// arrive as 0, 1, 2, ...
    pub fn new(id: ChannelId, open_l1_block: u64, in_order: bool) -> Self {
        Self {
            id,
            open_l1_block,
            highest_l1_block: open_l1_block,
            frames: BTreeMap::new(),
            end_frame: None,
            highest_frame: 0,
            size: 0,
            in_order,
        }
    }

    /// The channel id.
    pub fn id(&self) -> ChannelId {
        self.id
    }

    /// L1 block number the channel's first frame was read in.
    pub fn open_l1_block(&self) -> u64 {
        self.open_l1_block
    }

    /// Highest L1 block number a frame of this channel was read in.
    pub fn highest_l1_block(&self) -> u64 {
        self.highest_l1_block
    }

    /// Accounted size: frame data plus [`FRAME_BANK_OVERHEAD`] per frame.
    pub fn size(&self) -> usize {
        self.size
    }

    /// Number of frames held.
    pub fn frame_count(&self) -> usize {
        self.frames.len()
    }

    /// Whether the closing frame has been seen.
    pub fn is_closed(&self) -> bool {
        self.end_frame.is_some()
    }

    /// Adds a frame read in L1 block `l1_block`, applying the spec's insertion rules in order.
    pub fn add_frame(&mut self, frame: Frame, l1_block: u64) -> Result<(), ChannelError> {
        if frame.channel_id != self.id {
            return Err(ChannelError::WrongChannel { expected: self.id, got: frame.channel_id });
        }
        if frame.is_last && self.is_closed() {
            return Err(ChannelError::AlreadyClosed(frame.number));
        }
        if self.frames.contains_key(&frame.number) {
            return Err(ChannelError::DuplicateFrame(frame.number));
        }
        if let Some(end) = self.end_frame.filter(|&end| frame.number >= end) {
            return Err(ChannelError::PastEnd { number: frame.number, end });
        }
        if self.in_order && usize::from(frame.number) != self.frames.len() {
            return Err(ChannelError::OutOfOrder {
                expected: self.frames.len(),
                got: frame.number,
            });
        }
        if frame.is_last {
            self.end_frame = Some(frame.number);
            // Frames buffered beyond the closing frame can never be part of the channel.
            if frame.number < self.highest_frame {
                let pruned = self.frames.split_off(&frame.number);
                self.size -= pruned.values().map(frame_size).sum::<usize>();
                self.highest_frame = frame.number;
            }
        }
        self.highest_frame = self.highest_frame.max(frame.number);
        self.highest_l1_block = self.highest_l1_block.max(l1_block);
        self.size += frame_size(&frame);
        self.frames.insert(frame.number, frame);
        Ok(())
    }

    /// Whether the channel is closed and holds every frame up to the closing one.
    pub fn is_ready(&self) -> bool {
        self.end_frame.is_some_and(|end| self.frames.len() == usize::from(end) + 1)
    }

    /// Whether the channel timed out by L1 block `current_l1_block` (`open + timeout < current`).
    pub fn is_timed_out(&self, current_l1_block: u64, channel_timeout: u64) -> bool {
        self.open_l1_block.saturating_add(channel_timeout) < current_l1_block
    }

    /// The channel's data: frame data concatenated in frame order.
    pub fn data(&self) -> Vec<u8> {
        let len = self.frames.values().map(|f| f.data.len()).sum();
        let mut out = Vec::with_capacity(len);
        for frame in self.frames.values() {
            out.extend_from_slice(&frame.data);
        }
        out
    }
}

fn frame_size(frame: &Frame) -> usize {
    frame.data.len() + FRAME_BANK_OVERHEAD
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use alloy_primitives::Bytes;

    pub(crate) fn frame(id: u8, number: u16, data: &[u8], is_last: bool) -> Frame {
        Frame {
            channel_id: ChannelId::repeat_byte(id),
            number,
            data: Bytes::copy_from_slice(data),
            is_last,
        }
    }

    #[test]
    fn rule_2_1_channel_frames_out_of_order_assemble() {
        let mut ch = Channel::new(ChannelId::repeat_byte(1), 10, false);
        ch.add_frame(frame(1, 2, b"c", true), 10).unwrap();
        assert!(!ch.is_ready());
        ch.add_frame(frame(1, 0, b"a", false), 11).unwrap();
        ch.add_frame(frame(1, 1, b"b", false), 12).unwrap();
        assert!(ch.is_ready());
        assert_eq!(ch.data(), b"abc");
        assert_eq!(ch.size(), 3 + 3 * FRAME_BANK_OVERHEAD);
        assert_eq!(ch.highest_l1_block(), 12);
    }

    #[test]
    fn rule_2_1_channel_insertion_rules() {
        let mut ch = Channel::new(ChannelId::repeat_byte(1), 0, false);
        ch.add_frame(frame(1, 0, b"a", false), 0).unwrap();
        assert_eq!(ch.add_frame(frame(1, 0, b"x", false), 0), Err(ChannelError::DuplicateFrame(0)));
        ch.add_frame(frame(1, 1, b"b", true), 0).unwrap();
        assert_eq!(ch.add_frame(frame(1, 2, b"c", true), 0), Err(ChannelError::AlreadyClosed(2)));
        assert_eq!(
            ch.add_frame(frame(1, 3, b"d", false), 0),
            Err(ChannelError::PastEnd { number: 3, end: 1 })
        );
        assert!(matches!(
            ch.add_frame(frame(2, 5, b"e", false), 0),
            Err(ChannelError::WrongChannel { .. })
        ));
        assert_eq!(ch.data(), b"ab");
    }

    #[test]
    fn rule_2_1_closing_frame_prunes_higher_frames() {
        let mut ch = Channel::new(ChannelId::repeat_byte(1), 0, false);
        ch.add_frame(frame(1, 5, b"late", false), 0).unwrap();
        ch.add_frame(frame(1, 0, b"a", false), 0).unwrap();
        ch.add_frame(frame(1, 1, b"b", true), 0).unwrap();
        assert!(ch.is_ready());
        assert_eq!(ch.frame_count(), 2);
        assert_eq!(ch.size(), 2 + 2 * FRAME_BANK_OVERHEAD);
        assert_eq!(ch.data(), b"ab");
    }

    #[test]
    fn rule_2_1_channel_timeout_boundary() {
        let ch = Channel::new(ChannelId::repeat_byte(1), 100, false);
        assert!(!ch.is_timed_out(150, 50));
        assert!(ch.is_timed_out(151, 50));
        assert!(!ch.is_timed_out(400, 300));
        assert!(ch.is_timed_out(401, 300));
    }

    #[test]
    fn rule_2_2_holocene_channel_requires_order() {
        let mut ch = Channel::new(ChannelId::repeat_byte(1), 0, true);
        assert_eq!(
            ch.add_frame(frame(1, 1, b"b", false), 0),
            Err(ChannelError::OutOfOrder { expected: 0, got: 1 })
        );
        ch.add_frame(frame(1, 0, b"a", false), 0).unwrap();
        ch.add_frame(frame(1, 1, b"b", true), 0).unwrap();
        assert!(ch.is_ready());
    }
}
