//! Batches: the L2 block contents carried inside channels (singular type 0, span type 1).

pub mod reader;
pub mod singular;
pub mod span;

use alloc::{boxed::Box, vec::Vec};

pub use reader::{BatchReader, ReadError, encode_batches};
pub use singular::SingularBatch;
pub use span::{RawSpanBatch, SpanBatchElement, SpanBatchError};

/// Type byte of a singular batch.
pub const SINGULAR_BATCH_TYPE: u8 = 0x00;
/// Type byte of a span batch (Delta).
pub const SPAN_BATCH_TYPE: u8 = 0x01;

/// A decoded batch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Batch {
    /// One L2 block.
    Singular(SingularBatch),
    /// A run of L2 blocks in the compact span encoding.
    Span(Box<RawSpanBatch>),
}

/// Why a batch did not decode.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BatchError {
    /// The batch string is empty: no type byte.
    #[error("empty batch")]
    Empty,
    /// The type byte is neither singular (0) nor span (1).
    #[error("unknown batch type {0:#04x}")]
    UnknownType(u8),
    /// The singular batch's RLP is malformed.
    #[error("bad singular batch: {0}")]
    Singular(alloy_rlp::Error),
    /// The span batch is malformed.
    #[error("bad span batch: {0}")]
    Span(#[from] SpanBatchError),
}

/// Decodes one batch from its `type_byte ++ body` bytes.
///
/// Bytes after the batch's own encoding are ignored, as the spec allows.
pub fn decode_batch(data: &[u8]) -> Result<Batch, BatchError> {
    let (&kind, body) = data.split_first().ok_or(BatchError::Empty)?;
    match kind {
        SINGULAR_BATCH_TYPE => {
            SingularBatch::decode(body).map(Batch::Singular).map_err(BatchError::Singular)
        }
        SPAN_BATCH_TYPE => Ok(Batch::Span(Box::new(RawSpanBatch::decode(body)?.0))),
        other => Err(BatchError::UnknownType(other)),
    }
}

impl Batch {
    /// The batch's `type_byte ++ body` encoding.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        match self {
            Self::Singular(batch) => {
                out.push(SINGULAR_BATCH_TYPE);
                batch.encode(&mut out);
            }
            Self::Span(batch) => {
                out.push(SPAN_BATCH_TYPE);
                batch.encode(&mut out);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;
    use alloy_primitives::{B256, Bytes};

    fn singular(ts: u64) -> Batch {
        Batch::Singular(SingularBatch {
            parent_hash: B256::repeat_byte(1),
            epoch_num: 7,
            epoch_hash: B256::repeat_byte(2),
            timestamp: ts,
            transactions: vec![Bytes::from_static(&[0x02, 0xc0]), Bytes::from_static(&[0xc0])],
        })
    }

    #[test]
    fn rule_3_1_singular_batch_roundtrip() {
        let batch = singular(100);
        assert_eq!(decode_batch(&batch.encode()), Ok(batch));
    }

    #[test]
    fn rule_3_1_singular_batch_trailing_bytes_ignored() {
        let batch = singular(100);
        let mut data = batch.encode();
        data.extend_from_slice(&[0xde, 0xad]);
        assert_eq!(decode_batch(&data), Ok(batch));
    }

    #[test]
    fn rule_3_1_bad_batches_are_typed_errors() {
        assert_eq!(decode_batch(&[]), Err(BatchError::Empty));
        assert_eq!(decode_batch(&[0x02, 0xc0]), Err(BatchError::UnknownType(0x02)));
        let data = singular(5).encode();
        for cut in 1..data.len() {
            assert!(
                matches!(decode_batch(&data[..cut]), Err(BatchError::Singular(_))),
                "cut {cut}"
            );
        }
        assert!(matches!(decode_batch(&[0x01]), Err(BatchError::Span(_))));
    }

    #[test]
    fn rule_2_4_reader_stops_at_first_bad_batch() {
        let mut stream = encode_batches(&[singular(1), singular(2)]);
        let good_len = stream.len();
        // A string holding an unknown batch type, then a valid batch that must not be read.
        stream.extend_from_slice(&[0x82, 0x07, 0x00]);
        stream.extend_from_slice(&encode_batches(&[singular(3)]));
        let items: Vec<_> = BatchReader::new(&stream).collect();
        assert_eq!(items.len(), 3);
        assert_eq!(items[0], Ok(singular(1)));
        assert_eq!(items[1], Ok(singular(2)));
        assert_eq!(
            items[2],
            Err(ReadError::Batch { offset: good_len, source: BatchError::UnknownType(7) })
        );
    }

    #[test]
    fn rule_2_4_reader_rejects_lists_and_truncation() {
        let items: Vec<_> = BatchReader::new(&[0xc1, 0x00]).collect();
        assert_eq!(items, vec![Err(ReadError::NotAString { offset: 0 })]);
        let stream = encode_batches(&[singular(1)]);
        let items: Vec<_> = BatchReader::new(&stream[..stream.len() - 1]).collect();
        assert!(matches!(items.as_slice(), [Err(ReadError::Rlp { offset: 0, .. })]));
    }
}
