//! Batcher frames: the unit of data a batcher posts to L1 (spec: derivation § Frame Format).
//!
//! A batcher payload is `version_byte ++ frame ++ frame ++ ...`; each frame is
//! `channel_id(16) ++ frame_number(u16 BE) ++ frame_data_length(u32 BE) ++ frame_data ++ is_last(1)`.

use alloc::vec::Vec;
use alloy_primitives::{Bytes, FixedBytes};

/// A channel identifier: 16 random bytes chosen by the batcher.
pub type ChannelId = FixedBytes<16>;

/// Fixed bytes a frame adds around its data (16 + 2 + 4 + 1).
pub const FRAME_OVERHEAD: usize = 23;

/// Largest `frame_data_length` a valid frame may declare (op-node `MaxFrameLen`).
pub const MAX_FRAME_LEN: usize = 1_000_000;

/// Version byte of a payload made of frames ("derivation version 0").
pub const DERIVATION_VERSION_0: u8 = 0x00;

/// Version byte of an alt-DA commitment payload; ignored unless alt-DA is enabled.
pub const ALT_DA_VERSION: u8 = 0x01;

/// One frame of a channel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Frame {
    /// Channel this frame belongs to.
    pub channel_id: ChannelId,
    /// Position of the frame in its channel, from 0.
    pub number: u16,
    /// The frame's slice of channel data.
    pub data: Bytes,
    /// Whether this frame closes the channel.
    pub is_last: bool,
}

/// Why a frame or a batcher payload was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FrameError {
    /// The payload has no bytes at all, not even a version byte.
    #[error("empty batcher payload")]
    EmptyPayload,
    /// The payload's version byte is not a known derivation version.
    #[error("unknown batcher payload version {0:#04x}")]
    UnknownVersion(u8),
    /// The payload carries a version byte but no frame.
    #[error("batcher payload has no frames")]
    NoFrames,
    /// The input ended inside the frame header or data.
    #[error("frame truncated at offset {offset}: need {needed} bytes, have {available}")]
    Truncated {
        /// Offset of the frame within the payload.
        offset: usize,
        /// Bytes the frame needs from that offset.
        needed: usize,
        /// Bytes left from that offset.
        available: usize,
    },
    /// The frame declares more data than [`MAX_FRAME_LEN`].
    #[error("frame data length {0} exceeds the maximum of {MAX_FRAME_LEN}")]
    TooLong(usize),
    /// The `is_last` byte is neither 0 nor 1.
    #[error("frame is_last byte is {0:#04x}, must be 0 or 1")]
    BadIsLast(u8),
}

impl Frame {
    /// Length of this frame once encoded.
    pub fn encoded_len(&self) -> usize {
        FRAME_OVERHEAD + self.data.len()
    }

    /// Appends the frame's wire encoding to `out`.
    pub fn encode(&self, out: &mut Vec<u8>) {
        out.reserve(self.encoded_len());
        out.extend_from_slice(self.channel_id.as_slice());
        out.extend_from_slice(&self.number.to_be_bytes());
        // Frames are built from at most MAX_FRAME_LEN bytes, so the length fits a u32.
        out.extend_from_slice(&(self.data.len() as u32).to_be_bytes());
        out.extend_from_slice(&self.data);
        out.push(u8::from(self.is_last));
    }

    /// Decodes one frame from the front of `input`, returning it and the bytes it used.
    ///
    /// `offset` is only used to name the position in errors.
    pub fn decode(input: &[u8], offset: usize) -> Result<(Self, usize), FrameError> {
        let truncated = |needed| FrameError::Truncated { offset, needed, available: input.len() };
        let (id, rest) =
            input.split_first_chunk::<16>().ok_or_else(|| truncated(FRAME_OVERHEAD))?;
        let (number, rest) =
            rest.split_first_chunk::<2>().ok_or_else(|| truncated(FRAME_OVERHEAD))?;
        let (len, rest) = rest.split_first_chunk::<4>().ok_or_else(|| truncated(FRAME_OVERHEAD))?;
        let number = u16::from_be_bytes(*number);
        let len = u32::from_be_bytes(*len) as usize;
        if len > MAX_FRAME_LEN {
            return Err(FrameError::TooLong(len));
        }
        let total = FRAME_OVERHEAD + len;
        let (data, rest) = rest.split_at_checked(len).ok_or_else(|| truncated(total))?;
        let is_last = match rest.first() {
            Some(0) => false,
            Some(1) => true,
            Some(&b) => return Err(FrameError::BadIsLast(b)),
            None => return Err(truncated(total)),
        };
        let frame = Self {
            channel_id: ChannelId::from(*id),
            number,
            data: Bytes::copy_from_slice(data),
            is_last,
        };
        Ok((frame, total))
    }
}

/// Parses a whole version-0 batcher payload (`0x00 ++ frames`).
///
/// As the spec requires, the payload must be consumed exactly and a single bad frame rejects
/// every frame of the payload. Alt-DA payloads (version 1) are reported as
/// [`FrameError::UnknownVersion`] because keel does not enable alt-DA.
pub fn parse_frames(payload: &[u8]) -> Result<Vec<Frame>, FrameError> {
    let (&version, mut rest) = payload.split_first().ok_or(FrameError::EmptyPayload)?;
    if version != DERIVATION_VERSION_0 {
        return Err(FrameError::UnknownVersion(version));
    }
    if rest.is_empty() {
        return Err(FrameError::NoFrames);
    }
    let mut frames = Vec::new();
    let mut offset = 1;
    while !rest.is_empty() {
        let (frame, used) = Frame::decode(rest, offset)?;
        frames.push(frame);
        rest = rest.get(used..).unwrap_or_default();
        offset += used;
    }
    Ok(frames)
}

/// Encodes frames as a version-0 batcher payload.
pub fn encode_frames<'a>(frames: impl IntoIterator<Item = &'a Frame>) -> Vec<u8> {
    let mut out = alloc::vec![DERIVATION_VERSION_0];
    for frame in frames {
        frame.encode(&mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    fn frame(number: u16, data: &[u8], is_last: bool) -> Frame {
        Frame {
            channel_id: ChannelId::repeat_byte(0xab),
            number,
            data: Bytes::copy_from_slice(data),
            is_last,
        }
    }

    #[test]
    fn rule_1_4_frame_roundtrip() {
        let frames = vec![frame(0, b"hello", false), frame(1, b"", true)];
        let payload = encode_frames(&frames);
        assert_eq!(payload.len(), 1 + 2 * FRAME_OVERHEAD + 5);
        assert_eq!(parse_frames(&payload).unwrap(), frames);
    }

    #[test]
    fn rule_1_4_frame_max_len() {
        let mut payload = vec![0u8];
        payload.extend_from_slice(&[0xab; 16]);
        payload.extend_from_slice(&0u16.to_be_bytes());
        payload.extend_from_slice(&((MAX_FRAME_LEN + 1) as u32).to_be_bytes());
        assert_eq!(parse_frames(&payload), Err(FrameError::TooLong(MAX_FRAME_LEN + 1)));
        // Exactly the maximum is allowed.
        let ok = encode_frames(&[frame(0, &vec![7u8; MAX_FRAME_LEN], true)]);
        assert_eq!(parse_frames(&ok).unwrap()[0].data.len(), MAX_FRAME_LEN);
    }

    #[test]
    fn rule_1_4_frame_is_last_must_be_bool() {
        let mut payload = encode_frames(&[frame(0, b"abc", true)]);
        *payload.last_mut().unwrap() = 2;
        assert_eq!(parse_frames(&payload), Err(FrameError::BadIsLast(2)));
    }

    #[test]
    fn rule_1_3_payload_version_and_emptiness() {
        assert_eq!(parse_frames(&[]), Err(FrameError::EmptyPayload));
        assert_eq!(parse_frames(&[0]), Err(FrameError::NoFrames));
        assert_eq!(parse_frames(&[1, 2, 3]), Err(FrameError::UnknownVersion(1)));
        assert_eq!(parse_frames(&[7]), Err(FrameError::UnknownVersion(7)));
    }

    #[test]
    fn rule_1_3_one_bad_frame_drops_all() {
        let mut payload = encode_frames(&[frame(0, b"good", false), frame(1, b"also good", true)]);
        payload.push(0); // trailing garbage: payload not fully consumed
        assert!(matches!(parse_frames(&payload), Err(FrameError::Truncated { .. })));
        let full = encode_frames(&[frame(0, b"good", false), frame(1, b"also good", true)]);
        let first_frame_end = 1 + FRAME_OVERHEAD + 4;
        for cut in (1..full.len()).filter(|&c| c != first_frame_end) {
            assert!(parse_frames(&full[..cut]).is_err(), "truncated at {cut} must fail");
        }
    }
}
