//! The pre-Holocene channel bank: a FIFO of channels being assembled (spec: derivation §
//! Channel Bank; checklist §2.1).

use alloc::{collections::VecDeque, vec::Vec};

use super::{Channel, ChannelError, ChannelLimits};
use crate::frame::{ChannelId, Frame};

/// What happened to a frame offered to the bank.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FrameOutcome {
    /// The frame was added to its channel.
    Added,
    /// The frame's channel had timed out; the frame was dropped.
    DroppedTimedOut,
    /// The channel refused the frame.
    Dropped(ChannelError),
}

/// Channels in the order their first frame was seen.
#[derive(Clone, Debug, Default)]
pub struct ChannelBank {
    queue: VecDeque<Channel>,
    pruned: u64,
}

impl ChannelBank {
    /// An empty bank.
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of channels held.
    pub fn len(&self) -> usize {
        self.queue.len()
    }

    /// Whether the bank holds no channel.
    pub fn is_empty(&self) -> bool {
        self.queue.is_empty()
    }

    /// Total accounted size of all channels.
    pub fn size(&self) -> usize {
        self.queue.iter().map(Channel::size).sum()
    }

    /// Channels dropped so far to keep the bank under its size limit.
    pub fn pruned_channels(&self) -> u64 {
        self.pruned
    }

    /// Channels held, oldest first.
    pub fn channels(&self) -> impl Iterator<Item = &Channel> {
        self.queue.iter()
    }

    /// Empties the bank (pipeline reset, Holocene activation).
    pub fn clear(&mut self) {
        self.queue.clear();
    }

    /// Ingests a frame read in L1 block `l1_block`, then prunes the bank to its size limit.
    pub fn ingest(&mut self, frame: Frame, l1_block: u64, limits: &ChannelLimits) -> FrameOutcome {
        let index = match self.position(frame.channel_id) {
            Some(index) => index,
            None => {
                // A channel opens on its first-seen frame, whatever that frame's number.
                self.queue.push_back(Channel::new(frame.channel_id, l1_block, false));
                self.queue.len() - 1
            }
        };
        let Some(channel) = self.queue.get_mut(index) else {
            return FrameOutcome::DroppedTimedOut;
        };
        if channel.is_timed_out(l1_block, limits.channel_timeout) {
            return FrameOutcome::DroppedTimedOut;
        }
        let outcome = match channel.add_frame(frame, l1_block) {
            Ok(()) => FrameOutcome::Added,
            Err(e) => FrameOutcome::Dropped(e),
        };
        self.prune(limits.max_bank_size);
        outcome
    }

    /// Reads the next channel's data as of L1 block `l1_block`, or `None` if none is ready.
    ///
    /// Timed-out channels are first dropped from the head. Before Canyon only the head
    /// channel may be read; from Canyon the first ready channel in FIFO order is read.
    pub fn read(&mut self, l1_block: u64, limits: &ChannelLimits) -> Option<(ChannelId, Vec<u8>)> {
        while self.queue.front().is_some_and(|c| c.is_timed_out(l1_block, limits.channel_timeout)) {
            self.queue.pop_front();
        }
        let readable =
            |c: &Channel| c.is_ready() && !c.is_timed_out(l1_block, limits.channel_timeout);
        let index = if limits.canyon {
            self.queue.iter().position(readable)?
        } else {
            self.queue.front().filter(|c| readable(c)).map(|_| 0)?
        };
        let channel = self.queue.remove(index)?;
        Some((channel.id(), channel.data()))
    }

    fn position(&self, id: ChannelId) -> Option<usize> {
        self.queue.iter().position(|c| c.id() == id)
    }

    fn prune(&mut self, max_size: usize) {
        let mut size = self.size();
        while size > max_size {
            let Some(oldest) = self.queue.pop_front() else { break };
            size -= oldest.size();
            self.pruned += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::buffer::tests::frame;
    use super::*;

    const LIMITS: ChannelLimits = ChannelLimits {
        channel_timeout: 300,
        max_bank_size: 100_000_000,
        max_channel_size: 10_000_000,
        canyon: true,
    };

    #[test]
    fn rule_2_1_bank_reads_first_ready_channel_canyon() {
        let mut bank = ChannelBank::new();
        bank.ingest(frame(1, 0, b"one", false), 1, &LIMITS);
        bank.ingest(frame(2, 0, b"two", true), 1, &LIMITS);
        // Head channel 1 is not ready: Canyon reads channel 2 past it.
        assert_eq!(bank.read(1, &LIMITS).unwrap().1, b"two");
        assert!(bank.read(1, &LIMITS).is_none());
        assert_eq!(bank.len(), 1);
    }

    #[test]
    fn rule_2_1_bank_reads_only_head_before_canyon() {
        let limits = ChannelLimits { canyon: false, ..LIMITS };
        let mut bank = ChannelBank::new();
        bank.ingest(frame(1, 0, b"one", false), 1, &limits);
        bank.ingest(frame(2, 0, b"two", true), 1, &limits);
        assert!(bank.read(1, &limits).is_none());
        bank.ingest(frame(1, 1, b"!", true), 2, &limits);
        assert_eq!(bank.read(2, &limits).unwrap().1, b"one!");
        assert_eq!(bank.read(2, &limits).unwrap().1, b"two");
    }

    #[test]
    fn rule_2_1_bank_drops_frames_of_timed_out_channels() {
        let limits = ChannelLimits { channel_timeout: 50, ..LIMITS };
        let mut bank = ChannelBank::new();
        assert_eq!(bank.ingest(frame(1, 0, b"a", false), 100, &limits), FrameOutcome::Added);
        assert_eq!(
            bank.ingest(frame(1, 1, b"b", true), 151, &limits),
            FrameOutcome::DroppedTimedOut
        );
        // Reading at 151 pops the timed-out head.
        assert!(bank.read(151, &limits).is_none());
        assert!(bank.is_empty());
    }

    #[test]
    fn rule_2_1_bank_prunes_oldest_over_size_limit() {
        let limits = ChannelLimits { max_bank_size: 2 * (200 + 10), ..LIMITS };
        let mut bank = ChannelBank::new();
        bank.ingest(frame(1, 0, &[0; 10], false), 1, &limits);
        bank.ingest(frame(2, 0, &[0; 10], false), 1, &limits);
        assert_eq!(bank.len(), 2);
        bank.ingest(frame(3, 0, &[0; 10], true), 1, &limits);
        assert_eq!(bank.len(), 2);
        assert_eq!(bank.pruned_channels(), 1);
        assert_eq!(bank.channels().next().unwrap().id(), ChannelId::repeat_byte(2));
    }
}
