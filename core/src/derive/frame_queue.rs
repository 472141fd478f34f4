//! Frame queue: batcher payloads parsed into frames (spec: derivation § Frame Queue,
//! holocene/derivation § Frame Queue; checklist §1.3, §1.7).

use alloc::collections::VecDeque;

use crate::{
    channel::prune_holocene_frames,
    frame::{Frame, parse_frames},
};

/// Frames waiting for the channel stage.
#[derive(Clone, Debug, Default)]
pub struct FrameQueue {
    frames: VecDeque<Frame>,
    invalid_payloads: u64,
}

impl FrameQueue {
    /// An empty queue.
    pub fn new() -> Self {
        Self::default()
    }

    /// Payloads dropped because a frame in them was invalid.
    pub fn invalid_payloads(&self) -> u64 {
        self.invalid_payloads
    }

    /// Whether no frame is queued.
    pub fn is_empty(&self) -> bool {
        self.frames.is_empty()
    }

    /// Drops all queued frames (reset, Holocene activation).
    pub fn clear(&mut self) {
        self.frames.clear();
    }

    /// Parses one batcher payload. Any bad frame drops every frame of the payload. From
    /// Holocene the queued frames are pruned after each payload; as in op-node, frames already
    /// handed to the channel stage take no part (the assembler handles continuity with them).
    pub fn add_payload(&mut self, payload: &[u8], holocene: bool) {
        let Ok(frames) = parse_frames(payload) else {
            self.invalid_payloads += 1;
            return;
        };
        if !holocene {
            self.frames.extend(frames);
            return;
        }
        let mut all: alloc::vec::Vec<Frame> = self.frames.drain(..).collect();
        all.extend(frames);
        self.frames = prune_holocene_frames(all).into();
    }

    /// The next frame, if any.
    pub fn next_frame(&mut self) -> Option<Frame> {
        self.frames.pop_front()
    }
}
