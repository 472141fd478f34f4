//! Reading batches out of decompressed channel data (spec: derivation § Channel Format).
//!
//! The decompressed stream is a sequence of RLP byte strings, each `batch_type ++ body`. The
//! caller bounds the stream by `MAX_RLP_BYTES_PER_CHANNEL` when decompressing; a decode error
//! discards the rest of the channel, so the reader stops after its first error.

use alloc::vec::Vec;
use alloy_rlp::Header;

use super::{Batch, BatchError, decode_batch};

/// Why reading stopped early inside a channel.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    /// The bytes at `offset` are not a well-formed RLP string.
    #[error("bad RLP string at offset {offset}: {source}")]
    Rlp {
        /// Offset of the item in the decompressed channel.
        offset: usize,
        /// What was wrong with it.
        source: alloy_rlp::Error,
    },
    /// The item at `offset` is an RLP list, not a string.
    #[error("RLP list instead of a batch string at offset {offset}")]
    NotAString {
        /// Offset of the item in the decompressed channel.
        offset: usize,
    },
    /// The batch in the string at `offset` did not decode.
    #[error("bad batch at offset {offset}: {source}")]
    Batch {
        /// Offset of the item in the decompressed channel.
        offset: usize,
        /// What was wrong with it.
        source: BatchError,
    },
}

/// Iterates the batches of decompressed channel data, stopping for good at the first error.
#[derive(Clone, Debug)]
pub struct BatchReader<'a> {
    data: &'a [u8],
    offset: usize,
    failed: bool,
}

impl<'a> BatchReader<'a> {
    /// A reader over decompressed channel data.
    pub fn new(data: &'a [u8]) -> Self {
        Self { data, offset: 0, failed: false }
    }

    /// Bytes consumed so far.
    pub fn offset(&self) -> usize {
        self.offset
    }

    fn read_next(&mut self) -> Result<Batch, ReadError> {
        let offset = self.offset;
        let mut buf = self.data.get(offset..).unwrap_or_default();
        let before = buf.len();
        let header =
            Header::decode(&mut buf).map_err(|source| ReadError::Rlp { offset, source })?;
        if header.list {
            return Err(ReadError::NotAString { offset });
        }
        let body = buf
            .get(..header.payload_length)
            .ok_or(ReadError::Rlp { offset, source: alloy_rlp::Error::InputTooShort })?;
        self.offset += before - buf.len() + header.payload_length;
        decode_batch(body).map_err(|source| ReadError::Batch { offset, source })
    }
}

impl Iterator for BatchReader<'_> {
    type Item = Result<Batch, ReadError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed || self.offset >= self.data.len() {
            return None;
        }
        let item = self.read_next();
        self.failed = item.is_err();
        Some(item)
    }
}

/// Encodes batches as a channel's uncompressed stream of RLP strings.
pub fn encode_batches<'b>(batches: impl IntoIterator<Item = &'b Batch>) -> Vec<u8> {
    let mut out = Vec::new();
    for batch in batches {
        let body = batch.encode();
        Header { list: false, payload_length: body.len() }.encode(&mut out);
        out.extend_from_slice(&body);
    }
    out
}
